"""Commands for the database and the data going in: init, template, import, status, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app, settings_cluster, settings_db
from .console import err, handle_errors, out


@app.command()
@handle_errors
def init(
    code: Annotated[str | None, typer.Option("--code", help="Mã cụm, ví dụ C7.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Tên cụm, ví dụ “Cụm thi đua số 7”.")
    ] = None,
    province: Annotated[
        str, typer.Option("--province", help="Địa danh dùng trong văn bản, ví dụ Thanh Hóa.")
    ] = "",
    organiser: Annotated[str, typer.Option("--organiser", help="Cơ quan chủ quản.")] = "",
) -> None:
    """Tạo cơ sở dữ liệu (và một cụm thi đua nếu có --code, --name)."""
    from ..services.clusters import init_database

    result = init_database(settings_db(), code, name, province, organiser)
    console = out()
    console.print(f"Cơ sở dữ liệu: {result.url}")
    if result.cluster_code:
        verb = "Đã tạo" if result.created_cluster else "Đã cập nhật"
        console.print(f"{verb} cụm {result.cluster_code}.")
        for note in result.notes:
            console.print(note, markup=False)


@app.command()
@handle_errors
def template(
    out_path: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="Tệp mẫu sẽ ghi ra.")] = Path(
        "mau-thidua.xlsx"
    ),
) -> None:
    """Ghi một tệp Excel mẫu có đủ các loại bảng, tiêu đề cột, danh sách chọn và hướng dẫn."""
    from ..errors import UsageError
    from ..sheets.template import write_template

    if out_path.suffix.lower() != ".xlsx":
        raise UsageError(
            f"Tên tệp “{out_path}” phải có đuôi .xlsx.", "Ví dụ: thidua template mau.xlsx"
        )
    write_template(out_path)
    out().print(f"Đã ghi tệp mẫu: {out_path}")


@app.command("import")
@handle_errors
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="Tệp .xlsx/.xlsm/.xls/.ods/.csv hoặc thư mục."),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Buộc loại bảng: members, criteria, scores, wide_scores, self_form, votes, "
            "leadership, commendations, rules.",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Năm, khi bảng không ghi.")] = None,
    half: Annotated[int | None, typer.Option("--half", help="1: sáu tháng đầu năm.")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Đơn vị của bảng tự chấm, khi bảng không ghi.")
    ] = None,
    layer: Annotated[
        str | None, typer.Option("--layer", help="Lớp điểm của bảng tổng hợp: self, peer, agreed.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ kiểm tra, không ghi.")] = False,
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Ghi danh sách lỗi ra tệp .xlsx.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Nhập cả vào năm đã chốt (được ghi lại).")
    ] = False,
) -> None:
    """Nhập các bảng tính: kiểm tra hết rồi mới ghi, có lỗi thì không ghi gì."""
    from ..errors import UsageError
    from ..imports.pipeline import run_import
    from ..imports.report import ImportOptions
    from ..services.reading import reading_for
    from ..sheets.columns import KIND_ALIASES
    from ..store.rawdb import Db
    from ..text import fold
    from .views import import_progress, print_import_report, write_errors_workbook

    if half not in (None, 1):
        raise UsageError(
            f"--half chỉ nhận giá trị 1 (sáu tháng đầu năm), không nhận {half}.",
            "Bỏ --half để nhập số liệu cả năm.",
        )
    if kind is not None:
        resolved = KIND_ALIASES.get(fold(kind))
        if resolved is None:
            raise UsageError(
                f"Không có loại bảng “{kind}”.",
                "Chọn một trong: members, criteria, scores, wide_scores, self_form, "
                "votes, leadership, commendations, rules.",
            )
        kind = resolved
    if layer is not None:
        layers = {
            "self": "self",
            "tu cham": "self",
            "peer": "peer",
            "cham cheo": "peer",
            "agreed": "agreed",
            "thong nhat": "agreed",
        }
        if fold(layer) not in layers:
            raise UsageError(f"Không có lớp điểm “{layer}”.", "Chọn self, peer hoặc agreed.")
        layer = layers[fold(layer)]
    if year is not None and not 1990 <= year <= 2100:
        raise UsageError(f"Năm {year} không hợp lệ.", "Ghi năm có 4 chữ số, ví dụ 2023.")
    if errors is not None and errors.suffix.lower() != ".xlsx":
        raise UsageError("Tệp --errors phải có đuôi .xlsx.", "Ví dụ: --errors loi.xlsx")
    reading = reading_for(files)  # read in the background while the database is opened
    # the consoles and the summary's table code are loaded while the files are being read
    # (by a child process or a thread): what they cost is then hidden
    from . import boxtable  # noqa: F401

    out(), err()
    db = Db.open(settings_db())
    options = ImportOptions(
        cluster=settings_cluster(),
        kind=kind,
        year=year,
        half=half == 1,
        unit=unit,
        layer=layer,
        dry_run=dry_run,
        force=force,
    )
    try:
        with import_progress() as progress:
            report = run_import(db, reading, options, progress)
    finally:
        db.close()
    report.skipped[:0] = reading.skipped  # files of a folder left out, said first
    print_import_report(report)
    if report.errors:
        if errors is not None:
            write_errors_workbook(report.errors, errors)
            err().print(f"Đã ghi danh sách lỗi ra {errors}.")
        raise typer.Exit(1)


@app.command()
@handle_errors
def status(
    year: Annotated[
        int | None, typer.Option("--year", help="Năm (mặc định: năm mới nhất có dữ liệu).")
    ] = None,
) -> None:
    """Cơ sở dữ liệu đang có gì cho một năm, và còn thiếu gì."""
    from ..services.context import open_engine
    from ..services.status import build_status
    from .views import print_status

    engine = open_engine(settings_db())
    report = build_status(engine, settings_cluster(), year)
    engine.dispose()
    print_status(report)


@app.command()
@handle_errors
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Thư mục ghi CSDL và báo cáo.")] = Path(
        "thidua-demo"
    ),
) -> None:
    """Chạy cả năm trên dữ liệu mẫu: nhập, xếp hạng, luân phiên, báo cáo."""
    from ..services.demo import run_demo

    run_demo(directory)
