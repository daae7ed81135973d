"""A large worksheet read in pieces, so that python-calamine parses one piece (without the GIL,
on the other core) while the sheet's next bytes are still being checked and the rows of the
pieces before are being read.

The checks before calamine (sheetxml.check_sheet) stream the sheet's XML in windows. Each
window they have vouched for is handed here (`feed`): its special cells are found, and its rows
are gathered into pieces of about PIECE_BYTES, cut at a row start. A piece becomes a small
workbook of its own (the sheet's opening up to `<sheetData>`, the piece's rows, the closing
tags; beside it the workbook's own small parts: styles, shared strings) and is parsed by
calamine in a thread of its own. Calamine only ever sees bytes the checks have passed, and a
piece's used range is bounded by them just as the whole sheet's is.

A sheet is read in pieces only when the checks pass it by their fast pass (a writer that writes
cells in order, as every writer does) and the parts every piece carries are small; otherwise it
is read whole, as before. The workbook is handed over once the whole sheet is checked; a piece
calamine cannot parse (XML broken in the middle) is found when its rows are read, and ends the
import with an error naming the file, never a traceback."""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import queue
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import ThiduaError
from .sheetxml import SheetFacts, special_in

STREAM_BYTES = 8 << 20  # a sheet part at least this large (uncompressed) is read in pieces
PIECE_BYTES = 4 << 20  # the rows' XML of one piece, about
SIDE_BYTES = 2 << 20  # the parts every piece carries (shared strings, styles…), at most
# the parts of the workbook a piece carries besides its sheet (calamine reads nothing else)
_SIDE_PARTS = re.compile(
    r"(?i)^(\[Content_Types\]\.xml|_rels/\.rels|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels"
    r"|xl/styles\.xml|xl/sharedStrings\.xml|xl/theme/[^/]+\.xml)$"
)
_SHEET_DATA_OPEN = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData\b[^>]*?(/?)>")
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s/>]")
_live: set[PieceStream] = set()  # streams whose files may still be on disk (see cleanup_all)


def side_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, bytes] | None:
    """The small parts every piece of a sheet of this workbook carries, or None when together
    they are too large to copy into every piece (a sheet of many distinct texts)."""
    wanted = [name for name in names if _SIDE_PARTS.match(name)]
    if sum(archive.getinfo(name).file_size for name in wanted) > SIDE_BYTES:
        return None
    return {name: archive.read(name) for name in wanted}


class PieceStream:
    """One sheet's pieces: fed window by window by the checks, parsed by calamine in a thread,
    read row by row (`rows`) as they are parsed."""

    def __init__(self, display: str, part: str, name: str, side: dict[str, bytes]):
        self.display = display
        self.part = part
        self.name = name
        self.side = side
        self.facts = SheetFacts()  # the error cells, uncached formulas and booleans found
        self.merged: list[Any] = []
        self.height = 0  # the last row the checks saw (for a progress bar)
        self.usable = True  # False once the sheet cannot be read in pieces (read whole then)
        self._head: bytes | None = None
        self._head_parts: list[bytes] = []
        self._closing = b""
        self._row_tag = b""
        self._data_end = b""
        self._rows: list[bytes] = []
        self._size = 0
        self._tail: list[bytes] | None = None
        self._count = 0
        self._dir: str | None = None
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pieces: list[Any] = []  # calamine sheets, in order
        self._done = False
        self._broken = False
        self._changed = threading.Condition()

    # -- fed by the checks (the reading thread)

    def feed(self, data: bytes, start: int, end: int) -> None:
        """A window of the sheet's XML, data[start:end], that the checks have vouched for."""
        if not self.usable:
            return
        window = data if start == 0 and end == len(data) else data[start:end]
        special_in(window, self.facts)
        if self._tail is not None:
            self._tail.append(window)
            return
        if self._head is None:
            self._head_parts.append(window)
            window = self._take_head()
            if self._head is None:
                return
        end_at = window.find(self._data_end)
        try:
            if end_at >= 0:
                self._add_rows(window[:end_at])
                self._tail = [window[end_at:]]
            else:
                self._add_rows(window)
        except OSError:  # no room or no right in the temporary folder: the sheet is read whole
            self.abandon()

    def _take_head(self) -> bytes:
        """Once `<sheetData>` has been seen: the sheet's opening kept, the rest returned."""
        joined = b"".join(self._head_parts)
        found = _SHEET_DATA_OPEN.search(joined)
        if found is None:
            return b""
        if found.group(2):  # <sheetData/>: no rows at all, nothing to read in pieces
            self.usable = False
            return b""
        data_prefix = found.group(1) or b""
        root = _ROOT_PREFIX.search(joined, 0, found.start())
        root_prefix = (root.group(1) or b"") if root else b""
        self._head = joined[: found.end()]
        self._head_parts = []
        self._closing = b"</" + data_prefix + b"sheetData></" + root_prefix + b"worksheet>"
        self._row_tag = b"<" + data_prefix + b"row"
        self._data_end = b"</" + data_prefix + b"sheetData"
        return joined[found.end() :]

    def _add_rows(self, data: bytes) -> None:
        if not data:
            return
        self._rows.append(data)
        self._size += len(data)
        if self._size < PIECE_BYTES:
            return
        last = self._rows[-1]
        at = self._last_row_start(last)
        if at < 0:
            return  # no row starts in this window: the piece grows until one does
        piece = b"".join([*self._rows[:-1], last[:at]])
        self._rows = [last[at:]]
        self._size = len(last) - at
        self._emit(piece)

    def _last_row_start(self, data: bytes) -> int:
        at = data.rfind(self._row_tag)
        while at >= 0:
            following = data[at + len(self._row_tag) : at + len(self._row_tag) + 1]
            if following in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
                return at
            at = data.rfind(self._row_tag, 0, at)
        return -1

    def _emit(self, rows: bytes) -> None:
        if not rows.strip():
            return
        path = self._write(rows + self._closing)
        if self._thread is None:
            self._thread = threading.Thread(target=self._parse_all, daemon=True)
            self._thread.start()
        # never waits: the checks run ahead of calamine, which parses the pieces as it can (they
        # wait on disk, not in memory: at most the sheet's XML, which the checks bounded)
        self._queue.put(path)

    def _write(self, xml_after_head: bytes) -> str:
        """The piece as a workbook file of its own (stored, not compressed: calamine reads it
        at once). A file, not bytes in memory: calamine then reads it without the GIL."""
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="thidua-")
            _live.add(self)
        self._count += 1
        path = os.path.join(self._dir, f"{self._count}.xlsx")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as piece:
            for name, data in self.side.items():
                piece.writestr(name, data)
            piece.writestr(self.part, (self._head or b"") + xml_after_head)
        return path

    def finish(self, last_row: int) -> None:
        """The checks have passed the whole sheet: the last piece, and the merged ranges (read
        by calamine from the sheet's closing part, after its rows)."""
        self.height = last_row
        if not self.usable:
            return
        if self._head is None or self._tail is None:
            self.abandon()  # no rows, or no end of them: read whole (calamine says why)
            return
        try:
            self._emit(b"".join(self._rows))
            self._rows = []
            tail = b"".join(self._tail)
            self._tail = None
            path = self._write(tail)
        except OSError:  # no room or no right in the temporary folder: the sheet is read whole
            self.abandon()
            return
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(path)
            self.merged = list(book.get_sheet_by_name(self.name).merged_cell_ranges or [])
            book.close()
            read = True
        except Exception:  # calamine's own errors: the sheet's closing part is broken
            read = False
        with contextlib.suppress(OSError):
            os.unlink(path)
        if read:
            self._end_parsing()
        else:
            self.abandon()

    def abandon(self) -> None:
        """The sheet is read whole after all: stop, and remove what was written (once the
        piece calamine may be parsing is done)."""
        self.usable = False
        self._end_parsing()
        if self._thread is not None:
            self._thread.join()

    def _end_parsing(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
        else:
            with self._changed:
                self._done = True
                self._changed.notify_all()
            self._remove_dir()

    # -- the parsing thread

    def _parse_all(self) -> None:
        """Parse each piece as it comes; whatever happens, the reader is told when it ends."""
        from python_calamine import CalamineWorkbook

        try:
            while True:
                path = self._queue.get()
                if path is None:
                    break
                try:
                    if not self._broken:
                        book = CalamineWorkbook.from_path(path)
                        sheet = book.get_sheet_by_name(self.name)
                        book.close()
                        with self._changed:
                            if sheet.height:
                                self._pieces.append(sheet)
                            self._changed.notify_all()
                except Exception:  # calamine's own errors: the XML of this piece is broken
                    with self._changed:
                        self._broken = True
                        self._changed.notify_all()
                finally:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
        finally:
            self._remove_dir()
            with self._changed:
                self._done = True
                self._changed.notify_all()

    def _remove_dir(self) -> None:
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        _live.discard(self)

    # -- read by the import (its own thread)

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        """(Excel row number, values from column A) of every row of every piece, each piece's
        rows as soon as calamine has parsed it."""
        return itertools.chain.from_iterable(self._piece_rows())

    def _piece_rows(self) -> Iterator[Iterable[tuple[int, list[object]]]]:
        first_col: int | None = None
        width = 0
        index = 0
        while True:
            with self._changed:
                while index >= len(self._pieces) and not (self._done or self._broken):
                    self._changed.wait()
                if self._broken:
                    while not self._done:  # the pieces after it are removed first
                        self._changed.wait()
                    raise ThiduaError(
                        f"{self.display} › {self.name}: tệp bị hỏng, không đọc được (nội dung "
                        "của sheet sai cấu trúc ở giữa bảng).",
                        "Mở tệp bằng Excel, kiểm tra rồi lưu lại; hoặc nhập lại tệp gốc.",
                    )
                if index >= len(self._pieces):
                    return
                sheet = self._pieces[index]
            index += 1
            row0, col0 = sheet.start
            rows = sheet.to_python()  # the rows of its range, from its first column
            if first_col is None:
                first_col = col0
                width = col0 + sheet.width
            if col0:  # columns left of the sheet's first are padded as a whole sheet is
                left = [None] * min(col0, first_col) + [""] * max(0, col0 - first_col)
                rows = [left + values for values in rows]
            short = width - (col0 + sheet.width)
            if short > 0:  # a piece narrower than the sheet's first: its rows padded to it
                collections.deque(map(list.extend, rows, itertools.repeat([""] * short)), 0)
            yield enumerate(rows, row0 + 1)


def cleanup_all() -> None:
    """Remove the pieces of every stream still on disk (the process is ending early)."""
    for stream in list(_live):
        stream._remove_dir()
