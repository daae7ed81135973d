"""`thidua import`: read every sheet of every file, check everything against the database and
the batch itself, then write it all in one transaction, or nothing at all (SPEC §3.4).

The steps live in their own modules: plan.py (which sheets, which kind), sheets/ (parse rows
into typed records and row errors), check.py and check_scores.py (against the database state
and the batch), store/import_state.py and store/import_writes.py (every SQL statement)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RowError
from ..services.context import ClusterInfo, pick_cluster
from ..services.progress import ImportProgress
from ..services.reading import Reading
from ..services.units import UnitIndex
from ..sheets.parse import ParsedBatch, ParseOptions, SheetParser, parse_sheet
from ..sheets.reader import Workbook
from ..store import import_writes as writes
from ..store.import_state import ImportState, criterion_ids, load_import_state, unit_ids
from ..store.writes import record_audit
from ..text import format_number
from .check import Checker
from .fast_scores import FastSheet, Resolver, SheetFallback, stream_long_sheet
from .plan import plan_sheets
from .report import KIND_ORDER, Counter, ImportOptions, ImportReport, SheetSummary

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


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
            state = load_import_state(conn, cluster.id)
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
        except writes.DuplicateScore:
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
    state: ImportState
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

    planned = plan_sheets(workbooks, options, index, report, batch, parse_options)
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

    checker = Checker(state, batch, report, index)
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
            raise writes.DuplicateScore  # only the general path says where both rows are
        return report
    if not planned:
        return report

    with engine.connect() as conn, writes.checked_references(conn), conn.begin():
        counter = Counter(summaries)
        writes.write_units(conn, checker.unit_rows, state)
        ids = unit_ids(conn)
        writes.write_members(conn, cluster.id, batch.members, state, ids, counter)
        writes.write_rules(conn, cluster.id, rules, state, counter)
        writes.write_criteria(conn, cluster.id, checker.new_tables, batch.criteria, state, counter)
        crit_ids = criterion_ids(
            conn,
            cluster.id,
            {row[0] for row in scores} | {y for f in fast_sheets.values() for y, _ in f.years},
        )
        writes.write_leadership(conn, cluster.id, leadership, state, ids, counter)
        writes.write_scores(conn, cluster.id, scores, fast_sheets, ids, crit_ids, counter, progress)
        writes.write_votes(conn, cluster.id, votes, state, ids, counter)
        writes.write_commendations(conn, cluster.id, commendations, ids, counter)
        now = datetime.now(UTC)
        if options.force and locked:
            files = ", ".join(sorted({s.file for s in report.sheets}))
            record_audit(conn, cluster.id, locked, "forced_import", files)
        writes.record_imports(
            conn,
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


def _stream_scores(
    parsers: list[SheetParser],
    checker: Checker,
    state: ImportState,
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
    fast_sheets: dict[int, FastSheet], scores: list[tuple], checker: Checker
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
    checker: Checker, state: ImportState, rules: list[dict[str, Any]], report: ImportReport
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
