"""Self-score forms (SPEC §3.1 self-score form): one unit's returned table, the unit and the year
named in the title rows, `Điểm` merged over `Tự chấm | Thống nhất`, numbering row, totals."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from tests.conftest import (
    RUNNER_ENV,
    error_lines,
    only_error,
    query,
    run,
    scores,
    summary_rows,
    total_line,
)
from tests.workbooks import (
    CODES,
    NA,
    NAMES,
    Table,
    criteria_table,
    members_table,
    self_form_table,
    self_scores,
    write,
)
from thidua_cli.cli.app import app

HND = {"1.1": 19, "1.2": "18,5", "2": 28, "3": 18, "4": 10, "5": "3", "6": None, "7": 1, "8": None}


def test_form_with_merged_two_row_header(seeded: Path, tmp_path: Path) -> None:
    table = self_form_table("Hội Nông dân tỉnh", HND, agreed={"1.1": 18, "1.2": 18})
    table.rows = [*table.rows[:5], None, *table.rows[5:]]  # a blank row inside the table
    result = run(seeded, "import", write(tmp_path / "hoi-nong-dan.xlsx", table))
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        ("HND", "1.1", "self", "", "FY", 2023): 19.0,
        ("HND", "1.2", "self", "", "FY", 2023): 18.5,
        ("HND", "2", "self", "", "FY", 2023): 28.0,
        ("HND", "3", "self", "", "FY", 2023): 18.0,
        ("HND", "4", "self", "", "FY", 2023): 10.0,
        ("HND", "5", "self", "", "FY", 2023): 3.0,
        ("HND", "7", "self", "", "FY", 2023): 1.0,
        ("HND", "1.1", "agreed", "", "FY", 2023): 18.0,
        ("HND", "1.2", "agreed", "", "FY", 2023): 18.0,
    }
    assert total_line(result) == "Tổng: 9 mới, 0 cập nhật, 0 không đổi."
    # the total row (19 + 18,5 + 28 + 18 + 10 + 3 − 1 = 95,5) agrees: no warning
    assert "Cảnh báo" not in result.stderr
    assert "bỏ qua 1 dòng tổng cộng" in result.stderr


def test_unit_in_the_title_by_abbreviation_and_nfd(seeded: Path, tmp_path: Path) -> None:
    lhpn = self_form_table("Hội LHPN tỉnh Thanh Hóa", self_scores("HPN"))
    ldld = self_form_table(
        unicodedata.normalize("NFD", "Liên đoàn Lao động tỉnh"), self_scores("LDLD")
    )
    result = run(
        seeded, "import", write(tmp_path / "a.xlsx", lhpn), write(tmp_path / "b.xlsx", ldld)
    )
    assert result.exit_code == 0, result.output
    assert {k[0] for k in scores(seeded)} == {"HPN", "LDLD"}


def test_unit_option_when_the_form_does_not_say(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "form.xlsx", self_form_table(None, self_scores("TD")))
    refused = run(seeded, "import", path)
    assert refused.exit_code == 1
    line = only_error(refused)
    assert (line.file, line.sheet) == ("form.xlsx", "Bảng tự chấm")
    assert line.message == "Bảng tự chấm không ghi tên đơn vị."
    assert line.hint == "Thêm dòng “Đơn vị: <tên đơn vị>” ở phần tiêu đề, hoặc dùng --unit."
    result = run(seeded, "import", path, "--unit", "TD")
    assert result.exit_code == 0, result.output
    assert {k[0] for k in scores(seeded)} == {"TD"}


def test_unknown_unit_in_the_title(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "form.xlsx", self_form_table("Hội Nông dân huyện", HND))
    result = run(seeded, "import", path)
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("3", "A", "Hội Nông dân huyện")
    assert line.message == (
        "Đơn vị “Hội Nông dân huyện” (ở dòng tiêu đề) không có trong danh sách đơn vị."
    )
    assert line.hint == "Có phải: Hội Nông dân tỉnh?"


def test_unit_option_against_the_title(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "form.xlsx", self_form_table("Tỉnh Đoàn", self_scores("TD")))
    result = run(seeded, "import", path, "--unit", "HND")
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("3", "A", "Tỉnh Đoàn")
    assert line.message == "Bảng tự chấm ghi đơn vị “Tỉnh Đoàn” nhưng tùy chọn --unit chọn “HND”."
    # the same unit by another name is no conflict
    assert run(seeded, "import", path, "--unit", "TD").exit_code == 0


def test_half_year_form_and_its_tables_in_one_batch(db: Path, tmp_path: Path) -> None:
    # the forms are named first, the members and the table last: order does not matter
    forms = [
        write(
            tmp_path / f"{code}.xlsx",
            self_form_table(code, self_scores(code), year_title="6 THÁNG ĐẦU NĂM 2024"),
        )
        for code in ("TD", "CCB")
    ]
    members = write(tmp_path / "dv.xlsx", members_table({2024: CODES}))
    table = write(tmp_path / "tc.xlsx", criteria_table(2024))
    result = run(db, "import", *forms, members, table)
    assert result.exit_code == 0, result.output
    stored = scores(db)
    assert {(k[0], k[4], k[5]) for k in stored} == {("TD", "H1", 2024), ("CCB", "H1", 2024)}
    assert stored[("TD", "1.1", "self", "", "H1", 2024)] == 20 - 3 % 3
    assert total_line(result) == f"Tổng: {8 + 15 + len(stored)} mới, 0 cập nhật, 0 không đổi."


def test_half_option_against_a_year_end_title(seeded: Path, tmp_path: Path) -> None:
    table = self_form_table("TD", self_scores("TD"), year_title="BÁO CÁO TỔNG KẾT NĂM 2023")
    result = run(seeded, "import", write(tmp_path / "f.xlsx", table), "--half", "1")
    assert result.exit_code == 1
    line = only_error(result)
    assert line.message == (
        "Dòng tiêu đề ghi kỳ cả năm nhưng tùy chọn --half 1 chọn 6 tháng đầu năm."
    )


def test_total_row_that_disagrees_is_a_warning(seeded: Path, tmp_path: Path) -> None:
    table = self_form_table("Hội Nông dân tỉnh", HND, total="96,5")
    result = run(seeded, "import", write(tmp_path / "f.xlsx", table))
    assert result.exit_code == 0, result.output
    total_row = table.row_of(len(table.rows) - 1)
    assert (
        f"Cảnh báo: f.xlsx › Bảng tự chấm dòng {total_row}, cột D: dòng tổng ghi 96,5, tổng các "
        "dòng là 95,5 (chỉ nhập các dòng, không nhập dòng tổng)." in result.stderr
    )


def test_code_column_headed_tt_and_no_agreed_column(seeded: Path, tmp_path: Path) -> None:
    table = Table(
        "Tự chấm",
        ["TT", "Nội dung tiêu chí", "Điểm chuẩn", "Điểm tự chấm", "Ghi chú"],
        [
            ["1.1", "Nghị quyết", 20, 17, None],
            ["1.2", "Pháp luật", 20, "16,25", "thiếu 1 hội nghị"],
            ["8", "Sai phạm", None, "x", None],
        ],
        titles=["ĐƠN VỊ: TỈNH ĐOÀN", "BẢNG TỰ CHẤM ĐIỂM NĂM 2023"],
    )
    result = run(seeded, "import", write(tmp_path / "f.xlsx", table))
    assert result.exit_code == 0, result.output
    assert scores(seeded) == {
        ("TD", "1.1", "self", "", "FY", 2023): 17.0,
        ("TD", "1.2", "self", "", "FY", 2023): 16.25,
        ("TD", "8", "self", "", "FY", 2023): 1.0,  # the veto is marked
    }
    assert query(seeded, "SELECT note FROM score WHERE note != ''") == [("thiếu 1 hội nghị",)]


def test_error_cell_where_a_score_should_be(seeded: Path, tmp_path: Path) -> None:
    scores_with_error = {**HND, "3": NA}
    table = self_form_table("Hội Nông dân tỉnh", scores_with_error, total=None)
    result = run(seeded, "import", write(tmp_path / "f.xlsx", table))
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.row, line.column, line.value) == (str(table.row_of(6)), "D", "#N/A")
    assert line.message == "Ô lỗi #N/A ở cột điểm “Tự chấm”."


def test_score_above_max_in_a_form_names_the_cell(seeded: Path, tmp_path: Path) -> None:
    table = self_form_table("Hội Nông dân tỉnh", {**HND, "4": 12}, total=None)
    result = run(seeded, "import", write(tmp_path / "f.xlsx", table))
    assert result.exit_code == 1
    assert [(e.row, e.column, e.message) for e in error_lines(result)] == [
        (str(table.row_of(7)), "D", "Điểm 12 vượt điểm tối đa 10 của tiêu chí 4.")
    ]


@pytest.mark.parametrize(
    ("titles", "header_row"),
    [
        # rows 1-12 are titles (none of them a header), row 13 blank, the header at rows 14-15
        (9, 14),
        # the header at rows 15-16 (the last a header may start on, two rows deep), the
        # numbering row (1) (2) … at 17, skipped
        (10, 15),
    ],
)
def test_header_under_many_title_rows_is_found(
    seeded: Path, tmp_path: Path, titles: int, header_row: int
) -> None:
    table = self_form_table("Hội Nông dân tỉnh", HND)
    table.titles = [
        *table.titles,
        *(f"Căn cứ Quyết định số {n}/QĐ-UBND về công tác thi đua" for n in range(titles)),
    ]
    assert table.header_row == header_row
    result = run(seeded, "import", write(tmp_path / "hoi-nong-dan.xlsx", table))
    assert result.exit_code == 0, result.output
    got = scores(seeded)
    assert got[("HND", "1.2", "self", "", "FY", 2023)] == 18.5
    assert len(got) == 7


def test_same_header_in_other_columns_is_read_by_its_own_columns(
    seeded: Path, tmp_path: Path
) -> None:
    # one template, one unit's copy with a blank column A: each file's header read afresh
    shifted = self_form_table("Hội Nông dân tỉnh", HND)
    shifted.header = [None, *shifted.header]
    shifted.header2 = [None, *(shifted.header2 or [])]
    shifted.rows = [None if row is None else [None, *row] for row in shifted.rows]
    result = run(
        seeded,
        "import",
        write(tmp_path / "a.xlsx", self_form_table("Tỉnh Đoàn", self_scores("TD"))),
        write(tmp_path / "b.xlsx", shifted),
        write(tmp_path / "c.xlsx", self_form_table("Hội Cựu chiến binh tỉnh", self_scores("CCB"))),
    )
    assert result.exit_code == 0, result.output
    got = scores(seeded)
    assert got[("HND", "1.2", "self", "", "FY", 2023)] == 18.5
    assert got[("TD", "1.1", "self", "", "FY", 2023)] == 20 - CODES.index("TD") % 3
    assert got[("CCB", "2", "self", "", "FY", 2023)] == 28 - CODES.index("CCB") % 2
    assert {k[0] for k in got} == {"HND", "TD", "CCB"}


def _a_year_of_forms(folder: Path) -> list[str]:
    """Every unit's year-end and half-year form, in folders named as clerks name them; the
    names the summary shows."""
    names = []
    for code in CODES:
        for period, title in (("ca-nam", "NĂM 2023"), ("6-thang", "6 THÁNG ĐẦU NĂM 2023")):
            name = f"tu-cham-{period}/{code.lower()}-bang-tu-cham-diem-thi-dua.xlsx"
            table = self_form_table(NAMES[code], self_scores(code), year_title=title)
            write(folder / name, table)
            names.append(f"nam-2023/{name}")
    return names


def test_summary_of_many_forms_lists_every_file(seeded: Path, tmp_path: Path) -> None:
    names = _a_year_of_forms(tmp_path / "nam-2023")
    result = run(seeded, "import", tmp_path / "nam-2023")
    assert result.exit_code == 0, result.output
    headings = next(line for line in result.stdout.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in headings.strip("┃").split("┃")] == [
        "Tệp",
        "Sheet",
        "Loại bảng",
        "Số dòng",
        "Mới",
        "Cập nhật",
        "Không đổi",
    ]
    rows = summary_rows(result)
    assert sorted(row[0] for row in rows) == sorted(names)
    td = next(
        row for row in rows if row[0] == "nam-2023/tu-cham-ca-nam/td-bang-tu-cham-diem-thi-dua.xlsx"
    )
    assert td[1:] == ("Bảng tự chấm", "bảng tự chấm của đơn vị", "15", "6", "0", "0")
    stored = len(scores(seeded, "1=1"))
    assert total_line(result) == f"Tổng: {stored} mới, 0 cập nhật, 0 không đổi."
    # every form's total row is said once for the folder, not once a form
    totals = [line for line in result.stderr.splitlines() if "dòng tổng cộng" in line]
    assert len(totals) == 1, totals
    assert totals[0].startswith(f"Ghi chú: Bỏ qua dòng tổng cộng ({len(names)} dòng) ở ")
    # the numbers stand right-aligned under their headings
    line = next(line for line in result.stdout.splitlines() if "/td-bang-tu" in line)
    assert line.endswith("│      15 │   6 │        0 │         0 │")


def test_summary_in_an_80_column_terminal_names_every_sheet_whole(
    seeded: Path, tmp_path: Path
) -> None:
    names = _a_year_of_forms(tmp_path / "nam-2023")
    runner = CliRunner(env={**RUNNER_ENV, "COLUMNS": "80"})
    result = runner.invoke(app, ["--db", str(seeded), "import", str(tmp_path / "nam-2023")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    # too narrow for the table: a sheet a paragraph, its file named whole on its first line
    assert not [line for line in lines if line[:1] in "┏┃┡│└"]
    files = [line[2:].split(" › ")[0] for line in lines if line.startswith("• ")]
    assert sorted(files) == sorted(names)
    assert "  bảng tự chấm của đơn vị: 15 dòng; 6 mới, 0 cập nhật, 0 không đổi." in lines
    assert "…" not in result.stdout


def test_a_folder_of_many_forms_read_by_two_readers_keeps_its_order(
    seeded: Path, tmp_path: Path
) -> None:
    """A folder of many small forms is read by two threads; the summary, the skipped files
    and the scores are those of reading them one after another, in the folder's order."""
    from thidua_cli.services.reading import SMALL_FILES_TWO_READERS

    names = _a_year_of_forms(tmp_path / "nam-2023")
    assert len(names) >= SMALL_FILES_TWO_READERS
    broken = tmp_path / "nam-2023" / "tu-cham-ca-nam" / "hnd-ban-loi.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a real workbook")
    result = run(seeded, "import", tmp_path / "nam-2023")
    assert result.exit_code == 0, result.output
    assert [row[0] for row in summary_rows(result)] == sorted(names)
    assert "Bỏ qua: nam-2023/tu-cham-ca-nam/hnd-ban-loi.xlsx: không đọc được" in result.stderr
    assert len(scores(seeded, "1=1")) == sum(int(row[4]) for row in summary_rows(result))
