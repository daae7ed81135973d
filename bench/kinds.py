"""The other sheet kinds against their own bare pass (issue 11): each kind's workbooks are
generated once, then `thidua import` of them and a bare pass over the same rows (python-calamine
read plus one sqlite3 executemany into a fresh file, one transaction) run in turns.

- commendations: one list of N people (default 50,000);
- setup: a members + criteria workbook of N rows in all (default 20,000), into a fresh database;
- forms: a folder of N self-score forms (default 200), 50 criteria each;
- wide: wide agreed-score sheets of N scores in all (default 120,000), 100 units x 50 criteria
  a sheet.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

UNITS = 100
CRITERIA = 50
FIRST_YEAR = 1995

DEFAULT_SIZES = {"commendations": 50_000, "setup": 20_000, "forms": 200, "wide": 120_000}

# Reads every sheet of every file given, finds its header row (the first row holding `marker`),
# and inserts the rows under it: as they are ("rows"), or one row per score cell of the unit
# columns ("wide", units from the column `first` on).
BARE_SCRIPT = r"""
import sqlite3, sys
from pathlib import Path
from python_calamine import CalamineWorkbook
mode, marker, first, dst, *paths = sys.argv[1:]
first = int(first)
files = [f for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
WIDTH = 12
def rows():
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            source = book.get_sheet_by_name(name).iter_rows()
            header = None
            for row in source:
                if marker in row:
                    header = row
                    break
            if header is None:
                continue
            for row in source:
                if mode == "wide":
                    for col in range(first, len(row)):
                        if row[col] != "":
                            yield (row[0], header[col], row[col]) + (None,) * (WIDTH - 3)
                else:
                    yield tuple(row[:WIDTH]) + (None,) * (WIDTH - len(row[:WIDTH]))
con = sqlite3.connect(dst)
con.execute("CREATE TABLE t (" + ", ".join(f"c{i}" for i in range(WIDTH)) + ")")
with con:
    con.executemany("INSERT INTO t VALUES (" + ", ".join("?" * WIDTH) + ")", rows())
con.close()
"""


def _book() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def write_commendations(path: Path, n: int) -> None:
    book = _book()
    sheet = book.create_sheet("Khen thưởng")
    sheet.append(["DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ KHEN THƯỞNG"])
    sheet.append(
        ["STT", "Họ và tên", "Giới tính", "Dân tộc", "Chức vụ", "Đơn vị"]
        + ["Hình thức khen thưởng", "Năm"]
    )
    positions = ["Chủ tịch", "Chuyên viên", "Phó trưởng phòng", "Cán bộ", "Kế toán"]
    awards = ["Giấy khen", "Bằng khen của Chủ tịch UBND tỉnh", "Chiến sĩ thi đua cơ sở"]
    for i in range(n):
        sheet.append(
            [
                i + 1,
                f"Nguyễn Văn Người {i:06d}",
                "Nữ" if i % 2 else "Nam",
                "Tày" if i % 7 == 0 else "Kinh",
                positions[i % len(positions)],
                f"U{i % UNITS:03d}",
                awards[i % len(awards)],
                FIRST_YEAR,
            ]
        )
    book.save(path)


def write_setup_rows(path: Path, n: int) -> None:
    """Half members (100 units a year), half criteria (a section and 99 leaves a year)."""
    years = max(1, n // 2 // UNITS)
    book = _book()
    members = book.create_sheet("Đơn vị")
    members.append(["Mã đơn vị", "Tên đơn vị", "Năm", "Thứ tự luân phiên"])
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        for u in range(UNITS):
            members.append([f"U{u:03d}", f"Đơn vị số {u:03d}", year, u + 1])
    criteria = book.create_sheet("Tiêu chí")
    criteria.append(["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Năm"])
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        criteria.append(["I", "Phần chấm điểm", 100, year])
        for c in range(UNITS - 1):
            criteria.append([f"{c + 1}", f"Tiêu chí {c + 1}", 2 if c == 0 else 1, year])
    book.save(path)


def write_forms(folder: Path, n: int) -> int:
    """`n` forms, one per unit and year; returns how many years they cover."""
    folder.mkdir(parents=True, exist_ok=True)
    years = max(1, -(-n // UNITS))
    made = 0
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        for u in range(UNITS):
            if made >= n:
                return years
            book = _book()
            sheet = book.create_sheet("Bảng tự chấm")
            sheet.append(["BẢNG TỰ CHẤM ĐIỂM THI ĐUA"])
            sheet.append([f"NĂM {year}"])
            sheet.append([f"Đơn vị: Đơn vị số {u:03d}"])
            sheet.append(["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Điểm tự chấm", "Ghi chú"])
            sheet.append(["I", "Phần chấm điểm", CRITERIA * 10, None, None])
            for c in range(CRITERIA):
                sheet.append([f"{c + 1}", f"Tiêu chí {c + 1}", 10, (u * 7 + c) % 21 / 2, None])
            book.save(folder / f"tu-cham-{year}-{u:03d}.xlsx")
            made += 1
    return years


def write_wide(path: Path, n: int) -> int:
    """Sheets of 100 units x 50 criteria, one year each; returns how many years."""
    years = max(1, -(-n // (UNITS * CRITERIA)))
    book = _book()
    written = 0
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        sheet = book.create_sheet(f"Tổng hợp {year}")
        sheet.append(["CỤM THI ĐUA SỐ 7"])
        sheet.append([f"BẢNG TỔNG HỢP ĐIỂM THỐNG NHẤT NĂM {year}"])
        sheet.append(
            ["Mã tiêu chí", "Nội dung", "Điểm tối đa", *(f"U{u:03d}" for u in range(UNITS))]
        )
        sheet.append(["I", "Phần chấm điểm", CRITERIA * 10, *([None] * UNITS)])
        for c in range(CRITERIA):
            cells: list[object] = []
            for u in range(UNITS):
                cells.append((u * 7 + c) % 21 / 2 if written < n else None)
                written += 1
            sheet.append([f"{c + 1}", f"Tiêu chí {c + 1}", 10, *cells])
    book.save(path)
    return years


def bench_kind(
    kind: str,
    n: int,
    runs: int,
    out: Path,
    thidua: list[str],
    py: str,
    medians_of_pairs: Callable[..., list[tuple[float, int]]],
    prepare_base_db: Callable[[Path, Path | None], None],
    write_setup: Callable[[Path, int], None],
) -> dict[str, object]:
    """One kind: generate, then the bare pass and the import in turns; the import's result is
    checked by counting what it stored."""
    base = out / f"{kind}-{n}-base.db"
    work = out / f"{kind}-{n}-work.db"
    bare_db = out / f"{kind}-{n}-bare.db"
    if kind == "commendations":
        source = out / f"commendations-{n}.xlsx"
        if not source.exists():
            write_commendations(source, n)
        setup_years, marker, mode, first = 1, "Họ và tên", "rows", 0
        table, expected = "commendation", n
    elif kind == "setup":
        source = out / f"setup-rows-{n}.xlsx"
        if not source.exists():
            write_setup_rows(source, n)
        setup_years, marker, mode, first = 0, "Năm", "rows", 0
        table, expected = "membership", max(1, n // 2 // UNITS) * UNITS
    elif kind == "forms":
        source = out / f"forms-{n}"
        years = max(1, -(-n // UNITS))
        if not source.exists():
            write_forms(source, n)
        setup_years, marker, mode, first = years, "Mã tiêu chí", "rows", 0
        table, expected = "score", n * CRITERIA
    elif kind == "wide":
        source = out / f"wide-{n}.xlsx"
        years = max(1, -(-n // (UNITS * CRITERIA)))
        if not source.exists():
            write_wide(source, n)
        setup_years, marker, mode, first = years, "Mã tiêu chí", "wide", 3
        table, expected = "score", n
    else:
        raise SystemExit(f"unknown kind {kind}")
    setup = None
    if setup_years:
        setup = out / f"setup-{setup_years}.xlsx"
        if not setup.exists():
            write_setup(setup, setup_years)
    prepare_base_db(base, setup)

    def fresh_bare() -> None:
        bare_db.unlink(missing_ok=True)

    def fresh_work() -> None:
        shutil.copyfile(base, work)

    (bare_t, bare_rss), (import_t, import_rss) = medians_of_pairs(
        runs,
        ([py, "-c", BARE_SCRIPT, mode, marker, str(first), str(bare_db), str(source)], fresh_bare),
        ([*thidua, "--db", str(work), "import", str(source)], fresh_work),
    )
    check = sqlite3.connect(work)
    stored = check.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    check.close()
    if stored != expected:
        raise SystemExit(f"{kind}: import stored {stored} {table} rows, expected {expected}")
    return {
        "kind": kind,
        "size": n,
        "bare_s": bare_t,
        "bare_rss_mb": bare_rss,
        "import_s": import_t,
        "import_rss_mb": import_rss,
        "ratio": import_t / bare_t,
    }
