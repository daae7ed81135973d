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
from . import forked_reading

if TYPE_CHECKING:
    from .progress import ImportProgress

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
# a folder of at least this many files, each at most this large, is read by two threads
SMALL_FILES_TWO_READERS = 8
SMALL_FILE_BYTES = 1 << 20


def expand_paths(paths: Iterable[Path], skipped: list[str] | None = None) -> list[Path]:
    """Files as given; folders give every workbook inside them, sorted. What a folder holds
    besides workbooks (other files, Excel lock files `~$…`) is named in `skipped`, with why."""
    result: list[Path] = []
    roots = list(paths)
    for path in roots:
        if not _is_dir(path):
            result.append(path)
            continue
        for item in sorted(path.rglob("*")):
            if item.name.startswith(".") or _is_dir(item):
                continue  # hidden files (.DS_Store) are no one's form
            reason = _skip_reason(item)
            if reason is None:
                result.append(item)
            elif skipped is not None:
                skipped.append(f"{display_name(item, roots)}: {reason}, bỏ qua.")
    return result


def _is_dir(path: Path) -> bool:
    """Whether `path` is a folder; a path the system cannot even look up (too long, a loop of
    links) is not, and reading it then says why."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _skip_reason(path: Path) -> str | None:
    try:
        regular = path.is_file()
    except OSError:
        regular = False
    if not regular:
        return "không phải tệp thường (lối tắt hỏng, đường ống, thiết bị), không đọc được"
    if path.name.startswith("~$"):
        return "tệp khóa tạm của Excel (có khi tệp đang mở), không phải bảng tính"
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return "không phải bảng tính (.xlsx, .xlsm, .xls, .ods, .csv)"
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read as the others are; reading it says what is wrong


def display_name(path: Path, roots: list[Path]) -> str:
    for root in roots:
        if _is_dir(root):
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
        # files of a folder that are not imported, with why: the clerk must not think a unit
        # never sent its form when its file was left out
        self.skipped: list[str] = []
        self.files = expand_paths(paths, self.skipped)
        self._from_folder = {p for p in self.files if p not in paths}
        if not self.files:
            raise ThiduaError(
                "Không có tệp nào để nhập."
                + (" " + " ".join(self.skipped) if self.skipped else ""),
                "Chỉ ra tệp .xlsx, .xls, .ods, .csv hoặc thư mục chứa các tệp đó.",
            )
        self._opened: dict[int, Workbook | RowError] = {}
        self._idle = threading.Event()  # set once the caller waits: the XML scans may start
        # set once the first file's checks before calamine are over (or it could not be read)
        self.first_checked = threading.Event()
        self._done = threading.Condition()
        # a folder of many small forms is read by a child process and, once the command waits
        # for them, a thread of this one (Linux), else by two threads: while calamine reads
        # one file without the GIL, the other checks the next one
        many_small = len(self.files) >= SMALL_FILES_TWO_READERS and all(
            _size(path) <= SMALL_FILE_BYTES for path in self.files
        )
        if many_small and forked_reading.can_fork():
            forked_reading.ForkedReader(len(self.files), self._open, self._store, self._idle)
            self.first_checked.set()  # the child checks on its own core: nothing to wait for
            return
        self._next = iter(range(len(self.files)))  # the files not taken yet, in order
        for _ in range(2 if many_small else 1):
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            with self._done:
                index = next(self._next, None)
            if index is None:
                return
            self._store(index, self._open(index))
            self.first_checked.set()

    def _open(self, index: int) -> Workbook | RowError:
        path = self.files[index]
        try:
            return open_workbook(
                path, display_name(path, self.paths), self._idle, self.first_checked
            )
        except Exception:  # an unreadable file is reported, never a traceback
            return RowError(
                display_name(path, self.paths),
                "",
                None,
                None,
                "",
                "Không đọc được tệp.",
                "Mở tệp bằng Excel, kiểm tra rồi lưu lại.",
            )

    def _store(self, index: int, opened: Workbook | RowError) -> None:
        with self._done:
            self._opened[index] = opened
            self._done.notify_all()

    def opened(self, progress: ImportProgress) -> list[Workbook | RowError]:
        """Every file, in order, once read; the progress names the file being read. A file of
        a folder that cannot be read is skipped and named in `skipped` (a file named on the
        command line that cannot be read is an error)."""
        self._idle.set()
        for index, path in enumerate(self.files):
            with self._done:
                if index not in self._opened:
                    progress.stage(f"Đang mở {display_name(path, self.paths)}", None)
                self._done.wait_for(lambda index=index: index in self._opened)  # type: ignore[misc]
        result: list[Workbook | RowError] = []
        for index, path in enumerate(self.files):
            opened = self._opened[index]
            if isinstance(opened, RowError) and path in self._from_folder:
                note = f"{opened.file}: không đọc được ({opened.message.rstrip('.')}), bỏ qua."
                if note not in self.skipped:
                    self.skipped.append(note)
            else:
                result.append(opened)
        return result


# Options of the command line that take a value: the words after them are not files. A word
# wrongly taken for a file only costs a read nobody uses; the import reads its own files then.
_GLOBAL_VALUES = {"--db", "--cluster"}
_IMPORT_VALUES = {"--kind", "--year", "--half", "--unit", "--layer", "--errors"}
_early: Reading | None = None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


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
        elif not word.startswith("-") and _exists(Path(word)):
            paths.append(Path(word))
    if paths:
        try:
            _early = Reading(paths)
        except ThiduaError:  # no workbook there: the command says so itself
            _early = None


def let_checks_run_first(limit: float = 1.0) -> None:
    """Wait (at most `limit` seconds) until the early reading has checked its first file. The
    checks hold the GIL and calamine cannot start before they end; loading the rest of the
    command (also under the GIL) is better done while calamine reads without it."""
    if _early is not None:
        _early.first_checked.wait(limit)


def reading_for(paths: list[Path]) -> Reading:
    """The early reading when it has the same files, else a new one."""
    global _early
    early, _early = _early, None
    if early is not None and early.paths == list(paths):
        return early
    return Reading(paths)
