"""`thidua report`: the half-year or year-end conference report as DOCX, HTML or Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app, settings_cluster, settings_db
from .console import err, handle_errors, out, styled


@app.command()
@handle_errors
def report(
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="Năm báo cáo (mặc định: năm mới nhất đã có điểm của kỳ báo cáo)."
        ),
    ] = None,
    half: Annotated[
        int | None,
        typer.Option("--half", help="1: báo cáo sơ kết 6 tháng đầu năm; bỏ trống: tổng kết năm."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="docx (mặc định, mở bằng Word), html hoặc md; hoặc theo đuôi --out."
        ),
    ] = None,
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Tệp hoặc thư mục ghi báo cáo (mặc định: bao-cao-tong-ket-NĂM hoặc "
            "bao-cao-so-ket-6-thang-NĂM ở thư mục hiện tại).",
        ),
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir",
            help="Thư mục mẫu riêng (.html.j2, .md.j2); tệp cùng tên thay mẫu mặc định.",
        ),
    ] = None,
    date_text: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Ngày ghi trên văn bản, dạng dd/mm/yyyy (mặc định: hôm nay; năm đã chốt: "
            "ngày chốt).",
        ),
    ] = None,
    notes: Annotated[
        Path | None,
        typer.Option(
            "--notes",
            help="Tệp Markdown có các mục “## Kết quả nổi bật”, “## Hạn chế”, "
            "“## Phương hướng, nhiệm vụ”, “## Nơi nhận”.",
        ),
    ] = None,
) -> None:
    """Lập báo cáo sơ kết 6 tháng (--half 1) hoặc tổng kết năm của cụm, theo thể thức
    Nghị định 30/2020/NĐ-CP."""
    from ..errors import UsageError
    from ..reports.service import make_report
    from ..services.context import open_engine

    if half not in (None, 1):
        raise UsageError(
            f"--half chỉ nhận giá trị 1 (sáu tháng đầu năm), không nhận {half}.",
            "Bỏ --half để lập báo cáo tổng kết năm.",
        )
    if year is not None and not 1990 <= year <= 2100:
        raise UsageError(f"Năm {year} không hợp lệ.", "Ghi năm có 4 chữ số, ví dụ 2023.")
    today = None
    if date_text is not None:
        from ..text import ValueProblem, parse_date

        try:
            today = parse_date(date_text)
        except ValueProblem as problem:
            raise UsageError(
                f"--date “{date_text}” không hợp lệ: {problem.message}", "Ví dụ: --date 20/12/2023"
            ) from None
        if today is None:
            raise UsageError("--date đang trống.", "Ví dụ: --date 20/12/2023")
    engine = open_engine(settings_db())
    try:
        result = make_report(
            engine,
            settings_cluster(),
            year=year,
            half=half == 1,
            fmt=fmt,
            out=out_path,
            template_dir=template_dir,
            notes=notes,
            today=today,
        )
    finally:
        engine.dispose()
    console = err()
    for notice in result.notices:
        console.print(styled(("Lưu ý:", "yellow"), " ", notice))
    out().print(f"Đã ghi báo cáo: {result.path}")
