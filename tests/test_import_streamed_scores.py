"""A long score sheet's scores are written while the sheet is still being read (pipeline.py,
store/score_writes.py): the database and the summary are exactly what writing them at the end
gives — a first import, a re-import with new, changed and unchanged rows, a period already
scored beside a fresh one — and an error found after rows were written, or a finalised year,
leaves the database as it was.

The sizes are lowered here (a progress tick every 5 rows, scores written 7 at a time), so that a
sheet of a hundred rows is written in a dozen rounds while it is read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import error_lines, query, run, scores, sha256, summary_rows, total_line
from tests.workbooks import long_table, write
from thidua_cli.imports import pipeline, score_reader
from thidua_cli.store.score_writes import ScoreWriter

UNITS = ["MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX", "CTD"]
LEAVES = {"1.1": 20, "1.2": 20, "2": 30, "3": 20, "4": 10, "5": 6, "6": 4}


def _rows(periods: tuple[str, ...] = ("Cả năm", "6 tháng"), shift: int = 0) -> list[list]:
    """Every unit and leaf of each period, self and agreed scores; `shift` changes the agreed
    score of one row in three."""
    rows: list[list] = []
    number = 0
    for period in periods:
        for unit in UNITS:
            for code, top in LEAVES.items():
                number += 1
                own = (number * 7) % (top + 1)
                agreed = (own + (shift if number % 3 == 0 else 0)) % (top + 1)
                rows.append([2023, period, unit, code, own, None, None, agreed, None])
    return rows


@pytest.fixture
def rounds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Streaming made small; the sizes of the rounds written while a sheet was read."""
    monkeypatch.setattr(score_reader, "TICK", 5)
    monkeypatch.setattr(pipeline, "STREAM_CHUNK", 7)
    seen: list[int] = []
    add = ScoreWriter.add

    def add_and_note(self: ScoreWriter, scores: list, advance: object = None) -> None:
        if advance is None:  # a round while reading (the rest is written with the progress)
            seen.append(len(scores))
        add(self, scores, advance)  # type: ignore[arg-type]

    monkeypatch.setattr(ScoreWriter, "add", add_and_note)
    return seen


def _both_ways(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path, *args: object
) -> tuple[object, object, Path, Path]:
    """`path` imported into two copies of `base`: written at the end, then while read."""
    at_end, streamed = tmp_path / "at-end.db", tmp_path / "streamed.db"
    shutil.copyfile(base, at_end)
    shutil.copyfile(base, streamed)
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "STREAM_CHUNK", 1 << 40)
        first = run(at_end, "import", path, *args)
    second = run(streamed, "import", path, *args)
    return first, second, at_end, streamed


def test_a_first_import_written_while_read_equals_one_written_at_the_end(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rounds: list[int]
) -> None:
    path = write(tmp_path / "cham.xlsx", long_table(_rows()))
    at_end, streamed, end_db, streamed_db = _both_ways(seeded, tmp_path, monkeypatch, path)
    assert at_end.exit_code == streamed.exit_code == 0, streamed.output  # type: ignore[attr-defined]
    assert len(rounds) > 10 and sum(rounds) < 2 * 2 * len(UNITS) * len(LEAVES)
    assert streamed.stdout == at_end.stdout  # type: ignore[attr-defined]
    assert (
        total_line(streamed)
        == f"Tổng: {2 * 2 * len(UNITS) * len(LEAVES)} mới, 0 cập nhật, 0 không đổi."
    )  # type: ignore[arg-type]
    assert scores(streamed_db) == scores(end_db)
    assert len(scores(streamed_db)) == 2 * 2 * len(UNITS) * len(LEAVES)


def test_a_reimport_with_changes_and_a_fresh_period_counts_each_row_once(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rounds: list[int]
) -> None:
    """The year-round scores stored already (held, then compared), the half-year's fresh
    (written while read), in one sheet: new, updated and unchanged as at the end."""
    first = run(seeded, "import", write(tmp_path / "ca-nam.xlsx", long_table(_rows(("Cả năm",)))))
    assert first.exit_code == 0, first.output
    path = write(tmp_path / "cham.xlsx", long_table(_rows(("Cả năm", "6 tháng"), shift=1)))
    at_end, streamed, end_db, streamed_db = _both_ways(seeded, tmp_path, monkeypatch, path)
    assert at_end.exit_code == streamed.exit_code == 0, streamed.output  # type: ignore[attr-defined]
    assert rounds  # written while read
    per_period = 2 * len(UNITS) * len(LEAVES)
    old = _rows(("Cả năm",))
    changed = sum(1 for was, now in zip(old, _rows(shift=1), strict=False) if was[7] != now[7])
    assert 0 < changed < len(old)
    assert summary_rows(streamed) == summary_rows(at_end)  # type: ignore[arg-type]
    assert total_line(streamed) == (  # type: ignore[arg-type]
        f"Tổng: {per_period} mới, {changed} cập nhật, {per_period - changed} không đổi."
    )
    assert scores(streamed_db) == scores(end_db)
    assert query(streamed_db, "SELECT count(*) FROM score") == [(2 * per_period,)]


def test_an_error_after_rows_were_written_leaves_the_database_as_it_was(
    seeded: Path, tmp_path: Path, rounds: list[int]
) -> None:
    rows = _rows()
    rows[90][7] = 99  # over the criterion's maximum, after several rounds were written
    rows[100] = list(rows[95])  # the same key twice
    path = write(tmp_path / "cham.xlsx", long_table(rows))
    before = sha256(seeded)
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    assert len(rounds) >= 10  # the rows before the first error were written, then rolled back
    # below the header in row 1: row 90 of the list is Excel's row 92; the same key twice is
    # said for each of its two scores
    assert [(e.row, e.column) for e in error_lines(result)] == [
        ("92", "H"),
        ("102", "E"),
        ("102", "H"),
    ]
    assert "Không ghi gì vào cơ sở dữ liệu" in result.stderr
    assert sha256(seeded) == before


def test_a_finalised_year_is_refused_after_rows_were_written_and_forced_in_whole(
    seeded: Path, tmp_path: Path, rounds: list[int]
) -> None:
    first = run(seeded, "import", write(tmp_path / "ca-nam.xlsx", long_table(_rows(("Cả năm",)))))
    assert first.exit_code == 0, first.output
    finalised = run(seeded, "rank", "--year", 2023, "--finalize")
    assert finalised.exit_code == 0, finalised.output
    path = write(tmp_path / "cham.xlsx", long_table(_rows(("Cả năm", "6 tháng"), shift=1)))
    before = sha256(seeded)
    refused = run(seeded, "import", path)
    assert refused.exit_code == 1, refused.output
    assert rounds  # the half-year's fresh rows were written while read, then rolled back
    assert "2023" in refused.stderr and "--force" in refused.stderr
    assert sha256(seeded) == before
    forced = run(seeded, "import", path, "--force")
    assert forced.exit_code == 0, forced.output
    assert query(seeded, "SELECT count(*) FROM score WHERE period = 'H1'") == [
        (2 * len(UNITS) * len(LEAVES),)
    ]
