"""One truth for the results a clerk signs: the layer chosen per unit (SPEC §4.1), one display
rounding in every output (§4.4), missing votes said everywhere (§4.3), half-year units that
sent nothing left unranked, and units that belong to their own cluster (§2)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import query, run
from tests.workbooks import long_table, members_table, votes_table, write

FULL = {"1.1": 20, "1.2": 20, "2": 30, "3": 20, "4": 10}


def score_rows(unit: str, layer: str, points: dict[str, object], scorer: str = "") -> list:
    column = {"self": 4, "peer": 5, "agreed": 7}[layer]
    rows = []
    for criterion, value in points.items():
        row: list[object] = [2023, "Cả năm", unit, criterion, None, None, None, None, None]
        row[column] = value
        if layer == "peer":
            row[6] = scorer
        rows.append(row)
    return rows


def test_a_total_ending_in_125_shows_13_in_every_output(seeded: Path, tmp_path: Path) -> None:
    # TD is scored by its peers only: criterion 4 is the mean of 6,25 and 6 = 6,125
    rows = []
    for scorer, four in (("MTTQ", "6,25"), ("CCB", 6)):
        rows += score_rows("TD", "peer", {**FULL, "4": four}, scorer)
    rows += score_rows("MTTQ", "agreed", {"1.1": 10, "1.2": 10, "2": 10, "3": 10, "4": 10})
    imported = run(seeded, "import", write(tmp_path / "diem.xlsx", long_table(rows)))
    assert imported.exit_code == 0, imported.output

    data = json.loads(run(seeded, "rank", "--year", 2023, "--json").stdout)
    td = data["units"][0]
    assert (td["code"], td["total"], td["base"]) == ("TD", 96.125, 96.125)  # exact in JSON
    table = run(seeded, "rank", "--year", 2023)
    td_row = next(line for line in table.stdout.splitlines() if "│ TD " in line)
    assert "96,13" in td_row and "96,12" not in table.stdout
    csv_text = run(seeded, "rank", "--year", 2023, "--csv").stdout
    assert ",TD,Tỉnh Đoàn,,96,13," in csv_text.replace('"', "").replace("96,13,96,13", "96,13")
    xlsx = tmp_path / "kq.xlsx"
    assert run(seeded, "rank", "--year", 2023, "--xlsx", xlsx).exit_code == 0
    sheet = load_workbook(xlsx).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert 96.13 in values and 96.125 not in values
    for fmt in ("md", "html", "docx"):
        out = tmp_path / f"bc.{fmt}"
        made = run(seeded, "report", "--year", 2023, "--format", fmt, "--out", out)
        assert made.exit_code == 0, made.output
        if fmt == "docx":
            with zipfile.ZipFile(out) as docx:
                text = docx.read("word/document.xml").decode("utf-8")
        else:
            text = out.read_text(encoding="utf-8")
        assert "96,13" in text and "96,12" not in text, fmt


def test_agreed_scores_with_blank_bonus_never_take_the_self_claimed_ones(
    seeded: Path, tmp_path: Path
) -> None:
    rows = score_rows("TD", "self", {**FULL, "5": 6, "6": 4})  # claims a bonus of 10
    rows += score_rows("TD", "agreed", {"1.1": 20, "1.2": 20, "2": 25, "3": 14})  # no bonus
    rows += score_rows("HND", "self", {"1.1": 15, "1.2": 15, "2": 20, "3": 15, "4": 5, "7": 2})
    imported = run(seeded, "import", write(tmp_path / "diem.xlsx", long_table(rows)))
    assert imported.exit_code == 0, imported.output
    result = run(seeded, "rank", "--year", 2023, "--json")
    data = json.loads(result.stdout)
    td = next(u for u in data["units"] if u["code"] == "TD")
    assert (td["total"], td["bonus"], td["deduction"], td["band"]) == (79.0, 0.0, 0.0, "Khá")
    assert (td["provisional"], td["self_total"], td["missing"]) == (False, 110.0, ["4"])
    hnd = next(u for u in data["units"] if u["code"] == "HND")
    assert (hnd["total"], hnd["provisional"]) == (68.0, True)
    assert data["provisional"] is True
    assert (
        "Đơn vị HND chưa có điểm thống nhất hay chấm chéo: dùng điểm tự chấm, kết quả chưa "
        "thẩm định." in result.stderr
    )
    explained = run(seeded, "rank", "--year", 2023, "--explain", "TD")
    assert "5 Sáng kiến được công nhận (tối đa 6): không có điểm thống nhất, không tính" in (
        explained.stdout
    )


def test_without_votes_status_rank_and_reports_say_so(seeded: Path, tmp_path: Path) -> None:
    rows = score_rows("TD", "agreed", FULL) + score_rows("MTTQ", "agreed", {**FULL, "3": 10})
    assert run(seeded, "import", write(tmp_path / "diem.xlsx", long_table(rows))).exit_code == 0
    status = run(seeded, "status", "--year", 2023)
    assert "Kết quả bỏ phiếu: chưa có (chưa nhập sheet Bỏ phiếu năm 2023)." in status.stdout
    assert "Chưa nhập kết quả bỏ phiếu năm 2023 (sheet Bỏ phiếu)" in status.stdout
    ranked = run(seeded, "rank", "--year", 2023)
    assert (
        "Chưa nhập kết quả bỏ phiếu năm 2023: đơn vị dẫn đầu và các đề nghị khen thưởng dưới "
        "đây là đề xuất, chờ hội nghị bỏ phiếu." in ranked.stderr
    )
    assert "được đề xuất là đơn vị dẫn đầu" in ranked.stdout
    for fmt in ("md", "html"):
        out = tmp_path / f"bc.{fmt}"
        assert run(seeded, "report", "--year", 2023, "--format", fmt, "--out", out).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert "kết quả bỏ phiếu," not in text and "thống nhất suy tôn" not in text
        assert "KẾT QUẢ BÌNH XÉT, SUY TÔN" not in text
        assert "Chưa có kết quả bỏ phiếu năm 2023" in text
        assert "trình hội nghị bỏ phiếu" in text
    # with the votes imported the report says the conference voted
    votes = votes_table([[2023, "Dẫn đầu", "TD", 8, 8, 8]])
    assert run(seeded, "import", write(tmp_path / "phieu.xlsx", votes)).exit_code == 0
    out = tmp_path / "voted.md"
    assert run(seeded, "report", "--year", 2023, "--format", "md", "--out", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "hội nghị thống nhất suy tôn" in text and "Chưa có kết quả bỏ phiếu" not in text


def test_half_year_units_that_sent_nothing_are_listed_not_ranked(
    seeded: Path, tmp_path: Path
) -> None:
    rows = [
        [2023, "6 tháng", "TD", code, value, None, None, None, None] for code, value in FULL.items()
    ]
    rows += [[2023, "6 tháng", "MTTQ", "1.1", 10, None, None, None, None]]
    assert run(seeded, "import", write(tmp_path / "h1.xlsx", long_table(rows))).exit_code == 0
    result = run(seeded, "rank", "--year", 2023, "--half", 1, "--json")
    data = json.loads(result.stdout)
    assert [(u["code"], u["rank"]) for u in data["units"]] == [("TD", 1), ("MTTQ", 2)]
    assert "Chưa gửi bảng tự chấm: CCB, CTD, HND, HPN, LDLD, LMHTX" in result.stderr
    out = tmp_path / "h1.md"
    assert (
        run(seeded, "report", "--year", 2023, "--half", 1, "--format", "md", "--out", out).exit_code
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "Còn 6 đơn vị chưa gửi" in text
    table = text.split("(tạm tính)**")[1].split("*Điểm do các đơn vị tự chấm")[0]
    ranked = [line.split(" | ")[1] for line in table.splitlines() if line.startswith("| ")]
    assert ranked == ["Đơn vị", "Tỉnh Đoàn", "Ủy ban MTTQ Việt Nam tỉnh"]


def test_two_clusters_with_the_same_unit_code_stay_separate(seeded: Path, tmp_path: Path) -> None:
    created = run(seeded, "init", "--code", "C9", "--name", "Cụm thi đua số 9")
    assert created.exit_code == 0, created.output
    table = members_table({2023: ["TD", "MTTQ"]})
    rows = [list(row) if row else row for row in table.rows]
    rows[0][2] = "Trường Đại học Hồng Đức"  # type: ignore[index]
    rows[0][3] = "ĐH Hồng Đức"  # type: ignore[index]
    other = write(
        tmp_path / "c9.xlsx",
        type(table)(table.name, table.header, rows, titles=table.titles, numbering=True),
    )
    imported = run(seeded, "--cluster", "C9", "import", other)
    assert imported.exit_code == 0, imported.output
    assert query(
        seeded,
        "SELECT c.code, u.name FROM unit u JOIN cluster c ON c.id = u.cluster_id "
        "WHERE u.code = 'TD' ORDER BY c.code",
    ) == [("C7", "Tỉnh Đoàn"), ("C9", "Trường Đại học Hồng Đức")]
    c7 = run(seeded, "--cluster", "C7", "status", "--year", 2023)
    assert "Tỉnh Đoàn" in c7.stdout and "Hồng Đức" not in c7.stdout
    c9 = run(seeded, "--cluster", "C9", "status", "--year", 2023)
    assert "Trường Đại học Hồng Đức" in c9.stdout and "Tỉnh Đoàn" not in c9.stdout
