"""The fast used-range check of a sheet's XML (sheetxml.check_sheet, issue 11): it passes over
the cells common writers write with a cheap search and searches the chunks as read, in place.
It must refuse exactly what the exact pass refuses: hostile sheets whose bad cell sits in the
middle of a long sheet, past the first chunk, in another shape than the common one, or across
a chunk boundary."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import only_error, run, sha256
from tests.hostile_files import MAIN_NS, SCORE_HEADER, Raw, score_rows, sheet_xml, xlsx
from thidua_cli.sheets import sheetxml
from thidua_cli.sheets.preflight import DAMAGED, FileRefused

PART = "xl/worksheets/sheet1.xml"
MEMORY_LIMIT = 1536 << 20  # as tests/test_hostile_files.py: a dense range of billions is not
ROW = [2023, "Cả năm", "TD", "1.1", 9]


def _outcome(call: object) -> str:
    """The refusal's message, or "" when the sheet passes."""
    try:
        call()  # type: ignore[operator]
    except FileRefused as refused:
        return refused.message or "refused"
    return ""


def _checked(path: Path, chunk: int | None = None) -> str:
    with zipfile.ZipFile(path) as archive:
        if chunk is None:
            return _outcome(lambda: sheetxml.check_sheet(archive, PART, "S"))
        with mock.patch.object(sheetxml, "CHUNK", chunk):
            return _outcome(lambda: sheetxml.check_sheet(archive, PART, "S"))


def _exact(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return _outcome(lambda: sheetxml._Bounds("S").run(archive, PART, exact=True))


# ---------------------------------------------------------------- random sheets, small chunks
_NEAR = ["A1", "B2", "C3", "F9", "E40", "A99", "D1200", "AB7", "CY30"]
_FAR = ["Z9", "AA5", "ZZ5", "AAA9", "XFD7", "XFD1000", "A1048576", "B700000", "Z500000"]
_FAR += ["xfd2000", "$XFD$3000"]
_SHAPES = [
    '<c r="{ref}">{body}</c>',
    '<c r="{ref}" t="n">{body}</c>',
    '<c r="{ref}" s="3">{body}</c>',
    '<c r="{ref}" s="3" t="s">{body}</c>',
    '<c r="{ref}" t="s" s="3">{body}</c>',
    '<c r="{ref}" cm="1">{body}</c>',
    '<c r="{ref}"/>',
    '<c r="{ref}" s="2"/>',
    '<c r="A1" r="{ref}">{body}</c>',
    '<c r="{ref}" r="A1">{body}</c>',
    '<c t="n" r="{ref}">{body}</c>',
    "<c r='{ref}'>{body}</c>",
    '<c r = "{ref}">{body}</c>',
    '<c\tr="{ref}">{body}</c>',
    '<c r="{ref}" t="a>b">{body}</c>',
    "<c>{body}</c>",
    '<x:c r="{ref}">{body}</x:c>',
]
_BODIES = ["<v>1</v>", "<is><t>abc</t></is>", "", "<v></v>", "<f>A1</f>", "<f>A1</f><v>2</v>"]
_COMMON = '<row r="{n}"><c r="A{n}" t="n"><v>1</v></c><c r="B{n}" s="1" t="s"><v>0</v></c></row>'

_cells = st.builds(
    lambda shape, ref, body: shape.format(ref=ref, body=body),
    st.sampled_from(_SHAPES),
    st.sampled_from(_NEAR * 3 + _FAR),
    st.sampled_from(_BODIES + ["<is><t>" + "x" * 700 + "</t></is>"]),
)
_rows = st.lists(
    st.tuples(
        st.sampled_from(["<row>", '<row r="{n}">', '<row r="1048576">']),
        st.lists(_cells, max_size=4),
        st.integers(0, 30),  # common rows after it
    ),
    max_size=6,
)


def _random_sheet(rows: list[tuple[str, list[str], int]], dimension: str) -> str:
    body = []
    n = 0
    for opening, cells, common in rows:
        n += 1
        body.append(opening.format(n=n) + "".join(cells) + "</row>")
        for _ in range(common):
            n += 1
            body.append(_COMMON.format(n=n))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<worksheet xmlns="{MAIN_NS}" xmlns:x="{MAIN_NS}">{dim}<sheetData>'
        + "".join(body)
        + "</sheetData></worksheet>"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_rows,
    dimension=st.sampled_from(["", "A1:B2", "A1:F60", "A1:XFD1048576"]),
    chunk=st.sampled_from([64, 200, 1000, 1 << 22]),
)
def test_check_refuses_what_the_exact_pass_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, list[str], int]],
    dimension: str,
    chunk: int,
) -> None:
    """Whatever the chunks the part is read in."""
    path = xlsx(tmp_path_factory.mktemp("s") / "b.xlsx", _random_sheet(rows, dimension))
    assert _checked(path, chunk) == _exact(path)


def test_random_sheets_do_reach_both_outcomes(tmp_path: Path) -> None:
    """The property above is not vacuous: the generator's shapes give both outcomes."""
    far = _random_sheet([("<row>", ['<c r="XFD1000"><v>1</v></c>'], 3)], "")
    near = _random_sheet([('<row r="{n}">', ['<c r="A1" s="3" t="s"><v>1</v></c>'], 3)], "")
    assert _checked(xlsx(tmp_path / "far.xlsx", far), 64).startswith("Vùng dữ liệu")
    assert _checked(xlsx(tmp_path / "near.xlsx", near), 64) == ""


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(['<c r="A1">', "<v>1</v>", "</c>", "<row>", "</row>", "x" * 90, "<c/>"]),
        max_size=80,
    ),
    chunk=st.integers(1, 300),
)
def test_windows_cover_the_data_and_are_cut_at_tags(pieces: list[str], chunk: int) -> None:
    data = "".join(pieces).encode()
    with mock.patch.object(sheetxml, "CHUNK", chunk):
        spans = list(sheetxml._spans(io.BytesIO(data)))
    assert b"".join(d[s:e] for d, s, e in spans) == data
    assert all(e > s for _, s, e in spans)
    offset = 0
    for d, s, e in spans:  # every cut after the first tag is at a tag
        if 0 <= data.find(b"<") < offset:
            assert d[s : s + 1] == b"<"
        offset += e - s


# ---------------------------------------------------------------- long sheets, real chunks
def _long_sheet(rows: int = 30_000, **replace: str) -> str:
    xml = sheet_xml([SCORE_HEADER] + [ROW] * rows, dimension=None)
    for old, new in replace.items():
        assert old in xml
        xml = xml.replace(old, new, 1)
    return xml


def _past_first_chunk(xml: str, marker: str) -> None:
    """The test's own precondition: the hostile part is past the first chunk of the part."""
    data = xml.encode()
    assert len(data) > 1.5 * sheetxml.CHUNK
    assert data.find(marker.encode()) > sheetxml.CHUNK


def _import_in_child(db: Path, path: Path) -> SimpleNamespace:
    """`thidua import` in its own process under a memory limit: should the check let a
    hostile sheet through, calamine's dense range ends that process, not the test run."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {k: v for k, v in os.environ.items() if k != "THIDUA_DB"}
    env.update({"COLUMNS": "400", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    proc = subprocess.run(
        [sys.executable, "-m", "thidua_cli", "--db", str(db), "import", str(path)],
        capture_output=True,
        timeout=120,
        env=env,
        preexec_fn=limit,
        stdin=subprocess.DEVNULL,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    return SimpleNamespace(exit_code=proc.returncode, stderr=stderr, output=stderr[-3000:])


def _refused_far(seeded: Path, path: Path, cell: str | None = None) -> None:
    """Refused as the exact pass refuses it (naming `cell` when given), database unchanged."""
    before = sha256(seeded)
    result = _import_in_child(seeded, path)
    assert result.exit_code == 1, result.output
    line = only_error(result)  # type: ignore[arg-type]
    assert line.message.startswith("Vùng dữ liệu của sheet quá lớn: có giá trị đến ô ")
    if cell is None:
        assert line.message == _exact(path)
    else:
        assert f"đến ô {cell} " in line.message
        assert line.row + line.column == cell[len(line.column) :] + cell[: len(line.column)]
    assert sha256(seeded) == before


def test_far_right_cell_in_the_middle_of_a_long_sheet(seeded: Path, tmp_path: Path) -> None:
    xml = _long_sheet(**{'<row r="20000">': '<row r="20000"><c r="XFD20000"><v>1</v></c>'})
    _past_first_chunk(xml, "XFD20000")
    _refused_far(seeded, xlsx(tmp_path / "bang.xlsx", xml), "XFD20000")


def test_out_of_order_cell_in_the_middle_of_a_long_sheet(seeded: Path, tmp_path: Path) -> None:
    xml = _long_sheet(**{'<c r="E20000">': '<c r="Z900000"><v>1</v></c><c r="E20000">'})
    _past_first_chunk(xml, "Z900000")
    _refused_far(seeded, xlsx(tmp_path / "bang.xlsx", xml), "Z900000")


def test_prefixed_far_cell_in_the_middle_of_a_long_sheet(seeded: Path, tmp_path: Path) -> None:
    xml = _long_sheet(
        **{
            "<worksheet ": f'<worksheet xmlns:x="{MAIN_NS}" ',
            '<row r="20000">': '<row r="20000"><x:c r="XFD20000"><x:v>1</x:v></x:c>',
        }
    )
    _past_first_chunk(xml, "XFD20000")
    _refused_far(seeded, xlsx(tmp_path / "bang.xlsx", xml), "XFD20000")


def test_cells_without_ref_in_the_middle_of_a_long_sheet(seeded: Path, tmp_path: Path) -> None:
    row = '<row r="20001">' + "<c><v>1</v></c>" * 16_384 + "</row>"
    xml = _long_sheet(**{'<row r="20001">': row + '<row r="20001">'})
    _past_first_chunk(xml, "<c><v>")
    _refused_far(seeded, xlsx(tmp_path / "bang.xlsx", xml))


def test_second_ref_in_the_middle_of_a_long_sheet(seeded: Path, tmp_path: Path) -> None:
    xml = _long_sheet(**{'<c r="E20000">': '<c r="E20000" r="XFD20000"><v>1</v></c><c r="E1">'})
    _past_first_chunk(xml, 'r="XFD20000"')
    _refused_far(seeded, xlsx(tmp_path / "bang.xlsx", xml), "XFD20000")


def test_long_text_across_a_chunk_boundary_is_refused(seeded: Path, tmp_path: Path) -> None:
    xml = _long_sheet()
    cut = xml.encode().rfind(b"<row ", 0, sheetxml.CHUNK - 1000)
    text = '<row r="1"><c r="F1" t="inlineStr"><is><t>' + "x" * (300 << 10) + "</t></is></c></row>"
    head = xml.encode()[:cut].decode()
    xml = head + text + xml[len(head) :]
    data = xml.encode()
    assert data.find(b"x" * 1000) < sheetxml.CHUNK < data.find(b"x</t>")
    before = sha256(seeded)
    result = _import_in_child(seeded, xlsx(tmp_path / "bang.xlsx", xml))
    assert result.exit_code == 1, result.output
    assert only_error(result).message.startswith("Tệp chứa một ô hoặc một đoạn văn bản dài")
    assert sha256(seeded) == before


def test_common_writers_cells_are_vouched_without_the_exact_pass(tmp_path: Path) -> None:
    """A long sheet in the shapes Excel, openpyxl and LibreOffice write passes the fast pass
    alone (the exact pass would take seconds on a sheet of a million rows)."""
    shapes = [
        '<c r="A{n}" t="n"><v>2023</v></c>',
        '<c r="B{n}" s="1" t="s"><v>0</v></c>',
        '<c r="C{n}" t="inlineStr"><is><t>TD</t></is></c>',
        '<c r="D{n}" s="2"><v>1.1</v></c>',
        '<c r="E{n}"><v>9</v></c>',
        '<c r="F{n}" s="3"/>',
    ]
    rows = "".join(
        f'<row r="{n}" spans="1:6">' + "".join(s.format(n=n) for s in shapes) + "</row>"
        for n in range(1, 40_001)
    )
    xml = f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:F40000"/><sheetData>{rows}'
    xml += "</sheetData></worksheet>"
    assert len(xml) > 2 * sheetxml.CHUNK
    path = xlsx(tmp_path / "b.xlsx", xml)
    with mock.patch.object(sheetxml._Bounds, "_count", side_effect=AssertionError("exact")):
        assert _checked(path) == ""


def test_a_wide_sheet_of_two_letter_columns_is_vouched_without_the_exact_pass(
    tmp_path: Path,
) -> None:
    """A summary of a hundred units across (columns A to CY) passes the fast pass alone; a
    cell at a three-letter column is for the exact pass."""

    def letters(col: int) -> str:
        return chr(65 + col) if col < 26 else chr(64 + col // 26) + chr(65 + col % 26)

    rows = "".join(
        f'<row r="{n}">'
        + "".join(f'<c r="{letters(col)}{n}"><v>{col}</v></c>' for col in range(103))
        + "</row>"
        for n in range(1, 400)
    )
    xml = f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'
    path = xlsx(tmp_path / "b.xlsx", xml)
    with mock.patch.object(sheetxml._Bounds, "_count", side_effect=AssertionError("exact")):
        assert _checked(path, 4096) == ""
    far = xml.replace("</row></sheetData>", '<c r="AAA399"><v>1</v></c></row></sheetData>')
    path = xlsx(tmp_path / "far.xlsx", far)
    with (
        mock.patch.object(sheetxml._Bounds, "_count", side_effect=AssertionError("exact")),
        pytest.raises(AssertionError, match="exact"),
    ):
        _checked(path)
    assert _checked(path) == _exact(path) == ""


def test_a_damaged_later_chunk_is_refused(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "b.xlsx", _long_sheet(40_000))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(PART)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size * 3 // 4
    for offset in range(middle, middle + 64):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    assert _checked(path) == DAMAGED[0]


# ---------------------------------------------------------------- how a file is read
@pytest.mark.parametrize("kept", [True, False], ids=["kept-in-memory", "read-from-disk"])
@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        (Raw("<v>#N/A</v>", ' t="e"'), "#N/A", "Ô lỗi #N/A ở cột điểm “Tự chấm”."),
        (Raw("<f>SUM(1,2)</f>"), "(công thức)", "Ô có công thức nhưng chưa có giá trị tính sẵn."),
    ],
)
def test_hidden_cells_are_found_however_the_file_is_read(
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kept: bool,
    cell: Raw,
    value: str,
    message: str,
) -> None:
    """A small file is read once into memory and its sheet XML scanned after calamine; a
    large one is read from the disk and scanned in a thread beside calamine. Both find the
    cells calamine hides (the thresholds are lowered here to take the second way)."""
    from thidua_cli.sheets import preflight, reader

    if not kept:
        monkeypatch.setattr(preflight, "KEEP_FILE_BYTES", 0)
        monkeypatch.setattr(reader, "INLINE_SCAN_BYTES", 0)
    opened = mock.patch.object(zipfile, "ZipFile", wraps=zipfile.ZipFile)
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(score_rows(cell)))
    before = sha256(seeded)
    with opened as zip_file:
        result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    line = only_error(result)
    assert (line.row, line.column, line.value, line.message) == ("2", "E", value, message)
    assert sha256(seeded) == before
    sources = [call.args[0] for call in zip_file.call_args_list if call.args]
    assert any(isinstance(source, io.BytesIO) for source in sources) == kept
    assert any(isinstance(source, Path) for source in sources) == (not kept)
