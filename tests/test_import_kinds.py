"""Never guess into the wrong kind (SPEC §3): a summary sheet with one column per unit is
never a scoring table, and a header two kinds fit equally is an error asking for --kind."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import only_error, query, run, scores, total_line
from tests.workbooks import CRITERIA_2023, Table, write

SECTIONS = {"I", "II", "III", "IV", "V"}


def summary_table(units: list[str]) -> Table:
    """The agreed-score summary clerks really keep: `TT | Nội dung tiêu chí | Điểm chuẩn`, then
    `Điểm thống nhất của các đơn vị` merged over one column per unit."""
    rows = []
    for code, title, maximum, _kind in CRITERIA_2023:
        leaf = maximum is not None and code not in SECTIONS and code != "1"
        rows.append(
            [code, title, maximum, *[maximum - i % 2 if leaf else None for i in range(len(units))]]
        )
    return Table(
        "Tổng hợp",
        ["TT", "Nội dung tiêu chí", "Điểm chuẩn", "Điểm thống nhất của các đơn vị"]
        + [None] * (len(units) - 1),
        rows,
        titles=["CỤM THI ĐUA SỐ 7", "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM NĂM 2023"],
        header2=[None, None, None, *units],
    )


def _criteria(db: Path) -> list[tuple]:
    return query(db, "SELECT year, code, kind, max_c, parent_code FROM criterion ORDER BY id")


def test_agreed_summary_by_unit_imports_as_agreed_scores(seeded: Path, tmp_path: Path) -> None:
    before = _criteria(seeded)
    path = write(tmp_path / "tong-hop.xlsx", summary_table(["MTTQ", "Tỉnh Đoàn", "Hội ND"]))
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert _criteria(seeded) == before  # Thưởng, Trừ, Liệt stay as they were
    got = scores(seeded)
    assert {k[2] for k in got} == {"agreed"}
    assert {k[0] for k in got} == {"MTTQ", "TD", "HND"}
    # leaves 1.1, 1.2, 2, 3, 4, 5, 6, 7 for each unit; TD is one point under each maximum
    assert got[("TD", "7", "agreed", "", "FY", 2023)] == 4.0
    assert got[("MTTQ", "1.1", "agreed", "", "FY", 2023)] == 20.0
    assert total_line(result) == "Tổng: 24 mới, 0 cập nhật, 0 không đổi."
    assert "bảng tổng hợp điểm (mỗi đơn vị một cột)" in result.stdout


def test_summary_with_no_known_unit_is_refused_not_a_scoring_table(
    seeded: Path, tmp_path: Path
) -> None:
    before = _criteria(seeded)
    path = write(tmp_path / "tong-hop.xlsx", summary_table(["Đơn vị A", "Đơn vị B"]))
    result = run(seeded, "import", path)
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.sheet, line.row, line.value) == (
        "Tổng hợp",
        "4",
        "Điểm thống nhất của các đơn vị",
    )
    assert line.message.startswith("Bảng có cột điểm theo từng đơn vị")
    assert "không bao giờ được nhập làm bảng tiêu chí" in line.message
    assert _criteria(seeded) == before
    assert scores(seeded) == {}


def test_units_under_a_header_of_no_known_column_are_refused(seeded: Path, tmp_path: Path) -> None:
    # `Kết quả` names no column of any kind; the units under it still make it a score sheet
    table = Table(
        "Kết quả",
        ["Chỉ tiêu", "Kết quả", None],
        [["1.1", 18, 19], ["1.2", 17, 20]],
        titles=["KẾT QUẢ NĂM 2023"],
        header2=[None, "TD", "HND"],
    )
    result = run(seeded, "import", write(tmp_path / "ket-qua.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.sheet, line.row, line.value) == ("Kết quả", "3", "Kết quả")
    assert line.message.startswith("Bảng có cột điểm theo từng đơn vị (“Kết quả”)")
    assert scores(seeded) == {}


def test_near_miss_under_title_rows_says_what_is_missing(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Bỏ phiếu",
        ["Năm", "Nội dung", "Mã đơn vị", "Tổng số thành viên", "Số có mặt"],
        # a blank row first: a known unit right under the header makes it a score sheet by unit
        [None, [2023, "Dẫn đầu", "TD", 8, 8]],
        titles=["CỤM THI ĐUA SỐ 7", "KẾT QUẢ BỎ PHIẾU BÌNH XÉT THI ĐUA NĂM 2023"],
    )
    result = run(seeded, "import", write(tmp_path / "bo-phieu.xlsx", table))
    assert (
        "Bỏ qua: bo-phieu.xlsx › Bỏ phiếu: giống kết quả bỏ phiếu (tiêu đề ở dòng 4) nhưng thiếu "
        "cột “Số phiếu đồng ý”, bỏ qua." in result.stderr
    )
    assert query(seeded, "SELECT count(*) FROM vote") == [(0,)]


def test_a_unit_under_the_unit_column_is_data_not_a_score_column(
    seeded: Path, tmp_path: Path
) -> None:
    # TD right under `Mã đơn vị`: a member's row, not one score column per unit
    table = Table(
        "Bỏ phiếu",
        ["Năm", "Nội dung", "Mã đơn vị", "Tổng số thành viên", "Số có mặt"],
        [[2023, "Dẫn đầu", "TD", 8, 8]],
        titles=["KẾT QUẢ BỎ PHIẾU BÌNH XÉT THI ĐUA NĂM 2023"],
    )
    result = run(seeded, "import", write(tmp_path / "bo-phieu.xlsx", table))
    assert "cột điểm theo từng đơn vị" not in result.output
    assert "nhưng thiếu cột “Số phiếu đồng ý”, bỏ qua." in result.stderr
    assert query(seeded, "SELECT count(*) FROM vote") == [(0,)]


def test_a_title_naming_a_score_layer_is_not_a_score_column(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Tự chấm",
        ["Ghi nhận", "Kết quả"],
        [["Hoàn thành", "Tốt"]],
        titles=["BẢNG TỰ CHẤM ĐIỂM THI ĐUA"],
    )
    result = run(seeded, "import", write(tmp_path / "tu-cham.xlsx", table))
    assert result.exit_code == 1
    assert "cột điểm theo từng đơn vị" not in result.output
    assert "không nhận ra loại bảng" in result.stderr


def test_a_header_two_kinds_fit_asks_for_kind(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Tổng hợp",
        [
            "Năm",
            "Mã đơn vị",
            "Nội dung",
            "Số phiếu đồng ý",
            "Tổng số thành viên",
            "Mã tiêu chí",
            "Tự chấm",
        ],
        [[2023, "TD", "Dẫn đầu", 7, 8, "1.1", 18]],
    )
    result = run(seeded, "import", write(tmp_path / "lan.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.sheet, line.row) == ("Tổng hợp", "1")
    assert line.message == (
        "Dòng tiêu đề cột khớp với cả hai loại bảng: kết quả bỏ phiếu và bảng chấm điểm (dạng "
        "dọc); không đoán loại bảng."
    )
    assert line.hint.startswith("Dùng --kind votes hoặc --kind scores để chọn")
    forced = run(seeded, "import", "--kind", "scores", tmp_path / "lan.xlsx")
    assert forced.exit_code == 0, forced.output
    assert scores(seeded) == {("TD", "1.1", "self", "", "FY", 2023): 18.0}


def test_changes_to_data_in_use_are_listed_old_to_new(seeded: Path, tmp_path: Path) -> None:
    from tests.workbooks import criteria_table, members_table

    rows = [
        ("4", title, 12, kind) if code == "4" else (code, title, maximum, kind)
        for code, title, maximum, kind in CRITERIA_2023
    ]
    rows = [(c, t, m, "Chuẩn") if c == "5" else (c, t, m, k) for c, t, m, k in rows]
    members = members_table({2023: ["TD", "HND"]})
    members.rows = [
        [1, "TD", "Đoàn TNCS Hồ Chí Minh tỉnh", "Tỉnh Đoàn", 2023, 4, None],
        [2, "HND", "Hội Nông dân tỉnh", "Hội ND", 2023, 5, None],
    ]
    result = run(
        seeded,
        "import",
        write(tmp_path / "tv.xlsx", members),
        write(tmp_path / "tc.xlsx", criteria_table(2023, rows, total=None)),
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Thay đổi dữ liệu đang dùng (cũ → mới):")
    assert lines[start + 1 :] == [
        "  • Đơn vị TD: tên “Tỉnh Đoàn” → “Đoàn TNCS Hồ Chí Minh tỉnh”.",
        "  • Tiêu chí 4 năm 2023: điểm tối đa 10 → 12.",
        "  • Tiêu chí 5 năm 2023: loại Thưởng → Chuẩn.",
    ]
    assert query(seeded, "SELECT kind, max_c FROM criterion WHERE year = 2023 AND code = '5'") == [
        ("base", 600)
    ]
