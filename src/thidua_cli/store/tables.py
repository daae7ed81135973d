"""The tables as SQLAlchemy Core objects reflected from the database, for the command paths
that must start fast: reflecting a dozen tables takes ~40 ms, importing SQLModel (and pydantic)
~300 ms. The schema itself is defined once, by the SQLModel classes in `models.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import MetaData, Table
    from sqlalchemy.engine import Connection, Engine

# reflected once per database, whichever engine asks (a command may open several)
_reflected: dict[str, MetaData] = {}


def table_of(conn: Connection, name: str) -> Table:
    """The named table of this connection's database, reflected once per database."""
    from sqlalchemy import MetaData

    key = str(conn.engine.url)
    metadata = _reflected.get(key)
    if metadata is None or name not in metadata.tables:
        metadata = MetaData()
        metadata.reflect(conn)
        _reflected[key] = metadata
    return metadata.tables[name]


def forget(engine: Engine) -> None:
    """Drop the reflected tables of an engine's database (after its schema was upgraded)."""
    _reflected.pop(str(engine.url), None)


def unit_names(conn: Connection, cluster_id: int) -> tuple[dict[int, str], dict[str, str]]:
    """The cluster's units: id -> code, and code -> latest name."""
    from sqlalchemy import select

    table = table_of(conn, "unit")
    code_of: dict[int, str] = {}
    names: dict[str, str] = {}
    for row in conn.execute(
        select(table.c.id, table.c.code, table.c.name).where(table.c.cluster_id == cluster_id)
    ):
        code_of[row.id] = row.code
        names[row.code] = row.name
    return code_of, names
