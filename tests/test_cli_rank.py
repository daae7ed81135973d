"""rank, rotation and rules through the command line, on the committed sample year
(Cụm thi đua số 7, 2023): the figures below were checked by hand against the sheets."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from thidua_cli.cli.app import app
from thidua_cli.resources import sample_data_dir

ENV = {"COLUMNS": "250", "THIDUA_DB": None, "NO_COLOR": "1"}


def run(db: Path, *args: object) -> Result:
    return CliRunner(env=ENV).invoke(app, ["--db", str(db), *map(str, args)])


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "c7.db"
    assert (
        run(
            db, "init", "--code", "C7", "--name", "Cụm thi đua số 7", "--province", "Thanh Hóa"
        ).exit_code
        == 0
    )
    result = run(db, "import", sample_data_dir())
    assert result.exit_code == 0, result.stderr
    return db


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "c7.db"
    shutil.copyfile(sample_db, copy)
    return copy


def test_rank_table_shows_the_hand_checked_year(db: Path) -> None:
    result = run(db, "rank", "--year", 2023)
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in line.strip("│").split("│")] for line in lines]
    assert [c[1] for c in cells] == ["TD", "HPN", "MTTQ", "LDLD", "CCB", "HND", "LMHTX", "CTD"]
    assert cells[0] == [
        "1",
        "TD",
        "Tỉnh Đoàn",
        "102",
        "91,5",
        "4",
        "0",
        "95,5",
        "Xuất sắc",
        "Cờ thi đua cấp tỉnh (dẫn đầu)",
    ]
    # HPN's bonus of 12 is capped at 10: 78,5 + 10 = 88,5, band Tốt not Xuất sắc
    assert cells[1][4:10] == ["78,5", "10", "0", "88,5", "Tốt", "Bằng khen"]
    assert cells[2][7:10] == ["86,5", "Tốt", "Bằng khen"]
    assert cells[6][4:8] == ["72", "0", "1,5", "70,5"]
    assert cells[7][7:9] == ["68,25", "Khá"]
    assert "Năm 2024: Trưởng cụm Tỉnh Đoàn, Phó cụm Hội Nông dân tỉnh." in result.stdout


def test_ranking_the_same_data_again_writes_nothing(db: Path) -> None:
    import hashlib

    def digest() -> str:
        return hashlib.sha256(db.read_bytes()).hexdigest()

    def stored() -> list[tuple]:
        with sqlite3.connect(db) as conn:
            return conn.execute(
                "SELECT unit_id, total_c, rank, computed_at FROM result "
                "WHERE year = 2023 AND period = 'FY' ORDER BY rank"
            ).fetchall()

    assert run(db, "rank", "--year", 2023).exit_code == 0
    first, before = stored(), digest()
    assert len(first) == 8
    assert run(db, "rank", "--year", 2023, "--json").exit_code == 0
    assert digest() == before  # same results: not rewritten, first time kept
    with sqlite3.connect(db) as conn:  # the agreed score of CTD's first leaf goes down by 1
        conn.execute(
            "UPDATE score SET points_c = points_c - 100 WHERE layer = 'agreed' AND year = 2023 "
            "AND period = 'FY' AND unit_id = (SELECT id FROM unit WHERE code = 'CTD') "
            "AND criterion_id = (SELECT min(s.criterion_id) FROM score s JOIN unit u "
            "ON u.id = s.unit_id WHERE u.code = 'CTD' AND s.layer = 'agreed' AND s.year = 2023 "
            "AND s.points_c >= 100)"
        )
    assert run(db, "rank", "--year", 2023).exit_code == 0
    after = stored()
    assert [r[:2] for r in after] != [r[:2] for r in first]  # CTD's total went down by 1
    assert after[0][3] > first[0][3]  # rewritten, with the new time


def test_rank_json_has_the_exact_spec_shape(db: Path) -> None:
    result = run(db, "rank", "--year", 2023, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "cluster",
        "year",
        "period",
        "scale",
        "provisional",
        "units",
        "next_head",
        "next_deputy",
        "warnings",
    ]
    assert (data["cluster"], data["year"], data["period"], data["scale"]) == ("C7", 2023, "FY", 100)
    assert data["provisional"] is False
    first = data["units"][0]
    assert list(first) == [
        "code",
        "name",
        "self_total",
        "base",
        "bonus",
        "deduction",
        "total",
        "rank",
        "band",
        "leader",
        "proposal",
        "vetoed",
        "provisional",
        "missing",
    ]
    assert first == {
        "code": "TD",
        "name": "Tỉnh Đoàn",
        "self_total": 102.0,
        "base": 91.5,
        "bonus": 4.0,
        "deduction": 0.0,
        "total": 95.5,
        "rank": 1,
        "band": "Xuất sắc",
        "leader": True,
        "proposal": "Cờ thi đua cấp tỉnh",
        "vetoed": False,
        "provisional": False,
        "missing": [],
    }
    assert [u["total"] for u in data["units"]] == [95.5, 88.5, 86.5, 83.0, 82.0, 79.0, 70.5, 68.25]
    assert [u["proposal"] for u in data["units"]][:4] == [
        "Cờ thi đua cấp tỉnh",
        "Bằng khen",
        "Bằng khen",
        None,
    ]
    assert (data["next_head"], data["next_deputy"]) == ("TD", "HND")


def test_rank_csv_and_xlsx_give_the_same_table(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "ket-qua.xlsx"
    result = run(db, "rank", "--year", 2023, "--csv", "--xlsx", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith("\ufeff".encode())  # UTF-8 BOM: Excel reads diacritics
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Hạng", "Mã", "Đơn vị"]
    assert rows[1][:2] == ["1", "TD"] and rows[1][7] == "95,5"
    assert len(rows) == 9
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet["A3"].value == "Hạng"
    assert (sheet["B4"].value, sheet["H4"].value) == ("TD", 95.5)
    assert (sheet["B11"].value, sheet["H11"].value) == ("CTD", 68.25)


def test_explain_lists_every_criterion_and_the_separation(db: Path) -> None:
    result = run(db, "rank", "--year", 2023, "--explain", "Tỉnh Đoàn")
    assert result.exit_code == 0, result.stderr
    for code in ("1.1", "1.2.a", "1.2.b", "2", "3.1", "4.2", "6.3", "7", "8", "9", "10", "13"):
        assert f"  {code} " in result.stdout
    assert "Tổng điểm = 91,5 + 4 − 0 = 95,5" in result.stdout
    assert "HPN" in result.stdout.splitlines()[-1]


def test_explain_of_an_unknown_unit_suggests(db: Path) -> None:
    result = run(db, "rank", "--year", 2023, "--explain", "Hội Nông dan")
    assert result.exit_code == 0  # folded name still finds HND
    result = run(db, "rank", "--year", 2023, "--explain", "Hội Nông nghiệp")
    assert result.exit_code == 2
    assert "Có phải: Hội Nông dân tỉnh" in result.stderr


def test_half_year_is_provisional_and_names_no_leader(db: Path) -> None:
    result = run(db, "rank", "--year", 2024, "--half", 1, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["period"] == "H1" and data["provisional"] is True
    assert all(
        u["provisional"] and not u["leader"] and u["proposal"] is None for u in data["units"]
    )
    assert data["units"][0]["code"] == "TD" and data["units"][0]["total"] == 94.0


def test_bad_options_are_usage_errors(db: Path) -> None:
    result = run(db, "rank", "--year", 2023, "--half", 2)
    assert result.exit_code == 2 and "--half chỉ nhận giá trị 1" in result.stderr
    result = run(db, "rank", "--year", 2031)
    assert result.exit_code == 1 and "Năm 2031 chưa có danh sách đơn vị thành viên" in result.stderr


def test_finalize_locks_imports_and_reranks(db: Path, tmp_path: Path) -> None:
    from tests.workbooks import long_table, write

    assert run(db, "rank", "--year", 2023, "--finalize").exit_code == 0
    again = run(db, "rank", "--year", 2023)  # a view of the frozen year: no --force needed
    assert again.exit_code == 0 and "Năm 2023 đã chốt ngày" in again.stderr
    same = run(db, "import", sample_data_dir() / "05-diem-thong-nhat-2023.xlsx")
    assert same.exit_code == 0 and "Tổng: 0 mới, 0 cập nhật, 123 không đổi." in same.stdout
    changed = write(
        tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "1.1", None, None, None, 8, None]])
    )
    refused = run(db, "import", changed)
    assert refused.exit_code == 1 and "đã chốt" in refused.stderr
    forced = run(db, "rank", "--year", 2023, "--force")
    assert forced.exit_code == 0
    with sqlite3.connect(db) as con:
        actions = [r[0] for r in con.execute("SELECT action FROM audit_event")]
    assert "forced_rank" in actions


def test_rotation_proposes_with_reasons_and_an_election_wins(db: Path) -> None:
    result = run(db, "rotation")
    assert result.exit_code == 0, result.stderr
    # the head and deputy votes of the 2023 conference (Năm 2023) elected 2024's
    assert (
        "Trưởng cụm: Tỉnh Đoàn (TD) – Hội nghị tổng kết năm 2023 đã bỏ phiếu bầu Trưởng cụm "
        "năm 2024 (đạt tỷ lệ phiếu của quy chế)" in result.stdout
    )
    assert "Phó cụm: Hội Nông dân tỉnh (HND)" in result.stdout
    assert "Đã quyết định năm 2024" in result.stdout
    elected = run(
        db,
        "rotation",
        "set",
        "--year",
        2024,
        "--head",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "--deputy",
        "TD",
    )
    assert elected.exit_code == 0, elected.stderr
    data = json.loads(run(db, "rank", "--year", 2023, "--json").stdout)
    assert (data["next_head"], data["next_deputy"]) == ("MTTQ", "TD")
    shown = run(db, "rotation", "--year", 2024)
    assert "Đã quyết định năm 2024" in shown.stdout


def test_rotation_set_refuses_unknown_units_and_the_same_unit_twice(db: Path) -> None:
    unknown = run(
        db, "rotation", "set", "--year", 2024, "--head", "Tinh Doan", "--deputy", "Hội Nông nghiệp"
    )
    assert unknown.exit_code == 2 and "Có phải: Hội Nông dân tỉnh;" in unknown.stderr
    same = run(db, "rotation", "set", "--year", 2024, "--head", "TD", "--deputy", "TD")
    assert same.exit_code == 2 and "không được là một đơn vị" in same.stderr


def test_rules_show_sources_and_set_changes_the_ranking(db: Path) -> None:
    shown = run(db, "rules", "--year", 2023)
    assert shown.exit_code == 0
    bonus = next(line for line in shown.stdout.splitlines() if "bonus_cap" in line)
    assert "09-quy-che.xlsx" in bonus
    assert run(db, "rules", "set", "bonus_cap", "15", "--from-year", 2023).exit_code == 0
    data = json.loads(run(db, "rank", "--year", 2023, "--json").stdout)
    hpn = next(u for u in data["units"] if u["code"] == "HPN")
    assert (hpn["bonus"], hpn["total"], hpn["band"]) == (12.0, 90.5, "Xuất sắc")
    shown = run(db, "rules", "--year", 2023)
    assert "lệnh thidua rules set" in next(
        line for line in shown.stdout.splitlines() if "bonus_cap" in line
    )


def test_rules_set_rejects_bad_keys_and_values(db: Path) -> None:
    bad_key = run(db, "rules", "set", "bonus", "5", "--from-year", 2024)
    assert bad_key.exit_code == 2 and "aggregation" in bad_key.stderr
    bad_value = run(db, "rules", "set", "aggregation", "average", "--from-year", 2024)
    assert bad_value.exit_code == 2 and "median" in bad_value.stderr


def test_reimported_head_history_keeps_the_election(db: Path) -> None:
    assert (
        run(db, "rotation", "set", "--year", 2023, "--head", "TD", "--deputy", "HND").exit_code == 0
    )
    result = run(db, "import", sample_data_dir() / "07-truong-cum.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "năm 2023 đã ghi kết quả hội nghị bầu" in result.stderr
    with sqlite3.connect(db) as con:
        head, how = con.execute(
            "SELECT u.code, l.how FROM leadership l JOIN unit u ON u.id = l.head_unit_id "
            "WHERE l.year = 2023"
        ).fetchone()
    assert (head, how) == ("TD", "elected")
