"""The year-end HTML report printed by headless Chromium: A4 pages, the national motto and every
unit on pages 1–2, and no table running off the page. In CI (CI=true) a missing Chromium or
Poppler fails the test; elsewhere the test is skipped and says what to install."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

import thidua_cli.cli.report_cmd  # noqa: F401  (registers `report` until app.py does)
from tests.conftest import run
from tests.test_report import UNITS_2023, _sample_template, sample_db  # noqa: F401

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
A4_POINTS = (595.0, 842.0)
MM = 72 / 25.4
RIGHT_EDGE = A4_POINTS[0] - 15 * MM  # the right margin of @page
LEFT_EDGE = 30 * MM


def need(tool: str | None, what: str, install: str) -> str:
    if tool:
        return tool
    message = f"{what} not found; install it with `apt-get install -y {install}`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: this test must run in CI)")
    pytest.skip(message)


def chromium() -> str:
    found = os.environ.get("THIDUA_CHROMIUM") or next(
        (path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None
    )
    return need(found, "Chromium", "chromium")


def print_to_pdf(source: Path, target: Path, profile: Path) -> None:
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            "--no-pdf-header-footer",
            source.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert target.is_file() and target.stat().st_size > 0


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(pdf: Path, pdftotext: str) -> list[Word]:
    """Every word with its box, from `pdftotext -bbox`. Poppler splits a word where a glyph
    with stacked diacritics (ể, ự) has a taller box; touching pieces are joined again."""
    out = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    found: list[Word] = []
    for number, page in enumerate(out.split("<page ")[1:], 1):
        for match in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            piece = Word(
                number,
                unicodedata.normalize("NFC", html.unescape(match.group(5))),
                *(float(match.group(i)) for i in range(1, 5)),
            )
            last = found[-1] if found else None
            if (
                last is not None
                and last.page == number
                and abs(piece.x_min - last.x_max) < 0.5
                and piece.y_min < last.y_max
                and last.y_min < piece.y_max
            ):
                found[-1] = Word(
                    number,
                    unicodedata.normalize("NFC", last.text + piece.text),
                    last.x_min,
                    min(last.y_min, piece.y_min),
                    piece.x_max,
                    max(last.y_max, piece.y_max),
                )
            else:
                found.append(piece)
    return found


def test_year_end_html_prints_on_a4_with_everything_on_the_page(
    sample_db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    browser = chromium()
    pdftotext = need(shutil.which("pdftotext"), "pdftotext", "poppler-utils")
    pdfinfo = need(shutil.which("pdfinfo"), "pdfinfo", "poppler-utils")
    assert browser

    result = run(sample_db, "report", "--format", "html", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "bao-cao-tong-ket-2023.pdf"
    print_to_pdf(tmp_path / "bao-cao-tong-ket-2023.html", pdf, tmp_path / "profile")

    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    assert abs(float(size.group(1)) - A4_POINTS[0]) < 1.5, info
    assert abs(float(size.group(2)) - A4_POINTS[1]) < 1.5, info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 2 <= pages <= 8

    first_pages = subprocess.run(
        [pdftotext, "-f", "1", "-l", "2", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flowing = " ".join(unicodedata.normalize("NFC", first_pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flowing
    assert "Độc lập - Tự do - Hạnh phúc" in flowing
    for name in UNITS_2023:
        assert name in flowing, name

    boxes = words(pdf, pdftotext)
    assert boxes
    overflow = [w for w in boxes if w.x_max > RIGHT_EDGE + 2 or w.x_min < LEFT_EDGE - 2]
    assert not overflow, overflow[:5]
    # the rightmost column header of the results table is printed whole, inside the margin
    header_row = [
        (first, second)
        for first, second in zip(boxes, boxes[1:], strict=False)
        if (first.text, second.text) == ("Đề", "nghị")
        and any(
            w.page == first.page and w.text == "STT" and abs(w.y_min - first.y_min) < 20
            for w in boxes
        )
    ]
    assert header_row, "results table header 'Đề nghị' not found"
    assert header_row[0][1].x_max <= RIGHT_EDGE + 2
