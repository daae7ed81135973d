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
    from ..cli.console import out
    from ..cli.views import print_import_report, print_status
    from .clusters import init_database
    from .context import open_engine
    from .importer import ImportOptions, run_import
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
    console.rule("[bold]1. Nhập dữ liệu mẫu")
    console.print(f"$ thidua --db {db} import {samples}")
    engine = open_engine(db)
    report = run_import(engine, [samples], ImportOptions())
    print_import_report(report)
    if report.errors:
        raise ThiduaError("Dữ liệu mẫu có lỗi, không chạy tiếp được.", "Báo cho người phát triển.")
    console.rule("[bold]2. Tình hình năm 2023")
    print_status(build_status(engine, None, 2023))
    for step in _later_steps():
        step(console, engine, db, directory)
    engine.dispose()
    console.rule("[bold]Xong")
    console.print(f"Cơ sở dữ liệu: {db_path}")


def _later_steps() -> list:  # type: ignore[type-arg]
    """Rank, rotation and reports join the demo as their services land."""
    return []
