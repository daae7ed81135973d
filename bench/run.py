"""Benchmark thidua against what the machine can do, as medians over fresh processes.

    python bench/run.py                      # N = 10k, 100k, 500k; 3 runs each
    python bench/run.py --sizes 2000 --runs 1 --rank-rows 20000   # a quick check

Measures (SPEC / issue 5):
- the limit: a bare python-calamine pass over a long score sheet plus stdlib sqlite3.executemany
  of the same rows into a fresh file, in one process; then `thidua import` of the same sheet into
  a database already holding the members and criteria; their ratio and peak RSS;
- `thidua --help` against `python -c "import typer"`;
- `thidua rank --year Y --json` on a database holding many score rows, against
  `thidua status --year Y` on the same database;
- `thidua demo` end to end;
- every other sheet kind against its own bare pass over the same rows (bench/kinds.py).
Prints a table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kinds  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PY = sys.executable
THIDUA = [PY, "-m", "thidua_cli"]
UNITS = 100
CRITERIA = 50  # leaves, each max 10 (scale 500 — a warning, not an error)
FIRST_YEAR = 1995


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def medians_of_pairs(runs: int, *commands: tuple[list[str], object]) -> list[tuple[float, int]]:
    """Median wall time and peak RSS of each command over `runs` fresh processes, the runs
    taken in turns (A B A B …) so that a machine that speeds up or slows down during the bench
    shifts both sides of a ratio alike. `before` (or None) runs ahead of each run."""
    times: list[list[float]] = [[] for _ in commands]
    peaks: list[list[int]] = [[] for _ in commands]
    for _ in range(runs):
        for index, (cmd, before) in enumerate(commands):
            if before:
                before()  # type: ignore[operator]
            elapsed, peak = run(cmd)
            times[index].append(elapsed)
            peaks[index].append(peak)
    return [(statistics.median(t), max(p)) for t, p in zip(times, peaks, strict=True)]


def years_for(n: int) -> int:
    return max(1, -(-n // (UNITS * CRITERIA)))


def write_setup(path: Path, years: int) -> None:
    """Members and criteria for every year of the benchmark."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    members = book.create_sheet("Đơn vị")
    members.append(["Mã đơn vị", "Tên đơn vị", "Năm", "Thứ tự luân phiên"])
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        for u in range(UNITS):
            members.append([f"U{u:03d}", f"Đơn vị số {u:03d}", year, u + 1])
    criteria = book.create_sheet("Tiêu chí")
    criteria.append(["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Năm"])
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        criteria.append(["I", "Phần chấm điểm", CRITERIA * 10, year])
        for c in range(CRITERIA):
            criteria.append([f"{c + 1}", f"Tiêu chí {c + 1}", 10, year])
    rules = book.create_sheet("Quy chế")
    rules.append(["Khóa", "Giá trị", "Từ năm"])
    rules.append(["scale", str(CRITERIA * 10), FIRST_YEAR])
    book.save(path)


def write_scores(path: Path, n: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Chấm điểm")
    sheet.append(["Năm", "Kỳ", "Mã đơn vị", "Mã tiêu chí", "Tự chấm", "Ghi chú"])
    written = 0
    year = FIRST_YEAR
    while written < n:
        for u in range(UNITS):
            for c in range(CRITERIA):
                if written >= n:
                    break
                sheet.append([year, "Cả năm", f"U{u:03d}", f"{c + 1}", (u * 7 + c) % 21 / 2, ""])
                written += 1
        year += 1
    book.save(path)


LIMIT_SCRIPT = r"""
import sqlite3, sys
from python_calamine import CalamineWorkbook
src, dst = sys.argv[1], sys.argv[2]
sheet = CalamineWorkbook.from_path(src).get_sheet_by_index(0)
rows = sheet.iter_rows()
next(rows)
con = sqlite3.connect(dst)
con.execute("CREATE TABLE score (year INT, period TEXT, unit TEXT, criterion TEXT, "
            "points REAL, note TEXT)")
with con:
    con.executemany("INSERT INTO score VALUES (?, ?, ?, ?, ?, ?)", (tuple(r[:6]) for r in rows))
con.close()
"""


def prepare_base_db(db: Path, setup: Path | None) -> None:
    """A database with the bench's cluster, and the members and criteria of `setup` if given."""
    if db.exists():
        db.unlink()
    env = {**os.environ, "THIDUA_DB": str(db)}
    subprocess.run(
        [*THIDUA, "init", "--code", "B1", "--name", "Cụm đo tốc độ"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    if setup is not None:
        subprocess.run(
            [*THIDUA, "import", str(setup)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def bench_import(n: int, runs: int) -> dict[str, float]:
    years = years_for(n)
    setup = OUT / f"setup-{years}.xlsx"
    scores = OUT / f"scores-{n}.xlsx"
    if not setup.exists():
        write_setup(setup, years)
    if not scores.exists():
        write_scores(scores, n)
    base = OUT / f"base-{n}.db"
    prepare_base_db(base, setup)
    work = OUT / f"work-{n}.db"
    limit_db = OUT / f"limit-{n}.db"

    def fresh_limit() -> None:
        limit_db.unlink(missing_ok=True)

    def fresh_work() -> None:
        shutil.copyfile(base, work)

    (limit_t, limit_rss), (import_t, import_rss) = medians_of_pairs(
        runs,
        ([PY, "-c", LIMIT_SCRIPT, str(scores), str(limit_db)], fresh_limit),
        ([*THIDUA, "--db", str(work), "import", str(scores)], fresh_work),
    )
    check = sqlite3.connect(work)
    stored = check.execute("SELECT count(*) FROM score").fetchone()[0]
    check.close()
    if stored != n:
        raise SystemExit(f"import stored {stored} rows, expected {n}")
    return {
        "rows": n,
        "limit_s": limit_t,
        "limit_rss_mb": limit_rss,
        "import_s": import_t,
        "import_rss_mb": import_rss,
        "ratio": import_t / limit_t,
    }


def bench_help(runs: int) -> dict[str, float]:
    (typer_t, _), (help_t, _) = medians_of_pairs(
        runs, ([PY, "-c", "import typer"], None), ([*THIDUA, "--help"], None)
    )
    return {"typer_s": typer_t, "help_s": help_t, "ratio": help_t / typer_t}


def bench_rank(rows: int, runs: int) -> dict[str, float]:
    """A database with `rows` score rows over many years; rank and status of one year."""
    per_year = UNITS * CRITERIA * 2  # self and agreed layers
    years = max(1, rows // per_year)
    setup = OUT / f"setup-{years}.xlsx"
    if not setup.exists():
        write_setup(setup, years)
    db = OUT / f"rank-{rows}.db"
    prepare_base_db(db, setup)
    con = sqlite3.connect(db)
    cluster_id = con.execute("SELECT id FROM cluster").fetchone()[0]
    units = dict(con.execute("SELECT code, id FROM unit"))
    criteria = {(y, c): i for y, c, i in con.execute("SELECT year, code, id FROM criterion")}
    with con:
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            con.executemany(
                "INSERT INTO score (cluster_id, year, period, unit_id, criterion_id, layer, scorer,"
                " points_c, note) VALUES (?, ?, 'FY', ?, ?, ?, '', ?, '')",
                (
                    (
                        cluster_id,
                        year,
                        units[f"U{u:03d}"],
                        criteria[(year, f"{c + 1}")],
                        layer,
                        ((u * 7 + c) % 21) * 50,
                    )
                    for u in range(UNITS)
                    for c in range(CRITERIA)
                    for layer in ("self", "agreed")
                ),
            )
    total = con.execute("SELECT count(*) FROM score").fetchone()[0]
    con.close()
    year = FIRST_YEAR + years // 2
    (rank_t, _), (status_t, _) = medians_of_pairs(
        runs,
        ([*THIDUA, "--db", str(db), "rank", "--year", str(year), "--json"], None),
        ([*THIDUA, "--db", str(db), "status", "--year", str(year)], None),
    )
    return {"score_rows": total, "rank_s": rank_t, "status_s": status_t, "ratio": rank_t / status_t}


def bench_demo(runs: int) -> dict[str, float]:
    target = OUT / "demo"
    ((demo_t, demo_rss),) = medians_of_pairs(runs, ([*THIDUA, "demo", "--dir", str(target)], None))
    return {"demo_s": demo_t, "demo_rss_mb": demo_rss}


def compile_thidua() -> None:
    """Byte-compile the thidua being measured, as `pip install` does for an installed copy. An
    editable install run with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every one of
    its modules again in every process the bench starts (a tenth of a second each)."""
    spec = importlib.util.find_spec("thidua_cli")
    if spec is None or spec.origin is None:
        raise SystemExit("thidua_cli is not installed in this Python: pip install -e .")
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,500000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rank-rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--work", type=Path, default=HERE / "out", help="generated files")
    parser.add_argument(
        "--kinds",
        default=",".join(kinds.DEFAULT_SIZES),
        help="other kinds to measure against their bare pass ('' for none)",
    )
    parser.add_argument(
        "--kind-scale", type=float, default=1.0, help="multiply the other kinds' sizes"
    )
    parser.add_argument("--only-kinds", action="store_true", help="measure the other kinds only")
    args = parser.parse_args()
    global OUT
    OUT = args.work
    OUT.mkdir(parents=True, exist_ok=True)
    compile_thidua()
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    results: dict[str, object] = {"machine": machine}
    imports = []
    sizes = [] if args.only_kinds else [int(s) for s in args.sizes.split(",") if s]
    for n in sizes:
        print(f"import N={n} …", file=sys.stderr)
        imports.append(bench_import(n, args.runs))
    results["import"] = imports
    others = []
    for kind in (k for k in args.kinds.split(",") if k):
        n = max(1, int(kinds.DEFAULT_SIZES[kind] * args.kind_scale))
        print(f"{kind} N={n} …", file=sys.stderr)
        others.append(
            kinds.bench_kind(
                kind,
                n,
                args.runs,
                OUT,
                THIDUA,
                PY,
                medians_of_pairs,
                prepare_base_db,
                write_setup,
            )
        )
    results["kinds"] = others
    if not args.only_kinds:
        print("help …", file=sys.stderr)
        results["help"] = bench_help(max(args.runs, 5))
        print(f"rank on {args.rank_rows} rows …", file=sys.stderr)
        results["rank"] = bench_rank(args.rank_rows, args.runs)
        print("demo …", file=sys.stderr)
        results["demo"] = bench_demo(args.runs)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    print(f"{'measure':<34}{'thidua':>10}{'reference':>12}{'ratio':>8}  target")
    for item in imports:
        print(
            f"{'import ' + str(item['rows']) + ' rows (s)':<34}{item['import_s']:>10.2f}"
            f"{item['limit_s']:>12.2f}{item['ratio']:>8.2f}  "
            f"{'≤ 1.5' if item['rows'] <= 100_000 else '≤ 1.3'}"
        )
        print(
            f"{'  peak RSS (MB)':<34}{item['import_rss_mb']:>10}{item['limit_rss_mb']:>12}"
            f"{'':>8}  {'≤ 400' if item['rows'] >= 500_000 else ''}"
        )
    for item in others:
        print(
            f"{'import ' + str(item['kind']) + ' ' + str(item['size']) + ' (s)':<34}"
            f"{item['import_s']:>10.2f}{item['bare_s']:>12.2f}{item['ratio']:>8.2f}  ≤ 3"
        )
    if args.only_kinds:
        print(f"written to {args.out}")
        return 0
    h = results["help"]
    print(
        f"{'thidua --help vs import typer (s)':<34}{h['help_s']:>10.3f}{h['typer_s']:>12.3f}"
        f"{h['ratio']:>8.2f}  ≤ 2"
    )
    r = results["rank"]
    print(
        f"{'rank --json vs status (s)':<34}{r['rank_s']:>10.3f}{r['status_s']:>12.3f}"
        f"{r['ratio']:>8.2f}  ≤ 1.2   ({r['score_rows']} score rows)"
    )
    d = results["demo"]
    print(f"{'thidua demo (s)':<34}{d['demo_s']:>10.2f}{'':>12}{'':>8}  ≤ 3")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
