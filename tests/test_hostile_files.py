"""Hostile and broken files and options (issue 12, SPEC §3.2 and §8): each case runs `thidua`
in its own process, under a memory limit and a timeout, and must end with exit 1 or 2, a
Vietnamese message naming the problem (no traceback, no Python class name or repr), the
database unchanged, in seconds. The cases run a few at a time; each is reported on its own."""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile_files import (
    SCORE_HEADER,
    Raw,
    claim_entries,
    corrupt_member,
    lying_sizes,
    ods,
    score_rows,
    set_flag,
    sheet_xml,
    xls_with_far_cell,
    xlsx,
    xlsx_streamed,
)
from tests.workbooks import encrypted, long_table, write

MEMORY_LIMIT = 1536 << 20  # address space of each child: a dense 17-billion-cell range is not
TIMEOUT = 60  # the process is killed past this; the assertion below is the real bound
TIME_BOUND = 20.0  # seconds, on a busy two-core machine (each case takes about one)

Build = Callable[[Path], list[str]]
CASES: dict[str, Build] = {}


def case(name: str) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        assert name not in CASES, name
        CASES[name] = build
        return build

    return register


def imported(name: str, make: Callable[[Path], Path]) -> None:
    """A case importing one file built by `make(path)`."""
    CASES[name] = lambda tmp: ["import", str(make(tmp / _file_name(name)))]


def _file_name(name: str) -> str:
    if name.startswith("csv-"):
        return "bang.csv"
    return "bang.xlsx"


def _bytes(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def _valid(path: Path) -> Path:
    return write(path, long_table([[2023, "Cả năm", "TD", "1.1", 9, None, None, None, None]]))


def _scores(value: object, **options: object) -> Callable[[Path], Path]:
    return lambda path: xlsx(path, sheet_xml(score_rows(value), **options))  # type: ignore[arg-type]


def _sheet(rows: list[list[object]], **options: object) -> Callable[[Path], Path]:
    return lambda path: xlsx(path, sheet_xml(rows, **options))  # type: ignore[arg-type]


def _far_cell(ref: str, **options: object) -> Callable[[Path], Path]:
    """The score sheet, plus one value far away (a stray keystroke at `ref`)."""
    row = int(re.sub(r"[A-Za-z$]", "", ref))
    extra = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'
    return _sheet(score_rows(9), extra_rows=extra, **options)


# ---------------------------------------------------------------- not a workbook at all
imported("text-renamed", _bytes("Mã đơn vị;Tên đơn vị\nTD;Tỉnh Đoàn\n".encode()))
imported("pdf-renamed", _bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"))
imported("png-renamed", _bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))
imported("html-renamed", _bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>"))
imported("empty-file", _bytes(b""))
imported("csv-empty", _bytes(b""))
imported("csv-only-spaces", _bytes(b"   \n\n  \n"))
imported("random-bytes", _bytes(bytes(range(256)) * 16))
imported("ole-not-encrypted", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048))
imported("empty-zip", _bytes(b"PK\x05\x06" + b"\x00" * 18))


@case("zip-of-a-document")
def _docx_like(tmp: Path) -> list[str]:
    path = tmp / "bang.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return ["import", str(path)]


@case("csv-binary")
def _csv_binary(tmp: Path) -> list[str]:
    path = tmp / "bang.csv"
    path.write_bytes(b"\x00\x01\x02" * 1000)
    return ["import", str(path)]


# ---------------------------------------------------------------- truncated and damaged
@case("truncated-half")
def _truncated_half(tmp: Path) -> list[str]:
    data = _valid(tmp / "goc.xlsx").read_bytes()
    (tmp / "bang.xlsx").write_bytes(data[: len(data) // 2])
    return ["import", str(tmp / "bang.xlsx")]


@case("truncated-100-bytes")
def _truncated_head(tmp: Path) -> list[str]:
    data = _valid(tmp / "goc.xlsx").read_bytes()
    (tmp / "bang.xlsx").write_bytes(data[:100])
    return ["import", str(tmp / "bang.xlsx")]


@case("truncated-end-record")
def _truncated_end(tmp: Path) -> list[str]:
    data = _valid(tmp / "goc.xlsx").read_bytes()
    (tmp / "bang.xlsx").write_bytes(data[:-22])
    return ["import", str(tmp / "bang.xlsx")]


@case("corrupt-sheet-data")
def _corrupt(tmp: Path) -> list[str]:
    path = xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9) * 50))
    return ["import", str(corrupt_member(path, "xl/worksheets/sheet1.xml"))]


@case("lying-small-size")
def _lying_small(tmp: Path) -> list[str]:
    path = xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9) * 50))
    return ["import", str(lying_sizes(path, "xl/worksheets/sheet1.xml", 100))]


@case("claims-60000-entries")
def _many_entries(tmp: Path) -> list[str]:
    return ["import", str(claim_entries(xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9))), 60000))]


@case("sheet-part-missing")
def _sheet_missing(tmp: Path) -> list[str]:
    path = tmp / "bang.xlsx"
    xlsx(tmp / "goc.xlsx", sheet_xml(score_rows(9)))
    with zipfile.ZipFile(tmp / "goc.xlsx") as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
    return ["import", str(path)]


@case("workbook-xml-garbage")
def _garbage_workbook(tmp: Path) -> list[str]:
    path = tmp / "bang.xlsx"
    xlsx(tmp / "goc.xlsx", sheet_xml(score_rows(9)))
    with zipfile.ZipFile(tmp / "goc.xlsx") as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = b"<workbook><sheets><sheet" if info.filename == "xl/workbook.xml" else None
            target.writestr(info, data if data is not None else source.read(info))
    return ["import", str(path)]


# ---------------------------------------------------------------- encrypted
imported("encrypted-ole", lambda path: encrypted(path))


@case("encrypted-zip-part")
def _encrypted_part(tmp: Path) -> list[str]:
    path = xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9)))
    return ["import", str(set_flag(path, "xl/worksheets/sheet1.xml", 0x1))]


# ---------------------------------------------------------------- zip bombs
@case("bomb-declared-600MB")
def _declared_bomb(tmp: Path) -> list[str]:
    path = xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9)))
    return ["import", str(lying_sizes(path, "xl/worksheets/sheet1.xml", 600 << 20))]


@case("bomb-shared-strings-1GiB")
def _declared_strings(tmp: Path) -> list[str]:
    strings = '<sst xmlns="x"><si><t>a</t></si></sst>'
    path = xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9)), shared_strings=strings)
    return ["import", str(lying_sizes(path, "xl/sharedStrings.xml", (1 << 30) - 1))]


@case("bomb-total-over-1GiB")
def _declared_total(tmp: Path) -> list[str]:
    parts = {f"xl/media/image{n}.png": b"\x00" * 16 for n in range(3)}
    path = xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9)), extra=parts)
    for name in parts:
        lying_sizes(path, name, 400 << 20)
    return ["import", str(path)]


@case("bomb-ratio-64MB-of-spaces")
def _ratio_bomb(tmp: Path) -> list[str]:
    head = b'<worksheet xmlns="x"><sheetData>'
    path = xlsx_streamed(
        tmp / "bang.xlsx", [head, b" " * (1 << 20), b"</sheetData></worksheet>"], 64
    )
    return ["import", str(path)]


@case("whitespace-1MB-inside-sheet")
def _whitespace(tmp: Path) -> list[str]:
    rows = sheet_xml(score_rows(9)).encode()
    cut = rows.index(b"<sheetData>") + len(b"<sheetData>")
    path = xlsx_streamed(tmp / "bang.xlsx", [rows[:cut], b" " * (1 << 20), rows[cut:]], 1)
    return ["import", str(path)]


@case("too-many-parts")
def _many_parts(tmp: Path) -> list[str]:
    parts = {f"xl/x/{n}.xml": b"" for n in range(10_050)}
    return ["import", str(xlsx(tmp / "bang.xlsx", sheet_xml(score_rows(9)), extra=parts))]


# ---------------------------------------------------------------- absurd used ranges
imported("cell-at-XFD1048576", _far_cell("XFD1048576"))
imported("cell-at-XFD10000", _far_cell("XFD10000"))
imported("cell-at-ZZ500000", _far_cell("ZZ500000"))
imported("cell-at-A1048577", _far_cell("A1048577"))
imported("cell-at-XFD10000-no-dimension", _far_cell("XFD10000", dimension=None))
imported("cell-at-XFD10000-prefixed", _far_cell("XFD10000", prefix="x"))
imported("dimension-lies-A1-B2", _far_cell("XFD5000", dimension="A1:B2"))
imported("dimension-absurd-and-true", _far_cell("XFD1048576", dimension="A1:XFD1048576"))
imported("ref-lowercase", _far_cell("xfd5000"))
imported("ref-with-dollars", _far_cell("$XFD$5000"))
imported(
    "ref-single-quoted",
    _sheet(score_rows(9), extra_rows="<row r='5000'><c r='XFD5000'><v>1</v></c></row>"),
)
imported(
    "ref-spaced",
    _sheet(score_rows(9), extra_rows='<row r="5000"><c r = "XFD5000"><v>1</v></c></row>'),
)
imported(
    "ref-after-quoted-gt",
    _sheet(score_rows(9), extra_rows='<row><c a=">" r="XFD5000"><v>1</v></c></row>'),
)
imported(
    "ref-twice-in-one-cell",
    _sheet(score_rows(9), extra_rows='<row r="5000"><c r="A5000" r="XFD5000"><v>1</v></c></row>'),
)
imported(
    "ref-as-character-reference",
    _sheet(score_rows(9), extra_rows='<row r="5000"><c r="&#88;FD5000"><v>1</v></c></row>'),
)
imported(
    "ref-after-other-attribute",
    _sheet(score_rows(9), extra_rows='<row r="5000"><c t="n" r="XFD5000"><v>1</v></c></row>'),
)
imported(
    "cells-without-ref",
    _sheet(
        score_rows(9),
        extra_rows='<row r="1000">' + "<c><v>1</v></c>" * 16_384 + "</row>",
    ),
)
imported(
    "rows-out-of-order",
    lambda path: xlsx(
        path,
        sheet_xml(score_rows(9)).replace(
            '<row r="1">', '<row r="900000"><c r="Z900000"><v>1</v></c></row><row r="1">'
        ),
    ),
)
imported(
    "far-cell-in-long-sheet",
    lambda path: xlsx(
        path,
        sheet_xml(
            [SCORE_HEADER] + [[2023, "Cả năm", "TD", "1.1", 9]] * 3000,
        ).replace('<row r="1500">', '<row r="1500"><c r="XFD1048000"><v>1</v></c>'),
    ),
)

# ---------------------------------------------------------------- OpenDocument
_ODS_VALUE = (
    '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
    "</table:table-cell>"
)
imported_ods = [
    (
        "ods-columns-repeated",
        "<table:table-row>"
        + _ODS_VALUE.replace(
            "<table:table-cell ", '<table:table-cell table:number-columns-repeated="16000" '
        )
        + '</table:table-row><table:table-row table:number-rows-repeated="5000">'
        + _ODS_VALUE
        + "</table:table-row>",
    ),
    (
        "ods-rows-repeated",
        '<table:table-row table:number-rows-repeated="1000000">'
        + _ODS_VALUE * 20
        + "</table:table-row>",
    ),
    ("ods-content-garbage", "<table:table-row><table:table-cell"),
    (
        # a block of a million #N/A cells in one tag: each marked, so the count is bounded
        "ods-error-cells-repeated",
        '<table:table-row table:number-rows-repeated="200000">'
        '<table:table-cell table:number-columns-repeated="40" table:formula="of:=NA()" '
        'office:value-type="string" office:string-value="" calcext:value-type="error">'
        "<text:p>#N/A</text:p></table:table-cell></table:table-row>",
    ),
]
CASES["xls-cell-at-IV65536"] = lambda tmp: [
    "import",
    str(xls_with_far_cell(tmp / "bang.xls", 65535, 255)),
]
CASES["xls-cell-at-column-60001"] = lambda tmp: [
    "import",
    str(xls_with_far_cell(tmp / "bang.xls", 65535, 255, patch_col=60000)),
]
CASES["xls-truncated"] = lambda tmp: [
    "import",
    str(_bytes(xls_with_far_cell(tmp / "goc.xls", 3, 3).read_bytes()[:1500])(tmp / "bang.xls")),
]
for _name, _body in imported_ods:
    CASES[_name] = (lambda body: lambda tmp: ["import", str(ods(tmp / "bang.ods", body))])(_body)

_WORKBOOK_LONG_NAME = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http:'
    '//schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="'
    + "T" * (1 << 20)
    + '" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
imported("inline-cell-1MB", _scores("x" * (1 << 20)))
imported(
    "shared-string-1MB",
    lambda path: xlsx(
        path,
        sheet_xml(score_rows(Raw("<v>0</v>", ' t="s"'))),
        shared_strings=f'<sst xmlns="x"><si><t>{"y" * (1 << 20)}</t></si></sst>',
    ),
)
imported(
    "cell-of-9MB-markup",
    _scores(Raw("<is>" + "<r><t>a</t></r>" * 700_000 + "</is>", ' t="inlineStr"')),
)
imported(
    "csv-field-1MB",
    _bytes(
        ("Năm,Kỳ,Mã ĐV,Mã tiêu chí,Tự chấm\n2023,Cả năm,TD,1.1," + "9" * (1 << 20) + "\n").encode()
    ),
)
imported(
    "sheet-name-1MB",
    lambda path: xlsx(path, sheet_xml(score_rows(9)), workbook=_WORKBOOK_LONG_NAME),
)
imported(
    "styles-1MB-attribute",
    lambda path: xlsx(
        path,
        sheet_xml(score_rows(9)),
        extra={"xl/styles.xml": b"<styleSheet a='" + b"c" * (1 << 20) + b"'/>"},
    ),
)

# ---------------------------------------------------------------- control and bidi characters
imported("score-with-rlo", _scores("9\u202e5"))
imported("score-with-control-char", _scores(Raw("<is><t>&#x1;abc</t></is>", ' t="inlineStr"')))
imported("unit-code-bidi", _sheet([SCORE_HEADER, [2023, "Cả năm", "\u202eDT", "1.1", 9]]))
imported("criterion-zero-width", _sheet([SCORE_HEADER, [2023, "Cả năm", "TD", "1.\u200b1x", 9]]))
imported("year-with-control", _sheet([SCORE_HEADER, ["20\u00079x", "Cả năm", "TD", "1.1", 9]]))

# ---------------------------------------------------------------- NaN, infinity, huge numbers
imported("score-NaN", _scores(Raw("<v>NaN</v>")))
imported("score-INF", _scores(Raw("<v>INF</v>")))
imported("score-minus-INF", _scores(Raw("<v>-INF</v>")))
imported("score-1e308", _scores(Raw("<v>1e308</v>")))
imported("score-1e309", _scores(Raw("<v>1E+309</v>")))
imported("score-text-nan", _scores("nan"))
imported("score-text-1e308", _scores("1e308"))
imported("year-1e308", _sheet([SCORE_HEADER, [Raw("<v>1e308</v>"), "Cả năm", "TD", "1.1", 9]]))
imported(
    "csv-score-NaN", _bytes("Năm,Kỳ,Mã ĐV,Mã tiêu chí,Tự chấm\n2023,Cả năm,TD,1.1,NaN\n".encode())
)
imported(
    "csv-score-inf", _bytes("Năm,Kỳ,Mã ĐV,Mã tiêu chí,Tự chấm\n2023,Cả năm,TD,1.1,inf\n".encode())
)
imported(
    "csv-score-1e308",
    _bytes("Năm,Kỳ,Mã ĐV,Mã tiêu chí,Tự chấm\n2023,Cả năm,TD,1.1,1e308\n".encode()),
)


# ---------------------------------------------------------------- not regular files
@case("fifo")
def _fifo(tmp: Path) -> list[str]:
    os.mkfifo(tmp / "bang.xlsx")
    return ["import", str(tmp / "bang.xlsx")]


@case("socket")
def _socket(tmp: Path) -> list[str]:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp / "bang.xlsx"))
    server.close()
    return ["import", str(tmp / "bang.xlsx")]


CASES["dev-zero"] = lambda tmp: ["import", "/dev/zero"]
CASES["dev-null"] = lambda tmp: ["import", "/dev/null"]
CASES["dev-urandom"] = lambda tmp: ["import", "/dev/urandom"]


@case("symlink-to-dev-zero")
def _link_zero(tmp: Path) -> list[str]:
    (tmp / "bang.xlsx").symlink_to("/dev/zero")
    return ["import", str(tmp / "bang.xlsx")]


@case("fifo-in-folder")
def _fifo_folder(tmp: Path) -> list[str]:
    folder = tmp / "don-vi"
    folder.mkdir()
    os.mkfifo(folder / "bang.xlsx")
    return ["import", str(folder)]


# ---------------------------------------------------------------- unreadable paths
CASES["missing-file"] = lambda tmp: ["import", str(tmp / "khong-co.xlsx")]


@case("dangling-symlink")
def _dangling(tmp: Path) -> list[str]:
    (tmp / "bang.xlsx").symlink_to(tmp / "da-xoa.xlsx")
    return ["import", str(tmp / "bang.xlsx")]


@case("symlink-loop")
def _loop(tmp: Path) -> list[str]:
    (tmp / "a.xlsx").symlink_to(tmp / "b.xlsx")
    (tmp / "b.xlsx").symlink_to(tmp / "a.xlsx")
    return ["import", str(tmp / "a.xlsx")]


@case("file-used-as-folder")
def _not_a_dir(tmp: Path) -> list[str]:
    _valid(tmp / "goc.xlsx")
    return ["import", str(tmp / "goc.xlsx" / "bang.xlsx")]


CASES["name-too-long"] = lambda tmp: ["import", str(tmp / ("a" * 300 + ".xlsx"))]


@case("empty-folder")
def _empty_folder(tmp: Path) -> list[str]:
    (tmp / "trong").mkdir()
    return ["import", str(tmp / "trong")]


@case("folder-named-like-a-workbook")
def _dir_as_file(tmp: Path) -> list[str]:
    (tmp / "bang.xlsx").mkdir()
    return ["import", str(tmp / "bang.xlsx")]


# ---------------------------------------------------------------- bad options
def _with_valid(*options: str) -> Build:
    return lambda tmp: ["import", *options, str(_valid(tmp / "bang.xlsx"))]


CASES["option-year-text"] = _with_valid("--year", "abc")
CASES["option-year-huge"] = _with_valid("--year", "99999999999999999999")
CASES["option-half-3"] = _with_valid("--half", "3")
CASES["option-kind-unknown"] = _with_valid("--kind", "khong-co")
CASES["option-layer-unknown"] = _with_valid("--layer", "xyz")
CASES["option-unknown"] = _with_valid("--bogus")
CASES["option-errors-is-folder"] = lambda tmp: [
    "import",
    "--errors",
    str(tmp),
    str(xlsx(tmp / "bang.xlsx", sheet_xml(score_rows("abc")))),
]
CASES["rank-year-text"] = lambda tmp: ["rank", "--year", "hai nghìn"]
CASES["command-unknown"] = lambda tmp: ["nhap", "bang.xlsx"]


# ---------------------------------------------------------------- bad databases
def _db_case(name: str, db: Callable[[Path], str]) -> None:
    CASES[name] = lambda tmp: ["--db", db(tmp), "status"]


_db_case("db-is-a-folder", lambda tmp: str(tmp))
_db_case("db-is-a-text-file", lambda tmp: str(_bytes(b"not a database\n" * 100)(tmp / "x.db")))
_db_case("db-in-missing-folder", lambda tmp: str(tmp / "khong-co" / "x.db"))
_db_case("db-url-unknown-scheme", lambda tmp: "khongco://nguoi@may/csdl")
_db_case("db-url-missing-driver", lambda tmp: "postgresql+khongco://nguoi@may/csdl")
_db_case("db-url-garbage", lambda tmp: "://:@:")


# ---------------------------------------------------------------- running the cases

CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b")
REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>")
VIETNAMESE = re.compile(
    r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I
)


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    db_changed: bool


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(name: str, base: Path, template: Path) -> Outcome:
    tmp = base / name
    tmp.mkdir()
    db = tmp / "thidua.db"
    shutil.copyfile(template, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    args = CASES[name](tmp)
    env = {k: v for k, v in os.environ.items() if k != "THIDUA_DB"}
    env.update({"COLUMNS": "400", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    global_args = [] if args[0] == "--db" else ["--db", str(db)]
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "thidua_cli", *global_args, *args],
        capture_output=True,
        timeout=TIMEOUT,
        env=env,
        cwd=tmp,
        preexec_fn=_limit_memory,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    after = hashlib.sha256(db.read_bytes()).hexdigest()
    return Outcome(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        seconds,
        before != after,
    )


@pytest.fixture(scope="module")
def outcomes(
    _seeded_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("hostile")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(_run, name, base, _seeded_template) for name in CASES}
        return {name: future.result() for name, future in futures.items()}


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case_is_a_clean_refusal(name: str, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[name]
    said = outcome.stderr + outcome.stdout
    assert outcome.code in (1, 2), f"exit {outcome.code}\n{said[-3000:]}"
    assert outcome.seconds < TIME_BOUND, f"{outcome.seconds:.1f} s"
    assert not outcome.db_changed
    assert "Traceback" not in said
    assert not CLASS_NAME.search(said), said[-3000:]
    assert not REPR.search(said), said[-3000:]
    assert VIETNAMESE.search(outcome.stderr), said[-3000:]


def test_control_and_bidi_characters_are_removed_not_refused(seeded: Path, tmp_path: Path) -> None:
    """SPEC §9: control characters and bidirectional overrides are removed at the boundary; a
    cell that is right once they are gone imports (and is stored clean)."""
    from tests.conftest import query, run

    rows = [SCORE_HEADER, ["20\u000723", "Cả năm", "T\u202eD\u200f", "1.\u00011", 9]]
    path = xlsx(tmp_path / "bang.xlsx", sheet_xml(rows))
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    stored = query(
        seeded,
        "SELECT u.code, c.code, s.points_c FROM score s JOIN unit u ON u.id = s.unit_id "
        "JOIN criterion c ON c.id = s.criterion_id WHERE s.year = 2023",
    )
    assert stored == [("TD", "1.1", 900)]
