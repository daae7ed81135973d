"""Views of ranking and rotation: the Rich table, JSON (SPEC §4.4), CSV, a printable XLSX,
the explanation of one unit's total, and the rotation history with its proposal."""

from __future__ import annotations

import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .console import err, out, styled

if TYPE_CHECKING:
    from ..services.ranking import RankOutcome
    from ..services.rotation import RotationOverview

COLUMNS = (
    "Hạng",
    "Mã",
    "Đơn vị",
    "Tự chấm",
    "Điểm chuẩn",
    "Thưởng",
    "Trừ",
    "Tổng",
    "Xếp loại",
    "Đề nghị",
)


def _rows(outcome: RankOutcome) -> list[list[str]]:
    from ..scoring import format_points

    rows = []
    for u in outcome.result.units:
        rows.append(
            [
                str(u.rank),
                u.code,
                u.name,
                format_points(u.self_total) if u.self_total is not None else "",
                format_points(u.base),
                format_points(u.bonus),
                format_points(u.deduction),
                format_points(u.total),
                u.band,
                (u.proposal or "") + (" (dẫn đầu)" if u.leader else ""),
            ]
        )
    return rows


def _title(outcome: RankOutcome) -> str:
    result = outcome.result
    period = "6 tháng đầu năm" if result.period == "H1" else "năm"
    title = f"Kết quả chấm điểm, xếp hạng {period} {result.year} – {outcome.cluster.name}"
    if result.provisional:
        title += " (tạm tính, chưa thẩm định)"
    return title


def print_rank_table(outcome: RankOutcome) -> None:
    from rich.table import Table

    table = Table(title=_title(outcome), header_style="bold")
    for name in COLUMNS:
        table.add_column(
            name, justify="right" if name in COLUMNS[3:8] or name == "Hạng" else "left"
        )
    for u, row in zip(outcome.result.units, _rows(outcome), strict=True):
        style = "bold green" if u.leader else ("red" if u.vetoed else None)
        if u.provisional and outcome.result.period == "FY":
            row[2] += " *"
        table.add_row(*row, style=style)
    console = out()
    console.print(table)
    result = outcome.result
    if any(u.provisional for u in result.units) and result.period == "FY":
        console.print("* chưa có điểm thống nhất, tạm dùng điểm tự chấm.")
    if result.not_sent:
        names = [outcome.unit_names.get(code, code) for code in result.not_sent]
        console.print(f"Chưa gửi bảng tự chấm (không xếp hạng): {', '.join(names)}.")
    if result.leader:
        leader = outcome.unit_names.get(result.leader, result.leader)
        if result.has_votes or result.period != "FY":
            console.print(f"Đơn vị dẫn đầu: {leader}.")
        else:  # nobody has voted yet: a proposal, never a result
            console.print(f"Đề xuất đơn vị dẫn đầu: {leader} (chờ hội nghị bỏ phiếu).")
    if result.leader_note:
        console.print(result.leader_note)
    if result.period == "FY":
        head = outcome.unit_names.get(outcome.next_head or "", outcome.next_head)
        deputy = outcome.unit_names.get(outcome.next_deputy or "", outcome.next_deputy)
        console.print(
            f"Năm {result.year + 1}: Trưởng cụm {head or 'chưa xác định'}, "
            f"Phó cụm {deputy or 'chưa xác định'}"
            + ("" if outcome.proposal and outcome.proposal.decided else " (đề xuất)")
            + "."
        )


def print_rank_warnings(outcome: RankOutcome) -> None:
    diag = err()
    for note in outcome.notes:
        diag.print(note)
    for warning in outcome.result.warnings:
        diag.print(styled(("Cảnh báo:", "yellow"), " ", warning))


def print_rank_json(outcome: RankOutcome) -> None:
    from ..scoring import to_json_dict

    data = to_json_dict(outcome.result, outcome.next_head, outcome.next_deputy)
    _write_utf8(json.dumps(data, ensure_ascii=False, indent=2) + "\n", bom=False)


# the columns of COLUMNS that hold numbers: never neutralised, so a sign stays a sign
_NUMBER_COLUMNS = frozenset({0, 3, 4, 5, 6, 7})


def print_rank_csv(outcome: RankOutcome) -> None:
    """The table as CSV in UTF-8 with a BOM (Excel then shows the diacritics), text cells
    neutralised against formula injection."""
    from ..files import csv_text

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in _rows(outcome):
        writer.writerow(
            cell if i in _NUMBER_COLUMNS else csv_text(cell) for i, cell in enumerate(row)
        )
    _write_utf8(buffer.getvalue(), bom=True)


def _write_utf8(text: str, *, bom: bool) -> None:
    """Machine-readable output is UTF-8 whatever the console's code page, unless it goes to
    a terminal (which shows it in the console's own encoding)."""
    stream = sys.stdout
    binary = getattr(stream, "buffer", None)
    if binary is None or (not bom and stream.isatty()):
        stream.write(text)
        return
    stream.flush()
    binary.write(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))
    binary.flush()


def _cell(value: Decimal) -> float:
    """A number cell holds the value every other output shows: rounded by the one rule (half
    away from zero, 2 decimals), so Excel never rounds 96,125 its own way."""
    from ..scoring import round_points

    return float(round_points(value))


def write_rank_xlsx(outcome: RankOutcome, path: Path) -> None:
    """A sheet a clerk can print: title, header, the table with numbers as numbers, A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from ..files import save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append([_title(outcome)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([])
    sheet.append(list(COLUMNS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for u in outcome.result.units:
        sheet.append(
            [
                u.rank,
                u.code,
                u.name,
                _cell(u.self_total) if u.self_total is not None else None,
                _cell(u.base),
                _cell(u.bonus),
                _cell(u.deduction),
                _cell(u.total),
                u.band,
                (u.proposal or "") + (" (dẫn đầu)" if u.leader else ""),
            ]
        )
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in row:
            cell.border = border
            cell.font = Font(name="Times New Roman", size=12, bold=cell.row == 3)
            if cell.row > 3 and 4 <= cell.column <= 8:
                cell.number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJ", (6, 8, 36, 10, 11, 9, 8, 9, 12, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = "3:3"
    save_workbook(book, path)


def print_explain(outcome: RankOutcome, unit_text: str) -> None:
    from ..errors import UsageError
    from ..scoring import explain_unit
    from ..services.units import UnitIndex

    index = UnitIndex(province=outcome.cluster.province)
    for u in outcome.result.units:
        index.add(u.code, u.name)
    code = index.lookup(unit_text)
    if code is None:
        raise UsageError(
            f"Không có đơn vị “{unit_text}” trong kết quả xếp hạng.", index.hint(unit_text)
        )
    console = out()
    for line in explain_unit(outcome.result, code):
        console.print(line, markup=False)


def print_rotation(overview: RotationOverview) -> None:
    from rich.table import Table

    from ..services.rotation import HOW_LABELS

    names = overview.names
    table = Table(title=f"Trưởng cụm, phó cụm – {overview.cluster.name}", header_style="bold")
    for name in ("Năm", "Trưởng cụm", "Phó cụm", "Cách xác định"):
        table.add_column(name)
    for record in overview.history:
        table.add_row(
            str(record.year),
            names.get(record.head, record.head),
            names.get(record.deputy or "", record.deputy or ""),
            HOW_LABELS.get(record.how, record.how),
        )
    console = out()
    console.print(table)
    proposal = overview.proposal
    verb = "Đã quyết định" if proposal.decided else f"Đề xuất (quy tắc {overview.method})"
    console.print(styled((f"{verb} năm {proposal.year}:", "bold")))
    head = names.get(proposal.head or "", proposal.head) or "chưa xác định"
    deputy = names.get(proposal.deputy or "", proposal.deputy) or "chưa xác định"
    console.print(f"  Trưởng cụm: {head} ({proposal.head or '–'}) – {proposal.head_reason}")
    console.print(f"  Phó cụm: {deputy} ({proposal.deputy or '–'}) – {proposal.deputy_reason}")
