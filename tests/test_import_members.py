"""Member lists (SPEC §3.1 members, §3.3): messy headers and layouts, text normalised once, and
units found again later by code, name, alias or a normalised name."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.conftest import error_lines, only_error, query, run, summary_rows, total_line
from tests.workbooks import CODES, Table, long_table, members_table, write
from thidua_cli.services.units import UnitIndex


def test_messy_member_list_imports_every_year(db: Path, tmp_path: Path) -> None:
    # title rows, `Ma don vi` without accents, STT, a (1) (2) … row, a blank row between years
    path = write(tmp_path / "thanh-vien.xlsx", members_table())
    result = run(db, "import", path)
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 15 mới, 0 cập nhật, 0 không đổi."
    assert summary_rows(result) == [
        ("thanh-vien.xlsx", "Đơn vị", "danh sách đơn vị thành viên", "15", "15", "0", "0")
    ]
    assert query(db, "SELECT year, count(*) FROM membership GROUP BY year") == [
        (2022, 7),
        (2023, 8),
    ]
    assert query(
        db,
        "SELECT code, name, short_name, aliases FROM unit WHERE code IN ('TD', 'HPN')"
        " ORDER BY code",
    ) == [
        ("HPN", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN", ""),
        ("TD", "Tỉnh Đoàn", "Tỉnh Đoàn", "Đoàn TNCS Hồ Chí Minh tỉnh"),
    ]
    orders = query(
        db,
        "SELECT u.code, m.rotation_order FROM membership m JOIN unit u ON u.id = m.unit_id "
        "WHERE m.year = 2023 ORDER BY m.rotation_order",
    )
    assert orders == [(code, i) for i, code in enumerate(CODES, start=1)]
    # STT is expected and not worth a note; nothing else was left out
    assert "bỏ qua các cột không dùng" not in result.stderr


def test_numbering_row_of_plain_numbers_is_not_data(db: Path, tmp_path: Path) -> None:
    table = members_table({2023: ["TD", "HND"]})
    table.numbering = "plain"
    result = run(db, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 2 mới, 0 cập nhật, 0 không đổi."
    assert query(db, "SELECT code FROM unit ORDER BY code") == [("HND",), ("TD",)]


@pytest.mark.parametrize(
    "header",
    [
        ["Mã đơn vị", "Tên đơn vị", "Năm"],
        ["Ma don vi", "Ten don vi", "Nam"],
        ["MÃ ĐV", "TÊN ĐƠN VỊ", "NĂM"],
        ["  Mã   đơn\nvị ", "Tên đơn vị\n(ghi đầy đủ)", "Năm (*)"],
        ["unit_code", "unit_name", "year"],
    ],
    ids=["labels", "no-accents", "upper-case-short", "spaces-newlines-notes", "english"],
)
def test_header_aliases(db: Path, tmp_path: Path, header: list[str]) -> None:
    table = Table("Sheet1", header, [["TD", "Tỉnh Đoàn", 2023], ["HND", "Hội Nông dân tỉnh", 2023]])
    result = run(db, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 2 mới, 0 cập nhật, 0 không đổi."
    assert query(db, "SELECT code, name FROM unit ORDER BY code") == [
        ("HND", "Hội Nông dân tỉnh"),
        ("TD", "Tỉnh Đoàn"),
    ]


def test_text_is_stored_nfc_with_whitespace_collapsed(db: Path, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hội  Liên hiệp\nPhụ nữ tỉnh ")
    table = Table("Đơn vị", ["Mã đơn vị", "Tên đơn vị", "Năm"], [[" hpn ", nfd, 2023]])
    result = run(db, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT code, name FROM unit") == [("HPN", "Hội Liên hiệp Phụ nữ tỉnh")]


def test_year_from_title_row_or_option(db: Path, tmp_path: Path) -> None:
    titled = Table(
        "Thành viên",
        ["Mã đơn vị", "Tên đơn vị"],
        [["TD", "Tỉnh Đoàn"], ["CCB", "Hội Cựu chiến binh tỉnh"]],
        titles=["DANH SÁCH THÀNH VIÊN CỤM THI ĐUA SỐ 7 NĂM 2024"],
    )
    plain = Table("Thành viên", ["Mã đơn vị", "Tên đơn vị"], [["TD", "Tỉnh Đoàn"]])
    assert run(db, "import", write(tmp_path / "a.xlsx", titled)).exit_code == 0
    result = run(db, "import", write(tmp_path / "b.xlsx", plain), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT year, count(*) FROM membership GROUP BY year") == [
        (2024, 2),
        (2025, 1),
    ]


def test_no_year_anywhere_is_an_error(db: Path, tmp_path: Path) -> None:
    plain = Table("Thành viên", ["Mã đơn vị", "Tên đơn vị"], [["TD", "Tỉnh Đoàn"]])
    result = run(db, "import", write(tmp_path / "b.xlsx", plain))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.message) == ("2", "Không xác định được năm.")
    assert line.hint == (
        "Thêm cột Năm, ghi năm ở dòng tiêu đề (ví dụ “NĂM 2023”) hoặc dùng --year."
    )


def test_renamed_unit_is_updated_and_the_old_name_kept_as_alias(
    seeded: Path, tmp_path: Path
) -> None:
    table = Table(
        "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Năm", "Thứ tự luân phiên"],
        [["LMHTX", "Liên minh các Hợp tác xã tỉnh", 2023, 7]],
    )
    result = run(seeded, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 0 mới, 1 cập nhật, 0 không đổi."
    assert query(seeded, "SELECT name, aliases FROM unit WHERE code = 'LMHTX'") == [
        ("Liên minh các Hợp tác xã tỉnh", "Liên minh Hợp tác xã tỉnh")
    ]
    # the old spelling still finds the unit
    scores = long_table(
        [[2023, "Cả năm", "Liên minh Hợp tác xã tỉnh", "2", 25, None, None, None, None]]
    )
    assert run(seeded, "import", write(tmp_path / "s.xlsx", scores)).exit_code == 0


def test_changed_rotation_order_is_counted_as_updated(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Năm", "Thứ tự luân phiên"],
        [["TD", "Tỉnh Đoàn", 2023, 1], ["MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", 2023, 1]],
    )
    result = run(seeded, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 0 mới, 1 cập nhật, 1 không đổi."
    assert query(
        seeded,
        "SELECT m.rotation_order FROM membership m JOIN unit u ON u.id = m.unit_id"
        " WHERE u.code = 'TD' AND m.year = 2023",
    ) == [(1,)]


def test_member_listed_twice_in_a_year(db: Path, tmp_path: Path) -> None:
    table = Table(
        "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Năm"],
        [["TD", "Tỉnh Đoàn", 2023], ["HND", "Hội Nông dân", 2023], ["td", "Tỉnh Đoàn", 2023]],
    )
    result = run(db, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("4", "A", "TD")
    assert line.message == "Đơn vị TD năm 2023 bị khai hai lần (lần đầu ở Đơn vị dòng 2)."


def test_code_with_spaces_is_refused(db: Path, tmp_path: Path) -> None:
    table = Table("Đơn vị", ["Mã đơn vị", "Tên đơn vị", "Năm"], [["Tỉnh Đoàn", "Tỉnh Đoàn", 2023]])
    result = run(db, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.message) == ("2", "A", "Mã đơn vị không được có dấu cách.")


def test_hidden_member_sheet_is_skipped_and_said(db: Path, tmp_path: Path) -> None:
    hidden = members_table({2023: ["TD"]}, name="Cũ")
    hidden.hidden = True
    path = write(tmp_path / "dv.xlsx", members_table({2023: ["HND", "CCB"]}), hidden)
    result = run(db, "import", path)
    assert result.exit_code == 0, result.output
    assert "Bỏ qua: dv.xlsx › Cũ: sheet ẩn, bỏ qua." in result.stderr
    assert query(db, "SELECT code FROM unit ORDER BY code") == [("CCB",), ("HND",)]


def test_required_cell_missing(db: Path, tmp_path: Path) -> None:
    table = Table(
        "Đơn vị",
        ["Mã đơn vị", "Tên đơn vị", "Năm"],
        [["TD", "Tỉnh Đoàn", 2023], ["HND", None, 2023]],
    )
    result = run(db, "import", write(tmp_path / "dv.xlsx", table))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.message) for e in error_lines(result)] == [
        ("3", "B", "Thiếu giá trị ở cột bắt buộc “Tên đơn vị”.")
    ]


# ---------------------------------------------------------------- matching units (SPEC §3.3)


@pytest.fixture(scope="module")
def index() -> UnitIndex:
    index = UnitIndex(province="Thanh Hóa")
    index.add("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", "MTTQ tỉnh", ["Mặt trận Tổ quốc tỉnh"])
    index.add("LDLD", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh")
    index.add("TD", "Tỉnh Đoàn", "Tỉnh Đoàn", ["Đoàn TNCS Hồ Chí Minh tỉnh"])
    index.add("HND", "Hội Nông dân tỉnh", "Hội ND")
    index.add("HPN", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN")
    index.add("CTD", "Hội Chữ thập đỏ tỉnh", "Hội CTĐ")
    return index


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("td", "TD"),
        ("Tỉnh Đoàn", "TD"),
        ("TỈNH ĐOÀN", "TD"),
        ("Tinh Doan", "TD"),
        ("Đoàn TNCS Hồ Chí Minh tỉnh", "TD"),
        (unicodedata.normalize("NFD", "Hội Nông dân tỉnh"), "HND"),
        ("Hội Nông dân tỉnh Thanh Hóa", "HND"),
        ("Hội Nông dân", "HND"),
        ("Hội LHPN tỉnh", "HPN"),
        ("Hội Liên hiệp Phụ nữ tỉnh Thanh Hóa", "HPN"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thanh Hóa", "MTTQ"),
        ("Mặt trận Tổ quốc tỉnh", "MTTQ"),
        ("Liên đoàn lao động tỉnh", "LDLD"),
        ("Hội Chữ thập đỏ", "CTD"),
    ],
)
def test_unit_found_by_code_name_alias_or_normalised_name(
    index: UnitIndex, text: str, code: str
) -> None:
    assert index.lookup(text) == code


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Hội Nông dân huyện", "Có phải: Hội Nông dân tỉnh?"),
        ("Tỉnh Đoàn TN", "Có phải: Tỉnh Đoàn;"),
        ("Hội Liên hiệp Thanh niên", "Có phải: Hội Liên hiệp Phụ nữ tỉnh;"),
    ],
)
def test_unknown_unit_suggests_the_closest_first(index: UnitIndex, text: str, hint: str) -> None:
    assert index.lookup(text) is None
    assert index.hint(text).startswith(hint)
