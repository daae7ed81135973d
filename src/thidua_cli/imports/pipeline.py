"""`thidua import`: read every sheet of every file, check everything against the database and
the batch itself, then write it all in one transaction, or nothing at all (SPEC §3.4).

    files ──► plan.py (which sheets, which kind) ──► sheets/parse*.py (typed records, row errors)
          ──► check.py, check_scores.py (against the state and the batch; the year guard)
          ──► store/import_writes.py (every write), or nothing

The state the check reads (store/import_state.py) is read inside the write transaction, so a
second import started at the same moment waits for the first and then checks against what the
first wrote."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import RowError
from ..services.context import CLUSTER_COLUMNS, ClusterInfo, choose_cluster
from ..services.progress import ImportProgress
from ..services.reading import Reading
from ..services.units import UnitIndex
from ..sheets.parse import SheetParser, parse_sheet
from ..sheets.reader import Workbook
from ..sheets.records import ParsedBatch
from ..sheets.sheet_context import ParseOptions
from ..store import import_writes as writes
from ..store.import_state import (
    ImportState,
    import_transaction,
    load_import_state,
    unit_ids,
)
from ..store.rawdb import Db
from ..store.score_writes import ScoreWriter
from .check import Checker
from .check_scores import CheckedScore
from .plan import PlannedSheet, plan_sheets
from .report import KIND_ORDER, Counter, ImportOptions, ImportReport, SheetSummary
from .score_reader import read_long_sheet
from .year_guard import finalised_year_refused, record_forced_years, years_touched

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def run_import(
    target: Db | Engine,
    paths: list[Path] | Reading,
    options: ImportOptions,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Check every file, then write all or nothing. Returns the report; errors inside it mean
    nothing was written. `target` is the import's connection (store/rawdb.py), or an SQLAlchemy
    engine to take one from; `paths` may be a Reading started before the database was opened."""
    if not isinstance(target, Db):
        db = Db.of_engine(target)
        try:
            return run_import(db, paths, options, progress)
        finally:
            db.close()
    db = target
    reading = paths if isinstance(paths, Reading) else Reading(paths)
    progress = progress or ImportProgress()
    with _without_gc_pauses():
        cluster = choose_cluster(db.rows(f"SELECT {CLUSTER_COLUMNS} FROM cluster"), options.cluster)
        unreadable: list[RowError] = []
        workbooks: list[Workbook] = []
        for opened in reading.opened(progress):
            if isinstance(opened, RowError):
                unreadable.append(opened)
            else:
                workbooks.append(opened)
        with import_transaction(db, cluster.id):
            state = load_import_state(db, cluster.id)
            report = _check_and_write(db, cluster, state, workbooks, unreadable, options, progress)
            if report.errors or options.dry_run or not report.sheets:
                db.rollback()
        return report


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
class _Checked:
    """Every row that passed the check, ready to write."""

    rules: list[dict[str, Any]]
    leadership: list[dict[str, Any]]
    scores: list[CheckedScore]
    votes: list[dict[str, Any]]
    commendations: list[dict[str, Any]]
    ruled: set[int]  # finalised years the rules checked change (a rule holds for later years)


def _check_and_write(
    db: Db,
    cluster: ClusterInfo,
    state: ImportState,
    workbooks: list[Workbook],
    unreadable: list[RowError],
    options: ImportOptions,
    progress: ImportProgress,
) -> ImportReport:
    report = ImportReport(dry_run=options.dry_run)
    batch = ParsedBatch()
    batch.errors.extend(unreadable)
    index = _unit_index(cluster, state)
    planned, long_sheets, summaries = _parse(workbooks, options, index, report, batch, progress)
    checker = Checker(state, batch, report, index)
    writes_ = _Writes(db, cluster, state, checker, Counter(summaries))
    checked = _check(checker, long_sheets, progress, writes_)
    totals = [item.ref for item in planned if item.ref.skipped_totals]
    if len(totals) > 3:  # a folder of forms, each with its total row: said once
        report.notes.append(
            f"Bỏ qua dòng tổng cộng ({sum(r.skipped_totals for r in totals)} dòng) ở "
            f"{len(totals)} sheet: các dòng này không được nhập, chỉ dùng để đối chiếu."
        )
    for item in planned:
        ref = item.ref
        summaries[id(ref)].rows = ref.rows - ref.skipped_totals  # data rows only
        if ref.skipped_totals and len(totals) <= 3:
            report.notes.append(
                f"{ref.file} › {ref.sheet}: bỏ qua {ref.skipped_totals} dòng tổng cộng."
            )
        if ref.rows == 0:
            # a blank form (headers only): said, so that 0 rows is not taken for a lost file
            report.notes.append(
                f"{ref.file} › {ref.sheet}: có dòng tiêu đề cột của {item.layout.spec.label} "
                "nhưng chưa có dòng số liệu nào (mẫu trống)."
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
    if report.errors or not planned:
        for summary in summaries.values():  # what was written is rolled back: none of it counts
            summary.new = summary.updated = summary.unchanged = 0
        return report
    _write(db, cluster, checker, checked, writes_, summaries, options, progress)
    return report


def _unit_index(cluster: ClusterInfo, state: ImportState) -> UnitIndex:
    index = UnitIndex(province=cluster.province)
    for code, row in state.units.items():
        index.add(
            code,
            row["name"],
            row["short_name"],
            row["aliases"].split("\n") if row["aliases"] else [],
        )
    return index


def _parse(
    workbooks: list[Workbook],
    options: ImportOptions,
    index: UnitIndex,
    report: ImportReport,
    batch: ParsedBatch,
    progress: ImportProgress,
) -> tuple[list[PlannedSheet], list[SheetParser], dict[int, SheetSummary]]:
    """Plan the sheets and parse each into the batch (member sheets are parsed while planning).
    Long score sheets are only set up here: they are read once the criteria are checked."""
    parse_options = ParseOptions(
        year=options.year,
        period="H1" if options.half else None,
        unit=options.unit,
        layer=options.layer,
        kind=options.kind,
    )
    planned = plan_sheets(workbooks, options, index, report, batch, parse_options)
    planned.sort(key=lambda p: KIND_ORDER.index(p.layout.kind))
    summaries: dict[int, SheetSummary] = {}
    long_sheets: list[SheetParser] = []
    for item in planned:
        if item.layout.kind == "scores":
            long_sheets.append(SheetParser(item.sheet, item.layout, parse_options, batch, item.ref))
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
    return planned, long_sheets, summaries


def _check(
    checker: Checker,
    long_sheets: list[SheetParser],
    progress: ImportProgress,
    writes: _Writes,
) -> _Checked:
    """Every check, in the order records depend on each other; errors land in the batch. With
    no error by then, the rows long score sheets depend on (units, members, rules, criteria,
    leadership) are written before those sheets are read, and their scores as they are read."""
    checker.check_members()
    checker.check_criteria()
    rules = checker.check_rules()
    leadership = checker.check_leadership()
    for parser in long_sheets:
        ref = parser.ref
        progress.stage(f"Đang đọc {ref.file} › {ref.sheet}", parser.sheet.height)
        tick = progress.advance
        if not checker.batch.errors:
            writes.start(rules, leadership)
            tick = writes.streaming(progress.advance)
        read_long_sheet(parser, checker, tick)
    scores = checker.check_scores()
    votes = checker.check_votes()
    commendations = checker.check_commendations()
    checker.check_scale(rules)
    # the rows' own years are judged once written, by whether they changed anything
    ruled = years_touched(set(), rules, checker.state) & checker.state.locked
    return _Checked(rules, leadership, scores, votes, commendations, ruled)


class _Writes:
    """The import's writes, in the order rows depend on each other: the setup rows first (once,
    at the first long score sheet or at the end), then the scores, as they are accepted."""

    def __init__(
        self, db: Db, cluster: ClusterInfo, state: ImportState, checker: Checker, counter: Counter
    ):
        self.db, self.cluster, self.state = db, cluster, state
        self.checker, self.counter = checker, counter
        self.ids: dict[str, int] = {}
        self.scores: ScoreWriter | None = None
        self.given = 0  # accepted scores given to the score writer so far

    def start(self, rules: list[dict[str, Any]], leadership: list[dict[str, Any]]) -> ScoreWriter:
        """Write the units, members, rules, criteria and leadership checked (once)."""
        if self.scores is None:
            db, cluster_id, state = self.db, self.cluster.id, self.state
            checker, counter, batch = self.checker, self.counter, self.checker.batch
            writes.write_units(db, checker.unit_rows, state)
            self.ids = ids = unit_ids(db, cluster_id)
            writes.write_members(db, cluster_id, batch.members, state, ids, counter)
            writes.write_rules(db, cluster_id, rules, state, counter)
            tables = checker.new_tables
            writes.write_criteria(db, cluster_id, tables, batch.criteria, state, counter)
            writes.write_leadership(db, cluster_id, leadership, state, ids, counter)
            self.scores = ScoreWriter(db, cluster_id, ids, counter)
        return self.scores

    def streaming(self, advance: Callable[[int], None]) -> Callable[[int], None]:
        """A progress tick that also writes the scores accepted since the last, while no error
        is found (an error rolls everything back: writing on would be wasted)."""
        accepted, errors = self.checker.scores_accepted, self.checker.batch.errors
        writer = self.scores
        assert writer is not None

        def tick(rows: int) -> None:
            advance(rows)
            if len(accepted) - self.given >= STREAM_CHUNK and not errors:
                writer.add(accepted[self.given :])
                self.given = len(accepted)

        return tick

    def rest(self, checked: _Checked, progress: ImportProgress) -> None:
        """Everything not written yet: the scores not given to the writer and those it held,
        the votes and the commendations."""
        writer = self.start(checked.rules, checked.leadership)
        rest = checked.scores[self.given :]
        self.given = len(checked.scores)
        waiting = len(rest) + writer.held
        if waiting:
            progress.stage("Đang ghi điểm vào cơ sở dữ liệu", waiting)
            writer.add(rest, progress.advance)
            writer.finish(progress.advance)
        db, cluster_id, state, counter = self.db, self.cluster.id, self.state, self.counter
        writes.write_votes(db, cluster_id, checked.votes, state, self.ids, counter)
        writes.write_commendations(db, cluster_id, checked.commendations, self.ids, counter)


STREAM_CHUNK = 16384  # accepted scores of a long sheet written at a time while it is read


def _write(
    db: Db,
    cluster: ClusterInfo,
    checker: Checker,
    checked: _Checked,
    writes_: _Writes,
    summaries: dict[int, SheetSummary],
    options: ImportOptions,
    progress: ImportProgress,
) -> None:
    state, counter, batch = checker.state, writes_.counter, checker.batch
    writes_.rest(checked, progress)
    files = ", ".join(sorted({s.file for s in summaries.values()}))
    # the finalised years this import changes: by its rules, or by a row new or updated
    locked = sorted((counter.changed | checked.ruled) & state.locked)
    if locked and not options.force:
        # the rows are written in this transaction: refused, it is rolled back whole
        checker.batch.errors.append(finalised_year_refused(locked, files))
        checker.report.errors = checker.batch.errors
        return
    forced = bool(options.force and locked)
    if forced:
        record_forced_years(db, cluster.id, locked, files)
        if not options.dry_run:  # the finalised years are frozen again with the new data
            from ..services.ranking import refreeze

            with db.sqlalchemy_view() as conn:  # the ranking services speak SQLAlchemy
                refreeze(conn, cluster, locked)
            checker.report.notes.append(
                f"Năm {', '.join(map(str, locked))} đã chốt: đã nhập do có --force (đã "
                "ghi lại) và chốt lại năm đó với dữ liệu mới."
            )
    now = datetime.now(UTC)
    writes.record_imports(
        db,
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
                "forced": forced,
                "at": now,
            }
            for ref in batch.sheets
        ],
    )


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
