"""Scoring tables and rules (SPEC §3.1 criteria and rules, §5): the table's shape from its codes,
kinds inherited from groups, sums checked as warnings, and the `Quy chế` sheet."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import error_lines, only_error, query, run, total_line
from tests.workbooks import CRITERIA_2023, Table, criteria_table, members_table, rules_table, write


def criteria(db: Path, year: int = 2023) -> list[tuple]:
    return query(
        db,
        'SELECT code, parent_code, section, max_c, kind, "order" FROM criterion '
        'WHERE year = ? ORDER BY "order"',
        year,
    )


def test_sections_groups_and_inherited_kinds(db: Path, tmp_path: Path) -> None:
    result = run(db, "import", write(tmp_path / "tieu-chi.xlsx", criteria_table(2023)))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 15 mới, 0 cập nhật, 0 không đổi."
    assert criteria(db) == [
        ("I", None, "I", 7000, "base", 0),
        ("1", "I", "I", 4000, "base", 1),
        ("1.1", "1", "I", 2000, "base", 2),
        ("1.2", "1", "I", 2000, "base", 3),
        ("2", "I", "I", 3000, "base", 4),
        ("II", None, "II", 3000, "base", 5),
        ("3", "II", "II", 2000, "base", 6),
        ("4", "II", "II", 1000, "base", 7),
        ("III", None, "III", 1000, "bonus", 8),
        ("5", "III", "III", 600, "bonus", 9),
        ("6", "III", "III", 400, "bonus", 10),
        ("IV", None, "IV", 500, "deduction", 11),
        ("7", "IV", "IV", 500, "deduction", 12),
        ("V", None, "V", None, "veto", 13),
        ("8", "V", "V", None, "veto", 14),
    ]
    # the `Tổng cộng` row is not a criterion, and it is said
    assert "Ghi chú: tieu-chi.xlsx › Bảng tiêu chí: bỏ qua 1 dòng tổng cộng." in result.stderr
    # groups match their children and base leaves sum to the scale: no warning at all
    assert "Cảnh báo" not in result.stderr


def test_table_total_that_disagrees_is_a_warning(db: Path, tmp_path: Path) -> None:
    table = criteria_table(2023, total=105)
    result = run(db, "import", write(tmp_path / "tc.xlsx", table))
    assert result.exit_code == 0, result.output
    assert (
        "Cảnh báo: tc.xlsx › Bảng tiêu chí dòng 20, cột C: dòng tổng ghi 105, tổng điểm tối đa "
        "các tiêu chí chuẩn là 100." in result.stderr
    )
    # a total with the bonus points included is a plain sum too
    table = criteria_table(2023, total=110)
    result = run(db, "import", write(tmp_path / "tc.xlsx", table))
    assert "Cảnh báo" not in result.stderr


def test_dotted_codes_hang_under_the_nearest_code_they_extend(db: Path, tmp_path: Path) -> None:
    rows = [
        ("I", "Nhiệm vụ chuyên môn", 100, ""),
        ("1", "Tuyên truyền", 60, ""),
        ("1.1", "Nghị quyết", 30, ""),
        ("1.2", "Pháp luật", 30, ""),
        ("1.2.a", "Luật Thi đua, khen thưởng", 10, ""),
        ("1.2.b", "Luật khác", 20, ""),
        ("2.1", "Phát triển đoàn viên", 40, ""),  # no row `2`: it belongs to section I
        ("1.3", "Chuyên đề", 5, "Thưởng"),  # an explicit kind wins over the group's
    ]
    path = write(tmp_path / "tc.xlsx", criteria_table(2024, rows, total=None))
    members = write(tmp_path / "dv.xlsx", members_table({2024: ["TD"]}))
    result = run(db, "import", path, members)
    assert result.exit_code == 0, result.output
    assert [(c, parent, kind) for c, parent, _, _, kind, _ in criteria(db, 2024)] == [
        ("I", None, "base"),
        ("1", "I", "base"),
        ("1.1", "1", "base"),
        ("1.2", "1", "base"),
        ("1.2.a", "1.2", "base"),
        ("1.2.b", "1.2", "base"),
        ("2.1", "I", "base"),
        ("1.3", "1", "bonus"),
    ]
    assert "Cảnh báo" not in result.stderr


def test_group_maximum_not_the_sum_of_its_children_is_a_warning(db: Path, tmp_path: Path) -> None:
    rows = [
        ("I", "Nhiệm vụ", 100, ""),
        ("1", "Tuyên truyền", 40, ""),
        ("1.1", "Nghị quyết", 20, ""),
        ("1.2", "Pháp luật", 15, ""),
        ("2", "Hội viên", 60, ""),
    ]
    result = run(db, "import", write(tmp_path / "tc.xlsx", criteria_table(2023, rows, total=None)))
    assert result.exit_code == 0, result.output
    assert (
        "Cảnh báo: tc.xlsx › Bảng tiêu chí dòng 6: Tiêu chí 1: điểm tối đa 40 khác tổng các tiêu "
        "chí con 35." in result.stderr
    )
    assert (
        "Cảnh báo: Bảng tiêu chí năm 2023: tổng điểm tối đa các tiêu chí chuẩn là 95, khác thang "
        "điểm 100." in result.stderr
    )
    assert query(db, "SELECT max_c FROM criterion WHERE code = '1'") == [(4000,)]


def test_year_from_column_and_decimal_comma_maximum(db: Path, tmp_path: Path) -> None:
    table = Table(
        "Tiêu chí",
        ["TT", "Nội dung", "Điểm chuẩn", "Loại", "Năm"],
        [
            ["I", "Nhiệm vụ", "100", "Chuẩn", 2022],
            ["1", "Tuyên truyền", "49,5", None, 2022],
            ["2", "Hội viên", "50,5", None, 2022],
            ["I", "Nhiệm vụ", 100, "Chuẩn", 2023],
            ["1", "Tuyên truyền", 100, "chuan", 2023],
            ["2", "Vi phạm", None, "Điểm liệt", 2023],
        ],
    )
    result = run(db, "import", write(tmp_path / "tc.xlsx", table))
    assert result.exit_code == 0, result.output
    assert [(c, m) for c, _, _, m, _, _ in criteria(db, 2022)] == [
        ("I", 10000),
        ("1", 4950),
        ("2", 5050),
    ]
    assert [(c, k) for c, _, _, _, k, _ in criteria(db, 2023)] == [
        ("I", "base"),
        ("1", "base"),
        ("2", "veto"),
    ]


def test_same_code_twice_in_a_year_names_both_rows(db: Path, tmp_path: Path) -> None:
    rows = [*CRITERIA_2023[:5], ("1.1", "Trùng", 5, "")]
    result = run(db, "import", write(tmp_path / "tc.xlsx", criteria_table(2023, rows, total=None)))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("10", "A", "1.1")
    assert line.message == (
        "Mã tiêu chí 1.1 năm 2023 xuất hiện hai lần (lần đầu ở Bảng tiêu chí dòng 7)."
    )
    assert line.hint.startswith("Đánh số lại dòng 10 (ví dụ 1.3)")


def test_leaf_without_maximum_and_unknown_kind(db: Path, tmp_path: Path) -> None:
    rows = [
        ("I", "Nhiệm vụ", 100, ""),
        ("1", "Tuyên truyền", None, ""),
        ("2", "Hội viên", 50, "Khuyến khích"),
    ]
    result = run(db, "import", write(tmp_path / "tc.xlsx", criteria_table(2023, rows, total=None)))
    assert result.exit_code == 1
    found = sorted((e.row, e.column, e.value, e.message) for e in error_lines(result))
    assert found == [
        ("6", "C", "", "Tiêu chí 1 thiếu điểm tối đa."),
        ("7", "D", "Khuyến khích", "Không hiểu loại tiêu chí."),
    ]


def test_changed_maximum_is_updated_and_a_dropped_code_is_kept(
    seeded: Path, tmp_path: Path
) -> None:
    rows = [r if r[0] != "4" else ("4", "Báo cáo đúng hạn, đầy đủ", 12, "") for r in CRITERIA_2023]
    rows = rows[:-1]  # criterion 8 (the veto) left out
    result = run(seeded, "import", write(tmp_path / "tc.xlsx", criteria_table(2023, rows)))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 0 mới, 1 cập nhật, 13 không đổi."
    assert query(seeded, "SELECT max_c FROM criterion WHERE year = 2023 AND code = '4'") == [
        (1200,)
    ]
    assert query(seeded, "SELECT count(*) FROM criterion WHERE year = 2023") == [(15,)]
    assert (
        "Cảnh báo: Bảng tiêu chí năm 2023 mới nhập không còn các mã: 8 (vẫn giữ trong CSDL cùng "
        "điểm đã chấm)." in result.stderr
    )


# ---------------------------------------------------------------- rules (Quy chế)


def test_rules_sheet_is_stored_from_its_year(db: Path, tmp_path: Path) -> None:
    table = rules_table(
        [
            ["scale", "100", 2023],
            ["bonus_cap", "5", 2023],
            ["vote_threshold", "2/3", 2024],
            ["place", "Thanh Hóa", 2020],
        ]
    )
    result = run(db, "import", write(tmp_path / "qc.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 4 mới, 0 cập nhật, 0 không đổi."
    assert query(db, "SELECT key, from_year, value, source FROM rule_setting ORDER BY key") == [
        ("bonus_cap", 2023, "5", "sheet Quy chế (qc.xlsx)"),
        ("place", 2020, "Thanh Hóa", "sheet Quy chế (qc.xlsx)"),
        ("scale", 2023, "100", "sheet Quy chế (qc.xlsx)"),
        ("vote_threshold", 2024, "2/3", "sheet Quy chế (qc.xlsx)"),
    ]
    again = run(db, "import", write(tmp_path / "qc.xlsx", table))
    assert total_line(again) == "Tổng: 0 mới, 0 cập nhật, 4 không đổi."


def test_rules_scale_is_used_for_the_scale_warning(db: Path, tmp_path: Path) -> None:
    rules = write(tmp_path / "qc.xlsx", rules_table([["scale", "120", 2023]]))
    table = write(tmp_path / "tc.xlsx", criteria_table(2023))
    result = run(db, "import", table, rules)
    assert result.exit_code == 0, result.output
    assert (
        "Cảnh báo: Bảng tiêu chí năm 2023: tổng điểm tối đa các tiêu chí chuẩn là 100, khác thang "
        "điểm 120." in result.stderr
    )


def test_bad_rule_value_and_unknown_key_are_named(db: Path, tmp_path: Path) -> None:
    table = rules_table([["scale", "một trăm", 2023], ["thang_diem", "100", 2023]])
    result = run(db, "import", write(tmp_path / "qc.xlsx", table))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert [(e.row, e.column, e.value) for e in lines] == [
        ("2", "B", "một trăm"),
        ("3", "A", "thang_diem"),
    ]
    assert lines[0].message.startswith("Giá trị «một trăm» của scale không phải là số")
    assert lines[1].message.startswith("Khóa quy chế «thang_diem» không tồn tại. Các khóa hợp lệ:")
    assert lines[1].hint == "Sửa tên khóa theo danh sách ở `thidua rules`."


def test_rules_without_a_year_need_one(db: Path, tmp_path: Path) -> None:
    table = Table("Quy chế", ["Khóa", "Giá trị"], [["scale", "100"]])
    result = run(db, "import", write(tmp_path / "qc.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.message) == ("2", "Không rõ quy chế áp dụng từ năm nào.")
    result = run(db, "import", write(tmp_path / "qc.xlsx", table), "--year", "2023")
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT key, from_year FROM rule_setting") == [("scale", 2023)]
