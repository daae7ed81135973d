"""A database made by the version before schema 2 (tests/data/schema_v1.db: the sample data
imported, 2023 ranked and finalised, the half of 2024 ranked, by the code at b2709b1) opens,
is upgraded in place, and shows the same results it showed then."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import query, run
from thidua_cli.store.version import SCHEMA_VERSION

DATA = Path(__file__).parent / "data"


def old_database(tmp_path: Path) -> Path:
    path = tmp_path / "cu.db"
    shutil.copyfile(DATA / "schema_v1.db", path)
    return path


def test_an_old_database_is_upgraded_in_place_and_ranks_the_same(tmp_path: Path) -> None:
    db = old_database(tmp_path)
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    result = run(db, "rank", "--year", 2023, "--json")
    assert result.exit_code == 0, result.output
    assert SCHEMA_VERSION == 2
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    expected = json.loads((DATA / "schema_v1_rank_2023.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == expected
    # 2023 was finalised by the old version: it is frozen now, and shown without --force
    assert "Năm 2023 đã chốt ngày" in result.stderr
    snapshot = query(db, "SELECT snapshot IS NOT NULL FROM year_lock WHERE year = 2023")
    assert snapshot == [(1,)]
    # every unit now belongs to the cluster, names per year are on the membership
    assert query(db, "SELECT count(*) FROM unit WHERE cluster_id IS NULL") == [(0,)]
    assert query(
        db,
        "SELECT m.name FROM membership m JOIN unit u ON u.id = m.unit_id "
        "WHERE u.code = 'TD' AND m.year = 2023",
    ) == [("Tỉnh Đoàn",)]


def test_the_upgraded_database_reports_and_imports(tmp_path: Path) -> None:
    db = old_database(tmp_path)
    out = tmp_path / "bc.md"
    result = run(db, "report", "--year", 2023, "--format", "md", "--out", out)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "| 1 | Tỉnh Đoàn |" in text and "95,5" in text
    assert "ngày 02 tháng 12 năm 2026" in text  # the day the old version finalised 2023
    half = run(db, "rank", "--year", 2024, "--half", 1, "--json")
    assert half.exit_code == 0, half.output
    # the same order as the old version, without the two units that sent nothing (which it
    # ranked 7th with 0 points)
    assert [u["code"] for u in json.loads(half.stdout)["units"]] == [
        "TD",
        "MTTQ",
        "HPN",
        "LDLD",
        "CCB",
        "HND",
    ]
    assert "Chưa gửi bảng tự chấm: CTD, LMHTX" in half.stderr


def test_init_on_an_old_database_upgrades_it_first(tmp_path: Path) -> None:
    db = old_database(tmp_path)
    result = run(db, "init", "--code", "C9", "--name", "Cụm thi đua số 9")
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT code FROM cluster ORDER BY id") == [("C7",), ("C9",)]
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
