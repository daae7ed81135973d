"""Long score sheets ("Năm, Kỳ, Mã đơn vị, Mã tiêu chí, Tự chấm, …"), read and checked in one
pass, every row of them.

Such a sheet repeats a few hundred distinct values over up to hundreds of thousands of rows. Each
column keeps a cache from a raw cell value to what it resolves to: a value, or the errors it
makes (a Problem, named again with each row that holds it). A cell is read by the rules of
sheets/ (RowReader, SheetContext, criterion_code, read_points) the first time its value is
seen, and checked by the rules of check_scores.py (unit and membership, criterion of the year,
points against the criterion, scorer, the same key twice). Rows with a cell Excel marked (an
error, a formula never calculated, a boolean) are read the same way without the caches, since
what such a cell means depends on where it is."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import RowError
from ..sheets.cells import BAD, cell_text
from ..sheets.parse import TICK, SheetParser
from ..sheets.parse_scores import criterion_code, first_text, is_total_text, read_points
from .check_scores import GROUP, CheckedScore, Problem, self_scored

if TYPE_CHECKING:
    from .check import Checker

_LAYERS = ("self", "peer", "agreed")
_new = tuple.__new__
_UNKNOWN = object()
_EMPTY = ("", None)
# a cell's outcome: its value, and the errors reading it makes as (column, value, message, hint)
Read = tuple[Any, tuple[tuple[str | None, str, str, str], ...]]


def read_long_sheet(
    parser: SheetParser, checker: Checker, tick: Callable[[int], None] = lambda rows: None
) -> None:
    """Read, check and accept (checker.accept) every row of one long score sheet."""
    if parser.ok:
        _LongSheet(parser, checker).read(tick)


class _LongSheet:
    def __init__(self, parser: SheetParser, checker: Checker):
        self.parser = parser
        self.checker = checker
        self.reader = reader = parser.reader
        self.context = parser.context
        self.ref = parser.ref
        self.errors = checker.errors
        cols = reader.cols
        self.unit_field = "unit_code" if "unit_code" in cols else "unit_name"
        self.layers = [(layer, reader.letter(layer) or "") for layer in _LAYERS if layer in cols]
        self.crit_letter = reader.letter("criterion")
        self.scorer_letter = reader.letter("scorer") or reader.letter("peer")
        self.unit_letter = reader.letter(self.unit_field) or ""
        # raw cell -> Read, one cache a column (a period's also by year)
        self.codes: dict[object, Read] = {}
        self.units: dict[object, Read] = {}
        self.years: dict[object, Read] = {}
        self.periods: dict[tuple[object, int], Read] = {}
        self.notes: dict[object, Read] = {}
        self.points: dict[str, dict[object, Read]] = {layer: {} for layer in _LAYERS}
        self.scorers: dict[object, Read] = {}
        # the same, for values that resolved without a problem: what the quick loop reads
        self.good_codes: dict[object, str] = {}
        self.good_units: dict[object, str] = {}
        self.good_years: dict[object, int] = {}
        self.good_periods: dict[tuple[object, int], str] = {}
        self.good_notes: dict[object, str] = {}
        self.grouped = False  # whether this sheet scores a group row
        # the cells read's quick loop looks at: criterion, unit, year, period, note, then each
        # layer's points; a column the sheet does not have reads the None appended to the row
        self.good_points: dict[str, dict[object, object]] = {layer: {} for layer in _LAYERS}
        names = ["criterion", self.unit_field, "year", "period", "note"]
        indexes = [cols.get(name, -1) for name in names]
        self.quick_cells = itemgetter(*indexes)
        # a row without one of these columns reads the None appended to it (index -1)
        self.quick_pad = -1 in indexes
        self.code_index = cols.get("criterion", -1)
        self.quick_layers = [
            (layer, self.good_points[layer], cols[layer]) for layer, _ in self.layers
        ]

    def read(self, tick: Callable[[int], None]) -> None:
        """Every row below the header. A row whose every value is known good, and whose scores
        are new keys, is accepted right here with a dictionary lookup a value: this adds no rule,
        it reuses what `row` resolved before. Any other row goes to `row` (or to `plain_row` when
        a cell of it is marked)."""
        parser, sheet, checker, ref = self.parser, self.parser.sheet, self.checker, self.ref
        layout = parser.layout
        last, skip = layout.last_header_row, layout.skip_rows
        used = parser.used_cols
        special, bool_rows = sheet.special, sheet.bool_rows
        # .xls and .ods cells are not scanned for booleans beforehand: look at each row
        look_for_bools = bool(getattr(sheet, "_error_texts", False))
        cached_row, plain_row = self.row, self.plain_row
        examples = bool(parser.examples)
        # one example row (the usual case): its key cell is compared here, and the parser looks
        # at the row only when that cell matches, as its own first test does
        one_example = len(parser.examples) == 1
        ex_col, ex_raw = (
            (parser.examples[0][1], parser.examples[0][0].key_raw) if one_example else (-1, None)
        )
        score_keys, accept = checker.score_keys, checker.scores_accepted.append
        years_add = checker.years.add
        unit_cache, criterion_cache = checker.unit_cache, checker.criterion_cache
        good_scores = checker.good_points
        good_codes, good_units, good_years = self.good_codes, self.good_units, self.good_years
        good_periods, good_notes = self.good_periods, self.good_notes
        layers = self.quick_layers
        cells, pad, code_at = self.quick_cells, self.quick_pad, self.code_index
        accepted_before = len(checker.scores_accepted)
        quick = 0  # rows accepted here (`row` counts its own)
        done = 0
        for number, values in sheet.rows():
            if number <= last or number in skip:
                continue
            done += 1
            if not done % TICK:
                tick(TICK)
            if (
                not special
                and (code_at < 0 or code_at >= len(values) or values[code_at] in _EMPTY)
                and len(values) == values.count("") + values.count(None)
            ):
                continue  # a blank row (a sheet may hold a million of them before a stray cell)
            if (
                examples
                and (not one_example or (ex_col < len(values) and values[ex_col] == ex_raw))
                and parser.is_example(number, values)
            ):
                ref.rows += 1  # a template's example row: said, never imported
                continue
            if (
                (special and any((number, col) in special for col in used))
                or number in bool_rows
                or (look_for_bools and any(v.__class__ is bool for v in values))
            ):
                plain_row(number, values)
                continue
            if pad:
                values.append(None)  # what a column the sheet does not have reads (index -1)
            try:
                c, u, y, p, n = cells(values)
                code = good_codes[c]
                unit_text = good_units[u]
                year = good_years[y]
                period = good_periods[(p, year)]
                note = good_notes[n]
                unit = unit_cache[(unit_text, year)]
                info = criterion_cache[(year, code)]
            except (KeyError, IndexError):
                if pad:
                    values.pop()
                cached_row(number, values)
                continue
            if pad:
                values.pop()
            if unit.__class__ is not str or info.__class__ is not tuple:
                cached_row(number, values)
                continue
            found = []
            for layer, good, at in layers:
                points = good.get(values[at], _UNKNOWN)
                if points is None:
                    continue  # no score in this layer
                if points is _UNKNOWN:
                    break
                stored = good_scores.get((info, points))
                if stored is None:  # not met yet, a group row, a problem
                    break
                key = (year, period, unit, code, layer, "")
                if key in score_keys:
                    break
                found.append((key, stored))
            else:
                quick += 1
                if found:
                    years_add(year)
                    for key, stored in found:
                        # tuple.__new__: no Python-level NamedTuple __new__ for each score
                        score = _new(CheckedScore, key + (stored, note, ref, number))
                        score_keys[key] = score
                        accept(score)
                continue
            cached_row(number, values)
        tick(done % TICK)
        ref.rows += quick
        if self.grouped:  # a long sheet rarely scores its group rows: sum leaves only if it does
            checker = self.checker
            for score in checker.scores_accepted[accepted_before:]:
                info = checker.resolve_criterion(score.year, score.criterion)
                checker.add_leaf(
                    self.ref,
                    score.year,
                    score.criterion,
                    score.unit,
                    score.layer,
                    score.points_c,
                    info[0],  # type: ignore[index]
                )

    # -- one row

    def row(self, number: int, values: list[object]) -> None:
        """A row of plain cells: every value through its column's cache."""
        self._row(number, values, cached=True)

    def plain_row(self, number: int, values: list[object]) -> None:
        """A row with a marked cell: read cell by cell, nothing remembered."""
        self._row(number, values, cached=False)

    def _row(self, number: int, values: list[object], cached: bool) -> None:
        reader = self.reader
        if reader.is_blank_row(number, values, self.parser.used_cols):
            return
        self.ref.rows += 1
        cols = reader.cols
        code = self._cell(
            number, values, "criterion", self.codes, cached, self._code, self.good_codes
        )
        unit_text = self._cell(
            number, values, self.unit_field, self.units, cached, self._text, self.good_units
        )
        unit_letter = self.unit_letter
        if not unit_text and self.unit_field == "unit_code" and "unit_name" in cols:
            unit_text = self._cell(number, values, "unit_name", {}, False, self._text)
            unit_letter = reader.letter("unit_name") or ""
        if not code:
            label = " ".join(cell_text(v) for v in values if cell_text(v))
            if any(is_total_text(part) for part in label.split("  ")) or is_total_text(
                first_text(values)
            ):
                self.ref.skipped_totals += 1
                return
            reader.error(
                number,
                self.crit_letter,
                "",
                "Thiếu mã tiêu chí.",
                "Ghi mã tiêu chí của dòng điểm này.",
            )
            return
        if not unit_text:
            reader.error(
                number,
                unit_letter or None,
                "",
                "Thiếu đơn vị được chấm.",
                "Ghi mã đơn vị (ví dụ TD) hoặc tên đơn vị.",
            )
            return
        year = self._cell(
            number, values, "year", self.years, cached, self._year, self.good_years, _is_int
        )
        if year is None:
            return
        period = self._period(number, values, year, cached)
        if period is None:
            return
        note = self._cell(
            number, values, "note", self.notes, cached, self._text, self.good_notes, _always
        )
        scored = []
        for layer, letter in self.layers:
            points = self._cell(
                number,
                values,
                layer,
                self.points[layer],
                cached,
                self._points,
                self.good_points[layer],
                _always if layer != "peer" else _is_none,  # a peer score needs its scorer
            )
            if points is None:
                continue
            scorer = ""
            if layer == "peer":
                scorer = self._cell(number, values, "scorer", self.scorers, cached, self._scorer)
                if not scorer:
                    reader.error(
                        number,
                        self.scorer_letter,
                        "",
                        "Điểm chấm chéo thiếu đơn vị chấm.",
                        "Thêm cột “Đơn vị chấm” và ghi mã đơn vị chấm.",
                    )
                    continue
            scored.append((layer, letter, points, scorer))
        if scored:
            self._check(number, year, period, unit_text, unit_letter, code, note, scored)

    def _check(
        self,
        number: int,
        year: int,
        period: str,
        unit_text: str,
        unit_letter: str,
        code: str,
        note: str,
        scored: list[tuple[str, str, tuple[int, bool], str]],
    ) -> None:
        checker, ref = self.checker, self.ref
        checker.years.add(year)
        unit = checker.resolve_unit(unit_text, year)
        if unit.__class__ is Problem:
            checker.say(ref, number, unit_letter, unit, False)  # type: ignore[arg-type]
            return
        info = checker.resolve_criterion(year, code)
        if info.__class__ is Problem:
            checker.say(ref, number, self.crit_letter, info, False)  # type: ignore[arg-type]
            return
        for layer, letter, (points_c, mark), scorer_text in scored:
            points = checker.resolve_points(year, code, info, points_c, mark)  # type: ignore[arg-type]
            if points is GROUP:
                self.grouped = True
                checker.group_values[(id(ref), unit, layer, year, code)] = points_c
                continue
            if points.__class__ is Problem:
                checker.say(ref, number, letter, points, False)  # type: ignore[arg-type]
                continue
            scorer = ""
            if layer == "peer":
                scorer = checker.resolve_scorer(scorer_text)  # type: ignore[assignment]
                problem = (
                    scorer
                    if scorer.__class__ is Problem
                    else self_scored(scorer, unit, scorer_text)  # type: ignore[arg-type]
                )
                if problem is not None:
                    checker.say(ref, number, self.scorer_letter, problem, False)  # type: ignore[arg-type]
                    continue
            key = (year, period, unit, code, layer, scorer)
            checker.accept(ref, number, letter, key, points, note, unit, info[0])  # type: ignore[arg-type, index]

    # -- one cell

    def _cell(
        self,
        number: int,
        values: list[object],
        name: str,
        cache: dict[Any, Read],
        cached: bool,
        read: Callable[[int, list[object], str], Any],
        good: dict[Any, Any] | None = None,
        is_good: Callable[[Any], bool] = bool,
    ) -> Any:
        """The value of a row's cell in column `name`, its errors named at this row. A value
        read without a problem that `is_good` accepts also goes into `good` for quick_row."""
        col = self.reader.cols.get(name)
        raw = values[col] if col is not None and col < len(values) else None
        cached = cached and raw.__class__ is not bool  # True == 1: never one entry for both
        found = cache.get(raw) if cached else None
        if found is None:
            found = self._capture(number, values, lambda n, v: read(n, v, name))
            if cached:
                cache[raw] = found
                if good is not None and not found[1] and is_good(found[0]):
                    good[raw] = found[0]
        value, problems = found
        for column, shown, message, hint in problems:
            self.errors.append(
                RowError(self.ref.file, self.ref.sheet, number, column, shown, message, hint)
            )
        return value

    def _period(self, number: int, values: list[object], year: int, cached: bool) -> str | None:
        col = self.reader.cols.get("period")
        raw = values[col] if col is not None and col < len(values) else None
        key = (raw, year)
        cached = cached and raw.__class__ is not bool
        found = self.periods.get(key) if cached else None
        if found is None:
            found = self._capture(number, values, lambda n, v: self.context.period(n, v, year))
            if cached:
                self.periods[key] = found
                if not found[1] and found[0]:
                    self.good_periods[key] = found[0]
        value, problems = found
        for column, shown, message, hint in problems:
            self.errors.append(
                RowError(self.ref.file, self.ref.sheet, number, column, shown, message, hint)
            )
        return value

    def _capture(
        self, number: int, values: list[object], read: Callable[[int, list[object]], Any]
    ) -> Read:
        """Read one cell by the parse rules, taking back the errors they name as a Problem."""
        errors = self.errors
        before = len(errors)
        value = read(number, values)
        if len(errors) == before:
            return value, ()
        problems = tuple((e.column, e.value, e.message, e.hint) for e in errors[before:])
        del errors[before:]
        return value, problems

    def _code(self, number: int, values: list[object], name: str) -> str:
        raw = self.reader.raw(number, values, name)
        return criterion_code(raw) if raw is not BAD else ""

    def _text(self, number: int, values: list[object], name: str) -> str:
        return self.reader.text(number, values, name) or ""

    def _year(self, number: int, values: list[object], name: str) -> int | None:
        return self.context.year(number, values)

    def _points(self, number: int, values: list[object], name: str) -> tuple[int, bool] | None:
        return read_points(self.reader, number, values, name)

    def _scorer(self, number: int, values: list[object], name: str) -> str:
        return self.reader.text(number, values, "scorer") or self.context.titles.scorer or ""


def _always(value: object) -> bool:
    return True


def _is_none(value: object) -> bool:
    return value is None


def _is_int(value: object) -> bool:
    return value.__class__ is int
