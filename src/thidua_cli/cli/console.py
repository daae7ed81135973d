"""Consoles for results (stdout) and diagnostics (stderr), and the one place where a user's
mistake or a problem of the machine becomes a Vietnamese message and an exit code instead of
a traceback.

Data reaches the terminal as typed: the consoles interpret no Rich markup (`Hội [cũ]` stays
`Hội [cũ]`, `[/]` is two brackets and a slash) and drop control characters, so an escape
sequence in a cell never reaches the clerk's terminal. Our own styling is given as styles, not
markup: `styled(("Lỗi:", "bold red"), " ", message)`."""

from __future__ import annotations

import errno
import functools
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ..errors import RowError, ThiduaError

F = TypeVar("F", bound=Callable[..., Any])
_state: dict[str, Any] = {"verbose": False}


def set_verbose(value: bool) -> None:
    _state["verbose"] = value


# control characters but newline and tab, and the marks that reorder text on screen
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def terminal_text(value: object) -> str:
    """Text safe to show on a terminal: no escape sequences, no bidirectional overrides."""
    text = value if isinstance(value, str) else str(value)
    return text if text.isprintable() else _TERMINAL_UNSAFE.sub("", text)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of our own wording with styles, data kept literal: parts are text or
    (text, style)."""
    from rich.text import Text

    line = Text()
    for part in parts:
        if isinstance(part, tuple):
            line.append(terminal_text(part[0]), style=part[1])
        else:
            line.append(terminal_text(part))
    return line


def _console(stderr: bool) -> Console:
    from rich.console import Console

    class SafeConsole(Console):
        """Every string printed, in a table cell or a title included, is shown literally."""

        def render_str(self, text: str, **options: Any) -> Text:
            options["markup"] = False
            options["emoji"] = False
            options["highlight"] = False
            return super().render_str(terminal_text(text), **options)

        def on_broken_pipe(self) -> None:
            # `thidua … | head -1`: the reader has what it wanted; the command finishes its
            # work (already stored, or still to write, like the demo's reports) silently
            self.quiet = True
            quiet_stream(stderr)

    stream = sys.stderr if stderr else sys.stdout
    width = None if _isatty(stream) or os.environ.get("COLUMNS") else 160
    return SafeConsole(
        file=stream, width=width, highlight=False, soft_wrap=False, markup=False, emoji=False
    )


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


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


def print_problem(problem: ThiduaError, console: Console | None = None) -> None:
    """A ThiduaError as the clerk sees it: the error table if any, the message, the fix."""
    console = console or err()
    if problem.errors:
        print_row_errors(problem.errors, console)
    console.print(styled(("Lỗi:", "bold red"), " ", problem.message))
    if problem.hint:
        console.print(styled(("Cách sửa:", "yellow"), " ", problem.hint))


def handle_errors(func: F) -> F:
    """Turn ThiduaError and problems of the machine into a clean message and exit code 1
    (2 for bad usage); a closed output pipe ends quietly; anything else is a bug: exit 3."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import ThiduaError

        try:
            _check_years(kwargs)
            return func(*args, **kwargs)
        except ThiduaError as problem:
            print_problem(problem)
            if _state["verbose"]:
                err().print_exception()
            raise typer.Exit(problem.exit_code) from None
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if is_closed_pipe(exc):
                quiet_stdout()
                # the reader of `thidua … | head` stopped reading: the work is done and stored
                raise typer.Exit(0) from None
            from ..faults import explain
            from .app import settings_db

            if isinstance(exc, OSError) and exc.filename is None:
                from ..faults import file_problem

                # our own files are written with their names (files.py): this is the output
                problem = file_problem(exc, "đầu ra (stdout)")
            else:
                problem = explain(exc, settings_db())
            console = err()
            if _state["verbose"]:
                console.print_exception()
            if problem is not None:
                print_problem(problem, console)
                raise typer.Exit(1) from None
            console.print(
                styled(
                    ("Lỗi không mong đợi trong thidua.", "bold red"),
                    " Chạy lại với --verbose để xem chi tiết và gửi cho người phát triển.",
                )
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


YEARS = range(1990, 2101)  # the years a --year option may name


def _check_years(options: dict[str, Any]) -> None:
    """Every command's --year and --from-year: four digits, never a number SQLite cannot
    hold (`--year 99999999999999999999` would otherwise reach the database)."""
    from ..errors import UsageError

    for name in ("year", "from_year"):
        value = options.get(name)
        if isinstance(value, int) and value not in YEARS:
            raise UsageError(f"Năm {value} không hợp lệ.", "Ghi năm có 4 chữ số, ví dụ 2023.")


def is_closed_pipe(exc: BaseException) -> bool:
    """stdout's reader went away (`| head -1`) or stdout was closed."""
    if isinstance(exc, BrokenPipeError):
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.EPIPE, errno.EINVAL):
        return _stdout_gone()
    return isinstance(exc, ValueError) and "closed file" in str(exc) and _stdout_gone()


def _stdout_gone() -> bool:
    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        return True
    return bool(getattr(sys.stdout, "closed", False))


def quiet_stdout() -> None:
    quiet_stream(False)


def quiet_stream(stderr: bool) -> None:
    """Point stdout (or stderr) at the null device, so nothing more is written to a closed
    pipe, Python's own flush at exit included."""
    name = "stderr" if stderr else "stdout"
    stream = getattr(sys, name)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - until exit
