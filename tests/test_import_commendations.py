"""Commendation lists (SPEC §3.1 commendations, §3.2) in the shape provinces really use: a merged
title, `Tên đơn vị/tập thể\\ncông tác`, a hidden DANHMUC sheet and `#N/A` formula leftovers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import error_lines, only_error, query, run, summary_rows, total_line
from tests.workbooks import NA, Table, commendations_tables, write

ROWS = [
    [
        1,
        "Lê Văn Thắng",
        "Nam",
        "12/03/1970",
        "Kinh",
        "Phó Chủ tịch",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "215/QĐ-UBND",
        "22/01/2024",
    ],
    [
        2,
        "Nguyễn Thị Thu Hà",
        "Nữ",
        None,
        "Kinh",
        "Trưởng ban Dân chủ - Pháp luật",
        "MTTQ",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "215/QĐ-UBND",
        dt.datetime(2024, 1, 22),
    ],
    [
        3,
        "Hà Văn Sơn",
        "nam",
        None,
        "Mường",
        "Chuyên viên",
        "Liên đoàn Lao động tỉnh",
        "Giấy khen",
        "12/QĐ-LĐLĐ",
        "28/12/2023",
    ],
    None,
    [4, "Lò Thị Mai", "NỮ", None, "Thái", "Đoàn viên", "Tỉnh Đoàn", "Giấy khen", None, None],
    [
        5,
        "Phạm Văn Bình",
        "Nam",
        None,
        None,
        "Bí thư Chi đoàn",
        "Tỉnh Đoàn",
        "Giấy khen",
        None,
        None,
    ],
]


def commendations(db: Path) -> list[tuple]:
    return query(
        db,
        "SELECT c.recipient, u.code, c.kind, c.position, c.is_leader, c.leader_inferred, c.gender,"
        " c.ethnicity, c.ethnic_minority, c.award, c.decision_no, c.decision_date, c.year, c.period"
        " FROM commendation c JOIN unit u ON u.id = c.unit_id ORDER BY c.id",
    )


def test_real_world_list_imports(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "CANHAN.xlsx", *commendations_tables(ROWS))
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 5 mới, 0 cập nhật, 0 không đổi."
    assert summary_rows(result) == [
        ("CANHAN.xlsx", "DANHSACH", "danh sách khen thưởng", "5", "5", "0", "0")
    ]
    assert "Bỏ qua: CANHAN.xlsx › DANHMUC: sheet ẩn, bỏ qua." in result.stderr
    assert "Ghi chú: CANHAN.xlsx › DANHSACH: bỏ qua các cột không dùng: “Ngày sinh”." in (
        result.stderr
    )
    assert (
        "Ghi chú: Đã suy ra lãnh đạo / không lãnh đạo từ cột Chức vụ cho 5 người (thêm cột “Lãnh "
        "đạo quản lý” để ghi rõ)." in result.stderr
    )
    bkhen, giay = "Bằng khen của Chủ tịch UBND tỉnh", "Giấy khen"
    assert commendations(seeded) == [
        (
            "Lê Văn Thắng",
            "MTTQ",
            "individual",
            "Phó Chủ tịch",
            1,
            1,
            "Nam",
            "Kinh",
            0,
            bkhen,
            "215/QĐ-UBND",
            "2024-01-22",
            2023,
            "FY",
        ),
        (
            "Nguyễn Thị Thu Hà",
            "MTTQ",
            "individual",
            "Trưởng ban Dân chủ - Pháp luật",
            1,
            1,
            "Nữ",
            "Kinh",
            0,
            bkhen,
            "215/QĐ-UBND",
            "2024-01-22",
            2023,
            "FY",
        ),
        (
            "Hà Văn Sơn",
            "LDLD",
            "individual",
            "Chuyên viên",
            0,
            1,
            "Nam",
            "Mường",
            1,
            giay,
            "12/QĐ-LĐLĐ",
            "2023-12-28",
            2023,
            "FY",
        ),
        (
            "Lò Thị Mai",
            "TD",
            "individual",
            "Đoàn viên",
            0,
            1,
            "Nữ",
            "Thái",
            1,
            giay,
            "",
            None,
            2023,
            "FY",
        ),
        (
            "Phạm Văn Bình",
            "TD",
            "individual",
            "Bí thư Chi đoàn",
            1,
            1,
            "Nam",
            "",
            0,
            giay,
            "",
            None,
            2023,
            "FY",
        ),
    ]


def test_explicit_leader_column_wins_over_the_position(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Khen thưởng",
        [
            "Họ và tên",
            "Chức vụ",
            "Lãnh đạo quản lý",
            "Đơn vị",
            "Hình thức khen thưởng",
            "Năm",
            "Kỳ",
        ],
        [
            ["Trần Văn Nam", "Chủ tịch Hội", "không", "HND", "Bằng khen", 2023, "6 tháng"],
            ["Lê Thị Hoa", "Chuyên viên", "x", "HND", "Bằng khen", 2023, "6 tháng"],
            ["Đỗ Văn Tài", "Phó Giám đốc Trung tâm", None, "HND", "Bằng khen", 2023, "6 tháng"],
        ],
    )
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", table))
    assert result.exit_code == 0, result.output
    rows = [(r[0], r[4], r[5], r[13]) for r in commendations(seeded)]
    assert rows == [
        ("Trần Văn Nam", 0, 0, "H1"),
        ("Lê Thị Hoa", 1, 0, "H1"),
        ("Đỗ Văn Tài", 1, 1, "H1"),
    ]
    assert "cho 1 người" in result.stderr


def test_collective_list(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "DANHSACH",
        ["STT", "Tên đơn vị / tập thể", "Hình thức khen thưởng", "Năm"],
        [
            [1, "Hội Nông dân tỉnh", "Cờ thi đua của UBND tỉnh", 2023],
            [2, "Tỉnh Đoàn", "Bằng khen", 2023],
        ],
        titles=["DANH SÁCH TẬP THỂ ĐỀ NGHỊ KHEN THƯỞNG"],
    )
    result = run(seeded, "import", write(tmp_path / "TAPTHE.xlsx", table))
    assert result.exit_code == 0, result.output
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in commendations(seeded)] == [
        ("Hội Nông dân tỉnh", "HND", "collective", 0, 0),
        ("Tỉnh Đoàn", "TD", "collective", 0, 0),
    ]
    assert "Đã suy ra" not in result.stderr  # nobody's post was guessed


def test_half_year_list_from_the_title(seeded: Path, tmp_path: Path) -> None:
    tables = commendations_tables(ROWS[:1], year_title="6 THÁNG ĐẦU NĂM 2023")
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", *tables))
    assert result.exit_code == 0, result.output
    assert [(r[12], r[13]) for r in commendations(seeded)] == [(2023, "H1")]


def test_reimport_is_unchanged_and_a_changed_post_updated(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / "kt.xlsx"
    assert run(seeded, "import", write(path, *commendations_tables(ROWS))).exit_code == 0
    changed = [list(r) if r else None for r in ROWS]
    changed[2][5] = "Phó Trưởng ban"  # type: ignore[index]
    result = run(seeded, "import", write(path, *commendations_tables(changed)))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 0 mới, 1 cập nhật, 4 không đổi."
    assert [r[3:6] for r in commendations(seeded)][2] == ("Phó Trưởng ban", 1, 1)


def test_bad_dates_gender_and_a_duplicate(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [
            1,
            "Lê Văn A",
            "Nam",
            None,
            "Kinh",
            "Chuyên viên",
            "TD",
            "Giấy khen",
            "1/QĐ",
            "2023-12-28",
        ],
        [
            2,
            "Lê Văn B",
            "Nam",
            None,
            "Kinh",
            "Chuyên viên",
            "TD",
            "Giấy khen",
            "1/QĐ",
            "31/02/2024",
        ],
        [3, "Lê Văn C", "Khác", None, "Kinh", "Chuyên viên", "TD", "Giấy khen", "1/QĐ", None],
        [4, "Lê Văn D", "Nam", None, "Kinh", "Chuyên viên", "TD", "Giấy khen", "1/QĐ", None],
        [5, "Lê Văn D", "Nam", None, "Kinh", "Chuyên viên", "Tỉnh Đoàn", "Giấy khen", "1/QĐ", None],
    ]
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", *commendations_tables(rows)))
    assert result.exit_code == 1
    first = commendations_tables(rows)[0].first_data_row
    assert [(e.row, e.column, e.value, e.message) for e in error_lines(result)] == [
        (str(first), "J", "2023-12-28", "Không đọc được ngày."),
        (str(first + 1), "J", "31/02/2024", "Ngày không tồn tại."),
        (str(first + 2), "C", "Khác", "Không hiểu giới tính."),
        (
            str(first + 4),
            "B",
            "Lê Văn D",
            f"“Lê Văn D” (TD) đã có cùng hình thức khen thưởng ở dòng {first + 3}.",
        ),
    ]
    assert error_lines(result)[0].hint == (
        "Nhập ngày dạng dd/mm/yyyy, ví dụ 05/01/2024, hoặc kiểu ngày Excel."
    )


def test_error_cell_in_the_unit_column(seeded: Path, tmp_path: Path) -> None:
    rows = [[1, "Lê Văn A", "Nam", None, "Kinh", "Chuyên viên", NA, "Giấy khen", None, None]]
    tables = commendations_tables(rows)
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", *tables))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == (str(tables[0].first_data_row), "G", "#N/A")
    assert line.message == "Ô lỗi #N/A ở cột bắt buộc “Đơn vị”."


def test_visible_lookup_sheet_named_danhmuc_is_skipped(seeded: Path, tmp_path: Path) -> None:
    listing, lookup = commendations_tables(ROWS[:1])
    lookup.hidden = False
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", listing, lookup))
    assert result.exit_code == 0, result.output
    assert "Bỏ qua: kt.xlsx › DANHMUC: sheet hướng dẫn / danh mục, bỏ qua." in result.stderr
    assert total_line(result) == "Tổng: 1 mới, 0 cập nhật, 0 không đổi."


def test_unit_of_the_person_must_be_a_member(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [1, "Lê Văn A", "Nam", None, "Kinh", "Chuyên viên", "Sở Tài chính", "Giấy khen", None, None]
    ]
    tables = commendations_tables(rows)
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", *tables))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column) == (str(tables[0].first_data_row), "G")
    assert line.message == "Đơn vị “Sở Tài chính” không có trong danh sách đơn vị."


def test_names_differing_only_by_a_diacritic_are_two_people(seeded: Path, tmp_path: Path) -> None:
    """Tâm and Tám are two people; NGUYỄN VĂN TÂM is Nguyễn Văn Tâm written in capitals."""
    rows = [
        [1, "Nguyễn Văn Tâm", "Nam", None, "Kinh", "Chuyên viên", "TD", "Giấy khen", None, None],
        [2, "Nguyễn Văn Tám", "Nam", None, "Kinh", "Chuyên viên", "TD", "Giấy khen", None, None],
    ]
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", *commendations_tables(rows)))
    assert result.exit_code == 0, result.output
    assert sorted(r for (r,) in query(seeded, "SELECT recipient FROM commendation")) == [
        "Nguyễn Văn Tám",
        "Nguyễn Văn Tâm",
    ]
    capitals = [[1, "NGUYỄN VĂN TÂM", "Nam", None, "Kinh", "Chuyên viên", "TD", "Giấy khen"]]
    twice = commendations_tables(rows[:1] + [capitals[0] + [None, None]])
    again = run(seeded, "import", write(tmp_path / "kt2.xlsx", *twice))
    assert again.exit_code == 1
    line = only_error(again)
    assert line.message.startswith("“NGUYỄN VĂN TÂM” (TD) đã có cùng hình thức khen thưởng")
