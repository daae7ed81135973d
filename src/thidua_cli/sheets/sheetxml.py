"""One streaming pass over a worksheet's XML, before calamine reads it: the used range is
checked against the limits (calamine allocates it densely: one stray cell at XFD1048576 is
17 billion cells), text runs are bounded, and the cells calamine hides are found — error cells
(`#N/A`) and formulas saved without a value — together with the rows holding a boolean.

Every writer's XML is understood: elements with or without a namespace prefix (`<x:c>`),
attributes in either quote. The pass is linear: the data is cut into windows at cell starts,
and a window is searched with C-speed regular expressions; Python looks only at the few places
they find. No entity is ever expanded (nothing here is an XML parser).

The used-range check is on the import's critical path (calamine waits for it): its windows
are spans of the chunks as read, not copies, and the cells common writers write are passed
over by a cheaper search than the full rule (`uncommon`, then `unvouched` where it stops;
both in sheets/cellpatterns.py).
(Decompressing one chunk ahead in a thread was tried: on two shared cores the GIL handovers
between the searches cost what the overlap saved.)"""

from __future__ import annotations

import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Protocol

from ..text import column_letter
from .cellpatterns import MAX_FAST_COLS, uncommon, unvouched
from .preflight import (
    EXCEL_MAX_COLS,
    EXCEL_MAX_ROWS,
    MAX_CELLS,
    FileRefused,
    TextRuns,
    long_text_message,
    thousands,
)

FORMULA_NO_VALUE = "=?"
# What Excel writes in place of a value that could not be computed, also as text in a CSV.
ERROR_TEXTS = frozenset(
    ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
)
CHUNK = 1 << 22
MAX_CELL_BYTES = 8 << 20  # one cell element, markup included

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
_Q = rb"[\"']"
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"  # a tag's attributes: a quoted `>` is text
_CELL_START = re.compile(rb"<" + _P + rb"c[\s/>]")
_DIMENSION = re.compile(
    rb"<" + _P + rb"dimension\s[^>]*?\bref\s*=\s*" + _Q + rb"\s*\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?\s*" + _Q
)
_SHEET_DATA = re.compile(rb"<" + _P + rb"sheetData[\s/>]")
# what the fast pass cannot vouch for: a prefixed cell or row, an `r` attribute written in an
# unusual way, a cell or row start tag without `r` as its first attribute (its place is counted)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s/>]")
_PLAIN_REF = re.compile(rb'([A-Z]{1,3})([1-9][0-9]{0,6})"')
_T_ATTR_BEFORE = re.compile(rb"\st\s*=\s*\Z")
_CELL_REF = re.compile(rb"\sr\s*=\s*" + _Q + rb"\$?([A-Z]{1,3})\$?(\d{1,7})" + _Q)
_ERROR_VALUE = re.compile(
    rb"[^>]*>\s*(?:<"
    + _P
    + rb"f\b[^>]*?(?:/>|>[^<]*</"
    + _P
    + rb"f\s*>)\s*)?<"
    + _P
    + rb"v\s*>([^<]*)<"
)
_FORMULA_START = re.compile(rb"<" + _P + rb"f[\s/>]")
_FORMULA_TAIL = re.compile(
    rb"<"
    + _P
    + rb"f\b[^>]*?(?:/>|>[^<]*</"
    + _P
    + rb"f\s*>)\s*(</"
    + _P
    + rb"c\s*>|<"
    + _P
    + rb"v\s*/>|<"
    + _P
    + rb"v\s*>\s*</"
    + _P
    + rb"v\s*>)?"
)
# the exact pass, for sheets whose dimension is missing, too large or not kept to
_TAG = re.compile(rb"<(/?)" + _P + rb"(row|c|v|is)(?=[\s/>])(" + _ATTRS + rb")(/?)>")
_ATTR_PAIR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF_PARTS = re.compile(rb"\s*\$?([A-Za-z]*)\$?(\d*)\s*\Z")


@dataclass
class SheetFacts:
    special: dict[tuple[int, int], str] = field(default_factory=dict)  # (row1, col0) -> marker
    bool_rows: set[int] = field(default_factory=set)


def col_index(letters: bytes) -> int:
    """0-based column of `AB`."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ch - 64)
    return index - 1


class Cutter(Protocol):
    """What takes the windows the fast pass vouches for (sheets/pieces.py)."""

    def feed(self, data: bytes, start: int, end: int) -> None: ...

    def finish(self, last_row: int) -> None: ...

    def abandon(self) -> None: ...


def check_sheet(
    archive: zipfile.ZipFile, part: str, sheet: str, keep: int = 0, cutter: Cutter | None = None
) -> bytes | None:
    """Check a sheet's used range and its text runs before calamine reads it; raises
    FileRefused naming the sheet (and the farthest cell) when a limit is passed. Returns the
    part's data when it is at most `keep` bytes (read in one chunk), for `find_special_cells`.
    `cutter` is given each window the fast pass vouches for, then `finish`ed; it is
    `abandon`ed when the fast pass cannot vouch for the sheet (or the sheet is refused)."""
    try:
        bounds = _Bounds(sheet)
        fast = False
        try:
            fast = bounds.run(archive, part, exact=False, cutter=cutter)
        finally:  # refused or not vouched for: the pieces are given up
            if cutter is not None:
                if fast:
                    cutter.finish(bounds.rows)
                else:
                    cutter.abandon()
        if not fast:
            bounds = _Bounds(sheet)
            bounds.run(archive, part, exact=True)
        return bounds.data if bounds.data is not None and len(bounds.data) <= keep else None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError):
        raise FileRefused(
            "Tệp bị hỏng hoặc không trọn vẹn (có thể tải về chưa hết).",
            "Tải lại tệp hoặc mở bằng Excel rồi lưu lại.",
            sheet,
        ) from None


def find_special_cells(
    archive: zipfile.ZipFile, part: str, data: bytes | None = None
) -> SheetFacts:
    """The error cells, the formulas saved without a value and the rows holding a boolean of
    a sheet that `check_sheet` has passed (`data`: the part's data, when `check_sheet` kept it)."""
    facts = SheetFacts()
    try:
        stream: IO[bytes] = archive.open(part) if data is None else io.BytesIO(data)
    except KeyError:
        return facts
    with stream:
        for window in _windows(stream):
            special_in(window, facts)
    return facts


def _windows(stream: IO[bytes], runs: TextRuns | None = None, sheet: str = "") -> Iterator[bytes]:
    """The data in windows cut at cell starts, so that no cell and no tag is split; what is
    carried over is bounded (a cell of more than MAX_CELL_BYTES is refused)."""
    for data, start, end in _spans(stream, runs, sheet):
        yield data if start == 0 and end == len(data) else data[start:end]


def _spans(
    stream: IO[bytes], runs: TextRuns | None = None, sheet: str = ""
) -> Iterator[tuple[bytes, int, int]]:
    """`_windows` as (data, start, end), most of them spans of a chunk as read, not copies:
    the cell cut at the end of one chunk is finished, in a small window of its own, with the
    start of the next chunk up to its first cell."""
    carry = b""
    while True:
        chunk = stream.read(CHUNK)
        if runs is not None:
            runs.feed(chunk)
            if runs.too_long:
                raise FileRefused(*long_text_message(), sheet)
        if not chunk:
            if carry:
                yield carry, 0, len(carry)
            return
        cut = _last_cell_start(chunk)
        first = _CELL_START.search(chunk, 0, cut + 1) if cut < len(chunk) else None
        if first is not None and _CELL_START.match(chunk, cut):
            head = first.start()
            if carry or head:
                piece = carry + chunk[:head] if carry else chunk[:head]
                yield piece, 0, len(piece)
            if cut > head:
                yield chunk, head, cut
            carry = chunk[cut:]
        else:  # no cell starts in this chunk (a cell of many tags): cut as one piece of data
            data = carry + chunk if carry else chunk
            cut = _last_cell_start(data)
            if cut:
                yield data, 0, cut
            carry = data[cut:]
        if len(carry) > MAX_CELL_BYTES:
            raise FileRefused(
                "Sheet có một ô lớn bất thường (hơn 8 MB).",
                "Mở tệp bằng Excel, xóa nội dung thừa trong ô rồi lưu lại.",
                sheet,
            )


class _Bounds:
    """The used-range check. The fast pass trusts the sheet's `<dimension>` once a search of
    every window finds no cell past it (and nothing it cannot vouch for); otherwise the exact
    pass follows every row and cell as calamine does."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.rows = 0  # the fast pass: the rows and columns vouched for so far
        self.cols = 1
        self.prefix = b""
        self.row = 0
        self.col = -1
        self.in_cell = False
        self.lo_row = self.lo_col = 1 << 30
        self.hi_row = self.hi_col = -1
        self.data: bytes | None = None  # the part, when a run read it in one chunk

    def run(
        self, archive: zipfile.ZipFile, part: str, exact: bool, cutter: Cutter | None = None
    ) -> bool:
        """False when the fast pass cannot vouch for the sheet: run the exact pass then."""
        try:
            stream = archive.open(part)
        except KeyError:
            return True
        first = True
        chunks = _Chunks(stream)
        with stream:
            for data, start, end in _spans(chunks, TextRuns(), self.sheet):
                if first and not exact:
                    self._start(data[start:end])
                first = False
                if exact:
                    self._count(data[start:end])
                elif not self._fast(data, start, end):
                    return False
                elif cutter is not None:
                    cutter.feed(data, start, end)
            self.data = chunks.whole
        if exact:
            self._check_range()
        return True

    def _start(self, window: bytes) -> None:
        """Take the columns of the sheet's `<dimension>` as the first guess of its width, and
        the namespace prefix its cells are written with."""
        root = _ROOT.search(window)
        self.prefix = (root.group(1) or b"") if root else b""
        data_at = _SHEET_DATA.search(window)
        found = _DIMENSION.search(window, 0, data_at.start() if data_at else len(window))
        if found is not None:
            cols = col_index(found.group(3) or found.group(1)) + 1
            if 0 < cols <= MAX_FAST_COLS:
                self.cols = cols

    def _fast(self, data: bytes, start: int, end: int) -> bool:
        """The fast pass over one window, data[start:end], for sheets written in order as
        every writer does: one C-speed search finds any cell whose start tag is not
        `<c r="X9">` with its column within the width vouched for (at most ZZ) and its row no
        longer than the window's last cell's row. A column just past the width widens it;
        anything else (a row below the last one, three-letter columns, a cell without `r`,
        another prefix) is for the exact pass. False when the fast pass cannot vouch for the
        window. (A search bounded at `end` sees the data as if it ended there.)"""
        prefix = self.prefix
        if prefix:
            tags = data.count(b"<" + prefix + b"c", start, end) + data.count(
                b"</" + prefix + b"c", start, end
            )
            if data.count(b":c", start, end) != tags or data.find(b"<c", start, end) >= 0:
                return False  # elements with another prefix, or none (calamine reads both)
        elif data.find(b":", start, end) >= 0 and data.find(b":c", start, end) >= 0:
            return False  # (one memchr spares most windows the search for `:c`)
        last = data.rfind(b'c r="', start, end)
        if last >= 0:
            ref = _PLAIN_REF.match(data, last + 5, end)
            if ref is None or int(ref.group(2)) < self.rows:
                return False
            self.rows = int(ref.group(2))
        digits = len(str(self.rows)) if self.rows else 1
        at = start
        while True:
            # the common cells are passed over by a cheaper search; where it stops, the full
            # rule decides (a cell it vouches for is passed over too)
            stop = uncommon(prefix, self.cols, digits).search(data, at, end)
            if stop is None:
                break
            found = unvouched(prefix, self.cols, digits).match(data, stop.start(), end)
            if found is None:
                at = stop.end()
                continue
            ref = _PLAIN_REF.match(data, found.end() + 4, end)
            if (
                data[found.end() : min(found.end() + 4, end)] != b' r="'
                or ref is None
                or len(ref.group(1)) > 2
                or int(ref.group(2)) > self.rows
                or col_index(ref.group(1)) < self.cols
            ):
                return False
            self.cols = col_index(ref.group(1)) + 1
            at = found.start()
        rows = min(10**digits - 1, EXCEL_MAX_ROWS)
        return rows * self.cols <= MAX_CELLS

    def _count(self, window: bytes) -> None:
        """The exact pass: follow rows and cells as calamine does (a missing `r` is the next
        place), and keep the range of the cells that hold a value."""
        for tag in _TAG.finditer(window):
            closing, name, attrs, empty = tag.groups()
            if closing:
                if name == b"c":
                    self.in_cell = False
                continue
            if name == b"row":
                letters, digits = _ref_of(attrs)
                self.row = int(digits) if digits else self.row + 1
                self.col = -1
            elif name == b"c":
                letters, digits = _ref_of(attrs)
                if digits:
                    self.row = int(digits)
                self.col = col_index(letters) if letters else self.col + 1
                self.in_cell = not empty
            elif self.in_cell and not empty:
                if name == b"is" or window[tag.end() : tag.end() + 1] not in (b"<", b""):
                    self._holds_value()

    def _holds_value(self) -> None:
        row, col = self.row, self.col
        if row < self.lo_row:
            self.lo_row = row
        if row > self.hi_row:
            self.hi_row = row
        if col < self.lo_col:
            self.lo_col = col
        if col > self.hi_col:
            self.hi_col = col
        if row > EXCEL_MAX_ROWS or col >= EXCEL_MAX_COLS or self._cells() > MAX_CELLS:
            self._refuse()

    def _cells(self) -> int:
        if self.hi_row < 0:
            return 0
        return (self.hi_row - self.lo_row + 1) * (self.hi_col - self.lo_col + 1)

    def _check_range(self) -> None:
        if self._cells() > MAX_CELLS:
            self._refuse()

    def _refuse(self) -> None:
        rows = self.hi_row - self.lo_row + 1
        cols = self.hi_col - self.lo_col + 1
        far = f"{column_letter(self.hi_col)}{self.hi_row}"
        raise FileRefused(
            f"Vùng dữ liệu của sheet quá lớn: có giá trị đến ô {far} ({thousands(rows)} dòng × "
            f"{thousands(cols)} cột, quá {thousands(MAX_CELLS)} ô).",
            "Trong Excel, bấm Ctrl+End để đến ô xa nhất, xóa các dòng và cột thừa ở ngoài bảng "
            "rồi lưu lại.",
            self.sheet,
            self.hi_row if self.hi_row <= EXCEL_MAX_ROWS else None,
            column_letter(self.hi_col) if self.hi_col < EXCEL_MAX_COLS else None,
        )


def special_in(window: bytes, facts: SheetFacts) -> None:
    """Add what one window (cut at cell starts) holds to `facts`."""
    # a window without `'` (or `:`) cannot hold what is searched with it: one memchr each
    # spares whole searches of the window
    single = b"'" in window
    for quoted in (b'"e"', b"'e'", b'"b"', b"'b'") if single else (b'"e"', b'"b"'):
        at = window.find(quoted)
        while at >= 0:
            _typed_cell(window, at, quoted[1:2] == b"b", facts)
            at = window.find(quoted, at + 3)
    for opening in (b"<f", b":f") if b":" in window else (b"<f",):
        at = window.find(opening)
        while at >= 0:
            start = window.rfind(b"<", 0, at + 1)
            if _FORMULA_START.match(window, start):
                _formula(window, start, facts)
            at = window.find(opening, at + 2)


def _typed_cell(window: bytes, at: int, boolean: bool, facts: SheetFacts) -> None:
    """`t="e"` or `t="b"` at `at`, if it is the type of a cell."""
    if not _T_ATTR_BEFORE.search(window, max(0, at - 32), at):
        return
    start = window.rfind(b"<", 0, at)
    if start < 0 or not _CELL_START.match(window, start):
        return
    ref = _CELL_REF.search(window, start, window.find(b">", at) + 1 or len(window))
    if ref is None:
        return
    row = int(ref.group(2))
    if boolean:
        facts.bool_rows.add(row)
        return
    value = _ERROR_VALUE.match(window, at + 3)
    code = value.group(1).decode("utf-8", "replace").strip() if value else ""
    facts.special[(row, col_index(ref.group(1)))] = code[:16] or "#ERROR"


def _formula(window: bytes, at: int, facts: SheetFacts) -> None:
    """A formula element at `at`: its cell is marked when no cached value follows."""
    start = window.rfind(b"<", 0, at)
    if start < 0 or not _CELL_START.match(window, start):
        return
    tail = _FORMULA_TAIL.match(window, at)
    if tail is None or tail.group(1) is None:
        return  # a cached <v>value</v> follows
    ref = _CELL_REF.search(window, start, at)
    if ref is not None:
        key = (int(ref.group(2)), col_index(ref.group(1)))
        facts.special.setdefault(key, FORMULA_NO_VALUE)


def _ref_of(attrs: bytes) -> tuple[bytes, bytes]:
    """The column letters and row digits of a tag's `r` attribute (empty when absent)."""
    found = b"", b""
    for pair in _ATTR_PAIR.finditer(attrs):  # the last `r` counts, as calamine takes it
        if pair.group(1) == b"r":
            value = pair.group(2) if pair.group(2) is not None else pair.group(3)
            parts = _REF_PARTS.match(html.unescape(value.decode("utf-8", "replace")).encode())
            if parts:
                digits = (parts.group(2).lstrip(b"0") or parts.group(2)[:1])[:8]
                found = parts.group(1)[:4], digits
    return found


def _last_cell_start(data: bytes) -> int:
    """Where to cut a chunk so that no cell (and no tag) is split: the last cell start, else
    the last tag start, else nowhere (the whole chunk is text: the text-run check ends it)."""
    end = len(data)
    last_tag = data.rfind(b"<")
    position = last_tag
    for _ in range(64):  # the last cell start is a few tags back in any real sheet
        if position < 0:
            break
        if _CELL_START.match(data, position):
            return position
        position = data.rfind(b"<", 0, position)
    return last_tag if last_tag >= 0 else end


class _Chunks:
    """A part's stream, read in chunks; `whole` is the part's data when it came in one."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._seen: list[bytes] = []  # the first two chunks read

    def read(self, size: int) -> bytes:
        chunk = self._stream.read(size)
        if len(self._seen) < 2:
            self._seen.append(chunk)
        return chunk

    @property
    def whole(self) -> bytes | None:
        if len(self._seen) == 2 and not self._seen[1]:
            return self._seen[0]
        return None
