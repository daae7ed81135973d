"""Writing the files the tool makes (reports, workbooks, the template, the errors list): every
one goes to a temporary name in the same folder and is renamed over the target only when it
is whole, so a full disk or a failed write never leaves a truncated file where a good one was.
A problem of the machine becomes a Vietnamese ThiduaError naming the file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import ThiduaError

_UMASK: list[int] = []


def _new_file_mode() -> int:
    """The permissions an ordinary new file gets (temporary files are created private)."""
    if not _UMASK:
        current = os.umask(0)
        os.umask(current)
        _UMASK.append(current)
    return 0o666 & ~_UMASK[0]


def write_atomic(path: Path, content: bytes | Callable[[BinaryIO], object]) -> None:
    """Write `content` (bytes, or a function writing to a binary file) to `path`, whole or
    not at all."""
    from .faults import file_problem

    path = Path(path)
    if path.is_dir():
        raise ThiduaError(
            f"{path} là một thư mục, không phải tệp.", "Ghi tên tệp đầy đủ, ví dụ ket-qua.xlsx."
        )
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name[:60]}.", suffix=".tmp"
        )
        with os.fdopen(handle, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            else:
                content(stream)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = path.stat().st_mode & 0o777 if path.exists() else _new_file_mode()
            os.chmod(temporary, mode)
        except OSError:
            pass  # a file system without Unix permissions
        os.replace(temporary, path)
        temporary = None
    except OSError as problem:
        fault = file_problem(problem, path)
        if fault is None:
            raise
        raise fault from problem
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


# A cell beginning with one of these is read as a formula by Excel or LibreOffice when typed
# or opened from CSV (OWASP "CSV injection"); tab and carriage return hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell for a CSV file, neutralised: `=HYPERLINK(…)` -> `'=HYPERLINK(…)`. Only for
    text columns: a number column keeps its sign (`-0,5` stays a number)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def make_inert(book: object) -> None:
    """No cell of a workbook we write is a formula that came from data: openpyxl reads any
    text beginning with `=` as a formula, so such text is stored as a string, and every text
    that Excel would read as a formula when the clerk edits the cell gets the quote prefix."""
    for sheet in book.worksheets:  # type: ignore[attr-defined]
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def save_workbook(book: object, path: Path) -> None:
    """Save an openpyxl workbook to `path`: inert (no formula from data) and atomic."""
    import io

    make_inert(book)
    buffer = io.BytesIO()  # built whole in memory: a failed write leaves no half-open zip
    book.save(buffer)  # type: ignore[attr-defined]
    write_atomic(path, buffer.getvalue())
