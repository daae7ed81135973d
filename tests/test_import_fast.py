"""The fast path for long score sheets (services/fast_scores.py) against the general path
(parse_sheet + _Checker.check_scores), which is the reference: for the same files and the same
database, both must give the same errors, warnings, notes, sheet summaries and stored rows.

Every comparison imports into two copies of one database, once with ImportOptions(fast=True)
and once with fast=False, and compares everything the import reports and writes."""

from __future__ import annotations

import csv
import inspect
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.conftest import error_lines, query, run, sha256
from tests.workbooks import (
    CODES,
    CRITERIA_2023,
    MEMBERS_2022,
    NA,
    ErrorCell,
    Table,
    criteria_table,
    members_table,
    write,
)
from thidua_cli.imports import pipeline as importer
from thidua_cli.imports.fast_scores import FastSheet, SheetFallback
from thidua_cli.imports.pipeline import run_import
from thidua_cli.imports.report import ImportOptions
from thidua_cli.sheets.parse import SheetParser
from thidua_cli.store.db import get_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

SETTINGS = settings(max_examples=40, deadline=None)

LONG = ["Năm", "Kỳ", "Mã đơn vị", "Mã tiêu chí", "Tự chấm", "Thống nhất", "Ghi chú"]

# What an import leaves in the database; ids are compared too (both copies start equal and
# write in the same order), time stamps are not.
DUMPS = {
    "score": "SELECT * FROM score "
    "ORDER BY cluster_id, year, period, unit_id, criterion_id, layer, scorer",
    "unit": "SELECT * FROM unit ORDER BY id",
    "membership": "SELECT * FROM membership ORDER BY cluster_id, year, unit_id",
    "criterion": "SELECT * FROM criterion ORDER BY id",
    "import_record": "SELECT cluster_id, file_name, sha256, sheet, kind, rows_new, "
    "rows_updated, rows_unchanged, forced FROM import_record ORDER BY id",
    "audit_event": "SELECT cluster_id, year, action, detail FROM audit_event ORDER BY id",
}


# ---------------------------------------------------------------- running both paths


class Slots:
    """A few database files reused by every comparison, each loaded from a template when a
    comparison starts and kept open by one engine: a new engine reflects the schema, which
    is most of what a small import costs."""

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.engines: dict[Path, Engine] = {}

    def load(self, name: str, template: Path) -> Path:
        if self.dir is None:
            self.dir = Path(tempfile.mkdtemp(prefix="thidua-fast-"))
        db = self.dir / f"{name}.db"
        with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(db)) as target:
            source.backup(target)
        return db

    def engine(self, db: Path) -> Engine | None:
        if self.dir is None or db.parent != self.dir:
            return None
        if db not in self.engines:
            self.engines[db] = get_engine(str(db))
        return self.engines[db]

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()
        self.engines.clear()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


SLOTS = Slots()


@pytest.fixture(scope="module", autouse=True)
def _close_slots() -> Iterator[None]:
    yield
    SLOTS.close()


def database(db: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(db)) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in DUMPS.items()}


def outcome(db: Path, paths: Sequence[Path], **options: Any) -> dict[str, Any]:
    """Everything one import reports and leaves behind. An exception is an outcome too, so
    that a crash on one path only shows as a difference, not as a test error."""
    engine = SLOTS.engine(db) or get_engine(str(db))
    try:
        report = run_import(engine, list(paths), ImportOptions(**options))
    except Exception as exc:  # compared with the other path, not hidden
        result: dict[str, Any] = {"raised": f"{type(exc).__name__}: {exc}"}
    else:
        result = {
            "errors": [astuple(e) for e in report.errors],
            "warnings": report.warnings,
            "notes": report.notes,
            "skipped": report.skipped,
            "sheets": [astuple(s) for s in report.sheets],
        }
    finally:
        if SLOTS.engine(db) is None:
            engine.dispose()
    return {**result, **database(db)}


def both(
    template: Path,
    paths: Sequence[Path],
    prepare: Callable[[Path], None] | None = None,
    **options: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fast, general) outcomes of the same import into two copies of `template`."""
    results = []
    for fast in (True, False):
        db = SLOTS.load("fast" if fast else "general", template)
        if prepare is not None:
            prepare(db)
        results.append(outcome(db, paths, fast=fast, **options))
    return results[0], results[1]


def assert_same(fast: dict[str, Any], general: dict[str, Any]) -> None:
    """The same outcome, errors in the same order included."""
    assert "raised" not in general, general["raised"]
    assert fast == general


def import_general(db: Path, *paths: Path) -> None:
    """Put data in the database the reference way; it must be accepted."""
    result = outcome(db, paths, fast=False)
    assert result.get("errors") == [], result


def spy_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Rows of score sheets handed to the general parser, in order."""
    handed: list[int] = []
    original = SheetParser.row

    def row(self: SheetParser, number: int, values: list[object]) -> None:
        if self.layout.kind == "scores":
            handed.append(number)
        original(self, number, values)

    monkeypatch.setattr(SheetParser, "row", row)
    return handed


def spy_attempts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The `fast` flag of every _attempt: [True, False] when the fast path had to start over."""
    flags: list[bool] = []
    original = importer._attempt
    signature = inspect.signature(original)

    def attempt(*args: Any, **kwargs: Any) -> Any:
        flags.append(signature.bind(*args, **kwargs).arguments["fast"])
        return original(*args, **kwargs)

    monkeypatch.setattr(importer, "_attempt", attempt)
    return flags


@dataclass
class StreamSpy:
    sheets: list[FastSheet] = field(default_factory=list)
    fallbacks: int = 0


def spy_stream(monkeypatch: pytest.MonkeyPatch) -> StreamSpy:
    """What stream_long_sheet returned, and how often it gave the sheet up (SheetFallback)."""
    spy = StreamSpy()
    original = importer.stream_long_sheet

    def stream(*args: Any, **kwargs: Any) -> FastSheet:
        try:
            result = original(*args, **kwargs)
        except SheetFallback:
            spy.fallbacks += 1
            raise
        spy.sheets.append(result)
        return result

    monkeypatch.setattr(importer, "stream_long_sheet", stream)
    return spy


def long_sheet(rows: Sequence[Sequence[object] | None], name: str = "Chấm điểm") -> Table:
    return Table(name, LONG, rows)


# ---------------------------------------------------------------- generated sheets

# The prepared database (conftest `_seeded_template`): members 2022 (no CTD) and 2023, tables
# 2022 (I > 1, 2, 9) and 2023 (I > 1 > 1.1, 1.2; 2; II > 3, 4; bonus 5, 6; deduction 7;
# veto 8). Maxima of the leaves:
MAXIMA = {
    2023: {"1.1": 20, "1.2": 20, "2": 30, "3": 20, "4": 10, "5": 6, "6": 4, "7": 5},
    2022: {"1": 40, "2": 30, "9": 30},
}
# raw criterion cells: as text, as numbers, with a trailing dot
CODE_OF: dict[object, str] = {"1.1.": "1.1", 2: "2", 1.2: "1.2", " 3 ": "3"}
LEAVES = {
    2023: ["1.1", "1.2", "2", "3", "4", "5", "6", "7", "8", "1.1.", 2, 1.2, " 3 "],
    2022: ["1", "2", "9", 2],
}
GROUPS = {2023: ["1", "I", "II"], 2022: ["I"]}
UNKNOWN_CODES = ["1.9", "9", "abc", None]  # 9 is a 2022 code: unknown in 2023

YEARS_GOOD: list[object] = [2023, 2023, 2023, 2022, 2022, "2023", " 2023 ", "2022"]
YEARS_BAD: list[object] = [2021, 1800, "năm 2023", None, 2023.5]  # None: title, option or error
PERIODS_GOOD: list[object] = ["Cả năm", "Cả năm", "cả năm", "6 tháng", "6 tháng đầu năm", "FY"]
PERIODS_GOOD += [None, None]  # the title's period, --half, or the whole year
PERIODS_BAD: list[object] = ["Quý 3", 6, "   "]  # "   " is no period: taken as blank
PERIODS_BAD += ["6 tháng đầu năm 2023", "Cả năm 2022"]  # good only on a row of that year
UNITS_GOOD = {
    2023: [*CODES, "td", " CCB ", "Tỉnh Đoàn", "Hội Nông dân tỉnh"],
    2022: [*MEMBERS_2022, "td", " CCB ", "Tỉnh Đoàn", "Hội Nông dân tỉnh"],
}
UNIT_OF: dict[object, object] = {
    "td": "TD",
    "Tỉnh Đoàn": "TD",
    " CCB ": "CCB",
    "Hội Nông dân tỉnh": "HND",
}
UNITS_BAD: list[object] = ["XYZ", "Hội Nông dân huyện", None, "CTD"]  # CTD: not a member in 2022
NOTES: list[object] = [None, None, None, "đủ hồ sơ", "  đủ   hồ   sơ ", "Đủ\nhồ sơ", " ", "\t"]
NOTES += [12, 12.5, "x", NA]  # NA: an Excel error cell (#N/A), no note
VETO_CELLS: list[object] = ["x", "X", "có", "không", 0, 1, 5, None]
AWKWARD_SCORES: list[object] = [
    "-2",  # negative: refused, except on a deduction criterion (taken as 2)
    -3,
    "-6",
    "95%",
    "1.250",  # a thousands separator
    "abc",
    "x",  # a mark: only a veto criterion takes one
    "có",
    9.125,  # three decimals
    "9,125",
    "=E2*2",  # a formula Excel never calculated
    NA,  # an error cell
]
HEADERS = {
    "year": ["Năm", "Năm đánh giá"],
    "period": ["Kỳ", "Kỳ đánh giá"],
    "unit": ["Mã đơn vị", "Mã ĐV", "Tên đơn vị"],
    "criterion": ["Mã tiêu chí", "Mã TC"],
    "self": ["Tự chấm", "Điểm tự chấm"],
    "agreed": ["Thống nhất", "Điểm thống nhất"],
    "peer": ["Chấm chéo", "Điểm chấm chéo"],
    "scorer": ["Đơn vị chấm"],
    "note": ["Ghi chú"],
    "extra": ["Người nhập"],  # not a score column: ignored, with a note
}
TITLES: list[list[str]] = [
    [],
    [],
    ["CỤM THI ĐUA SỐ 7"],
    ["BẢNG CHẤM ĐIỂM THI ĐUA NĂM 2023"],
    ["BẢNG CHẤM ĐIỂM 6 THÁNG ĐẦU NĂM 2023"],
]


def chance(draw: st.DrawFn, one_in: int) -> bool:
    return draw(st.integers(1, one_in)) == 1


@st.composite
def score_cells(draw: st.DrawFn, criterion: str, maximum: int | None, awkward: bool) -> object:
    if awkward:
        top = maximum if maximum is not None else 20
        return draw(st.sampled_from([top + 1, top + 0.25, *AWKWARD_SCORES]))  # or over the max
    if criterion == "8":
        return draw(st.sampled_from(VETO_CELLS))
    if chance(draw, 4):
        return draw(st.sampled_from([None, None, "-", " "]))  # no score
    value = draw(st.integers(0, (maximum if maximum is not None else 20) * 4)) / 4
    number: object = int(value) if value.is_integer() else value
    if draw(st.booleans()):
        return number
    return f" {number} " if draw(st.booleans()) else str(number).replace(".", ",")  # 9,5


@st.composite
def score_rows(
    draw: st.DrawFn, awkward_one_in: int, allow_group: bool, periods_bad: list[object]
) -> dict:
    """A row; an awkward one has one or two of its cells drawn from the awkward values."""
    bad: set[str] = set()
    if awkward_one_in and chance(draw, awkward_one_in):
        fields = ["year", "period", "unit", "criterion", "self", "agreed"]
        bad = draw(st.sets(st.sampled_from(fields), min_size=1, max_size=2))
    year = draw(st.sampled_from(YEARS_BAD if "year" in bad else YEARS_GOOD))
    table = 2022 if year in (2022, "2022") else 2023
    codes = LEAVES[table]
    if "criterion" in bad:
        codes = UNKNOWN_CODES + (GROUPS[table] if allow_group else [])
    raw_code = draw(st.sampled_from(codes))
    code = CODE_OF.get(raw_code, str(raw_code))
    maximum = MAXIMA[table].get(code)
    period = draw(st.sampled_from(periods_bad if "period" in bad else PERIODS_GOOD))
    unit = draw(st.sampled_from(UNITS_BAD if "unit" in bad else UNITS_GOOD[table]))
    return {
        "year": year,
        "period": period,
        "unit": unit,
        "criterion": raw_code,
        "self": draw(score_cells(code, maximum, "self" in bad)),
        "agreed": draw(score_cells(code, maximum, "agreed" in bad)),
        "note": draw(st.sampled_from(NOTES)),
        # the template has a peer column that is mostly left empty; a peer score needs its
        # scorer (and goes the general way)
        "peer": draw(st.sampled_from([None] * 6 + ["", 5, "2,5"])),
        "scorer": draw(st.sampled_from([None] * 4 + ["HPN", "TD", "Hội X"])),
        "_code": code,
        "_max": maximum,
        # unique, this keeps a clean sheet free of duplicates (whatever the period)
        "_key": (table, UNIT_OF.get(unit, unit), code),
    }


@dataclass
class SheetSpec:
    fields: list[str]  # field of each column, in column order
    headers: list[str]
    rows: list[dict | None]
    titles: list[str]
    offset: bool  # the table starts in column B
    numbering: bool | str = False  # a row (1) (2) … or 1 2 … under the header

    def cells(self, row: dict) -> list[object]:
        cells = [row.get(f) for f in self.fields]
        if row.get("_total"):
            cells[0] = "Tổng cộng"  # a total row: the label in the first column
        return cells

    def table(self, name: str) -> Table:
        lead: list[None] = [None] if self.offset and not self.titles else []
        rows = [None if row is None else [*lead, *self.cells(row)] for row in self.rows]
        header = [*lead, *self.headers]
        return Table(name, header, rows, titles=self.titles, numbering=self.numbering)

    def show(self) -> str:
        lines = [f"titles={self.titles} offset={self.offset} numbering={self.numbering}"]
        lines.append(" | ".join(self.headers))
        lines += ["<blank>" if row is None else repr(self.cells(row)) for row in self.rows]
        return "\n".join(lines)


@st.composite
def columns(
    draw: st.DrawFn, need_key: bool = False, need_year: bool = False
) -> tuple[list[str], list[str]]:
    fields = ["unit", "criterion"]
    if need_key or need_year or draw(st.sampled_from([True] * 4 + [False])):
        fields.insert(0, "year")
    if need_key or draw(st.sampled_from([True] * 3 + [False])):
        fields.insert(1, "period")
    fields += list(draw(st.sampled_from([("self", "agreed")] * 2 + [("self",), ("agreed",)])))
    if draw(st.sampled_from([True] * 3 + [False])):
        fields.append("note")
    if draw(st.sampled_from([False] * 2 + [True])):
        fields += ["peer", "scorer"]
    if draw(st.sampled_from([False] * 4 + [True])):
        fields.insert(draw(st.integers(0, len(fields))), "extra")
    if draw(st.sampled_from([False] * 2 + [True])):
        fields = list(draw(st.permutations(fields)))
    headers = [draw(st.sampled_from(HEADERS[f])) for f in fields]
    return fields, headers


def with_awkward_rows(
    draw: st.DrawFn, rows: list[dict | None], duplicates: bool = True
) -> list[dict | None]:
    """Add duplicates of earlier keys (the same unit, criterion and period again, sometimes
    spelt otherwise), a total row and blank rows, each at a drawn place."""
    rows = list(rows)
    keyed = [r for r in rows if r is not None]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3])) if duplicates else 0):
        if not keyed:
            break
        source = draw(st.sampled_from(keyed))
        copy = dict(source)
        copy["self"] = draw(score_cells(source["_code"], source["_max"], False))
        copy["agreed"] = draw(score_cells(source["_code"], source["_max"], False))
        if source["unit"] == "TD":
            copy["unit"] = draw(st.sampled_from(["TD", "td", "Tỉnh Đoàn"]))
        rows.insert(draw(st.integers(0, len(rows))), copy)
    if draw(st.sampled_from([False] * 3 + [True])):
        total = {"_total": True, "self": 95, "agreed": "90,5"}
        rows.insert(draw(st.integers(0, len(rows))), total)
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        rows.insert(draw(st.integers(0, len(rows))), None)
    return rows


class Case:
    """Score sheets in one .xlsx workbook, or each in its own .csv file (text cells only,
    trailing blank cells sometimes cut, so that rows come shorter than the header)."""

    def __init__(self, sheets: list[SheetSpec], options: dict[str, Any], csv: str | None):
        self.sheets = sheets
        self.options = options
        self.csv = csv  # None: xlsx; "full" or "trimmed" rows
        self.tidy = False  # drawn to import without an error

    def write(self, folder: Path) -> list[Path]:
        names = ["Chấm điểm", "Chấm điểm 2"]
        tables = [s.table(n) for s, n in zip(self.sheets, names, strict=False)]
        if self.csv is None:
            return [write(folder / "cham-diem.xlsx", *tables)]
        return [self._write_csv(folder / f"cham-diem-{i}.csv", t) for i, t in enumerate(tables)]

    def _write_csv(self, path: Path, table: Table) -> Path:
        width = len(table.header)
        lines: list[Sequence[object]] = [[t] for t in table.titles]
        lines += [[]] if table.titles else []
        lines += [table.header, *(row or [None] * width for row in table.rows)]
        with path.open("w", encoding="utf-8", newline="") as handle:
            # quoted cells let the reader's sniffer find the delimiter in rows of any length
            out = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL)
            for line in lines:
                cells = [csv_text(v) for v in line]
                while self.csv == "trimmed" and cells and not cells[-1].strip():
                    cells.pop()
                out.writerow(cells)
        return path

    def __repr__(self) -> str:  # what Hypothesis prints for a failing example
        head = f"Case(options={self.options}, csv={self.csv})\n"
        return head + "\n--\n".join(s.show() for s in self.sheets)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    # a third of the cases should import: good rows only, distinct keys, no option against them
    tidy = chance(draw, 3)
    count = draw(st.sampled_from([1, 1, 1, 2]))
    if tidy:
        rows = draw(
            st.lists(score_rows(0, False, PERIODS_BAD), min_size=1, max_size=20, unique_by=row_key)
        )
        cut = draw(st.integers(0, len(rows))) if count == 2 else len(rows)
        groups = [(rows[:cut], True), (rows[cut:], True)][:count]
    else:
        groups = []
        for _ in range(count):
            clean = chance(draw, 3)
            awkward_one_in = 0 if clean else draw(st.sampled_from([2, 4, 8]))
            allow_group = not clean and chance(draw, 5)
            sheet_rows = st.lists(
                score_rows(awkward_one_in, allow_group, PERIODS_BAD),
                min_size=1,
                max_size=14,
                unique_by=row_key if clean else None,
            )
            groups.append((draw(sheet_rows), clean))
    sheets = []
    for rows, clean in groups:
        fields, headers = draw(columns(need_year=tidy))
        sheets.append(
            SheetSpec(
                fields,
                headers,
                with_awkward_rows(draw, rows, duplicates=not clean),
                draw(st.sampled_from(TITLES)),
                draw(st.booleans()),
                draw(st.sampled_from([False, False, False, True, "plain"])),
            )
        )
    options = {
        "year": None if tidy else draw(st.sampled_from([None, None, None, 2023, 2022])),
        "half": not tidy and chance(draw, 4),
    }
    case = Case(sheets, options, draw(st.sampled_from([None] * 4 + ["full", "trimmed"])))
    case.tidy = tidy
    return case


def csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, ErrorCell):
        return value.code
    return str(value).replace("\n", " ")


def row_key(row: dict) -> tuple:
    return row["_key"]


# ---------------------------------------------------------------- properties


@SETTINGS
@given(case=cases())
def test_fast_path_matches_the_general_path(_seeded_template: Path, case: Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = case.write(Path(tmp))
        fast, general = both(_seeded_template, paths, **case.options)
    assert_same(fast, general)
    # the generated sheets are read as long score sheets, not skipped as something else
    assert [s[2] for s in general["sheets"]] == ["scores"] * len(case.sheets)
    result = "written" if general["score"] else "refused" if general["errors"] else "empty"
    event(f"{'tidy' if case.tidy else 'mixed'}: {result}")


@st.composite
def base_rows(draw: st.DrawFn) -> dict:
    """A good row for the scores already in the database."""
    year = draw(st.sampled_from([2023, 2023, 2022]))
    units = CODES if year == 2023 else MEMBERS_2022
    code = draw(st.sampled_from([*MAXIMA[year], *(["8"] if year == 2023 else [])]))
    top = MAXIMA[year].get(code, 1)  # 8: a veto, scored x or 0 / 1
    agreed = draw(st.integers(0, top * 2)) / 2
    if code == "8":
        agreed = draw(st.sampled_from(["x", "không", 0]))
    return {
        "year": year,
        "period": draw(st.sampled_from(["Cả năm", "Cả năm", "6 tháng"])),
        "unit": draw(st.sampled_from(units)),
        "criterion": code,
        "self": draw(st.one_of(st.none(), st.integers(0, top))),
        "agreed": agreed,
        "note": draw(st.sampled_from([None, "đủ hồ sơ", "thiếu"])),
        "_code": code,
        "_max": top,
    }


def base_key(row: dict) -> tuple:
    return (row["year"], row["period"], row["unit"], row["criterion"])


@st.composite
def reimports(draw: st.DrawFn) -> tuple[list[dict], SheetSpec]:
    """Scores in the database, and a second sheet over them: rows the same, with a score or a
    note changed, a layer left blank, or left out; new and awkward rows in between."""
    base = draw(st.lists(base_rows(), min_size=1, max_size=12, unique_by=base_key))
    rows: list[dict | None] = []
    for old in base:
        action = draw(st.sampled_from(["same", "same", "score", "note", "blank", "drop"]))
        new = dict(old)
        if action == "drop":
            continue
        if action == "score":
            new["agreed"] = draw(st.integers(0, old["_max"] * 2)) / 2
            new["self"] = draw(score_cells(old["_code"], old["_max"], False))
        elif action == "note":
            new["note"] = draw(st.sampled_from([None, "đã sửa", "  đủ   hồ sơ "]))
        elif action == "blank":
            new[draw(st.sampled_from(["self", "agreed"]))] = None
        rows.append(new)
    extra = draw(st.lists(score_rows(3, False, PERIODS_BAD), max_size=6))
    rows = list(draw(st.permutations([*rows, *extra])))
    fields, headers = draw(columns(need_key=True))
    return base, SheetSpec(fields, headers, with_awkward_rows(draw, rows), [], False)


@SETTINGS
@given(case=reimports())
def test_reimport_over_existing_scores_matches(
    _seeded_template: Path, case: tuple[list[dict], SheetSpec]
) -> None:
    base, second = case
    fields = ["year", "period", "unit", "criterion", "self", "agreed", "note"]
    with tempfile.TemporaryDirectory() as tmp:
        first = SheetSpec(fields, LONG, list(base), [], False)
        template = SLOTS.load("base", _seeded_template)
        import_general(template, write(Path(tmp) / "lan-1.xlsx", first.table("Chấm điểm")))
        path = write(Path(tmp) / "lan-2.xlsx", second.table("Chấm điểm"))
        fast, general = both(template, [path])
    assert_same(fast, general)
    if not general["errors"]:
        _, _, _, _, rows, new, updated, unchanged = general["sheets"][0]
        event(f"written: updated={bool(updated)} unchanged={bool(unchanged)}")


# ---------------------------------------------------------------- the fast path is taken

GOOD_ROWS = [
    [2023, "Cả năm", unit, code, 1 + i % 4, f"{i % 5},5", "đủ hồ sơ" if i % 3 else None]
    for i, (unit, code) in enumerate((u, c) for u in CODES for c in ("1.1", "1.2", "2", "3", "4"))
]


def test_clean_sheet_takes_the_fast_path(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "sach.xlsx", long_sheet(GOOD_ROWS))
    handed = spy_rows(monkeypatch)
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)
    assert len(fast["score"]) == 2 * len(GOOD_ROWS)
    # the general run handed every row to the parser, the fast run none
    assert handed == list(range(2, 2 + len(GOOD_ROWS)))


def test_template_sheet_with_an_empty_peer_column_takes_the_fast_path(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`thidua template`'s long sheet has Chấm chéo and Đơn vị chấm; left empty they must not
    send rows the general way, and a row with a peer score goes there alone."""
    header = ["Năm", "Kỳ", "Mã đơn vị", "Mã tiêu chí", "Tự chấm", "Chấm chéo", "Đơn vị chấm"]
    header += ["Thống nhất", "Ghi chú"]
    rows: list[Sequence[object] | None] = [[*r[:5], None, None, *r[5:]] for r in GOOD_ROWS]
    rows[4] = [*GOOD_ROWS[4][:5], 3, "HPN", *GOOD_ROWS[4][5:]]  # Excel row 6: a peer score
    path = write(tmp_path / "mau.xlsx", Table("Chấm điểm", header, rows))
    handed = spy_rows(monkeypatch)
    fast = outcome(SLOTS.load("fast", _seeded_template), [path], fast=True)
    assert handed == [6]
    assert fast["errors"] == []
    assert len(fast["score"]) == 2 * len(GOOD_ROWS) + 1
    handed.clear()
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)


def test_only_awkward_rows_go_to_the_general_parser(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[Sequence[object] | None] = list(GOOD_ROWS[:12])
    rows.insert(3, None)  # Excel row 5
    rows.insert(7, [2023, "Cả năm", "XYZ", "2", 20, None, None])  # row 9
    rows.insert(10, [2023, "Cả năm", "HND", "1.1", 25, None, None])  # row 12, above max
    rows.insert(11, [2023, "Cả năm", "HND", "7", "-2", None, None])  # row 13, deduction
    path = write(tmp_path / "lan.xlsx", long_sheet(rows))
    handed = spy_rows(monkeypatch)
    fast = outcome(SLOTS.load("fast", _seeded_template), [path], fast=True)
    assert handed == [5, 9, 12, 13]
    assert [(e[2], e[3]) for e in fast["errors"]] == [(9, "C"), (12, "E")]
    handed.clear()
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)


def test_same_sheet_twice_is_unchanged_the_second_time(
    _seeded_template: Path, tmp_path: Path
) -> None:
    path = write(tmp_path / "sach.xlsx", long_sheet(GOOD_ROWS))
    fast, general = both(_seeded_template, [path], prepare=lambda db: import_general(db, path))
    assert_same(fast, general)
    assert fast["sheets"] == [
        ("sach.xlsx", "Chấm điểm", "scores", "bảng chấm điểm (dạng dọc)", 40, 0, 0, 80)
    ]


def test_reimport_counts_new_updated_unchanged(_seeded_template: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "lan-1.xlsx", long_sheet(GOOD_ROWS[:6]))
    rows = [list(r) for r in GOOD_ROWS[:7]]
    rows[1][4] = 4  # self score changed (was 2)
    rows[2][6] = "sửa ghi chú"  # note changed
    rows[3][5] = None  # agreed left blank: the stored one stays
    rows[4][5] = "0,5"  # agreed changed (was 4,5)
    second = write(tmp_path / "lan-2.xlsx", long_sheet(rows))
    fast, general = both(_seeded_template, [second], prepare=lambda db: import_general(db, first))
    assert_same(fast, general)
    # row 8 is new (2 scores); updated: row 3 self, row 4 both layers (the note is on each),
    # row 6 agreed; unchanged: rows 2 and 7, the other layer of rows 3 and 6, row 5 self
    assert fast["sheets"][0][4:] == (7, 2, 4, 7)


# ---------------------------------------------------------------- duplicates (_Retry)


def test_duplicate_row_names_both_rows_and_writes_nothing(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [list(r) for r in GOOD_ROWS[:6]]
    rows.append([2023, "Cả năm", "mttq", "1.2", 7, None, None])  # row 8: the key of row 3
    path = write(tmp_path / "trung.xlsx", long_sheet(rows))
    attempts = spy_attempts(monkeypatch)
    before = sha256(seeded)
    result = run(seeded, "import", path)
    assert result.exit_code == 1, result.output
    assert sha256(seeded) == before
    assert "Không ghi gì vào cơ sở dữ liệu." in result.stderr
    lines = error_lines(result)
    assert [(e.row, e.column, e.value) for e in lines] == [("8", "E", "7")]
    assert lines[0].message == (
        "Điểm tự chấm của MTTQ, tiêu chí 1.2, năm 2023 (cả năm) có hai lần: ở đây và ở "
        "trung.xlsx › Chấm điểm dòng 3."
    )
    assert attempts == [True, False]  # the insert met the key twice, the import started over
    attempts.clear()
    fast, general = both(seeded, [path])
    assert_same(fast, general)
    assert attempts == [True, False, False]


def test_duplicate_of_an_existing_score_starts_over(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(tmp_path / "lan-1.xlsx", long_sheet(GOOD_ROWS[:4]))
    rows = [list(r) for r in GOOD_ROWS[:4]]
    rows.append([2023, "FY", "Mặt trận Tổ quốc tỉnh", "2", "9,5", None, None])  # row 4's key
    second = write(tmp_path / "lan-2.xlsx", long_sheet(rows))
    attempts = spy_attempts(monkeypatch)
    fast, general = both(_seeded_template, [second], prepare=lambda db: import_general(db, first))
    # prepare, fast and its new start, prepare, general
    assert attempts == [False, True, False, False, False]
    assert_same(fast, general)
    assert [e[2] for e in fast["errors"]] == [6]
    assert "lan-2.xlsx › Chấm điểm dòng 4" in fast["errors"][0][5]
    assert len(fast["score"]) == 8  # what the first import wrote, untouched


def test_same_key_in_two_files(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = write(tmp_path / "a.xlsx", long_sheet(GOOD_ROWS[:3]))
    repeated = [*GOOD_ROWS[1][:5], None, None]  # the self score of a.xlsx row 3
    b = write(tmp_path / "b.xlsx", long_sheet([GOOD_ROWS[5], repeated]))
    attempts = spy_attempts(monkeypatch)
    fast, general = both(_seeded_template, [a, b])
    assert attempts == [True, False, False]
    assert_same(fast, general)
    assert [(e[0], e[2]) for e in fast["errors"]] == [("b.xlsx", 3)]
    assert "a.xlsx › Chấm điểm dòng 3" in fast["errors"][0][5]


@pytest.mark.parametrize("where", ["same sheet", "other file"])
def test_duplicate_and_another_error_are_both_reported(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    rows: list[Sequence[object] | None] = list(GOOD_ROWS[:5])
    rows.append([*GOOD_ROWS[2][:5], None, None])  # row 7 repeats the self score of row 4
    other = [2023, "Cả năm", "HND", "4", "11", None, None]  # above the maximum 10
    paths = [tmp_path / "a.xlsx"]
    if where == "same sheet":
        rows.append(other)  # row 8
    else:
        paths.append(write(tmp_path / "b.xlsx", long_sheet([GOOD_ROWS[9], other])))
    write(paths[0], long_sheet(rows))
    attempts = spy_attempts(monkeypatch)
    before = sha256(seeded)
    result = run(seeded, "import", *paths)
    assert result.exit_code == 1, result.output
    assert sha256(seeded) == before
    assert attempts == [True, False]  # the duplicate is explained by the general path
    messages = [e.message for e in error_lines(result)]
    assert len(messages) == 2, result.stderr
    assert "có hai lần: ở đây và ở a.xlsx › Chấm điểm dòng 4." in messages[0]
    assert messages[1] == "Điểm 11 vượt điểm tối đa 10 của tiêu chí 4."
    fast, general = both(seeded, paths)
    assert_same(fast, general)


# ---------------------------------------------------------------- group rows (SheetFallback)


def test_group_row_falls_back_and_warns_like_the_general_path(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        [2023, "Cả năm", "HND", "2", 25, None, None],
        [2023, "Cả năm", "TD", "1", 38, None, None],  # group: 19 + 18 = 37
        [2023, "Cả năm", "TD", "1.1", 19, None, None],
        [2023, "Cả năm", "TD", "1.2", 18, None, None],
    ]
    path = write(tmp_path / "nhom.xlsx", long_sheet(rows))
    spy = spy_stream(monkeypatch)
    result = run(seeded, "import", path)
    assert result.exit_code == 0, result.output
    assert spy.fallbacks == 1
    assert (
        "Cảnh báo: nhom.xlsx › Chấm điểm: điểm nhóm 1 (tự chấm, TD) là 38, khác tổng các tiêu "
        "chí con 37; chỉ lấy điểm các tiêu chí con." in result.stderr
    )
    fast, general = both(seeded, [path])  # `seeded` holds the import above: all unchanged
    assert_same(fast, general)
    assert len(fast["warnings"]) == 1
    assert fast["sheets"][0][4:] == (4, 0, 0, 3)


def test_group_row_after_bad_and_total_rows_reports_them_once(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        [2023, "Cả năm", "XYZ", "2", 25, None, None],  # an error before the group row
        [None, None, "Tổng cộng", None, 95, None, None],  # a total row before it
        [2023, "Cả năm", "TD", "1.1", 19, None, None],
        [2023, "Cả năm", "TD", "1.2", 18, None, None],
        [2023, "Cả năm", "TD", "I", 50, None, None],  # group I: 19 + 18 + nothing for 2
    ]
    path = write(tmp_path / "nhom.xlsx", long_sheet(rows))
    spy = spy_stream(monkeypatch)
    fast, general = both(_seeded_template, [path])
    assert spy.fallbacks == 1
    assert_same(fast, general)
    assert [(e[2], e[3]) for e in fast["errors"]] == [(2, "C")]
    assert fast["notes"] == ["nhom.xlsx › Chấm điểm: bỏ qua 1 dòng tổng cộng."]
    assert fast["sheets"][0][4] == 4  # data rows, the total row not among them
    assert "điểm nhóm I (tự chấm, TD) là 50, khác tổng các tiêu chí con 37" in fast["warnings"][0]


# ---------------------------------------------------------------- ids not known yet


@pytest.mark.parametrize("start", ["fresh database", "tables re-imported"])
def test_members_criteria_and_scores_in_one_import(
    db: Path,
    _seeded_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start: str,
) -> None:
    template = db if start == "fresh database" else _seeded_template
    files = [
        write(tmp_path / "diem.xlsx", long_sheet(GOOD_ROWS)),  # named first, checked last
        write(tmp_path / "tv.xlsx", members_table()),
        write(tmp_path / "tc.xlsx", criteria_table(2023)),
    ]
    spy = spy_stream(monkeypatch)
    handed = spy_rows(monkeypatch)
    fast, general = both(template, files)
    assert_same(fast, general)
    assert fast["errors"] == []
    assert len(fast["score"]) == 2 * len(GOOD_ROWS)
    assert len(spy.sheets) == 1 and spy.sheets[0].needs_ids
    assert len(spy.sheets[0].rows) == 2 * len(GOOD_ROWS)
    assert handed == list(range(2, 2 + len(GOOD_ROWS)))  # all of them from the general run
    assert query(template, "SELECT COUNT(*) FROM score") == [(0,)]  # it ran on copies


# ---------------------------------------------------------------- boolean cells


def bool_workbook(path: Path, rows: list[list[object]]) -> Path:
    """Cells written by openpyxl as they come: True and False become Excel booleans."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chấm điểm"
    sheet.append(LONG)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_boolean_score_cell_is_read_like_the_general_path(
    _seeded_template: Path, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        [2023, "Cả năm", "TD", "1.1", 1, 1, None],  # 1 is known (and good) before TRUE comes
        [2023, "Cả năm", "TD", "1.2", True, 5, None],
        [2023, "Cả năm", "HND", "1.1", False, 1, None],
        [2023, "Cả năm", "HND", "1.2", 1, True, None],
        [2023, "Cả năm", "HND", "2", True, True, None],
        [2023, "Cả năm", "HPN", "2", 1, 0, None],
    ]
    path = bool_workbook(tmp_path / "bool.xlsx", rows)
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)
    # TRUE / FALSE are errors (SPEC §3.2), never 1 point or 0, nor silently no score
    assert [(e[2], e[3], e[4]) for e in fast["errors"]] == [
        (3, "E", "TRUE"),
        (4, "E", "FALSE"),
        (5, "F", "TRUE"),
        (6, "E", "TRUE"),
        (6, "F", "TRUE"),
    ]
    assert fast["score"] == []


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [
                [2023, "Cả năm", "TD", "1.1", 5, None, 1],
                [2023, "Cả năm", "TD", "1.2", 6, None, True],
            ],
            id="note 1, then note TRUE",
        ),
        pytest.param(
            [
                [2022, "Cả năm", "TD", 1, 5, None, None],
                [2022, "Cả năm", "HND", True, 6, None, None],
            ],
            id="criterion 1, then TRUE",
        ),
        pytest.param(
            [
                [2023, "Cả năm", "TD", "2", 5, None, None],
                [True, "Cả năm", "HND", "2", 6, None, None],
            ],
            id="year TRUE",
        ),
        pytest.param(
            [[2023, "Cả năm", "TD", "2", 5, None, None], [2023, True, "HND", "2", 6, None, None]],
            id="period TRUE",
        ),
        pytest.param(
            [
                [2023, "Cả năm", "TD", "2", 5, None, None],
                [2023, "Cả năm", True, "2", 6, None, None],
            ],
            id="unit TRUE",
        ),
    ],
)
def test_boolean_cell_elsewhere_is_read_like_the_general_path(
    _seeded_template: Path, tmp_path: Path, rows: list[list[object]]
) -> None:
    """TRUE == 1 in Python: no cache keyed by cell values may mix the two."""
    path = bool_workbook(tmp_path / "bool.xlsx", rows)
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)


def test_error_and_formula_cells_are_read_like_the_general_path(
    _seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells Excel marked (#N/A, a formula never calculated) read as blank by the reader: the
    fast path must not take them at face value."""
    rows: list[Sequence[object] | None] = [
        [2023, "Cả năm", "TD", "1.1", 5, None, None],
        [2023, "Cả năm", "TD", "1.2", 6, None, NA],  # row 3: no note, the score is good
        [2023, "Cả năm", "HND", "1.1", "=E2+1", 4, None],  # row 4: no value for the formula
        [2023, "Cả năm", "HND", "1.2", NA, 4, None],  # row 5: an error where a score goes
        [2023, NA, "HPN", "2", 9, None, None],  # row 6: no period
        [2023, "Cả năm", "HPN", "3", 9, None, None],
    ]
    path = write(tmp_path / "loi.xlsx", long_sheet(rows))
    handed = spy_rows(monkeypatch)
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)
    assert [(e[2], e[3]) for e in fast["errors"]] == [(4, "E"), (5, "E")]
    # the fast run handed over just the marked rows; the general run all of them
    assert handed == [3, 4, 5, 6, *range(2, 8)]
    del rows[2:4]
    path = write(tmp_path / "loi-2.xlsx", long_sheet(rows))
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)
    assert fast["errors"] == [] and len(fast["score"]) == 4


# ---------------------------------------------------------------- differences found
# Each of these differed between the paths when these tests were written (8485993, 9a09ce4);
# all are fixed since (8d443ed) and stay as regression tests.


def test_duplicate_over_existing_score_with_a_row_of_the_general_check(
    _seeded_template: Path, tmp_path: Path
) -> None:
    """A key repeated by a row of the fast path and a row the general check accepted (here a
    deduction written negative) is a duplicate also when the key is already stored. It used
    to give no error on the fast path, and store the second value."""
    first = write(tmp_path / "lan-1.xlsx", long_sheet([[2023, "Cả năm", "TD", "7", 2, None, None]]))
    rows = [
        [2023, "Cả năm", "TD", "7", 2, None, None],
        [2023, "Cả năm", "TD", "7", "-3", None, None],  # deduction written negative: 3
    ]
    second = write(tmp_path / "lan-2.xlsx", long_sheet(rows))
    fast, general = both(_seeded_template, [second], prepare=lambda db: import_general(db, first))
    assert_same(fast, general)
    assert [(e[2], e[3]) for e in fast["errors"]] == [(3, "E")]
    assert [r[7] for r in fast["score"]] == [200]


def test_superscript_digits_in_year(_seeded_template: Path, tmp_path: Path) -> None:
    """'2023²' passes str.isdigit but not int(): it used to crash the fast path (ValueError)."""
    rows = [
        ["2023²", "Cả năm", "TD", "2", 20, None, None],
        ["٢٠٢٣", "Cả năm", "TD", "3", 9, None, None],
    ]
    path = write(tmp_path / "nam.xlsx", long_sheet(rows))
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)
    assert [(e[2], e[5]) for e in fast["errors"]] == [(2, "Giá trị không phải là số.")]


def test_locked_year_with_blank_scores(_seeded_template: Path, tmp_path: Path) -> None:
    """A year whose rows hold no score is not imported into: a finalized year does not refuse
    the file. The fast path used to count it and refuse."""

    def lock_2022(db: Path) -> None:
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute(
                "INSERT INTO year_lock (cluster_id, year, finalized_at) "
                "VALUES (1, 2022, '2024-01-15 00:00:00')"
            )

    rows = [
        [2022, "Cả năm", "TD", "1", None, None, "chưa chấm"],  # no score: nothing for 2022
        [2023, "Cả năm", "TD", "1.1", 5, None, None],
    ]
    path = write(tmp_path / "khoa.xlsx", long_sheet(rows))
    fast, general = both(_seeded_template, [path], prepare=lock_2022)
    assert_same(fast, general)
    assert fast["errors"] == [] and len(fast["score"]) == 1
    rows.append([2022, "Cả năm", "HND", "2", 5, None, None])  # a 2022 score: refused
    path = write(tmp_path / "khoa-2.xlsx", long_sheet(rows))
    fast, general = both(_seeded_template, [path], prepare=lock_2022)
    assert_same(fast, general)
    assert [e[5][:22] for e in fast["errors"]] == ["Năm 2022 đã chốt kết q"]


def test_boolean_note_and_number_note(_seeded_template: Path, tmp_path: Path) -> None:
    """A TRUE note and a note 1 used to share one entry of RowReader's text cache (True == 1)
    on the general path, which the fast path does not use: both notes 'True', or both '1'."""
    rows: list[list[object]] = [
        [2023, "Cả năm", "TD", "1.1", 5, None, True],
        [2023, "Cả năm", "TD", "1.2", 6, None, 1],
    ]
    path = bool_workbook(tmp_path / "ghi-chu.xlsx", rows)
    fast, general = both(_seeded_template, [path])
    assert_same(fast, general)
    assert [r[8] for r in fast["score"]] == ["TRUE", "1"]


def test_errors_in_the_same_order(_seeded_template: Path, tmp_path: Path) -> None:
    """Score sheets are set up (titles checked) before, and parsed after, the other sheets are
    checked on the fast path: the errors used to come in another order than on the general
    path. Both list them file by file, sheet by sheet, row by row now."""
    row = [2023, "Cả năm", "TD", "1.1", 5, None, None]
    path = write(
        tmp_path / "thu-tu.xlsx",
        Table("Sheet 1", LONG, [row]),  # row 2: the year against --year
        Table("Sheet 2", LONG, [row], titles=["BẢNG CHẤM ĐIỂM NĂM 2023"]),  # the title too
    )
    fast, general = both(_seeded_template, [path], year=2022)
    assert_same(fast, general)
    assert [(e[1], e[2]) for e in fast["errors"]] == [("Sheet 1", 2), ("Sheet 2", 1)]
    table = write(tmp_path / "tc.xlsx", criteria_table(2024, [*CRITERIA_2023, ("2", "Lặp", 5, "")]))
    scores = write(tmp_path / "diem.xlsx", long_sheet([[2023, "Cả năm", "TD", "1.1", "95%"]]))
    fast, general = both(_seeded_template, [table, scores])  # a check error, a parse error
    assert_same(fast, general)
    assert [e[0] for e in fast["errors"]] == ["tc.xlsx", "diem.xlsx"]
