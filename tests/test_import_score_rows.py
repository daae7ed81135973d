"""Long score sheets on the one import path (SPEC §3.2, §3.4): what a clerk sees when a sheet of
many rows repeats values, repeats keys, or mixes good rows with bad ones. Each distinct value is
resolved once, but every row that holds a bad value is named; the same key twice names both
rows; nothing is written when anything is wrong."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl

from tests.conftest import error_lines, query, run, scores, total_line
from tests.workbooks import (
    CODES,
    criteria_table,
    long_table,
    members_table,
    write,
)

HEADER = ["Năm", "Kỳ", "Mã đơn vị", "Mã tiêu chí", "Tự chấm", "Thống nhất", "Ghi chú"]
LEAVES = ["1.1", "1.2", "2", "3", "4"]  # base leaves of 2023, max 20, 20, 30, 20, 10


def sheet(path: Path, rows: list[list[object] | None]) -> Path:
    return write(path, long_table(rows, header=HEADER))


def good_rows() -> list[list[object] | None]:
    """Every member of 2023 on every base leaf: 40 rows, 80 scores, values repeated often."""
    return [[2023, "Cả năm", unit, code, 5, "4,5", "đủ"] for unit in CODES for code in LEAVES]


def score_count(db: Path) -> int:
    return query(db, "SELECT count(*) FROM score")[0][0]


def test_many_rows_import_and_reimport_counts(seeded: Path, tmp_path: Path) -> None:
    rows = good_rows()
    first = run(seeded, "import", sheet(tmp_path / "diem.xlsx", rows))
    assert first.exit_code == 0, first.output
    assert total_line(first) == "Tổng: 80 mới, 0 cập nhật, 0 không đổi."
    assert scores(seeded)[("HND", "2", "agreed", "", "FY", 2023)] == 4.5
    rows[0] = [2023, "Cả năm", "MTTQ", "1.1", 6, "4,5", "đủ"]  # self score changed
    rows[1] = [2023, "Cả năm", "MTTQ", "1.2", 5, "4,5", "thiếu"]  # both notes changed
    rows.append([2023, "6 tháng", "MTTQ", "1.1", 3, None, None])  # a new half-year score
    again = run(seeded, "import", sheet(tmp_path / "diem-2.xlsx", rows))
    assert again.exit_code == 0, again.output
    assert total_line(again) == "Tổng: 1 mới, 3 cập nhật, 77 không đổi."
    assert scores(seeded)[("MTTQ", "1.1", "self", "", "FY", 2023)] == 6.0
    assert scores(seeded)[("MTTQ", "1.1", "self", "", "H1", 2023)] == 3.0
    same = run(seeded, "import", sheet(tmp_path / "diem-3.xlsx", rows))
    assert total_line(same) == "Tổng: 0 mới, 0 cập nhật, 81 không đổi."


def test_a_repeated_bad_value_is_named_on_every_row(seeded: Path, tmp_path: Path) -> None:
    rows = good_rows()
    rows[3] = [2023, "Cả năm", "MTTQ", "99", 5, None, None]
    rows[17] = [2023, "Cả năm", "CCB", "99", 5, None, None]
    rows[30] = [2023, "Cả năm", "Hội Làm vườn", "2", 5, None, None]
    rows[31] = [2023, "Cả năm", "Hội Làm vườn", "3", 5, None, None]
    result = run(seeded, "import", sheet(tmp_path / "diem.xlsx", rows))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert [(e.row, e.column, e.value) for e in lines] == [
        ("5", "D", "99"),
        ("19", "D", "99"),
        ("32", "C", "Hội Làm vườn"),
        ("33", "C", "Hội Làm vườn"),
    ]
    assert lines[0].message == "Không có tiêu chí 99 trong bảng tiêu chí năm 2023."
    assert lines[2].message == "Đơn vị “Hội Làm vườn” không có trong danh sách đơn vị."
    assert score_count(seeded) == 0


def test_a_unit_not_a_member_is_said_once_a_sheet(seeded: Path, tmp_path: Path) -> None:
    # the Red Cross (CTD) joined in 2023: not a member in 2022
    rows: list[list[object] | None] = [
        [2022, "Cả năm", "CTD", code, 5, None, None] for code in ("1", "2")
    ]
    result = run(seeded, "import", sheet(tmp_path / "diem.xlsx", rows))
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert (line.row, line.column, line.value) == ("2", "C", "CTD")
    assert line.message == "Hội Chữ thập đỏ tỉnh (CTD) không là thành viên của cụm năm 2022."


def test_duplicate_among_many_rows_names_both_and_writes_nothing(
    seeded: Path, tmp_path: Path
) -> None:
    rows = good_rows()
    rows.append([2023, "Cả năm", "TD", "2", 7, None, None])  # TD, 2, self again (row 42)
    result = run(seeded, "import", sheet(tmp_path / "diem.xlsx", rows))
    assert result.exit_code == 1
    (line,) = error_lines(result)
    first_row = 2 + rows.index([2023, "Cả năm", "TD", "2", 5, "4,5", "đủ"])
    assert (line.row, line.column, line.value) == ("42", "E", "7")
    assert line.message == (
        "Điểm tự chấm của TD, tiêu chí 2, năm 2023 (cả năm) có hai lần: ở đây và ở "
        f"diem.xlsx › Chấm điểm dòng {first_row}."
    )
    assert score_count(seeded) == 0


def test_same_key_in_two_files_and_another_error_are_all_reported(
    seeded: Path, tmp_path: Path
) -> None:
    one = sheet(tmp_path / "a.xlsx", [[2023, "Cả năm", "TD", "1.1", 18, None, None]])
    two = sheet(
        tmp_path / "b.xlsx",
        [
            [2023, "Cả năm", "HND", "1.1", 25, None, None],  # over the maximum 20
            [2023, "Cả năm", "Tỉnh Đoàn", "1.1", 17, None, None],  # TD 1.1 self again
        ],
    )
    result = run(seeded, "import", one, two)
    assert result.exit_code == 1
    lines = error_lines(result)
    assert [(e.file, e.row, e.column, e.value) for e in lines] == [
        ("b.xlsx", "2", "E", "25"),
        ("b.xlsx", "3", "E", "17"),
    ]
    assert lines[0].message == "Điểm 25 vượt điểm tối đa 20 của tiêu chí 1.1."
    assert lines[1].message.endswith("có hai lần: ở đây và ở a.xlsx › Chấm điểm dòng 2.")
    assert score_count(seeded) == 0


def test_members_criteria_and_scores_in_one_import(db: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "ca-nam.xlsx",
        members_table(),
        criteria_table(2023),
        long_table(good_rows(), header=HEADER),
    )
    result = run(db, "import", path)
    assert result.exit_code == 0, result.output
    assert scores(db)[("CTD", "4", "self", "", "FY", 2023)] == 5.0
    assert score_count(db) == 80
    again = run(db, "import", path)
    assert again.exit_code == 0, again.output
    assert "0 mới, 0 cập nhật" in total_line(again)


def test_a_year_that_is_not_a_plain_number_is_an_error(seeded: Path, tmp_path: Path) -> None:
    rows: list[list[object] | None] = [
        ["2023²", "Cả năm", "TD", "2", 20, None, None],
        [2023, "Cả năm", "TD", "3", 9, None, None],
    ]
    result = run(seeded, "import", sheet(tmp_path / "nam.xlsx", rows))
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert (line.row, line.column, line.value) == ("2", "A", "2023²")
    assert score_count(seeded) == 0


def test_a_finalised_year_with_no_score_in_the_file_is_not_refused(
    seeded: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(seeded)) as conn, conn:
        conn.execute(
            "INSERT INTO year_lock (cluster_id, year, finalized_at) "
            "VALUES (1, 2022, '2024-01-15 00:00:00')"
        )
    rows: list[list[object] | None] = [
        [2022, "Cả năm", "TD", "1", None, None, "chưa chấm"],  # no score: nothing for 2022
        [2023, "Cả năm", "TD", "1.1", 5, None, None],
    ]
    result = run(seeded, "import", sheet(tmp_path / "khoa.xlsx", rows))
    assert result.exit_code == 0, result.output
    assert score_count(seeded) == 1
    rows.append([2022, "Cả năm", "HND", "2", 5, None, None])  # a 2022 score: refused
    refused = run(seeded, "import", sheet(tmp_path / "khoa-2.xlsx", rows))
    assert refused.exit_code == 1
    assert "Năm 2022 đã chốt kết quả (--finalize), không nhận thêm dữ liệu" in refused.stderr
    assert score_count(seeded) == 1


def boolean_sheet(path: Path, rows: list[list[object]]) -> Path:
    """Cells written by openpyxl as they come: True and False become Excel booleans."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chấm điểm"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_boolean_score_cells_are_errors_even_after_a_one(seeded: Path, tmp_path: Path) -> None:
    """TRUE == 1 in Python: no cache keyed by cell values may take TRUE for a score of 1."""
    rows: list[list[object]] = [
        [2023, "Cả năm", "TD", "1.1", 1, 1, None],  # 1 is known (and good) before TRUE comes
        [2023, "Cả năm", "TD", "1.2", True, 5, None],
        [2023, "Cả năm", "HND", "1.1", False, 1, None],
        [2023, "Cả năm", "HND", "1.2", 1, True, None],
        [2023, "Cả năm", "HPN", "2", 1, 0, None],
    ]
    result = run(seeded, "import", boolean_sheet(tmp_path / "bool.xlsx", rows))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.value) for e in error_lines(result)] == [
        ("3", "E", "TRUE"),
        ("4", "E", "FALSE"),
        ("5", "F", "TRUE"),
    ]
    assert score_count(seeded) == 0


def test_a_note_true_and_a_note_one_stay_apart(seeded: Path, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [2023, "Cả năm", "TD", "1.1", 5, None, 1],
        [2023, "Cả năm", "TD", "1.2", 6, None, True],
    ]
    result = run(seeded, "import", boolean_sheet(tmp_path / "ghi-chu.xlsx", rows))
    assert result.exit_code == 0, result.output
    notes = query(seeded, "SELECT points_c, note FROM score ORDER BY points_c")
    assert notes == [(500, "1"), (600, "TRUE")]
