"""Open workbooks (.xlsx/.xlsm, .xls and .ods via python-calamine, .csv via the stdlib) into
sheets that yield rows lazily, with what calamine hides recovered from the sheet XML: error
cells (#N/A) and formulas that were never calculated."""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RowError
from . import pieces, preflight
from .odsbounds import check_ods
from .pieces import PieceStream
from .preflight import FileRefused
from .sheetxml import ERROR_TEXTS, FORMULA_NO_VALUE, check_sheet, find_special_cells
from .xlsbounds import check_xls

__all__ = ["ERROR_TEXTS", "FORMULA_NO_VALUE", "Sheet", "Workbook", "file_problem", "open_workbook"]

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# sheet XML up to this size is scanned for error cells in the reading thread itself, once
# calamine is done (a few milliseconds); larger sheets are scanned in a thread beside calamine
INLINE_SCAN_BYTES = 1 << 20


@dataclass
class Sheet:
    """One worksheet. Row numbers are Excel's (1-based); values are padded to column A."""

    file: str
    name: str
    hidden: bool
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    special: dict[tuple[int, int], str] = field(default_factory=dict)  # (row1, col0) -> marker
    # rows holding a TRUE/FALSE cell: True == 1 in Python, so value caches must not see them
    bool_rows: set[int] = field(default_factory=set)
    _source: Any = None
    _row_offset: int = 0
    _col_offset: int = 0
    _csv_rows: list[list[object]] | None = None
    # .xls / .ods: a cell holding an error's text (`#N/A`) is that error; marked as rows are read
    _error_texts: bool = False
    _stream: Any = None  # a large sheet read in pieces (PieceStream)
    # the rows as read in another process (services/forked_reading.py): (Excel row number
    # before the first, the rows as `row_source` gave them there, errors' texts marked)
    _rows: tuple[int, list[list[object]]] | None = None

    def materialized(self) -> Sheet:
        """The same sheet with every row read, and nothing of calamine's: what can be sent to
        another process. Its error texts (.xls, .ods) are marked as the rows are read here."""
        if self._stream is not None:
            raise ValueError("a sheet read in pieces stays in its process")
        before, rows = self.row_source()
        kept = list(rows)  # (marks the error texts of .xls and .ods in `special` meanwhile)
        return Sheet(
            file=self.file,
            name=self.name,
            hidden=self.hidden,
            merged=list(self.merged),
            special=self.special,
            bool_rows=self.bool_rows,
            _col_offset=self._col_offset,
            _error_texts=self._error_texts,
            _rows=(before, kept),
        )

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        if self._stream is not None:  # read in pieces (sheets/pieces.py): numbered as it goes
            return self._stream.rows()  # type: ignore[no-any-return]
        before, rows = self.row_source()
        if not self._col_offset:  # no generator between calamine and the reader of each row
            return enumerate(rows, before + 1)
        return self._padded(before, rows)

    def _padded(
        self, before: int, rows: Iterator[list[object]]
    ) -> Iterator[tuple[int, list[object]]]:
        pad = [None] * self._col_offset
        for number, values in enumerate(rows, before + 1):
            yield number, pad + values

    def row_source(self) -> tuple[int, Iterator[list[object]]]:
        """(Excel row number before the first row, the rows as lists) without the padding to
        column A that `rows` adds: `values[col - col_offset]` is column `col`."""
        if self._csv_rows is not None:
            return 0, (list(values) for values in self._csv_rows)
        if self._rows is not None:  # copies: a reader may append to a row
            return self._rows[0], (list(values) for values in self._rows[1])
        if self._source is None:
            return 0, iter(())
        rows = iter(self._source.iter_rows())
        first = next(rows, None)
        if first is None:
            return 0, iter(())
        before = self._row_offset
        if before and all(value in ("", None) for value in first):
            # python-calamine yields an empty row for each unused row above the used range
            # (but does not pad the columns); those rows count, so start from row 1
            before = 0
        chained = itertools.chain([first], rows)
        if self._error_texts:
            return before, self._marking_errors(before, chained)
        return before, chained

    def _marking_errors(self, before: int, rows: Iterator[list[object]]) -> Iterator[list[object]]:
        offset = self._col_offset
        for number, values in enumerate(rows, before + 1):
            for col, value in enumerate(values):
                if value.__class__ is str and value[:1] == "#" and value.strip() in ERROR_TEXTS:
                    self.special[(number, col + offset)] = value.strip()
                    values[col] = ""
            yield values

    @property
    def height(self) -> int:
        """How many rows the sheet has, about (for a progress bar)."""
        if self._csv_rows is not None:
            return len(self._csv_rows)
        if self._rows is not None:
            return self._rows[0] + len(self._rows[1])
        if self._stream is not None:
            return self._stream.height  # type: ignore[no-any-return]
        return (self._source.height + self._row_offset) if self._source is not None else 0

    @property
    def col_offset(self) -> int:
        return self._col_offset

    def cell_marker(self, row: int, col: int) -> str | None:
        return self.special.get((row, col)) if self.special else None


@dataclass
class Workbook:
    path: Path
    display: str
    sha256: str
    sheets: list[Sheet]


def file_problem(display: str, message: str, hint: str) -> RowError:
    return RowError(display, "", None, None, "", message, hint)


def open_workbook(
    path: Path,
    display: str | None = None,
    scan_gate: threading.Event | None = None,
    checked: threading.Event | None = None,
) -> Workbook | RowError:
    """Read a file, or return one clear error naming why it cannot be read.

    The sheet-XML scan runs in a thread beside calamine once `scan_gate` is set (by a caller
    whose own thread has gone idle) or calamine is done: on two cores, calamine keeps one.
    `checked` is set once the bounded checks before calamine are over (whatever their outcome)."""
    display = display or path.name
    suffix = path.suffix.lower()
    try:
        facts = preflight.check_file(path, suffix)
    except FileRefused as refused:
        return _refused(display, refused)
    sha, head = facts.sha256, facts.head
    if suffix == ".csv":
        return _open_csv(path, display, sha)
    if not head:
        return file_problem(
            display, "Tệp rỗng (0 byte).", "Kiểm tra lại tệp, có thể bị lỗi khi tải về."
        )
    if head.startswith(preflight.OLE_MAGIC):
        if preflight.is_encrypted_ole(head, path):
            return _refused(display, FileRefused(*preflight.PASSWORD))
        try:
            xls_facts = check_xls(path)
        except FileRefused as refused:
            return _refused(display, refused)
        # Excel 97-2003 (.xls): a sheet's error cells by name, else by place (BIFF5 names
        # are in the workbook's code page)
        by_name = dict(xls_facts)
        by_place = [cells for _name, cells in xls_facts]
        return _open_plain(
            path,
            display,
            sha,
            lambda name, place: (
                False,
                by_name[name]
                if name in by_name
                else by_place[place]
                if place < len(by_place)
                else {},
            ),
        )
    if head.startswith(preflight.EMPTY_ZIP_MAGIC):
        return _refused(display, FileRefused(*preflight.DAMAGED))
    if not head.startswith(preflight.ZIP_MAGIC):
        return file_problem(
            display,
            "Không phải tệp bảng tính (.xlsx, .xls, .ods, .csv).",
            "Chỉ nhập tệp .xlsx, .xlsm, .xls, .ods hoặc .csv.",
        )
    try:
        archive = preflight.open_zip(path, facts.size, facts.data)
    except FileRefused as refused:
        return _refused(display, refused)
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        is_ods = "content.xml" in names and _zip_mimetype(archive) == _ODS_MIMETYPE
        try:
            ods_facts = check_ods(archive) if is_ods else {}
        except FileRefused as refused:
            return _refused(display, refused)
        finally:
            archive.close()
        if is_ods:

            def ods_sheet(name: str, _place: int) -> tuple[bool, dict[tuple[int, int], str]]:
                facts = ods_facts.get(name)
                return (facts.hidden, facts.special) if facts else (False, {})

            return _open_plain(path, display, sha, ods_sheet)
        return file_problem(
            display,
            "Tệp nén này không phải sổ làm việc Excel hay bảng tính OpenDocument (.ods).",
            "Chỉ nhập tệp .xlsx, .xlsm, .xls, .ods hoặc .csv.",
        )
    try:
        sheet_paths, sheet_data, streams = _checked_parts(archive, names, display)
    except FileRefused as refused:
        archive.close()
        return _refused(display, refused)
    finally:
        if checked is not None:
            checked.set()
    from python_calamine import CalamineWorkbook

    scan: _Background | None = None
    gate = scan_gate or threading.Event()
    opened = False
    try:
        book = CalamineWorkbook.from_path(str(path))
        metas = [m for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        visible = {m.name: str(m.visible).endswith("Visible") for m in metas}
        if scan_gate is None:
            gate.set()

        def scan_all() -> dict[str, tuple[dict[tuple[int, int], str], set[int]]]:
            gate.wait()
            found = {}
            for name in visible:
                if visible[name] and name in sheet_paths and name not in streams:
                    part = sheet_paths[name]
                    facts = find_special_cells(archive, part, sheet_data.get(part))
                    found[name] = (facts.special, facts.bool_rows)
            return found

        # calamine reads the cells without the GIL; the XML scan of a large sheet runs beside
        # it meanwhile. A small one is scanned once calamine is done: a thread costs more.
        unscanned = {name: shown and name not in streams for name, shown in visible.items()}
        inline = _scan_bytes(archive, unscanned, sheet_paths) <= INLINE_SCAN_BYTES
        if not inline:
            scan = _Background(scan_all)
        sheets = []
        for meta in metas:
            stream = streams.get(meta.name)
            if stream is not None:  # checked, found and being parsed piece by piece already
                sheets.append(
                    Sheet(
                        file=display,
                        name=meta.name,
                        hidden=not visible[meta.name],
                        merged=stream.merged,
                        special=stream.facts.special,
                        bool_rows=stream.facts.bool_rows,
                        _stream=stream,
                    )
                )
                continue
            source = book.get_sheet_by_name(meta.name)
            sheets.append(
                Sheet(
                    file=display,
                    name=meta.name,
                    hidden=not visible[meta.name],
                    merged=list(source.merged_cell_ranges or []),
                    _source=source,
                    _row_offset=source.start[0] if source.height else 0,
                    _col_offset=source.start[1] if source.height else 0,
                )
            )
        gate.set()
        found = scan.result() if scan is not None else scan_all()
        for sheet in sheets:
            if sheet.name in found:
                sheet.special, sheet.bool_rows = found[sheet.name]
        opened = True
    except Exception as exc:  # calamine raises its own error types for damaged parts
        return _damaged(display, exc, "Mở tệp bằng Excel, kiểm tra rồi lưu lại.")
    finally:
        if not opened:
            for stream in streams.values():
                stream.abandon()
        if scan is not None:
            gate.set()
            scan.join()  # the scan reads the archive: let it finish before closing
        archive.close()
    return Workbook(path, display, sha, sheets)


def _scan_bytes(
    archive: zipfile.ZipFile, visible: dict[str, bool], sheet_paths: dict[str, str]
) -> int:
    """The XML that `find_special_cells` reads for the visible sheets, as the zip declares it
    (an archive that lies about it fails its CRC check while being read)."""
    total = 0
    for name, shown in visible.items():
        if shown and name in sheet_paths:
            try:
                total += archive.getinfo(sheet_paths[name]).file_size
            except KeyError:
                continue
    return total


def _zip_mimetype(archive: zipfile.ZipFile) -> bytes:
    try:
        with archive.open("mimetype") as handle:
            return handle.read(100).strip()
    except (KeyError, OSError, zipfile.BadZipFile):
        return b""


def _open_plain(
    path: Path,
    display: str,
    sha: str,
    facts: Callable[[str, int], tuple[bool, dict[tuple[int, int], str]]],
) -> Workbook | RowError:
    """An .xls or .ods workbook, read by calamine, with what the bounds check found that
    calamine hides: `facts(name, place)` is a sheet's hidden flag (an .ods table style) and
    its error cells. A cell holding an error's text (`#N/A`, as a CSV does) is taken as that
    error cell too."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for place, meta in enumerate(book.sheets_metadata):
            if not str(meta.typ).endswith("WorkSheet"):
                continue
            hidden, special = facts(meta.name, place)
            source = book.get_sheet_by_name(meta.name)
            try:
                merged = list(source.merged_cell_ranges or [])
            except Exception:  # not every format keeps merged ranges
                merged = []
            sheets.append(
                Sheet(
                    file=display,
                    name=meta.name,
                    hidden=hidden or not str(meta.visible).endswith("Visible"),
                    merged=merged,
                    special=dict(special),
                    _error_texts=True,
                    _source=source,
                    _row_offset=source.start[0] if source.height else 0,
                    _col_offset=source.start[1] if source.height else 0,
                )
            )
    except Exception as exc:  # calamine raises its own error types for damaged files
        return _damaged(display, exc, "Mở tệp bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại.")
    return Workbook(path, display, sha, sheets)


class _Background:
    """Run a function in a thread; `result()` waits and returns its value or raises its error."""

    def __init__(self, function: Callable[[], Any]):
        self._value: Any = None
        self._error: BaseException | None = None

        def target() -> None:
            try:
                self._value = function()
            except BaseException as exc:  # handed over to the caller of result()
                self._error = exc

        self._thread = threading.Thread(target=target, daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _refused(display: str, refused: FileRefused) -> RowError:
    return RowError(
        display, refused.sheet, refused.row, refused.column, "", refused.message, refused.hint
    )


def _damaged(display: str, exc: Exception, hint: str) -> RowError:
    """What calamine raised, said without its class name (a password is named as such)."""
    if exc.__class__.__name__ == "PasswordError":
        return _refused(display, FileRefused(*preflight.PASSWORD))
    return file_problem(display, "Tệp bị hỏng, không đọc được.", hint)


def _checked_parts(
    archive: zipfile.ZipFile, names: set[str], display: str
) -> tuple[dict[str, str], dict[str, bytes], dict[str, PieceStream]]:
    """Every part calamine reads, checked before it does: the workbook's own parts, then each
    worksheet's used range and text. Returns sheet name -> its XML part, the data of the
    small sheet parts (INLINE_SCAN_BYTES together), read once for both scans, and the large
    sheets read in pieces as they were checked (sheets/pieces.py)."""
    kept = {}
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
        if part in names:
            kept[part] = preflight.verify_part(archive, part, keep=part != "xl/styles.xml")
    for part in names:
        if part.lower().endswith("sharedstrings.xml"):
            preflight.verify_part(archive, part)
    sheet_paths = _sheet_xml_paths(
        kept.get("xl/workbook.xml"), kept.get("xl/_rels/workbook.xml.rels")
    )
    named = {part: name for name, part in sheet_paths.items()}
    worksheets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    sheet_data: dict[str, bytes] = {}
    streams: dict[str, PieceStream] = {}
    side: dict[str, bytes] | None | bool = False  # what every piece carries, once needed
    room = INLINE_SCAN_BYTES
    try:
        for part in sorted(set(worksheets) | set(named)):
            if part not in names:
                continue
            name = named.get(part, "")
            cutter = None
            if name and archive.getinfo(part).file_size >= pieces.STREAM_BYTES:
                if side is False:
                    side = pieces.side_parts(archive, names)
                if isinstance(side, dict):
                    cutter = PieceStream(display, part, name, side)
            data = check_sheet(archive, part, name, keep=room, cutter=cutter)
            if cutter is not None and cutter.usable:
                streams[name] = cutter
            if data is not None:
                sheet_data[part] = data
                room -= len(data)
    except BaseException:
        for stream in streams.values():
            stream.abandon()
        raise
    return sheet_paths, sheet_data, streams


def _open_csv(path: Path, display: str, sha: str) -> Workbook | RowError:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        return file_problem(display, "Không đọc được bảng mã của tệp CSV.", "Lưu lại dạng UTF-8.")
    if not text.strip():
        return file_problem(display, "Tệp CSV rỗng.", "Kiểm tra lại tệp.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # the whole text, not its lines: a quoted cell may hold a newline
    try:
        rows: list[list[object]] = [
            list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)
        ]
    except csv.Error:  # a field past the csv module's limit (128 KB), or a stray NUL
        return file_problem(
            display,
            "Tệp CSV sai định dạng: có một ô dài bất thường hoặc ký tự không hợp lệ.",
            "Mở tệp bằng Excel rồi lưu lại dạng CSV (UTF-8).",
        )
    special: dict[tuple[int, int], str] = {}
    for number, values in enumerate(rows, 1):
        for col, value in enumerate(values):
            if isinstance(value, str) and value.strip().upper() in ERROR_TEXTS:
                # Excel writes an error cell as its text: treated like the error cell itself
                special[(number, col)] = value.strip().upper()
                values[col] = ""
    sheet = Sheet(file=display, name=path.stem, hidden=False, special=special, _csv_rows=rows)
    return Workbook(path, display, sha, [sheet])


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _sheet_xml_paths(workbook_xml: bytes | None, rels_xml: bytes | None) -> dict[str, str]:
    """Sheet name -> its XML part, through workbook.xml and its relationships."""
    import html

    if workbook_xml is None or rels_xml is None:
        return {}
    targets = {}
    for tag in _REL_TAG.findall(rels_xml):
        attrs = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode()
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attrs.get(b"Id", b"").decode()] = target
    result = {}
    for tag in _SHEET_TAG.findall(workbook_xml):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTR.findall(tag)}
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8"))
        rel = attrs.get(b"id", b"").decode()
        if rel in targets:
            result[name] = targets[rel]
    return result
