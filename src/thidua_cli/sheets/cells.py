"""Cell access for one sheet's rows: a value, an error cell (`#N/A`), or a formula that was
never calculated; every problem becomes a RowError naming file, sheet, row and column."""

from __future__ import annotations

from decimal import Decimal

from ..errors import RowError
from ..text import ValueProblem, clean, column_letter, parse_decimal
from .layout import Layout
from .reader import FORMULA_NO_VALUE, Sheet
from .records import SheetRef


class RowReader:
    """Cell access for one sheet with error collection naming file, sheet, row and column."""

    def __init__(self, sheet: Sheet, layout: Layout, ref: SheetRef, errors: list[RowError]):
        self.sheet = sheet
        self.layout = layout
        self.ref = ref
        self.errors = errors
        self.cols = layout.fields
        self._letters = {name: column_letter(col) for name, col in layout.fields.items()}
        # long sheets repeat the same few texts (unit codes, periods) thousands of times
        self._texts: dict[object, str] = {}
        # a table's codes in sheet order (criteria, forms, wide sheets): qualified once read
        self.codes: list[tuple[int, str]] = []
        # score cells repeat a few values: each raw value's points, once read without a problem
        self.points: dict[object, tuple[int, bool] | None] = {}
        self._col_letters: dict[int, str] = {}

    def error(
        self, row: int, column: str | None, value: object, message: str, hint: str = ""
    ) -> None:
        raw = "" if value is None else cell_text(value)
        if isinstance(value, (float, Decimal)):
            raw = raw.replace(".", ",")  # the number as a Vietnamese Excel shows it: 9,125
        self.errors.append(RowError(self.ref.file, self.ref.sheet, row, column, raw, message, hint))

    def letter_of(self, col: int) -> str:
        """Excel's letters of a column index, remembered."""
        letter = self._col_letters.get(col)
        if letter is None:
            letter = self._col_letters[col] = column_letter(col)
        return letter

    def raw(self, row: int, values: list[object], name: str) -> object:
        """The value in column `name` as `cell` gives it; a plain value without calling it
        (every text and number cell of a long list comes this way)."""
        col = self.cols.get(name)
        value = values[col] if col is not None and col < len(values) else None
        if value == "" and self.sheet.special:
            return self.cell(row, values, col)  # type: ignore[arg-type]
        return value

    def cell(self, row: int, values: list[object], col: int) -> object:
        """The value at a column, with the cells calamine hides recovered: an error cell becomes
        an `ErrorCell`, a formula saved without its value is reported here and becomes BAD."""
        if col >= len(values):
            return None
        value = values[col]
        if value == "" and self.sheet.special:
            marker = self.sheet.cell_marker(row, col)
            if marker == FORMULA_NO_VALUE:
                self.error(
                    row,
                    column_letter(col),
                    "(công thức)",
                    "Ô có công thức nhưng chưa có giá trị tính sẵn.",
                    "Mở tệp bằng Excel, để Excel tính lại rồi lưu, sau đó nhập lại.",
                )
                return BAD
            if marker:
                return ErrorCell(marker)
        return value

    def text(self, row: int, values: list[object], name: str, required: bool = False) -> str | None:
        value = self.raw(row, values, name)
        if value is BAD:
            return None
        if value.__class__ is ErrorCell:
            if required:
                self.error(
                    row,
                    self.letter(name),
                    value.code,
                    f"Ô lỗi {value.code} ở cột bắt buộc “{self.layout.spec.label_of(name)}”.",
                    "Sửa công thức hoặc nhập giá trị trực tiếp.",
                )
                return None
            return ""
        if value.__class__ is bool:
            text = cell_text(value)  # True == 1: kept out of the cache of texts
        else:
            text = self._texts.get(value)
            if text is None:
                text = self._texts[value] = cell_text(value)
        if required and not text:
            self.error(
                row,
                self.letter(name),
                "",
                f"Thiếu giá trị ở cột bắt buộc “{self.layout.spec.label_of(name)}”.",
                "Điền giá trị vào ô này, hoặc xóa cả dòng nếu thừa.",
            )
            return None
        return text

    def number(
        self, row: int, values: list[object], name: str, required: bool = False
    ) -> Decimal | None:
        value = self.raw(row, values, name)
        if value is BAD:
            return None
        if isinstance(value, ErrorCell):
            if required:
                self.error(
                    row,
                    self.letter(name),
                    value.code,
                    f"Ô lỗi {value.code}.",
                    "Sửa công thức hoặc nhập số trực tiếp.",
                )
            return None
        try:
            number = parse_decimal(value)
        except ValueProblem as problem:
            self.error(row, self.letter(name), value, problem.message, problem.hint)
            return None
        if number is None and required:
            self.error(
                row,
                self.letter(name),
                "",
                f"Thiếu số ở cột bắt buộc “{self.layout.spec.label_of(name)}”.",
                "Nhập một số.",
            )
        return number

    def integer(
        self, row: int, values: list[object], name: str, required: bool = False
    ) -> int | None:
        number = self.number(row, values, name, required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(row, self.letter(name), number, "Phải là số nguyên.", "Nhập số nguyên.")
            return None
        return int(number)

    def letter(self, name: str) -> str | None:
        return self._letters.get(name)

    def is_blank_row(self, row: int, values: list[object], columns: list[int]) -> bool:
        for col in columns:
            if col < len(values):
                value = values[col]
                if (
                    value is not None
                    and value != ""
                    and not (isinstance(value, str) and not value.strip())
                ):
                    return False
                if self.sheet.special and self.sheet.cell_marker(row, col) == FORMULA_NO_VALUE:
                    return False
        return True


class ErrorCell:
    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code


BAD = object()


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if value.__class__ is bool:
        return "TRUE" if value else "FALSE"  # as Excel shows it
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)
