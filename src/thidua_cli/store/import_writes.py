"""The import's writes, in the transaction that read the ImportState the rows were checked
against: units, members, rules, criteria, leadership, scores, votes, commendations and the
import record. Each writer counts every row it is given as new, updated or unchanged on the
sheet it came from (`counter.add(ref, outcome)`)."""

from __future__ import annotations

import contextlib
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from .import_state import ImportState
from .tables import table_of
from .writes import diff, upsert

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class DuplicateScore(Exception):
    """Rows of the fast path repeat a score's natural key: only the general check says where."""


class RowCounter(Protocol):
    summaries: dict[int, Any]

    def add(self, ref: object, outcome: str) -> None: ...


class ScoreProgress(Protocol):
    def stage(self, label: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


def write_units(conn: Connection, unit_rows: dict[str, dict[str, Any]], state: ImportState) -> None:
    """Units new or changed by the members sheets (they are counted with the members)."""
    from sqlalchemy import update

    table = table_of(conn, "unit")
    for code, row in unit_rows.items():
        old = state.units.get(code)
        outcome = diff(old, row)
        if outcome == "new":
            conn.execute(table.insert().values(**row))
        elif outcome == "updated":
            conn.execute(update(table).where(table.c.code == code).values(**row))


def write_members(
    conn: Connection,
    cluster_id: int,
    members: list[Any],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    from sqlalchemy import and_, update

    table = table_of(conn, "membership")
    for rec in members:
        old_year = state.members.get(rec.year, {})
        new = {"rotation_order": rec.rotation_order}
        unit_row = _unit_changed(state, rec)
        if rec.code not in old_year:
            conn.execute(
                table.insert().values(
                    cluster_id=cluster_id, year=rec.year, unit_id=unit_ids[rec.code], **new
                )
            )
            counter.add(rec.ref, "new")
        elif old_year[rec.code] != rec.rotation_order or unit_row:
            conn.execute(
                update(table)
                .where(
                    and_(
                        table.c.cluster_id == cluster_id,
                        table.c.year == rec.year,
                        table.c.unit_id == unit_ids[rec.code],
                    )
                )
                .values(**new)
            )
            counter.add(rec.ref, "updated")
        else:
            counter.add(rec.ref, "unchanged")


def _unit_changed(state: ImportState, rec: Any) -> bool:
    old = state.units.get(rec.code)
    return old is not None and (
        old["name"] != rec.name or (rec.short_name and old["short_name"] != rec.short_name)
    )


def write_rules(
    conn: Connection,
    cluster_id: int,
    rules: list[dict[str, Any]],
    state: ImportState,
    counter: RowCounter,
) -> None:

    table = table_of(conn, "rule_setting")
    for row in rules:
        ref = row["ref"]
        key = {"cluster_id": cluster_id, "key": row["key"], "from_year": row["from_year"]}
        old = state.rules.get((row["key"], row["from_year"]))
        if old is not None and old["value"] == row["value"]:
            counter.add(ref, "unchanged")  # same value: the recorded source stays
            continue
        new = {"value": row["value"], "source": f"sheet Quy chế ({ref.file})"}
        counter.add(ref, upsert(conn, table, key, new, old))


def write_criteria(
    conn: Connection,
    cluster_id: int,
    tables: dict[int, list[Any]],
    records: list[Any],
    state: ImportState,
    counter: RowCounter,
) -> None:
    """Each year's new scoring table (shaped criteria); `records` are the parsed rows, for the
    sheet each criterion is counted on."""
    from sqlalchemy import update

    table = table_of(conn, "criterion")
    by_code = {}
    for rec in records:
        by_code.setdefault((rec.year, rec.code), rec)
    for year, shaped in tables.items():
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
                    table.insert().values(cluster_id=cluster_id, year=year, code=item.code, **new)
                )
            elif outcome == "updated":
                conn.execute(update(table).where(table.c.id == old["id"]).values(**new))  # type: ignore[index]
            counter.add(rec.ref, outcome)


def write_leadership(
    conn: Connection,
    cluster_id: int,
    rows: list[dict[str, Any]],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:

    table = table_of(conn, "leadership")
    for row in rows:
        old = state.leadership.get(row["year"])
        if old is not None and old["how"] == "elected":
            # the conference's election (`rotation set`) is kept; the check warned if they differ
            counter.add(row["ref"], "unchanged")
            continue
        key = {"cluster_id": cluster_id, "year": row["year"]}
        new = {
            "head_unit_id": unit_ids[row["head"]],
            "deputy_unit_id": unit_ids[row["deputy"]] if row["deputy"] else None,
            "how": "imported",
        }
        counter.add(row["ref"], upsert(conn, table, key, new, old))


def write_scores(
    conn: Connection,
    cluster_id: int,
    scores: list[tuple],
    fast_sheets: dict[int, Any],
    unit_ids: dict[str, int],
    crit_ids: dict[tuple[int, str], int],
    counter: RowCounter,
    progress: ScoreProgress,
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
            _params(conn.dialect.paramstyle, (cluster_id, year, period)),
        )
        for unit_id, crit_id, layer, scorer, points_c, note in cursor.fetchall():
            existing[(year, period, unit_id, crit_id, layer, scorer)] = (points_c, note or "")
    # every row as it is inserted, by sheet: the general path's first, then the fast path's
    by_sheet: dict[int, list[tuple]] = defaultdict(list)
    cid = cluster_id
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
                # only fast rows can repeat a key here: the check saw the others
                raise DuplicateScore
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
                raise DuplicateScore from exc
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


def write_votes(
    conn: Connection,
    cluster_id: int,
    rows: list[dict[str, Any]],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:

    table = table_of(conn, "vote")
    for row in rows:
        key = {
            "cluster_id": cluster_id,
            "year": row["year"],
            "purpose": row["purpose"],
            "unit_id": unit_ids[row["unit"]],
        }
        new = {"yes": row["yes"], "members": row["members"], "present": row["present"]}
        old = state.votes.get((row["year"], row["purpose"], row["unit"]))
        counter.add(row["ref"], upsert(conn, table, key, new, old))


def write_commendations(
    conn: Connection,
    cluster_id: int,
    rows: list[dict[str, Any]],
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    from sqlalchemy import select, update

    table = table_of(conn, "commendation")
    if not rows:
        return
    years = sorted({r["year"] for r in rows})
    existing = {
        (r.year, r.period, r.recipient, r.award, r.unit_id): dict(r._mapping)
        for r in conn.execute(
            select(table).where(table.c.cluster_id == cluster_id, table.c.year.in_(years))
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
                    cluster_id=cluster_id,
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


def record_imports(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """One import record per sheet read (file, sha256, sheet, kind, counts, time)."""
    if rows:
        conn.execute(table_of(conn, "import_record").insert(), rows)


@contextlib.contextmanager
def checked_references(conn: Connection) -> Iterator[None]:
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
