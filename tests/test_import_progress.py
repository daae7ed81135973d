"""The import's progress (stages and rows, for the Rich bar) and the early background reading
that `thidua import` starts from the raw command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import query, run
from tests.workbooks import long_table, write
from thidua_cli.cli import views
from thidua_cli.imports.pipeline import run_import
from thidua_cli.imports.report import ImportOptions
from thidua_cli.services import reading
from thidua_cli.services.progress import ImportProgress
from thidua_cli.sheets.parse import TICK
from thidua_cli.store.db import get_engine

CRITERIA = ["1.1", "1.2", "2", "3", "4", "5", "6"]  # leaves of the 2023 table (workbooks.py)


class Recorder(ImportProgress):
    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.rows: dict[str, int] = {}

    def stage(self, label: str, total: int | None) -> None:
        self.stages.append((label, total))
        self.rows[label] = 0

    def advance(self, rows: int) -> None:
        self.rows[self.stages[-1][0]] += rows


def long_rows(n: int) -> list[list[object]]:
    units = ["TD", "HPN", "MTTQ", "LDLD", "CCB", "HND", "LMHTX", "CTD"]
    rows: list[list[object]] = []
    for layer in range(2):
        for unit in units:
            for code in CRITERIA:
                row: list[object] = [2023, "Cả năm", unit, code, None, None, None, None, None]
                row[4 if layer == 0 else 7] = 1
                rows.append(row)
    return rows[:n]


def test_progress_follows_reading_and_writing(seeded: Path, tmp_path: Path) -> None:
    rows = long_rows(100)
    path = write(tmp_path / "diem.xlsx", long_table(rows))
    recorder = Recorder()
    engine = get_engine(str(seeded))
    report = run_import(engine, [path], ImportOptions(), recorder)
    engine.dispose()
    assert not report.errors
    labels = [label for label, _ in recorder.stages]
    assert "Đang đọc diem.xlsx › Chấm điểm" in labels
    assert labels[-1] == "Đang ghi điểm vào cơ sở dữ liệu"
    reading_total = dict(recorder.stages)["Đang đọc diem.xlsx › Chấm điểm"]
    assert reading_total is not None and reading_total >= len(rows)
    assert recorder.rows["Đang đọc diem.xlsx › Chấm điểm"] == len(rows), recorder.stages
    assert recorder.stages[-1][1] == len(rows)
    assert recorder.rows["Đang ghi điểm vào cơ sở dữ liệu"] == len(rows)
    assert query(seeded, "SELECT count(*) FROM score") == [(len(rows),)]


def test_the_bar_is_off_when_stdout_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    with views.import_progress() as progress:
        assert type(progress) is ImportProgress


def test_the_bar_waits_a_second_then_shows_and_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with views.import_progress() as progress:
        assert isinstance(progress, views.ProgressBar)
        progress.stage("Đang đọc a.xlsx › Chấm điểm", 2 * TICK)
        progress.advance(TICK)
        assert not progress._shown  # a quick import shows nothing
        progress.show()  # what the one-second timer calls
        assert progress._progress.live.is_started
        task = progress._progress.tasks[0]
        assert (task.description, task.total, task.completed) == (
            "Đang đọc a.xlsx › Chấm điểm",
            2 * TICK,
            TICK,
        )
    assert not progress._progress.live.is_started
    progress.show()  # a timer firing after the import ended starts nothing
    assert not progress._progress.live.is_started


@pytest.mark.parametrize(
    ("argv", "files"),
    [
        (["import", "a.xlsx"], ["a.xlsx"]),
        (["--db", "x.db", "--cluster", "C7", "import", "a.xlsx", "b.xlsx"], ["a.xlsx", "b.xlsx"]),
        (["import", "--year", "2023", "a.xlsx", "--half", "1", "--dry-run"], ["a.xlsx"]),
        (["import", "--errors", "a.xlsx", "b.xlsx"], ["b.xlsx"]),
        (["import", "khong-co.xlsx"], None),
        (["import", "--help", "a.xlsx"], None),
        (["rank", "--year", "2023"], None),
        (["--db", "import", "rank"], None),
    ],
)
def test_early_reading_from_the_raw_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], files: list[str] | None
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a.xlsx", "b.xlsx"):
        write(tmp_path / name, long_table(long_rows(3)))
    monkeypatch.setattr(reading, "_early", None)
    reading.start_early(argv)
    early = reading._early
    if files is None:
        assert early is None
        return
    assert early is not None
    assert early.paths == [Path(f) for f in files]
    # the command takes it over for the same files, and only for them
    assert reading.reading_for([Path(f) for f in files]) is early
    assert reading._early is None
    reading.start_early(argv)
    assert reading.reading_for([Path("a.xlsx"), Path("c.xlsx")]) is not early
    assert [book.display for book in early.opened(ImportProgress())] == files  # type: ignore[union-attr]


def test_import_through_the_entry_point_uses_the_early_reading(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "diem.xlsx", long_table(long_rows(20)))
    argv = ["--db", str(seeded), "import", str(path)]
    monkeypatch.setattr(reading, "_early", None)
    reading.start_early(argv)
    early = reading._early
    taken: list[object] = []
    original = reading.reading_for

    def spy(paths: list[Path]) -> reading.Reading:
        result = original(paths)
        taken.append(result)
        return result

    monkeypatch.setattr(reading, "reading_for", spy)
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert taken == [early]
    assert query(seeded, "SELECT count(*) FROM score") == [(20,)]
