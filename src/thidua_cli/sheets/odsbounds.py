"""The used range of an OpenDocument spreadsheet (.ods), checked before calamine reads it: a
row or cell may say it repeats (`number-rows-repeated="1000000"`), and calamine writes every
repetition of a value out densely. Empty repeated rows and cells (LibreOffice ends every sheet
with a million of them) cost nothing and are not counted."""

from __future__ import annotations

import re
import zipfile
import zlib

from .preflight import (
    DAMAGED,
    EXCEL_MAX_ROWS,
    MAX_CELLS,
    FileRefused,
    TextRuns,
    long_text_message,
    thousands,
)

_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']\s*(\d{1,12})")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']\s*(\d{1,12})")
_NAME = re.compile(rb"\bname\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE_TYPE = re.compile(rb"value-type\s*=")
CHUNK = 1 << 22


def check_ods(archive: zipfile.ZipFile) -> None:
    """Raise FileRefused when a sheet of the workbook would be too large to hold."""
    try:
        stream = archive.open("content.xml")
    except KeyError:
        return
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
        raise FileRefused(*DAMAGED) from None
    bounds = _Bounds()
    runs = TextRuns()
    carry = b""
    try:
        with stream:
            while True:
                chunk = stream.read(CHUNK)
                runs.feed(chunk)
                if runs.too_long:
                    raise FileRefused(*long_text_message())
                data = carry + chunk
                cut = data.rfind(b"<") if chunk else len(data)
                if cut < 0:
                    cut = len(data)
                bounds.feed(data[:cut])
                carry = data[cut:]
                if not chunk:
                    break
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise FileRefused(*DAMAGED) from None


class _Bounds:
    def __init__(self) -> None:
        self.sheet = ""
        self.row = 0  # rows before the current one, in this sheet
        self.row_repeat = 1
        self.col = 0
        self.row_width = 0  # columns up to the last value of the current row
        self.rows = 0  # rows up to the last row holding a value
        self.cols = 0

    def feed(self, data: bytes) -> None:
        for tag in _TAG.finditer(data):
            closing, name, attrs, empty = tag.groups()
            if name == b"table":
                if closing:
                    self._check()
                else:
                    found = _NAME.search(attrs)
                    raw = (found.group(1) or found.group(2) or b"") if found else b""
                    self.sheet = raw.decode("utf-8", "replace")
                    self.row = self.rows = self.cols = 0
            elif name == b"table-row":
                if closing:
                    self._end_row()
                else:
                    repeat = _ROWS_REPEATED.search(attrs)
                    self.row_repeat = int(repeat.group(1)) if repeat else 1
                    self.col = self.row_width = 0
                    if empty:
                        self._end_row()
            elif not closing:
                repeat = _COLUMNS_REPEATED.search(attrs)
                count = int(repeat.group(1)) if repeat else 1
                if not empty or _VALUE_TYPE.search(attrs):
                    self.row_width = self.col + count
                self.col += count

    def _end_row(self) -> None:
        if self.row_width:
            self.rows = self.row + self.row_repeat
            self.cols = max(self.cols, self.row_width)
            self._check()
        self.row += self.row_repeat

    def _check(self) -> None:
        if self.rows * self.cols > MAX_CELLS or self.rows > EXCEL_MAX_ROWS:
            raise FileRefused(
                f"Vùng dữ liệu của sheet quá lớn: {thousands(self.rows)} dòng × "
                f"{thousands(self.cols)} cột có giá trị, quá {thousands(MAX_CELLS)} ô (các dòng, "
                "ô lặp lại được tính đủ).",
                "Mở tệp bằng LibreOffice hoặc Excel, xóa các dòng và cột thừa ở ngoài bảng "
                "rồi lưu lại.",
                self.sheet,
            )
