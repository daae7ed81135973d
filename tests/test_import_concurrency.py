"""Two clerks importing at the same moment (SPEC §3.4, §10): the check reads the database in
the write transaction, so the second import waits for the first and then finds its data there.
Two real processes, several rounds, each into a fresh database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from thidua_cli.resources import sample_data_dir

ROUNDS = 3
# every table an import writes, with the columns that say what the clerk sees (no timestamps)
TABLES = {
    "unit": "id, code, name, short_name, aliases",
    "membership": "cluster_id, year, unit_id, rotation_order",
    "criterion": 'id, cluster_id, year, code, title, parent_code, max_c, kind, "order"',
    "score": "cluster_id, year, period, unit_id, criterion_id, layer, scorer, points_c, note",
    "leadership": "cluster_id, year, head_unit_id, deputy_unit_id, how",
    "vote": "cluster_id, year, purpose, unit_id, yes, members, present",
    "commendation": "cluster_id, year, period, recipient, award, unit_id, kind, is_leader",
    "rule_setting": "cluster_id, key, from_year, value",
    "import_record": "cluster_id, file_name, sheet, kind, rows_new, rows_updated, rows_unchanged",
}


Started = tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes]]


def thidua(db: Path, *args: str) -> Started:
    """A real process; its output goes to files (a full pipe must not stall a writer)."""
    env = {**os.environ, "THIDUA_DB": str(db), "NO_COLOR": "1", "COLUMNS": "200"}
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "thidua_cli", *args], env=env, stdout=out, stderr=err
    )
    return process, out, err


def finish(started: Started) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a process started by `thidua`."""
    process, out, err = started
    code = process.wait(timeout=180)
    out.seek(0)
    err.seek(0)
    texts = out.read().decode(), err.read().decode()
    out.close()
    err.close()
    return code, *texts


def fresh(db: Path) -> None:
    code, _, err = finish(thidua(db, "init", "--code", "C7", "--name", "Cụm thi đua số 7"))
    assert code == 0, err


def contents(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {
            table: sorted(conn.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
            for table, columns in TABLES.items()
        }


def test_two_whole_sample_imports_at_once_equal_one_after_the_other(tmp_path: Path) -> None:
    samples = str(sample_data_dir())
    sequential = tmp_path / "sequential.db"
    fresh(sequential)
    for _ in range(2):
        code, _, err = finish(thidua(sequential, "import", samples))
        assert code == 0, err
    expected = contents(sequential)
    assert len(expected["score"]) > 100 and len(expected["import_record"]) > 10

    for round_number in range(ROUNDS):
        db = tmp_path / f"round-{round_number}.db"
        fresh(db)
        both = [thidua(db, "import", samples), thidua(db, "import", samples)]
        outcomes = [finish(process) for process in both]
        for code, _, err in outcomes:
            assert code == 0, err[-2000:]  # never 3 (a crash), never 1 (a false error)
        # one of the two wrote everything new, the other found all of it unchanged
        summaries = [out for _, out, _ in outcomes]
        assert any("0 mới, 0 cập nhật" in text for text in summaries), summaries
        assert contents(db) == expected
