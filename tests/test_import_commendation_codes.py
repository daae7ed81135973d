"""Commendation lists exported by provincial commendation software (SPEC §3.1): award forms,
titles and kinds written as codes explained in the workbook's DANHMUC sheet; names are stored,
never codes; every problem of a row is said at once; leaders inferred from the post."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import error_lines, query, run, total_line
from tests.workbooks import Table, write

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Chức vụ",
    "Tên phòng ban/ khối, tổ \ncông tác",
    "Tên đơn vị/tập thể\ncông tác",
    "Mã phân loại cán bộ",
    "Mã hình thức khen thưởng",
    "Mã danh hiệu thi đua\n(nếu có)",
]
BANG_KHEN = "1650360491"
CSTD = "1647933380"


def catalogue() -> Table:
    """Three catalogues side by side under a blank first row, as the software writes it."""
    return Table(
        "DANHMUC",
        [
            "STT",
            "Mã số",
            "Hình thức khen thưởng",
            "STT",
            "Mã số",
            "Danh hiệu thi đua",
            "STT",
            "Mã phân loại cán bộ",
            "Phân loại cán bộ",
        ],
        [
            [1, BANG_KHEN, "Bằng khen cấp bộ, ban, ngành, tỉnh", 1, CSTD, "Chiến sĩ thi đua cơ sở"]
            + [1, "1660638930", "Các cấp lãnh đạo từ phó phòng trở lên"],
            [2, "1650360500", "Giấy khen", 2, "1647933042", "Lao động tiên tiến"],
        ],
        titles=[""],
    )


def listing(rows: list[list[object]]) -> Table:
    return Table(
        "DANHSACH",
        HEADER,
        rows,
        titles=["DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ KHEN THƯỞNG NĂM 2023"],
    )


def person(name: str, post: str, unit: str, award: object, title: object = None) -> list[object]:
    return [1, name, "Nam", None, post, "Văn phòng", unit, "1660638930", award, title]


def stored(db: Path) -> list[tuple]:
    return query(
        db,
        "SELECT recipient, kind, award, title, is_leader FROM commendation ORDER BY recipient",
    )


def test_codes_are_resolved_through_the_catalogue(seeded: Path, tmp_path: Path) -> None:
    rows = [
        person("Lê Văn An", "Chính ủy", "Tỉnh Đoàn", BANG_KHEN, CSTD),
        person("Trần Văn Bình", "Chuyên viên", "Hội Nông dân tỉnh", 1650360500),
        person("Hà Thị Cúc", "Phó Chính ủy", "Tỉnh Đoàn", "Giấy khen"),
    ]
    path = write(tmp_path / "CANHAN.xlsx", listing(rows), catalogue())
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 3 mới, 0 cập nhật, 0 không đổi."
    assert stored(seeded) == [
        ("Hà Thị Cúc", "individual", "Giấy khen", "", 1),
        (
            "Lê Văn An",
            "individual",
            "Bằng khen cấp bộ, ban, ngành, tỉnh",
            "Chiến sĩ thi đua cơ sở",
            1,
        ),
        ("Trần Văn Bình", "individual", "Giấy khen", "", 0),
    ]
    assert (
        "Ghi chú: Đã suy ra lãnh đạo / không lãnh đạo từ cột Chức vụ cho 3 người" in result.stderr
    )


def test_a_code_the_catalogue_does_not_explain_is_an_error(seeded: Path, tmp_path: Path) -> None:
    rows = [
        person("Lê Văn An", "Chính ủy", "Tỉnh Đoàn", BANG_KHEN),
        person("Trần Văn Bình", "Chuyên viên", "Tỉnh Đoàn", "1650369999", "1647000000"),
    ]
    result = run(seeded, "import", write(tmp_path / "CANHAN.xlsx", listing(rows), catalogue()))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.value, e.message) for e in error_lines(result)] == [
        (
            "5",
            "I",
            "1650369999",
            "Mã “1650369999” ở cột “Hình thức khen thưởng” không có trong danh mục của tệp "
            "(sheet DANHMUC).",
        ),
        (
            "5",
            "J",
            "1647000000",
            "Mã “1647000000” ở cột “Danh hiệu” không có trong danh mục của tệp (sheet DANHMUC).",
        ),
    ]
    assert stored(seeded) == []


def test_a_coded_list_without_its_catalogue_is_refused(seeded: Path, tmp_path: Path) -> None:
    rows = [person("Lê Văn An", "Chính ủy", "Tỉnh Đoàn", BANG_KHEN)]
    result = run(seeded, "import", write(tmp_path / "CANHAN.xlsx", listing(rows)))
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert (line.row, line.column, line.value) == ("4", "I", BANG_KHEN)
    assert line.message == (
        "Cột “Hình thức khen thưởng” ghi mã “1650360491” nhưng tệp không có sheet danh mục giải "
        "thích mã."
    )


def test_every_problem_of_a_row_is_said_at_once(seeded: Path, tmp_path: Path) -> None:
    row = person("Lê Văn An", "Chính ủy", "Tỉnh Đoàn", "1650369999")
    row[2] = "Khác"
    rows = [row]
    table = listing(rows)
    table.header = [*HEADER, "Ngày quyết định"]
    rows[0].append("31/02/2024")
    result = run(seeded, "import", write(tmp_path / "CANHAN.xlsx", table, catalogue()))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.message) for e in error_lines(result)] == [
        (
            "4",
            "I",
            "Mã “1650369999” ở cột “Hình thức khen thưởng” không có trong danh mục của tệp "
            "(sheet DANHMUC).",
        ),
        ("4", "C", "Không hiểu giới tính."),
        ("4", "K", "Ngày không tồn tại."),
    ]


def test_kinds_written_as_codes_including_households(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "file nhận",
        [
            "STT",
            "Tên tập thể/cá nhân/hộ gia đình",
            "Chức vụ",
            "Đơn vị công tác",
            "Mã Phân loại khen thưởng",
            "Danh hiệu thi đua/Hình thức khen thưởng",
            "Năm",
        ],
        [
            [1, "Nguyễn Văn Đức", "Phó Bí thư", "Tỉnh Đoàn", "CANHAN", "Giấy khen", 2023],
            [2, "Ban Tuyên giáo", None, "Tỉnh Đoàn", "TAPTHE", "Giấy khen", 2023],
            [3, "Hộ ông Lò Văn Pấng", None, "Hội Nông dân tỉnh", "HOGIADINH", "Giấy khen", 2023],
            [4, "Hộ bà Vi Thị Én", None, "Hội Nông dân tỉnh", "Hộ gia đình", "Giấy khen", 2023],
        ],
    )
    result = run(seeded, "import", write(tmp_path / "MauTDKT.xlsx", table))
    assert result.exit_code == 0, result.output
    assert stored(seeded) == [
        ("Ban Tuyên giáo", "collective", "Giấy khen", "", 0),
        ("Hộ bà Vi Thị Én", "household", "Giấy khen", "", 0),
        ("Hộ ông Lò Văn Pấng", "household", "Giấy khen", "", 0),
        ("Nguyễn Văn Đức", "individual", "Giấy khen", "", 1),
    ]
    # only individuals' leader posts are inferred
    assert "cho 1 người" in result.stderr


def test_a_list_without_a_unit_column_says_so_once(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Khen thưởng",
        ["STT", "Họ và tên", "Chức vụ", "Hình thức khen thưởng", "Năm"],
        [
            [1, "Lê Văn An", "Chuyên viên", "Giấy khen", 2023],
            [2, "Lê Văn Bình", "Chuyên viên", "Giấy khen", 2023],
        ],
    )
    result = run(seeded, "import", write(tmp_path / "kt.xlsx", table))
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert (line.sheet, line.row, line.column) == ("Khen thưởng", "1", "")
    assert line.message == (
        "Danh sách không có cột “Đơn vị” (đơn vị thành viên của người được khen)."
    )


def test_a_blank_form_says_it_has_no_rows(seeded: Path, tmp_path: Path) -> None:
    result = run(
        seeded, "import", "--dry-run", write(tmp_path / "CANHAN.xlsx", listing([]), catalogue())
    )
    assert result.exit_code == 0, result.output
    assert (
        "Ghi chú: CANHAN.xlsx › DANHSACH: có dòng tiêu đề cột của danh sách khen thưởng nhưng "
        "chưa có dòng số liệu nào (mẫu trống)." in result.stderr
    )
    assert total_line(result) == "Tổng: 0 mới, 0 cập nhật, 0 không đổi."
