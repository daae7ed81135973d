"""Opening the database and choosing the cluster: shared by every service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ThiduaError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


@dataclass(frozen=True)
class ClusterInfo:
    id: int
    code: str
    name: str
    province: str
    organiser: str


def pick_cluster(conn: Connection, code: str | None) -> ClusterInfo:
    """The cluster named by --cluster, or the only one in the database."""
    from sqlalchemy import select

    from ..store.tables import table_of

    table = table_of(conn, "cluster")
    rows = conn.execute(
        select(table.c.id, table.c.code, table.c.name, table.c.province, table.c.organiser)
    ).all()
    return choose_cluster([tuple(row) for row in rows], code)


CLUSTER_COLUMNS = "id, code, name, province, organiser"


def choose_cluster(rows: list[tuple], code: str | None) -> ClusterInfo:
    """Of the clusters (rows of CLUSTER_COLUMNS), the one named by --cluster, or the only one."""
    if not rows:
        raise ThiduaError(
            "Cơ sở dữ liệu chưa có cụm thi đua nào.",
            'Chạy `thidua init --code C7 --name "Cụm thi đua số 7"` trước.',
        )
    if code:
        for row in rows:
            if row[1].lower() == code.lower():
                return ClusterInfo(*row)
        raise UsageError(
            f"Không có cụm “{code}” trong cơ sở dữ liệu.",
            "Các cụm hiện có: " + ", ".join(r[1] for r in rows) + ".",
        )
    if len(rows) > 1:
        raise UsageError(
            "Cơ sở dữ liệu có nhiều cụm; cần chỉ rõ cụm.",
            "Thêm --cluster với một trong: " + ", ".join(r[1] for r in rows) + ".",
        )
    return ClusterInfo(*rows[0])


def open_engine(db: str | None, create: bool = False) -> Engine:
    """The database, upgraded in place if an earlier version made it; a year that version
    finalised is frozen on the way (it had no snapshot)."""
    from ..store.db import get_engine, upgraded_from

    engine = get_engine(db, create=create)
    if upgraded_from(engine) is not None:
        from .ranking import freeze_unfrozen

        freeze_unfrozen(engine)
    return engine
