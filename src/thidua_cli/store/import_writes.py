"""The import's writes, in the transaction that read the ImportState the rows were checked
against: units, members, rules, criteria, leadership, scores, votes, commendations and the
import record. Each writer counts every row it is given as new, updated or unchanged on the
sheet it came from (`counter.add(ref, outcome)`)."""

from __future__ import annotations

import collections
import itertools
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from .import_state import ImportState
from .tables import table_of
from .writes import diff, upsert

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection


class RowCounter(Protocol):
    summaries: dict[int, Any]

    def add(self, ref: object, outcome: str) -> None: ...


class ScoreProgress(Protocol):
    def stage(self, label: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany for all rows (they share their keys), through the DBAPI cursor: SQLAlchemy
    would build every row's parameters in Python again (half the time of a 50,000-row list).
    Values are plain text, numbers, booleans and dates, stored as SQLAlchemy stores them."""
    if not rows:
        return
    columns = list(rows[0])
    style = conn.dialect.paramstyle
    mark = _placeholder(style)
    sqlite = conn.dialect.name == "sqlite"
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(mark(i) for i in range(1, len(columns) + 1))

    def value(v: Any) -> Any:
        return v.isoformat() if sqlite and isinstance(v, date) else v  # SQLite Date: ISO text

    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    cursor.executemany(
        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
        [_params(style, tuple(value(row[c]) for c in columns)) for row in rows],
    )
    cursor.close()


def _update_many(
    conn: Connection, table: Table, key: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """One executemany: each row sets its other columns where every `key` column equals the
    row's `k_<column>` value."""
    if rows:
        from sqlalchemy import bindparam

        statement = table.update().where(*(table.c[c] == bindparam(f"k_{c}") for c in key))
        conn.execute(statement, rows)


def write_units(conn: Connection, unit_rows: dict[str, dict[str, Any]], state: ImportState) -> None:
    """Units new or changed by the members sheets (they are counted with the members)."""
    table = table_of(conn, "unit")
    inserts, updates = [], []
    for code, row in unit_rows.items():
        outcome = diff(state.units.get(code), row)
        if outcome == "new":
            inserts.append({**row, "cluster_id": state.cluster_id})
        elif outcome == "updated":
            updates.append({**row, "k_cluster_id": state.cluster_id, "k_code": code})
    _insert_many(conn, table, inserts)
    _update_many(conn, table, ("cluster_id", "code"), updates)


def write_members(
    conn: Connection,
    cluster_id: int,
    members: list[Any],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    table = table_of(conn, "membership")
    inserts, updates = [], []
    for rec in members:
        old_year = state.members.get(rec.year, {})
        # the names as used that year live on the membership: a rename in 2024 leaves 2023
        short_name = rec.short_name or (state.units.get(rec.code) or {}).get("short_name", "")
        old_names = state.member_names.get(rec.year, {}).get(rec.code)
        if rec.code not in old_year:
            inserts.append(
                {
                    "cluster_id": cluster_id,
                    "year": rec.year,
                    "unit_id": unit_ids[rec.code],
                    "rotation_order": rec.rotation_order,
                    "name": rec.name,
                    "short_name": short_name,
                }
            )
            counter.add(rec.ref, "new")
        elif old_year[rec.code] != rec.rotation_order or old_names != (rec.name, short_name):
            updates.append(
                {
                    "rotation_order": rec.rotation_order,
                    "name": rec.name,
                    "short_name": short_name,
                    "k_cluster_id": cluster_id,
                    "k_year": rec.year,
                    "k_unit_id": unit_ids[rec.code],
                }
            )
            counter.add(rec.ref, "updated")
        else:
            counter.add(rec.ref, "unchanged")
    _insert_many(conn, table, inserts)
    _update_many(conn, table, ("cluster_id", "year", "unit_id"), updates)


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
    table = table_of(conn, "criterion")
    by_code = {}
    for rec in records:
        by_code.setdefault((rec.year, rec.code), rec)
    inserts, updates = [], []
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
                inserts.append({"cluster_id": cluster_id, "year": year, "code": item.code, **new})
            elif outcome == "updated":
                updates.append({**new, "k_id": old["id"]})  # type: ignore[index]
            counter.add(rec.ref, outcome)
    _insert_many(conn, table, inserts)
    _update_many(conn, table, ("id",), updates)


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
    scores: list[Any],
    unit_ids: dict[str, int],
    crit_ids: dict[tuple[int, str], int],
    counter: RowCounter,
    progress: ScoreProgress,
) -> None:
    """Checked score rows (CheckedScore: year, period, unit, criterion, layer, scorer, points,
    note, ref) through the raw DBAPI cursor: new rows a hundred to a statement, changed ones
    in one executemany, each row counted on its sheet."""
    if not scores:
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    style = conn.dialect.paramstyle
    mark = _placeholder(style)
    cursor = raw.cursor()
    existing: dict[tuple, tuple[int, str]] = {}
    for year, period in sorted({(s.year, s.period) for s in scores}):
        cursor.execute(
            "SELECT unit_id, criterion_id, layer, scorer, points_c, note FROM score "
            f"WHERE cluster_id = {mark(1)} AND year = {mark(2)} AND period = {mark(3)}",
            _params(style, (cluster_id, year, period)),
        )
        for unit_id, crit_id, layer, scorer, points_c, note in cursor.fetchall():
            existing[(year, period, unit_id, crit_id, layer, scorer)] = (points_c, note or "")
    summaries = counter.summaries
    crit_of = {key: crit_ids[key] for key in {(s[0], s[3]) for s in scores}}

    def rows(start: int, stop: int) -> list[tuple]:
        """Scores [start, stop) as `score` rows: built a chunk at a time, so that a long import
        does not hold every row twice (as scores and as rows)."""
        return [
            (cluster_id, y, p, unit_ids[u], crit_of[(y, c)], layer, scorer, points, note)
            for y, p, u, c, layer, scorer, points, note, _, _ in scores[start:stop]
        ]

    if not existing:  # a first import: every row is new
        for ref_id, count in collections.Counter(id(s.ref) for s in scores).items():
            summaries[ref_id].new += count
        progress.stage("Đang ghi điểm vào cơ sở dữ liệu", len(scores))
        for start in range(0, len(scores), WRITE_CHUNK):
            chunk = rows(start, start + WRITE_CHUNK)
            _insert_scores(cursor, chunk, mark, style)
            progress.advance(len(chunk))
        cursor.close()
        return
    inserts: list[tuple] = []
    updates: list[tuple] = []
    for row, score in zip(rows(0, len(scores)), scores, strict=True):
        summary = summaries[id(score.ref)]
        old = existing.get(row[1:7])
        if old is None:
            inserts.append(row)
            summary.new += 1
        elif old[0] != row[7] or old[1] != row[8]:
            updates.append((row[7], row[8], *row[:7]))
            summary.updated += 1
        else:
            summary.unchanged += 1
    progress.stage("Đang ghi điểm vào cơ sở dữ liệu", len(inserts) + len(updates))
    for start in range(0, len(inserts), WRITE_CHUNK):
        chunk = inserts[start : start + WRITE_CHUNK]
        _insert_scores(cursor, chunk, mark, style)
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
        progress.advance(len(updates))
    cursor.close()


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


_COMMENDATION_FIELDS = (
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


def write_commendations(
    conn: Connection,
    cluster_id: int,
    rows: list[dict[str, Any]],
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    from sqlalchemy import select

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
    inserts, updates = [], []
    for row in rows:
        unit_id = unit_ids[row["unit"]]
        key = (row["year"], row["period"], row["recipient"], row["award"], unit_id)
        new = {f: row[f] for f in _COMMENDATION_FIELDS}
        old = existing.get(key)
        outcome = diff(old, new)
        if outcome == "new":
            inserts.append(
                {
                    "cluster_id": cluster_id,
                    "year": row["year"],
                    "period": row["period"],
                    "recipient": row["recipient"],
                    "award": row["award"],
                    "unit_id": unit_id,
                    **new,
                }
            )
        elif outcome == "updated":
            updates.append({**new, "k_id": old["id"]})  # type: ignore[index]
        counter.add(row["ref"], outcome)
    _insert_many(conn, table, inserts)
    _update_many(conn, table, ("id",), updates)


def record_imports(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """One import record per sheet read (file, sha256, sheet, kind, counts, time)."""
    if rows:
        conn.execute(table_of(conn, "import_record").insert(), rows)
