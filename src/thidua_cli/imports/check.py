"""Checking an import's parsed rows against the database's state and against each other:
units and members, the scoring table, rules and the scale. Score rows are checked in
check_scores.py, leadership, votes and commendations in check_records.py. Problems become
RowErrors; nothing is written here."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..errors import RowError
from ..services.criteria_table import ShapedCriterion, shape_table
from ..services.units import UnitIndex
from ..sheets.records import ParsedBatch, SheetRef
from ..store.import_state import ImportState
from ..text import format_number
from .check_records import RecordChecks
from .check_scores import ScoreChecks
from .report import ImportReport


class Checker(ScoreChecks, RecordChecks):
    """Matches batch records against the database state and the batch itself."""

    def __init__(
        self, state: ImportState, batch: ParsedBatch, report: ImportReport, index: UnitIndex
    ):
        self.state = state
        self.batch = batch
        self.report = report
        self.index = index
        self.errors = batch.errors
        self.members: dict[int, dict[str, int | None]] = {
            y: dict(v) for y, v in state.members.items()
        }
        self.criteria: dict[int, dict[str, ShapedCriterion | dict[str, Any]]] = {
            y: dict(v) for y, v in state.criteria.items()
        }
        self.new_tables: dict[int, list[ShapedCriterion]] = {}
        self.unit_rows: dict[str, dict[str, Any]] = {}
        self.years: set[int] = set()
        self.rule_rows: list[dict[str, Any]] = []  # the batch's checked rules sheet rows
        self._criterion_info: dict[
            int, dict[str, tuple[str, Decimal | None, bool, int | None]]
        ] = {}
        self.start_scores()

    def error(
        self,
        ref: SheetRef,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        hint: str = "",
    ) -> None:
        self.errors.append(
            RowError(
                ref.file, ref.sheet, row, column, "" if value is None else str(value), message, hint
            )
        )

    def unit(
        self,
        ref: SheetRef,
        row: int,
        column: str | None,
        text: str,
        year: int | None,
        role: str = "Đơn vị",
        require_member: bool = True,
    ) -> str | None:
        code = self.index.lookup(text)
        if code is None:
            self.error(
                ref,
                row,
                column,
                text,
                f"{role} “{text}” không có trong danh sách đơn vị.",
                self.index.hint(text),
            )
            return None
        if require_member and year is not None:
            year_members = self.members.get(year)
            if year_members is not None and code not in year_members:
                self.error(
                    ref,
                    row,
                    column,
                    text,
                    f"{self.index.names.get(code, code)} ({code}) không là thành viên của cụm "
                    f"năm {year}.",
                    f"Thêm đơn vị vào danh sách thành viên năm {year}, hoặc sửa lại đơn vị.",
                )
                return None
        return code

    # -- members
    def check_members(self) -> None:
        seen: dict[tuple[int, str], tuple[SheetRef, int]] = {}
        latest: dict[str, Any] = {}
        for rec in self.batch.members:
            key = (rec.year, rec.code)
            if key in seen:
                first = seen[key]
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("unit_code"),
                    rec.code,
                    f"Đơn vị {rec.code} năm {rec.year} bị khai hai lần "
                    f"(lần đầu ở {first[0].sheet} dòng {first[1]}).",
                    "Xóa một trong hai dòng.",
                )
                continue
            seen[key] = (rec.ref, rec.row)
            self.members.setdefault(rec.year, {})[rec.code] = rec.rotation_order
            self.years.add(rec.year)
            if rec.code not in latest or latest[rec.code].year <= rec.year:
                latest[rec.code] = rec
        for code, rec in latest.items():
            old = self.state.units.get(code)
            aliases = list(
                dict.fromkeys(
                    [*(old["aliases"].split("\n") if old and old["aliases"] else []), *rec.aliases]
                )
            )
            names = {r.name for r in self.batch.members if r.code == code and r.name != rec.name}
            if old and old["name"] != rec.name:
                names.add(old["name"])
                self.report.changes.append(f"Đơn vị {code}: tên “{old['name']}” → “{rec.name}”.")
            aliases.extend(n for n in sorted(names) if n not in aliases)
            self.unit_rows[code] = {
                "code": code,
                "name": rec.name,
                "short_name": rec.short_name or (old or {}).get("short_name", ""),
                "aliases": "\n".join(a for a in aliases if a),
            }

    # -- criteria
    def check_criteria(self) -> None:
        by_year: dict[int, list] = defaultdict(list)
        for rec in self.batch.criteria:
            by_year[rec.year].append(rec)
        for year, recs in by_year.items():
            seen: dict[str, Any] = {}
            rows = []
            for rec in recs:
                if rec.code in seen:
                    first = seen[rec.code]
                    self.error(
                        rec.ref,
                        rec.row,
                        rec.ref.letter("criterion"),
                        rec.code,
                        f"Mã tiêu chí {rec.code} năm {year} xuất hiện hai lần "
                        f"(lần đầu ở {first.ref.sheet} dòng {first.row}).",
                        _duplicate_hint(rec, first, recs),
                    )
                    continue
                seen[rec.code] = rec
                rows.append((rec.code, rec.title, rec.max_points, rec.kind))
            shaped, warnings = shape_table(rows)
            ordered = list(seen.values())
            for position, message in warnings:
                rec = ordered[position]
                self.report.warnings.append(
                    f"{rec.ref.file} › {rec.ref.sheet} dòng {rec.row}: {message}"
                )
            for item in shaped:
                if not item.is_group and item.kind != "veto" and item.max_points is None:
                    rec = seen[item.code]
                    self.error(
                        rec.ref,
                        rec.row,
                        rec.ref.letter("max_points"),
                        "",
                        f"Tiêu chí {item.code} thiếu điểm tối đa.",
                        "Ghi điểm tối đa của tiêu chí (để trống chỉ với tiêu chí điểm liệt).",
                    )
            self._check_table_totals(recs, shaped)
            self._say_changes(year, shaped)
            self.new_tables[year] = shaped
            self.criteria[year] = {c.code: c for c in shaped}
            self.years.add(year)
            missing = set(self.state.criteria.get(year, {})) - {c.code for c in shaped}
            if missing:
                self.report.warnings.append(
                    f"Bảng tiêu chí năm {year} mới nhập không còn các mã: "
                    + ", ".join(sorted(missing))
                    + " (vẫn giữ trong CSDL cùng điểm đã chấm)."
                )
                for code in missing:
                    self.criteria[year][code] = self.state.criteria[year][code]

    def _say_changes(self, year: int, shaped: list[ShapedCriterion]) -> None:
        """A stored criterion whose kind or maximum this table changes, old → new."""
        stored = self.state.criteria.get(year, {})
        for item in shaped:
            old = stored.get(item.code)
            if old is None:
                continue
            parts = []
            if old["kind"] != item.kind:
                parts.append(f"loại {KIND_LABELS[old['kind']]} → {KIND_LABELS[item.kind]}")
            new_c = int(item.max_points * 100) if item.max_points is not None else None
            if item.kind != "veto" and old["max_c"] != new_c:
                before = (
                    format_number(Decimal(old["max_c"]) / 100)
                    if old["max_c"] is not None
                    else "trống"
                )
                after = format_number(item.max_points) if item.max_points is not None else "trống"
                parts.append(f"điểm tối đa {before} → {after}")
            if parts:
                self.report.changes.append(
                    f"Tiêu chí {item.code} năm {year}: " + "; ".join(parts) + "."
                )

    def _check_table_totals(self, recs: list, shaped: list[ShapedCriterion]) -> None:
        """A `Tổng cộng` row of a one-year table may state the base maximum, with or without
        the bonus; anything else is a warning."""
        refs = {id(rec.ref) for rec in recs}
        leaves = [c for c in shaped if not c.is_group and c.max_points is not None]
        base = sum((c.max_points for c in leaves if c.kind == "base"), Decimal(0))
        bonus = sum((c.max_points for c in leaves if c.kind == "bonus"), Decimal(0))
        for total in self.batch.table_totals:
            ref = total.ref
            if (
                id(ref) not in refs
                or len({r.year for r in self.batch.criteria if r.ref is ref}) > 1
            ):
                continue
            if Decimal(total.points_c) / 100 not in (base, base + bonus):
                self.report.warnings.append(
                    f"{ref.file} › {ref.sheet} dòng {total.row}, cột {total.col}: dòng tổng ghi "
                    f"{format_number(Decimal(total.points_c) / 100)}, tổng điểm tối đa các tiêu "
                    f"chí chuẩn là {format_number(base)}."
                )

    def criterion(
        self, year: int, code: str
    ) -> tuple[str, Decimal | None, bool, int | None] | None:
        """(kind, max, is_group, max in hundredths) of a criterion of that year, from the batch
        or the database; computed once per year."""
        cache = self._criterion_info.get(year)
        if cache is None:
            cache = self._criterion_info[year] = self._criterion_table(year)
        return cache.get(code)

    def stored_criterion_id(self, year: int, code: str) -> int | None:
        """The database id of a criterion this import leaves as it is; None when the import
        (re)writes that year's table (ids come at write time) or the code is not stored."""
        if year in self.new_tables:
            return None
        row = self.state.criteria.get(year, {}).get(code)
        return row["id"] if row is not None else None

    def _criterion_table(
        self, year: int
    ) -> dict[str, tuple[str, Decimal | None, bool, int | None]]:
        table = self.criteria.get(year, {})
        parents = {
            c.parent if isinstance(c, ShapedCriterion) else c["parent_code"] for c in table.values()
        }
        info: dict[str, tuple[str, Decimal | None, bool, int | None]] = {}
        for code, item in table.items():
            if isinstance(item, ShapedCriterion):
                max_points = item.max_points
                info[code] = (
                    item.kind,
                    max_points,
                    item.is_group,
                    int(max_points * 100) if max_points is not None else None,
                )
            else:
                max_c = item["max_c"]
                info[code] = (
                    item["kind"],
                    Decimal(max_c) / 100 if max_c is not None else None,
                    code in parents,
                    max_c,
                )
        return info

    # -- rules
    def check_rules(self) -> list[dict[str, Any]]:
        if not self.batch.rules:
            return []  # (a form's import need not load the scoring rules)
        from ..scoring.rules import RULE_KEYS, RuleError, parse_rule_value

        rows = []
        for rec in self.batch.rules:
            key = rec.key.strip().lower()
            try:
                parse_rule_value(key, rec.value)
            except RuleError as problem:
                known = key in RULE_KEYS  # else the key cell is wrong, not the value
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("value" if known else "key"),
                    rec.value if known else rec.key,
                    str(problem),
                    "Sửa giá trị theo hướng dẫn ở `thidua rules`."
                    if known
                    else "Sửa tên khóa theo danh sách ở `thidua rules`.",
                )
                continue
            if rec.from_year is None:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("from_year"),
                    "",
                    "Không rõ quy chế áp dụng từ năm nào.",
                    "Thêm cột “Từ năm”, ghi năm ở dòng tiêu đề hoặc dùng --year.",
                )
                continue
            rows.append(
                {"key": key, "from_year": rec.from_year, "value": rec.value, "ref": rec.ref}
            )
        self.rule_rows = rows
        return rows

    def rules_for(self, year: int) -> Any:
        """The rules in force for `year`: the database's, with this import's rules sheet."""
        from ..scoring.rules import build_rules

        overrides = [
            (k, y, r["value"], r.get("source", "")) for (k, y), r in self.state.rules.items()
        ]
        overrides += [(r["key"], r["from_year"], r["value"], "") for r in self.rule_rows]
        return build_rules(overrides, year)[0]

    # -- the scale
    def check_scale(self, rules: list[dict[str, Any]]) -> None:
        """Base maxima of each new table against the rules' scale: a warning with both sums."""
        for year, table in self.new_tables.items():
            effective = self.rules_for(year)
            total = sum(
                (c.max_points or Decimal(0) for c in table if not c.is_group and c.kind == "base"),
                Decimal(0),
            )
            if total != Decimal(effective.scale):
                self.report.warnings.append(
                    f"Bảng tiêu chí năm {year}: tổng điểm tối đa các tiêu chí chuẩn là "
                    f"{format_number(total)}, khác thang điểm "
                    f"{format_number(Decimal(effective.scale))}."
                )


KIND_LABELS = {"base": "Chuẩn", "bonus": "Thưởng", "deduction": "Trừ", "veto": "Liệt"}


def _duplicate_hint(rec: Any, first: Any, recs: list) -> str:
    """How to fix a code that really repeats: renumber it (the next free number of its level),
    or, for a second table of the same year, import one of them only."""
    if first.ref is not rec.ref:
        return (
            f"Hai bảng tiêu chí cùng năm {rec.year} ({first.ref.file} › {first.ref.sheet} và "
            f"{rec.ref.file} › {rec.ref.sheet}): chỉ nhập một bảng, hoặc sửa năm của một bảng."
        )
    head, _, last = rec.code.rpartition(".")
    if last.isdigit():
        taken = {
            int(tail)
            for other in recs
            for other_head, _, tail in [other.code.rpartition(".")]
            if other_head == head and tail.isdigit()
        }
        free = max(taken) + 1
        suggestion = f"{head}.{free}" if head else str(free)
        return (
            f"Đánh số lại dòng {rec.row} (ví dụ {suggestion}); nếu bảng đánh số lại từ 1 ở mỗi "
            "phần thì mỗi phần phải mở đầu bằng một dòng số La Mã (I, II, …)."
        )
    return f"Sửa mã ở dòng {rec.row} để mỗi mã chỉ dùng một lần trong bảng của năm {rec.year}."
