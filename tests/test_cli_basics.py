"""The command line around import (SPEC §8): init, status, the template read back by import,
Vietnamese help for every command and option, exit codes for bad usage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from tests.conftest import error_lines, only_error, query, run, summary_rows, total_line
from tests.workbooks import long_table, self_form_table, self_scores, write
from thidua_cli.cli.app import app


def test_init_creates_the_database_and_the_cluster(tmp_path: Path) -> None:
    path = tmp_path / "moi" / "thidua.db"
    result = run(
        path, "init", "--code", "c7", "--name", "Cụm  thi đua\nsố 7", "--province", "Thanh Hóa"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"Cơ sở dữ liệu: sqlite:///{path}", "Đã tạo cụm C7."]
    assert query(path, "SELECT code, name, province FROM cluster") == [
        ("C7", "Cụm thi đua số 7", "Thanh Hóa")
    ]
    again = run(path, "init", "--code", "C7", "--name", "Cụm thi đua số 7 tỉnh Thanh Hóa")
    assert again.stdout.splitlines()[-2:] == [
        "Đã cập nhật cụm C7.",
        "Tên cụm: Cụm thi đua số 7 → Cụm thi đua số 7 tỉnh Thanh Hóa.",
    ]
    assert query(path, "SELECT name, province FROM cluster") == [
        ("Cụm thi đua số 7 tỉnh Thanh Hóa", "Thanh Hóa")
    ]


def test_init_needs_both_code_and_name(tmp_path: Path) -> None:
    result = run(tmp_path / "x.db", "init", "--code", "C7")
    assert result.exit_code == 2
    assert "Lỗi: Cần cả --code và --name để tạo cụm." in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_import_without_a_database_says_how_to_create_one(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "1", 5] + [None] * 4]))
    result = run(tmp_path / "khong-co.db", "import", path)
    assert result.exit_code == 1
    assert f"Lỗi: Không tìm thấy cơ sở dữ liệu {tmp_path / 'khong-co.db'}." in result.stderr
    assert "thidua init" in result.stderr
    assert not (tmp_path / "khong-co.db").exists()


def test_import_into_a_database_without_a_cluster(tmp_path: Path) -> None:
    path = tmp_path / "trong.db"
    assert run(path, "init").exit_code == 0
    result = run(path, "import", write(tmp_path / "s.xlsx", self_form_table("TD", {})))
    assert result.exit_code == 1
    assert "Lỗi: Cơ sở dữ liệu chưa có cụm thi đua nào." in result.stderr


def test_two_clusters_need_the_cluster_option(seeded: Path, tmp_path: Path) -> None:
    assert run(seeded, "init", "--code", "K2", "--name", "Khối thi đua số 2").exit_code == 0
    path = write(tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "2", 25] + [None] * 4]))
    ambiguous = run(seeded, "import", path)
    assert ambiguous.exit_code == 2
    assert "Lỗi: Cơ sở dữ liệu có nhiều cụm; cần chỉ rõ cụm." in ambiguous.stderr
    assert "Thêm --cluster với một trong: C7, K2." in ambiguous.stderr
    unknown = run(seeded, "--cluster", "C9", "import", path)
    assert unknown.exit_code == 2
    assert "Lỗi: Không có cụm “C9” trong cơ sở dữ liệu." in unknown.stderr
    chosen = run(seeded, "--cluster", "c7", "import", path)
    assert chosen.exit_code == 0, chosen.output
    assert total_line(chosen) == "Tổng: 1 mới, 0 cập nhật, 0 không đổi."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--half", "2"], "Lỗi: --half chỉ nhận giá trị 1 (sáu tháng đầu năm), không nhận 2."),
        (["--kind", "diem"], "Lỗi: Không có loại bảng “diem”."),
        (["--layer", "trung bình"], "Lỗi: Không có lớp điểm “trung bình”."),
        (["--year", "23"], "Lỗi: Năm 23 không hợp lệ."),
    ],
)
def test_bad_options_are_usage_errors(
    seeded: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    path = write(tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "2", 25] + [None] * 4]))
    result = run(seeded, "import", path, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_forced_kind_that_does_not_fit_is_an_error(seeded: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", long_table([[2023, "Cả năm", "TD", "2", 25] + [None] * 4]))
    result = run(seeded, "import", path, "--kind", "Bỏ phiếu")
    assert result.exit_code == 1
    line = only_error(result)
    assert (line.file, line.sheet) == ("s.xlsx", "Chấm điểm")
    assert line.message.startswith("giống kết quả bỏ phiếu (tiêu đề ở dòng 1) nhưng thiếu cột")
    assert "“Số phiếu đồng ý”" in line.message


def test_status_shows_what_is_there_and_what_is_missing(seeded: Path, tmp_path: Path) -> None:
    forms = [
        write(tmp_path / f"{c}.xlsx", self_form_table(c, self_scores(c))) for c in ("TD", "HND")
    ]
    assert run(seeded, "import", *forms).exit_code == 0
    result = run(seeded, "status", "--year", "2023")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Cụm thi đua số 7 (C7), năm 2023",
        "Các năm có dữ liệu: 2022, 2023",
        "Trưởng cụm: chưa có; Phó cụm: chưa có",
        "Bảng tiêu chí: 5 tiêu chí chuẩn chấm điểm (6 nhóm), tổng điểm chuẩn 100",
    ]
    table = {row[0]: row for row in summary_rows(result)}
    assert len(table) == 8
    assert table["TD"] == ("TD", "Tỉnh Đoàn", "4", "–", "5/5", "–", "–", "–")
    assert table["MTTQ"][4] == "–"
    assert "  • Chưa ghi trưởng cụm năm 2023." in lines
    assert "  • Chưa gửi bảng tự chấm cả năm: MTTQ, LDLD, CCB, HPN, LMHTX, CTD." in lines
    assert "  • Chưa có danh sách khen thưởng năm 2023." in lines


def test_status_without_any_data(db: Path) -> None:
    result = run(db, "status")
    assert result.exit_code == 1
    assert "Lỗi: Cụm C7 chưa có dữ liệu năm nào." in result.stderr


def test_template_examples_are_never_imported(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    written = run(db, "template", path)
    assert written.exit_code == 0, written.output
    assert written.stdout.strip() == f"Đã ghi tệp mẫu: {path}"
    first = run(db, "import", path)
    assert first.exit_code == 1
    lines = error_lines(first)
    # every example row of every sheet is named, and nothing else is wrong with the template
    assert {(e.sheet, e.row) for e in lines} == {
        ("Đơn vị", "2"),
        ("Tiêu chí", "2"),
        ("Tiêu chí", "3"),
        ("Tiêu chí", "4"),
        ("Tiêu chí", "5"),
        ("Chấm điểm", "2"),
        ("Tổng hợp điểm", "3"),
        ("Bảng tự chấm", "5"),
        ("Bảng tự chấm", "6"),
        ("Bảng tự chấm", "7"),
        ("Bảng tự chấm", "8"),
        ("Bỏ phiếu", "2"),
        ("Trưởng cụm", "2"),
        ("Khen thưởng", "2"),
    }
    assert {e.message for e in lines} == {
        "Đây là dòng ví dụ của tệp mẫu (thidua template), không phải số liệu thật; không nhập."
    }
    assert "Bỏ qua: mau.xlsx › Hướng dẫn: sheet hướng dẫn / danh mục, bỏ qua." in first.stderr
    assert query(db, "SELECT count(*) FROM unit") == [(0,)]
    assert query(db, "SELECT count(*) FROM leadership") == [(0,)]


def test_template_with_its_examples_edited_imports(db: Path, tmp_path: Path) -> None:
    """Only a row identical to an example is refused: the clerk's own rows, in the template's
    shape, import (the head example left as is is still named)."""
    import openpyxl

    path = tmp_path / "mau.xlsx"
    assert run(db, "template", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames:
        if name not in ("Hướng dẫn", "Đơn vị", "Trưởng cụm"):
            del book[name]
    members = book["Đơn vị"]
    # the example unit's row made a real member's: no longer the example
    real = ["TD", "Tỉnh Đoàn", "Tỉnh Đoàn", 2023, 1, None]
    for column, value in zip("ABCDEF", real, strict=True):
        members[f"{column}2"] = value
    members.append(["HND", "Hội Nông dân tỉnh", "Hội ND", 2023, 2, None])
    book.save(path)
    refused = run(db, "import", path)
    assert refused.exit_code == 1
    assert [(e.sheet, e.row) for e in error_lines(refused)] == [("Trưởng cụm", "2")]
    book = openpyxl.load_workbook(path)
    book["Trưởng cụm"]["B2"] = "TD"
    book["Trưởng cụm"]["C2"] = "HND"
    book.save(path)
    result = run(db, "import", path)
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT code FROM unit ORDER BY code") == [("HND",), ("TD",)]


def test_real_rows_like_the_old_examples_import_in_the_template(db: Path, tmp_path: Path) -> None:
    """The template's examples are plainly examples (unit VD, "ví dụ"): a real cluster whose
    member is TD "Tỉnh Đoàn" in 2023, led by it, with a scoring table that opens with
    "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN", writes its true rows over the examples and
    they import (they were the template's examples once, and were refused as such)."""
    import openpyxl

    path = tmp_path / "mau.xlsx"
    assert run(db, "template", path).exit_code == 0
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames:
        if name not in ("Hướng dẫn", "Đơn vị", "Tiêu chí", "Trưởng cụm"):
            del book[name]
    real = {
        "Đơn vị": [["TD", "Tỉnh Đoàn", "Tỉnh Đoàn", 2023, 1, "Đoàn TNCS Hồ Chí Minh tỉnh"]],
        "Tiêu chí": [
            ["I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN", 100, "Chuẩn", 2023],
            ["1", "Kết quả thực hiện chương trình công tác năm", 100, "Chuẩn", 2023],
            ["1.1", "Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm được giao", 60, "Chuẩn", 2023],
            ["1.2", "Thực hiện chế độ thông tin, báo cáo đúng thời hạn", 40, "Chuẩn", 2023],
        ],
        "Trưởng cụm": [[2023, "TD", None]],
    }
    for name, rows in real.items():
        for row, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                book[name].cell(row=row, column=column, value=value)
    book.save(path)
    result = run(db, "import", path)
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT code, name FROM unit") == [("TD", "Tỉnh Đoàn")]
    assert query(db, "SELECT count(*) FROM criterion WHERE year = 2023") == [(4,)]
    assert query(
        db, "SELECT l.year, u.code FROM leadership l JOIN unit u ON u.id = l.head_unit_id"
    ) == [(2023, "TD")]


def test_template_needs_an_xlsx_name(tmp_path: Path) -> None:
    result = run(tmp_path / "x.db", "template", tmp_path / "mau.xls")
    assert result.exit_code == 2
    assert f"Lỗi: Tên tệp “{tmp_path / 'mau.xls'}” phải có đuôi .xlsx." in result.stderr


_VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _commands() -> list[tuple[str, Any]]:
    """Every command and subcommand, as the (vendored) Click objects typer builds."""
    found = []

    def walk(prefix: str, command: Any) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append((f"{prefix}{name}", sub))
            walk(f"{prefix}{name} ", sub)

    walk("", typer.main.get_command(app))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_and_option_has_vietnamese_help(name: str, command: Any) -> None:
    def vietnamese(text: str | None) -> bool:
        return bool(text) and any(ch in _VIETNAMESE_LETTERS for ch in text.lower())

    assert vietnamese(command.help), f"`thidua {name}` has no Vietnamese help text"
    for param in command.params:
        if param.param_type_name == "option" and param.name != "help":
            help_text = getattr(param, "help", None)
            assert vietnamese(help_text), f"`thidua {name}` {param.opts}: no Vietnamese help"
    result = run(Path("khong-dung.db"), *name.split(), "--help")
    assert result.exit_code == 0
    assert command.help.split(".")[0].split("\n")[0][:30] in " ".join(result.stdout.split())


def test_top_level_help_lists_the_commands(tmp_path: Path) -> None:
    result = run(tmp_path / "x.db", "--help")
    assert result.exit_code == 0
    for name in ("init", "template", "import", "status"):
        assert f"  {name} " in result.stdout
    assert "Công cụ cho cụm, khối thi đua" in result.stdout
