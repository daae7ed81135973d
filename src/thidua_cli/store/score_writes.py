"""The import's score rows into `score`, in the import's transaction, as they come.

A long score sheet is written while it is still being read (imports/pipeline.py hands the
checked scores over every few thousand rows): the writes then overlap calamine's parsing of
the sheet's later pieces instead of following it. A score whose (year, period) had no row
before this import is new, and is inserted at once; the others are held and compared with the
rows already stored when the import ends (`finish`). Every score is counted on its sheet as
new, updated or unchanged. An error found later rolls the transaction back whole, as before."""

from __future__ import annotations

import collections
import itertools
import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .import_state import criterion_ids

if TYPE_CHECKING:
    from .import_writes import RowCounter
    from .rawdb import Db

WRITE_CHUNK = 64000  # score rows between two moves of the progress bar
ROWS_PER_INSERT = 100  # 900 bound values a statement: under SQLite's oldest limit, 999
TRIPLES_PER_INSERT = 300  # 906 bound values: the shared six, then (unit, criterion, points)s
SHARED_MIN = 32  # rows sharing their other columns that are worth a statement of their own
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
_SHARED = operator.itemgetter(0, 1, 2, 5, 6, 8)  # cluster, year, period, layer, scorer, note
_TRIPLE = operator.itemgetter(3, 4, 7)  # unit, criterion, points
_PERIOD = operator.itemgetter(0, 1)  # a checked score's (year, period)
_REF = operator.attrgetter("ref")
Advance = Callable[[int], None]


class ScoreWriter:
    """Checked scores (CheckedScore: year, period, unit, criterion, layer, scorer, points,
    note, ref, row) written through the raw DBAPI cursor. `unit_ids` are the units' ids as
    they stand once this import's units are written; criteria ids are read a year at a time,
    as scores of that year come."""

    def __init__(self, db: Db, cluster_id: int, unit_ids: dict[str, int], counter: RowCounter):
        self.db = db
        self.cluster_id = cluster_id
        self.unit_ids = unit_ids
        self.counter = counter
        self._crit_ids: dict[tuple[int, str], int] = {}
        self._crit_years: set[int] = set()
        # (year, period) -> whether it had no score row before this import: asked once for
        # each, before any row of it is written
        self._fresh: dict[tuple[int, str], bool] = {}
        self._held: list[Sequence[Any]] = []  # scores of periods already scored: `finish`

    @property
    def held(self) -> int:
        return len(self._held)

    def add(self, scores: Sequence[Sequence[Any]], advance: Advance | None = None) -> None:
        """Insert the scores of periods without a stored row now; hold the others."""
        if not scores:
            return
        periods = set(map(_PERIOD, scores))
        fresh = self._fresh
        for period in periods - fresh.keys():
            fresh[period] = not self.db.rows(
                "SELECT 1 FROM score WHERE cluster_id = ? AND year = ? AND period = ? LIMIT 1",
                (self.cluster_id, *period),
            )
        if not all(fresh[period] for period in periods):
            new = [s for s in scores if fresh[_PERIOD(s)]]
            self._held.extend(s for s in scores if not fresh[_PERIOD(s)])
            if advance is not None:
                advance(len(scores) - len(new))
            scores = new
        if not scores:
            return
        summaries = self.counter.summaries
        for ref_id, count in collections.Counter(map(id, map(_REF, scores))).items():
            summaries[ref_id].new += count
        self.counter.changed.update(year for year, period in periods if fresh[(year, period)])
        for start in range(0, len(scores), WRITE_CHUNK):
            chunk = self._rows(scores[start : start + WRITE_CHUNK])
            _insert_scores(self.db, chunk)
            if advance is not None:
                advance(len(chunk))

    def finish(self, advance: Advance | None = None) -> None:
        """The held scores against the rows stored: each new, updated or unchanged."""
        scores, self._held = self._held, []
        if not scores:
            return
        db, cluster_id = self.db, self.cluster_id
        existing: dict[tuple, tuple[int, str]] = {}
        for year, period in sorted(set(map(_PERIOD, scores))):
            for unit_id, crit_id, layer, scorer, points_c, note in db.rows(
                "SELECT unit_id, criterion_id, layer, scorer, points_c, note FROM score "
                "WHERE cluster_id = ? AND year = ? AND period = ?",
                (cluster_id, year, period),
            ):
                existing[(year, period, unit_id, crit_id, layer, scorer)] = (points_c, note or "")
        summaries, changed = self.counter.summaries, self.counter.changed
        inserts: list[tuple] = []
        updates: list[tuple] = []
        for row, score in zip(self._rows(scores), scores, strict=True):
            summary = summaries[id(score.ref)]  # type: ignore[attr-defined]
            old = existing.get(row[1:7])
            if old is None:
                inserts.append(row)
                summary.new += 1
                changed.add(row[1])
            elif old[0] != row[7] or old[1] != row[8]:
                updates.append((row[7], row[8], *row[:7]))
                summary.updated += 1
                changed.add(row[1])
            else:
                summary.unchanged += 1
        if advance is not None:
            advance(len(scores) - len(inserts) - len(updates))
        for start in range(0, len(inserts), WRITE_CHUNK):
            chunk = inserts[start : start + WRITE_CHUNK]
            _insert_scores(db, chunk)
            if advance is not None:
                advance(len(chunk))
        if updates:
            db.executemany(
                "UPDATE score SET points_c = ?, note = ? WHERE cluster_id = ? AND year = ? "
                "AND period = ? AND unit_id = ? AND criterion_id = ? AND layer = ? AND scorer = ?",
                updates,
            )
            if advance is not None:
                advance(len(updates))

    def _rows(self, scores: Sequence[Sequence[Any]]) -> list[tuple]:
        """Scores as `score` rows (ids in place of codes)."""
        years = {s[0] for s in scores} - self._crit_years
        if years:
            self._crit_ids.update(criterion_ids(self.db, self.cluster_id, years))
            self._crit_years |= years
        cluster_id, unit_ids, crit_ids = self.cluster_id, self.unit_ids, self._crit_ids
        return [
            (cluster_id, y, p, unit_ids[u], crit_ids[(y, c)], layer, scorer, points, note)
            for y, p, u, c, layer, scorer, points, note, _, _ in scores
        ]


def _insert_scores(db: Db, rows: list[tuple]) -> None:
    """Insert score rows many to a statement: SQLite then steps and resets a statement once per
    few hundred rows, not once per row. Rows that share everything but their unit, criterion
    and points (most of a sheet: one year, one period, one layer, no note) bind those three
    values a row and the other six once a statement (INSERT … SELECT … FROM (VALUES …)), which
    binds a third of the values; the others go in whole, a hundred to a statement."""
    groups: dict[tuple, list[tuple]] = {}
    for row in rows:
        shared = _SHARED(row)
        found = groups.get(shared)
        if found is None:
            found = groups[shared] = []
        found.append(row)
    flat = itertools.chain.from_iterable
    whole_rows: list[tuple] = []
    for shared, members in groups.items():
        if len(members) < SHARED_MIN:
            whole_rows.extend(members)
            continue
        _in_statements(
            db,
            members,
            TRIPLES_PER_INSERT,
            _shared_statement,
            lambda batch, shared=shared: shared + tuple(flat(map(_TRIPLE, batch))),
        )
    _in_statements(db, whole_rows, ROWS_PER_INSERT, _whole_statement, lambda b: tuple(flat(b)))


def _in_statements(
    db: Db,
    rows: list[tuple],
    size: int,
    statement: Callable[[int], str],
    values: Callable[[list[tuple]], tuple],
) -> None:
    """`rows` in statements of `size` rows (one executemany), then one for the rest."""
    full = len(rows) - len(rows) % size
    if full:
        db.executemany(
            statement(size), (values(rows[start : start + size]) for start in range(0, full, size))
        )
    if full < len(rows):
        db.execute(statement(len(rows) - full), values(rows[full:])).close()


def _shared_statement(count: int) -> str:
    values = ", ".join(["(?, ?, ?)"] * count)
    return (
        f"INSERT INTO score ({', '.join(_SCORE_COLUMNS)}) "
        "SELECT ?, ?, ?, column1, column2, ?, ?, column3, ? "
        f"FROM (VALUES {values}) AS shared_values"
    )


def _whole_statement(count: int) -> str:
    row = "(" + ", ".join("?" * len(_SCORE_COLUMNS)) + ")"
    return f"INSERT INTO score ({', '.join(_SCORE_COLUMNS)}) VALUES {', '.join([row] * count)}"
