"""The used range of an Excel 97-2003 workbook (.xls), checked before calamine reads it. The
cells of an .xls are BIFF8 records inside an OLE compound file; a record names any row and any
column up to 65,535, and calamine holds each sheet's range densely — one record at the far
corner is four billion cells. This reads the compound file's allocation table, follows the
`Workbook` stream and looks at each cell record's row and column, nothing else."""

from __future__ import annotations

import struct
from pathlib import Path

from .preflight import DAMAGED, MAX_CELLS, FileRefused, thousands

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
# BIFF8 records that put a value in a cell (row, column first); MULRK ends with the last column
_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK = 0x00BD
_BOF, _EOF = 0x0809, 0x000A


def check_xls(path: Path) -> None:
    """Raise FileRefused when a sheet's used range is too large, or the container is broken
    in a way that would send a reader in circles."""
    data = path.read_bytes()  # the file's size is already bounded
    try:
        stream = _workbook_stream(data)
    except (struct.error, IndexError, ValueError):
        raise FileRefused(*DAMAGED) from None
    if stream is None:
        return  # not a workbook: calamine says so itself
    _check_records(stream)


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


def _check_records(stream: bytes) -> None:
    at, sheet = 0, -1
    rows = cols = 0
    end = len(stream)
    while at + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        body = at + 4
        if kind == _BOF:
            sheet += 1
            rows = cols = 0
        elif kind in _CELL_RECORDS and length >= 4 and body + 4 <= end:
            row, col = struct.unpack_from("<HH", stream, body)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
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
