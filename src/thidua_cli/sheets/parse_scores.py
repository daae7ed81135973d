"""Score cells and the rows of score forms (self-score forms and wide sheets): a cell to points
in hundredths, a criterion code as written, a total row told from a criterion row."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING

from ..text import ValueProblem, column_letter, fold, parse_decimal
from .cells import BAD, ErrorCell, RowReader, cell_text
from .codes import is_letter, is_section, normalise_code
from .records import ScoreRow, TotalRow

if TYPE_CHECKING:
    from .records import ParsedBatch
    from .sheet_context import SheetContext

TOTAL_WORDS = ("cong", "tong cong", "tong so", "tong", "tong diem", "cong diem", "tong so diem")


def to_hundredths(number: Decimal) -> int:
    scaled = number * 100
    whole = scaled.to_integral_value()
    if scaled != whole:
        if abs(scaled - whole) < Decimal("0.000001"):
            return int(whole)
        raise ValueProblem(
            "Điểm có quá 2 chữ số thập phân.",
            "Làm tròn điểm đến 2 chữ số thập phân (ví dụ 9,25).",
        )
    return int(whole)


@functools.lru_cache(maxsize=4096, typed=True)  # typed: TRUE is not the code 1
def criterion_code(value: object) -> str:
    """`1.2.a`, `I`, `1` as written; decorations (`1.`, `1)`, `(a)`) and spaces dropped. Only
    capitals are Roman sections: a lowercase `c`, `i`, `v`, `x` is a letter code."""
    return normalise_code(cell_text(value))


def is_total_text(text: str) -> bool:
    key = fold(text)
    return key in TOTAL_WORDS or key.startswith(("tong cong", "cong diem", "tong diem", "tong so"))


def read_points(
    reader: RowReader, row: int, values: list[object], name: str
) -> tuple[int, bool] | None:
    """Points in hundredths, and whether written as a mark (x / có), or None for no score."""
    value = reader.raw(row, values, name)
    if isinstance(value, ErrorCell):
        _score_error_cell(
            reader, row, reader.letter(name), value, reader.layout.spec.label_of(name)
        )
        return None
    if value is BAD or value is None:
        return None
    return _points_value(reader, row, reader.cols[name], value)


def score_points(value: object) -> tuple[int, bool] | None:
    """A score cell in hundredths, and whether written as a mark (x / có / không); None for
    no score. Raises ValueProblem for what is not a score."""
    if isinstance(value, float) and -1e12 < value < 1e12:  # NaN and infinity fail both
        scaled = value * 100
        whole = round(scaled)
        if abs(scaled - whole) < 1e-6:
            return whole, False
    if isinstance(value, str):
        key = fold(value)
        if key in ("x", "co"):
            return 100, True
        if key == "khong":
            return 0, True
    number = parse_decimal(value)
    return None if number is None else (to_hundredths(number), False)


_UNREAD = object()


def first_text(values: list[object]) -> str:
    for value in values:
        text = cell_text(value)
        if text:
            return text
    return ""


def _form_row(
    reader: RowReader,
    ctx: SheetContext,
    row: int,
    values: list[object],
    batch: ParsedBatch,
    unit: str,
    columns: list[tuple[str, str, int]],  # (layer, unit text, column index)
    scorer: str = "",  # peer scores of a wide sheet: the scoring unit, as written
) -> None:
    """One criterion row of a form (self-score form or wide sheet): a score per column."""
    code = criterion_code(reader.raw(row, values, "criterion"))
    if not code or (reader.layout.kind == "self_form" and not _looks_like_code(code)):
        label = first_text(values[: max(reader.cols.values()) + 1]) if reader.cols else ""
        title = reader.text(row, values, "title") or ""
        if is_total_text(title) or is_total_text(code) or is_total_text(label):
            reader.ref.skipped_totals += 1
            for layer, unit_text, col in columns:
                value = values[col] if col < len(values) else None
                try:
                    number = parse_decimal(value) if not isinstance(value, ErrorCell) else None
                except ValueProblem:
                    number = None
                if number is not None:
                    batch.totals.append(
                        TotalRow(
                            reader.ref,
                            row,
                            unit_text or unit,
                            layer,
                            to_hundredths_safe(number),
                            column_letter(col),
                        )
                    )
            return
        if not code and not title:
            return
        if not code:
            reader.error(
                row,
                reader.letter("criterion"),
                "",
                "Thiếu mã tiêu chí.",
                "Ghi mã tiêu chí (I, 1, 1.2, 1.2.a) ở cột Mã tiêu chí.",
            )
            return
    reader.codes.append((row, code))
    year = ctx.sheet_year()
    if year is None:
        reader.error(
            row,
            None,
            "",
            "Không xác định được năm của bảng.",
            "Ghi năm ở dòng tiêu đề (ví dụ “NĂM 2023”) hoặc dùng --year.",
        )
        return
    period = ctx.titles.period or ctx.options.period or "FY"
    note = reader.text(row, values, "note") or ""
    known = reader.points  # a raw score cell -> its points, for the values read without a problem
    for layer, unit_text, col in columns:
        value = reader.cell(row, values, col)
        if value is BAD:
            continue
        if value.__class__ is ErrorCell:
            label = unit_text or reader.layout.spec.label_of(layer)
            _score_error_cell(reader, row, column_letter(col), value, label)
            continue
        if value.__class__ is bool:  # True == 1: never one entry for both
            points = _points_value(reader, row, col, value)
        else:
            points = known.get(value, _UNREAD)
            if points is _UNREAD:
                errors = len(reader.errors)
                points = _points_value(reader, row, col, value)
                if len(reader.errors) == errors:
                    known[value] = points
        if points is None:
            continue
        batch.scores.append(
            ScoreRow(
                reader.ref,
                row,
                year,
                period,
                unit_text or unit,
                reader.ref.unit_letters.get(unit_text, ""),
                code,
                layer,
                scorer,
                points[0],
                reader.letter_of(col),
                points[1],
                note,
            )
        )


def to_hundredths_safe(number: Decimal) -> int:
    try:
        return to_hundredths(number)
    except ValueProblem:
        return int((number * 100).to_integral_value())


def _looks_like_code(code: str) -> bool:
    return bool(code) and (code[0].isdigit() or is_section(code) or "." in code or is_letter(code))


def _score_error_cell(
    reader: RowReader, row: int, letter: str | None, cell: ErrorCell, label: str
) -> None:
    """An error cell where a score should be: a broken formula, never taken as "no score"."""
    reader.error(
        row,
        letter,
        cell.code,
        f"Ô lỗi {cell.code} ở cột điểm “{label}”.",
        "Sửa công thức hoặc nhập điểm trực tiếp; để trống nếu không chấm.",
    )


def _points_value(reader: RowReader, row: int, col: int, value: object) -> tuple[int, bool] | None:
    try:
        return score_points(value)
    except ValueProblem as problem:
        reader.error(row, column_letter(col), value, problem.message, problem.hint)
        return None


def self_form_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    unit = ctx.options.unit or ctx.titles.unit or ""
    columns = [("self", "", reader.cols["self"])]
    if "agreed" in reader.cols:
        columns.append(("agreed", "", reader.cols["agreed"]))
    _form_row(reader, ctx, row, values, batch, unit, columns)


def wide_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    layer, scorer = ctx.wide_layer()
    if layer is None:
        return
    columns = [(layer, text, col) for col, text in reader.layout.unit_columns.items()]
    _form_row(reader, ctx, row, values, batch, "", columns, scorer)
