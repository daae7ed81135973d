"""What an import checks its rows against: a snapshot of one cluster's units, members,
criteria, leadership, votes, rules and locked years, read in the import's write transaction so
that nothing can change between the check and the write (SPEC §3.4)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ThiduaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


@dataclass
class ImportState:
    cluster_id: int
    units: dict[str, dict[str, Any]]  # code -> row
    unit_ids: dict[str, int]
    members: dict[int, dict[str, int | None]]  # year -> code -> rotation order
    criteria: dict[int, dict[str, dict[str, Any]]]  # year -> code -> row
    leadership: dict[int, dict[str, Any]]
    votes: dict[tuple[int, str, str], dict[str, Any]]
    rules: dict[tuple[str, int], dict[str, Any]]
    locked: set[int]
    # year -> code -> (name, short name) as the membership of that year has them
    member_names: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)


def load_import_state(conn: Connection, cluster_id: int) -> ImportState:
    from sqlalchemy import select

    from .tables import table_of

    unit_t = table_of(conn, "unit")
    units = {  # a unit belongs to its cluster: another cluster's TD is another unit
        r.code: dict(r._mapping)
        for r in conn.execute(select(unit_t).where(unit_t.c.cluster_id == cluster_id))
    }
    unit_ids = {code: row["id"] for code, row in units.items()}
    code_of = {row["id"]: code for code, row in units.items()}
    members: dict[int, dict[str, int | None]] = defaultdict(dict)
    member_names: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    mt = table_of(conn, "membership")
    for r in conn.execute(select(mt).where(mt.c.cluster_id == cluster_id)):
        members[r.year][code_of[r.unit_id]] = r.rotation_order
        member_names[r.year][code_of[r.unit_id]] = (r.name, r.short_name)
    criteria: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    ct = table_of(conn, "criterion")
    for r in conn.execute(select(ct).where(ct.c.cluster_id == cluster_id)):
        criteria[r.year][r.code] = dict(r._mapping)
    lt = table_of(conn, "leadership")
    leadership = {
        r.year: dict(r._mapping)
        for r in conn.execute(select(lt).where(lt.c.cluster_id == cluster_id))
    }
    vt = table_of(conn, "vote")
    votes = {
        (r.year, r.purpose, code_of[r.unit_id]): dict(r._mapping)
        for r in conn.execute(select(vt).where(vt.c.cluster_id == cluster_id))
    }
    rt = table_of(conn, "rule_setting")
    rules = {
        (r.key, r.from_year): dict(r._mapping)
        for r in conn.execute(select(rt).where(rt.c.cluster_id == cluster_id))
    }
    yt = table_of(conn, "year_lock")
    locked = {r.year for r in conn.execute(select(yt.c.year).where(yt.c.cluster_id == cluster_id))}
    return ImportState(
        cluster_id,
        units,
        unit_ids,
        members,
        criteria,
        leadership,
        votes,
        rules,
        locked,
        member_names,
    )


def unit_ids(conn: Connection, cluster_id: int) -> dict[str, int]:
    """The cluster's units' ids by code, as they stand in this transaction."""
    from sqlalchemy import select

    from .tables import table_of

    table = table_of(conn, "unit")
    return {
        r.code: r.id
        for r in conn.execute(
            select(table.c.code, table.c.id).where(table.c.cluster_id == cluster_id)
        )
    }


def criterion_ids(conn: Connection, cluster_id: int, years: set[int]) -> dict[tuple[int, str], int]:
    """Every criterion's id of those years by (year, code), as it stands in this transaction."""
    from sqlalchemy import select

    from .tables import table_of

    table = table_of(conn, "criterion")
    if not years:
        return {}
    rows = conn.execute(
        select(table.c.year, table.c.code, table.c.id).where(
            table.c.cluster_id == cluster_id, table.c.year.in_(sorted(years))
        )
    )
    return {(r.year, r.code): r.id for r in rows}


BUSY_TIMEOUT_S = 30  # how long an import waits for another writer before it gives up
_PG_LOCK_SPACE = 0x7464  # "td": the advisory lock space of thidua's imports


@contextlib.contextmanager
def import_transaction(engine: Engine, cluster_id: int) -> Iterator[Connection]:
    """A connection in the one transaction an import reads its state in, checks in and writes
    in: a write transaction from its first statement, so that no other import or finalisation
    can slip between the check and the write. On SQLite `BEGIN IMMEDIATE` (a second writer
    waits up to BUSY_TIMEOUT_S), on PostgreSQL a transaction-level advisory lock per cluster.
    A dry run takes it too: it writes to count new / updated / unchanged, then rolls back.
    It commits when the block ends, unless the caller rolled it back (`conn.rollback()`: errors
    found, or a dry run); an exception rolls it back. Foreign key lookups are off inside it
    (every id an import writes was read or written in the same transaction)."""
    import sqlite3

    from sqlalchemy import text

    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:space, :cluster)"),
                        {"space": _PG_LOCK_SPACE, "cluster": cluster_id},
                    )
                from .locks import claim_cluster

                claim_cluster(conn, cluster_id)  # serialised with a finalisation too
                yield conn
            return
        raw: Any = conn.connection.dbapi_connection
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        raw.execute("PRAGMA foreign_keys=OFF")  # cannot change inside a transaction
        try:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                raise ThiduaError(
                    f"Cơ sở dữ liệu đang được một chương trình khác ghi; đã chờ {BUSY_TIMEOUT_S} "
                    "giây mà chưa xong.",
                    "Chờ lệnh đang chạy (một lần nhập khác, chốt năm…) kết thúc rồi nhập lại. "
                    "Chưa có gì được ghi.",
                ) from exc
            with conn.begin():  # SQLAlchemy's side of the transaction the driver now has open
                yield conn
        finally:
            if raw.in_transaction:
                raw.rollback()
            raw.execute("PRAGMA foreign_keys=ON")
