"""In-place upgrades of a database made by an earlier version of thidua (SPEC §10): one step per
schema version, in portable SQL (SQLite and PostgreSQL), all steps in one transaction. Every
schema change comes with its step here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import ThiduaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

# tables whose rows point at a unit, and the columns that do; each row also names its cluster
_UNIT_REFERENCES: tuple[tuple[str, str], ...] = (
    ("membership", "unit_id"),
    ("leadership", "head_unit_id"),
    ("leadership", "deputy_unit_id"),
    ("score", "unit_id"),
    ("vote", "unit_id"),
    ("commendation", "unit_id"),
    ("result", "unit_id"),
)


def _to_v2(conn: Connection) -> None:
    """Units belong to their cluster (a unit shared by two clusters becomes two units), names
    per year move onto the membership, and a finalised year gets room for its snapshot."""
    from sqlalchemy import text

    conn.execute(text("ALTER TABLE unit ADD COLUMN cluster_id INTEGER REFERENCES cluster (id)"))
    conn.execute(text("ALTER TABLE membership ADD COLUMN name VARCHAR NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE membership ADD COLUMN short_name VARCHAR NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE year_lock ADD COLUMN snapshot TEXT"))
    conn.execute(
        text(
            "UPDATE membership SET"
            " name = (SELECT u.name FROM unit u WHERE u.id = membership.unit_id),"
            " short_name = (SELECT u.short_name FROM unit u WHERE u.id = membership.unit_id)"
        )
    )
    # which clusters use each unit
    used: dict[int, set[int]] = {}
    for table, column in _UNIT_REFERENCES:
        rows = conn.execute(
            text(f"SELECT DISTINCT {column}, cluster_id FROM {table} WHERE {column} IS NOT NULL")
        )
        for unit_id, cluster_id in rows:
            used.setdefault(unit_id, set()).add(cluster_id)
    clusters = [row[0] for row in conn.execute(text("SELECT id FROM cluster ORDER BY id"))]
    units = conn.execute(
        text("SELECT id, code, name, short_name, aliases FROM unit ORDER BY id")
    ).all()
    for unit in units:
        owners = sorted(used.get(unit.id, set()))
        if not owners:
            if not clusters:
                conn.execute(text("DELETE FROM unit WHERE id = :id"), {"id": unit.id})
                continue
            owners = [clusters[0]]
        conn.execute(
            text("UPDATE unit SET cluster_id = :c WHERE id = :id"), {"c": owners[0], "id": unit.id}
        )
        for other in owners[1:]:  # the same code in another cluster is another unit
            conn.execute(
                text(
                    "INSERT INTO unit (cluster_id, code, name, short_name, aliases) "
                    "VALUES (:c, :code, :name, :short, :aliases)"
                ),
                {
                    "c": other,
                    "code": unit.code,
                    "name": unit.name,
                    "short": unit.short_name,
                    "aliases": unit.aliases,
                },
            )
            new_id = conn.execute(
                text("SELECT id FROM unit WHERE cluster_id = :c AND code = :code"),
                {"c": other, "code": unit.code},
            ).scalar_one()
            for table, column in _UNIT_REFERENCES:
                conn.execute(
                    text(
                        f"UPDATE {table} SET {column} = :new"
                        f" WHERE {column} = :old AND cluster_id = :c"
                    ),
                    {"new": new_id, "old": unit.id, "c": other},
                )
    conn.execute(text("DROP INDEX ix_unit_code"))
    conn.execute(text("CREATE UNIQUE INDEX ux_unit_cluster_code ON unit (cluster_id, code)"))


STEPS: dict[int, Callable[[Connection], None]] = {1: _to_v2}  # from version -> step


def upgrade(engine: Engine, found: int) -> int:
    """Bring a database of schema `found` up to this code's version, in one transaction.
    Returns the version it was found at (re-read under the write lock: another process may
    have upgraded it meanwhile)."""
    from sqlalchemy import text

    from .tables import forget
    from .version import SCHEMA_VERSION

    with engine.begin() as conn:
        # take the write lock first, then read the version again under it
        conn.execute(text("UPDATE meta SET value = value WHERE key = 'schema_version'"))
        row = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
        version = int(row[0]) if row else found
        start = version
        while version < SCHEMA_VERSION:
            step = STEPS.get(version)
            if step is None:
                raise ThiduaError(
                    f"Không nâng cấp được cơ sở dữ liệu từ phiên bản lược đồ {version}.",
                    "Dùng bản thidua cũ hơn để mở tệp, hoặc báo cho người phát triển.",
                )
            step(conn)
            version += 1
        if start != version:
            conn.execute(
                text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                {"v": str(version)},
            )
    forget(engine)
    return start
