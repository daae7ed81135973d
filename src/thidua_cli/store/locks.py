"""Finalised years (SPEC §4.4): the year lock, its frozen snapshot, and the guard every write
passes through. The guard runs inside the writer's own transaction and first takes the
cluster's write lock, so a finalisation and a write can never interleave: whichever comes
second sees the other's result."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import ThiduaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


@dataclass(frozen=True)
class Frozen:
    year: int
    finalized_at: datetime
    snapshot: str | None


def claim_cluster(conn: Connection, cluster_id: int) -> None:
    """Take the cluster's write lock for the rest of the transaction (a row lock on PostgreSQL,
    the database's write lock on SQLite) before anything is read for a write."""
    from sqlalchemy import text

    conn.execute(text("UPDATE cluster SET code = code WHERE id = :id"), {"id": cluster_id})


@contextlib.contextmanager
def write_transaction(engine: Engine, cluster_id: int) -> Iterator[Connection]:
    """The write transaction of a command that may touch a finalised year (finalising, `rules
    set`, `rotation set`, a forced re-rank): a write lock from its first statement, the same
    one an import takes (store/import_state.py), so that a finalisation and a write never
    interleave. It commits when the block ends; an exception rolls it back."""
    from sqlalchemy import text

    from .import_state import PG_LOCK_SPACE, begin_immediate

    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:space, :cluster)"),
                        {"space": PG_LOCK_SPACE, "cluster": cluster_id},
                    )
                claim_cluster(conn, cluster_id)
                yield conn
            return
        raw = conn.connection.dbapi_connection
        assert raw is not None
        try:
            begin_immediate(raw)
            with conn.begin():  # SQLAlchemy's side of the transaction the driver now has open
                claim_cluster(conn, cluster_id)
                yield conn
        finally:
            if raw.in_transaction:
                raw.rollback()


def locked_years(conn: Connection, cluster_id: int) -> dict[int, datetime]:
    from sqlalchemy import select

    from .tables import table_of

    table = table_of(conn, "year_lock")
    rows = conn.execute(
        select(table.c.year, table.c.finalized_at).where(table.c.cluster_id == cluster_id)
    )
    return {row.year: _as_datetime(row.finalized_at) for row in rows}


def frozen(conn: Connection, cluster_id: int, year: int) -> Frozen | None:
    from sqlalchemy import select

    from .tables import table_of

    table = table_of(conn, "year_lock")
    row = conn.execute(
        select(table.c.finalized_at, table.c.snapshot).where(
            table.c.cluster_id == cluster_id, table.c.year == year
        )
    ).first()
    if row is None:
        return None
    return Frozen(year, _as_datetime(row.finalized_at), row.snapshot)


def write_frozen(
    conn: Connection, cluster_id: int, year: int, finalized_at: datetime, snapshot: str
) -> None:
    from .tables import table_of
    from .writes import upsert_by_key

    upsert_by_key(
        conn,
        table_of(conn, "year_lock"),
        {"cluster_id": cluster_id, "year": year},
        {"finalized_at": finalized_at, "snapshot": snapshot},
    )


def guard_years(
    conn: Connection,
    cluster_id: int,
    years: Iterable[int] | Callable[[int], bool],
    *,
    force: bool,
    action: str,
    detail: str,
    refused: str,
) -> list[int]:
    """Inside the write transaction: the finalised years among `years`. Without `force` any
    is an error that names it (`refused` says what was refused); with `force` the bypass is
    recorded in the audit trail and the caller re-freezes the years it returns. `years` is a
    list, or a test of a year (`rules set` from a year touches every later one)."""
    from .writes import record_audit

    claim_cluster(conn, cluster_id)
    finalised = locked_years(conn, cluster_id)  # read under the lock: nothing slips between
    if callable(years):
        locked = sorted(year for year in finalised if years(year))
    else:
        locked = sorted(set(years) & set(finalised))
    if locked and not force:
        raise ThiduaError(
            f"Năm {', '.join(map(str, locked))} đã chốt kết quả (--finalize): {refused}.",
            "Thêm --force nếu thật sự cần sửa năm đã chốt; việc này được ghi lại và năm được "
            "chốt lại với dữ liệu mới.",
        )
    if locked:
        record_audit(conn, cluster_id, locked, action, detail)
    return locked


def _as_datetime(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
