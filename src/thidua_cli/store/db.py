"""Engine and schema: `--db PATH|URL` to an SQLAlchemy engine with SQLite foreign keys on,
tables created on first use, schema version recorded in `meta`."""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ThiduaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DEFAULT_DB = "thidua.db"

_upgraded: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()


def upgraded_from(engine: Engine) -> int | None:
    """The schema version this engine's database was upgraded from when opened, if it was."""
    return _upgraded.get(engine)


def database_url(db: str | None) -> str:
    """A plain path becomes a sqlite URL; anything with '://' is taken as an SQLAlchemy URL."""
    target = db or os.environ.get("THIDUA_DB") or DEFAULT_DB
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def display_url(url: str) -> str:
    """The URL as it may be printed: never with its password."""
    from ..faults import hide_password

    return hide_password(url)


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def missing_database(path: Path) -> ThiduaError:
    return ThiduaError(
        f"Không tìm thấy cơ sở dữ liệu {path}.",
        'Chạy `thidua init --code C7 --name "Cụm thi đua số 7"` để tạo, '
        "hoặc chỉ đường dẫn bằng --db.",
    )


def get_engine(db: str | None, *, create: bool = False) -> Engine:
    """Open the database. Without `create`, a missing SQLite file is a clear error."""
    url = database_url(db)
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        raise missing_database(path)
    if path is None:
        _check_url(url)
    if path is not None and create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(url, create=create)
    except ThiduaError:
        raise
    except Exception as exc:  # a missing driver, a locked or read-only file, a server away
        from ..faults import explain

        problem = explain(exc, db)
        if problem is None:
            raise
        raise problem from exc


def _check_url(url: str) -> None:
    from sqlalchemy.engine import make_url

    from ..faults import hide_password

    try:
        make_url(url)
    except Exception as exc:  # SQLAlchemy's ArgumentError, or a ValueError for a bad port
        raise ThiduaError(
            f"Địa chỉ cơ sở dữ liệu “{hide_password(url)}” không đúng dạng.",
            "Dùng đường dẫn tệp SQLite hoặc địa chỉ dạng "
            "postgresql+psycopg://người_dùng:mật_khẩu@máy_chủ:5432/tên_csdl.",
        ) from exc


def _open(url: str, *, create: bool) -> Engine:
    from sqlalchemy import create_engine, event

    from ..faults import LOCK_WAIT_SECONDS

    connect_args: dict[str, object] = {}
    if url.startswith("sqlite"):
        # wait this long for another program's write lock, then say so (faults.py)
        connect_args["timeout"] = LOCK_WAIT_SECONDS
    engine = create_engine(url, connect_args=connect_args)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    if create:
        ensure_schema(engine)
    else:
        check_schema(engine)
    return engine


def ensure_schema(engine: Engine) -> None:
    from sqlalchemy import inspect

    tables = inspect(engine).get_table_names()
    if not tables and engine.dialect.name == "sqlite" and _create_sqlite(engine):
        return
    from sqlmodel import Session, SQLModel

    from . import models

    if "meta" in tables:
        check_schema(engine)  # an older database is upgraded before anything is added
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        meta = session.get(models.Meta, "schema_version")
        if meta is None:
            session.add(models.Meta(key="schema_version", value=str(models.SCHEMA_VERSION)))
            session.commit()


def _create_sqlite(engine: Engine) -> bool:
    """A new SQLite database made with the statements compiled from the models
    (store/schema_sql.py), without loading SQLModel; False when they are not of this version."""
    from .schema_sql import statements
    from .version import SCHEMA_VERSION

    found = statements()
    if found is None:
        return False
    with engine.begin() as conn:
        for statement in found:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES (?, ?)", ("schema_version", str(SCHEMA_VERSION))
        )
    return True


def check_schema(engine: Engine) -> None:
    from sqlalchemy import inspect

    from .version import SCHEMA_VERSION

    has_meta = inspect(engine).has_table("meta")
    if not has_meta:
        raise ThiduaError(
            "Cơ sở dữ liệu chưa được khởi tạo cho thidua.",
            "Chạy `thidua init` trước.",
        )
    with engine.connect() as conn:
        from sqlalchemy import text

        row = conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).first()
    version = int(row[0]) if row else 0
    if version < SCHEMA_VERSION:
        from .migrate import upgrade

        found = upgrade(engine, version)
        if found < SCHEMA_VERSION:
            _upgraded[engine] = found
        return
    if version > SCHEMA_VERSION:
        raise ThiduaError(
            f"Cơ sở dữ liệu có phiên bản lược đồ {version}, mới hơn bản thidua này "
            f"({SCHEMA_VERSION}).",
            "Cập nhật thidua lên bản mới hơn.",
        )
