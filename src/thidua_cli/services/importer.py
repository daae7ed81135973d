"""`thidua import`: read every sheet of every file, check everything against the database and
the batch itself, then write it all in one transaction, or nothing at all (SPEC §3.4)."""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RowError
from ..sheets.columns import KINDS
from ..sheets.layout import Layout, NearMiss, detect_layout
from ..sheets.parse import ParsedBatch, ParseOptions, SheetParser, infer_leader, parse_sheet
from ..sheets.reader import Sheet, Workbook
from ..sheets.records import ScoreRow, SheetRef
from ..store.writes import diff, record_audit, upsert
from ..text import fold, format_number
from .context import ClusterInfo, pick_cluster
from .criteria_table import ShapedCriterion, shape_table
from .fast_scores import FastSheet, Resolver, SheetFallback, stream_long_sheet
from .progress import ImportProgress
from .reading import Reading
from .units import UnitIndex

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

LAYER_LABELS = {"self": "tự chấm", "peer": "chấm chéo", "agreed": "thống nhất"}
PERIOD_LABELS = {"H1": "6 tháng đầu năm", "FY": "cả năm"}
# Kinds whose records others depend on are checked and written first.
KIND_ORDER = [
    "rules",
    "members",
    "criteria",
    "leadership",
    "scores",
    "wide_scores",
    "self_form",
    "votes",
    "commendations",
]


@dataclass
class ImportOptions:
    cluster: str | None = None
    kind: str | None = None
    year: int | None = None
    half: bool = False
    unit: str | None = None
    layer: str | None = None
    dry_run: bool = False
    force: bool = False
    fast: bool = True  # long score sheets through fast_scores (False: the general path only)


@dataclass
class SheetSummary:
    file: str
    sheet: str
    kind: str
    label: str
    rows: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    sheets: list[SheetSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(s.new for s in self.sheets),
            sum(s.updated for s in self.sheets),
            sum(s.unchanged for s in self.sheets),
        )


# ---------------------------------------------------------------- reading


@dataclass
class _PlannedSheet:
    workbook: Workbook
    sheet: Sheet
    layout: Layout
    ref: SheetRef


def _plan_sheets(
    workbooks: list[Workbook],
    options: ImportOptions,
    index: UnitIndex,
    report: ImportReport,
    batch: ParsedBatch,
    parse_options: ParseOptions,
) -> list[_PlannedSheet]:
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

    planned: list[_PlannedSheet] = []
    pending: list[tuple[Workbook, Sheet]] = []
    for workbook, sheet in candidates:
        layout = detect_layout(sheet, options.kind, lookup)
        if isinstance(layout, Layout) and layout.kind == "members":
            item = _make_planned(workbook, sheet, layout)
            parse_sheet(sheet, layout, parse_options, batch, item.ref)
            for member in batch.members:
                index.add(member.code, member.name, member.short_name, member.aliases)
            planned.append(item)
        else:
            pending.append((workbook, sheet))
    for workbook, sheet in pending:
        layout = detect_layout(sheet, options.kind, lookup)
        if isinstance(layout, Layout):
            planned.append(_make_planned(workbook, sheet, layout))
            continue
        where = f"{workbook.display} › {sheet.name}"
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


def _make_planned(workbook: Workbook, sheet: Sheet, layout: Layout) -> _PlannedSheet:
    from ..text import column_letter

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
    return _PlannedSheet(workbook, sheet, layout, ref)


# ---------------------------------------------------------------- database state


@dataclass
class _State:
    cluster: ClusterInfo
    units: dict[str, dict[str, Any]]  # code -> row
    unit_ids: dict[str, int]
    members: dict[int, dict[str, int | None]]  # year -> code -> rotation order
    criteria: dict[int, dict[str, dict[str, Any]]]  # year -> code -> row
    leadership: dict[int, dict[str, Any]]
    votes: dict[tuple[int, str, str], dict[str, Any]]
    rules: dict[tuple[str, int], dict[str, Any]]
    locked: set[int]


def _load_state(conn: Connection, cluster: ClusterInfo) -> _State:
    from sqlalchemy import select

    from ..store.tables import table_of

    unit_t = table_of(conn, "unit")
    units = {r.code: dict(r._mapping) for r in conn.execute(select(unit_t))}
    unit_ids = {code: row["id"] for code, row in units.items()}
    code_of = {row["id"]: code for code, row in units.items()}
    members: dict[int, dict[str, int | None]] = defaultdict(dict)
    mt = table_of(conn, "membership")
    for r in conn.execute(select(mt).where(mt.c.cluster_id == cluster.id)):
        members[r.year][code_of[r.unit_id]] = r.rotation_order
    criteria: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    ct = table_of(conn, "criterion")
    for r in conn.execute(select(ct).where(ct.c.cluster_id == cluster.id)):
        criteria[r.year][r.code] = dict(r._mapping)
    lt = table_of(conn, "leadership")
    leadership = {
        r.year: dict(r._mapping)
        for r in conn.execute(select(lt).where(lt.c.cluster_id == cluster.id))
    }
    vt = table_of(conn, "vote")
    votes = {
        (r.year, r.purpose, code_of[r.unit_id]): dict(r._mapping)
        for r in conn.execute(select(vt).where(vt.c.cluster_id == cluster.id))
    }
    rt = table_of(conn, "rule_setting")
    rules = {
        (r.key, r.from_year): dict(r._mapping)
        for r in conn.execute(select(rt).where(rt.c.cluster_id == cluster.id))
    }
    yt = table_of(conn, "year_lock")
    locked = {r.year for r in conn.execute(select(yt.c.year).where(yt.c.cluster_id == cluster.id))}
    return _State(cluster, units, unit_ids, members, criteria, leadership, votes, rules, locked)


# ---------------------------------------------------------------- checking


class _Checker:
    """Matches batch records against the database state and the batch itself."""

    def __init__(self, state: _State, batch: ParsedBatch, report: ImportReport, index: UnitIndex):
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
        self.bonus_cap_c = 1000
        self._criterion_info: dict[
            int, dict[str, tuple[str, Decimal | None, bool, int | None]]
        ] = {}

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
                        "Mỗi mã tiêu chí chỉ được dùng một lần trong bảng của một năm.",
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

    # -- scores
    def check_scores(self) -> list[tuple]:
        """Valid score rows as tuples ready to write; groups and totals checked, not stored."""
        seen: dict[tuple, tuple[SheetRef, int]] = {}
        accepted: list[tuple] = []
        code_cache: dict[str, str | None] = {}
        member_errors: set[tuple[str, int, str]] = set()
        group_values: dict[tuple, int] = {}
        leaf_sums: dict[tuple, int] = defaultdict(int)
        children: dict[int, dict[str, str | None]] = {}
        form_units: dict[int, str | None] = {}
        deferred: list[tuple[ScoreRow, int, str]] = []
        # hot loop over every score row: bind what it looks up to locals
        years_add = self.years.add
        members = self.members
        criterion = self.criterion
        seen_get = seen.get
        for rec in self.batch.scores:
            years_add(rec.year)
            ref = rec.ref
            unit_text = rec.unit
            if ref.kind == "self_form":
                unit_code = form_units.get(id(ref), "?")
                if unit_code == "?":
                    unit_code = self._form_unit(rec)
                    form_units[id(ref)] = unit_code
                if unit_code is None:
                    continue
            else:
                unit_code = code_cache.get(unit_text, "?")  # type: ignore[assignment]
                if unit_code == "?":
                    unit_code = self.index.lookup(unit_text)
                    code_cache[unit_text] = unit_code
                if unit_code is None:
                    key = (unit_text, rec.year, id(ref))
                    if ref.kind == "wide_scores" and key in member_errors:
                        continue  # one error for the header cell, not one per row
                    member_errors.add(key)
                    self.error(
                        ref,
                        _unit_row(ref, rec.row),
                        rec.unit_col,
                        unit_text,
                        f"Đơn vị “{unit_text}” không có trong danh sách đơn vị.",
                        self.index.hint(unit_text),
                    )
                    continue
            year_members = members.get(rec.year)
            if year_members is None or unit_code not in year_members:
                key = (unit_code, rec.year, id(ref))
                if key not in member_errors:
                    member_errors.add(key)
                    self.error(
                        ref,
                        _unit_row(ref, rec.row),
                        rec.unit_col,
                        unit_text or unit_code,
                        f"{self.index.names.get(unit_code, unit_code)} ({unit_code}) không là "
                        f"thành viên của cụm năm {rec.year}.",
                        f"Nhập danh sách thành viên năm {rec.year} trước, hoặc sửa lại đơn vị.",
                    )
                continue
            info = criterion(rec.year, rec.criterion)
            if info is None:
                if rec.year not in self.criteria:
                    hint = f"Chưa có bảng tiêu chí năm {rec.year}: nhập bảng tiêu chí trước."
                else:
                    other = [y for y, table in self.criteria.items() if rec.criterion in table]
                    hint = (
                        f"Mã này có trong bảng tiêu chí năm {', '.join(map(str, sorted(other)))}"
                        f", không có trong năm {rec.year}."
                        if other
                        else "Kiểm tra lại mã tiêu chí theo bảng tiêu chí của năm."
                    )
                self.error(
                    ref,
                    rec.row,
                    ref.letter("criterion"),
                    rec.criterion,
                    f"Không có tiêu chí {rec.criterion} trong bảng tiêu chí năm {rec.year}.",
                    hint,
                )
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
                group_values[(id(ref), rec.unit, rec.layer, rec.year, rec.criterion)] = points_c
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
            key = (rec.year, rec.period, unit_code, rec.criterion, rec.layer, scorer)
            first = seen_get(key)
            if first is not None:
                first_ref, first_row = first
                self.error(
                    ref,
                    rec.row,
                    rec.points_col,
                    format_number(Decimal(points_c) / 100),
                    f"Điểm {LAYER_LABELS[rec.layer]} của {unit_code}, tiêu chí {rec.criterion}, "
                    f"năm {rec.year} ({PERIOD_LABELS[rec.period]}) có hai lần: ở đây và ở "
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
                    leaf_sums[(id(ref), rec.unit, rec.layer, rec.year, "#" + kind)] += points_c
                self._add_to_parents(children, leaf_sums, ref, rec, points_c, kind)
            accepted.append((*key, points_c, rec.note, ref))
        long_groups = {key[0] for key in group_values} & {id(rec.ref) for rec, _, _ in deferred}
        for rec, points_c, kind in deferred:
            if id(rec.ref) in long_groups:
                self._add_to_parents(children, leaf_sums, rec.ref, rec, points_c, kind)
        self._check_group_values(group_values, leaf_sums)
        self._check_totals(leaf_sums, self.bonus_cap_c)
        return accepted

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

    def _check_totals(self, sums: dict, bonus_cap_c: int) -> None:
        """A total row may be the plain sum, or base + bonus (capped or not) - deductions."""
        for total in self.batch.totals:
            ref = total.ref
            years = {r.year for r in self.batch.scores if r.ref is ref} or {0}

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
    def check_leadership(self) -> list[dict[str, Any]]:
        rows = []
        seen: dict[int, Any] = {}
        for rec in self.batch.leadership:
            if rec.year in seen:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("year"),
                    rec.year,
                    f"Năm {rec.year} có hai dòng trưởng cụm (dòng {seen[rec.year].row} và dòng "
                    f"{rec.row}).",
                    "Giữ lại một dòng.",
                )
                continue
            seen[rec.year] = rec
            head = self.unit(
                rec.ref, rec.row, rec.ref.letter("head"), rec.head, rec.year, "Trưởng cụm"
            )
            deputy = None
            if rec.deputy:
                deputy = self.unit(
                    rec.ref, rec.row, rec.ref.letter("deputy"), rec.deputy, rec.year, "Phó cụm"
                )
                if deputy is None:
                    continue
            if head is None:
                continue
            if head == deputy:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("deputy"),
                    rec.deputy,
                    "Trưởng cụm và phó cụm không được là một đơn vị.",
                    "Sửa lại phó cụm.",
                )
                continue
            self.years.add(rec.year)
            self._warn_if_elected_differs(rec, head, deputy)
            rows.append({"year": rec.year, "head": head, "deputy": deputy, "ref": rec.ref})
        return rows

    def _warn_if_elected_differs(self, rec: Any, head: str, deputy: str | None) -> None:
        old = self.state.leadership.get(rec.year)
        if old is None or old["how"] != "elected":
            return
        ids = self.state.unit_ids
        if (old["head_unit_id"], old["deputy_unit_id"]) != (ids.get(head), ids.get(deputy)):
            self.report.warnings.append(
                f"{rec.ref.file} › {rec.ref.sheet} dòng {rec.row}: năm {rec.year} đã ghi kết quả "
                "hội nghị bầu (`thidua rotation set`); giữ kết quả bầu, không lấy dòng này."
            )

    # -- votes
    def check_votes(self) -> list[dict[str, Any]]:
        rows = []
        seen: dict[tuple, Any] = {}
        for rec in self.batch.votes:
            code = self.unit(
                rec.ref,
                rec.row,
                rec.ref.letter("unit_code") or rec.ref.letter("unit_name"),
                rec.unit,
                rec.year,
            )
            if code is None:
                continue
            key = (rec.year, rec.purpose, code)
            if key in seen:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("purpose"),
                    rec.purpose,
                    f"Kết quả bỏ phiếu này của {code} năm {rec.year} đã có ở dòng {seen[key].row}.",
                    "Giữ lại một dòng.",
                )
                continue
            seen[key] = rec
            self.years.add(rec.year)
            rows.append(
                {
                    "year": rec.year,
                    "purpose": rec.purpose,
                    "unit": code,
                    "yes": rec.yes,
                    "members": rec.members,
                    "present": rec.present,
                    "ref": rec.ref,
                }
            )
        return rows

    # -- commendations
    def check_commendations(self) -> list[dict[str, Any]]:
        rows = []
        seen: dict[tuple, Any] = {}
        inferred = 0
        for rec in self.batch.commendations:
            code = self.unit(rec.ref, rec.row, rec.ref.letter("unit"), rec.unit, rec.year)
            if code is None:
                continue
            key = (rec.year, rec.period, fold(rec.recipient), fold(rec.award), code)
            if key in seen:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("person") or rec.ref.letter("collective"),
                    rec.recipient,
                    f"“{rec.recipient}” ({code}) đã có cùng hình thức khen thưởng ở dòng "
                    f"{seen[key].row}.",
                    "Xóa dòng trùng.",
                )
                continue
            seen[key] = rec
            is_leader = rec.is_leader
            leader_inferred = False
            if is_leader is None:
                is_leader = rec.kind == "individual" and infer_leader(rec.position)
                leader_inferred = rec.kind == "individual"
                inferred += 1 if leader_inferred else 0
            ethnicity = rec.ethnicity
            self.years.add(rec.year)
            rows.append(
                {
                    "year": rec.year,
                    "period": rec.period,
                    "recipient": rec.recipient,
                    "award": rec.award,
                    "kind": rec.kind,
                    "unit": code,
                    "position": rec.position,
                    "is_leader": is_leader,
                    "leader_inferred": leader_inferred,
                    "gender": rec.gender,
                    "ethnicity": ethnicity,
                    "ethnic_minority": bool(ethnicity) and fold(ethnicity) != "kinh",
                    "title": rec.title,
                    "decision_no": rec.decision_no,
                    "decision_date": rec.decision_date,
                    "ref": rec.ref,
                }
            )
        if inferred:
            self.report.notes.append(
                f"Đã suy ra lãnh đạo / không lãnh đạo từ cột Chức vụ cho {inferred} người "
                "(thêm cột “Lãnh đạo quản lý” để ghi rõ)."
            )
        return rows

    # -- rules
    def check_rules(self) -> list[dict[str, Any]]:
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
        return rows


def _unit_row(ref: SheetRef, row: int) -> int | None:
    """Where a unit is named: its row, or the header row of a wide sheet (one column a unit)."""
    return ref.header_row if ref.kind == "wide_scores" else row


# ---------------------------------------------------------------- writing


class _Counter:
    def __init__(self, summaries: dict[int, SheetSummary]):
        self.summaries = summaries

    def add(self, ref: SheetRef, outcome: str) -> None:
        summary = self.summaries[id(ref)]
        setattr(summary, outcome, getattr(summary, outcome) + 1)


class _Retry(Exception):
    """The fast path met what only the general path can explain (a duplicate row)."""


def run_import(
    engine: Engine,
    paths: list[Path] | Reading,
    options: ImportOptions,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Check every file, then write all or nothing. Returns the report; errors inside it mean
    nothing was written. `paths` may be a Reading started before the database was opened."""
    reading = paths if isinstance(paths, Reading) else Reading(paths)
    progress = progress or ImportProgress()
    with _without_gc_pauses():
        # what the database holds is loaded while the files are still being read
        with engine.connect() as conn:
            cluster = pick_cluster(conn, options.cluster)
            state = _load_state(conn, cluster)
        index = UnitIndex(province=cluster.province)
        for code, row in state.units.items():
            index.add(
                code,
                row["name"],
                row["short_name"],
                row["aliases"].split("\n") if row["aliases"] else [],
            )
        unreadable: list[RowError] = []
        workbooks: list[Workbook] = []
        for opened in reading.opened(progress):
            if isinstance(opened, RowError):
                unreadable.append(opened)
            else:
                workbooks.append(opened)
        known = _Known(engine, cluster, state, index)
        try:
            return _attempt(known, workbooks, unreadable, options, progress, options.fast)
        except _Retry:
            return _attempt(known, workbooks, unreadable, options, progress, False)


@contextlib.contextmanager
def _without_gc_pauses() -> Iterator[None]:
    """An import allocates a tuple per score and makes no reference cycles worth collecting;
    CPython's cyclic collector would walk the growing heap again and again (a third of the time
    of a long sheet). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Known:
    """The database side of an import: read once, before the files are."""

    engine: Engine
    cluster: ClusterInfo
    state: _State
    index: UnitIndex


def _attempt(
    known: _Known,
    workbooks: list[Workbook],
    unreadable: list[RowError],
    options: ImportOptions,
    progress: ImportProgress,
    fast: bool,
) -> ImportReport:
    engine, cluster, state, index = known.engine, known.cluster, known.state, known.index
    report = ImportReport(dry_run=options.dry_run)
    parse_options = ParseOptions(
        year=options.year,
        period="H1" if options.half else None,
        unit=options.unit,
        layer=options.layer,
        kind=options.kind,
    )
    batch = ParsedBatch()
    batch.errors.extend(unreadable)

    planned = _plan_sheets(workbooks, options, index, report, batch, parse_options)
    planned.sort(key=lambda p: KIND_ORDER.index(p.layout.kind))
    summaries: dict[int, SheetSummary] = {}
    streamed: list[SheetParser] = []
    for item in planned:
        if item.layout.kind == "scores" and fast:
            # parsed after the members and criteria are checked: see _stream_scores
            streamed.append(SheetParser(item.sheet, item.layout, parse_options, batch, item.ref))
        elif item.layout.kind != "members":
            progress.stage(f"Đang đọc {item.ref.file} › {item.ref.sheet}", item.sheet.height)
            parse_sheet(item.sheet, item.layout, parse_options, batch, item.ref, progress.advance)
        batch.sheets.append(item.ref)
        summaries[id(item.ref)] = SheetSummary(
            item.ref.file, item.ref.sheet, item.layout.kind, item.layout.spec.label, item.ref.rows
        )
        if item.layout.ignored:
            report.notes.append(
                f"{item.ref.file} › {item.ref.sheet}: bỏ qua các cột không dùng: "
                + ", ".join(f"“{h}”" for h in item.layout.ignored)
                + "."
            )
    report.sheets = list(summaries.values())

    checker = _Checker(state, batch, report, index)
    checker.check_members()
    checker.check_criteria()
    rules = checker.check_rules()
    leadership = checker.check_leadership()
    fast_sheets = _stream_scores(streamed, checker, state, cluster, progress)
    for item in planned:
        ref = item.ref
        summaries[id(ref)].rows = ref.rows - ref.skipped_totals  # data rows only
        if ref.skipped_totals:
            report.notes.append(
                f"{ref.file} › {ref.sheet}: bỏ qua {ref.skipped_totals} dòng tổng cộng."
            )
    scores = checker.check_scores()
    votes = checker.check_votes()
    commendations = checker.check_commendations()
    _check_scale(checker, state, rules, report)

    locked = sorted(checker.years & state.locked)
    if locked and not options.force:
        batch.errors.append(
            RowError(
                ", ".join(sorted({r.file for r in batch.sheets})),
                "",
                None,
                None,
                "",
                f"Năm {', '.join(map(str, locked))} đã chốt kết quả (--finalize), không nhận "
                "thêm dữ liệu.",
                "Dùng --force nếu thật sự cần sửa; việc này sẽ được ghi lại.",
            )
        )
    if not planned and not batch.errors:
        for workbook in workbooks:
            batch.errors.append(
                RowError(
                    workbook.display,
                    "",
                    None,
                    None,
                    "",
                    "Không tìm thấy bảng nào nhập được trong tệp.",
                    "Kiểm tra tiêu đề các cột (xem `thidua template`); lý do bỏ qua từng sheet "
                    "ở trên.",
                )
            )
    report.errors = _in_sheet_order(batch.errors, workbooks)
    report.notes.extend(batch.notes)
    if report.errors:
        if fast_sheets and _has_duplicates(fast_sheets, scores, checker):
            raise _Retry  # only the general path says where both rows are
        return report
    if not planned:
        return report

    from sqlalchemy import select

    from ..store.tables import table_of

    with engine.connect() as conn, _checked_references(conn), conn.begin():
        counter = _Counter(summaries)
        _write_units(conn, checker, state, batch, counter)
        unit_ids = {
            r.code: r.id
            for r in conn.execute(
                select(table_of(conn, "unit").c.code, table_of(conn, "unit").c.id)
            )
        }
        _write_members(conn, cluster, batch, state, unit_ids, counter)
        _write_rules(conn, cluster, rules, state, counter)
        _write_criteria(conn, cluster, checker, state, counter)
        crit_ids = _criterion_ids(
            conn,
            cluster,
            {row[0] for row in scores} | {y for f in fast_sheets.values() for y, _ in f.years},
        )
        _write_leadership(conn, cluster, leadership, state, unit_ids, counter)
        _write_scores(conn, cluster, scores, fast_sheets, unit_ids, crit_ids, counter, progress)
        _write_votes(conn, cluster, votes, state, unit_ids, counter)
        _write_commendations(conn, cluster, commendations, unit_ids, counter)
        now = datetime.now(UTC)
        if options.force and locked:
            files = ", ".join(sorted({s.file for s in report.sheets}))
            record_audit(conn, cluster.id, locked, "forced_import", files)
        conn.execute(
            table_of(conn, "import_record").insert(),
            [
                {
                    "cluster_id": cluster.id,
                    "file_name": ref.file,
                    "sha256": ref.sha256,
                    "sheet": ref.sheet,
                    "kind": ref.kind,
                    "rows_new": summaries[id(ref)].new,
                    "rows_updated": summaries[id(ref)].updated,
                    "rows_unchanged": summaries[id(ref)].unchanged,
                    "forced": bool(options.force and locked),
                    "at": now,
                }
                for ref in batch.sheets
            ],
        )
        if options.dry_run:
            conn.rollback()
    return report


def _in_sheet_order(errors: list[RowError], workbooks: list[Workbook]) -> list[RowError]:
    """Errors file by file, sheet by sheet as in the workbook, row by row: the order a clerk
    fixes them in, whichever check found them first. Errors about a whole file come first."""
    files = {book.display: i for i, book in enumerate(workbooks)}
    sheets = {(book.display, s.name): i for book in workbooks for i, s in enumerate(book.sheets)}
    return sorted(
        errors,
        key=lambda e: (
            files.get(e.file, -1),
            sheets.get((e.file, e.sheet), -1),
            e.row if e.row is not None else -1,
        ),
    )


@contextlib.contextmanager
def _checked_references(conn: Connection) -> Iterator[None]:
    """Write without SQLite's per-row foreign key lookups: every unit and criterion id an import
    writes was read from, or written to, the same database in this transaction after the check,
    so the lookups (a quarter of the cost of a score insert) would only repeat that check.
    PRAGMA foreign_keys cannot change inside a transaction: it is set before and after."""
    raw = conn.connection.dbapi_connection
    sqlite = conn.dialect.name == "sqlite" and raw is not None
    if sqlite:
        raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        yield
    finally:
        if sqlite:
            raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _stream_scores(
    parsers: list[SheetParser],
    checker: _Checker,
    state: _State,
    cluster: ClusterInfo,
    progress: ImportProgress,
) -> dict[int, FastSheet]:
    """Long score sheets in one pass each (fast_scores); rows the pass does not vouch for land
    in the batch for check_scores. Keyed by id(SheetRef)."""

    resolver = Resolver(
        checker.index.lookup,
        checker.members,
        checker.criterion,
        state.unit_ids,
        checker.stored_criterion_id,
    )
    result: dict[int, FastSheet] = {}
    batch = checker.batch
    for parser in parsers:
        ref = parser.ref
        progress.stage(f"Đang đọc {ref.file} › {ref.sheet}", parser.sheet.height)
        marks = len(batch.scores), len(batch.errors), ref.rows, ref.skipped_totals
        try:
            fast = stream_long_sheet(parser, resolver, cluster.id, progress.advance)
        except SheetFallback:
            del batch.scores[marks[0] :], batch.errors[marks[1] :]
            ref.rows, ref.skipped_totals = marks[2], marks[3]
            progress.stage(f"Đang đọc {ref.file} › {ref.sheet}", parser.sheet.height)
            parser.run(progress.advance)
            continue
        checker.years.update(map(itemgetter(1), fast.rows))  # years that got a score
        if fast.rows:
            result[id(ref)] = fast
    return result


def _has_duplicates(
    fast_sheets: dict[int, FastSheet], scores: list[tuple], checker: _Checker
) -> bool:
    """Whether the rows of the fast path repeat a natural key, among themselves or with the
    rows checked the general way; only asked when the import fails anyway."""
    seen: set[tuple] = set()
    for fast in fast_sheets.values():
        for row in fast.rows:
            key = row[1:7]
            if key in seen:
                return True
            seen.add(key)
    unit_ids = checker.state.unit_ids
    for year, period, unit, code, layer, scorer, *_ in scores:
        crit_id = checker.stored_criterion_id(year, code)
        crit = code if crit_id is None else crit_id
        key = (year, period, unit_ids.get(unit, unit), crit, layer, scorer)
        if key in seen:
            return True
    return False


def _check_scale(
    checker: _Checker, state: _State, rules: list[dict[str, Any]], report: ImportReport
) -> None:
    from ..scoring.rules import build_rules

    overrides = [(k, y, r["value"], r.get("source", "")) for (k, y), r in state.rules.items()]
    overrides += [(r["key"], r["from_year"], r["value"], "") for r in rules]
    for year, table in checker.new_tables.items():
        effective, _ = build_rules(overrides, year)
        total = sum(
            (c.max_points or Decimal(0) for c in table if not c.is_group and c.kind == "base"),
            Decimal(0),
        )
        if total != Decimal(effective.scale):
            report.warnings.append(
                f"Bảng tiêu chí năm {year}: tổng điểm tối đa các tiêu chí chuẩn là "
                f"{format_number(total)}, khác thang điểm "
                f"{format_number(Decimal(effective.scale))}."
            )


def _write_units(
    conn: Connection, checker: _Checker, state: _State, batch: ParsedBatch, counter: _Counter
) -> None:
    from sqlalchemy import update

    from ..store.tables import table_of

    table = table_of(conn, "unit")
    for code, row in checker.unit_rows.items():
        old = state.units.get(code)
        outcome = diff(old, row)
        if outcome == "new":
            conn.execute(table.insert().values(**row))
        elif outcome == "updated":
            conn.execute(update(table).where(table.c.code == code).values(**row))


def _write_members(
    conn: Connection,
    cluster: ClusterInfo,
    batch: ParsedBatch,
    state: _State,
    unit_ids: dict[str, int],
    counter: _Counter,
) -> None:
    from sqlalchemy import and_, update

    from ..store.tables import table_of

    table = table_of(conn, "membership")
    for rec in batch.members:
        old_year = state.members.get(rec.year, {})
        new = {"rotation_order": rec.rotation_order}
        unit_row = checker_unit_changed(state, rec)
        if rec.code not in old_year:
            conn.execute(
                table.insert().values(
                    cluster_id=cluster.id, year=rec.year, unit_id=unit_ids[rec.code], **new
                )
            )
            counter.add(rec.ref, "new")
        elif old_year[rec.code] != rec.rotation_order or unit_row:
            conn.execute(
                update(table)
                .where(
                    and_(
                        table.c.cluster_id == cluster.id,
                        table.c.year == rec.year,
                        table.c.unit_id == unit_ids[rec.code],
                    )
                )
                .values(**new)
            )
            counter.add(rec.ref, "updated")
        else:
            counter.add(rec.ref, "unchanged")


def checker_unit_changed(state: _State, rec: Any) -> bool:
    old = state.units.get(rec.code)
    return old is not None and (
        old["name"] != rec.name or (rec.short_name and old["short_name"] != rec.short_name)
    )


def _write_rules(
    conn: Connection,
    cluster: ClusterInfo,
    rules: list[dict[str, Any]],
    state: _State,
    counter: _Counter,
) -> None:
    from ..store.tables import table_of

    table = table_of(conn, "rule_setting")
    for row in rules:
        ref = row["ref"]
        key = {"cluster_id": cluster.id, "key": row["key"], "from_year": row["from_year"]}
        old = state.rules.get((row["key"], row["from_year"]))
        if old is not None and old["value"] == row["value"]:
            counter.add(ref, "unchanged")  # same value: the recorded source stays
            continue
        new = {"value": row["value"], "source": f"sheet Quy chế ({ref.file})"}
        counter.add(ref, upsert(conn, table, key, new, old))


def _write_criteria(
    conn: Connection, cluster: ClusterInfo, checker: _Checker, state: _State, counter: _Counter
) -> None:
    from sqlalchemy import update

    from ..store.tables import table_of

    table = table_of(conn, "criterion")
    by_code = {}
    for rec in checker.batch.criteria:
        by_code.setdefault((rec.year, rec.code), rec)
    for year, shaped in checker.new_tables.items():
        for item in shaped:
            rec = by_code[(year, item.code)]
            new = {
                "title": item.title,
                "parent_code": item.parent,
                "section": item.section,
                "max_c": int(item.max_points * 100) if item.max_points is not None else None,
                "kind": item.kind,
                "order": item.order,
            }
            old = state.criteria.get(year, {}).get(item.code)
            outcome = diff(old, new)
            if outcome == "new":
                conn.execute(
                    table.insert().values(cluster_id=cluster.id, year=year, code=item.code, **new)
                )
            elif outcome == "updated":
                conn.execute(update(table).where(table.c.id == old["id"]).values(**new))  # type: ignore[index]
            counter.add(rec.ref, outcome)


def _criterion_ids(
    conn: Connection, cluster: ClusterInfo, years: set[int]
) -> dict[tuple[int, str], int]:
    from sqlalchemy import select

    from ..store.tables import table_of

    table = table_of(conn, "criterion")
    if not years:
        return {}
    rows = conn.execute(
        select(table.c.year, table.c.code, table.c.id).where(
            table.c.cluster_id == cluster.id, table.c.year.in_(sorted(years))
        )
    )
    return {(r.year, r.code): r.id for r in rows}


def _write_leadership(
    conn: Connection,
    cluster: ClusterInfo,
    rows: list[dict[str, Any]],
    state: _State,
    unit_ids: dict[str, int],
    counter: _Counter,
) -> None:
    from ..store.tables import table_of

    table = table_of(conn, "leadership")
    for row in rows:
        old = state.leadership.get(row["year"])
        if old is not None and old["how"] == "elected":
            # the conference's election (`rotation set`) is kept; the check warned if they differ
            counter.add(row["ref"], "unchanged")
            continue
        key = {"cluster_id": cluster.id, "year": row["year"]}
        new = {
            "head_unit_id": unit_ids[row["head"]],
            "deputy_unit_id": unit_ids[row["deputy"]] if row["deputy"] else None,
            "how": "imported",
        }
        counter.add(row["ref"], upsert(conn, table, key, new, old))


def _write_scores(
    conn: Connection,
    cluster: ClusterInfo,
    scores: list[tuple],
    fast_sheets: dict[int, FastSheet],
    unit_ids: dict[str, int],
    crit_ids: dict[tuple[int, str], int],
    counter: _Counter,
    progress: ImportProgress,
) -> None:
    """Scores go through the raw DBAPI cursor: one executemany per statement, no ORM objects.

    Rows of the fast path that repeat a key make the primary key refuse the insert: the import
    then starts again on the general path, which names both rows."""
    if not scores and not fast_sheets:
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    mark = _placeholder(conn.dialect.paramstyle)
    cursor = raw.cursor()
    existing: dict[tuple, tuple[int, str]] = {}
    periods = {(s[0], s[1]) for s in scores} | {p for f in fast_sheets.values() for p in f.years}
    for year, period in sorted(periods):
        cursor.execute(
            "SELECT unit_id, criterion_id, layer, scorer, points_c, note FROM score "
            f"WHERE cluster_id = {mark(1)} AND year = {mark(2)} AND period = {mark(3)}",
            _params(conn.dialect.paramstyle, (cluster.id, year, period)),
        )
        for unit_id, crit_id, layer, scorer, points_c, note in cursor.fetchall():
            existing[(year, period, unit_id, crit_id, layer, scorer)] = (points_c, note or "")
    # every row as it is inserted, by sheet: the general path's first, then the fast path's
    by_sheet: dict[int, list[tuple]] = defaultdict(list)
    cid = cluster.id
    for year, period, unit, criterion, layer, scorer, points_c, note, ref in scores:
        unit_id, crit_id = unit_ids[unit], crit_ids[(year, criterion)]
        by_sheet[id(ref)].append(
            (cid, year, period, unit_id, crit_id, layer, scorer, points_c, note)
        )
    for ref_id, fast in fast_sheets.items():
        by_sheet[ref_id].extend(
            [_with_ids(row, unit_ids, crit_ids) for row in fast.rows]
            if fast.needs_ids
            else fast.rows
        )
    inserts: list[list[tuple]] = []
    updates = []
    hit: set[tuple] = set()  # keys of stored rows already met: a second one is a duplicate
    for ref_id, rows in by_sheet.items():
        summary = counter.summaries[ref_id]
        if not existing:
            inserts.append(rows)
            summary.new += len(rows)
            continue
        fresh = []
        for row in rows:
            key = row[1:7]
            old = existing.get(key)
            if old is None:
                fresh.append(row)
                summary.new += 1
                continue
            if key in hit:
                raise _Retry  # only fast rows can repeat a key here: the check saw the others
            hit.add(key)
            if old[0] != row[7] or old[1] != row[8]:
                updates.append((row[7], row[8], *row[:7]))
                summary.updated += 1
            else:
                summary.unchanged += 1
        inserts.append(fresh)
    style = conn.dialect.paramstyle
    dbapi = conn.dialect.dbapi
    integrity_error = getattr(dbapi, "IntegrityError", Exception)
    progress.stage("Đang ghi điểm vào cơ sở dữ liệu", sum(map(len, inserts)) + len(updates))
    for rows in inserts:
        for start in range(0, len(rows), WRITE_CHUNK):
            chunk = rows[start : start + WRITE_CHUNK]
            try:
                _insert_scores(cursor, chunk, mark, style)
            except integrity_error as exc:
                if not fast_sheets:
                    raise
                raise _Retry from exc
            progress.advance(len(chunk))
    if updates:
        cursor.executemany(
            f"UPDATE score SET points_c = {mark(1)}, note = {mark(2)} WHERE cluster_id = {mark(3)} "
            f"AND year = {mark(4)} AND period = {mark(5)} AND unit_id = {mark(6)} "
            f"AND criterion_id = {mark(7)} AND layer = {mark(8)} AND scorer = {mark(9)}",
            [_params(style, row) for row in updates]
            if style not in ("qmark", "format")
            else updates,
        )
    cursor.close()


def _with_ids(row: tuple, unit_ids: dict[str, int], crit_ids: dict[tuple[int, str], int]) -> tuple:
    cid, year, period, unit, crit, *rest = row
    return (
        cid,
        year,
        period,
        unit_ids[unit] if isinstance(unit, str) else unit,
        crit_ids[(year, crit)] if isinstance(crit, str) else crit,
        *rest,
    )


WRITE_CHUNK = 64000  # score rows between two moves of the progress bar
ROWS_PER_INSERT = 100  # 900 bound values a statement: under SQLite's oldest limit, 999
_SCORE_COLUMNS = (
    "cluster_id",
    "year",
    "period",
    "unit_id",
    "criterion_id",
    "layer",
    "scorer",
    "points_c",
    "note",
)


def _insert_scores(cursor: Any, rows: list[tuple], mark: Callable[[int], str], style: str) -> None:
    """Insert score rows a hundred to a statement (INSERT … VALUES (…), (…), …): SQLite then
    steps and resets a statement once per hundred rows, not once per row, which halves the
    time of a long sheet's insert."""
    width = len(_SCORE_COLUMNS)

    def statement(count: int) -> str:
        values = ", ".join(
            "(" + ", ".join(mark(row * width + col) for col in range(1, width + 1)) + ")"
            for row in range(count)
        )
        return f"INSERT INTO score ({', '.join(_SCORE_COLUMNS)}) VALUES {values}"

    flat = itertools.chain.from_iterable
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        cursor.executemany(
            statement(ROWS_PER_INSERT),
            (
                _params(style, tuple(flat(rows[start : start + ROWS_PER_INSERT])))
                for start in range(0, whole, ROWS_PER_INSERT)
            ),
        )
    if whole < len(rows):
        cursor.execute(statement(len(rows) - whole), _params(style, tuple(flat(rows[whole:]))))


def _placeholder(paramstyle: str) -> Callable[[int], str]:
    return {
        "qmark": lambda i: "?",
        "format": lambda i: "%s",
        "pyformat": lambda i: f"%(p{i})s",
        "named": lambda i: f":p{i}",
        "numeric": lambda i: f":{i}",
    }[paramstyle]


def _params(paramstyle: str, values: tuple) -> Any:
    if paramstyle in ("pyformat", "named"):
        return {f"p{i}": v for i, v in enumerate(values, start=1)}
    return values


def _write_votes(
    conn: Connection,
    cluster: ClusterInfo,
    rows: list[dict[str, Any]],
    state: _State,
    unit_ids: dict[str, int],
    counter: _Counter,
) -> None:
    from ..store.tables import table_of

    table = table_of(conn, "vote")
    for row in rows:
        key = {
            "cluster_id": cluster.id,
            "year": row["year"],
            "purpose": row["purpose"],
            "unit_id": unit_ids[row["unit"]],
        }
        new = {"yes": row["yes"], "members": row["members"], "present": row["present"]}
        old = state.votes.get((row["year"], row["purpose"], row["unit"]))
        counter.add(row["ref"], upsert(conn, table, key, new, old))


def _write_commendations(
    conn: Connection,
    cluster: ClusterInfo,
    rows: list[dict[str, Any]],
    unit_ids: dict[str, int],
    counter: _Counter,
) -> None:
    from sqlalchemy import select, update

    from ..store.tables import table_of

    table = table_of(conn, "commendation")
    if not rows:
        return
    years = sorted({r["year"] for r in rows})
    existing = {
        (r.year, r.period, r.recipient, r.award, r.unit_id): dict(r._mapping)
        for r in conn.execute(
            select(table).where(table.c.cluster_id == cluster.id, table.c.year.in_(years))
        )
    }
    fields = (
        "kind",
        "position",
        "is_leader",
        "leader_inferred",
        "gender",
        "ethnicity",
        "ethnic_minority",
        "title",
        "decision_no",
        "decision_date",
    )
    for row in rows:
        unit_id = unit_ids[row["unit"]]
        key = (row["year"], row["period"], row["recipient"], row["award"], unit_id)
        new = {f: row[f] for f in fields}
        old = existing.get(key)
        outcome = diff(old, new)
        if outcome == "new":
            conn.execute(
                table.insert().values(
                    cluster_id=cluster.id,
                    year=row["year"],
                    period=row["period"],
                    recipient=row["recipient"],
                    award=row["award"],
                    unit_id=unit_id,
                    **new,
                )
            )
        elif outcome == "updated":
            conn.execute(update(table).where(table.c.id == old["id"]).values(**new))  # type: ignore[index]
        counter.add(row["ref"], outcome)
