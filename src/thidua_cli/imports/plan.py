"""Planning an import: which sheets of which workbooks are read, and as which kind. Hidden,
guide and catalogue sheets are skipped and said so; a sheet of no known kind is named."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RowError
from ..services.units import UnitIndex
from ..sheets.catalogue import Catalogue, read_catalogue
from ..sheets.columns import KINDS
from ..sheets.layout import Ambiguous, Layout, NearMiss, detect_layout
from ..sheets.parse import parse_sheet
from ..sheets.reader import Sheet, Workbook
from ..sheets.records import ParsedBatch, SheetRef
from ..sheets.sheet_context import ParseOptions
from ..text import column_letter, fold
from .report import ImportOptions, ImportReport


@dataclass
class PlannedSheet:
    workbook: Workbook
    sheet: Sheet
    layout: Layout
    ref: SheetRef


def plan_sheets(
    workbooks: list[Workbook],
    options: ImportOptions,
    index: UnitIndex,
    report: ImportReport,
    batch: ParsedBatch,
    parse_options: ParseOptions,
) -> list[PlannedSheet]:
    """Detect each sheet's kind. Member sheets are parsed first so that a wide score sheet whose
    columns name units from the same batch is recognised."""

    def lookup(text: str) -> str | None:
        return index.lookup(text)

    candidates: list[tuple[Workbook, Sheet]] = []
    for workbook in workbooks:
        visible = [s for s in workbook.sheets if not s.hidden]
        for sheet in workbook.sheets:
            if sheet.hidden:
                report.skipped.append(f"{workbook.display} › {sheet.name}: sheet ẩn, bỏ qua.")
                continue
            if fold(sheet.name).replace(" ", "") in ("huongdan", "danhmuc") and len(visible) > 1:
                report.skipped.append(
                    f"{workbook.display} › {sheet.name}: sheet hướng dẫn / danh mục, bỏ qua."
                )
                continue
            candidates.append((workbook, sheet))

    planned: list[PlannedSheet] = []
    pending: list[tuple[Workbook, Sheet, object]] = []
    for workbook, sheet in candidates:
        layout = detect_layout(sheet, options.kind, lookup)
        if isinstance(layout, Layout) and layout.kind == "members":
            item = make_planned(workbook, sheet, layout)
            parse_sheet(sheet, layout, parse_options, batch, item.ref)
            for member in batch.members:
                index.add(member.code, member.name, member.short_name, member.aliases)
            planned.append(item)
        else:
            pending.append((workbook, sheet, layout))
    # the other sheets are looked at again only when this import brings members: a unit
    # column may name a unit that is new in the batch
    new_members = bool(planned)
    catalogues: dict[int, Catalogue] = {}
    for workbook, sheet, first_look in pending:
        layout = detect_layout(sheet, options.kind, lookup) if new_members else first_look
        if isinstance(layout, Layout):
            item = make_planned(workbook, sheet, layout)
            if layout.kind == "commendations":
                # codes in the list (award forms, kinds) are read through the workbook's
                # catalogue sheet; read once per workbook
                if id(workbook) not in catalogues:
                    catalogues[id(workbook)] = read_catalogue(workbook.sheets)
                item.ref.catalogue = catalogues[id(workbook)]
            planned.append(item)
            continue
        where = f"{workbook.display} › {sheet.name}"
        if isinstance(layout, Ambiguous):
            first, second = (KINDS[k] for k in layout.kinds)
            batch.errors.append(
                RowError(
                    workbook.display,
                    sheet.name,
                    layout.header_row,
                    None,
                    "",
                    f"Dòng tiêu đề cột khớp với cả hai loại bảng: {first.label} và "
                    f"{second.label}; không đoán loại bảng.",
                    f"Dùng --kind {first.kind} hoặc --kind {second.kind} để chọn, hoặc nhập "
                    "sheet này riêng.",
                )
            )
            continue
        if isinstance(layout, NearMiss) and layout.refused:
            batch.errors.append(
                RowError(
                    workbook.display,
                    sheet.name,
                    layout.header_row,
                    None,
                    layout.refused,
                    f"Bảng có cột điểm theo từng đơn vị (“{layout.refused}”) nhưng không nhận ra "
                    "đơn vị nào ở tiêu đề các cột; bảng điểm không bao giờ được nhập làm bảng "
                    "tiêu chí.",
                    "Ghi mã hoặc tên đơn vị thành viên ở tiêu đề mỗi cột điểm (nhập danh sách "
                    "thành viên trước), hoặc dùng --kind criteria nếu đây thật là bảng tiêu chí.",
                )
            )
            continue
        if isinstance(layout, NearMiss):
            spec = KINDS[layout.kind]
            message = (
                f"{where}: giống {spec.label} (tiêu đề ở dòng {layout.header_row}) nhưng thiếu cột "
                + ", ".join(f"“{m}”" for m in layout.missing)
                + ", bỏ qua."
            )
        else:
            message = (
                f"{where}: không nhận ra loại bảng (không thấy dòng tiêu đề cột quen thuộc), "
                "bỏ qua."
            )
        if options.kind:
            batch.errors.append(
                RowError(
                    workbook.display,
                    sheet.name,
                    None,
                    None,
                    "",
                    message.split(": ", 1)[1].replace(", bỏ qua.", "."),
                    f"Kiểm tra tiêu đề các cột của loại “{options.kind}” (xem `thidua template`).",
                )
            )
        else:
            report.skipped.append(message)
    return planned


def make_planned(workbook: Workbook, sheet: Sheet, layout: Layout) -> PlannedSheet:

    ref = SheetRef(
        file=workbook.display,
        sheet=sheet.name,
        kind=layout.kind,
        letters={name: column_letter(col) for name, col in layout.fields.items()},
        path=str(workbook.path),
        sha256=workbook.sha256,
        unit_letters={text: column_letter(col) for col, text in layout.unit_columns.items()},
        header_row=layout.last_header_row,
    )
    return PlannedSheet(workbook, sheet, layout, ref)
