"""A finalised year holds (SPEC §4.4): after `rank --year 2023 --finalize` on the sample data,
every way of changing 2023 is refused with an unchanged database, or leaves the 2023 report
(md and html) and `rank --json` byte-identical; views and exports work without --force and
never write; --force applies, is recorded and freezes the year again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import query, run, sha256
from tests.workbooks import Table, members_table, rules_table, write
from thidua_cli.resources import sample_data_dir

SAMPLES = sample_data_dir()


@pytest.fixture(scope="module")
def _finalised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("finalised") / "c7.db"
    init = run(db, "init", "--code", "C7", "--name", "Cụm thi đua số 7", "--province", "Thanh Hóa")
    assert init.exit_code == 0
    assert run(db, "import", SAMPLES).exit_code == 0
    finalised = run(db, "rank", "--year", 2023, "--finalize")
    assert finalised.exit_code == 0, finalised.output
    assert "Đã chốt năm 2023" in finalised.stderr
    return db


@pytest.fixture
def db(_finalised: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "c7.db"
    shutil.copyfile(_finalised, copy)
    return copy


def outputs(db: Path, folder: Path) -> dict[str, bytes]:
    """What the clerk signs for 2023: the report (md, html) and the ranking JSON."""
    folder.mkdir(exist_ok=True)
    found = {}
    for fmt in ("md", "html"):
        path = folder / f"bao-cao-2023.{fmt}"
        result = run(db, "report", "--year", 2023, "--format", fmt, "--out", path)
        assert result.exit_code == 0, result.output
        found[fmt] = path.read_bytes()
    ranked = run(db, "rank", "--year", 2023, "--json")
    assert ranked.exit_code == 0, ranked.output
    found["json"] = ranked.stdout.encode("utf-8")
    return found


def refused(db: Path, *args: object) -> str:
    """Run a command that must be refused: exit 1 or 2, the database file unchanged."""
    before = sha256(db)
    result = run(db, *args)
    assert result.exit_code in (1, 2), result.output
    assert sha256(db) == before
    return result.stderr


@pytest.mark.parametrize(
    "sample",
    [
        "01-thanh-vien.xlsx",
        "02-bang-tieu-chi.xlsx",
        "03-tu-cham-2023",
        "05-diem-thong-nhat-2023.xlsx",
        "06-bo-phieu-2023.xlsx",
        "07-truong-cum.xlsx",
        "08-khen-thuong-2023.xlsx",
        ".",
    ],
)
def test_reimporting_what_the_finalised_year_holds_changes_nothing(
    db: Path, tmp_path: Path, sample: str
) -> None:
    """SPEC §3: a finalised year refuses an import that would change it. The same files again
    change nothing: they import, every row unchanged, and 2023 shows exactly what it showed."""
    before = outputs(db, tmp_path / "before")
    result = run(db, "import", SAMPLES / sample)
    assert result.exit_code == 0, result.output
    assert " 0 mới, 0 cập nhật," in result.stdout
    assert outputs(db, tmp_path / "after") == before


def _changed_2023(tmp_path: Path, kind: str) -> Path:
    """A sheet of each kind changing one thing of 2023."""
    from tests.workbooks import (
        commendations_tables,
        criteria_table,
        leadership_table,
        long_table,
        votes_table,
    )

    tables = {
        "members": lambda: [
            Table(
                "Đơn vị",
                ["Mã đơn vị", "Tên đơn vị", "Năm", "Thứ tự luân phiên"],
                [["TD", "Tỉnh Đoàn", 2023, 9]],
            )
        ],
        "criteria": lambda: [criteria_table(2023)],
        "scores": lambda: [
            long_table([[2023, "Cả năm", "TD", "1.1", None, None, None, 8.5, None]])
        ],
        "votes": lambda: [votes_table([[2023, "Dẫn đầu", "TD", 3, 8, 8]])],
        "leadership": lambda: [leadership_table([[2023, "HND", "TD"]])],
        "commendations": lambda: commendations_tables(
            [[1, "Người Mới", "Nam", None, "Kinh", "Chuyên viên", "TD", "Giấy khen", None, None]]
        ),
    }
    return write(tmp_path / f"{kind}.xlsx", *tables[kind]())


@pytest.mark.parametrize(
    "kind", ["members", "criteria", "scores", "votes", "leadership", "commendations"]
)
def test_imports_changing_the_finalised_year_are_refused(
    db: Path, tmp_path: Path, kind: str
) -> None:
    message = refused(db, "import", _changed_2023(tmp_path, kind))
    assert "Năm 2023 đã chốt kết quả (--finalize)" in message
    assert "--force" in message


def test_a_rules_sheet_changing_2023_or_earlier_is_refused(db: Path, tmp_path: Path) -> None:
    for from_year in (2023, 2021):
        sheet = write(
            tmp_path / f"quy-che-{from_year}.xlsx", rules_table([["bonus_cap", 15, from_year]])
        )
        message = refused(db, "import", sheet)
        assert "Năm 2023 đã chốt kết quả (--finalize)" in message
    # the same rules again change nothing: accepted, 2023 untouched
    before = outputs(db, tmp_path / "a")
    again = run(db, "import", SAMPLES / "09-quy-che.xlsx")
    assert again.exit_code == 0, again.output
    assert outputs(db, tmp_path / "b") == before


def test_rules_set_from_2023_or_earlier_is_refused_and_later_is_open(
    db: Path, tmp_path: Path
) -> None:
    for from_year in (2023, 2020):
        message = refused(
            db,
            "rules",
            "set",
            "bands",
            "Xuất sắc:95, Tốt:85, Khá:70, Trung bình:0",
            "--from-year",
            from_year,
        )
        assert (
            f"Năm 2023 đã chốt kết quả (--finalize): không đổi quy chế bands từ năm {from_year}."
            in message
        )
        assert "Thêm --force" in message
    before = outputs(db, tmp_path / "a")
    later = run(
        db,
        "rules",
        "set",
        "bands",
        "Xuất sắc:95, Tốt:85, Khá:70, Trung bình:0",
        "--from-year",
        2024,
    )
    assert later.exit_code == 0, later.output
    assert outputs(db, tmp_path / "b") == before


def test_rotation_set_for_2023_is_refused_and_2024_stays_open(db: Path, tmp_path: Path) -> None:
    message = refused(db, "rotation", "set", "--year", 2023, "--head", "MTTQ", "--deputy", "TD")
    assert (
        "Năm 2023 đã chốt kết quả (--finalize): không ghi lại Trưởng cụm, Phó cụm năm 2023."
        in message
    )
    before = outputs(db, tmp_path / "a")
    elected = run(db, "rotation", "set", "--year", 2024, "--head", "MTTQ", "--deputy", "TD")
    assert elected.exit_code == 0, elected.output
    assert "Đã ghi năm 2024: Trưởng cụm MTTQ, Phó cụm TD (hội nghị bầu)." in elected.stdout
    assert outputs(db, tmp_path / "b") == before  # 2023's documents keep what was frozen
    # a year with no member list yet takes the previous year's members
    next_year = run(db, "rotation", "set", "--year", 2025, "--head", "LDLD", "--deputy", "CCB")
    assert next_year.exit_code == 0, next_year.output


def test_renaming_the_cluster_leaves_the_finalised_year_as_it_was(db: Path, tmp_path: Path) -> None:
    before = outputs(db, tmp_path / "a")
    renamed = run(db, "init", "--code", "C7", "--name", "Cụm thi đua các đoàn thể tỉnh")
    assert renamed.exit_code == 0, renamed.output
    assert "Tên cụm: Cụm thi đua số 7 → Cụm thi đua các đoàn thể tỉnh." in renamed.stdout
    assert "Năm đã chốt (2023) giữ nguyên tên và địa danh như lúc chốt" in renamed.stdout
    assert outputs(db, tmp_path / "b") == before


def test_renaming_a_unit_in_the_2024_list_leaves_2023_as_it_was(db: Path, tmp_path: Path) -> None:
    before = outputs(db, tmp_path / "a")
    table = members_table({2024: ["TD"]})
    rows = [list(row) if row else row for row in table.rows]
    rows[0][2] = "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh"  # type: ignore[index]
    sheet = write(tmp_path / "thanh-vien-2024.xlsx", Table(**{**table.__dict__, "rows": rows}))
    result = run(db, "import", sheet)
    assert result.exit_code == 0, result.output
    assert outputs(db, tmp_path / "b") == before
    assert "Tỉnh Đoàn".encode() in before["md"]
    status = run(db, "status", "--year", 2024)
    assert "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh" in status.stdout


def test_views_and_exports_of_the_finalised_year_work_without_force_and_never_write(
    db: Path, tmp_path: Path
) -> None:
    before = sha256(db)
    shown = run(db, "rank", "--year", 2023)
    assert shown.exit_code == 0, shown.output
    assert "Năm 2023 đã chốt ngày" in shown.stderr
    data = json.loads(run(db, "rank", "--year", 2023, "--json").stdout)
    assert [u["code"] for u in data["units"]][:3] == ["TD", "HPN", "MTTQ"]
    csv_out = run(db, "rank", "--year", 2023, "--csv")
    assert csv_out.exit_code == 0 and "95,5" in csv_out.stdout
    xlsx = run(db, "rank", "--year", 2023, "--xlsx", tmp_path / "kq.xlsx")
    assert xlsx.exit_code == 0 and (tmp_path / "kq.xlsx").exists()
    explained = run(db, "rank", "--year", 2023, "--explain", "TD")
    assert explained.exit_code == 0 and "Tổng điểm = 91,5 + 4 − 0 = 95,5" in explained.stdout
    again = run(db, "rank", "--year", 2023, "--finalize")
    assert again.exit_code == 0, again.output
    report = run(db, "report", "--year", 2023, "--format", "md", "--out", tmp_path / "r.md")
    assert report.exit_code == 0, report.output
    assert sha256(db) == before


def test_the_report_of_a_finalised_year_is_dated_the_day_it_was_finalised(
    db: Path, tmp_path: Path
) -> None:
    day = query(db, "SELECT finalized_at FROM year_lock WHERE year = 2023")[0][0][:10]
    yyyy, mm, dd = day.split("-")
    out = tmp_path / "r.md"
    assert run(db, "report", "--year", 2023, "--format", "md", "--out", out).exit_code == 0
    month = mm if int(mm) <= 2 else str(int(mm))
    assert f"ngày {dd} tháng {month} năm {yyyy}" in out.read_text(encoding="utf-8")
    dated = run(
        db, "report", "--year", 2023, "--format", "md", "--out", out, "--date", "20/12/2023"
    )
    assert dated.exit_code == 0, dated.output
    assert "ngày 20 tháng 12 năm 2023" in out.read_text(encoding="utf-8")
    bad = run(db, "report", "--year", 2023, "--date", "2023-12-20")
    assert bad.exit_code == 2 and "--date “2023-12-20” không hợp lệ" in bad.stderr


def test_force_applies_records_and_freezes_again(db: Path, tmp_path: Path) -> None:
    forced = run(db, "rules", "set", "bonus_cap", "15", "--from-year", 2023, "--force")
    assert forced.exit_code == 0, forced.output
    assert "Năm 2023 đã chốt: đã sửa do có --force (đã ghi lại) và chốt lại năm" in forced.stderr
    data = json.loads(run(db, "rank", "--year", 2023, "--json").stdout)
    hpn = next(u for u in data["units"] if u["code"] == "HPN")
    assert (hpn["bonus"], hpn["total"], hpn["band"]) == (12.0, 90.5, "Xuất sắc")
    assert ("forced_rules_set", 2023) in query(db, "SELECT action, year FROM audit_event")
    unchanged = run(db, "import", SAMPLES / "06-bo-phieu-2023.xlsx", "--force")
    assert unchanged.exit_code == 0, unchanged.output
    assert ("forced_import", 2023) not in query(db, "SELECT action, year FROM audit_event")
    imported = run(db, "import", _changed_2023(tmp_path, "votes"), "--force")
    assert imported.exit_code == 0, imported.output
    assert "chốt lại năm đó với dữ liệu mới" in imported.stdout + imported.stderr
    assert ("forced_import", 2023) in query(db, "SELECT action, year FROM audit_event")
    rotated = run(
        db, "rotation", "set", "--year", 2023, "--head", "TD", "--deputy", "HND", "--force"
    )
    assert rotated.exit_code == 0, rotated.output
    reranked = run(db, "rank", "--year", 2023, "--force")
    assert reranked.exit_code == 0 and "chốt lại do có --force" in reranked.stderr


def test_an_import_waiting_while_the_year_is_finalised_is_refused(
    _finalised: Path, tmp_path: Path
) -> None:
    """The lock is checked inside the import's own write transaction: an import that starts
    while a finalisation holds the write lock waits, then sees the lock and writes nothing."""
    import threading
    import time
    from datetime import UTC, datetime

    from thidua_cli.services.context import pick_cluster
    from thidua_cli.services.ranking import freeze_year
    from thidua_cli.store.db import get_engine
    from thidua_cli.store.locks import write_transaction

    db = tmp_path / "c7.db"
    shutil.copyfile(_finalised, db)
    with __import__("sqlite3").connect(db) as conn:  # 2023 not finalised yet
        conn.execute("DELETE FROM year_lock")
    engine = get_engine(str(db))
    with engine.connect() as conn:
        cluster = pick_cluster(conn, None)
    imports_before = query(db, "SELECT count(*) FROM import_record")
    results: list = []
    changed = _changed_2023(tmp_path, "scores")
    importer = threading.Thread(target=lambda: results.append(run(db, "import", changed)))
    with write_transaction(engine, cluster.id) as conn:
        importer.start()  # it has read nothing yet: it waits for the write lock
        time.sleep(0.5)
        assert importer.is_alive()
        freeze_year(conn, cluster, 2023, datetime.now(UTC))
    importer.join(timeout=60)
    engine.dispose()
    assert results and results[0].exit_code == 1, results[0].output if results else None
    assert "Năm 2023 đã chốt kết quả (--finalize)" in results[0].stderr
    assert query(db, "SELECT count(*) FROM import_record") == imports_before  # nothing written
