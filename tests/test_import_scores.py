"""Score sheets (SPEC §3.1 scores long and wide, §3.2, §3.4): every layer, decimal commas,
units by code or name, year and period from column, title or option, totals and groups
checked as warnings."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import error_lines, only_error, run, scores, sha256, summary_rows, total_line
from tests.workbooks import (
    CODES,
    NA,
    NAMES,
    Table,
    criteria_table,
    long_table,
    members_table,
    self_scores,
    wide_table,
    write,
)


def test_long_layout_with_every_layer(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [2023, "Cả năm", "TD", "1.1", 19, None, None, "18,5", "đủ hồ sơ"],
        [2023, "Cả năm", "TD", "1.1", None, "17,75", "HND", None, None],
        [2023, "Cả năm", "TD", "1.1", None, 18, "Hội Cựu chiến binh tỉnh", None, None],
        None,  # a blank row between data rows
        [2023, "cả năm", "HND", "7", "-2", None, None, 2, None],  # deduction written negative
        [2023, "Cả năm", "HND", "8", "x", None, None, "không", None],  # veto marked, then cleared
        [2023, "Cả năm", "HND", "5", "-", None, None, " 4 ", None],  # `-` is no score
    ]
    result = run(seeded, "import", write(tmp_path / "cham.xlsx", long_table(rows)))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 9 mới, 0 cập nhật, 0 không đổi."
    assert scores(seeded) == {
        ("TD", "1.1", "self", "", "FY", 2023): 19.0,
        ("TD", "1.1", "agreed", "", "FY", 2023): 18.5,
        ("TD", "1.1", "peer", "HND", "FY", 2023): 17.75,
        ("TD", "1.1", "peer", "CCB", "FY", 2023): 18.0,
        ("HND", "7", "self", "", "FY", 2023): 2.0,
        ("HND", "7", "agreed", "", "FY", 2023): 2.0,
        ("HND", "8", "self", "", "FY", 2023): 1.0,
        ("HND", "8", "agreed", "", "FY", 2023): 0.0,
        ("HND", "5", "agreed", "", "FY", 2023): 4.0,
    }
    assert summary_rows(result) == [
        ("cham.xlsx", "Chấm điểm", "bảng chấm điểm (dạng dọc)", "6", "9", "0", "0")
    ]


def test_units_by_name_alias_and_normalised_name(seeded: Path, tmp_path: Path) -> None:
    header = ["Năm", "Tên đơn vị", "Mã tiêu chí", "Điểm tự chấm"]
    rows = [
        [2023, "Hội LHPN tỉnh", "2", 27],
        [2023, "Đoàn TNCS Hồ Chí Minh tỉnh", "2", 28],
        [2023, "Hội Nông dân tỉnh Thanh Hóa", "2", 26],
        [2023, "ủy ban mặt trận tổ quốc việt nam tỉnh", "2", 29],
        [2023, "Liên đoàn Lao đô\u0323ng ti\u0309nh", "2", 25],  # NFD, as some Mac files are
    ]
    result = run(seeded, "import", write(tmp_path / "s.xlsx", long_table(rows, header=header)))
    assert result.exit_code == 0, result.output
    assert {k[0]: v for k, v in scores(seeded).items()} == {
        "HPN": 27.0,
        "TD": 28.0,
        "HND": 26.0,
        "MTTQ": 29.0,
        "LDLD": 25.0,
    }


def test_year_and_half_from_the_title_rows(seeded: Path, tmp_path: Path) -> None:
    members = write(tmp_path / "dv.xlsx", members_table({2024: CODES}))
    table = long_table(
        [["TD", "1.1", 18], ["HND", "1.1", 17]],
        header=["Mã đơn vị", "Mã tiêu chí", "Tự chấm"],
        titles=["BẢNG TỰ CHẤM ĐIỂM 6 THÁNG ĐẦU NĂM 2024"],
    )
    # the 2024 table comes in the same batch; the scores file is named first
    table_2024 = write(tmp_path / "tc.xlsx", criteria_table(2024))
    result = run(seeded, "import", write(tmp_path / "s.xlsx", table), members, table_2024)
    assert result.exit_code == 0, result.output
    assert set(scores(seeded, "s.year = 2024")) == {
        ("TD", "1.1", "self", "", "H1", 2024),
        ("HND", "1.1", "self", "", "H1", 2024),
    }


def test_year_and_half_from_the_options(seeded: Path, tmp_path: Path) -> None:
    table = long_table([["TD", "2", 25]], header=["Mã đơn vị", "Mã tiêu chí", "Tự chấm"])
    path = write(tmp_path / "s.xlsx", table)
    result = run(seeded, "import", path, "--year", "2023", "--half", "1")
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {("TD", "2", "self", "", "H1", 2023): 25.0}


def test_period_column_against_half_option(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "2", 25, *[None] * 4]]))
    result = run(seeded, "import", path, "--half", "1")
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("2", "B", "Cả năm")
    assert line.message == "Kỳ trong bảng khác tùy chọn --half."


def test_unknown_period_text(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", long_table([[2023, "Quý 3", "TD", "2", 25, *[None] * 4]]))
    result = run(seeded, "import", path)
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.message) == ("2", "B", "Không hiểu kỳ đánh giá.")
    assert line.hint == "Ghi “6 tháng” hoặc “Cả năm”."


def test_period_cell_that_also_writes_the_year(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [2023, "6 tháng đầu năm 2023", "TD", "2", 25, *[None] * 4],
        [2023, "Cả năm 2023", "TD", "2", 27, *[None] * 4],
        [2023, "6 tháng năm 2023", "HND", "2", 20, *[None] * 4],
    ]
    result = run(seeded, "import", write(tmp_path / "s.xlsx", long_table(rows)))
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        ("TD", "2", "self", "", "H1", 2023): 25.0,
        ("TD", "2", "self", "", "FY", 2023): 27.0,
        ("HND", "2", "self", "", "H1", 2023): 20.0,
    }


def test_period_cell_whose_year_differs_from_the_row(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [2023, "Cả năm 2023", "TD", "2", 25, *[None] * 4],
        [2023, "6 tháng đầu năm 2024", "HND", "2", 20, *[None] * 4],
    ]
    before = scores(seeded)
    result = run(seeded, "import", write(tmp_path / "s.xlsx", long_table(rows)))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("3", "B", "6 tháng đầu năm 2024")
    assert line.message == "Kỳ ghi năm 2024 nhưng năm của dòng là 2023."
    assert line.hint == "Sửa cột Kỳ hoặc cột Năm cho khớp nhau."
    assert scores(seeded) == before


def test_peer_score_without_scorer(seeded: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "2", None, 25, None, None, None]])
    )
    result = run(seeded, "import", path)
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.message) == ("2", "G", "Điểm chấm chéo thiếu đơn vị chấm.")


def test_group_row_scores_are_checked_not_stored(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [2023, "Cả năm", "TD", "1", 38, None, None, None, None],  # group: 19 + 18 = 37
        [2023, "Cả năm", "TD", "1.1", 19, None, None, None, None],
        [2023, "Cả năm", "TD", "1.2", 18, None, None, None, None],
    ]
    result = run(seeded, "import", write(tmp_path / "s.xlsx", long_table(rows)))
    assert result.exit_code == 0, result.output
    assert set(scores(seeded)) == {
        ("TD", "1.1", "self", "", "FY", 2023),
        ("TD", "1.2", "self", "", "FY", 2023),
    }
    assert (
        "Cảnh báo: s.xlsx › Chấm điểm: điểm nhóm 1 (tự chấm, TD) là 38, khác tổng các tiêu chí "
        "con 37; chỉ lấy điểm các tiêu chí con." in result.stderr
    )


# ---------------------------------------------------------------- wide layout


def _agreed() -> dict[str, dict[str, object]]:
    return {code: self_scores(code, seed=1) for code in CODES}


def test_wide_agreed_layout(seeded: Path, tmp_path: Path) -> None:
    table = wide_table(_agreed())
    result = run(seeded, "import", write(tmp_path / "tong-hop.xlsx", table))
    assert result.exit_code == 0, result.output
    stored = scores(seeded)
    expected_count = sum(1 for unit in _agreed().values() for v in unit.values() if v is not None)
    # six scored leaves per unit, and a deduction for TD and CTD
    assert len(stored) == expected_count == 6 * 8 + 2
    assert {k[2] for k in stored} == {"agreed"}
    assert stored[("TD", "1.1", "agreed", "", "FY", 2023)] == 19
    assert stored[("CTD", "2", "agreed", "", "FY", 2023)] == 28
    assert stored[("TD", "7", "agreed", "", "FY", 2023)] == 1
    assert ("MTTQ", "7", "agreed", "", "FY", 2023) not in stored
    assert total_line(result) == f"Tổng: {expected_count} mới, 0 cập nhật, 0 không đổi."
    assert "bỏ qua các cột không dùng" not in result.stderr


def test_wide_columns_named_by_unit_names(seeded: Path, tmp_path: Path) -> None:
    data = {code: {"1.1": 15, "2": "25,5"} for code in ("TD", "HPN", "MTTQ")}
    headers = {"TD": "Tỉnh Đoàn", "HPN": "Hội LHPN tỉnh", "MTTQ": "Ủy ban MTTQ\nViệt Nam tỉnh"}
    table = wide_table(data, headers=headers, title="BẢNG TỔNG HỢP ĐIỂM TỰ CHẤM NĂM 2023")
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table))
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        (unit, code, "self", "", "FY", 2023): value
        for unit in ("TD", "HPN", "MTTQ")
        for code, value in (("1.1", 15.0), ("2", 25.5))
    }


def test_wide_layer_from_option_when_the_title_is_silent(seeded: Path, tmp_path: Path) -> None:
    table = wide_table({"TD": {"2": 20}}, title="NĂM 2023")
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table), "--layer", "self")
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {("TD", "2", "self", "", "FY", 2023): 20.0}


def test_wide_misspelt_unit_column_is_an_error_at_the_header(seeded: Path, tmp_path: Path) -> None:
    table = wide_table({"TD": {"2": 20}, "HNDD": {"1.1": 19, "2": 21, "3": 15}})
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.column, line.value) == ("F", "HNDD")
    assert line.message == "Đơn vị “HNDD” không có trong danh sách đơn vị."
    assert line.row == "4"  # the header row, where the unit is named


def test_total_row_that_disagrees_is_a_warning(seeded: Path, tmp_path: Path) -> None:
    table = wide_table({"TD": {"1.1": 20, "1.2": 20, "2": 30}})
    table.rows = [*table.rows, [None, None, "Tổng cộng", 100, 72]]
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table))
    assert result.exit_code == 0, result.output
    assert "Ghi chú: w.xlsx › Tổng hợp điểm: bỏ qua 1 dòng tổng cộng." in result.stderr
    assert (
        "Cảnh báo: w.xlsx › Tổng hợp điểm dòng 20, cột E: dòng tổng ghi 72, tổng các dòng là 70 "
        "(chỉ nhập các dòng, không nhập dòng tổng)." in result.stderr
    )
    assert len(scores(seeded)) == 3


def test_wide_sheet_names_units_that_are_members(seeded: Path, tmp_path: Path) -> None:
    # CTD joined in 2023: a 2022 sheet with a CTD column is refused, once, at the header
    table = wide_table({"TD": {"1": 30}, "CTD": {"1": 31}}, title="ĐIỂM THỐNG NHẤT NĂM 2022")
    table.rows = [[1, "1", "Công tác tuyên truyền", 40, 30, 31]]
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.column, line.value) == ("F", "CTD")
    assert line.message == f"{NAMES['CTD']} (CTD) không là thành viên của cụm năm 2022."
    assert line.row == "4"


def _merged_wide(over: str, titles: list[str]) -> Table:
    """Units under a merged header cell that names the layer (`Điểm tự chấm` over TD | HND)."""
    return Table(
        "Tổng hợp",
        ["STT", "Mã tiêu chí", "Nội dung", "Điểm tối đa", over, None],
        [[1, "1.1", "Nghị quyết", 20, 18, 17], [2, "2", "Hội viên", 30, "25,5", 26]],
        titles=titles,
        header2=[None, None, None, None, "TD", "Hội Nông dân tỉnh"],
    )


def test_wide_layer_named_over_the_unit_columns(seeded: Path, tmp_path: Path) -> None:
    table = _merged_wide("Điểm tự chấm", ["BẢNG TỔNG HỢP ĐIỂM NĂM 2023"])
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table))
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        ("TD", "1.1", "self", "", "FY", 2023): 18.0,
        ("HND", "1.1", "self", "", "FY", 2023): 17.0,
        ("TD", "2", "self", "", "FY", 2023): 25.5,
        ("HND", "2", "self", "", "FY", 2023): 26.0,
    }


def test_wide_layer_option_against_the_sheet(seeded: Path, tmp_path: Path) -> None:
    table = _merged_wide("Điểm thống nhất", ["BẢNG TỔNG HỢP ĐIỂM NĂM 2023"])
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table), "--layer", "self")
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.sheet, line.row) == ("Tổng hợp", "3")
    assert line.message == "Bảng ghi điểm thống nhất nhưng tùy chọn --layer chọn tự chấm."


def test_wide_peer_scores_name_their_scorer_in_the_title(seeded: Path, tmp_path: Path) -> None:
    titles = ["BẢNG CHẤM CHÉO NĂM 2023", "Đơn vị chấm: Hội Cựu chiến binh tỉnh"]
    result = run(seeded, "import", write(tmp_path / "w.xlsx", _merged_wide("Điểm", titles)))
    assert result.exit_code == 0, result.output
    assert set(scores(seeded)) == {
        (unit, code, "peer", "CCB", "FY", 2023) for unit in ("TD", "HND") for code in ("1.1", "2")
    }
    unsigned = write(tmp_path / "v.xlsx", _merged_wide("Điểm chấm chéo", ["NĂM 2023"]))
    refused = run(seeded, "import", unsigned)
    assert refused.exit_code == 1
    assert only_error(refused).message == "Bảng điểm chấm chéo không ghi đơn vị chấm."


def test_long_peer_sheet_with_the_scorer_in_the_title(seeded: Path, tmp_path: Path) -> None:
    table = long_table(
        [["TD", "1.1", 18], ["HND", "1.1", "17,5"]],
        header=["Mã đơn vị", "Mã tiêu chí", "Điểm chấm chéo"],
        titles=["PHIẾU CHẤM CHÉO NĂM 2023", "Đơn vị chấm: LĐLĐ tỉnh"],
    )
    result = run(seeded, "import", write(tmp_path / "p.xlsx", table))
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        ("TD", "1.1", "peer", "LDLD", "FY", 2023): 18.0,
        ("HND", "1.1", "peer", "LDLD", "FY", 2023): 17.5,
    }


def test_wide_error_cell_and_formula_without_value_are_named(seeded: Path, tmp_path: Path) -> None:
    table = wide_table({"TD": {"1.1": NA, "2": 20}, "HPN": {"1.1": "=B3*2", "2": 21}})
    before = sha256(seeded)
    result = run(seeded, "import", write(tmp_path / "w.xlsx", table))
    assert result.exit_code == 1
    found = {(line.row, line.column, line.value, line.message) for line in error_lines(result)}
    # row 7 is criterion 1.1's row (under the title rows, the header, I and 1)
    assert ("7", "E", "#N/A", "Ô lỗi #N/A ở cột điểm “TD”.") in found, result.stderr
    assert (
        "7",
        "F",
        "(công thức)",
        "Ô có công thức nhưng chưa có giá trị tính sẵn.",
    ) in found, result.stderr
    assert sha256(seeded) == before
