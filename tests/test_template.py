"""`thidua template`: the blank workbook a clerk fills in. The header texts are the contract
with the importer (SPEC §3.1), so they are spelled out here rather than read back from the
module under test."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from thidua_cli.sheets.template import write_template

EXPECTED_HEADERS: dict[str, list[str]] = {
    "Đơn vị": ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Năm", "Thứ tự luân phiên", "Tên khác"],
    "Tiêu chí": ["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Loại", "Năm"],
    "Chấm điểm": [
        "Năm",
        "Kỳ",
        "Mã đơn vị",
        "Mã tiêu chí",
        "Tự chấm",
        "Chấm chéo",
        "Đơn vị chấm",
        "Thống nhất",
        "Ghi chú",
    ],
    "Tổng hợp điểm": ["Mã tiêu chí", "Nội dung", "Điểm tối đa", "VD"],
    "Bảng tự chấm": [
        "STT",
        "Mã tiêu chí",
        "Nội dung",
        "Điểm tối đa",
        "Điểm tự chấm",
        "Điểm thống nhất",
        "Ghi chú",
    ],
    "Bỏ phiếu": [
        "Năm",
        "Nội dung",
        "Mã đơn vị",
        "Số phiếu đồng ý",
        "Tổng số thành viên",
        "Số có mặt",
    ],
    "Trưởng cụm": ["Năm", "Trưởng cụm", "Phó cụm"],
    "Khen thưởng": [
        "STT",
        "Họ và tên",
        "Loại",
        "Giới tính",
        "Dân tộc",
        "Chức vụ",
        "Lãnh đạo quản lý",
        "Đơn vị",
        "Hình thức khen thưởng",
        "Danh hiệu",
        "Số quyết định",
        "Ngày quyết định",
        "Năm",
        "Kỳ",
    ],
    "Quy chế": ["Khóa", "Giá trị", "Từ năm"],
}

EXPECTED_DROP_DOWNS: list[tuple[str, str, list[str]]] = [
    ("Tiêu chí", "Loại", ["Chuẩn", "Thưởng", "Trừ", "Liệt"]),
    ("Chấm điểm", "Kỳ", ["6 tháng", "Cả năm"]),
    ("Bỏ phiếu", "Nội dung", ["Dẫn đầu", "Cờ thi đua", "Bằng khen", "Trưởng cụm", "Phó cụm"]),
    ("Khen thưởng", "Loại", ["Cá nhân", "Tập thể"]),
    ("Khen thưởng", "Giới tính", ["Nam", "Nữ"]),
    ("Khen thưởng", "Lãnh đạo quản lý", ["x", "không"]),
    ("Khen thưởng", "Kỳ", ["6 tháng", "Cả năm"]),
]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("template") / "mau-nhap-lieu.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def header_row(sheet: Worksheet, first_header: str) -> int:
    for row in range(1, 16):
        if sheet.cell(row=row, column=1).value == first_header:
            return row
    raise AssertionError(f"no header row starting with {first_header!r} in {sheet.title!r}")


def column_of(sheet: Worksheet, row: int, header: str) -> str:
    for cell in sheet[row]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"no column {header!r} in {sheet.title!r}")


def data_rows(sheet: Worksheet, first_row: int) -> list[tuple]:
    rows = sheet.iter_rows(min_row=first_row, values_only=True)
    return [row for row in rows if any(value not in (None, "") for value in row)]


def test_guide_sheet_comes_first_then_every_sheet_kind(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames[0] == "Hướng dẫn"
    assert workbook.sheetnames[1:] == list(EXPECTED_HEADERS)
    assert workbook.active.title == "Hướng dẫn"


@pytest.mark.parametrize("sheet_name", list(EXPECTED_HEADERS))
def test_headers_are_the_spec_names_bold_filled_and_frozen(
    workbook: openpyxl.Workbook, sheet_name: str
) -> None:
    sheet = workbook[sheet_name]
    expected = EXPECTED_HEADERS[sheet_name]
    row = header_row(sheet, expected[0])
    cells = [sheet.cell(row=row, column=column) for column in range(1, len(expected) + 1)]
    assert [cell.value for cell in cells] == expected
    assert all(cell.font.bold for cell in cells)
    assert all(cell.fill.fgColor.rgb.endswith("DDEBF7") for cell in cells)
    assert sheet.freeze_panes == f"A{row + 1}"
    assert all(sheet.column_dimensions[get_column_letter(c)].width >= 6 for c in range(1, 4))


def test_title_rows_carry_layer_unit_and_year(workbook: openpyxl.Workbook) -> None:
    assert workbook["Tổng hợp điểm"]["A1"].value == "BẢNG TỔNG HỢP ĐIỂM THỐNG NHẤT NĂM 2023"
    form_titles = [workbook["Bảng tự chấm"].cell(row=r, column=1).value for r in (1, 2, 3)]
    assert "NĂM 2023" in form_titles
    assert "Đơn vị: Đơn vị ví dụ (xóa dòng này)" in form_titles


@pytest.mark.parametrize(("sheet_name", "header", "choices"), EXPECTED_DROP_DOWNS)
def test_fixed_value_columns_have_drop_down_lists(
    workbook: openpyxl.Workbook, sheet_name: str, header: str, choices: list[str]
) -> None:
    sheet = workbook[sheet_name]
    row = header_row(sheet, EXPECTED_HEADERS[sheet_name][0])
    first_cell = f"{column_of(sheet, row, header)}{row + 1}"
    matching = [
        validation
        for validation in sheet.data_validations.dataValidation
        if first_cell in validation.sqref
    ]
    assert len(matching) == 1, f"{sheet_name}!{first_cell} ({header}) has no drop-down list"
    assert matching[0].type == "list"
    assert matching[0].formula1 == '"' + ",".join(choices) + '"'


@pytest.mark.parametrize(
    "sheet_name",
    ["Đơn vị", "Chấm điểm", "Tổng hợp điểm", "Bỏ phiếu", "Trưởng cụm", "Khen thưởng", "Quy chế"],
)
def test_list_sheets_hold_exactly_one_example_row(
    workbook: openpyxl.Workbook, sheet_name: str
) -> None:
    sheet = workbook[sheet_name]
    row = header_row(sheet, EXPECTED_HEADERS[sheet_name][0])
    assert len(data_rows(sheet, row + 1)) == 1


def test_examples_fit_together(workbook: openpyxl.Workbook) -> None:
    """The template, filled as is, must import cleanly: one member (VD, 2023), a scoring
    table whose base leaves sum to 100, and scores within each leaf's maximum."""
    members = data_rows(workbook["Đơn vị"], 2)
    assert [(row[0], row[3]) for row in members] == [("VD", 2023)]

    criteria = data_rows(workbook["Tiêu chí"], 2)
    maxima = {code: maximum for code, _, maximum, _, _ in criteria}
    leaves = [code for code in maxima if not any(c.startswith(code + ".") for c in maxima)]
    leaves = [code for code in leaves if code not in ("I", "1")]
    assert sum(maxima[code] for code in leaves) == 100

    form = workbook["Bảng tự chấm"]
    scored = [row for row in data_rows(form, 5) if row[1] and row[4] is not None]
    assert scored and all(0 <= row[4] <= maxima[row[1]] for row in scored)

    wide = workbook["Tổng hợp điểm"]
    (code, _, _, agreed) = data_rows(wide, 3)[0]
    assert 0 <= agreed <= maxima[code]


def test_guide_explains_every_sheet_and_the_import_command(workbook: openpyxl.Workbook) -> None:
    text = "\n".join(
        str(value)
        for row in workbook["Hướng dẫn"].iter_rows(values_only=True)
        for value in row
        if value
    )
    for sheet_name, headers in EXPECTED_HEADERS.items():
        assert f"«{sheet_name}»" in text
        for header in headers:
            assert header in text
    assert "thidua import" in text
    assert "NĂM 2023" in text  # year may come from the title rows


def test_importing_the_module_does_not_load_openpyxl() -> None:
    code = "import sys, thidua_cli.sheets.template; sys.exit(1 if 'openpyxl' in sys.modules else 0)"
    src = pathlib.Path(__file__).resolve().parent.parent / "src"
    result = subprocess.run([sys.executable, "-c", code], cwd=src, check=False)
    assert result.returncode == 0
