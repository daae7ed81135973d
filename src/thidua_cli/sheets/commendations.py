"""Commendation lists (SPEC §3.1): one row per commended person, collective or household, its
codes resolved through the workbook's catalogue, leader or not inferred from the post."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..text import ValueProblem, fold, parse_date, parse_yes_no
from .catalogue import KIND_CODES, code_text
from .cells import BAD, ErrorCell, RowReader, cell_text
from .records import CommendationRow

if TYPE_CHECKING:
    from .records import ParsedBatch
    from .sheet_context import SheetContext

LEADER_POSITIONS = (
    "chu tich",
    "pho chu tich",
    "giam doc",
    "pho giam doc",
    "tong giam doc",
    "truong ",
    "pho truong",
    "bi thu",
    "pho bi thu",
    "chanh van phong",
    "pho chanh van phong",
    "chanh ",
    "pho chanh",
    "tong bien tap",
    "pho tong bien tap",
    "thu truong",
    "pho ban",
    "cuc truong",
    "vu truong",
    "vien truong",
    "hieu truong",
    "pho hieu truong",
    "chu nhiem",
    "pho chu nhiem",
    "chinh uy",
    "pho chinh uy",
    "tu lenh",
    "pho tu lenh",
    "thu truong",
)


def infer_leader(position: str) -> bool:
    key = fold(position) + " "
    return any(key.startswith(prefix) for prefix in LEADER_POSITIONS)


def commendation_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    """One commended person, collective or household. Every problem of the row is said at
    once, so that the clerk fixes the list in one round."""
    reported = len(reader.errors)
    person = reader.text(row, values, "person") or ""
    collective = reader.text(row, values, "collective") or ""
    kind = _recipient_kind(reader, row, values, person)
    recipient = person or collective
    if not recipient:
        name_field = "person" if "person" in reader.cols else "collective"
        reader.error(
            row,
            reader.letter(name_field),
            "",
            "Thiếu tên người hoặc tập thể được khen.",
            "Ghi họ và tên (cá nhân) hoặc tên tập thể.",
        )
    unit = _commended_unit(reader, row, values, kind, recipient)
    award = _coded(reader, row, values, "award", required=True)
    title = _coded(reader, row, values, "title") or ""
    position = reader.text(row, values, "position") or ""
    is_leader = _yes_no(reader, row, values, "is_leader")
    gender = _gender(reader, row, values)
    decision_date = _date(reader, row, values, "decision_date")
    year = ctx.year(row, values)
    period = ctx.period(row, values, year)
    if len(reader.errors) > reported or None in (kind, unit, award, year, period):
        return
    batch.commendations.append(
        CommendationRow(
            reader.ref,
            row,
            year,  # type: ignore[arg-type]
            period,  # type: ignore[arg-type]
            recipient,
            kind,  # type: ignore[arg-type]
            gender,
            reader.text(row, values, "ethnicity") or "",
            position,
            is_leader,
            unit,  # type: ignore[arg-type]
            award,  # type: ignore[arg-type]
            title,
            reader.text(row, values, "decision_no") or "",
            decision_date,
        )
    )


_KINDS_OF_RECIPIENT = (("ca nhan", "individual"), ("tap the", "collective"))


def _recipient_kind(reader: RowReader, row: int, values: list[object], person: str) -> str | None:
    """individual / collective / household, from the Loại cell (a word, or a code such as
    CANHAN that the workbook's catalogue may also explain), else from the name columns."""
    raw = reader.raw(row, values, "kind")
    if raw is BAD or isinstance(raw, ErrorCell):
        return None if raw is BAD else ("individual" if person else "collective")
    text = cell_text(raw)
    if not text:
        return "individual" if person else "collective"
    code = code_text(text)
    if code in KIND_CODES:
        return KIND_CODES[code]
    if code is not None:
        text = _catalogue_name(reader, row, "kind", code) or ""
        if not text:
            return None
    key = fold(text)
    if "ho gia dinh" in key or key.replace(" ", "") == "hogiadinh":
        return "household"
    for words, kind in _KINDS_OF_RECIPIENT:
        if words in key or key.replace(" ", "") == words.replace(" ", ""):
            return kind
    reader.error(
        row,
        reader.letter("kind"),
        text,
        "Không hiểu loại khen thưởng.",
        "Ghi “Cá nhân”, “Tập thể” hoặc “Hộ gia đình”.",
    )
    return None


def _catalogue_name(reader: RowReader, row: int, name: str, code: str) -> str | None:
    """The name a code stands for in the workbook's catalogue; an error naming the code when
    the catalogue does not explain it (a code is never stored as a name)."""
    catalogue = reader.ref.catalogue
    found = catalogue.names.get(code) if catalogue is not None else None
    if found is not None:
        return found
    label = reader.layout.spec.label_of(name)
    if catalogue is not None and catalogue.sheets:
        message = (
            f"Mã “{code}” ở cột “{label}” không có trong danh mục của tệp "
            f"(sheet {catalogue.where()})."
        )
        hint = "Thêm mã và tên vào sheet danh mục, hoặc ghi thẳng tên thay cho mã."
    else:
        message = f"Cột “{label}” ghi mã “{code}” nhưng tệp không có sheet danh mục giải thích mã."
        hint = "Ghi tên thay cho mã, hoặc gửi kèm sheet DANHMUC của phần mềm đã xuất danh sách."
    reader.error(row, reader.letter(name), code, message, hint)
    return None


def _coded(
    reader: RowReader, row: int, values: list[object], name: str, required: bool = False
) -> str | None:
    """A text cell that may hold a catalogue code instead of a name: the name either way."""
    text = reader.text(row, values, name, required=required)
    if not text:
        return text
    code = code_text(text)
    return text if code is None else _catalogue_name(reader, row, name, code)


def _commended_unit(
    reader: RowReader, row: int, values: list[object], kind: str | None, recipient: str
) -> str | None:
    unit_cell = reader.raw(row, values, "unit")
    if unit_cell is BAD:
        return None  # a formula without a value, already said
    if isinstance(unit_cell, ErrorCell):
        reader.error(
            row,
            reader.letter("unit"),
            unit_cell.code,
            f"Ô lỗi {unit_cell.code} ở cột bắt buộc “Đơn vị”.",
            "Sửa công thức hoặc nhập tên, mã đơn vị trực tiếp.",
        )
        return None
    unit = cell_text(unit_cell)
    if not unit and kind == "collective" and "unit" not in reader.cols:
        unit = recipient
    if not unit and recipient and "unit" in reader.cols:
        reader.error(
            row,
            reader.letter("unit"),
            "",
            "Thiếu đơn vị của người hoặc tập thể được khen.",
            "Ghi tên hoặc mã đơn vị thành viên ở cột Đơn vị.",
        )
    elif not unit and recipient:
        # the sheet has no unit column: said once, on its header, not on a name column per row
        if not reader.ref.missing_unit_said:
            reader.ref.missing_unit_said = True
            reader.error(
                reader.layout.last_header_row,
                None,
                "",
                "Danh sách không có cột “Đơn vị” (đơn vị thành viên của người được khen).",
                "Thêm cột “Đơn vị” ghi mã hoặc tên đơn vị thành viên cho từng dòng.",
            )
        return None
    return unit or None


def _yes_no(reader: RowReader, row: int, values: list[object], name: str) -> bool | None:
    value = reader.raw(row, values, name)
    if value in (None, "") or isinstance(value, ErrorCell) or value is BAD:
        return None
    try:
        return parse_yes_no(value)
    except ValueProblem as problem:
        reader.error(row, reader.letter(name), value, problem.message, problem.hint)
        return None


def _gender(reader: RowReader, row: int, values: list[object]) -> str:
    text = reader.text(row, values, "gender") or ""
    if not text:
        return ""
    key = fold(text)
    if key in ("nu", "female", "f", "x"):
        return "Nữ"
    if key in ("nam", "male", "m"):
        return "Nam"
    reader.error(
        row, reader.letter("gender"), text, "Không hiểu giới tính.", "Ghi “Nam” hoặc “Nữ”."
    )
    return ""


def _date(reader: RowReader, row: int, values: list[object], name: str) -> date | None:
    value = reader.raw(row, values, name)
    if value in (None, "") or isinstance(value, ErrorCell) or value is BAD:
        return None
    try:
        return parse_date(value)
    except ValueProblem as problem:
        reader.error(row, reader.letter(name), value, problem.message, problem.hint)
        return None
