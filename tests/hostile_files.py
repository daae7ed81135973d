"""Hostile and broken files, built in code (issue 12, SPEC §3.2): workbooks written by hand as
zip parts so that each can lie exactly where an attacker or a broken writer would — in the
zip directory, the sheet's dimension, a cell reference, a namespace prefix, a cell's size."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN_NS + '" xmlns:r="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name='
    '"Chấm điểm" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)

SCORE_HEADER = ["Năm", "Kỳ", "Mã ĐV", "Mã tiêu chí", "Tự chấm"]


@dataclass(frozen=True)
class Raw:
    """A cell written as given: `attrs` on the `<c>` tag (besides `r`), `body` inside it."""

    body: str
    attrs: str = ""


def cell_xml(ref: str, value: object, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    if isinstance(value, Raw):
        return f'<{p}c r="{ref}"{value.attrs}>{value.body}</{p}c>'
    if isinstance(value, (int, float)):
        return f'<{p}c r="{ref}"><{p}v>{value}</{p}v></{p}c>'
    text = escape(str(value))
    return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{text}</{p}t></{p}is></{p}c>'


def sheet_xml(
    rows: Sequence[Sequence[object]],
    *,
    prefix: str = "",
    dimension: str | None = "auto",
    extra_rows: str = "",
) -> str:
    """A worksheet part: `rows` from A1 down; `extra_rows` is raw XML after them."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    body = []
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            cell_xml(f"{chr(65 + col)}{number}", value, prefix)
            for col, value in enumerate(values)
            if value is not None
        )
        body.append(f'<{p}row r="{number}">{cells}</{p}row>')
    if dimension == "auto":
        width = max((len(r) for r in rows), default=1)
        dimension = f"A1:{chr(64 + width)}{max(len(rows), 1)}"
    dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>{dim}<{p}sheetData>'
        + "".join(body)
        + extra_rows
        + f"</{p}sheetData></{p}worksheet>"
    )


def score_rows(value: object) -> list[list[object]]:
    """A long score sheet of one row whose `Tự chấm` cell is `value` (unit TD, criterion 1.1)."""
    return [SCORE_HEADER, [2023, "Cả năm", "TD", "1.1", value]]


def xlsx(
    path: Path,
    sheet: str | bytes,
    *,
    shared_strings: str | None = None,
    extra: dict[str, bytes] | None = None,
    workbook: str = _WORKBOOK,
) -> Path:
    """A workbook of one sheet (`Chấm điểm`) holding the given sheet XML."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def xlsx_streamed(path: Path, parts: Sequence[bytes | Callable[[], bytes]], repeat: int) -> Path:
    """A workbook whose sheet XML is `head + middle * repeat + tail`, compressed as it is
    written (a sheet of hundreds of megabytes in a file of kilobytes)."""
    head, middle, tail = (part() if callable(part) else part for part in parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(head)
            for _ in range(repeat):
                stream.write(middle)
            stream.write(tail)
    return path


def lying_sizes(path: Path, member: str, declared: int) -> Path:
    """Rewrite the zip directory so that `member` declares `declared` bytes decompressed (a
    bomb's headers, without writing the bomb)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            break
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, declared)
        at += 4
    path.write_bytes(bytes(data))
    return path


def set_flag(path: Path, member: str, flag: int) -> Path:
    """Set a general-purpose flag bit (1: encrypted) on `member` in both of its headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, flags_at, name_len_at, name_at in (
        (b"PK\x03\x04", 6, 26, 30),
        (b"PK\x01\x02", 8, 28, 46),
    ):
        at = 0
        while True:
            at = data.find(signature, at)
            if at < 0:
                break
            name_len = struct.unpack_from("<H", data, at + name_len_at)[0]
            if bytes(data[at + name_at : at + name_at + name_len]) == name:
                old = struct.unpack_from("<H", data, at + flags_at)[0]
                struct.pack_into("<H", data, at + flags_at, old | flag)
            at += 4
    path.write_bytes(bytes(data))
    return path


def claim_entries(path: Path, entries: int) -> Path:
    """The end record claims `entries` entries."""
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, entries, entries)
    path.write_bytes(bytes(data))
    return path


def corrupt_member(path: Path, member: str) -> Path:
    """Flip bytes inside `member`'s compressed data (its CRC no longer matches)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40)):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def deflate_bomb(path: Path, size: int) -> Path:
    """A workbook whose sheet part is `size` bytes of spaces (an honest bomb: sizes declared)."""
    return xlsx_streamed(
        path,
        [b'<worksheet xmlns="' + MAIN_NS.encode() + b'">', b" " * (1 << 20), b""],
        size >> 20,
    )


def ods(path: Path, body: str) -> Path:
    """An OpenDocument spreadsheet of one sheet whose rows are `body`."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
        'names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
        'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Chấm '
        'điểm">' + body + "</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def xls_with_far_cell(path: Path, row: int, col: int, patch_col: int | None = None) -> Path:
    """An Excel 97-2003 workbook (xlwt) holding the score sheet and one number at (row, col);
    `patch_col` rewrites that cell's column in the file, past what Excel allows."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Chấm điểm")
    for number, values in enumerate(score_rows(9)):
        for column, value in enumerate(values):
            sheet.write(number, column, value)
    sheet.write(row, col, 12345.5)
    book.save(str(path))
    if patch_col is not None:
        data = bytearray(path.read_bytes())
        at = data.find(struct.pack("<HHHH", 0x027E, 10, row, col))  # the RK record
        assert at >= 0
        struct.pack_into("<H", data, at + 6, patch_col)
        path.write_bytes(bytes(data))
    return path
