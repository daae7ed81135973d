"""Checking score rows (long, wide and self-score form layouts): unit and membership,
criterion of the year, maximum, marks and veto, peer scorers, the same key twice, and group
and total rows against the sum of their leaves."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, NamedTuple

from ..services.criteria_table import ShapedCriterion
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


class Problem(NamedTuple):
    """What is wrong with a value wherever it is written: an error without its row and column.
    A value is resolved once, to what it means or to its Problem, and every row that holds it
    reuses that answer."""

    value: str
    message: str
    hint: str
    once: bool = False  # said once for a sheet, not on every row holding it


_UNSET: Any = object()


class ScoreChecks:
    """The score half of Checker (mixed into it)."""

    def check_scores(self) -> list[CheckedScore]:
        """Valid score rows, ready to write; groups and totals checked, not stored. The unit and
        criterion of each row are resolved once per distinct value (see Problem)."""
        seen: dict[tuple, tuple[SheetRef, int]] = {}
        accepted: list[CheckedScore] = []
        units: dict[tuple[str, int], str | Problem] = {}  # (text, year) -> code or problem
        form_units: dict[int, str | None] = {}  # self-score form -> its unit, once a form
        form_members: dict[tuple[str, int], str | Problem] = {}
        criteria: dict[tuple[int, str], tuple | Problem] = {}  # (year, code) -> info or problem
        said: set[tuple[str, int]] = set()  # (message, sheet) of problems said once a sheet
        group_values: dict[tuple, int] = {}
        leaf_sums: dict[tuple, int] = defaultdict(int)
        children: dict[int, dict[str, str | None]] = {}
        deferred: list[tuple[ScoreRow, int, str]] = []
        # hot loop over every score row: bind what it looks up to locals
        years_add = self.years.add
        seen_get, units_get, criteria_get = seen.get, units.get, criteria.get
        for rec in self.batch.scores:
            year = rec.year
            years_add(year)
            ref = rec.ref
            if ref.kind == "self_form":
                form_unit = form_units.get(id(ref), _UNSET)
                if form_unit is _UNSET:
                    form_unit = form_units[id(ref)] = self._form_unit(rec)
                if form_unit is None:
                    continue
                unit = form_members.get((form_unit, year))
                if unit is None:
                    unit = form_members[(form_unit, year)] = self._member(form_unit, rec.unit, year)
            else:
                unit = units_get((rec.unit, year))
                if unit is None:
                    unit = units[(rec.unit, year)] = self._score_unit(rec.unit, year)
            if unit.__class__ is Problem:
                once = unit.once or ref.kind == "wide_scores"  # type: ignore[union-attr]
                if not once or (unit.message, id(ref)) not in said:  # type: ignore[union-attr]
                    said.add((unit.message, id(ref)))  # type: ignore[union-attr]
                    self._say(ref, _unit_row(ref, rec.row), rec.unit_col, unit)  # type: ignore[arg-type]
                continue
            unit_code: str = unit  # type: ignore[assignment]
            info = criteria_get((year, rec.criterion))
            if info is None:
                info = criteria[(year, rec.criterion)] = self._score_criterion(year, rec.criterion)
            if info.__class__ is Problem:
                self._say(ref, rec.row, ref.letter("criterion"), info)  # type: ignore[arg-type]
                continue
            kind, max_points, is_group, max_c = info
            points_c = rec.points_c
            if rec.mark and kind != "veto":
                self.error(
                    ref,
                    rec.row,
                    rec.points_col,
                    "x",
                    f"Tiêu chí {rec.criterion} không phải điểm liệt, không nhận dấu x / có.",
                    "Nhập số điểm.",
                )
                continue
            if is_group:
                group_values[(id(ref), rec.unit, rec.layer, year, rec.criterion)] = points_c
                continue
            if kind == "deduction" and points_c < 0:
                points_c = -points_c
            if points_c < 0:
                self.error(
                    ref,
                    rec.row,
                    rec.points_col,
                    format_number(Decimal(points_c) / 100),
                    "Điểm không được âm.",
                    "Nhập điểm từ 0 đến điểm tối đa (điểm trừ ghi ở tiêu chí loại Trừ).",
                )
                continue
            if kind != "veto" and max_c is not None and points_c > max_c:
                self.error(
                    ref,
                    rec.row,
                    rec.points_col,
                    format_number(Decimal(points_c) / 100),
                    f"Điểm {format_number(Decimal(points_c) / 100)} vượt điểm tối đa "
                    f"{format_number(max_points)} của tiêu chí {rec.criterion}.",
                    f"Nhập điểm từ 0 đến {format_number(max_points)}.",
                )
                continue
            if kind == "veto":
                points_c = 100 if points_c > 0 else 0
            scorer = ""
            if rec.layer == "peer":
                scorer_code = self.index.lookup(rec.scorer)
                if scorer_code is None:
                    self.error(
                        ref,
                        rec.row,
                        ref.letter("scorer"),
                        rec.scorer,
                        f"Đơn vị chấm “{rec.scorer}” không có trong danh sách đơn vị.",
                        self.index.hint(rec.scorer),
                    )
                    continue
                if scorer_code == unit_code:
                    self.error(
                        ref,
                        rec.row,
                        ref.letter("scorer"),
                        rec.scorer,
                        "Đơn vị không chấm chéo chính mình.",
                        "Điểm của chính đơn vị ghi ở cột Tự chấm.",
                    )
                    continue
                scorer = scorer_code
            key = (year, rec.period, unit_code, rec.criterion, rec.layer, scorer)
            first = seen_get(key)
            if first is not None:
                first_ref, first_row = first
                self.error(
                    ref,
                    rec.row,
                    rec.points_col,
                    format_number(Decimal(points_c) / 100),
                    f"Điểm {LAYER_LABELS[rec.layer]} của {unit_code}, tiêu chí {rec.criterion}, "
                    f"năm {year} ({PERIOD_LABELS[rec.period]}) có hai lần: ở đây và ở "
                    f"{first_ref.file} › {first_ref.sheet} dòng {first_row}.",
                    "Giữ lại một dòng, xóa dòng kia.",
                )
                continue
            seen[key] = (ref, rec.row)
            if ref.kind == "scores":
                # long sheets rarely carry group rows: sum their leaves only if they do
                deferred.append((rec, points_c, kind))
            else:
                if kind != "veto":
                    leaf_sums[(id(ref), rec.unit, rec.layer, year, "#" + kind)] += points_c
                self._add_to_parents(children, leaf_sums, ref, rec, points_c, kind)
            accepted.append(CheckedScore(*key, points_c, rec.note, ref))
        long_groups = {key[0] for key in group_values} & {id(rec.ref) for rec, _, _ in deferred}
        for rec, points_c, kind in deferred:
            if id(rec.ref) in long_groups:
                self._add_to_parents(children, leaf_sums, rec.ref, rec, points_c, kind)
        self._check_group_values(group_values, leaf_sums)
        self._check_totals(leaf_sums)
        return accepted

    def _say(self, ref: SheetRef, row: int | None, column: str | None, problem: Problem) -> None:
        self.error(ref, row, column, problem.value, problem.message, problem.hint)

    def _score_unit(self, text: str, year: int) -> str | Problem:
        """The unit a score row names, as a member of that year, or its problem."""
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
        """(kind, max, is_group, max in hundredths) of a criterion of that year, or its problem."""
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

    def _add_to_parents(
        self, children: dict, sums: dict, ref: SheetRef, rec: ScoreRow, points_c: int, kind: str
    ) -> None:
        table = self.criteria.get(rec.year, {})
        parent_of = children.setdefault(rec.year, {})
        code = rec.criterion
        while True:
            if code not in parent_of:
                item = table.get(code)
                parent_of[code] = (
                    item.parent
                    if isinstance(item, ShapedCriterion)
                    else (item or {}).get("parent_code")
                )
            code = parent_of[code]
            if not code:
                break
            sums[(id(ref), rec.unit, rec.layer, rec.year, code)] += points_c

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


def _unit_row(ref: SheetRef, row: int) -> int | None:
    """Where a unit is named: its row, or the header row of a wide sheet (one column a unit)."""
    return ref.header_row if ref.kind == "wide_scores" else row
