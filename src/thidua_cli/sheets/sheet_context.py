"""Where a sheet's rows sit in time: the import options, the Kỳ (period) vocabulary, and the
year and period of each row (its own cell, else the title rows, else the options)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..text import column_letter, fold
from .cells import ErrorCell, RowReader
from .layout import TitleInfo, layer_named


@dataclass
class ParseOptions:
    year: int | None = None
    period: str | None = None  # "H1" when --half 1
    unit: str | None = None
    layer: str | None = None
    kind: str | None = None


PERIODS = {
    "H1": (
        "6 thang",
        "6 thang dau nam",
        "sau thang",
        "sau thang dau nam",
        "h1",
        "so ket",
        "6t",
        "ky 1",
        "nua dau nam",
    ),
    "FY": ("ca nam", "nam", "fy", "tong ket", "12 thang", "mot nam"),
}
_PERIOD_KEYS = {key: period for period, keys in PERIODS.items() for key in keys}


def period_and_year(text: str) -> tuple[str | None, int | None]:
    """A Kỳ cell: its period, and the year when the cell also writes one, as clerks do:
    `6 tháng đầu năm 2024` -> ("H1", 2024), `Cả năm 2023` -> ("FY", 2023), `6 tháng` -> ("H1",
    None). (None, None) when it is not a period."""
    key = fold(text)
    period = _PERIOD_KEYS.get(key)
    if period is not None:
        return period, None
    words = key.split()
    if len(words) < 2 or not (words[-1].isdigit() and len(words[-1]) == 4):
        return None, None
    year = int(words[-1])
    rest = words[:-1]
    period = _PERIOD_KEYS.get(" ".join(rest))
    if period is None and rest[-1] == "nam":  # `6 tháng năm 2024`
        period = _PERIOD_KEYS.get(" ".join(rest[:-1]))
    return (period, year) if period is not None else (None, None)


class SheetContext:
    """Year and period for a sheet: column value, else title rows, else the options."""

    def __init__(self, reader: RowReader, titles: TitleInfo, options: ParseOptions):
        self.reader = reader
        self.titles = titles
        self.options = options
        self.conflict_reported = False
        self._wide_layer: tuple[str | None, str] | None = None
        self._year_col = reader.cols.get("year")
        self._period_col = reader.cols.get("period")
        # raw cell value -> its accepted year / period; a value that failed is checked each time
        self._years: dict[object, int] = {}
        self._periods: dict[object, str] = {}

    def sheet_year(self) -> int | None:
        return self.titles.year if self.titles.year is not None else self.options.year

    def year(self, row: int, values: list[object]) -> int | None:
        return _memoised(self._year_col, self._years, self._year, row, values)

    def _year(self, row: int, values: list[object]) -> int | None:
        reader = self.reader
        if "year" in reader.cols:
            reported = len(reader.errors)
            year = reader.integer(row, values, "year")
            if len(reader.errors) > reported:
                return None  # the cell is said once; a title or option year must not hide it
            raw = reader.raw(row, values, "year")
            if isinstance(raw, ErrorCell) and self.sheet_year() is None:
                reader.error(
                    row,
                    reader.letter("year"),
                    raw.code,
                    f"Ô lỗi {raw.code} ở cột bắt buộc “Năm”.",
                    "Sửa công thức hoặc nhập năm trực tiếp, ví dụ 2023.",
                )
                return None
            if year is not None:
                if not 1990 <= year <= 2100:
                    reader.error(
                        row,
                        reader.letter("year"),
                        year,
                        "Năm không hợp lệ.",
                        "Nhập năm có 4 chữ số, ví dụ 2023.",
                    )
                    return None
                if self.options.year is not None and year != self.options.year:
                    reader.error(
                        row,
                        reader.letter("year"),
                        year,
                        f"Năm trong bảng ({year}) khác năm ở tùy chọn --year "
                        f"({self.options.year}).",
                        "Bỏ tùy chọn --year hoặc sửa lại năm trong bảng.",
                    )
                    return None
                return year
        year = self.sheet_year()
        if year is None:
            reader.error(
                row,
                reader.letter("year"),
                "",
                "Không xác định được năm.",
                "Thêm cột Năm, ghi năm ở dòng tiêu đề (ví dụ “NĂM 2023”) hoặc dùng --year.",
            )
        return year

    def wide_layer(self) -> tuple[str | None, str]:
        """A wide sheet's layer and, for peer scores, its scorer; (None, "") after an error.

        The layer is named over the unit columns, in the title rows, or by --layer; when the
        sheet names one, an option that says otherwise is an error, not a silent choice."""
        if self._wide_layer is None:
            self._wide_layer = self._find_wide_layer()
        return self._wide_layer

    def _find_wide_layer(self) -> tuple[str | None, str]:
        reader, layout = self.reader, self.reader.layout
        over = {
            layer_named(layout.headers.get(col, "").split(" / ")[0])
            for col in layout.unit_columns
            if " / " in layout.headers.get(col, "")
        } - {None}
        named = over.pop() if len(over) == 1 else self.titles.layer
        option = self.options.layer
        labels = {"self": "tự chấm", "peer": "chấm chéo", "agreed": "thống nhất"}
        if option and named and option != named:
            reader.error(
                layout.header_rows[0],
                None,
                "",
                f"Bảng ghi điểm {labels[named]} nhưng tùy chọn --layer chọn {labels[option]}.",
                "Bỏ tùy chọn --layer hoặc sửa tiêu đề bảng.",
            )
            return None, ""
        layer = named or option or "agreed"
        if layer == "peer" and not self.titles.scorer:
            reader.error(
                layout.header_rows[0],
                None,
                "",
                "Bảng điểm chấm chéo không ghi đơn vị chấm.",
                "Thêm dòng “Đơn vị chấm: <tên đơn vị>” ở phần tiêu đề.",
            )
            return None, ""
        return layer, (self.titles.scorer or "") if layer == "peer" else ""

    def period(self, row: int, values: list[object], year: int | None) -> str | None:
        """The row's period; `year` is the row's year, which a Kỳ cell that writes a year
        (`6 tháng đầu năm 2024`) must agree with."""
        found = _memoised(self._period_col, self._periods, self._period, row, values)
        if found is None:
            return None
        period, written = found
        if written is not None and year is not None and written != year:
            reader = self.reader
            reader.error(
                row,
                reader.letter("period"),
                reader.text(row, values, "period"),
                f"Kỳ ghi năm {written} nhưng năm của dòng là {year}.",
                "Sửa cột Kỳ hoặc cột Năm cho khớp nhau.",
            )
            return None
        return period

    def _period(self, row: int, values: list[object]) -> tuple[str, int | None] | None:
        reader = self.reader
        if "period" in reader.cols:
            text = reader.text(row, values, "period")
            if text:
                period, written = period_and_year(text)
                if period is None:
                    reader.error(
                        row,
                        reader.letter("period"),
                        text,
                        "Không hiểu kỳ đánh giá.",
                        "Ghi “6 tháng” hoặc “Cả năm”.",
                    )
                    return None
                if self.options.period is not None and period != self.options.period:
                    reader.error(
                        row,
                        reader.letter("period"),
                        text,
                        "Kỳ trong bảng khác tùy chọn --half.",
                        "Bỏ tùy chọn --half hoặc sửa cột Kỳ.",
                    )
                    return None
                return period, written
        if self.titles.period is not None:
            return self.titles.period, None
        return self.options.period or "FY", None


def _memoised(
    col: int | None,
    cache: dict[object, Any],
    compute: Callable[[int, list[object]], Any],
    row: int,
    values: list[object],
) -> Any:
    """compute(row, values), remembered by the raw value of column `col` once it succeeded:
    a long sheet repeats the same year and period on every row."""
    if col is None or col >= len(values) or values[col] in ("", None):
        return compute(row, values)
    result = cache.get(values[col])
    if result is None:
        result = compute(row, values)
        if result is not None:
            cache[values[col]] = result
    return result


def check_title_conflicts(
    reader: RowReader, titles: TitleInfo, options: ParseOptions, first_row: int
) -> bool:
    ok = True
    if options.year is not None and titles.year is not None and options.year != titles.year:
        row, col = titles.year_cell or (first_row, None)
        reader.error(
            row,
            None if col is None else column_letter(col),
            str(titles.year),
            f"Năm ở dòng tiêu đề ({titles.year}) khác năm ở tùy chọn --year ({options.year}).",
            "Bỏ tùy chọn --year hoặc sửa năm ở dòng tiêu đề.",
        )
        ok = False
    if options.period is not None and titles.period not in (None, options.period):
        reader.error(
            first_row,
            None,
            "",
            "Dòng tiêu đề ghi kỳ cả năm nhưng tùy chọn --half 1 chọn 6 tháng đầu năm.",
            "Bỏ tùy chọn --half hoặc sửa dòng tiêu đề.",
        )
        ok = False
    return ok
