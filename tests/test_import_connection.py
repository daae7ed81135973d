"""The import's own connection (store/rawdb.py): `thidua import` talks to SQLite through the
standard library and never loads SQLAlchemy (its start-up is the larger part of importing one
form); an older database is upgraded first; a forced import into a finalised year freezes the
year again inside the import's one transaction, through SQLAlchemy on that same connection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import query, run, sha256
from tests.test_entry_point import thidua
from tests.workbooks import long_table, write
from thidua_cli.resources import sample_data_dir
from thidua_cli.store.version import SCHEMA_VERSION

SAMPLES = sample_data_dir()
DATA = Path(__file__).parent / "data"


def _agreed(points: object, code: str = "1.1") -> list[object]:
    return [2023, "Cả năm", "TD", code, None, None, None, points, None]


def test_an_import_never_loads_sqlalchemy(tmp_path: Path) -> None:
    db = tmp_path / "c7.db"
    assert run(db, "init", "--code", "C7", "--name", "Cụm thi đua số 7").exit_code == 0
    done = thidua("import", str(SAMPLES), db=db, python=("-X", "importtime"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Tổng: 498 mới, 0 cập nhật, 0 không đổi." in done.stdout
    modules = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "thidua_cli.store.rawdb" in modules  # the import time lines were read
    assert not [m for m in modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel")]


def test_an_import_into_an_older_database_upgrades_it_first(tmp_path: Path) -> None:
    db = tmp_path / "cu.db"
    shutil.copyfile(DATA / "schema_v1.db", db)
    path = write(tmp_path / "s.xlsx", long_table([_agreed(9, "1.1")]))
    # 2023 was finalised by the old version: refused without --force, after the upgrade
    refused = run(db, "import", path)
    assert refused.exit_code == 1, refused.output
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)
    ]
    year = [[2024, "6 tháng", "TD", "1.1", 9, None, None, None, None]]
    imported = run(db, "import", write(tmp_path / "h1.xlsx", long_table(year)))
    assert imported.exit_code == 0, imported.output
    assert query(
        db,
        "SELECT s.points_c FROM score s JOIN unit u ON u.id = s.unit_id JOIN criterion c "
        "ON c.id = s.criterion_id WHERE u.code = 'TD' AND c.code = '1.1' AND s.year = 2024 "
        "AND s.period = 'H1' AND s.layer = 'self'",
    ) == [(900,)]


def test_a_forced_import_freezes_the_year_again_in_its_own_transaction(tmp_path: Path) -> None:
    db = tmp_path / "c7.db"
    assert run(db, "init", "--code", "C7", "--name", "Cụm thi đua số 7").exit_code == 0
    assert run(db, "import", SAMPLES).exit_code == 0
    assert run(db, "rank", "--year", 2023, "--finalize").exit_code == 0

    def td_total() -> float:
        ranked = run(db, "rank", "--year", 2023, "--json")
        assert ranked.exit_code == 0, ranked.output
        return next(u for u in json.loads(ranked.stdout)["units"] if u["code"] == "TD")["total"]

    assert td_total() == 95.5
    # a forced import with an error writes nothing, snapshot included
    before = sha256(db)
    bad = run(db, "import", write(tmp_path / "x.xlsx", long_table([_agreed(99)])), "--force")
    assert bad.exit_code == 1, bad.output
    assert sha256(db) == before
    # 1.1 agreed 9.5 -> 8.5: the frozen 2023 moves by exactly that, and says why
    forced = run(db, "import", write(tmp_path / "s.xlsx", long_table([_agreed(8.5)])), "--force")
    assert forced.exit_code == 0, forced.output
    assert "chốt lại năm đó với dữ liệu mới" in forced.stdout + forced.stderr
    assert td_total() == 94.5
    assert query(db, "SELECT action, detail FROM audit_event WHERE year = 2023") == [
        ("forced_import", "s.xlsx")
    ]
