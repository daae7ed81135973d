"""`thidua demo`: the whole year on the sample data in a fresh database, as a clerk would run it."""

from __future__ import annotations

from pathlib import Path

from ..errors import ThiduaError
from ..resources import sample_data_dir

DEMO_CLUSTER = (
    "C7",
    "Cụm thi đua số 7",
    "Thanh Hóa",
    "Hội đồng Thi đua - Khen thưởng tỉnh Thanh Hóa",
)


def run_demo(directory: Path) -> None:
    from ..cli.console import out, styled
    from ..cli.views import print_import_report, print_status
    from ..imports.pipeline import run_import
    from ..imports.report import ImportOptions
    from .clusters import init_database
    from .context import open_engine
    from .status import build_status

    console = out()
    samples = sample_data_dir()
    if not samples.is_dir():
        raise ThiduaError(f"Không tìm thấy dữ liệu mẫu ở {samples}.", "Cài lại thidua.")
    directory.mkdir(parents=True, exist_ok=True)
    db_path = directory / "thidua-demo.db"
    if db_path.exists():
        db_path.unlink()
    db = str(db_path)
    code, name, province, organiser = DEMO_CLUSTER
    init_database(db, code, name, province, organiser)
    console.rule(styled(("1. Nhập dữ liệu mẫu", "bold")))
    console.print(f"$ thidua --db {db} import {samples}")
    engine = open_engine(db)
    report = run_import(engine, [samples], ImportOptions())
    print_import_report(report)
    if report.errors:
        raise ThiduaError("Dữ liệu mẫu có lỗi, không chạy tiếp được.", "Báo cho người phát triển.")
    console.rule(styled(("2. Tình hình năm 2023", "bold")))
    print_status(build_status(engine, None, 2023))
    _rank_and_rotate(console, engine, db)
    reports = _write_reports(console, engine, db, directory)
    engine.dispose()
    console.rule(styled(("Xong", "bold")))
    console.print(f"Cơ sở dữ liệu: {db_path}")
    for path in reports:
        console.print(f"Báo cáo: {path}")


def _rank_and_rotate(console, engine, db: str) -> None:  # type: ignore[no-untyped-def]
    from ..cli.console import styled
    from ..cli.rank_views import print_rank_table, print_rank_warnings, print_rotation
    from .ranking import rank_and_store
    from .rotation import rotation_overview

    console.rule(styled(("3. Xếp hạng cả năm 2023", "bold")))
    console.print(f"$ thidua --db {db} rank --year 2023")
    outcome = rank_and_store(engine, None, 2023, "FY")
    print_rank_table(outcome)
    print_rank_warnings(outcome)
    console.rule(styled(("4. Luân phiên trưởng cụm năm 2024", "bold")))
    console.print(f"$ thidua --db {db} rotation")
    print_rotation(rotation_overview(engine, None, 2024))
    console.rule(styled(("5. Tạm xếp hạng 6 tháng đầu năm 2024", "bold")))
    console.print(f"$ thidua --db {db} rank --year 2024 --half 1")
    half = rank_and_store(engine, None, 2024, "H1")
    print_rank_table(half)


def _write_reports(console, engine, db: str, directory: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    from ..cli.console import styled
    from ..reports.service import make_report

    console.rule(styled(("6. Báo cáo sơ kết 6 tháng đầu năm 2024 và tổng kết năm 2023", "bold")))
    written = []
    for half, year in ((True, 2024), (False, 2023)):
        for fmt in ("docx", "html"):
            flag = " --half 1" if half else ""
            console.print(f"$ thidua --db {db} report --year {year}{flag} --format {fmt}")
            report = make_report(
                engine,
                None,
                year=year,
                half=half,
                fmt=fmt,
                out=directory,
                template_dir=None,
                notes=None,
            )
            written.append(report.path)
    return written
