"""A large sheet read in pieces (sheets/pieces.py) imports exactly what the sheet read whole
imports: the same scores, the same summary, the same errors at the same rows; a piece calamine
cannot parse ends the import with an error naming the file; nothing is left on disk.

The sizes that make a sheet "large" are lowered here, so that a sheet of a hundred rows is cut
into a dozen pieces."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import error_lines, query, run, scores, sha256
from tests.hostile_files import Raw, sheet_xml, xlsx
from thidua_cli.sheets import pieces, sheetxml

HEADER = ["Năm", "Kỳ", "Mã ĐV", "Mã tiêu chí", "Tự chấm", "Ghi chú"]
UNITS = ["MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX", "CTD"]
LEAVES = {"1.1": 20, "1.2": 20, "2": 30, "3": 20, "4": 10, "5": 6, "6": 4}


def _rows(*, column_b: bool = False) -> list[list[object]]:
    """A title row, a blank row, the header, then every unit, leaf and period once, with a note
    on the first rows only (the pieces after them are narrower than the header) and a few
    blank rows here and there (a piece may start after them)."""
    pad: list[object] = [None] if column_b else []
    rows: list[list[object]] = [pad + ["BẢNG TỰ CHẤM ĐIỂM NĂM 2023"], [], pad + HEADER]
    number = 0
    for period in ("Cả năm", "6 tháng"):
        for unit in UNITS:
            for code, top in LEAVES.items():
                number += 1
                note = "Có minh chứng" if number <= 5 else None
                rows.append(pad + [2023, period, unit, code, (number * 7) % (top + 1), note])
                if number % 23 == 0:
                    rows.append([])
    return rows


def _data_row(rows: list[list[object]], near: int) -> int:
    """The index of the first data row at or after `near` (its Excel row is one more)."""
    return next(i for i in range(near, len(rows)) if len(rows[i]) > 4)


def _workbook(path: Path, rows: list[list[object]], tail: str = "") -> Path:
    xml = sheet_xml(rows)
    if tail:
        xml = xml.replace("</sheetData>", "</sheetData>" + tail)
    return xlsx(path, xml)


@pytest.fixture
def tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the pieces are written: must be empty again after every import."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> list[pieces.PieceStream]:
    """Sheets of 4 KB of XML and more are read in pieces of about 1.5 KB (the checks read 1 KB
    at a time); the streams that were used are listed."""
    monkeypatch.setattr(pieces, "STREAM_BYTES", 4096)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1536)
    monkeypatch.setattr(sheetxml, "CHUNK", 1024)  # the checks' windows: a piece is cut in one
    used: list[pieces.PieceStream] = []
    finish = pieces.PieceStream.finish

    def finish_and_note(self: pieces.PieceStream, last_row: int) -> None:
        finish(self, last_row)
        if self.usable:
            used.append(self)

    monkeypatch.setattr(pieces.PieceStream, "finish", finish_and_note)
    return used


def _import_both_ways(
    seeded: Path, tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[object, object, Path, Path]:
    """The file imported read whole, then read in pieces, each into its own copy of `seeded`."""
    whole_db, pieces_db = tmp_path / "whole.db", tmp_path / "pieces.db"
    shutil.copyfile(seeded, whole_db)
    shutil.copyfile(seeded, pieces_db)
    whole = run(whole_db, "import", path, *args)
    monkeypatch.setattr(pieces, "STREAM_BYTES", 4096)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 1536)
    in_pieces = run(pieces_db, "import", path, *args)
    return whole, in_pieces, whole_db, pieces_db


@pytest.mark.parametrize("column_b", [False, True])
def test_a_sheet_read_in_pieces_imports_what_it_imports_whole(
    seeded: Path,
    tmp_path: Path,
    tmp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed: list[pieces.PieceStream],
    column_b: bool,
) -> None:
    monkeypatch.setattr(pieces, "STREAM_BYTES", 1 << 40)  # the first import: read whole
    merge = '<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells>'
    path = _workbook(tmp_path / "cham-diem.xlsx", _rows(column_b=column_b), merge)
    whole, in_pieces, whole_db, pieces_db = _import_both_ways(seeded, tmp_path, path, monkeypatch)
    assert len(streamed) == 1 and streamed[0]._count > 10  # read in pieces indeed
    assert streamed[0].merged == [((0, 0), (0, 5))]
    assert whole.exit_code == in_pieces.exit_code == 0, in_pieces.output
    assert in_pieces.stdout == whole.stdout
    assert scores(pieces_db, "1=1") == scores(whole_db, "1=1")
    assert len(scores(pieces_db, "1=1")) == 2 * len(UNITS) * len(LEAVES)
    assert query(pieces_db, "SELECT count(*) FROM score WHERE note = 'Có minh chứng'") == [(5,)]
    assert list(tmp_dir.iterdir()) == []


def test_errors_in_later_pieces_are_named_at_their_rows(
    seeded: Path,
    tmp_path: Path,
    tmp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed: list[pieces.PieceStream],
) -> None:
    monkeypatch.setattr(pieces, "STREAM_BYTES", 1 << 40)
    rows = _rows()
    marked = [_data_row(rows, near) for near in (90, 100, 110)]
    rows[marked[0]][4] = Raw("<v>#N/A</v>", ' t="e"')
    rows[marked[1]][4] = Raw("<v>1</v>", ' t="b"')  # TRUE in a score column
    rows[marked[2]][4] = 99  # over the criterion's maximum
    path = _workbook(tmp_path / "cham-diem.xlsx", rows)
    before = sha256(seeded)
    whole, in_pieces, _, pieces_db = _import_both_ways(seeded, tmp_path, path, monkeypatch)
    assert len(streamed) == 1
    assert whole.exit_code == in_pieces.exit_code == 1
    assert error_lines(in_pieces) == error_lines(whole)
    assert [(e.row, e.column) for e in error_lines(in_pieces)] == [
        (str(index + 1), "E") for index in marked
    ]
    assert sha256(pieces_db) == before
    assert list(tmp_dir.iterdir()) == []


def test_a_piece_calamine_cannot_parse_ends_the_import_naming_the_file(
    seeded: Path, tmp_path: Path, tmp_dir: Path, streamed: list[pieces.PieceStream]
) -> None:
    rows = _rows()
    # broken XML in the middle of the sheet
    rows[_data_row(rows, 80)][5] = Raw("<t>x</tt>", ' t="inlineStr"')
    path = _workbook(tmp_path / "hong.xlsx", rows)
    before = sha256(seeded)
    result = run(seeded, "import", path)
    assert len(streamed) == 1
    assert result.exit_code == 1, result.output
    assert "hong.xlsx › Chấm điểm: tệp bị hỏng, không đọc được" in result.stderr
    assert "Traceback" not in result.output
    assert sha256(seeded) == before
    assert list(tmp_dir.iterdir()) == []


def test_a_sheet_the_fast_checks_cannot_vouch_for_is_read_whole(
    seeded: Path,
    tmp_path: Path,
    tmp_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed: list[pieces.PieceStream],
) -> None:
    monkeypatch.setattr(pieces, "STREAM_BYTES", 1 << 40)
    rows = _rows()
    # a cell written without its reference, late in the sheet: the exact pass reads it
    late = _data_row(rows, 100)
    rows[late][5] = Raw("")
    xml = sheet_xml(rows).replace(f'<c r="F{late + 1}">', "<c>")
    path = xlsx(tmp_path / "cham-diem.xlsx", xml)
    whole, in_pieces, whole_db, pieces_db = _import_both_ways(seeded, tmp_path, path, monkeypatch)
    assert streamed == []  # abandoned: read whole
    assert whole.exit_code == in_pieces.exit_code == 0, in_pieces.output
    assert scores(pieces_db, "1=1") == scores(whole_db, "1=1")
    assert list(tmp_dir.iterdir()) == []


def test_no_room_for_the_pieces_reads_the_sheet_whole(
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed: list[pieces.PieceStream],
) -> None:
    """The temporary folder full or read-only: the import does not fail, nor take the file
    for a damaged one; the sheet is read whole."""

    def no_room(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", no_room)
    monkeypatch.setattr(pieces, "STREAM_BYTES", 1 << 40)
    path = _workbook(tmp_path / "cham-diem.xlsx", _rows())
    whole, in_pieces, whole_db, pieces_db = _import_both_ways(seeded, tmp_path, path, monkeypatch)
    assert streamed == []
    assert whole.exit_code == in_pieces.exit_code == 0, in_pieces.output
    assert in_pieces.stdout == whole.stdout
    assert scores(pieces_db, "1=1") == scores(whole_db, "1=1")
