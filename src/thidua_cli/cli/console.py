"""Consoles for results (stdout) and diagnostics (stderr), and the one place where a user's
mistake becomes a Vietnamese message and an exit code instead of a traceback."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ..errors import RowError

F = TypeVar("F", bound=Callable[..., Any])
_state: dict[str, Any] = {"verbose": False}


def set_verbose(value: bool) -> None:
    _state["verbose"] = value


def _console(stderr: bool) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
    return Console(file=stream, width=width, highlight=False, soft_wrap=False)


def out() -> Console:
    return _console(False)


def err() -> Console:
    return _console(True)


def print_row_errors(errors: list[RowError], console: Console | None = None) -> None:
    from rich.table import Table

    console = console or err()
    table = Table(
        title=f"{len(errors)} lỗi", title_style="bold red", show_lines=False, header_style="bold"
    )
    for name in ("Tệp", "Sheet", "Dòng", "Cột", "Giá trị", "Lỗi", "Cách sửa"):
        table.add_column(name, overflow="fold")
    for e in errors:
        table.add_row(
            e.file,
            e.sheet,
            "" if e.row is None else str(e.row),
            e.column or "",
            e.value,
            e.message,
            e.hint,
        )
    console.print(table)


def handle_errors(func: F) -> F:
    """Turn ThiduaError into a clean message and exit code; anything else is a bug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import ThiduaError

        try:
            return func(*args, **kwargs)
        except ThiduaError as problem:
            console = err()
            if problem.errors:
                print_row_errors(problem.errors, console)
            console.print(f"[bold red]Lỗi:[/] {problem.message}")
            if problem.hint:
                console.print(f"[yellow]Cách sửa:[/] {problem.hint}")
            if _state["verbose"]:
                console.print_exception()
            raise typer.Exit(problem.exit_code) from None
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception:
            console = err()
            if _state["verbose"]:
                console.print_exception()
            console.print(
                "[bold red]Lỗi không mong đợi trong thidua.[/] Chạy lại với --verbose để xem chi "
                "tiết và gửi cho người phát triển."
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]
