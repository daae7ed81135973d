"""The used range of an OpenDocument spreadsheet (.ods), checked before calamine reads it: a
row or cell may say it repeats (`number-rows-repeated="1000000"`), and calamine writes every
repetition of a value out densely. Empty repeated rows and cells (LibreOffice ends every sheet
with a million of them) cost nothing and are not counted.

The same pass finds what calamine hides: error cells (LibreOffice writes `#N/A` as the text of
a formula cell of value type `error`, calamine reads it as an empty cell), formulas saved
without a value, and sheets hidden through their table style (`table:display="false"`)."""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from .preflight import (
    DAMAGED,
    EXCEL_MAX_ROWS,
    MAX_CELLS,
    MAX_ERROR_CELLS,
    FileRefused,
    TextRuns,
    long_text_message,
    thousands,
    too_many_errors,
)
from .sheetxml import ERROR_TEXTS, FORMULA_NO_VALUE

_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?"
    rb"(table-row|table-cell|covered-table-cell|table-properties|table|properties|style|p)"
    rb"(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']\s*(\d{1,12})")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']\s*(\d{1,12})")
# `table:name`, `style:name` (not `table:style-name` nor `style:parent-style-name`, which a
# writer may put first)
_NAME = re.compile(rb"(?:^|[\s:])name\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE_TYPE = re.compile(rb"value-type\s*=")
_ERROR_TYPE = re.compile(rb"value-type\s*=\s*[\"']\s*error\s*[\"']")
_FORMULA = re.compile(rb"\bformula\s*=")
_STYLE_NAME = re.compile(rb"(?:^|[\s:])style-name\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_DISPLAY_FALSE = re.compile(rb"\bdisplay\s*=\s*[\"']\s*false\s*[\"']", re.IGNORECASE)
CHUNK = 1 << 22
_LIBREOFFICE_ERROR = re.compile(r"Err:\d{3}\Z")  # LibreOffice's own errors: Err:502


@dataclass
class OdsSheetFacts:
    """What content.xml says of one sheet that calamine does not: its hidden flag, and its
    error cells and formulas without a value, (row1, col0) -> marker as `Sheet.special`."""

    hidden: bool = False
    special: dict[tuple[int, int], str] = field(default_factory=dict)


def check_ods(archive: zipfile.ZipFile) -> dict[str, OdsSheetFacts]:
    """Raise FileRefused when a sheet of the workbook would be too large to hold; else return
    each sheet's facts by name."""
    try:
        stream = archive.open("content.xml")
    except KeyError:
        return {}
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
    return bounds.facts()


class _Bounds:
    def __init__(self) -> None:
        self.sheet = ""
        self.sheets: list[tuple[str, bytes, dict[tuple[int, int], str]]] = []
        self.special: dict[tuple[int, int], str] = {}
        self.table_style = b""
        self.hidden_styles: set[bytes] = set()
        self.style = b""  # the style:style being read
        self.depth = 0  # tables inside tables (a subtable's cells are not the sheet's)
        # the cell being read that may be an error: (rows, columns, what it is, its text)
        self.pending: tuple[range, range, str, str | None] | None = None
        self.row = 0  # rows before the current one, in this sheet
        self.row_repeat = 1
        self.col = 0
        self.row_width = 0  # columns up to the last value of the current row
        self.rows = 0  # rows up to the last row holding a value
        self.cols = 0

    def facts(self) -> dict[str, OdsSheetFacts]:
        found: dict[str, OdsSheetFacts] = {}
        for name, style, special in self.sheets:
            found.setdefault(name, OdsSheetFacts(style in self.hidden_styles, special))
        return found

    def feed(self, data: bytes) -> None:
        for tag in _TAG.finditer(data):
            closing, name, attrs, empty = tag.groups()
            if name == b"table":
                if closing:
                    self.depth -= 1
                    if self.depth == 0:
                        self._check()
                        self.sheets.append((self.sheet, self.table_style, self.special))
                    continue
                self.depth += 1
                if self.depth > 1 or empty:
                    self.depth -= 1 if empty else 0
                    continue
                found = _NAME.search(attrs)
                raw = (found.group(1) or found.group(2) or b"") if found else b""
                self.sheet = html.unescape(raw.decode("utf-8", "replace"))
                style = _STYLE_NAME.search(attrs)
                self.table_style = (style.group(1) or style.group(2) or b"") if style else b""
                self.special = {}
                self.row = self.rows = self.cols = 0
            elif name == b"style":
                if not closing:
                    found = _NAME.search(attrs)
                    self.style = (found.group(1) or found.group(2) or b"") if found else b""
            elif name in (b"table-properties", b"properties"):
                if not closing and self.style and _DISPLAY_FALSE.search(attrs):
                    self.hidden_styles.add(self.style)
            elif name == b"p":
                pending = self.pending
                if pending is not None and not closing and pending[3] is None:
                    end = data.find(b"<", tag.end())
                    text = data[tag.end() : end if end >= 0 else len(data)]
                    value = html.unescape(text.decode("utf-8", "replace")).strip()
                    self.pending = (pending[0], pending[1], pending[2], value)
            elif self.depth != 1:
                continue
            elif name == b"table-row":
                if closing:
                    self._end_row()
                else:
                    repeat = _ROWS_REPEATED.search(attrs)
                    self.row_repeat = int(repeat.group(1)) if repeat else 1
                    self.col = self.row_width = 0
                    if empty:
                        self._end_row()
            elif closing:
                if self.pending is not None:
                    self._mark()
            else:
                repeat = _COLUMNS_REPEATED.search(attrs)
                count = int(repeat.group(1)) if repeat else 1
                if not empty or _VALUE_TYPE.search(attrs):
                    self.row_width = self.col + count
                if b"formula" in attrs or b"error" in attrs:
                    self._may_be_error(attrs, count, bool(empty))
                self.col += count

    def _may_be_error(self, attrs: bytes, count: int, empty: bool) -> None:
        """A cell start tag with a formula or an error type: read it to its end."""
        if _ERROR_TYPE.search(attrs):
            what = "error"
        elif not _FORMULA.search(attrs):
            return
        elif _VALUE_TYPE.search(attrs):
            what = "formula"  # an error only if its text is one (older LibreOffice)
        else:
            what = "no value"
        rows = range(self.row + 1, self.row + self.row_repeat + 1)
        self.pending = (rows, range(self.col, self.col + count), what, None)
        if empty:
            self._mark()

    def _mark(self) -> None:
        assert self.pending is not None
        rows, cols, what, text = self.pending
        self.pending = None
        text = text or ""
        if what == "no value":
            marker = FORMULA_NO_VALUE
        elif text in ERROR_TEXTS or _LIBREOFFICE_ERROR.match(text):
            marker = text
        elif what == "error":
            marker = text[:16] if text.startswith("#") else "#ERROR"
        else:
            return
        if len(self.special) + len(rows) * len(cols) > MAX_ERROR_CELLS:
            raise FileRefused(*too_many_errors(), self.sheet)
        for row in rows:
            for col in cols:
                self.special[(row, col)] = marker

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
