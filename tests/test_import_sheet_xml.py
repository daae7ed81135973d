"""What calamine hides, found in every writer's sheet XML (issue 11 item 8, SPEC §3.2): error
cells, formulas saved without a value and booleans, with a namespace prefix (`<x:c>`), in
either quote; and the used-range check, which refuses only what is really too large."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import only_error, query, run, sha256
from tests.hostile_files import Raw, score_rows, sheet_xml, xlsx, xlsx_streamed
from thidua_cli.sheets.sheetxml import find_special_cells


def _scores(db: Path) -> list[tuple]:
    return query(db, "SELECT points_c FROM score WHERE year = 2023")


@pytest.mark.parametrize("prefix", ["", "x"])
def test_error_cell_in_a_score_column_names_row_and_column(
    seeded: Path, tmp_path: Path, prefix: str
) -> None:
    p = f"{prefix}:" if prefix else ""
    cell = Raw(f"<{p}v>#N/A</{p}v>", ' t="e"')
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(cell), prefix=prefix))
    before = sha256(seeded)
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.sheet, line.row, line.column, line.value) == ("Chấm điểm", "2", "E", "#N/A")
    assert line.message == "Ô lỗi #N/A ở cột điểm “Tự chấm”."
    assert sha256(seeded) == before


@pytest.mark.parametrize(
    ("prefix", "cell"),
    [
        ("", Raw("<f>SUM(1,2)</f>")),
        ("x", Raw("<x:f>SUM(1,2)</x:f>")),
        ("x", Raw("<x:f>SUM(1,2)</x:f><x:v></x:v>")),
        ("", Raw("<f t='shared' si='0'/>")),
    ],
)
def test_formula_without_a_cached_value_asks_to_save_in_excel(
    seeded: Path, tmp_path: Path, prefix: str, cell: Raw
) -> None:
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(cell), prefix=prefix))
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.row, line.column) == ("2", "E")
    assert line.message == "Ô có công thức nhưng chưa có giá trị tính sẵn."
    assert "Mở tệp bằng Excel" in line.hint
    assert _scores(seeded) == []


def test_formula_with_a_cached_value_imports_its_value(seeded: Path, tmp_path: Path) -> None:
    cell = Raw("<x:f>SUM(4,5)</x:f><x:v>9</x:v>")
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(cell), prefix="x"))
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert _scores(seeded) == [(900,)]


def test_single_quoted_error_cell_is_found(seeded: Path, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(Raw("<v>#REF!</v>", " t='e'"))))
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.row, line.column, line.value) == ("2", "E", "#REF!")


def test_prefixed_boolean_in_a_score_column_is_an_error(seeded: Path, tmp_path: Path) -> None:
    cell = Raw("<x:v>1</x:v>", ' t="b"')
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(cell), prefix="x"))
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.row, line.column) == ("2", "E")
    assert _scores(seeded) == []


def test_an_overstated_dimension_is_not_refused(seeded: Path, tmp_path: Path) -> None:
    """Excel may keep `A1:XFD1048576` after a whole column was formatted: what counts is where
    the values are."""
    sheet = sheet_xml(score_rows(9), dimension="A1:XFD1048576")
    path = xlsx(tmp_path / "bang.xlsx", sheet)
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert _scores(seeded) == [(900,)]


def test_styled_cells_far_away_hold_no_value_and_are_not_refused(
    seeded: Path, tmp_path: Path
) -> None:
    extra = '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(9), extra_rows=extra))
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output


def test_a_far_cell_is_refused_naming_sheet_and_cell(seeded: Path, tmp_path: Path) -> None:
    extra = '<row r="10000"><c r="XFD10000"><v>1</v></c></row>'
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(9), extra_rows=extra))
    before = sha256(seeded)
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.sheet, line.row, line.column) == ("Chấm điểm", "10000", "XFD")
    assert line.message.startswith("Vùng dữ liệu của sheet quá lớn: có giá trị đến ô XFD10000")
    assert "Ctrl+End" in line.hint
    assert sha256(seeded) == before


def test_scan_is_linear_in_hostile_markup(tmp_path: Path) -> None:
    """Markers without a cell around them, and megabytes between tags: once quadratic."""
    head = b'<worksheet xmlns="x"><sheetData>'
    middle = b' t="e" <f>' * 20_000 + b" " * 200_000
    path = xlsx_streamed(tmp_path / "bang.xlsx", [head, middle, b"</sheetData></worksheet>"], 8)
    start = time.perf_counter()
    with zipfile.ZipFile(path) as archive:
        facts = find_special_cells(archive, "xl/worksheets/sheet1.xml")
    assert facts.special == {}
    assert time.perf_counter() - start < 5
