"""Every format a clerk receives (SPEC §3): .xls and .ods beside .xlsx, CSV in its encodings
and separators, and folders that name every file they leave out."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import only_error, query, run, scores, sha256, total_line
from tests.workbooks import (
    NA,
    ErrorCell,
    commendations_tables,
    members_table,
    self_form_table,
    self_scores,
    write,
    write_ods,
    write_xls,
)


def _self(db: Path, unit: str) -> dict[str, float]:
    return {k[1]: p for k, p in scores(db).items() if k[0] == unit and k[2] == "self"}


def _expected(unit: str) -> dict[str, float]:
    return {code: float(p) for code, p in self_scores(unit).items() if p is not None}


def test_folder_with_xls_ods_pdf_and_lock_file(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bai-nop"
    folder.mkdir()
    write(folder / "tinh-doan.xlsx", self_form_table("Tỉnh Đoàn", self_scores("TD")))
    write_xls(folder / "hoi-nong-dan.xls", self_form_table("Hội Nông dân tỉnh", self_scores("HND")))
    write_ods(folder / "hoi-phu-nu.ods", self_form_table("Hội LHPN tỉnh", self_scores("HPN")))
    (folder / "cong-van.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "~$tinh-doan.xlsx").write_bytes(b"\x00" * 165)
    result = run(seeded, "import", folder)
    assert result.exit_code == 0, result.output
    # every form imported, each with its own unit's totals
    assert {k[0] for k in scores(seeded)} == {"TD", "HND", "HPN"}
    for unit in ("TD", "HND", "HPN"):
        assert _self(seeded, unit) == _expected(unit)
    assert _self(seeded, "HND") == {
        "1.1": 19.0,
        "1.2": 19.0,
        "2": 28.0,
        "3": 18.0,
        "4": 10.0,
        "5": 3.0,
        "7": 1.0,
    }
    assert (
        "bai-nop/cong-van.pdf: không phải bảng tính (.xlsx, .xlsm, .xls, .ods, .csv), bỏ qua."
        in (result.stdout + result.stderr)
    )
    assert (
        "bai-nop/~$tinh-doan.xlsx: tệp khóa tạm của Excel (có khi tệp đang mở), không phải "
        "bảng tính, bỏ qua." in result.stdout + result.stderr
    )


def test_unreadable_file_in_a_folder_is_named_and_the_rest_imports(
    seeded: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "bai-nop"
    folder.mkdir()
    write(folder / "tinh-doan.xlsx", self_form_table("Tỉnh Đoàn", self_scores("TD")))
    (folder / "hong.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    result = run(seeded, "import", folder)
    assert result.exit_code == 0, result.output
    assert {k[0] for k in scores(seeded)} == {"TD"}
    assert "bai-nop/hong.xls: không đọc được (Tệp bị hỏng" in result.stderr


def test_folder_with_nothing_to_import_says_what_it_left_out(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "trong"
    folder.mkdir()
    (folder / "cong-van.pdf").write_bytes(b"%PDF-1.4\n")
    result = run(seeded, "import", folder)
    assert result.exit_code == 1
    assert "Không có tệp nào để nhập." in result.stderr
    assert "cong-van.pdf: không phải bảng tính" in result.stderr


def test_boolean_in_a_score_column_of_an_ods_is_an_error(seeded: Path, tmp_path: Path) -> None:
    form = self_form_table("Tỉnh Đoàn", {**self_scores("TD"), "3": True}, total=None)
    result = run(seeded, "import", write_ods(tmp_path / "td.ods", form))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.file, line.row, line.column, line.value) == ("td.ods", "14", "D", "TRUE")
    assert line.message == "Ô kiểu đúng/sai (TRUE/FALSE) ở cột số."


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _windows_1258(text: str) -> bytes:
    """Text as Windows-1258 holds it: letters with their hat or horn precomposed, the tone
    as a separate combining mark (the code page has no `ầ`, only `â` and a grave)."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out.append(base + "".join(p for p in parts if p in _TONES))
    return "".join(out).encode("cp1258")


def _csv(path: Path, rows: list[list[object]], *, delimiter: str, encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(_windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


LONG = ["Năm", "Kỳ", "Mã đơn vị", "Mã tiêu chí", "Tự chấm", "Ghi chú"]


def test_csv_in_cp1258_with_semicolons_and_decimal_commas(seeded: Path, tmp_path: Path) -> None:
    rows = [
        LONG,
        [2023, "Cả năm", "TD", "1.1", "19,5", "đã thẩm định"],
        [2023, "Cả năm", "TD", "2", "28", ""],
    ]
    path = _csv(tmp_path / "cham-diem.csv", rows, delimiter=";", encoding="cp1258")
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        ("TD", "1.1", "self", "", "FY", 2023): 19.5,
        ("TD", "2", "self", "", "FY", 2023): 28.0,
    }
    assert query(seeded, "SELECT note FROM score WHERE note != ''") == [("đã thẩm định",)]


def test_csv_with_bom_keeps_a_quoted_newline(seeded: Path, tmp_path: Path) -> None:
    header = ["Năm", "Kỳ", "Mã\nđơn vị", "Mã tiêu chí", "Tự chấm", "Ghi chú"]
    rows = [header, [2023, "Cả năm", "TD", "1.1", "19", "dòng một\ndòng hai"]]
    path = _csv(tmp_path / "cham-diem.csv", rows, delimiter=",", encoding="utf-8-sig")
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 1 mới, 0 cập nhật, 0 không đổi."
    assert scores(seeded) == {("TD", "1.1", "self", "", "FY", 2023): 19.0}


def test_csv_literal_na_is_the_error_cell(seeded: Path, tmp_path: Path) -> None:
    rows = [LONG, [2023, "Cả năm", "TD", "1.1", "#N/A", ""], [2023, "Cả năm", "TD", "2", "28", ""]]
    path = _csv(tmp_path / "cham-diem.csv", rows, delimiter=",", encoding="utf-8")
    result = run(seeded, "import", path)
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("2", "E", "#N/A")
    assert line.message == "Ô lỗi #N/A ở cột điểm “Tự chấm”."
    assert scores(seeded) == {}


def test_xls_with_title_rows_and_merged_header_imports(seeded: Path, tmp_path: Path) -> None:
    form = self_form_table("Hội Nông dân tỉnh", self_scores("HND"), agreed={"1.1": 18})
    result = run(seeded, "import", write_xls(tmp_path / "hnd.xls", form))
    assert result.exit_code == 0, result.output
    assert scores(seeded)[("HND", "1.1", "agreed", "", "FY", 2023)] == 18.0
    assert _self(seeded, "HND") == _expected("HND")


_WRITERS = {
    "xlsx": lambda path, *tables: write(path.with_suffix(".xlsx"), *tables),
    # Excel keeps a formula's error as its cached result; an error typed in is a constant
    "xls-formula": lambda path, *tables: write_xls(path.with_suffix(".xls"), *tables),
    "xls-constant": lambda path, *tables: write_xls(
        path.with_suffix(".xls"), *tables, errors="constant"
    ),
    "ods": lambda path, *tables: write_ods(path.with_suffix(".ods"), *tables),
}


@pytest.mark.parametrize("writer", list(_WRITERS))
@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!"])
def test_error_cell_in_a_unit_form_is_named_in_every_format(
    seeded: Path, tmp_path: Path, writer: str, error: str
) -> None:
    """calamine reads an error cell of an .xls or .ods as an empty cell: a score of #N/A must
    not pass as "no score" there either (issue 11)."""
    form = self_form_table(
        "Hội Nông dân tỉnh", {**self_scores("HND"), "3": ErrorCell(error)}, total=None
    )
    path = _WRITERS[writer](tmp_path / "hnd", form)
    before = sha256(seeded)
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.file, line.sheet, line.row, line.column, line.value) == (
        path.name,
        "Bảng tự chấm",
        str(form.row_of(6)),
        "D",
        error,
    )
    assert line.message == f"Ô lỗi {error} ở cột điểm “Tự chấm”."
    assert sha256(seeded) == before


@pytest.mark.parametrize("writer", list(_WRITERS))
def test_error_cell_in_a_required_member_column_is_named_in_every_format(
    db: Path, tmp_path: Path, writer: str
) -> None:
    table = members_table({2023: ["TD", "HND"]})
    rows = [list(r) if r else r for r in table.rows]
    rows[1][2] = NA  # HND's name
    table.rows = rows
    path = _WRITERS[writer](tmp_path / "dv", table)
    result = run(db, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.row, line.column, line.value) == (str(table.row_of(1)), "C", "#N/A")
    assert query(db, "SELECT code FROM unit") == []


@pytest.mark.parametrize("writer", list(_WRITERS))
def test_na_leftovers_under_a_commendation_list_are_skipped_in_every_format(
    seeded: Path, tmp_path: Path, writer: str
) -> None:
    """The other side of the same cells: rows of nothing but #N/A are formula leftovers."""
    person = [1, "Nguyễn Thị Hoa", "Nữ", "12/3/1980", "Kinh", "Phó Chủ tịch", "Hội Nông dân tỉnh"]
    rows = [[*person, "Bằng khen của Chủ tịch UBND tỉnh", "123/QĐ-UBND", "15/01/2024"]]
    path = _WRITERS[writer](tmp_path / "kt", *commendations_tables(rows))
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert query(seeded, "SELECT recipient FROM commendation") == [("Nguyễn Thị Hoa",)]


@pytest.mark.parametrize("hidden_by", ["table-properties", "properties"])
def test_hidden_ods_sheet_is_skipped_and_said(db: Path, tmp_path: Path, hidden_by: str) -> None:
    """A sheet hidden through its table style; calamine reads only the ODF 1.2 spelling."""
    hidden = members_table({2023: ["TD"]}, name="Cũ")
    hidden.hidden = True
    tables = (members_table({2023: ["HND", "CCB"]}), hidden)
    path = write_ods(tmp_path / "dv.ods", *tables, hidden_by=hidden_by)
    result = run(db, "import", path)
    assert result.exit_code == 0, result.output
    assert "Bỏ qua: dv.ods › Cũ: sheet ẩn, bỏ qua." in result.stderr
    assert query(db, "SELECT code FROM unit ORDER BY code") == [("CCB",), ("HND",)]


def test_formula_without_a_value_in_an_ods_asks_to_save(seeded: Path, tmp_path: Path) -> None:
    form = self_form_table("Tỉnh Đoàn", {**self_scores("TD"), "3": "=SUM(9;9)"}, total=None)
    before = sha256(seeded)
    result = run(seeded, "import", write_ods(tmp_path / "td.ods", form))
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.file, line.row, line.column) == ("td.ods", str(form.row_of(6)), "D")
    assert line.message == "Ô có công thức nhưng chưa có giá trị tính sẵn."
    assert sha256(seeded) == before
