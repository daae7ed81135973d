"""Small writes every service shares: an insert-or-update by natural key, and the audit trail
of actions that bypass a guard or change a decision."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> str:
    """new / updated / unchanged, comparing only the columns in `new`."""
    if old is None:
        return "new"
    return "updated" if any(old.get(k) != v for k, v in new.items()) else "unchanged"


def upsert(
    conn: Connection,
    table: Table,
    key: dict[str, Any],
    new: dict[str, Any],
    old: Mapping[str, Any] | None,
) -> str:
    """Insert or update one row by its natural key, given the row as it stands (or None)."""
    from sqlalchemy import update

    outcome = diff(old, new)
    if outcome == "new":
        conn.execute(table.insert().values(**key, **new))
    elif outcome == "updated":
        conn.execute(
            update(table)
            .where(*(table.c[name] == value for name, value in key.items()))
            .values(**new)
        )
    return outcome


def upsert_by_key(conn: Connection, table: Table, key: dict[str, Any], new: dict[str, Any]) -> str:
    """`upsert` reading the current row first: for one-row writes from a command."""
    from sqlalchemy import select

    old = conn.execute(
        select(table).where(*(table.c[name] == value for name, value in key.items()))
    ).first()
    return upsert(conn, table, key, new, old._mapping if old is not None else None)


def audit_rows(cluster_id: int, years: list[int], action: str, detail: str) -> list[dict[str, Any]]:
    """The audit trail's rows for an action on some years, stamped now."""
    now = datetime.now(UTC)
    return [
        {"cluster_id": cluster_id, "year": year, "action": action, "detail": detail, "at": now}
        for year in years
    ]


def record_audit(
    conn: Connection, cluster_id: int, years: list[int], action: str, detail: str
) -> None:
    from .tables import table_of

    conn.execute(
        table_of(conn, "audit_event").insert(), audit_rows(cluster_id, years, action, detail)
    )
