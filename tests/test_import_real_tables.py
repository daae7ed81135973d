"""Scoring tables as clusters really write them (SPEC §3.1): numbering restarted in every
section, letter sub-criteria (`a)`, `c)`, `i.`), kinds named only in a section's title, and
the units' forms numbered the same way; the ranking comes out right."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import error_lines, query, run, scores
from tests.workbooks import Table, members_table, write

# (code as written, title, maximum); base leaves sum to 100, no Loại column
TABLE: list[tuple[str, str, object]] = [
    ("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ", 60),
    ("1.", "Công tác tuyên truyền", 20),
    ("a)", "Tuyên truyền Nghị quyết", 10),
    ("b)", "Phổ biến pháp luật", 10),
    ("2.", "Phát triển hội viên", 20),
    ("3.", "Công tác phối hợp", 20),
    ("a)", "Phối hợp với chính quyền", 5),
    ("b)", "Phối hợp với các đoàn thể", 5),
    ("c)", "Giám sát, phản biện xã hội", 10),
    ("II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG", 40),
    ("1)", "Tổ chức phong trào thi đua", 25),
    ("i.", "Phát động phong trào", 15),
    ("v.", "Sơ kết, tổng kết phong trào", 10),
    ("2", "Báo cáo đúng hạn", 15),
    ("III", "ĐIỂM THƯỞNG", 10),
    ("1", "Sáng kiến được công nhận", 6),
    ("2", "Được Trung ương khen thưởng", 4),
    ("IV", "ĐIỂM TRỪ", 5),
    ("1", "Chậm nộp báo cáo", 5),
    ("V", "ĐIỂM LIỆT", None),
    ("1", "Để xảy ra sai phạm nghiêm trọng", None),
]
STORED = [
    ("I", None, "base"),
    ("I.1", "I", "base"),
    ("I.1.a", "I.1", "base"),
    ("I.1.b", "I.1", "base"),
    ("I.2", "I", "base"),
    ("I.3", "I", "base"),
    ("I.3.a", "I.3", "base"),
    ("I.3.b", "I.3", "base"),
    ("I.3.c", "I.3", "base"),
    ("II", None, "base"),
    ("II.1", "II", "base"),
    ("II.1.i", "II.1", "base"),
    ("II.1.v", "II.1", "base"),
    ("II.2", "II", "base"),
    ("III", None, "bonus"),
    ("III.1", "III", "bonus"),
    ("III.2", "III", "bonus"),
    ("IV", None, "deduction"),
    ("IV.1", "IV", "deduction"),
    ("V", None, "veto"),
    ("V.1", "V", "veto"),
]


def scoring_table() -> Table:
    return Table(
        "Bảng tiêu chí",
        ["TT", "Nội dung tiêu chí", "Điểm chuẩn"],
        [[code, title, maximum] for code, title, maximum in TABLE],
        titles=["CỤM THI ĐUA SỐ 7", "BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA NĂM 2023"],
    )


def form(unit: str, own: list[object]) -> Table:
    """A unit's form: the same rows and numbering, a `Điểm tự chấm` column; group rows carry
    the unit's own subtotals."""
    return Table(
        "Tự chấm",
        ["TT", "Nội dung tiêu chí", "Điểm chuẩn", "Điểm tự chấm", "Ghi chú"],
        [[c, t, m, s, None] for (c, t, m), s in zip(TABLE, own, strict=True)],
        titles=["BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2023", f"Đơn vị: {unit}"],
    )


# I: 57 (1: 19, 2: 18, 3: 20 written as 22: a wrong subtotal), II: 39, bonus 5, deduction 1
HND = [57, 19, 10, 9, 18, 22, 5, 5, 10, 39, 24, 14, 10, 15, 5, 3, 2, 1, 1, None, None]
TD = [
    None,
    None,
    10,
    10,
    20,
    None,
    5,
    5,
    10,
    None,
    None,
    15,
    10,
    15,
    None,
    6,
    4,
    None,
    None,
    None,
    "x",
]


def _rank(db: Path) -> dict[str, dict]:
    result = run(db, "rank", "--year", 2023, "--json")
    assert result.exit_code == 0, result.output
    return {u["code"]: u for u in json.loads(result.stdout)["units"]}


def test_restarted_numbering_letters_and_kinds_in_section_titles(db: Path, tmp_path: Path) -> None:
    result = run(
        db,
        "import",
        write(tmp_path / "don-vi.xlsx", members_table()),
        write(tmp_path / "tieu-chi.xlsx", scoring_table()),
    )
    assert result.exit_code == 0, result.output
    assert error_lines(result) == []
    stored = query(
        db,
        'SELECT code, parent_code, kind FROM criterion WHERE year = 2023 ORDER BY "order"',
    )
    assert stored == STORED
    assert query(db, "SELECT max_c FROM criterion WHERE code = 'V.1'") == [(None,)]
    # the base leaves sum to the scale: no §3.4 warning
    assert "Cảnh báo" not in result.stderr

    forms = run(
        db,
        "import",
        write(tmp_path / "hnd.xlsx", form("Hội Nông dân tỉnh", HND)),
        write(tmp_path / "td.xlsx", form("Tỉnh Đoàn", TD)),
    )
    assert forms.exit_code == 0, forms.output
    got = scores(db)
    assert got[("HND", "I.3.c", "self", "", "FY", 2023)] == 10.0
    assert got[("HND", "II.1.i", "self", "", "FY", 2023)] == 14.0
    assert got[("TD", "V.1", "self", "", "FY", 2023)] == 1.0  # the veto, marked x
    assert not any(k[1] in {"I", "I.1", "I.3", "II", "II.1", "III", "IV"} for k in got)
    # a group row's figure is the unit's subtotal: checked, not scored
    assert (
        "hnd.xlsx › Tự chấm: điểm nhóm I.3 (tự chấm, Hội Nông dân tỉnh) là 22, khác tổng các "
        "tiêu chí con 20; chỉ lấy điểm các tiêu chí con." in forms.stderr
    )
    assert forms.stderr.count("điểm nhóm") == 1  # I (57) and II (39) agree
    ranked = _rank(db)
    hnd = ranked["HND"]
    assert (hnd["base"], hnd["bonus"], hnd["deduction"], hnd["total"]) == (96.0, 5.0, 1.0, 100.0)
    assert hnd["provisional"] is True
    assert ranked["TD"]["vetoed"] is True
    assert ranked["TD"]["base"] == 100.0


def _partial_form(rows: list[tuple[str, str, object, object]]) -> Table:
    """Some rows of a unit's form only, numbered as the table is."""
    return Table(
        "Tự chấm",
        ["TT", "Nội dung tiêu chí", "Điểm chuẩn", "Điểm tự chấm", "Ghi chú"],
        [[c, t, m, s, None] for c, t, m, s in rows],
        titles=["BẢNG TỰ CHẤM ĐIỂM THI ĐUA NĂM 2023", "Đơn vị: Hội Nông dân tỉnh"],
    )


def test_a_partial_form_of_a_restarted_table_finds_its_criteria(db: Path, tmp_path: Path) -> None:
    """A form of only section II (its title row, then 1), i., v., 2) resolves through the
    section row: II.1.i, II.1.v, II.2; its subtotals agree with them (no group warning)."""
    tables = (
        write(tmp_path / "dv.xlsx", members_table()),
        write(tmp_path / "tc.xlsx", scoring_table()),
    )
    assert run(db, "import", *tables).exit_code == 0
    section_two = [(*TABLE[i], own) for i, own in [(9, 39), (10, 24), (11, 14), (12, 10), (13, 15)]]
    result = run(db, "import", write(tmp_path / "hnd.xlsx", _partial_form(section_two)))
    assert result.exit_code == 0, result.output
    assert scores(db) == {
        ("HND", "II.1.i", "self", "", "FY", 2023): 14.0,
        ("HND", "II.1.v", "self", "", "FY", 2023): 10.0,
        ("HND", "II.2", "self", "", "FY", 2023): 15.0,
    }
    assert "Cảnh báo" not in result.stderr


def test_a_partial_form_without_section_rows_never_guesses(db: Path, tmp_path: Path) -> None:
    """Without a section row, `3.c` is in one section only (I.3.c) and is found; `2` is in
    I, II and III: an error naming the row, the column and the three, never a guess."""
    tables = (
        write(tmp_path / "dv.xlsx", members_table()),
        write(tmp_path / "tc.xlsx", scoring_table()),
    )
    assert run(db, "import", *tables).exit_code == 0
    rows = [
        ("2.", "Phát triển hội viên", 20, 18),
        ("3.", "Công tác phối hợp", 20, None),
        ("c)", "Giám sát, phản biện xã hội", 10, 9),
    ]
    form = _partial_form(rows)
    result = run(db, "import", write(tmp_path / "hnd.xlsx", form))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert [(e.file, e.row, e.column, e.value) for e in lines] == [
        ("hnd.xlsx", str(form.row_of(0)), "A", "2")
    ]
    assert lines[0].message == (
        "Mã tiêu chí 2 có ở nhiều phần của bảng tiêu chí năm 2023 (I.2, II.2, III.2); phía "
        "trên dòng này không có dòng phần (I, II…) nên không biết là tiêu chí nào."
    )
    assert lines[0].hint.startswith("Ghi đủ mã kèm phần, ví dụ II.2 nếu là tiêu chí 2 của phần II")
    assert scores(db) == {}
    # the full code, as the hint says, imports
    form.rows = [["I.2", *form.rows[0][1:]], *form.rows[1:]]
    result = run(db, "import", write(tmp_path / "hnd.xlsx", form))
    assert result.exit_code == 0, result.output
    assert scores(db) == {
        ("HND", "I.2", "self", "", "FY", 2023): 18.0,
        ("HND", "I.3.c", "self", "", "FY", 2023): 9.0,
    }


def test_a_code_that_really_repeats_says_how_to_fix_it(db: Path, tmp_path: Path) -> None:
    rows = [*TABLE[:5], ("2.", "Phát triển hội viên (lặp)", 5), *TABLE[5:]]
    table = scoring_table()
    table.rows = [[c, t, m] for c, t, m in rows]
    result = run(db, "import", write(tmp_path / "tieu-chi.xlsx", table))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert [(e.row, e.column, e.value) for e in lines] == [("10", "A", "I.2")]
    assert lines[0].message == (
        "Mã tiêu chí I.2 năm 2023 xuất hiện hai lần (lần đầu ở Bảng tiêu chí dòng 9)."
    )
    assert lines[0].hint.startswith("Đánh số lại dòng 10 (ví dụ I.4)")
    assert query(db, "SELECT count(*) FROM criterion") == [(0,)]


def test_total_row_is_checked_with_the_clusters_bonus_cap(seeded: Path, tmp_path: Path) -> None:
    from tests.workbooks import self_form_table

    own = {"1.1": 19, "1.2": "18,5", "2": 28, "3": 18, "4": 10, "5": 6, "6": 4, "7": 1, "8": None}
    # 93,5 base + bonus 10 capped at 5 − 1 deducted: the unit applied the cluster's cap of 5
    path = write(tmp_path / "hnd.xlsx", self_form_table("Hội Nông dân tỉnh", own, total="97,5"))
    default = run(seeded, "import", "--dry-run", path)
    assert default.exit_code == 0, default.output
    assert "dòng tổng ghi 97,5, tổng các dòng là 102,5" in default.stderr
    assert run(seeded, "rules", "set", "bonus_cap", "5", "--from-year", 2023).exit_code == 0
    capped = run(seeded, "import", path)
    assert capped.exit_code == 0, capped.output
    assert "Cảnh báo" not in capped.stderr
