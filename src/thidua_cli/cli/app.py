"""The Typer application: global options and the command list. Each command lives in its own
module and only parses options, calls one service function and hands the result to a view."""

from __future__ import annotations

from typing import Annotated

import typer

from .console import set_verbose
from .i18n import install as _install_vietnamese

_install_vietnamese()

app = typer.Typer(
    name="thidua",
    help="Công cụ cho cụm, khối thi đua: nhập bảng tính, xếp hạng, luân phiên trưởng cụm, báo cáo.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_settings: dict[str, object] = {"db": None, "cluster": None}


def settings_db() -> str | None:
    return _settings["db"]  # type: ignore[return-value]


def settings_cluster() -> str | None:
    return _settings["cluster"]  # type: ignore[return-value]


def _show_version(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        number = version("thidua")
    except PackageNotFoundError:  # running from a source tree that was never installed
        number = "chưa cài đặt"
    typer.echo(f"thidua {number}")
    raise typer.Exit(0)


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="THIDUA_DB",
            help="Tệp SQLite hoặc địa chỉ SQLAlchemy (mặc định ./thidua.db).",
            show_envvar=True,
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option("--cluster", help="Mã cụm; chỉ cần khi CSDL có nhiều cụm."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Hiện chi tiết lỗi (traceback).")
    ] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="In số phiên bản rồi thoát.",
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    """Công cụ cho cụm, khối thi đua: nhập bảng tính, xếp hạng, luân phiên trưởng cụm, báo cáo."""
    _settings["db"] = db
    _settings["cluster"] = cluster
    set_verbose(verbose)


def _register() -> None:
    # importing the modules registers their commands on `app`
    from . import commands, rank_cmd, report_cmd  # noqa: F401


_register()
