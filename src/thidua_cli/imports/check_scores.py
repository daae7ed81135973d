"""Checking score rows (long, wide and self-score form layouts): unit and membership,
criterion of the year, maximum, marks and veto, peer scorers, the same key twice, and group
and total rows against the sum of their leaves."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, NamedTuple

from ..services.criteria_table import ShapedCriterion
from ..sheets.codes import plain_code
from ..sheets.records import ScoreRow, SheetRef
from ..text import format_number
from .report import LAYER_LABELS, PERIOD_LABELS


class CheckedScore(NamedTuple):
    """A score row that passed the check: the natural key, the points and where it came from."""

    year: int
    period: str
    unit: str  # code
    criterion: str  # code
    layer: str
    scorer: str  # code, "" but for peer scores
    points_c: int
    note: str
    ref: SheetRef
    row: int


class Problem(NamedTuple):
    """What is wrong with a value wherever it is written: an error without its row and column.
    A value is resolved once, to what it means or to its Problem, and every row that holds it
    reuses that answer."""

    value: str
    message: str
    hint: str
    once: bool = False  # said once for a sheet, not on every row holding it


_UNSET: Any = object()


GROUP = object()  # a score on a group row: checked against its children's sum, never stored


class ScoreChecks:
    """The score half of Checker (mixed into it): the rules every score row goes through,
    whichever layout it came from (long sheets are read by score_reader.py, wide sheets and
    self-score forms parsed into ScoreRows by sheets/parse_scores.py). What a unit text, a criterion
    code, a (criterion, points) pair or a scorer resolves to is remembered: a value, or the
    Problem to name on every row that holds it."""

    def start_scores(self) -> None:
        self.score_keys: dict[tuple, CheckedScore] = {}  # natural key -> the score kept
        self.scores_accepted: list[CheckedScore] = []
        self.unit_cache: dict[tuple[str, int], str | Problem] = {}  # (text, year) -> code
        self.criterion_cache: dict[tuple[int, str], tuple | Problem] = {}  # (year, code) -> info
        self.points_cache: dict[tuple, int | object | Problem] = {}  # points after the rules
        # (criterion info, (points, mark)) -> stored: what a long sheet's quick loop looks up
        self.good_points: dict[tuple, int] = {}
        self._scorers: dict[str, str | Problem] = {}
        self._said: set[tuple[str, int]] = set()  # (message, sheet) said once a sheet
        self.group_values: dict[tuple, int] = {}
        self.leaf_sums: dict[tuple, int] = defaultdict(int)
        self._parents: dict[tuple[int, str], tuple[str, ...]] = {}  # (year, code) -> groups
        # (year, code, kind) -> the sums a leaf's points go to (its kind's, its groups')
        self._sums_of: dict[tuple[int, str, str], tuple[str, ...]] = {}
        self._codes: dict[tuple[int, str, str], str | Problem] = {}  # (year, code, section)
        self._plain: dict[int, dict[str, list[str]]] = {}  # year -> `1.a` -> [`I.1.a`, …]

    # -- resolving values, each once

    def resolve_unit(self, text: str, year: int) -> str | Problem:
        """The unit a score names, as a member of that year, or its problem."""
        found = self.unit_cache.get((text, year))
        if found is None:
            found = self.unit_cache[(text, year)] = self._score_unit(text, year)
        return found

    def resolve_code(self, year: int, code: str, section: str) -> str | Problem:
        """The year's table code a sheet's code stands for. A table whose numbering restarts
        in every section stores `II.1`; a partial form (only some rows) may leave its codes
        plain (`1`): the section row above (II) says which, else a code that is in one section
        only. A code in several sections and no section row above it is an error, never a
        guess."""
        key = (year, code, section)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = self._table_code(year, code, section)
        return found

    def _table_code(self, year: int, code: str, section: str) -> str | Problem:
        table = self.criteria.get(year, {})
        if code in table:
            return code
        if section:
            return f"{section}.{code}" if f"{section}.{code}" in table else code
        plain = self._plain.get(year)
        if plain is None:
            plain = self._plain[year] = {}
            for qualified in table:
                rest = plain_code(qualified)
                if rest is not None:
                    plain.setdefault(rest, []).append(qualified)
        candidates = plain.get(code, [])
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            listed = ", ".join(candidates)
            return Problem(
                code,
                f"Mã tiêu chí {code} có ở nhiều phần của bảng tiêu chí năm {year} ({listed}); "
                "phía trên dòng này không có dòng phần (I, II…) nên không biết là tiêu chí nào.",
                f"Ghi đủ mã kèm phần, ví dụ {candidates[1]} nếu là tiêu chí {code} của phần "
                f"{candidates[1].partition('.')[0]}; hoặc thêm dòng phần (I, II…) phía trên các "
                "dòng tiêu chí như trong bảng tiêu chí.",
            )
        return code  # not in the table: said as such by resolve_criterion

    def resolve_criterion(self, year: int, code: str) -> tuple | Problem:
        """(kind, max, is_group, max in hundredths) of a criterion of that year, or its problem."""
        found = self.criterion_cache.get((year, code))
        if found is None:
            found = self.criterion_cache[(year, code)] = self._score_criterion(year, code)
        return found

    def resolve_points(
        self, year: int, code: str, info: tuple, points_c: int, mark: bool
    ) -> int | object | Problem:
        """The points to store for a score of that criterion (a veto as 0 / 100, a deduction
        written negative as positive), GROUP for a group row, or the problem."""
        key = (year, code, points_c, mark)
        found = self.points_cache.get(key)
        if found is None:
            found = self.points_cache[key] = _points_outcome(code, info, points_c, mark)
            if found.__class__ is int:  # the same for every criterion of this kind and maximum
                self.good_points[(info, (points_c, mark))] = found
        return found

    def resolve_scorer(self, text: str) -> str | Problem:
        found = self._scorers.get(text)
        if found is None:
            code = self.index.lookup(text)
            found = self._scorers[text] = (
                code
                if code is not None
                else Problem(
                    text,
                    f"Đơn vị chấm “{text}” không có trong danh sách đơn vị.",
                    self.index.hint(text),
                )
            )
        return found

    def say(
        self, ref: SheetRef, row: int | None, column: str | None, problem: Problem, once: bool
    ) -> None:
        """Name the problem at that cell; a problem said once a sheet only the first time."""
        if once or problem.once:
            if (problem.message, id(ref)) in self._said:
                return
            self._said.add((problem.message, id(ref)))
        self.error(ref, row, column, problem.value, problem.message, problem.hint)

    # -- accepting a checked score

    def accept(
        self,
        ref: SheetRef,
        row: int,
        column: str,
        key: tuple[int, str, str, str, str, str],
        points_c: int,
        note: str,
        unit_text: str,
        kind: str,
    ) -> None:
        """A score whose every value passed: the same key twice is an error naming both rows;
        else it is kept, and its points summed for the group and total checks."""
        first = self.score_keys.get(key)
        if first is not None:
            year, period, unit_code, code, layer, _ = key
            first_ref, first_row = first.ref, first.row
            self.error(
                ref,
                row,
                column,
                format_number(Decimal(points_c) / 100),
                f"Điểm {LAYER_LABELS[layer]} của {unit_code}, tiêu chí {code}, "
                f"năm {year} ({PERIOD_LABELS[period]}) có hai lần: ở đây và ở "
                f"{first_ref.file} › {first_ref.sheet} dòng {first_row}.",
                "Giữ lại một dòng, xóa dòng kia.",
            )
            return
        score = self.score_keys[key] = CheckedScore(*key, points_c, note, ref, row)
        self.scores_accepted.append(score)
        if ref.kind != "scores":  # long sheets sum their leaves only if they have groups
            self.add_leaf(ref, key[0], key[3], unit_text, key[4], points_c, kind)

    def add_leaf(
        self, ref: SheetRef, year: int, code: str, unit: str, layer: str, points_c: int, kind: str
    ) -> None:
        """Add a leaf's points to its kind's sum and to each of its groups' on that sheet."""
        sums, ref_id = self.leaf_sums, id(ref)
        sums_of = self._sums_of.get((year, code, kind))
        if sums_of is None:  # its kind's sum (not a veto's), then its groups', nearest first
            own = ("#" + kind,) if kind != "veto" else ()
            sums_of = self._sums_of[(year, code, kind)] = own + self._ancestors(year, code)
        for name in sums_of:
            sums[(ref_id, unit, layer, year, name)] += points_c

    def _ancestors(self, year: int, code: str) -> tuple[str, ...]:
        """The groups a criterion of that year sits in, nearest first (remembered)."""
        found = self._parents.get((year, code))
        if found is None:
            table = self.criteria.get(year, {})
            chain = []
            parent: str | None = code
            while True:
                item = table.get(parent)  # type: ignore[arg-type]
                parent = (
                    item.parent
                    if isinstance(item, ShapedCriterion)
                    else (item or {}).get("parent_code")
                )
                if not parent or parent in chain:
                    break
                chain.append(parent)
            found = self._parents[(year, code)] = tuple(chain)
        return found

    # -- score rows of wide sheets and self-score forms

    def check_scores(self) -> list[CheckedScore]:
        """Check the parsed score rows, then the groups and totals of every score sheet (long
        ones included, read before). Returns every accepted score."""
        form_units: dict[int, str | None] = {}  # self-score form -> its unit, once a form
        for rec in self.batch.scores:
            year = rec.year
            self.years.add(year)
            ref = rec.ref
            if ref.kind == "self_form":
                form_unit = form_units.get(id(ref), _UNSET)
                if form_unit is _UNSET:
                    form_unit = form_units[id(ref)] = self._form_unit(rec)
                if form_unit is None:
                    continue
                unit = self._member(form_unit, rec.unit, year)
            else:
                unit = self.resolve_unit(rec.unit, year)
            if unit.__class__ is Problem:
                once = ref.kind == "wide_scores"  # said at the header cell, once
                self.say(ref, _unit_row(ref, rec.row), rec.unit_col, unit, once)  # type: ignore[arg-type]
                continue
            code = rec.criterion
            if rec.section or code not in self.criteria.get(year, {}):
                code = self.resolve_code(year, code, rec.section)  # type: ignore[assignment]
                if code.__class__ is Problem:
                    self.say(ref, rec.row, ref.letter("criterion"), code, False)  # type: ignore[arg-type]
                    continue
            info = self.resolve_criterion(year, code)
            if info.__class__ is Problem:
                self.say(ref, rec.row, ref.letter("criterion"), info, False)  # type: ignore[arg-type]
                continue
            points = self.resolve_points(year, code, info, rec.points_c, rec.mark)  # type: ignore[arg-type]
            if points is GROUP:
                self.group_values[(id(ref), rec.unit, rec.layer, year, code)] = rec.points_c
                continue
            if points.__class__ is Problem:
                self.say(ref, rec.row, rec.points_col, points, False)  # type: ignore[arg-type]
                continue
            scorer = ""
            if rec.layer == "peer":
                scorer = self.resolve_scorer(rec.scorer)  # type: ignore[assignment]
                problem = (
                    scorer if scorer.__class__ is Problem else self_scored(scorer, unit, rec.scorer)
                )  # type: ignore[arg-type]
                if problem is not None:
                    self.say(ref, rec.row, ref.letter("scorer"), problem, False)  # type: ignore[arg-type]
                    continue
            key = (year, rec.period, unit, code, rec.layer, scorer)
            self.accept(ref, rec.row, rec.points_col, key, points, rec.note, rec.unit, info[0])  # type: ignore[arg-type, index]
        self._check_group_values(self.group_values, self.leaf_sums)
        self._check_totals(self.leaf_sums)
        return self.scores_accepted

    def _score_unit(self, text: str, year: int) -> str | Problem:
        code = self.index.lookup(text)
        if code is None:
            return Problem(
                text,
                f"Đơn vị “{text}” không có trong danh sách đơn vị.",
                self.index.hint(text),
            )
        return self._member(code, text, year)

    def _member(self, code: str, text: str, year: int) -> str | Problem:
        year_members = self.members.get(year)
        if year_members is None or code not in year_members:
            return Problem(
                text or code,
                f"{self.index.names.get(code, code)} ({code}) không là thành viên của cụm "
                f"năm {year}.",
                f"Nhập danh sách thành viên năm {year} trước, hoặc sửa lại đơn vị.",
                once=True,
            )
        return code

    def _score_criterion(self, year: int, code: str) -> tuple | Problem:
        info = self.criterion(year, code)
        if info is not None:
            return info
        if year not in self.criteria:
            hint = f"Chưa có bảng tiêu chí năm {year}: nhập bảng tiêu chí trước."
        else:
            other = [y for y, table in self.criteria.items() if code in table]
            hint = (
                f"Mã này có trong bảng tiêu chí năm {', '.join(map(str, sorted(other)))}"
                f", không có trong năm {year}."
                if other
                else "Kiểm tra lại mã tiêu chí theo bảng tiêu chí của năm."
            )
        return Problem(code, f"Không có tiêu chí {code} trong bảng tiêu chí năm {year}.", hint)

    def _check_group_values(self, group_values: dict, sums: dict) -> None:
        for key, value in group_values.items():
            ref_id, unit, layer, year, code = key
            if sums.get(key, 0) != value:
                ref = next(r for r in self.batch.sheets if id(r) == ref_id)
                self.report.warnings.append(
                    f"{ref.file} › {ref.sheet}: điểm nhóm {code} ({LAYER_LABELS[layer]}"
                    f"{', ' + unit if unit else ''}) là {format_number(Decimal(value) / 100)}, "
                    f"khác tổng các tiêu chí con {format_number(Decimal(sums.get(key, 0)) / 100)}; "
                    "chỉ lấy điểm các tiêu chí con."
                )

    def _check_totals(self, sums: dict) -> None:
        """A total row may be the plain sum, or base + bonus (capped by the cluster's
        `bonus_cap` for the year, or not) - deductions."""
        for total in self.batch.totals:
            ref = total.ref
            years = {r.year for r in self.batch.scores if r.ref is ref} or {0}
            bonus_cap_c = min(int(self.rules_for(y).bonus_cap * 100) for y in years)

            def part(
                kind: str, ref: SheetRef = ref, total: Any = total, years: set[int] = years
            ) -> int:
                return sum(
                    sums.get((id(ref), total.unit, total.layer, y, "#" + kind), 0) for y in years
                )

            base, bonus, deduction = part("base"), part("bonus"), part("deduction")
            computed = base + bonus - deduction
            accepted = {
                computed,
                base + min(bonus, bonus_cap_c) - deduction,
                base + bonus + deduction,
            }
            if total.points_c not in accepted:
                self.report.warnings.append(
                    f"{ref.file} › {ref.sheet} dòng {total.row}, cột {total.col}: dòng tổng ghi "
                    f"{format_number(Decimal(total.points_c) / 100)}, tổng các dòng là "
                    f"{format_number(Decimal(computed) / 100)} (chỉ nhập các dòng, không nhập "
                    "dòng tổng)."
                )

    def _form_unit(self, rec: ScoreRow) -> str | None:
        """The unit of a self-score form: its `Đơn vị: …` title, or --unit (which must agree)."""
        ref = rec.ref
        text = rec.unit
        if not text:
            self.error(
                ref,
                None,
                None,
                "",
                "Bảng tự chấm không ghi tên đơn vị.",
                "Thêm dòng “Đơn vị: <tên đơn vị>” ở phần tiêu đề, hoặc dùng --unit.",
            )
            return None
        row, column = ref.title_unit_at or (None, None)
        from_title = text == ref.title_unit
        code = self.index.lookup(text)
        if code is None:
            self.error(
                ref,
                row if from_title else None,
                column if from_title else None,
                text,
                f"Đơn vị “{text}” ({'ở dòng tiêu đề' if from_title else 'ở tùy chọn --unit'}) "
                "không có trong danh sách đơn vị.",
                self.index.hint(text),
            )
            return None
        if ref.title_unit and not from_title and self.index.lookup(ref.title_unit) != code:
            self.error(
                ref,
                row,
                column,
                ref.title_unit,
                f"Bảng tự chấm ghi đơn vị “{ref.title_unit}” nhưng tùy chọn --unit chọn “{text}”.",
                "Bỏ tùy chọn --unit, hoặc sửa dòng “Đơn vị: …” ở phần tiêu đề.",
            )
            return None
        return code

    # -- leadership


def self_scored(scorer: str, unit: str, written: str) -> Problem | None:
    """A unit never scores itself in the peer layer."""
    if scorer != unit:
        return None
    return Problem(
        written, "Đơn vị không chấm chéo chính mình.", "Điểm của chính đơn vị ghi ở cột Tự chấm."
    )


def _points_outcome(code: str, info: tuple, points_c: int, mark: bool) -> int | object | Problem:
    kind, max_points, is_group, max_c = info
    if mark and kind != "veto":
        return Problem(
            "x",
            f"Tiêu chí {code} không phải điểm liệt, không nhận dấu x / có.",
            "Nhập số điểm.",
        )
    if is_group:
        return GROUP
    if kind == "deduction" and points_c < 0:
        points_c = -points_c
    shown = format_number(Decimal(points_c) / 100)
    if points_c < 0:
        return Problem(
            shown,
            "Điểm không được âm.",
            "Nhập điểm từ 0 đến điểm tối đa (điểm trừ ghi ở tiêu chí loại Trừ).",
        )
    if kind != "veto" and max_c is not None and points_c > max_c:
        return Problem(
            shown,
            f"Điểm {shown} vượt điểm tối đa {format_number(max_points)} của tiêu chí {code}.",
            f"Nhập điểm từ 0 đến {format_number(max_points)}.",
        )
    if kind == "veto":
        return 100 if points_c > 0 else 0
    return points_c


def _unit_row(ref: SheetRef, row: int) -> int | None:
    """Where a unit is named: its row, or the header row of a wide sheet (one column a unit)."""
    return ref.header_row if ref.kind == "wide_scores" else row
