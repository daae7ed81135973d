"""SPEC §9: what thidua writes is opened in Excel, Word, browsers and terminals, and a unit's
workbook is untrusted. Every payload below goes in through unit names, criterion titles, score
notes and commendation lists, and must come out inert in every output: no formula in a written
workbook, neutralised CSV text cells, no markup, link, image or raw HTML in Markdown, HTML or
DOCX, and the terminal showing the text as typed (no Rich markup, no escape sequences)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from openpyxl import Workbook, load_workbook

from tests.conftest import error_lines, query, run

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+1+2",
    "-1+2",
    "@SUM(1)",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![i](http://evil/x.png)",
    "[bold]Hội[/bold]",
    "[/]",
    "Hội Nông dân [cũ]",
    "\x1b[31mđỏ",
    "\u202eđảo",
]
# how each payload is stored after the input boundary (control and bidi characters removed)
STORED = [p.replace("\x1b", "").replace("\u202e", "") for p in PAYLOADS]
CODES = [f"DV{i}" for i in range(1, len(PAYLOADS) + 1)]
NAMES = [f"{p} ĐV{i}" for i, p in enumerate(PAYLOADS, start=1)]  # the payload starts the cell
STORED_NAMES = [f"{p} ĐV{i}" for i, p in enumerate(STORED, start=1)]
FORMULA_STARTS = ("=", "+", "-", "@")


def _sheet(book: Workbook, name: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = book.create_sheet(name)
    sheet.append(header)
    for values in rows:
        # an ESC is written as Excel escapes it in the XML (`_x001B_`); readers decode it
        sheet.append([v.replace("\x1b", "_x001B_") if isinstance(v, str) else v for v in values])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as typed by the unit, `=…` included, not a formula


def hostile_workbook(path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Năm", "Thứ tự luân phiên"],
        [
            [code, name, 2023, i]
            for i, (code, name) in enumerate(zip(CODES, NAMES, strict=True), start=1)
        ],
    )
    _sheet(
        book,
        "Tiêu chí",
        ["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Loại", "Năm"],
        [
            ["I", PAYLOADS[5], 100, None, 2023],
            ["1", PAYLOADS[0], 40, None, 2023],
            ["2", PAYLOADS[8], 30, None, 2023],
            ["3", PAYLOADS[11], 30, None, 2023],
            ["II", "Điểm thưởng", 10, "Thưởng", 2023],
            ["4", PAYLOADS[6], 10, None, 2023],
        ],
    )
    scores = []
    for i, code in enumerate(CODES):
        for criterion, points in (("1", 40 - i), ("2", 30 - i % 5), ("3", 25), ("4", i % 4)):
            scores.append([2023, "Cả năm", code, criterion, points, PAYLOADS[i]])
    _sheet(
        book, "Chấm điểm", ["Năm", "Kỳ", "Mã ĐV", "Mã tiêu chí", "Thống nhất", "Ghi chú"], scores
    )
    half = [[2023, "6 tháng", *row[2:]] for row in scores]
    header = ["Năm", "Kỳ", "Mã ĐV", "Mã tiêu chí", "Tự chấm", "Ghi chú"]
    _sheet(book, "Tự chấm 6 tháng", header, half)
    _sheet(
        book,
        "Khen thưởng",
        ["Họ và tên", "Giới tính", "Chức vụ", "Đơn vị", "Hình thức khen thưởng", "Năm"],
        [
            [p, "Nữ", "Chuyên viên", CODES[i], PAYLOADS[(i + 3) % 13], 2023]
            for i, p in enumerate(PAYLOADS)
        ],
    )
    book.save(path)
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    db = base / "thidua.db"
    assert run(db, "init", "--code", "C7", "--name", "Cụm thi đua số 7").exit_code == 0
    result = run(db, "import", hostile_workbook(base / "don-vi-doc-hai.xlsx"))
    assert result.exit_code == 0, result.output
    ranked = run(db, "rank", "--year", 2023)
    assert ranked.exit_code == 0, ranked.output
    return db


def test_text_is_cleaned_at_the_boundary(hostile_db: Path) -> None:
    stored = [name for (name,) in query(hostile_db, "SELECT name FROM unit ORDER BY id")]
    assert stored == STORED_NAMES
    notes = {note for (note,) in query(hostile_db, "SELECT note FROM score")}
    assert "[31mđỏ" in notes and "đảo" in notes
    assert not any("\x1b" in n or "\u202e" in n for n in notes)


def test_terminal_shows_data_as_typed(hostile_db: Path) -> None:
    result = run(hostile_db, "rank", "--year", 2023)
    assert result.exit_code == 0, result.output
    for name in STORED_NAMES:
        assert name in result.stdout  # `[cũ]`, `[bold]…[/bold]` and `[/]` literally
    assert "\x1b" not in result.output and "\u202e" not in result.output

    status = run(hostile_db, "status", "--year", 2023)
    assert status.exit_code == 0, status.output
    assert "Hội Nông dân [cũ] ĐV11" in status.stdout and "[/] ĐV10" in status.stdout


def test_explain_shows_data_as_typed_and_a_markup_argument_is_a_message(hostile_db: Path) -> None:
    explained = run(hostile_db, "rank", "--year", 2023, "--explain", "DV11")
    assert explained.exit_code == 0, explained.output
    assert "Hội Nông dân [cũ] ĐV11" in explained.stdout
    assert "[bold]Hội[/bold]" in explained.stdout  # criterion 2's title
    for argument in ("[/]", "[bold]x", "\x1b[31mx"):
        unknown = run(hostile_db, "rank", "--year", 2023, "--explain", argument)
        assert unknown.exit_code == 2, unknown.output
        assert "Không có đơn vị" in unknown.stderr and "Traceback" not in unknown.output
        assert "\x1b" not in unknown.stderr
    assert "“[/]”" in run(hostile_db, "rank", "--year", 2023, "--explain", "[/]").stderr


def test_csv_text_cells_are_neutralised_and_numbers_stay_numbers(hostile_db: Path) -> None:
    result = run(hostile_db, "rank", "--year", 2023, "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    names = {row[header.index("Mã")]: row[header.index("Đơn vị")] for row in body}
    for code, name in zip(CODES, STORED_NAMES, strict=True):
        expected = "'" + name if name.startswith(FORMULA_STARTS) else name
        assert names[code] == expected
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        for column in ("Hạng", "Điểm chuẩn", "Thưởng", "Trừ", "Tổng"):
            float(row[header.index(column)].replace(",", "."))  # a number, not text


def _formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)
    found = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name):
                found.append(name)
    return found


def test_xlsx_has_no_formula_from_data(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ket-qua.xlsx"
    result = run(hostile_db, "rank", "--year", 2023, "--xlsx", out)
    assert result.exit_code == 0, result.output
    assert _formula_cells(out) == []
    sheet = load_workbook(out).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    for name in STORED_NAMES:
        assert name in texts
    quoted = [c for row in sheet.iter_rows() for c in row if c.value == STORED_NAMES[0]]
    assert quoted[0].quotePrefix  # Excel keeps it text when the clerk edits the cell
    totals = [c.value for row in sheet.iter_rows(min_row=4) for c in row if c.column == 8]
    assert totals and all(isinstance(v, (int, float)) for v in totals)


def test_errors_workbook_and_error_table_are_inert(seeded: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Chấm điểm"
    sheet.append(["Năm", "Kỳ", "Mã ĐV", "Mã tiêu chí", "Tự chấm", "Ghi chú"])
    for payload in PAYLOADS:
        text = payload.replace("\x1b", "_x001B_")
        sheet.append([2023, "Cả năm", text, "1.1", 5, text])
    for row in sheet.iter_rows(min_row=2):
        row[2].data_type = "s"  # the unit cell holds the payload as text
    sheet.append([2023, "Cả năm", "TD", "1.1", "=cmd|' /C calc'!A0", None])  # a live formula
    path = book.save(tmp_path / "cham-diem.xlsx") or tmp_path / "cham-diem.xlsx"
    errors = tmp_path / "loi.xlsx"
    before = query(seeded, "SELECT count(*) FROM score")
    result = run(seeded, "import", path, "--errors", errors)
    assert result.exit_code == 1, result.output
    assert query(seeded, "SELECT count(*) FROM score") == before
    assert "Traceback" not in result.output and "\x1b" not in result.output
    shown = {line.value for line in error_lines(result)}
    assert {"[/]", "Hội Nông dân [cũ]", "[bold]Hội[/bold]"} <= shown
    assert _formula_cells(errors) == []
    values = [c.value for row in load_workbook(errors).active.iter_rows() for c in row]
    assert "=cmd|' /C calc'!A0" in values and '=HYPERLINK("http://x","y")' in values


def test_unit_code_like_a_formula_is_a_row_error(db: Path, tmp_path: Path) -> None:
    book = Workbook()
    _sheet(
        book,
        "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Năm"],
        [["TD", "Tỉnh Đoàn", 2023], ["=2+3", "Năm", 2023]],
    )
    book.remove(book.worksheets[0])
    path = tmp_path / "don-vi.xlsx"
    book.save(path)
    result = run(db, "import", path)
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result)
    assert (line.row, line.column, line.value) == ("3", "A", "=2+3")
    assert line.message == "Mã đơn vị chỉ được gồm chữ cái, chữ số và các dấu . _ -"
    assert query(db, "SELECT count(*) FROM unit") == [(0,)]


def _rendered_markdown(path: Path) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("half", [False, True])
def test_markdown_report_escapes_data(hostile_db: Path, tmp_path: Path, half: bool) -> None:
    if half:
        ranked = run(hostile_db, "rank", "--year", 2023, "--half", 1)
        assert ranked.exit_code == 0, ranked.output
        assert "Hội Nông dân [cũ] ĐV11" in ranked.stdout
    out = tmp_path / "bao-cao.md"
    args = ["report", "--year", 2023, "--format", "md", "--out", out]
    result = run(hostile_db, *args, *(["--half", 1] if half else []))
    assert result.exit_code == 0, result.output
    html = _rendered_markdown(out)
    assert "<script" not in html and "<a " not in html and "<img" not in html
    assert "<strong>Hội" not in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "Hội Nông dân [cũ] ĐV11" in text
    assert "[/] ĐV10" in text
    if not half:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, not run
        assert "[x](javascript:alert(1)) ĐV7" in text


def test_html_report_escapes_data(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.html"
    result = run(hostile_db, "report", "--year", 2023, "--out", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "javascript:" not in re.sub(r">[^<]*<", "><", page)  # only inside text, never a link
    assert 'src="http://evil' not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Hội Nông dân [cũ] ĐV11" in page


def test_docx_report_keeps_data_as_text(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.docx"
    result = run(hostile_db, "report", "--year", 2023, "--out", out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        rels = " ".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".rels")
        )
    assert "<w:hyperlink" not in document and "instrText" not in document
    assert "fldSimple" not in document and "http://evil" not in rels
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "Hội Nông dân [cũ] ĐV11" in document
    assert "\x1b" not in document and "\u202e" not in document
