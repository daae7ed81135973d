"""The `thidua` process itself (`python -m thidua_cli`): it ends without tearing the interpreter
down, so these check that nothing a command did is lost on the way out: output piped to
another program, the exit code, and the data an import committed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from .workbooks import members_table, write


def thidua(*args: str, db: Path, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The real process (`python [python options] -m thidua_cli ARGS`) on the database `db`."""
    env = {**os.environ, "THIDUA_DB": str(db), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, *python, "-m", "thidua_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_output_exit_codes_and_committed_data_survive_the_exit(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    help_ = thidua("--help", db=db)
    assert help_.returncode == 0
    assert help_.stdout.startswith("Cách dùng:")
    assert help_.stdout.rstrip().splitlines()[-1].split()[0] == "rules"  # all of it, flushed

    usage = thidua("rank", db=db)
    assert usage.returncode == 2
    assert "Thiếu tùy chọn '--year'" in usage.stderr

    missing = thidua("status", db=db)
    assert missing.returncode == 1
    assert "Không tìm thấy cơ sở dữ liệu" in missing.stderr

    assert thidua("init", "--code", "C7", "--name", "Cụm 7", db=db).returncode == 0
    members = write(tmp_path / "members.xlsx", members_table())
    imported = thidua("import", str(members), db=db)
    assert imported.returncode == 0, imported.stderr
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM membership").fetchone()[0]
    assert stored == len(members_table().rows) - 2  # less the blank row after each year
    assert imported.stdout.rstrip().endswith(f"Tổng: {stored} mới, 0 cập nhật, 0 không đổi.")
