"""`thidua report`: choose the format and the output file, build the report context, render it
(HTML / Markdown through the templates, DOCX in code) and write the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

FORMATS = ("docx", "html", "md")
DEFAULT_FORMAT = "docx"  # the clerk opens the report in Word, edits, signs and sends it
_SUFFIXES = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@dataclass
class ReportFile:
    path: Path
    format: str
    notices: list[str] = field(default_factory=list)


def resolve_format(fmt: str | None, out: Path | None) -> str:
    """--format, else the suffix of --out, else DOCX; the two must agree when both are given."""
    suffix = out.suffix.lower() if out is not None and not out.is_dir() else ""
    from_suffix = _SUFFIXES.get(suffix)
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise UsageError(
                f"Không có định dạng báo cáo “{fmt}”.", "Chọn --format docx, html hoặc md."
            )
        if suffix and from_suffix != fmt:
            raise UsageError(
                f"Tệp --out “{out}” không hợp với --format {fmt}.",
                f"Đặt tên tệp có đuôi .{fmt}, hoặc bỏ --format để lấy theo đuôi tệp.",
            )
        return fmt
    if suffix and from_suffix is None:
        raise UsageError(
            f"Không biết ghi báo cáo dạng gì vào “{out}”.",
            "Dùng đuôi .docx, .html hoặc .md, hoặc chỉ rõ --format.",
        )
    return from_suffix or DEFAULT_FORMAT


def output_path(out: Path | None, stem: str, fmt: str) -> Path:
    """--out as given (a name without suffix gets one); a folder, or no --out (the current
    folder), gets the default file name."""
    name = f"{stem}.{fmt}"
    if out is None:
        return Path.cwd() / name
    if out.is_dir():
        return out / name
    if not out.suffix:
        return out.with_name(f"{out.name}.{fmt}")
    return out


def make_report(
    engine: Engine,
    cluster_code: str | None,
    *,
    year: int | None,
    half: bool,
    fmt: str | None,
    out: Path | None,
    template_dir: Path | None,
    notes: Path | None,
    today: date | None = None,
) -> ReportFile:
    """Build, render and write one report; returns where it went and what to tell the user."""
    from .context import build_report_context

    fmt = resolve_format(fmt, out)
    context = build_report_context(engine, cluster_code, year, half, notes, today=today)
    path = output_path(out, context.file_stem, fmt)
    notices = list(context.notices)
    if fmt == "docx":
        from .docx_writer import build_docx

        if template_dir is not None:
            notices.append(
                "--template-dir chỉ dùng cho báo cáo dạng html và md; bản docx dựng sẵn theo "
                "Nghị định 30/2020/NĐ-CP."
            )
        data = build_docx(context)
    else:
        from .render import render_report

        data = render_report(context, fmt, template_dir).encode("utf-8")
    _write(path, data)
    return ReportFile(path, fmt, notices)


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a failed write never truncates the previous report."""
    from ..files import write_atomic

    write_atomic(path, data)
