"""Bad input (SPEC §3.2, §3.4): every error names the file, the Excel row and column and says
what is wrong in Vietnamese; the command exits 1 and the database file is not touched."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.conftest import error_lines, only_error, query, run, sha256
from tests.workbooks import (
    NA,
    Table,
    criteria_table,
    encrypted,
    long_table,
    members_table,
    text_file,
    truncated,
    write,
    zip_without_workbook,
)

GOOD = [
    [2023, "Cả năm", "TD", "1.1", 18, None, None, None, None],
    [2023, "Cả năm", "TD", "1.2", "19,5", None, None, None, None],
]


def refused(db: Path, *args: object) -> tuple[object, str]:
    """Run an import that must fail; return the result after checking exit 1 and no write."""
    before = sha256(db)
    result = run(db, "import", *args)
    assert result.exit_code == 1, result.output
    assert sha256(db) == before
    assert "Không ghi gì vào cơ sở dữ liệu." in result.stderr
    assert "Traceback" not in result.output
    return result, before


def scores_file(tmp_path: Path, bad_row: list[object], *, name: str = "cham-diem.xlsx") -> Path:
    """Two good rows, then the bad one (Excel row 4: the header is row 1)."""
    return write(tmp_path / name, long_table([*GOOD, bad_row]))


@pytest.mark.parametrize(
    ("bad_row", "column", "value", "message", "hint"),
    [
        pytest.param(
            [2023, "Cả năm", "TD", "1.1", None, None, None, 25, None],
            "H",
            "25",
            "Điểm 25 vượt điểm tối đa 20 của tiêu chí 1.1.",
            "Nhập điểm từ 0 đến 20.",
            id="above-max",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", "-3", None, None, None, None],
            "E",
            "-3",
            "Điểm không được âm.",
            "Nhập điểm từ 0 đến điểm tối đa",
            id="negative",
        ),
        pytest.param(
            [2023, "Cả năm", "Hội Nông dân huyện", "2", 20, None, None, None, None],
            "C",
            "Hội Nông dân huyện",
            "Đơn vị “Hội Nông dân huyện” không có trong danh sách đơn vị.",
            "Có phải: Hội Nông dân tỉnh?",
            id="unknown-unit",
        ),
        pytest.param(
            [2022, "Cả năm", "CTD", "1", 35, None, None, None, None],
            "C",
            "CTD",
            "Hội Chữ thập đỏ tỉnh (CTD) không là thành viên của cụm năm 2022.",
            "Nhập danh sách thành viên năm 2022 trước, hoặc sửa lại đơn vị.",
            id="not-a-member-that-year",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "1.9", 5, None, None, None, None],
            "D",
            "1.9",
            "Không có tiêu chí 1.9 trong bảng tiêu chí năm 2023.",
            "Kiểm tra lại mã tiêu chí theo bảng tiêu chí của năm.",
            id="unknown-criterion",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "9", 25, None, None, None, None],
            "D",
            "9",
            "Không có tiêu chí 9 trong bảng tiêu chí năm 2023.",
            "Mã này có trong bảng tiêu chí năm 2022, không có trong năm 2023.",
            id="criterion-of-another-year",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", "95%", None, None, None, None],
            "E",
            "95%",
            "Có dấu phần trăm (%): không rõ đây là điểm hay tỷ lệ.",
            "Nhập số điểm, không kèm dấu %.",
            id="percent-sign",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", "1.250", None, None, None, None],
            "E",
            "1.250",
            "Có dấu phân cách hàng nghìn: không đoán được giá trị.",
            "Nhập số không có dấu phân cách hàng nghìn",
            id="thousands-separator",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", "=SUM(E2:E3)", None, None, None, None],
            "E",
            "(công thức)",
            "Ô có công thức nhưng chưa có giá trị tính sẵn.",
            "Mở tệp bằng Excel, để Excel tính lại rồi lưu, sau đó nhập lại.",
            id="formula-without-cached-value",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", "hai mươi", None, None, None, None],
            "E",
            "hai mươi",
            "Giá trị không phải là số.",
            "Nhập một số, ví dụ 9,5 hoặc 10.",
            id="not-a-number",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", 9.125, None, None, None, None],
            "E",
            "9,125",
            "Điểm có quá 2 chữ số thập phân.",
            "Làm tròn điểm đến 2 chữ số thập phân",
            id="three-decimals",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", None, 20, "TD", None, None],
            "G",
            "TD",
            "Đơn vị không chấm chéo chính mình.",
            "Điểm của chính đơn vị ghi ở cột Tự chấm.",
            id="peer-scores-itself",
        ),
        pytest.param(
            [2023, "Cả năm", "TD", "2", "x", None, None, None, None],
            "E",
            "x",
            "Tiêu chí 2 không phải điểm liệt, không nhận dấu x / có.",
            "Nhập số điểm.",
            id="mark-on-a-scored-criterion",
        ),
        pytest.param(
            [NA, "Cả năm", "TD", "2", 20, None, None, None, None],
            "A",
            "#N/A",
            "Ô lỗi #N/A ở cột bắt buộc “Năm”.",
            "Sửa công thức hoặc nhập năm trực tiếp",
            id="error-cell-in-year",
        ),
    ],
)
def test_bad_cell_is_named_and_nothing_is_written(
    seeded: Path,
    tmp_path: Path,
    bad_row: list[object],
    column: str,
    value: str,
    message: str,
    hint: str,
) -> None:
    path = scores_file(tmp_path, bad_row)
    result, _ = refused(seeded, path)
    line = only_error(result)
    assert (line.file, line.sheet, line.row, line.column) == (
        "cham-diem.xlsx",
        "Chấm điểm",
        "4",
        column,
    )
    assert line.value == value
    assert line.message == message
    assert line.hint.startswith(hint)
    assert "Có 1 lỗi. Không ghi gì vào cơ sở dữ liệu." in result.stderr


def test_table_away_from_a1_is_named_as_excel_shows_it(seeded: Path, tmp_path: Path) -> None:
    # nothing in rows 1-3 nor in columns A-B: the cells are still F6, not row 3 or column D
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chấm điểm"
    for column, header in enumerate(["Năm", "Mã đơn vị", "Mã tiêu chí", "Tự chấm"], start=3):
        sheet.cell(row=4, column=column, value=header)
    for row, values in ((5, [2023, "TD", "1.1", 18]), (6, [2023, "TD", "1.2", 25])):
        for column, value in enumerate(values, start=3):
            sheet.cell(row=row, column=column, value=value)
    book.save(tmp_path / "lech.xlsx")
    result, _ = refused(seeded, tmp_path / "lech.xlsx")
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("6", "F", "25")
    assert line.message == "Điểm 25 vượt điểm tối đa 20 của tiêu chí 1.2."


def test_same_key_twice_names_both_rows(seeded: Path, tmp_path: Path) -> None:
    path = scores_file(tmp_path, [2023, "Cả năm", "Tỉnh Đoàn", "1.1", 17, None, None, None, None])
    result, _ = refused(seeded, path)
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("4", "E", "17")
    assert line.message == (
        "Điểm tự chấm của TD, tiêu chí 1.1, năm 2023 (cả năm) có hai lần: ở đây và ở "
        "cham-diem.xlsx › Chấm điểm dòng 2."
    )


def test_same_key_in_two_files_names_both_files(seeded: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "a.xlsx", long_table(GOOD))
    second = write(tmp_path / "b.xlsx", long_table([GOOD[1]]))
    result, _ = refused(seeded, first, second)
    line = only_error(result)
    assert (line.file, line.row, line.column) == ("b.xlsx", "2", "E")
    assert "ở đây và ở a.xlsx › Chấm điểm dòng 3." in line.message


def test_every_error_of_every_file_is_listed(seeded: Path, tmp_path: Path) -> None:
    rows = [
        [2023, "Cả năm", "TD", "1.1", 21, None, None, None, None],
        None,
        [2023, "Cả năm", "XYZ", "1.2", 10, None, None, None, None],
        [2023, "Cả năm", "HND", "2", "95%", None, None, None, None],
    ]
    path = write(tmp_path / "nhieu-loi.xlsx", long_table(rows))
    other = write(
        tmp_path / "khac.xlsx",
        long_table([[2023, "Cả năm", "CCB", "4", 11, None, None, None, None]]),
    )
    result, _ = refused(seeded, path, other)
    found = {(e.file, e.row, e.column) for e in error_lines(result)}
    assert found == {
        ("nhieu-loi.xlsx", "2", "E"),
        ("nhieu-loi.xlsx", "4", "C"),
        ("nhieu-loi.xlsx", "5", "E"),
        ("khac.xlsx", "2", "E"),
    }
    assert "Có 4 lỗi. Không ghi gì vào cơ sở dữ liệu." in result.stderr


def test_required_error_cell_in_commendation_is_named(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Khen thưởng",
        ["Họ và tên", "Chức vụ", "Đơn vị", "Hình thức khen thưởng", "Năm"],
        [["Nguyễn Văn An", "Chuyên viên", "TD", NA, 2023]],
    )
    result, _ = refused(seeded, write(tmp_path / "kt.xlsx", table))
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("2", "D", "#N/A")
    assert line.message == "Ô lỗi #N/A ở cột bắt buộc “Hình thức khen thưởng”."


# ---------------------------------------------------------------- files that cannot be read


def _real_workbook(tmp_path: Path) -> Path:
    return write(tmp_path / "that.xlsx", members_table())


@pytest.mark.parametrize(
    ("make", "message", "hint"),
    [
        pytest.param(
            lambda p: text_file(p),
            "Không phải tệp bảng tính (.xlsx, .xls, .ods, .csv).",
            "Chỉ nhập tệp .xlsx, .xlsm, .xls, .ods hoặc .csv.",
            id="text-named-xlsx",
        ),
        pytest.param(
            lambda p: truncated(_real_workbook(p.parent), p),
            "Tệp bị hỏng hoặc không trọn vẹn (có thể tải về chưa hết).",
            "Tải lại tệp hoặc mở bằng Excel rồi lưu lại.",
            id="truncated",
        ),
        pytest.param(
            lambda p: encrypted(p),
            "Tệp có mật khẩu (đã mã hóa), không đọc được.",
            "Mở tệp bằng Excel, bỏ mật khẩu",
            id="password-protected",
        ),
        pytest.param(
            lambda p: p.write_bytes(b"") and p,
            "Tệp rỗng (0 byte).",
            "Kiểm tra lại tệp, có thể bị lỗi khi tải về.",
            id="empty-file",
        ),
        pytest.param(
            lambda p: zip_without_workbook(p),
            "Tệp nén này không phải sổ làm việc Excel hay bảng tính OpenDocument (.ods).",
            "Chỉ nhập tệp .xlsx, .xlsm, .xls, .ods hoặc .csv.",
            id="zip-not-workbook",
        ),
    ],
)
def test_unreadable_file_is_named(
    seeded: Path, tmp_path: Path, make, message: str, hint: str
) -> None:
    path = tmp_path / "bao-cao.xlsx"
    make(path)
    if not path.exists():
        path.write_bytes(b"")
    result, _ = refused(seeded, path)
    line = only_error(result)
    assert (line.file, line.sheet, line.row, line.column) == ("bao-cao.xlsx", "", "", "")
    assert line.message == message
    assert line.hint.startswith(hint)


def test_missing_file_is_named(seeded: Path, tmp_path: Path) -> None:
    result, _ = refused(seeded, tmp_path / "khong-co.xlsx")
    line = only_error(result)
    assert (line.file, line.message) == ("khong-co.xlsx", "Không tìm thấy tệp.")


@pytest.mark.parametrize(
    "tables",
    [
        pytest.param([Table("Sheet1", [])], id="empty-sheet"),
        pytest.param(
            [
                Table(
                    "Ghi chép",
                    ["Họp cụm ngày 12/12/2023", "Địa điểm"],
                    [["Nội dung", "Hội trường"]],
                )
            ],
            id="no-recognisable-table",
        ),
    ],
)
def test_workbook_without_a_table_is_refused(
    seeded: Path, tmp_path: Path, tables: list[Table]
) -> None:
    path = write(tmp_path / "trong.xlsx", *tables)
    result, _ = refused(seeded, path)
    line = only_error(result)
    assert (line.file, line.sheet) == ("trong.xlsx", "")
    assert line.message == "Không tìm thấy bảng nào nhập được trong tệp."
    assert line.hint.startswith("Kiểm tra tiêu đề các cột")
    assert f"trong.xlsx › {tables[0].name}: " in result.stderr  # the skipped sheet is said


def test_year_in_title_row_conflicting_with_option(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "tieu-chi.xlsx", criteria_table(2024))
    result, _ = refused(seeded, path, "--year", "2023")
    line = only_error(result)
    assert (line.sheet, line.row, line.column, line.value) == ("Bảng tiêu chí", "2", "A", "2024")
    assert line.message == "Năm ở dòng tiêu đề (2024) khác năm ở tùy chọn --year (2023)."


def test_year_in_column_conflicting_with_option(seeded: Path, tmp_path: Path) -> None:
    result, _ = refused(
        seeded, scores_file(tmp_path, GOOD[0][:3] + ["2", 20] + [None] * 4), "--year", "2022"
    )
    lines = error_lines(result)
    assert [(e.row, e.column) for e in lines] == [("2", "A"), ("3", "A"), ("4", "A")]
    assert lines[0].message == "Năm trong bảng (2023) khác năm ở tùy chọn --year (2022)."


def test_a_good_file_and_a_bad_file_write_nothing(db: Path, tmp_path: Path) -> None:
    good = write(tmp_path / "thanh-vien.xlsx", members_table())
    bad = write(
        tmp_path / "tieu-chi.xlsx",
        criteria_table(2023, [("I", "Nhiệm vụ", 100, ""), ("1", "Tuyên truyền", "bốn mươi", "")]),
    )
    result, _ = refused(db, good, bad)
    line = only_error(result)
    assert (line.file, line.row, line.column) == ("tieu-chi.xlsx", "6", "C")
    assert query(db, "SELECT count(*) FROM unit") == [(0,)]
    assert query(db, "SELECT count(*) FROM import_record") == [(0,)]


def test_errors_option_writes_the_list_as_a_workbook(seeded: Path, tmp_path: Path) -> None:
    path = scores_file(tmp_path, [2023, "Cả năm", "TD", "1.1", None, None, None, 25, None])
    out = tmp_path / "loi" / "danh-sach-loi.xlsx"
    result, _ = refused(seeded, path, "--errors", out)
    assert f"Đã ghi danh sách lỗi ra {out}." in result.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "Lỗi"
    assert [c.value for c in sheet[1]] == [
        "Tệp",
        "Sheet",
        "Dòng",
        "Cột",
        "Giá trị",
        "Lỗi",
        "Cách sửa",
    ]
    assert [c.value for c in sheet[2]] == [
        "cham-diem.xlsx",
        "Chấm điểm",
        4,
        "H",
        "25",
        "Điểm 25 vượt điểm tối đa 20 của tiêu chí 1.1.",
        "Nhập điểm từ 0 đến 20.",
    ]
    assert sheet.max_row == 2


def test_errors_option_needs_an_xlsx_name(seeded: Path, tmp_path: Path) -> None:
    path = scores_file(tmp_path, GOOD[0])
    result = run(seeded, "import", path, "--errors", tmp_path / "loi.txt")
    assert result.exit_code == 2
    assert "Tệp --errors phải có đuôi .xlsx." in result.stderr
