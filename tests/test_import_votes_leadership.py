"""Votes and heads (SPEC §3.1 votes and leadership): purposes read in Vietnamese, units by code
or name, counts checked against each other, one head per year."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import error_lines, only_error, query, run, total_line
from tests.workbooks import Table, leadership_table, votes_table, write


def votes(db: Path) -> list[tuple]:
    return query(
        db,
        "SELECT v.year, v.purpose, u.code, v.yes, v.members, v.present FROM vote v "
        "JOIN unit u ON u.id = v.unit_id ORDER BY v.purpose, u.code",
    )


def test_votes_with_every_purpose(seeded: Path, tmp_path: Path) -> None:
    table = votes_table(
        [
            [2023, "Dẫn đầu", "TD", 7, 8, 8],
            [2023, "Đơn vị dẫn đầu", "Hội LHPN tỉnh", 1, 8, 8],
            [2023, "Cờ thi đua", "TD", 8, 8, None],
            [2023, "bằng khen", "HND", 6, 8, 7],
            [2023, "Trưởng cụm", "Hội Cựu chiến binh tỉnh", 8, 8, 8],
            [2023, "PHÓ CỤM", "MTTQ", "7", "8", "8"],
        ]
    )
    result = run(seeded, "import", write(tmp_path / "bo-phieu.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 6 mới, 0 cập nhật, 0 không đổi."
    assert votes(seeded) == [
        (2023, "bang_khen", "HND", 6, 8, 7),
        (2023, "deputy", "MTTQ", 7, 8, 8),
        (2023, "flag", "TD", 8, 8, None),
        (2023, "head", "CCB", 8, 8, 8),
        (2023, "lead", "HPN", 1, 8, 8),
        (2023, "lead", "TD", 7, 8, 8),
    ]
    changed = votes_table(
        [[2023, "Dẫn đầu", "TD", 6, 8, 8], [2023, "Cờ thi đua", "TD", 8, 8, None]]
    )
    again = run(seeded, "import", write(tmp_path / "bo-phieu.xlsx", changed))
    assert total_line(again) == "Tổng: 0 mới, 1 cập nhật, 1 không đổi."


def test_vote_counts_that_cannot_be(seeded: Path, tmp_path: Path) -> None:
    table = votes_table(
        [
            [2023, "Dẫn đầu", "TD", 9, 8, 8],  # more yes than members
            [2023, "Dẫn đầu", "HND", 5, 8, 4],  # fewer present than yes
            [2023, "Dẫn đầu", "CCB", 5, 0, None],  # no members
            [2023, "Khen thưởng đột xuất", "MTTQ", 5, 8, 8],  # unknown purpose
            [2023, "Dẫn đầu", "LDLD", 5.5, 8, 8],  # not a whole number
        ]
    )
    result = run(seeded, "import", write(tmp_path / "bp.xlsx", table))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.value, e.message) for e in error_lines(result)] == [
        ("4", "D", "9", "Số phiếu đồng ý phải từ 0 đến tổng số thành viên (8)."),
        ("5", "F", "4", "Số có mặt phải từ số phiếu đồng ý (5) đến tổng số thành viên (8)."),
        ("6", "E", "0", "Tổng số thành viên phải lớn hơn 0."),
        ("7", "B", "Khen thưởng đột xuất", "Không hiểu nội dung bỏ phiếu."),
        ("8", "D", "5,5", "Phải là số nguyên."),
    ]


def test_same_vote_twice_and_a_unit_that_is_not_a_member(seeded: Path, tmp_path: Path) -> None:
    table = votes_table(
        [
            [2023, "Dẫn đầu", "TD", 7, 8, 8],
            [2023, "Dẫn đầu", "Tỉnh Đoàn", 6, 8, 8],
            [2022, "Dẫn đầu", "CTD", 6, 7, 7],
        ]
    )
    result = run(seeded, "import", write(tmp_path / "bp.xlsx", table))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.message) for e in error_lines(result)] == [
        ("5", "B", "Kết quả bỏ phiếu này của TD năm 2023 đã có ở dòng 4."),
        ("6", "C", "Hội Chữ thập đỏ tỉnh (CTD) không là thành viên của cụm năm 2022."),
    ]


def test_leadership_by_year_with_names_or_codes(seeded: Path, tmp_path: Path) -> None:
    table = leadership_table(
        [
            [2022, "Hội Cựu chiến binh tỉnh", "Tỉnh Đoàn"],
            [2023, "TD", "MTTQ"],
        ]
    )
    result = run(seeded, "import", write(tmp_path / "tc.xlsx", table))
    assert result.exit_code == 0, result.output
    assert total_line(result) == "Tổng: 2 mới, 0 cập nhật, 0 không đổi."
    rows = query(
        seeded,
        "SELECT l.year, h.code, d.code, l.how FROM leadership l JOIN unit h ON h.id = "
        "l.head_unit_id LEFT JOIN unit d ON d.id = l.deputy_unit_id ORDER BY l.year",
    )
    assert rows == [(2022, "CCB", "TD", "imported"), (2023, "TD", "MTTQ", "imported")]


def test_leadership_in_the_sheet_named_luan_phien_without_deputy(
    seeded: Path, tmp_path: Path
) -> None:
    table = Table("Luân phiên", ["Năm", "Cụm trưởng"], [[2023, "Hội Nông dân"]])
    result = run(seeded, "import", write(tmp_path / "lp.xlsx", table))
    assert result.exit_code == 0, result.output
    assert query(seeded, "SELECT year, deputy_unit_id FROM leadership") == [(2023, None)]


def test_head_and_deputy_the_same_and_a_year_twice(seeded: Path, tmp_path: Path) -> None:
    table = leadership_table(
        [
            [2022, "TD", "Tỉnh Đoàn"],
            [2023, "TD", "MTTQ"],
            [2023, "HND", "MTTQ"],
        ]
    )
    result = run(seeded, "import", write(tmp_path / "tc.xlsx", table))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.message) for e in error_lines(result)] == [
        ("2", "C", "Trưởng cụm và phó cụm không được là một đơn vị."),
        ("4", "A", "Năm 2023 có hai dòng trưởng cụm (dòng 3 và dòng 4)."),
    ]


def test_unknown_head_suggests_a_unit(seeded: Path, tmp_path: Path) -> None:
    table = leadership_table([[2023, "Hội Nông dân huyện", None]])
    result = run(seeded, "import", write(tmp_path / "tc.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column) == ("2", "B")
    assert line.message == "Trưởng cụm “Hội Nông dân huyện” không có trong danh sách đơn vị."
    assert line.hint == "Có phải: Hội Nông dân tỉnh?"
