"""The import's score rows into `score`, in the import's transaction, as they come.

A long score sheet is written while it is still being read (imports/pipeline.py hands the
checked scores over every few thousand rows): the writes then overlap calamine's parsing of
the sheet's later pieces instead of following it. A score whose (year, period) had no row
before this import is new, and is inserted at once; the others are held and compared with the
rows already stored when the import ends (`finish`). Every score is counted on its sheet as
new, updated or unchanged. An error found later rolls the transaction back whole, as before."""

from __future__ import annotations

import collections
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
            chunk = scores[start : start + WRITE_CHUNK]
            self._insert(chunk)
            if advance is not None:
                advance(len(chunk))

    def finish(self, advance: Advance | None = None) -> None:
        """The held scores against the rows stored, a period at a time: each new, updated or
        unchanged."""
        held: dict[tuple[int, str], list[Sequence[Any]]] = collections.defaultdict(list)
        for score in self._held:
            held[_PERIOD(score)].append(score)
        self._held = []
        db, cluster_id = self.db, self.cluster_id
        summaries, changed = self.counter.summaries, self.counter.changed
        for (year, period), scores in sorted(held.items()):
            existing = {
                (unit_id, crit_id, layer, scorer): (points_c, note or "")
                for unit_id, crit_id, layer, scorer, points_c, note in db.rows(
                    "SELECT unit_id, criterion_id, layer, scorer, points_c, note FROM score "
                    "WHERE cluster_id = ? AND year = ? AND period = ?",
                    (cluster_id, year, period),
                )
            }
            self._load_criteria({year})
            unit_ids, crit_ids = self.unit_ids, self._crit_ids
            inserts: list[Sequence[Any]] = []
            updates: list[tuple] = []
            for score in scores:
                _, _, unit, code, layer, scorer, points, note, ref, _ = score
                summary = summaries[id(ref)]
                key = (unit_ids[unit], crit_ids[(year, code)], layer, scorer)
                old = existing.get(key)
                if old is None:
                    inserts.append(score)
                    summary.new += 1
                elif old[0] != points or old[1] != note:
                    updates.append((points, note, cluster_id, year, period, *key))
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            if inserts or updates:
                changed.add(year)
            if advance is not None:
                advance(len(scores) - len(inserts) - len(updates))
            if inserts:
                self._insert(inserts)
                if advance is not None:
                    advance(len(inserts))
            if updates:
                db.executemany(
                    "UPDATE score SET points_c = ?, note = ? WHERE cluster_id = ? AND year = ? "
                    "AND period = ? AND unit_id = ? AND criterion_id = ? AND layer = ? "
                    "AND scorer = ?",
                    updates,
                )
                if advance is not None:
                    advance(len(updates))

    def _load_criteria(self, years: set[int]) -> None:
        years = years - self._crit_years
        if years:
            self._crit_ids.update(criterion_ids(self.db, self.cluster_id, years))
            self._crit_years |= years

    def _insert(self, scores: Sequence[Sequence[Any]]) -> None:
        """Insert scores many to a statement: SQLite then steps and resets a statement once per
        few hundred rows, not once per row. Scores that share everything but their unit,
        criterion and points (most of a sheet: one year, one period, one layer, no note) bind
        those three values a row and the other six once a statement (INSERT … SELECT … FROM
        (VALUES …)), which binds a third of the values; the others go in whole, a hundred to a
        statement."""
        self._load_criteria({s[0] for s in scores})
        unit_ids, crit_ids = self.unit_ids, self._crit_ids
        # (year, period, layer, scorer, note) -> unit id, criterion id, points, … flat
        groups: dict[tuple, list[Any]] = {}
        for y, p, u, c, layer, scorer, points, note, _, _ in scores:
            found = groups.get((y, p, layer, scorer, note))
            if found is None:
                found = groups[(y, p, layer, scorer, note)] = []
            found.append(unit_ids[u])
            found.append(crit_ids[(y, c)])
            found.append(points)
        db, cluster_id = self.db, self.cluster_id
        whole: list[Any] = []  # whole rows, flat
        for (year, period, layer, scorer, note), values in groups.items():
            if len(values) < 3 * SHARED_MIN:
                for at in range(0, len(values), 3):
                    unit_id, crit_id, points = values[at : at + 3]
                    whole += (cluster_id, year, period, unit_id, crit_id, layer, scorer)
                    whole += (points, note)
                continue
            shared = (cluster_id, year, period, layer, scorer, note)
            _in_statements(db, values, 3, TRIPLES_PER_INSERT, _shared_statement, shared)
        _in_statements(db, whole, len(_SCORE_COLUMNS), ROWS_PER_INSERT, _whole_statement)


def _in_statements(
    db: Db,
    values: list[Any],
    width: int,
    size: int,
    statement: Callable[[int], str],
    head: tuple = (),
) -> None:
    """Rows given as `values`, flat, `width` values a row, in statements of `size` rows (one
    executemany), then one statement for the rest; each statement's values after `head`."""
    step = width * size
    full = len(values) - len(values) % step
    if full:
        db.executemany(
            statement(size), (head + tuple(values[at : at + step]) for at in range(0, full, step))
        )
    if full < len(values):
        db.execute(statement((len(values) - full) // width), head + tuple(values[full:])).close()


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
