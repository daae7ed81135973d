"""Rows to records, one kind at a time: coerce each cell, collect a RowError for every bad one.
No database here; matching units and criteria happens in the import service."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import RowError
from ..text import (
    ValueProblem,
    clean,
    column_letter,
    fold,
    is_safe_code,
    parse_decimal,
    parse_int,
)
from .cells import BAD as _BAD
from .cells import ErrorCell as _ErrorCell
from .cells import RowReader
from .cells import cell_text as _cell_text
from .codes import is_letter, is_section, normalise_code, qualify_codes
from .commendations import commendation_row, infer_leader
from .examples import comparable, examples_of
from .layout import Layout, TitleInfo, layer_named, read_titles
from .reader import FORMULA_NO_VALUE, Sheet
from .records import (
    CommendationRow,
    CriterionRow,
    LeadershipRow,
    MemberRow,
    RuleRow,
    ScoreRow,
    SheetRef,
    TotalRow,
    VoteRow,
)


@dataclass
class ParseOptions:
    year: int | None = None
    period: str | None = None  # "H1" when --half 1
    unit: str | None = None
    layer: str | None = None
    kind: str | None = None


@dataclass
class ParsedBatch:
    members: list[MemberRow] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    table_totals: list[TotalRow] = field(default_factory=list)  # a scoring table's total maximum
    votes: list[VoteRow] = field(default_factory=list)
    leadership: list[LeadershipRow] = field(default_factory=list)
    commendations: list[CommendationRow] = field(default_factory=list)
    rules: list[RuleRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheets: list[SheetRef] = field(default_factory=list)


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
CRITERION_KINDS = {
    "chuan": "base",
    "co ban": "base",
    "base": "base",
    "diem chuan": "base",
    "thuong": "bonus",
    "diem thuong": "bonus",
    "bonus": "bonus",
    "cong": "bonus",
    "tru": "deduction",
    "diem tru": "deduction",
    "deduction": "deduction",
    "liet": "veto",
    "diem liet": "veto",
    "veto": "veto",
}
VOTE_PURPOSES = {
    "dan dau": "lead",
    "don vi dan dau": "lead",
    "lead": "lead",
    "co thi dua": "flag",
    "co": "flag",
    "co thi dua cap tinh": "flag",
    "flag": "flag",
    "bang khen": "bang_khen",
    "bang_khen": "bang_khen",
    "truong cum": "head",
    "truong khoi": "head",
    "head": "head",
    "pho cum": "deputy",
    "pho khoi": "deputy",
    "deputy": "deputy",
}
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


@functools.lru_cache(maxsize=4096, typed=True)  # typed: TRUE is not the code 1
def criterion_code(value: object) -> str:
    """`1.2.a`, `I`, `1` as written; decorations (`1.`, `1)`, `(a)`) and spaces dropped. Only
    capitals are Roman sections: a lowercase `c`, `i`, `v`, `x` is a letter code."""
    return normalise_code(_cell_text(value))


def is_total_text(text: str) -> bool:
    key = fold(text)
    return key in TOTAL_WORDS or key.startswith(("tong cong", "cong diem", "tong diem", "tong so"))


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
            if isinstance(raw, _ErrorCell) and self.sheet_year() is None:
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


class SheetParser:
    """Parses one sheet row by row (what `parse_sheet` runs)."""

    def __init__(
        self, sheet: Sheet, layout: Layout, options: ParseOptions, batch: ParsedBatch, ref: SheetRef
    ):
        self.sheet = sheet
        self.layout = layout
        self.batch = batch
        self.ref = ref
        self.reader = reader = RowReader(sheet, layout, ref, batch.errors)
        titles = read_titles(layout.title_lines, sheet.name, layout.title_cells)
        self.ok = check_title_conflicts(reader, titles, options, layout.header_rows[0])
        if self.ok and titles.unit:
            ref.title_unit = titles.unit
            if titles.unit_cell:
                ref.title_unit_at = (titles.unit_cell[0], column_letter(titles.unit_cell[1]))
        self.context = SheetContext(reader, titles, options)
        # long score sheets are read by imports/score_reader.py, with this parser's reader
        self.handler = _HANDLERS.get(layout.kind)
        self.used_cols = sorted(set(layout.fields.values()) | set(layout.unit_columns))
        self.examples = [
            (example, layout.fields[example.key_field])
            for example in examples_of(layout.kind)
            if example.key_field in layout.fields
        ]

    def row(self, row: int, values: list[object]) -> None:
        """One data row (below the header, not a numbering row)."""
        if self.reader.is_blank_row(row, values, self.used_cols):
            return
        self.ref.rows += 1
        if self.is_example(row, values):
            return
        assert self.handler is not None, "long score sheets: imports/score_reader.py"
        self.handler(self.reader, self.context, row, values, self.batch)

    def is_example(self, row: int, values: list[object]) -> bool:
        """Whether the row is an example row of `thidua template` (said as an error)."""
        return bool(self.examples) and self._is_example(row, values)

    def _is_example(self, row: int, values: list[object]) -> bool:
        """A row identical to an example row of `thidua template` is said, never imported."""
        width = len(values)
        for example, key_col in self.examples:
            if key_col >= width or values[key_col] != example.key_raw:
                continue
            fields = self.layout.fields
            if any(
                comparable(values[col] if col < width else None) != example.cells.get(name, "")
                for name, col in fields.items()
            ):
                continue
            if any(
                comparable(values[col] if col < width else None)
                != example.units.get(fold(text), "")
                for col, text in self.layout.unit_columns.items()
            ):
                continue
            self.reader.error(
                row,
                None,
                values[key_col],
                "Đây là dòng ví dụ của tệp mẫu (thidua template), không phải số liệu thật; "
                "không nhập.",
                "Xóa dòng ví dụ (nền vàng) hoặc sửa thành số liệu của cụm rồi nhập lại.",
            )
            return True
        return False

    def run(self, tick: Callable[[int], None] | None = None) -> None:
        """Every row; `tick(n)` after each TICK rows, for a progress bar."""
        if not self.ok:
            return
        last = self.layout.last_header_row
        skip = self.layout.skip_rows
        marks = len(self.batch.criteria), len(self.batch.scores)
        done = 0  # data rows read
        for row, values in self.sheet.rows():
            if row > last and row not in skip:
                self.row(row, values)
                done += 1
                if tick is not None and not done % TICK:
                    tick(TICK)
        if tick is not None and done % TICK:
            tick(done % TICK)
        if self.reader.codes:
            self._qualify(*marks)

    def _qualify(self, criteria: int, scores: int) -> None:
        """Give this sheet's records their table codes: letters under their numbered code,
        sections prefixed where the numbering restarts (see codes.qualify_codes)."""
        rows = [row for row, _ in self.reader.codes]
        written = [code for _, code in self.reader.codes]
        renamed = {
            row: new
            for row, old, new in zip(rows, written, qualify_codes(written), strict=True)
            if new != old
        }
        if not renamed:
            return
        for record in self.batch.criteria[criteria:]:
            record.code = renamed.get(record.row, record.code)
        for score in self.batch.scores[scores:]:
            score.criterion = renamed.get(score.row, score.criterion)


TICK = 8192  # rows between two progress updates


def parse_sheet(
    sheet: Sheet,
    layout: Layout,
    options: ParseOptions,
    batch: ParsedBatch,
    ref: SheetRef,
    tick: Callable[[int], None] | None = None,
) -> None:
    SheetParser(sheet, layout, options, batch, ref).run(tick)


def _members(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    code = reader.text(row, values, "unit_code", required=True)
    name = reader.text(row, values, "unit_name", required=True)
    year = ctx.year(row, values)
    order = reader.integer(row, values, "rotation_order")
    if code is None or name is None or year is None:
        return
    if " " in code or len(code) > 20:
        reader.error(
            row,
            reader.letter("unit_code"),
            code,
            "Mã đơn vị không được có dấu cách." if " " in code else "Mã đơn vị quá dài.",
            "Dùng mã ngắn viết liền (tối đa 20 ký tự), ví dụ TD, HND.",
        )
        return
    if not is_safe_code(code):
        reader.error(
            row,
            reader.letter("unit_code"),
            code,
            "Mã đơn vị chỉ được gồm chữ cái, chữ số và các dấu . _ -",
            "Dùng mã ngắn viết liền, ví dụ TD, HND, LMHTX.",
        )
        return
    aliases_text = reader.text(row, values, "aliases") or ""
    aliases = [clean(a) for a in aliases_text.replace(";", "\n").replace("|", "\n").split("\n")]
    batch.members.append(
        MemberRow(
            reader.ref,
            row,
            code.upper(),
            name,
            reader.text(row, values, "short_name") or "",
            year,
            order,
            [a for a in aliases if a],
        )
    )


def _criteria(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    code = criterion_code(reader.raw(row, values, "criterion"))
    title = reader.text(row, values, "title") or ""
    if not code:
        if is_total_text(title):
            reader.ref.skipped_totals += 1
            col = reader.cols.get("max_points")
            try:
                number = (
                    parse_decimal(values[col]) if col is not None and col < len(values) else None
                )
            except ValueProblem:
                number = None
            if number is not None:
                batch.table_totals.append(
                    TotalRow(
                        reader.ref, row, "", "", to_hundredths_safe(number), column_letter(col)
                    )
                )
            return
        reader.error(
            row,
            reader.letter("criterion"),
            "",
            "Thiếu mã tiêu chí.",
            "Ghi mã tiêu chí (I, 1, 1.2, 1.2.a) hoặc xóa dòng thừa.",
        )
        return
    reader.codes.append((row, code))
    kind_text = reader.text(row, values, "kind") or ""
    kind = None
    if kind_text:
        kind = CRITERION_KINDS.get(fold(kind_text))
        if kind is None:
            reader.error(
                row,
                reader.letter("kind"),
                kind_text,
                "Không hiểu loại tiêu chí.",
                "Ghi một trong: Chuẩn, Thưởng, Trừ, Liệt.",
            )
            return
    reported = len(reader.errors)
    max_points = reader.number(row, values, "max_points")
    if len(reader.errors) > reported:
        return  # an unreadable maximum is said once, not again as a missing one
    if max_points is not None and max_points < 0:
        reader.error(
            row,
            reader.letter("max_points"),
            max_points,
            "Điểm tối đa không được âm.",
            "Với tiêu chí trừ điểm, ghi số điểm trừ tối đa là số dương và Loại là Trừ.",
        )
        return
    year = ctx.year(row, values)
    if year is None:
        return
    batch.criteria.append(
        CriterionRow(reader.ref, row, year, code, title, max_points, kind, len(batch.criteria))
    )


def _points(
    reader: RowReader, row: int, values: list[object], name: str
) -> tuple[int, bool] | None:
    """Points in hundredths, and whether written as a mark (x / có), or None for no score."""
    value = reader.raw(row, values, name)
    if isinstance(value, _ErrorCell):
        _score_error_cell(
            reader, row, reader.letter(name), value, reader.layout.spec.label_of(name)
        )
        return None
    if value is _BAD or value is None:
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


def _first_text(values: list[object]) -> str:
    for value in values:
        text = _cell_text(value)
        if text:
            return text
    return ""


def _form_rows(
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
        label = _first_text(values[: max(reader.cols.values()) + 1]) if reader.cols else ""
        title = reader.text(row, values, "title") or ""
        if is_total_text(title) or is_total_text(code) or is_total_text(label):
            reader.ref.skipped_totals += 1
            for layer, unit_text, col in columns:
                value = values[col] if col < len(values) else None
                try:
                    number = parse_decimal(value) if not isinstance(value, _ErrorCell) else None
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
    for layer, unit_text, col in columns:
        value = values[col] if col < len(values) else None
        if value == "" and reader.sheet.special:
            marker = reader.sheet.cell_marker(row, col)
            if marker == FORMULA_NO_VALUE:
                reader.error(
                    row,
                    column_letter(col),
                    "(công thức)",
                    "Ô có công thức nhưng chưa có giá trị tính sẵn.",
                    "Mở tệp bằng Excel, để Excel tính lại rồi lưu, sau đó nhập lại.",
                )
                continue
            if marker:
                label = unit_text or reader.layout.spec.label_of(layer)
                _score_error_cell(reader, row, column_letter(col), _ErrorCell(marker), label)
                continue
        points = _points_value(reader, row, col, value)
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
                column_letter(col),
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
    reader: RowReader, row: int, letter: str | None, cell: _ErrorCell, label: str
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


def _self_form(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    unit = ctx.options.unit or ctx.titles.unit or ""
    columns = [("self", "", reader.cols["self"])]
    if "agreed" in reader.cols:
        columns.append(("agreed", "", reader.cols["agreed"]))
    _form_rows(reader, ctx, row, values, batch, unit, columns)


def _wide(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    layer, scorer = ctx.wide_layer()
    if layer is None:
        return
    columns = [(layer, text, col) for col, text in reader.layout.unit_columns.items()]
    _form_rows(reader, ctx, row, values, batch, "", columns, scorer)


def _votes(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    purpose_text = reader.text(row, values, "purpose", required=True)
    unit_field = "unit_code" if "unit_code" in reader.cols else "unit_name"
    unit = reader.text(row, values, unit_field, required=True)
    yes = reader.integer(row, values, "yes", required=True)
    members = reader.integer(row, values, "members", required=True)
    present = reader.integer(row, values, "present")
    year = ctx.year(row, values)
    if None in (purpose_text, unit, yes, members, year):
        return
    purpose = VOTE_PURPOSES.get(fold(purpose_text))
    if purpose is None:
        reader.error(
            row,
            reader.letter("purpose"),
            purpose_text,
            "Không hiểu nội dung bỏ phiếu.",
            "Ghi một trong: Dẫn đầu, Cờ thi đua, Bằng khen, Trưởng cụm, Phó cụm.",
        )
        return
    assert yes is not None and members is not None
    if members <= 0:
        reader.error(
            row,
            reader.letter("members"),
            members,
            "Tổng số thành viên phải lớn hơn 0.",
            "Ghi số đơn vị thành viên của cụm.",
        )
        return
    if yes < 0 or yes > members:
        reader.error(
            row,
            reader.letter("yes"),
            yes,
            f"Số phiếu đồng ý phải từ 0 đến tổng số thành viên ({members}).",
            "Kiểm tra lại biên bản kiểm phiếu.",
        )
        return
    if present is not None and not (yes <= present <= members):
        reader.error(
            row,
            reader.letter("present"),
            present,
            f"Số có mặt phải từ số phiếu đồng ý ({yes}) đến tổng số thành viên ({members}).",
            "Kiểm tra lại biên bản kiểm phiếu.",
        )
        return
    batch.votes.append(VoteRow(reader.ref, row, year, purpose, unit or "", yes, members, present))  # type: ignore[arg-type]


def _leadership(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    year = ctx.year(row, values)
    head = reader.text(row, values, "head", required=True)
    deputy = reader.text(row, values, "deputy") or ""
    if year is None or head is None:
        return
    batch.leadership.append(LeadershipRow(reader.ref, row, year, head, deputy))


def _rules(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    key = reader.text(row, values, "key", required=True)
    value = reader.text(row, values, "value")
    from_year = reader.integer(row, values, "from_year")
    if key is None:
        return
    if from_year is None:
        from_year = ctx.sheet_year()
    batch.rules.append(RuleRow(reader.ref, row, key.strip(), value or "", from_year))


_HANDLERS = {
    "members": _members,
    "criteria": _criteria,
    "wide_scores": _wide,
    "self_form": _self_form,
    "votes": _votes,
    "leadership": _leadership,
    "commendations": commendation_row,
    "rules": _rules,
}

__all__ = ["ParseOptions", "ParsedBatch", "parse_sheet", "parse_int", "infer_leader"]
