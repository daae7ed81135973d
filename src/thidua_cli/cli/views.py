"""Rich views of service results: import summaries, the error table and workbook, status."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..services.progress import ImportProgress
from .console import err, out, print_row_errors, styled, terminal_text

if TYPE_CHECKING:
    from ..errors import RowError
    from ..imports.report import ImportReport
    from ..services.status import StatusReport


@contextlib.contextmanager
def import_progress() -> Iterator[ImportProgress]:
    """A Rich progress bar for the import, on stderr: only when stdout is a terminal, and only
    once the import has run for more than a second (a quick import shows nothing)."""
    if not sys.stdout.isatty():
        yield ImportProgress()
        return
    bar = ProgressBar()
    timer = threading.Timer(1.0, bar.show)
    timer.daemon = True
    timer.start()
    try:
        yield bar
    finally:
        timer.cancel()
        bar.close()


class ProgressBar(ImportProgress):
    """One Rich task whose label and size follow the import's stages."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._lock = threading.Lock()
        self._shown = False
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),  # file names as typed
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=err(),
            transient=True,
        )
        self._task = self._progress.add_task("", total=None)

    def stage(self, label: str, total: int | None) -> None:
        self._progress.update(
            self._task, description=terminal_text(label), total=total, completed=0
        )

    def advance(self, rows: int) -> None:
        self._progress.advance(self._task, rows)

    def show(self) -> None:
        with self._lock:
            if not self._shown:
                self._shown = True
                self._progress.start()

    def close(self) -> None:
        with self._lock:
            if self._shown:
                self._progress.stop()
            self._shown = True  # a late timer must not start it now


_SUMMARY_COLUMNS = ("Tệp", "Sheet", "Loại bảng", "Số dòng", "Mới", "Cập nhật", "Không đổi")


def print_import_report(report: ImportReport) -> None:
    from .boxtable import Column, box_table, fits

    console, diag = out(), err()
    for line in report.skipped:
        diag.print(styled(("Bỏ qua:", "dim"), " ", line))
    for line in report.notes:
        diag.print(styled(("Ghi chú:", "dim"), " ", line))
    for line in report.warnings:
        diag.print(styled(("Cảnh báo:", "yellow"), " ", line))
    if report.errors:
        print_row_errors(report.errors, diag)
        diag.print(
            styled(
                (f"Có {len(report.errors)} lỗi. Không ghi gì vào cơ sở dữ liệu.", "bold red"),
                " Sửa các ô nêu trên rồi nhập lại.",
            )
        )
        return
    if not report.sheets:
        diag.print(
            styled(
                ("Không có bảng nào để nhập.", "yellow"),
                " Kiểm tra tiêu đề các cột (xem `thidua template`).",
            )
        )
        return
    # one line per sheet, drawn as text: a Rich Table of a few hundred forms is slow to render
    columns = [Column(name, numeric=index >= 3) for index, name in enumerate(_SUMMARY_COLUMNS)]
    rows = [
        (s.file, s.sheet, s.label, str(s.rows), str(s.new), str(s.updated), str(s.unchanged))
        for s in report.sheets
    ]
    title = "Kết quả nhập" + (" (chạy thử)" if report.dry_run else "")
    if fits(columns, rows, console.options.max_width):
        console.print(box_table(title, columns, rows, console.options), soft_wrap=True)
    else:  # a narrow terminal: a sheet a paragraph, every name whole, rather than a tall table
        console.print(f"{title}:", style="italic", markup=False, highlight=False)
        for file, sheet, label, count, new, updated, unchanged in rows:
            console.print(f"• {file} › {sheet}", markup=False, highlight=False)
            console.print(
                f"  {label}: {count} dòng; {new} mới, {updated} cập nhật, {unchanged} không đổi.",
                markup=False,
                highlight=False,
            )
    new, updated, unchanged = report.totals
    console.print(f"Tổng: {new} mới, {updated} cập nhật, {unchanged} không đổi.")
    if report.changes:
        console.print("Thay đổi dữ liệu đang dùng (cũ → mới):", markup=False)
        for line in report.changes:
            console.print(f"  • {line}", markup=False, highlight=False)
    if report.dry_run:
        console.print("Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu.")


def write_errors_workbook(errors: list[RowError], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..files import save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Lỗi"
    headers = ["Tệp", "Sheet", "Dòng", "Cột", "Giá trị", "Lỗi", "Cách sửa"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for e in errors:
        sheet.append([e.file, e.sheet, e.row, e.column or "", e.value, e.message, e.hint])
    for letter, width in zip("ABCDEFG", (28, 18, 7, 6, 16, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    save_workbook(book, path)


def print_status(report: StatusReport) -> None:
    from rich.table import Table

    console = out()
    console.print(
        styled((report.cluster_name, "bold"), f" ({report.cluster_code}), năm {report.year}")
    )
    if report.years:
        console.print("Các năm có dữ liệu: " + ", ".join(map(str, report.years)))
    console.print(f"Trưởng cụm: {report.head or 'chưa có'}; Phó cụm: {report.deputy or 'chưa có'}")
    console.print(
        f"Bảng tiêu chí: {report.criteria_leaves} tiêu chí chuẩn chấm điểm "
        f"({report.criteria_groups} nhóm), tổng điểm chuẩn {report.base_max}"
    )
    table = Table(title=f"Đơn vị thành viên năm {report.year}", header_style="bold")
    for name in (
        "Mã",
        "Đơn vị",
        "Thứ tự",
        "6 tháng: tự chấm",
        "Cả năm: tự chấm",
        "Chấm chéo",
        "Thống nhất",
        "Khen thưởng",
    ):
        table.add_column(name)
    for row in report.units:
        table.add_row(
            row.code,
            row.name,
            "" if row.order is None else str(row.order),
            _count(row.h1_self, report.criteria_leaves),
            _count(row.fy_self, report.criteria_leaves),
            str(row.fy_peer) if row.fy_peer else "–",
            _count(row.fy_agreed, report.criteria_leaves),
            str(row.commendations) if row.commendations else "–",
        )
    console.print(table)
    console.print(
        f"Kết quả bỏ phiếu: {report.votes} dòng."
        if report.votes
        else f"Kết quả bỏ phiếu: chưa có (chưa nhập sheet Bỏ phiếu năm {report.year})."
    )
    console.print(
        f"Khen thưởng: {report.commendations} lượt; kết quả xếp hạng: "
        f"{'đã có' if report.ranked else 'chưa chạy rank'}"
        f"{'; năm đã chốt' if report.finalized else ''}."
    )
    if report.missing:
        console.print(styled(("Còn thiếu:", "bold")))
        for line in report.missing:
            console.print(f"  • {line}")
    else:
        console.print("Không thiếu gì.")


def _count(value: int, leaves: int) -> str:
    if not value:
        return "–"
    return f"{value}/{leaves}"
