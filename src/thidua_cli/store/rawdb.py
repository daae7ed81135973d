"""The import's database connection: one DB-API connection spoken to in plain, portable SQL
with `?` placeholders (turned into `%s` for PostgreSQL's driver).

`thidua import` of one small form spends most of its time starting up; SQLAlchemy alone takes
longer to import than reading a form and writing its scores. So the import talks to SQLite
through the standard library's sqlite3, and reaches for SQLAlchemy only where it is needed:
a database made by an older version (upgraded by store/migrate.py first), a server URL
(PostgreSQL, opened through SQLAlchemy's engine), and re-freezing a finalised year after a
forced import (`sqlalchemy_view`, on this same connection and transaction)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import ThiduaError
from .db import database_url, missing_database, sqlite_path
from .version import SCHEMA_VERSION

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine


class Db:
    """One DB-API connection and what the import needs of it. `dialect` is "sqlite" or the
    server's SQLAlchemy dialect name ("postgresql")."""

    def __init__(self, raw: Any, dialect: str, url: str, closer: Any = None):
        self.raw = raw
        self.dialect = dialect
        self.url = url
        self._closer = closer  # what gives the connection back (an SQLAlchemy pool's proxy)
        self._qmark = dialect == "sqlite"

    # -- opening

    @classmethod
    def open(cls, db: str | None) -> Db:
        """The database named by --db, as `open_engine` would open it: a missing file, a file
        that is not thidua's, or a newer schema is a clear error; an older schema is upgraded
        (through SQLAlchemy, once)."""
        url = database_url(db)
        path = sqlite_path(url)
        if path is None:
            from ..services.context import open_engine

            return cls.of_engine(open_engine(db), dispose=True)
        if not path.exists():
            raise missing_database(path)
        try:
            raw = _connect_sqlite(str(path))
            version = _schema_version(raw)
        except sqlite3.Error as exc:
            from ..faults import explain

            problem = explain(exc, db)
            if problem is None:
                raise
            raise problem from exc
        if version == SCHEMA_VERSION:
            return cls(raw, "sqlite", url)
        raw.close()
        # not initialised, older (upgraded here) or newer: the engine says or does what is due
        from ..services.context import open_engine

        open_engine(db).dispose()
        return cls(_connect_sqlite(str(path)), "sqlite", url)

    @classmethod
    def of_engine(cls, engine: Engine, dispose: bool = False) -> Db:
        """A connection of an SQLAlchemy engine's pool (given back on `close`)."""
        proxied = engine.raw_connection()

        def closer() -> None:
            proxied.close()
            if dispose:
                engine.dispose()

        return cls(proxied.driver_connection, engine.dialect.name, str(engine.url), closer)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
        else:
            self.raw.close()

    # -- statements

    def sql(self, statement: str) -> str:
        return statement if self._qmark else statement.replace("?", "%s")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        cursor = self.raw.cursor()
        cursor.execute(self.sql(statement), tuple(params))
        return cursor

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        cursor = self.raw.cursor()
        cursor.executemany(self.sql(statement), rows)
        cursor.close()

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.execute(statement, params)
        found = cursor.fetchall()
        cursor.close()
        return found

    def dicts(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.execute(statement, params)
        names = [column[0] for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        cursor.close()
        return found

    def value(self, value: Any) -> Any:
        """A value as the database gives it back: on SQLite, a date or a time as the text
        SQLAlchemy writes (the adapters below write it so), a boolean as 0 or 1."""
        if not self._qmark:
            return value
        if value.__class__ is bool:
            return int(value)
        if isinstance(value, date):
            return _sqlite_datetime(value) if isinstance(value, datetime) else value.isoformat()
        return value

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """One executemany for rows that share their columns."""
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        self.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})', _tuples(rows, columns)
        )

    def update_many(self, table: str, key: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        """One executemany: each row sets its other columns where every `key` column equals
        the row's `k_<column>` value. The rows share their columns."""
        if not rows:
            return
        columns = [c for c in rows[0] if not c.startswith("k_")]
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        where = " AND ".join(f'"{c}" = ?' for c in key)
        self.executemany(
            f'UPDATE "{table}" SET {sets} WHERE {where}',
            _tuples(rows, [*columns, *(f"k_{c}" for c in key)]),
        )

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    # -- SQLAlchemy on this connection

    @contextlib.contextmanager
    def sqlalchemy_view(self) -> Iterator[Connection]:
        """An SQLAlchemy connection over this same DB-API connection, inside the transaction
        already open on it, for the services written with SQLAlchemy (re-freezing a finalised
        year). It neither begins, commits nor rolls back: the transaction stays the caller's."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool

        # the database's own URL: what SQLAlchemy caches by it (store/tables.py) is this file's
        engine = create_engine(self.url, creator=lambda: self.raw, poolclass=StaticPool)
        dialect = engine.dialect
        dialect.do_begin = lambda dbapi_connection: None  # type: ignore[method-assign]
        dialect.do_commit = lambda dbapi_connection: None  # type: ignore[method-assign]
        dialect.do_rollback = lambda dbapi_connection: None  # type: ignore[method-assign]
        dialect.do_close = lambda dbapi_connection: None  # type: ignore[method-assign]
        with engine.connect() as conn:
            yield conn
        engine.dispose()


def _tuples(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
    """The rows' values in the order of `columns`, as tuples."""
    if len(columns) == 1:
        return [(row[columns[0]],) for row in rows]
    return list(map(itemgetter(*columns), rows))


def _sqlite_datetime(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


# What sqlite3 writes for a date or a time: the text SQLAlchemy writes for them on SQLite, so
# that the other commands read back what an import wrote (a boolean is written as 0 or 1).
sqlite3.register_adapter(datetime, _sqlite_datetime)
sqlite3.register_adapter(date, date.isoformat)


def _connect_sqlite(path: str) -> sqlite3.Connection:
    from ..faults import LOCK_WAIT_SECONDS

    # isolation_level=None: the import opens its own transaction (BEGIN IMMEDIATE)
    raw = sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
    raw.execute("PRAGMA foreign_keys=ON")
    return raw


def _schema_version(raw: sqlite3.Connection) -> int | None:
    """The recorded schema version; None when the file has no `meta` table."""
    if not raw.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone():
        return None
    row = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


__all__ = ["Db", "ThiduaError"]
