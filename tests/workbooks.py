"""Fixture workbooks for the import tests, built with openpyxl in the shapes clerks really send
(SPEC §3): title rows over the header, two-row merged headers, numbering rows, STT columns,
blank rows, decimal commas as text, `#N/A` cells, hidden sheets, total rows, formulas that
were never calculated.

A workbook is a list of `Table`s; each table is one sheet. Cell values are written as given,
except the markers `NA` / `REF` (an Excel error cell) and text starting with `=` (a formula,
saved by openpyxl without a cached value)."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class ErrorCell:
    code: str


NA = ErrorCell("#N/A")


@dataclass
class Table:
    """One sheet: title rows, a header (one or two rows deep), a numbering row, data rows.

    `header2` is the second header row; a top cell followed by `None` cells is merged over
    them (`Điểm` over `Tự chấm | Thống nhất`) and a top cell with nothing below is merged
    down, as Excel users draw it. A row given as `None` is left blank."""

    name: str
    header: Sequence[str | None]
    rows: Sequence[Sequence[object] | None] = ()
    titles: Sequence[str] = ()
    header2: Sequence[str | None] | None = None
    numbering: bool | str = False  # True: (1) (2) …; "plain": the numbers 1 2 3 …
    hidden: bool = False

    @property
    def header_row(self) -> int:
        """Excel row of the (first) header row: titles, then one blank row."""
        return len(self.titles) + 2 if self.titles else 1

    @property
    def first_data_row(self) -> int:
        row = self.header_row + (2 if self.header2 else 1)
        return row + 1 if self.numbering else row

    def row_of(self, index: int) -> int:
        """Excel row of `rows[index]`."""
        return self.first_data_row + index


def write(path: Path, *tables: Table) -> Path:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _write_table(book.create_sheet(table.name), table)
    if all(t.hidden for t in tables):
        book.create_sheet("Trống")
    book.active = next(i for i, t in enumerate(book.worksheets) if t.sheet_state == "visible")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _put(sheet: Worksheet, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, ErrorCell):
        cell.value = value.code
        cell.data_type = "e"
    else:
        cell.value = value


def _write_table(sheet: Worksheet, table: Table) -> None:
    width = len(table.header)
    for row, text in enumerate(table.titles, start=1):
        sheet.cell(row=row, column=1, value=text)
        if width > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    top = table.header_row
    for column, text in enumerate(table.header, start=1):
        if text is not None:
            sheet.cell(row=top, column=column, value=text)
    if table.header2 is not None:
        for column, text in enumerate(table.header2, start=1):
            if text is not None:
                sheet.cell(row=top + 1, column=column, value=text)
        column = 1
        while column <= width:
            above = table.header[column - 1]
            below = table.header2[column - 1] if column - 1 < len(table.header2) else None
            span = column
            while span < width and table.header[span] is None and table.header2[span] is not None:
                span += 1
            if above is not None and below is not None and span > column:
                sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=span)
            elif above is not None and below is None:
                sheet.merge_cells(
                    start_row=top, start_column=column, end_row=top + 1, end_column=column
                )
            column = span + 1
    row = top + (2 if table.header2 is not None else 1)
    if table.numbering:
        for column in range(1, width + 1):
            number = column if table.numbering == "plain" else f"({column})"
            sheet.cell(row=row, column=column, value=number)
        row += 1
    for values in table.rows:
        if values is not None:
            for column, value in enumerate(values, start=1):
                if value is not None:
                    _put(sheet, row, column, value)
        row += 1
    if table.hidden:
        sheet.sheet_state = "hidden"


# ---------------------------------------------------------------- the cluster used in tests

# (code, name, short name, rotation order, other names)
UNITS = [
    ("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", "MTTQ tỉnh", 1, "Mặt trận Tổ quốc tỉnh"),
    ("LDLD", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", 2, ""),
    ("CCB", "Hội Cựu chiến binh tỉnh", "Hội CCB", 3, ""),
    ("TD", "Tỉnh Đoàn", "Tỉnh Đoàn", 4, "Đoàn TNCS Hồ Chí Minh tỉnh"),
    ("HND", "Hội Nông dân tỉnh", "Hội ND", 5, ""),
    ("HPN", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN", 6, ""),
    ("LMHTX", "Liên minh Hợp tác xã tỉnh", "LMHTX", 7, ""),
    ("CTD", "Hội Chữ thập đỏ tỉnh", "Hội CTĐ", 8, ""),
]
CODES = [u[0] for u in UNITS]
NAMES = {u[0]: u[1] for u in UNITS}
MEMBERS_2022 = CODES[:7]  # the Red Cross joined in 2023

# (code, title, max, kind) in sheet order; base leaves 1.1, 1.2, 2, 3, 4 sum to 100
CRITERIA_2023: list[tuple[str, str, object, str]] = [
    ("I", "Thực hiện nhiệm vụ chính trị", 70, ""),
    ("1", "Công tác tuyên truyền", 40, ""),
    ("1.1", "Tuyên truyền Nghị quyết của Đảng", 20, ""),
    ("1.2", "Phổ biến, giáo dục pháp luật", 20, ""),
    ("2", "Phát triển hội viên, đoàn viên", 30, ""),
    ("II", "Công tác thi đua, khen thưởng", 30, ""),
    ("3", "Tổ chức phong trào thi đua", 20, ""),
    ("4", "Báo cáo đúng hạn, đầy đủ", 10, ""),
    ("III", "Điểm thưởng", 10, "Thưởng"),
    ("5", "Sáng kiến được công nhận", 6, ""),
    ("6", "Được Trung ương khen thưởng", 4, ""),
    ("IV", "Điểm trừ", 5, "Trừ"),
    ("7", "Chậm nộp báo cáo", 5, ""),
    ("V", "Điểm liệt", None, "Liệt"),
    ("8", "Để xảy ra sai phạm nghiêm trọng", None, ""),
]

# 2022: a smaller table; code 9 exists only in 2022
CRITERIA_2022: list[tuple[str, str, object, str]] = [
    ("I", "Nhiệm vụ trọng tâm", 100, ""),
    ("1", "Công tác tuyên truyền", 40, ""),
    ("2", "Phát triển hội viên", 30, ""),
    ("9", "Công tác xây dựng tổ chức", 30, ""),
]


def members_table(years: dict[int, list[str]] | None = None, *, name: str = "Đơn vị") -> Table:
    """Title rows, `Ma don vi` (no accents) header, STT, numbering row, blank rows between."""
    years = years or {2022: MEMBERS_2022, 2023: CODES}
    rows: list[Sequence[object] | None] = []
    number = 0
    for year, codes in sorted(years.items()):
        for code in codes:
            unit = next(u for u in UNITS if u[0] == code)
            number += 1
            rows.append([number, code, unit[1], unit[2], year, unit[3], unit[4] or None])
        rows.append(None)  # a blank row between the years
    return Table(
        name,
        ["STT", "Ma don vi", "Tên đơn vị", "Tên viết tắt", "Năm", "Thứ tự luân phiên", "Tên khác"],
        rows,
        titles=["CỤM THI ĐUA SỐ 7", "DANH SÁCH ĐƠN VỊ THÀNH VIÊN"],
        numbering=True,
    )


def criteria_table(
    year: int = 2023,
    criteria: Sequence[tuple[str, str, object, str]] = CRITERIA_2023,
    *,
    name: str = "Bảng tiêu chí",
    total: object | None = "auto",
) -> Table:
    """Year in the title row, `TT` header, a `Tổng cộng` row at the end."""
    rows: list[Sequence[object] | None] = [[c, t, m, k or None] for c, t, m, k in criteria]
    if total == "auto":
        total = sum(int(m) for c, _, m, k in criteria if m is not None and c in ("I", "II"))
    if total is not None:
        rows.append([None, "Tổng cộng", total, None])
    return Table(
        name,
        ["Mã tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Loại"],
        rows,
        titles=["CỤM THI ĐUA SỐ 7", f"BẢNG TIÊU CHÍ CHẤM ĐIỂM THI ĐUA NĂM {year}"],
    )


def self_scores(unit: str, seed: int = 0) -> dict[str, object]:
    """A plausible full self-score for one unit: base leaves a little under max."""
    index = CODES.index(unit) + seed
    return {
        "1.1": 20 - index % 3,
        "1.2": 19,
        "2": 28 - index % 2,
        "3": 18,
        "4": 10,
        "5": 3,
        "6": None,
        "7": 1 if index % 4 == 0 else None,
        "8": None,
    }


def self_form_table(
    unit_title: str | None,
    scores: dict[str, object],
    *,
    year_title: str = "NĂM 2023",
    agreed: dict[str, object] | None = None,
    name: str = "Bảng tự chấm",
    total: object | None = "auto",
) -> Table:
    """A unit's returned form: `Đơn vị: …` and the year in the title rows, `Điểm` merged over
    `Tự chấm | Thống nhất`, a numbering row, group rows with their own sums, a total row."""
    rows: list[Sequence[object] | None] = []
    for code, title, maximum, _kind in CRITERIA_2023:
        own = scores.get(code)
        rows.append([code, title, maximum, own, (agreed or {}).get(code), None])
    if total == "auto":
        total = sum(
            float(str(v).replace(",", "."))
            for c, v in scores.items()
            if v is not None and c in ("1.1", "1.2", "2", "3", "4", "5", "6")
        ) - float(str(scores.get("7") or 0).replace(",", "."))
    if total is not None:
        rows.append([None, "Tổng cộng", 100, total, None, None])
    titles = ["BẢNG TỰ CHẤM ĐIỂM THI ĐUA", year_title]
    if unit_title:
        titles.append(f"Đơn vị: {unit_title}")
    return Table(
        name,
        ["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Điểm", None, "Ghi chú"],
        rows,
        titles=titles,
        header2=[None, None, None, "Tự chấm", "Thống nhất", None],
        numbering=True,
    )


def wide_table(
    scores: dict[str, dict[str, object]],
    *,
    headers: dict[str, str] | None = None,
    title: str = "BẢNG TỔNG HỢP ĐIỂM THỐNG NHẤT NĂM 2023",
    name: str = "Tổng hợp điểm",
) -> Table:
    """One row per criterion, one column per unit (header = code, or `headers[code]`)."""
    units = list(scores)
    header = [
        "STT",
        "Mã tiêu chí",
        "Nội dung",
        "Điểm tối đa",
        *[(headers or {}).get(u, u) for u in units],
    ]
    rows: list[Sequence[object] | None] = []
    for number, (code, title_text, maximum, _kind) in enumerate(CRITERIA_2023, start=1):
        rows.append([number, code, title_text, maximum, *[scores[u].get(code) for u in units]])
    return Table(name, header, rows, titles=["CỤM THI ĐUA SỐ 7", title])


LONG_HEADER = [
    "Năm",
    "Kỳ",
    "Mã ĐV",
    "Mã tiêu chí",
    "Tự chấm",
    "Chấm chéo",
    "Đơn vị chấm",
    "Thống nhất",
    "Ghi chú",
]


def long_table(
    rows: Sequence[Sequence[object] | None],
    *,
    header: Sequence[str] = LONG_HEADER,
    titles: Sequence[str] = (),
    name: str = "Chấm điểm",
) -> Table:
    return Table(name, list(header), rows, titles=titles)


def votes_table(rows: Sequence[Sequence[object] | None]) -> Table:
    return Table(
        "Bỏ phiếu",
        ["Năm", "Nội dung", "Mã đơn vị", "Số phiếu đồng ý", "Tổng số thành viên", "Số có mặt"],
        rows,
        titles=["KẾT QUẢ BỎ PHIẾU BÌNH XÉT THI ĐUA"],
    )


def leadership_table(rows: Sequence[Sequence[object] | None]) -> Table:
    return Table("Trưởng cụm", ["Năm", "Trưởng cụm", "Phó cụm"], rows)


COMMENDATION_HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Chức vụ",
    "Tên đơn vị/tập thể\ncông tác",
    "Hình thức khen thưởng",
    "Số quyết định",
    "Ngày quyết định",
]


def commendations_tables(
    rows: Sequence[Sequence[object] | None], *, na_rows: int = 3, year_title: str = "NĂM 2023"
) -> list[Table]:
    """The real-world shape: a merged title, a header with a newline inside, a hidden DANHMUC
    lookup sheet, and formula leftovers showing `#N/A` under the data."""
    leftovers: list[Sequence[object] | None] = [
        [None, NA, None, None, None, NA, NA, NA, None, None] for _ in range(na_rows)
    ]
    listing = Table(
        "DANHSACH",
        COMMENDATION_HEADER,
        [*rows, *leftovers],
        titles=["DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ KHEN THƯỞNG", year_title],
    )
    lookup = Table(
        "DANHMUC",
        ["STT", "Mã số", "Hình thức khen thưởng"],
        [[1, "1650359884", "Bằng khen của Chủ tịch UBND tỉnh"], [2, "1650359965", "Giấy khen"]],
        hidden=True,
    )
    return [listing, lookup]


def rules_table(rows: Sequence[Sequence[object]]) -> Table:
    return Table("Quy chế", ["Khóa", "Giá trị", "Từ năm"], rows)


# ---------------------------------------------------------------- files that are not workbooks


def text_file(path: Path) -> Path:
    path.write_text("Mã đơn vị;Tên đơn vị\nTD;Tỉnh Đoàn\n", encoding="utf-8")
    return path


def truncated(source: Path, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(path: Path) -> Path:
    """What Excel writes for a password-protected .xlsx: an OLE compound file holding a
    stream named EncryptedPackage (names are UTF-16-LE in the directory)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    path.write_bytes(header + b"\x00" * 512 + directory + b"\x00" * 1024)
    return path


def zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải sổ làm việc")
    return path


# ---------------------------------------------------------------- other formats clerks send


def _grid(
    source: Path,
) -> list[tuple[str, bool, list[list[object]], list[tuple[int, int, int, int]]]]:
    """Each sheet of an .xlsx written by `write`: name, hidden, cell values (error cells as
    ErrorCell), merged ranges as 0-based (first row, last row, first col, last col)."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    sheets = []
    for sheet in book.worksheets:
        cells = []
        for row in sheet.iter_rows():
            values: list[object] = []
            for cell in row:
                if cell.data_type == "e":
                    values.append(ErrorCell(str(cell.value)))
                else:
                    values.append(cell.value)
            cells.append(values)
        merged = [
            (r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1)
            for r in sheet.merged_cells.ranges
        ]
        sheets.append((sheet.title, sheet.sheet_state != "visible", cells, merged))
    return sheets


# how Excel computes each error a fixture writes as a formula, and the error's BIFF8 code
_XLS_ERRORS = {
    "#N/A": ("NA()", 0x2A),
    "#DIV/0!": ("1/0", 0x07),
    "#VALUE!": ('"a"+1', 0x0F),
    "#REF!": ("1/0", 0x17),
}


def write_xls(path: Path, *tables: Table, errors: str = "formula") -> Path:
    """The same tables as an Excel 97-2003 .xls (written with xlwt, a test-only dependency).

    An error cell is written as Excel saves one: a formula whose cached result is the error
    (`errors="formula"`, a FORMULA record), or an error typed in (`errors="constant"`, a
    BOOLERR record)."""
    import struct

    import xlwt
    from xlwt import BIFFRecords

    source = write(path.with_suffix(".src.xlsx"), *tables)
    book = xlwt.Workbook(encoding="utf-8")
    results: dict[bytes, int] = {}  # a formula's tokens -> the error code Excel caches for it
    for name, hidden, cells, merged in _grid(source):
        sheet = book.add_sheet(name[:31])
        if hidden:
            sheet.visibility = 1
        covered = set()
        for r1, r2, c1, c2 in merged:
            sheet.write_merge(r1, r2, c1, c2, cells[r1][c1])
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, values in enumerate(cells):
            for c, value in enumerate(values):
                if value is None or (r, c) in covered:
                    continue
                if isinstance(value, ErrorCell):
                    text, code = _XLS_ERRORS.get(value.code, _XLS_ERRORS["#N/A"])
                if isinstance(value, ErrorCell) and errors == "constant":
                    sheet.row(r).set_cell_error(c, code)  # xlwt's own names are wrong
                elif isinstance(value, ErrorCell):
                    formula = xlwt.Formula(text)
                    results[formula.rpn()] = code
                    sheet.write(r, c, formula)
                else:
                    sheet.write(r, c, value)
    source.unlink()
    plain = BIFFRecords.FormulaRecord.__init__

    def cached_error(record, row, col, xf_index, rpn, calc_flags=0):  # type: ignore[no-untyped-def]
        plain(record, row, col, xf_index, rpn, calc_flags)
        if rpn in results:  # result bytes: 2 (an error), 0, the code, 0, 0, 0, 0xFFFF
            data = bytearray(record._rec_data)
            data[6:14] = struct.pack("<BBBBBBH", 2, 0, results[rpn], 0, 0, 0, 0xFFFF)
            record._rec_data = bytes(data)

    BIFFRecords.FormulaRecord.__init__ = cached_error
    try:
        book.save(str(path))
    finally:
        BIFFRecords.FormulaRecord.__init__ = plain
    return path


def write_ods(path: Path, *tables: Table, hidden_by: str = "table-properties") -> Path:
    """The same tables as an OpenDocument spreadsheet (.ods), written as LibreOffice does: a
    zip of XML, error cells as LibreOffice stores them (the error text, value type error).
    A hidden sheet's table style says `table:display="false"` in `style:table-properties`
    (ODF 1.2, LibreOffice) or, with `hidden_by="properties"`, in `style:properties` (ODF 1.0
    writers such as older Gnumeric)."""
    from xml.sax.saxutils import escape

    source = write(path.with_suffix(".src.xlsx"), *tables)
    body = []
    for name, hidden, cells, merged in _grid(source):
        # the style first: the attributes' order is the writer's
        style = ' table:style-name="hidden"' if hidden else ""
        body.append(f'<table:table{style} table:name="{escape(name)}">')
        starts = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, r2, c1, c2 in merged}
        covered = {
            (r, c)
            for r1, r2, c1, c2 in merged
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
        } - set(starts)
        for r, values in enumerate(cells):
            body.append("<table:table-row>")
            for c, value in enumerate(values):
                if (r, c) in covered:
                    body.append("<table:covered-table-cell/>")
                    continue
                span = starts.get((r, c))
                attrs = (
                    f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned='
                    f'"{span[1]}"'
                    if span
                    else ""
                )
                if value is None:
                    body.append(f"<table:table-cell{attrs}/>")
                elif isinstance(value, ErrorCell):
                    body.append(
                        f'<table:table-cell{attrs} table:formula="of:=NA()" '
                        'office:value-type="string" office:string-value="" '
                        f'calcext:value-type="error"><text:p>{value.code}</text:p>'
                        "</table:table-cell>"
                    )
                elif isinstance(value, bool):
                    body.append(
                        f'<table:table-cell{attrs} office:value-type="boolean" '
                        f'office:boolean-value="{str(value).lower()}"><text:p>'
                        f"{'TRUE' if value else 'FALSE'}</text:p></table:table-cell>"
                    )
                elif isinstance(value, (int, float)):
                    body.append(
                        f'<table:table-cell{attrs} office:value-type="float" office:value='
                        f'"{value}"><text:p>{value}</text:p></table:table-cell>'
                    )
                elif isinstance(value, str) and value.startswith("="):
                    # a formula saved by a program that does not compute: no value, no type
                    body.append(f'<table:table-cell{attrs} table:formula="of:{escape(value)}"/>')
                else:
                    body.append(
                        f'<table:table-cell{attrs} office:value-type="string"><text:p>'
                        f"{escape(str(value))}</text:p></table:table-cell>"
                    )
            body.append("</table:table-row>")
        body.append("</table:table>")
    source.unlink()
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
        'office:version="1.2"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}>'
        '<office:automatic-styles><style:style style:name="hidden" style:family="table">'
        f'<style:{hidden_by} table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        + "".join(body)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
