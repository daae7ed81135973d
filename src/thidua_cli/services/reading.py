"""The files of an import, read in a background thread: python-calamine parses a workbook
without holding the GIL, so reading overlaps everything else the command does first (loading
the command line, SQLAlchemy, the database). `thidua import` starts this before anything else
(`start_early`), from the raw command line; the import command then takes that reading over
if it names the same files."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RowError, ThiduaError
from ..sheets.reader import Workbook, open_workbook

if TYPE_CHECKING:
    from .progress import ImportProgress

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".csv"}


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders give every workbook inside them, sorted, lock files left out."""
    result: list[Path] = []
    for path in paths:
        if path.is_dir():
            result.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith(("~$", "."))
            )
        else:
            result.append(path)
    return result


def display_name(path: Path, roots: list[Path]) -> str:
    for root in roots:
        if root.is_dir():
            try:
                return str(path.relative_to(root.parent))
            except ValueError:
                continue
    return path.name


class Reading:
    """The files of an import, opened one after another in a background thread, so that
    reading the workbooks (calamine works without the GIL) overlaps opening the database."""

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self.files = expand_paths(paths)
        if not self.files:
            raise ThiduaError(
                "Không có tệp nào để nhập.", "Chỉ ra tệp .xlsx hoặc thư mục chứa tệp .xlsx."
            )
        self._opened: list[Workbook | RowError] = []
        self._idle = threading.Event()  # set once the caller waits: the XML scans may start
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for path in self.files:
            try:
                opened = open_workbook(path, display_name(path, self.paths), self._idle)
            except Exception:  # an unreadable file is reported, never a traceback
                opened = RowError(
                    display_name(path, self.paths),
                    "",
                    None,
                    None,
                    "",
                    "Không đọc được tệp.",
                    "Mở tệp bằng Excel, kiểm tra rồi lưu lại.",
                )
            with self._done:
                self._opened.append(opened)
                self._done.notify_all()

    def opened(self, progress: ImportProgress) -> list[Workbook | RowError]:
        """Every file, in order, once read; the progress names the file being read."""
        self._idle.set()
        for index, path in enumerate(self.files):
            with self._done:
                if len(self._opened) <= index:
                    progress.stage(f"Đang mở {display_name(path, self.paths)}", None)
                self._done.wait_for(lambda index=index: len(self._opened) > index)  # type: ignore[misc]
        return list(self._opened)


# Options of the command line that take a value: the words after them are not files. A word
# wrongly taken for a file only costs a read nobody uses; the import reads its own files then.
_GLOBAL_VALUES = {"--db", "--cluster"}
_IMPORT_VALUES = {"--kind", "--year", "--half", "--unit", "--layer", "--errors"}
_early: Reading | None = None


def start_early(argv: list[str]) -> None:
    """Start reading the files of `thidua … import FILE…` before the command line is parsed."""
    global _early
    words = iter(argv)
    for word in words:
        if word in _GLOBAL_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            if word != "import":
                return
            break
    else:
        return
    paths = []
    for word in words:
        if word in ("--help", "-h"):
            return
        if word in _IMPORT_VALUES:
            next(words, None)
        elif not word.startswith("-") and Path(word).exists():
            paths.append(Path(word))
    if paths:
        try:
            _early = Reading(paths)
        except ThiduaError:  # no workbook there: the command says so itself
            _early = None


def reading_for(paths: list[Path]) -> Reading:
    """The early reading when it has the same files, else a new one."""
    global _early
    early, _early = _early, None
    if early is not None and early.paths == list(paths):
        return early
    return Reading(paths)
