"""Shared fixtures for the import tests: a fresh database with cluster C7, the same database
with members (2022, 2023) and scoring tables (2022, 2023) imported, a CLI runner, and helpers
to read the error table and the database back."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.workbooks import CRITERIA_2022, criteria_table, members_table, write
from thidua_cli.cli.app import app

# Wide enough that no table cell folds: messages are asserted whole, row and column by cell.
RUNNER_ENV = {"COLUMNS": "400", "THIDUA_DB": None, "NO_COLOR": "1"}

Cli = Callable[..., Result]


def run(db: Path, *args: object) -> Result:
    runner = CliRunner(env=RUNNER_ENV)
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


@dataclass(frozen=True)
class ErrorLine:
    file: str
    sheet: str
    row: str
    column: str
    value: str
    message: str
    hint: str


def error_lines(result: Result) -> list[ErrorLine]:
    """The rows of the error table printed on stderr."""
    lines = []
    for line in result.stderr.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 7:
            lines.append(ErrorLine(*cells))
    return lines


def only_error(result: Result) -> ErrorLine:
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    return lines[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def scores(db: Path, where: str = "1=1", *params: object) -> dict[tuple, float]:
    """(unit code, criterion code, layer, scorer, period) -> points, for year 2023 by default."""
    rows = query(
        db,
        "SELECT u.code, c.code, s.layer, s.scorer, s.period, s.year, s.points_c FROM score s "
        "JOIN unit u ON u.id = s.unit_id JOIN criterion c ON c.id = s.criterion_id "
        f"WHERE {where}",
        *params,
    )
    return {
        (u, c, layer, scorer, period, year): p / 100
        for u, c, layer, scorer, period, year, p in rows
    }


def summary_rows(result: Result) -> list[tuple[str, ...]]:
    """The rows of the import summary printed on stdout: (file, sheet, kind, rows, new,
    updated, unchanged)."""
    rows = []
    for line in result.stdout.splitlines():
        if line.startswith("│"):
            rows.append(tuple(c.strip() for c in line.strip().strip("│").split("│")))
    return rows


def total_line(result: Result) -> str:
    lines = [line for line in result.stdout.splitlines() if line.startswith("Tổng:")]
    assert lines, result.output
    return lines[-1]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "thidua.db"
    result = run(
        path, "init", "--code", "C7", "--name", "Cụm thi đua số 7", "--province", "Thanh Hóa"
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("seed")
    path = base / "seed.db"
    assert (
        run(
            path, "init", "--code", "C7", "--name", "Cụm thi đua số 7", "--province", "Thanh Hóa"
        ).exit_code
        == 0
    )
    files = [
        write(base / "thanh-vien.xlsx", members_table()),
        write(base / "tieu-chi-2023.xlsx", criteria_table(2023)),
        write(base / "tieu-chi-2022.xlsx", criteria_table(2022, CRITERIA_2022)),
    ]
    result = run(path, "import", *files)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def seeded(_seeded_template: Path, tmp_path: Path) -> Path:
    """Cluster C7 with members 2022 (7 units) and 2023 (8 units), tables 2022 and 2023."""
    path = tmp_path / "thidua.db"
    shutil.copyfile(_seeded_template, path)
    return path
