"""A new SQLite database is made from the statements compiled from the models
(store/schema_sql.py) without loading SQLModel: they are the statements the models compile to
today, and the database they make has exactly the schema SQLModel's create_all makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine

from tests.conftest import query, run
from thidua_cli.store import schema_sql
from thidua_cli.store.version import SCHEMA_VERSION


def _schema(db: Path) -> list[tuple[str, str, str, str]]:
    """Every table and index, with its SQL, whitespace aside."""
    return [
        (kind, name, table, " ".join((sql or "").split()))
        for kind, name, table, sql in query(
            db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        )
    ]


def test_the_stored_statements_are_what_the_models_compile_to() -> None:
    assert schema_sql.SQLITE_SCHEMA_VERSION == SCHEMA_VERSION
    assert schema_sql.SQLITE_SCRIPT == schema_sql.render(), (
        "the models changed: python -c 'from thidua_cli.store.schema_sql import write; write()'"
    )


def test_a_new_database_has_the_schema_create_all_makes(tmp_path: Path) -> None:
    from sqlmodel import SQLModel

    from thidua_cli.store import models  # noqa: F401

    made = tmp_path / "init.db"
    result = run(made, "init", "--code", "C7", "--name", "Cụm thi đua số 7")
    assert result.exit_code == 0, result.output
    reference = tmp_path / "create-all.db"
    engine = create_engine(f"sqlite:///{reference}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    assert _schema(made) == _schema(reference)
    assert len(_schema(made)) > 20
    assert query(made, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]


def test_init_does_not_load_sqlmodel(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from thidua_cli.services.clusters import init_database\n"
        f"init_database({str(tmp_path / 'c.db')!r}, 'C7', 'Cụm 7')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlmodel', 'pydantic')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
    assert query(tmp_path / "c.db", "SELECT code FROM cluster") == [("C7",)]
