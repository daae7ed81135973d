"""All or nothing, idempotent, recorded (SPEC §3.4): --dry-run writes nothing, the same data
again changes nothing, a changed value is one update, every import is recorded, and a finalised
year needs --force, which is recorded too."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from tests.conftest import only_error, query, run, scores, sha256, summary_rows, total_line
from tests.workbooks import (
    CODES,
    criteria_table,
    long_table,
    members_table,
    self_form_table,
    self_scores,
    wide_table,
    write,
)
from thidua_cli.imports.pipeline import run_import
from thidua_cli.imports.report import ImportOptions
from thidua_cli.store.db import get_engine


def _batch(folder: Path) -> list[Path]:
    """A year's worth of files in one folder: members, table, agreed sheet, three forms."""
    return [
        write(folder / "01-thanh-vien.xlsx", members_table()),
        write(folder / "02-tieu-chi.xlsx", criteria_table(2023)),
        write(folder / "05-thong-nhat.xlsx", wide_table({c: self_scores(c, 1) for c in CODES})),
        *[
            write(folder / "tu-cham" / f"{code}.xlsx", self_form_table(code, self_scores(code)))
            for code in ("TD", "HND", "CCB")
        ],
    ]


def test_dry_run_checks_everything_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    _batch(tmp_path / "nam-2023")
    before = sha256(db)
    result = run(db, "import", "--dry-run", tmp_path / "nam-2023")
    assert result.exit_code == 0, result.output
    assert sha256(db) == before
    assert "Kết quả nhập (chạy thử)" in result.stdout
    # 15 memberships + 15 criteria + 50 agreed + 19 self scores (6 + 7 + 6)
    assert total_line(result) == "Tổng: 99 mới, 0 cập nhật, 0 không đổi."
    assert "Chạy thử (--dry-run): chưa ghi gì vào cơ sở dữ liệu." in result.stdout
    assert query(db, "SELECT count(*) FROM import_record") == [(0,)]


def test_folder_import_then_the_same_again(db: Path, tmp_path: Path) -> None:
    _batch(tmp_path / "nam-2023")
    first = run(db, "import", tmp_path / "nam-2023")
    assert first.exit_code == 0, first.output
    assert total_line(first) == "Tổng: 99 mới, 0 cập nhật, 0 không đổi."
    # files inside a folder are named from the folder, so two forms never look alike
    assert (
        "nam-2023/tu-cham/TD.xlsx",
        "Bảng tự chấm",
        "bảng tự chấm của đơn vị",
        "15",  # 15 criterion rows; the "Tổng cộng" row is skipped, not counted
        "6",
        "0",
        "0",
    ) in summary_rows(first)
    stored = scores(db)
    again = run(db, "import", tmp_path / "nam-2023")
    assert again.exit_code == 0, again.output
    assert total_line(again) == "Tổng: 0 mới, 0 cập nhật, 99 không đổi."
    assert scores(db) == stored


def test_a_changed_value_is_counted_as_updated(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [2023, "Cả năm", "TD", "1.1", 18, None, None, None, None],
        [2023, "Cả năm", "TD", "1.2", 19, None, None, None, None],
    ]
    path = tmp_path / "s.xlsx"
    assert run(seeded, "import", write(path, long_table(rows))).exit_code == 0
    rows[1][4] = "19,5"
    rows.append([2023, "Cả năm", "TD", "2", 27, None, None, None, None])
    result = run(seeded, "import", write(path, long_table(rows)))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 1 mới, 1 cập nhật, 1 không đổi."
    assert summary_rows(result) == [
        ("s.xlsx", "Chấm điểm", "bảng chấm điểm (dạng dọc)", "3", "1", "1", "1")
    ]
    assert scores(seeded)[("TD", "1.2", "self", "", "FY", 2023)] == 19.5


def test_a_changed_note_is_an_update_too(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    row = [2023, "Cả năm", "TD", "1.1", 18, None, None, None, None]
    assert run(seeded, "import", write(path, long_table([row]))).exit_code == 0
    result = run(seeded, "import", write(path, long_table([[*row[:8], "thiếu minh chứng"]])))
    assert total_line(result) == "Tổng: 0 mới, 1 cập nhật, 0 không đổi."
    assert query(seeded, "SELECT note FROM score") == [("thiếu minh chứng",)]


def test_every_import_is_recorded_with_file_hash_and_counts(seeded: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.xlsx",
        long_table(
            [
                [2023, "Cả năm", "TD", "1.1", 18, None, None, "17,5", None],
                [2023, "Cả năm", "HND", "1.1", 16, None, None, None, None],
            ]
        ),
    )
    assert run(seeded, "import", path).exit_code == 0
    assert run(seeded, "import", path).exit_code == 0
    records = query(
        seeded,
        "SELECT file_name, sha256, sheet, kind, rows_new, rows_updated, rows_unchanged, forced "
        "FROM import_record WHERE file_name = 's.xlsx' ORDER BY id",
    )
    digest = sha256(path)
    assert records == [
        ("s.xlsx", digest, "Chấm điểm", "scores", 3, 0, 0, 0),
        ("s.xlsx", digest, "Chấm điểm", "scores", 0, 0, 3, 0),
    ]
    # the seed import recorded its three files too
    assert query(seeded, "SELECT count(*) FROM import_record") == [(5,)]


def test_finalised_year_refuses_import_without_force(seeded: Path, tmp_path: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        conn.execute(
            "INSERT INTO year_lock (cluster_id, year, finalized_at) VALUES (1, 2023, ?)",
            (dt.datetime(2024, 1, 10, 9, 0).isoformat(sep=" "),),
        )
    path = write(
        tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "1.1", 18, None, None, None, None]])
    )
    before = sha256(seeded)
    refused = run(seeded, "import", path)
    assert refused.exit_code == 1
    assert sha256(seeded) == before
    line = only_error(refused)
    assert line.file == "s.xlsx"
    assert line.message == (
        "Năm 2023 đã chốt kết quả (--finalize), không nhận thêm dữ liệu làm thay đổi năm đó."
    )
    assert line.hint == "Dùng --force nếu thật sự cần sửa; việc này sẽ được ghi lại."

    forced = run(seeded, "import", path, "--force")
    assert forced.exit_code == 0, forced.output
    assert scores(seeded) == {("TD", "1.1", "self", "", "FY", 2023): 18.0}
    assert query(seeded, "SELECT cluster_id, year, action, detail FROM audit_event") == [
        (1, 2023, "forced_import", "s.xlsx")
    ]
    assert query(seeded, "SELECT forced FROM import_record WHERE file_name = 's.xlsx'") == [(1,)]


def test_other_years_are_not_locked_by_a_finalised_year(seeded: Path, tmp_path: Path) -> None:
    with sqlite3.connect(seeded) as conn:
        conn.execute(
            "INSERT INTO year_lock (cluster_id, year, finalized_at) "
            "VALUES (1, 2022, '2023-01-10 09:00:00')"
        )
    path = write(
        tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "1.1", 18, None, None, None, None]])
    )
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert query(seeded, "SELECT count(*) FROM audit_event") == [(0,)]


def test_library_call_reports_the_same_as_the_command(seeded: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.xlsx",
        long_table(
            [
                [2023, "Cả năm", "TD", "1.1", 18, None, None, None, None],
                [2023, "Cả năm", "TD", "1.2", 25, None, None, None, None],
            ]
        ),
    )
    engine = get_engine(str(seeded))
    before = sha256(seeded)
    report = run_import(engine, [path], ImportOptions())
    engine.dispose()
    assert sha256(seeded) == before
    assert [(e.file, e.sheet, e.row, e.column, e.value) for e in report.errors] == [
        ("s.xlsx", "Chấm điểm", 3, "E", "25")
    ]
    assert report.errors[0].message == "Điểm 25 vượt điểm tối đa 20 của tiêu chí 1.2."
    assert report.errors[0].where() == "s.xlsx, sheet “Chấm điểm”, dòng 3, cột E"
