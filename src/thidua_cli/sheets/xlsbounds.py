"""The used range of an Excel 97-2003 workbook (.xls), checked before calamine reads it. The
cells of an .xls are BIFF8 records inside an OLE compound file; a record names any row and any
column up to 65,535, and calamine holds each sheet's range densely — one record at the far
corner is four billion cells. This reads the compound file's allocation table, follows the
`Workbook` stream and looks at each cell record's row and column.

The same walk finds the error cells calamine reads as empty cells: a BOOLERR record holding an
error (a `#N/A` typed in) and a FORMULA record whose cached result is an error (`=NA()`, a
VLOOKUP that found nothing), each under its sheet's name from the BOUNDSHEET records."""

from __future__ import annotations

import struct
from pathlib import Path

from .preflight import (
    DAMAGED,
    MAX_CELLS,
    MAX_ERROR_CELLS,
    FileRefused,
    thousands,
    too_many_errors,
)

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
# BIFF8 records that put a value in a cell (row, column first); MULRK ends with the last column
_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK = 0x00BD
_BOF, _EOF = 0x0809, 0x000A
_BOUNDSHEET, _BOOLERR, _FORMULA = 0x0085, 0x0205, 0x0006
# BIFF8 error codes (BOOLERR, a FORMULA's cached result) and what Excel shows for them
_ERROR_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}

# each sheet in workbook order: its name and its error cells, (row1, col0) -> the error's text
XlsFacts = list[tuple[str, dict[tuple[int, int], str]]]


def check_xls(path: Path) -> XlsFacts:
    """Raise FileRefused when a sheet's used range is too large, or the container is broken
    in a way that would send a reader in circles; else return each sheet's error cells."""
    data = path.read_bytes()  # the file's size is already bounded
    try:
        stream = _workbook_stream(data)
    except (struct.error, IndexError, ValueError):
        raise FileRefused(*DAMAGED) from None
    if stream is None:
        return []  # not a workbook: calamine says so itself
    return _check_records(stream)


def _workbook_stream(data: bytes) -> bytes | None:
    if len(data) < 512:
        raise ValueError("short")
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):
        raise ValueError("sector size")
    size = 1 << shift
    fat_count, first_dir = struct.unpack_from("<II", data, 44)
    mini_cutoff, first_minifat, _minifat_count, first_difat, difat_count = struct.unpack_from(
        "<IIIII", data, 56
    )
    sectors = (len(data) - 512) // size + 1

    def sector(index: int) -> bytes:
        if index >= sectors:
            raise ValueError("sector")
        start = 512 + index * size
        return data[start : start + size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s not in (_FREE, _END)]
    next_difat, seen = first_difat, 0
    while next_difat not in (_FREE, _END) and seen <= difat_count and seen < sectors:
        block = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors.extend(s for s in block[:-1] if s not in (_FREE, _END))
        next_difat = block[-1]
        seen += 1
    fat: list[int] = []
    for index in fat_sectors[: max(fat_count, 0) or len(fat_sectors)]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(index)))

    def chain(start: int, limit: int) -> bytes:
        parts, current, count = [], start, 0
        while current not in (_FREE, _END):
            if current >= len(fat) or count > len(fat):
                raise ValueError("chain")
            parts.append(sector(current))
            count += 1
            if count * size >= limit:
                break
            current = fat[current]
        return b"".join(parts)[:limit]

    directory = chain(first_dir, sectors * size)
    root_start, root_size, stream_start, stream_size = None, 0, None, 0
    for at in range(0, len(directory) - 127, 128):
        name_len = struct.unpack_from("<H", directory, at + 64)[0]
        name = directory[at : at + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        kind = directory[at + 66]
        start, low = struct.unpack_from("<II", directory, at + 116)
        if kind == 5:
            root_start, root_size = start, low
        elif kind == 2 and name in ("Workbook", "Book"):
            stream_start, stream_size = start, low
    if stream_start is None:
        return None
    if stream_size >= mini_cutoff or root_start is None:
        return chain(stream_start, stream_size)
    # a small workbook lives in the mini stream, in 64-byte pieces
    mini_stream = chain(root_start, root_size)
    minifat_bytes = chain(first_minifat, sectors * size)
    minifat = struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes)
    parts, current, count = [], stream_start, 0
    while current not in (_FREE, _END) and count * 64 < stream_size:
        if current >= len(minifat) or count > len(minifat):
            raise ValueError("mini chain")
        parts.append(mini_stream[current * 64 : current * 64 + 64])
        current = minifat[current]
        count += 1
    return b"".join(parts)[:stream_size]


def _check_records(stream: bytes) -> XlsFacts:
    at, sheet = 0, -1
    rows = cols = 0
    end = len(stream)
    biff8 = True
    sheets: XlsFacts = []
    starts: dict[int, dict[tuple[int, int], str]] = {}  # a sheet's BOF position -> its cells
    # the substreams open at this point (an embedded chart nests in a sheet): their cells
    within: list[dict[tuple[int, int], str] | None] = []
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        body = at + 4
        if kind == _BOF:
            if sheet < 0 and length >= 2 and body + 2 <= end:
                biff8 = struct.unpack_from("<H", stream, body)[0] == 0x0600
            sheet += 1
            rows = cols = 0
            within.append(starts.get(at))
        elif kind == _EOF:
            if within:
                within.pop()
        elif kind == _BOUNDSHEET and body + length <= end and length >= 7:
            cells: dict[tuple[int, int], str] = {}
            starts[struct.unpack_from("<I", stream, body)[0]] = cells
            sheets.append((_sheet_name(stream[body + 6 : body + length], biff8), cells))
        elif kind in _CELL_RECORDS and length >= 4 and body + 4 <= end:
            row, col = struct.unpack_from("<HH", stream, body)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
            if kind in (_BOOLERR, _FORMULA) and within and within[-1] is not None:
                code = _error_code(stream, kind, body, length)
                if code is not None:
                    marks = within[-1]
                    if len(marks) >= MAX_ERROR_CELLS:
                        raise FileRefused(*too_many_errors(), name_of(sheets, marks))
                    marks[(row + 1, col)] = _ERROR_CODES.get(code, "#ERROR")
        elif kind == _MULRK and length >= 6 and body + length <= end:
            row = struct.unpack_from("<H", stream, body)[0]
            last = struct.unpack_from("<H", stream, body + length - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, last + 1)
        if rows * cols > MAX_CELLS:
            raise FileRefused(
                f"Vùng dữ liệu của sheet thứ {max(sheet, 1)} quá lớn: đến dòng "
                f"{thousands(rows)}, cột {thousands(cols)} (quá {thousands(MAX_CELLS)} ô).",
                "Mở tệp bằng Excel, xóa các dòng và cột thừa ở ngoài bảng rồi lưu lại "
                "(tốt nhất dưới dạng .xlsx).",
            )
        at = body + length
    return sheets


def _error_code(stream: bytes, kind: int, body: int, length: int) -> int | None:
    """The error code a BOOLERR or FORMULA record holds, or None when it holds no error."""
    if kind == _BOOLERR:
        if length >= 8 and body + 8 <= len(stream) and stream[body + 7] == 1:
            return stream[body + 6]
        return None
    # FORMULA: the cached result (8 bytes at 6) is an error when its last two bytes are
    # 0xFFFF and its first byte is 2; the code is its third byte
    if length >= 14 and body + 14 <= len(stream):
        if stream[body + 12 : body + 14] == b"\xff\xff" and stream[body + 6] == 2:
            return stream[body + 8]
    return None


def _sheet_name(raw: bytes, biff8: bool) -> str:
    """A BOUNDSHEET record's name: a length byte, then (BIFF8) a flags byte and the characters,
    one byte each or UTF-16."""
    if not raw:
        return ""
    count = raw[0]
    if not biff8:
        return raw[1 : 1 + count].decode("cp1252", "replace")
    if len(raw) < 2:
        return ""
    if raw[1] & 1:
        return raw[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    return raw[2 : 2 + count].decode("latin-1")


def name_of(sheets: XlsFacts, marks: dict[tuple[int, int], str]) -> str:
    return next((name for name, cells in sheets if cells is marks), "")
