"""Year-end decision commands: rank, rotation (and rotation set), rules (and rules set)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app, settings_cluster, settings_db
from .console import err, handle_errors, out


def _period(half: int | None) -> str:
    from ..errors import UsageError

    if half not in (None, 1):
        raise UsageError(
            f"--half chỉ nhận giá trị 1 (sáu tháng đầu năm), không nhận {half}.",
            "Bỏ --half để xếp hạng cả năm.",
        )
    return "H1" if half == 1 else "FY"


@app.command()
@handle_errors
def rank(
    year: Annotated[int, typer.Option("--year", help="Năm xếp hạng.")],
    half: Annotated[
        int | None, typer.Option("--half", help="1: tạm xếp sáu tháng đầu năm.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="In kết quả dạng CSV.")] = False,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Ghi bảng kết quả ra tệp Excel.")
    ] = None,
    explain: Annotated[
        str | None, typer.Option("--explain", help="Giải thích điểm của một đơn vị (mã hoặc tên).")
    ] = None,
    finalize: Annotated[
        bool, typer.Option("--finalize", help="Chốt năm: khóa dữ liệu và kết quả.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Xếp hạng lại và chốt lại năm đã chốt (được ghi lại)."),
    ] = False,
) -> None:
    """Tính điểm, xếp hạng, xếp loại, đơn vị dẫn đầu và đề nghị khen thưởng; lưu kết quả."""
    from ..errors import UsageError
    from ..services.context import open_engine
    from ..services.ranking import rank_and_store
    from .rank_views import (
        print_explain,
        print_rank_csv,
        print_rank_json,
        print_rank_table,
        print_rank_warnings,
        write_rank_xlsx,
    )

    period = _period(half)
    if sum([json_out, csv_out]) > 1:
        raise UsageError("Chỉ chọn một trong --json, --csv.", "Bỏ bớt một tùy chọn.")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise UsageError("Tệp --xlsx phải có đuôi .xlsx.", "Ví dụ: --xlsx ket-qua-2023.xlsx")
    engine = open_engine(settings_db())
    outcome = rank_and_store(
        engine, settings_cluster(), year, period, finalize=finalize, force=force
    )
    engine.dispose()
    if explain is not None:
        print_explain(outcome, explain)
        return
    if json_out:
        print_rank_json(outcome)
    elif csv_out:
        print_rank_csv(outcome)
    else:
        print_rank_table(outcome)
    if xlsx is not None:
        write_rank_xlsx(outcome, xlsx)
        err().print(f"Đã ghi bảng kết quả: {xlsx}")
    print_rank_warnings(outcome)


rotation_app = typer.Typer(
    help="Trưởng cụm, phó cụm qua các năm và đề xuất luân phiên.",
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(rotation_app, name="rotation")


@rotation_app.callback(invoke_without_command=True)
@handle_errors
def rotation(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option("--year", help="Năm cần đề xuất (mặc định: năm sau năm mới nhất đã ghi)."),
    ] = None,
) -> None:
    """Trưởng cụm, phó cụm qua các năm và đề xuất cho năm tới theo quy chế luân phiên."""
    if ctx.invoked_subcommand is not None:
        return
    from ..services.context import open_engine
    from ..services.rotation import rotation_overview
    from .rank_views import print_rotation

    engine = open_engine(settings_db())
    overview = rotation_overview(engine, settings_cluster(), year)
    engine.dispose()
    print_rotation(overview)


@rotation_app.command("set")
@handle_errors
def rotation_set(
    year: Annotated[int, typer.Option("--year", help="Năm nhiệm kỳ.")],
    head: Annotated[str, typer.Option("--head", help="Trưởng cụm (mã hoặc tên đơn vị).")],
    deputy: Annotated[
        str | None, typer.Option("--deputy", help="Phó cụm (mã hoặc tên đơn vị).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Sửa năm đã chốt (được ghi lại, năm được chốt lại).")
    ] = False,
) -> None:
    """Ghi kết quả hội nghị bầu trưởng cụm, phó cụm (luôn được ưu tiên hơn đề xuất)."""
    from ..services.context import open_engine
    from ..services.rotation import set_leadership

    engine = open_engine(settings_db())
    head_code, deputy_code, refrozen = set_leadership(
        engine, settings_cluster(), year, head, deputy, force=force
    )
    engine.dispose()
    out().print(
        f"Đã ghi năm {year}: Trưởng cụm {head_code}"
        + (f", Phó cụm {deputy_code}" if deputy_code else "")
        + " (hội nghị bầu)."
    )
    _say_refrozen(refrozen)


rules_app = typer.Typer(
    help="Quy chế của cụm: các tham số xếp hạng, luân phiên, văn bản.",
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(rules_app, name="rules")


@rules_app.callback(invoke_without_command=True)
@handle_errors
def rules(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", help="Năm áp dụng (mặc định: năm mới nhất).")
    ] = None,
) -> None:
    """In quy chế đang áp dụng cho một năm và nguồn của từng giá trị."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from ..services.context import open_engine
    from ..services.rules_service import show_rules

    engine = open_engine(settings_db())
    effective_year, lines = show_rules(engine, settings_cluster(), year)
    engine.dispose()
    table = Table(title=f"Quy chế áp dụng năm {effective_year}", header_style="bold")
    for name in ("Khóa", "Giá trị", "Nguồn", "Ý nghĩa"):
        table.add_column(name, overflow="fold")
    for line in lines:
        table.add_row(line.key, line.value, line.source, line.description)
    out().print(table)


@rules_app.command("set")
@handle_errors
def rules_set(
    key: Annotated[str, typer.Argument(metavar="KHÓA", help="Tên tham số, ví dụ aggregation.")],
    value: Annotated[str, typer.Argument(metavar="GIÁ_TRỊ", help="Giá trị mới.")],
    from_year: Annotated[int, typer.Option("--from-year", help="Áp dụng từ năm này trở đi.")],
    force: Annotated[
        bool, typer.Option("--force", help="Sửa cả năm đã chốt (được ghi lại, năm được chốt lại).")
    ] = False,
) -> None:
    """Đổi một tham số quy chế từ một năm trở đi."""
    from ..services.context import open_engine
    from ..services.rules_service import set_rule

    engine = open_engine(settings_db())
    shown, refrozen = set_rule(engine, settings_cluster(), key, value, from_year, force=force)
    engine.dispose()
    out().print(f"Đã đặt {key.strip().lower()} = {shown} từ năm {from_year}.")
    _say_refrozen(refrozen)


def _say_refrozen(years: list[int]) -> None:
    if years:
        err().print(
            f"Năm {', '.join(map(str, years))} đã chốt: đã sửa do có --force (đã ghi lại) và chốt "
            "lại năm với dữ liệu mới.",
            markup=False,
        )
