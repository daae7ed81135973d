"""A folder of many small workbooks is read partly by a forked child process (Linux;
services/forked_reading.py): the import is exactly what reading every file in this process
gives — the same scores, the same summary, the same errors at the same cells for .xlsx, .xls
and .ods forms, error cells and a damaged file — and a child that dies, or a result that cannot
be sent, is read here instead."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import error_lines, run, scores, sha256
from tests.workbooks import (
    CODES,
    NAMES,
    ErrorCell,
    self_form_table,
    self_scores,
    write,
    write_ods,
    write_xls,
)
from thidua_cli.services import forked_reading
from thidua_cli.sheets.reader import Sheet

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the child process is forked on Linux only"
)


def _folder(tmp_path: Path, *, broken: bool) -> Path:
    """A form per unit (eight), in .xlsx, .xls and .ods; `broken` adds error cells (in an
    .xlsx and an .xls form) and a damaged file."""
    folder = tmp_path / "bai-nop"
    folder.mkdir()
    writers = {CODES[2]: write_xls, CODES[5]: write_ods}
    for code in CODES:
        marks = self_scores(code)
        if broken and code in (CODES[1], CODES[2]):
            marks = {**marks, "3": ErrorCell("#N/A")}
        table = self_form_table(NAMES[code], marks, total=None if broken else "auto")
        suffix = {write_xls: ".xls", write_ods: ".ods"}.get(writers.get(code), ".xlsx")  # type: ignore[arg-type]
        writers.get(code, write)(folder / f"{code.lower()}{suffix}", table)  # type: ignore[operator]
    if broken:
        (folder / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return folder


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[forked_reading.ForkedReader]:
    """The readers that forked a child; no other thread left running, so that a child may be
    forked. This process's own reading thread does not help here: the child reads every file
    it can (which files each side reads is otherwise a matter of timing)."""
    made = _noted_readers(monkeypatch)
    assert forked_reading.can_fork()
    monkeypatch.setattr(forked_reading.ForkedReader, "_help", lambda self, gate: None)
    return made


def _noted_readers(monkeypatch: pytest.MonkeyPatch) -> list[forked_reading.ForkedReader]:
    """Every reader made from now on, noted as it is made; no other thread left running
    first, so that a child may be forked."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=10)
    made: list[forked_reading.ForkedReader] = []
    start = forked_reading.ForkedReader.__init__

    def note(self: forked_reading.ForkedReader, *args: object) -> None:
        made.append(self)
        start(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(forked_reading.ForkedReader, "__init__", note)
    return made


def _both_ways(
    seeded: Path, tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[object, object, Path, Path]:
    here, forked = tmp_path / "here.db", tmp_path / "forked.db"
    shutil.copyfile(seeded, here)
    shutil.copyfile(seeded, forked)
    with monkeypatch.context() as patched:
        patched.setattr(forked_reading, "can_fork", lambda: False)
        in_threads = run(here, "import", folder)
    return in_threads, run(forked, "import", folder), here, forked


def test_a_folder_read_by_a_child_imports_what_threads_import(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    folder = _folder(tmp_path, broken=False)
    in_threads, forked, here_db, forked_db = _both_ways(seeded, tmp_path, folder, monkeypatch)
    assert len(forks) == 1 and forks[0].from_child == 8  # every form read by the child
    assert in_threads.exit_code == forked.exit_code == 0, forked.output  # type: ignore[attr-defined]
    assert forked.stdout == in_threads.stdout  # type: ignore[attr-defined]
    assert scores(forked_db) == scores(here_db)
    assert {key[0] for key in scores(forked_db)} == set(CODES)


def test_errors_found_by_the_child_are_the_same_errors(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    folder = _folder(tmp_path, broken=True)
    before = sha256(seeded)
    in_threads, forked, _, forked_db = _both_ways(seeded, tmp_path, folder, monkeypatch)
    assert len(forks) == 1 and forks[0].from_child == 9
    assert in_threads.exit_code == forked.exit_code == 1, forked.output  # type: ignore[attr-defined]
    lines = error_lines(forked)  # type: ignore[arg-type]
    assert lines == error_lines(in_threads)  # type: ignore[arg-type]
    # the #N/A cells of the .xlsx and the .xls forms, each at its cell
    assert sorted((e.file, e.value) for e in lines) == [
        ("bai-nop/ccb.xls", "#N/A"),
        ("bai-nop/ldld.xlsx", "#N/A"),
    ]
    assert "bai-nop/hong.xlsx: không đọc được" in forked.stderr  # type: ignore[attr-defined]
    assert sha256(forked_db) == before


def test_a_child_that_dies_leaves_its_files_to_this_process(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    def dies(sink: int, tokens: int, read: object) -> None:
        os.read(tokens, 12)  # takes three files, then dies before sending anything
        os._exit(9)

    monkeypatch.setattr(forked_reading, "_child", dies)
    folder = _folder(tmp_path, broken=False)
    in_threads, forked, here_db, forked_db = _both_ways(seeded, tmp_path, folder, monkeypatch)
    assert len(forks) == 1 and forks[0].from_child == 0
    assert forked.exit_code == 0, forked.output  # type: ignore[attr-defined]
    assert forked.stdout == in_threads.stdout  # type: ignore[attr-defined]
    assert scores(forked_db) == scores(here_db)


def test_a_file_the_child_cannot_send_is_read_here(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    materialized = Sheet.materialized

    def refuses_the_xls(self: Sheet) -> Sheet:
        if self.file.endswith(".xls"):
            raise ValueError("cannot be sent")
        return materialized(self)

    monkeypatch.setattr(Sheet, "materialized", refuses_the_xls)
    folder = _folder(tmp_path, broken=False)
    in_threads, forked, here_db, forked_db = _both_ways(seeded, tmp_path, folder, monkeypatch)
    assert len(forks) == 1 and forks[0].from_child == 7  # all but the .xls
    assert forked.exit_code == 0, forked.output  # type: ignore[attr-defined]
    assert scores(forked_db) == scores(here_db)
    assert {key[0] for key in scores(forked_db)} == set(CODES)


def test_this_process_reads_too_once_the_command_waits(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both sides take files from one pipe: whichever takes a file reads it, once."""
    made = _noted_readers(monkeypatch)
    here: list[int] = []
    read_here = forked_reading.ForkedReader._keep

    def keep(self: forked_reading.ForkedReader, index: int, opened: object) -> None:
        if threading.current_thread().name.endswith("(_help)"):
            here.append(index)
        read_here(self, index, opened)  # type: ignore[arg-type]

    monkeypatch.setattr(forked_reading.ForkedReader, "_keep", keep)
    folder = _folder(tmp_path, broken=False)
    in_threads, forked, here_db, forked_db = _both_ways(seeded, tmp_path, folder, monkeypatch)
    assert len(made) == 1
    assert made[0].from_child + len(here) == 8  # every file read once, by one side
    assert forked.stdout == in_threads.stdout  # type: ignore[attr-defined]
    assert scores(forked_db) == scores(here_db)
