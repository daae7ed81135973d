"""The report as a Word document, built in code from the same context as the templates: A4 with
the margins of Decree 30/2020/NĐ-CP, Times New Roman, the header as a borderless two-column
table, real Word tables, the bar chart as a PNG, "Nơi nhận" and the signature block."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import TYPE_CHECKING, Any

from .context import AwardRow, Narrative, ReportContext, Term, TermRole, UnitAwardRow
from .notes import Run
from .png import chart_png

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.5  # 210 mm − 30 mm left − 15 mm right


def _set_font(element: Any, name: str = FONT) -> None:
    """Set every script's font on an rPr-bearing element and drop theme fonts, which would
    otherwise win over the name (Word's built-in heading styles use them)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _language(style: Any, tag: str = "vi-VN") -> None:
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


class _Writer:
    def __init__(self, context: ReportContext) -> None:
        from docx import Document

        self.context = context
        self.doc: Document = Document()
        self._setup()

    # ---- page and styles -------------------------------------------------------------------

    def _setup(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Mm, Pt, RGBColor

        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance = section.footer_distance = Mm(10)

        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        _set_font(normal.element)
        _language(normal)
        fmt = normal.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)
        fmt.line_spacing = 1.15
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Cm(1)

        for name, size, before in (("Heading 1", 14, 6), ("Heading 2", 14, 4)):
            style = self.doc.styles[name]
            style.font.name = FONT
            style.font.size = Pt(size)
            style.font.bold = True
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            _set_font(style.element)
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.first_line_indent = Cm(0)
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self._page_numbers()

        props = self.doc.core_properties
        props.title = " ".join([self.context.header.title, *self.context.header.summary_lines])
        props.author = self.context.cluster_name
        props.language = "vi-VN"

    def _page_numbers(self) -> None:
        """Page number at the top centre from page 2 on (Decree 30/2020/NĐ-CP)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Cm(0)
        run = paragraph.add_run()
        run.font.size = Pt(13)
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), ("end", None)):
            if kind:
                node = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
            else:
                node = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
                node.text = text
            run._r.append(node)

    # ---- small builders --------------------------------------------------------------------

    def paragraph(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        align: str = "justify",
        indent: bool = True,
        after: float = 6,
        before: float = 0,
        container: Any = None,
        highlight: bool = False,
    ) -> Paragraph:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        paragraph.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Cm(1) if indent else Cm(0)
        fmt.space_after, fmt.space_before = Pt(after), Pt(before)
        if text:
            self.run(paragraph, text, bold=bold, italic=italic, size=size, highlight=highlight)
        return paragraph

    def run(
        self,
        paragraph: Paragraph,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        highlight: bool = False,
    ) -> None:
        from docx.enum.text import WD_COLOR_INDEX
        from docx.shared import Pt

        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = Pt(size)
        if highlight:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def runs(self, paragraph: Paragraph, runs: Sequence[Run], size: float | None = None) -> None:
        for part in runs:
            self.run(paragraph, part.text, bold=part.bold, italic=part.italic, size=size)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    @staticmethod
    def _rule(paragraph: Paragraph, side: str = "bottom") -> None:
        from docx.oxml.ns import qn

        ppr = paragraph._p.get_or_add_pPr()
        borders = ppr.makeelement(qn("w:pBdr"), {})
        line = borders.makeelement(
            qn(f"w:{side}"),
            {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "000000"},
        )
        borders.append(line)
        ppr.append(borders)

    def rule(self, container: Any, cell_cm: float, line_cm: float, after: float = 0) -> None:
        """A centred horizontal line `line_cm` long, as under the agency name and the motto: the
        bottom border of an empty 2-point paragraph indented from both sides."""
        from docx.oxml.ns import qn
        from docx.shared import Cm, Pt

        paragraph = self.paragraph(
            "", align="center", indent=False, after=after, container=container
        )
        side = max(0.0, (cell_cm - line_cm) / 2)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
        fmt.line_spacing = 1.0
        ppr = paragraph._p.get_or_add_pPr()
        mark = ppr.makeelement(qn("w:rPr"), {})
        for tag in ("w:sz", "w:szCs"):
            mark.append(mark.makeelement(qn(tag), {qn("w:val"): "4"}))
        ppr.append(mark)
        self._rule(paragraph, "bottom")
        fmt.space_after = Pt(after)

    @staticmethod
    def _no_borders(table: Table) -> None:
        from docx.oxml.ns import qn

        tblpr = table._tbl.tblPr
        borders = tblpr.makeelement(qn("w:tblBorders"), {})
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"}))
        tblpr.append(borders)

    @staticmethod
    def _cell_margins(table: Table, side_cm: float) -> None:
        """Narrow left/right cell margins so short headers ("STT", "Thưởng") do not break."""
        from docx.oxml.ns import qn
        from docx.shared import Cm

        twips = str(round(Cm(side_cm).twips))
        tblpr = table._tbl.tblPr
        margins = tblpr.makeelement(qn("w:tblCellMar"), {})
        for side in ("left", "right"):
            margins.append(
                margins.makeelement(qn(f"w:{side}"), {qn("w:w"): twips, qn("w:type"): "dxa"})
            )
        tblpr.append(margins)

    @staticmethod
    def _widths(table: Table, widths_cm: Sequence[float]) -> None:
        from docx.shared import Cm

        table.autofit = False
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                cell.width = Cm(widths_cm[index])
        for index, column in enumerate(table.columns):
            column.width = Cm(widths_cm[index])

    def cell_text(
        self,
        cell: _Cell,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float = 12,
        align: str = "center",
        top: bool = False,
        padding: float = 1.5,
    ) -> None:
        """Replace a cell's text with one formatted run; data cells are centred vertically."""
        from docx.enum.table import WD_ALIGN_VERTICAL
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        paragraph = cell.paragraphs[0]
        paragraph.text = ""
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Cm(0)
        fmt.space_after = fmt.space_before = Pt(padding)
        fmt.line_spacing = 1.0
        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
        }[align]
        if text:
            self.run(paragraph, text, bold=bold, italic=italic, size=size)
        cell.vertical_alignment = WD_ALIGN_VERTICAL.TOP if top else WD_ALIGN_VERTICAL.CENTER

    def data_table(
        self,
        headers: Sequence[Sequence[str | None]],
        rows: Sequence[Sequence[str]],
        widths_cm: Sequence[float],
        *,
        left_columns: Sequence[int] = (1,),
        bold_rows: Sequence[int] = (),
        merges: Sequence[tuple[int, int, int, int]] = (),
    ) -> Table:
        """A bordered table; header rows repeat on each page. `merges` are (row, col, row, col)
        corners of merged header cells; None in `headers` marks a cell covered by a merge."""
        from docx.enum.table import WD_ROW_HEIGHT_RULE
        from docx.oxml.ns import qn
        from docx.shared import Cm

        table = self.doc.add_table(rows=len(headers) + len(rows), cols=len(widths_cm))
        table.style = self.doc.styles["Table Grid"]
        self._widths(table, widths_cm)
        self._cell_margins(table, 0.08)
        for top, left, bottom, right in merges:
            table.cell(top, left).merge(table.cell(bottom, right))
        for r, header in enumerate(headers):
            row = table.rows[r]
            if len(headers) > 1:
                # A cell merged down two header rows may need three lines; Word and LibreOffice
                # do not grow a repeated header row for it, so the rows reserve the height.
                row.height = Cm(0.75)
                row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            trpr = row._tr.get_or_add_trPr()
            trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
            cells = row.cells  # (python-docx lays the row's grid out on each `cells`)
            for c, text in enumerate(header):
                if text is not None:
                    self.cell_text(cells[c], text, bold=True, size=11)
        table_rows = table.rows
        for r, values in enumerate(rows):
            row = table_rows[len(headers) + r]
            trpr = row._tr.get_or_add_trPr()
            trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
            cells = row.cells
            for c, text in enumerate(values):
                self.cell_text(
                    cells[c],
                    text,
                    bold=r in bold_rows,
                    align="left" if c in left_columns else "center",
                )
        self.paragraph("", after=2)
        return table

    def table_title(self, text: str) -> None:
        paragraph = self.paragraph(text, bold=True, align="center", indent=False, after=3)
        paragraph.paragraph_format.keep_with_next = True

    def note(self, text: str) -> None:
        self.paragraph(text, italic=True, size=12, indent=False, after=3)

    def narrative(self, section: Narrative) -> None:
        from docx.shared import Cm

        if not section.filled:
            self.paragraph(section.placeholder, italic=True, indent=False, highlight=True)
            return
        for block in section.blocks:
            paragraph = self.paragraph(indent=block.kind == "paragraph")
            if block.kind == "item":
                paragraph.paragraph_format.first_line_indent = Cm(1)
                self.run(paragraph, "- ")
                self.runs(paragraph, block.runs)
            elif block.kind == "heading":
                for part in block.runs:
                    self.run(paragraph, part.text, bold=True, italic=True)
            else:
                self.runs(paragraph, block.runs)

    def term(self, paragraph: Paragraph, term: Term) -> None:
        for index, role in enumerate((term.head, term.deputy)):
            self.term_role(paragraph, role)
            self.run(paragraph, "; " if index == 0 else ".")

    def term_role(self, paragraph: Paragraph, role: TermRole) -> None:
        if role.name is None:
            self.run(paragraph, f"{role.role}: {role.status}")
            return
        self.run(paragraph, f"{role.role}: ")
        self.run(paragraph, role.name, bold=True)
        if role.votes:
            self.run(paragraph, f", được {role.votes}")
        if role.status:
            self.run(paragraph, f" ({role.status})")

    # ---- document parts --------------------------------------------------------------------

    def header(self) -> None:
        from docx.shared import Pt

        header = self.context.header
        left_cm, right_cm = 6.6, TEXT_WIDTH_CM - 6.6
        table = self.doc.add_table(rows=2, cols=2)
        self._no_borders(table)
        self._widths(table, (left_cm, right_cm))
        org, nation = table.cell(0, 0), table.cell(0, 1)
        self.cell_text(org, header.organiser, size=13, top=True, padding=0)
        paragraph = self.paragraph(
            header.cluster_name,
            bold=True,
            size=13,
            align="center",
            indent=False,
            after=0,
            container=org,
        )
        paragraph.paragraph_format.line_spacing = 1.0
        self.rule(org, left_cm - 0.4, 2.2)
        self.cell_text(
            nation, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, top=True, padding=0
        )
        paragraph = self.paragraph(
            "Độc lập - Tự do - Hạnh phúc",
            bold=True,
            size=13,
            align="center",
            indent=False,
            after=0,
            container=nation,
        )
        paragraph.paragraph_format.line_spacing = 1.0
        self.rule(nation, right_cm - 0.4, 6.1)
        self.cell_text(table.cell(1, 0), header.number_line, size=13, top=True, padding=0)
        self.cell_text(
            table.cell(1, 1), header.place_date, italic=True, size=14, top=True, padding=0
        )
        for cell in (table.cell(1, 0), table.cell(1, 1)):
            cell.paragraphs[0].paragraph_format.space_before = Pt(6)

        self.paragraph(header.title, bold=True, align="center", indent=False, after=0, before=18)
        for line in header.summary_lines:
            self.paragraph(line, bold=True, align="center", indent=False, after=0)
        self.rule(self.doc, TEXT_WIDTH_CM, 4.5, after=12)

    def closing(self) -> None:
        from docx.shared import Pt

        context = self.context
        table = self.doc.add_table(rows=1, cols=2)
        self._no_borders(table)
        self._widths(table, (7.0, TEXT_WIDTH_CM - 7.0))
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.cell_text(
            left, "Nơi nhận:", bold=True, italic=True, size=12, align="left", top=True, padding=0
        )
        for line in context.recipients:
            paragraph = self.paragraph(
                f"- {line}", size=11, align="left", indent=False, after=0, container=left
            )
            paragraph.paragraph_format.line_spacing = 1.0
        title_lines = context.signature.title_lines
        self.cell_text(right, title_lines[0], bold=True, size=14, top=True, padding=0)
        for line in title_lines[1:]:
            self.paragraph(line, bold=True, align="center", indent=False, after=0, container=right)
        spacer = self.paragraph("", align="center", indent=False, after=0, container=right)
        spacer.paragraph_format.space_after = Pt(80)
        self.paragraph(
            context.signature.name,
            bold=True,
            align="center",
            indent=False,
            after=0,
            container=right,
            highlight=context.signature.name_missing,
        )

    def results_year_end(self) -> None:
        c = self.context
        headers = [
            [
                "STT",
                "Đơn vị",
                "Điểm tự chấm",
                "Điểm thống nhất",
                None,
                None,
                None,
                "Xếp hạng",
                "Xếp loại",
                "Đề nghị",
            ],
            [None, None, None, "Chuẩn", "Thưởng", "Trừ", "Tổng", None, None, None],
        ]
        rows = [
            [
                str(i),
                f"{r.name} {r.marks}".strip(),
                r.self_total,
                r.base,
                r.bonus,
                r.deduction,
                r.total,
                r.rank,
                r.band,
                r.proposal,
            ]
            for i, r in enumerate(c.results, 1)
        ]
        merges = [
            (0, 0, 1, 0),
            (0, 1, 1, 1),
            (0, 2, 1, 2),
            (0, 3, 0, 6),
            (0, 7, 1, 7),
            (0, 8, 1, 8),
            (0, 9, 1, 9),
        ]
        leader_rows = [i for i, r in enumerate(c.results) if r.leader]
        self.data_table(
            headers,
            rows,
            (1.0, 3.5, 1.6, 1.45, 1.6, 1.15, 1.45, 1.35, 1.5, 1.9),
            merges=merges,
            bold_rows=leader_rows,
        )

    def results_half(self) -> None:
        c = self.context
        headers = [
            [
                "STT",
                "Đơn vị",
                "Chuẩn",
                "Thưởng",
                "Trừ",
                "Tổng điểm tự chấm",
                "Xếp hạng tạm tính",
                "Xếp loại tạm tính",
                "Ghi chú",
            ]
        ]
        rows = [
            [
                str(i),
                f"{r.name} {r.marks}".strip(),
                r.base,
                r.bonus,
                r.deduction,
                r.total,
                r.rank,
                r.band,
                r.note,
            ]
            for i, r in enumerate(c.results, 1)
        ]
        self.data_table(headers, rows, (1.0, 4.6, 1.5, 1.6, 1.2, 1.7, 1.6, 1.5, 1.8))

    def chart(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        chart = self.context.chart
        if chart is None:
            return
        paragraph = self.paragraph(indent=False, align="center", after=2)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(BytesIO(chart_png(chart)), width=Cm(15.5))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = f"{chart.title}. {chart.caption}"
        self.paragraph(caption, italic=True, size=12, align="center", indent=False, after=0)
        legend = "Mã đơn vị: " + "; ".join(item.replace(": ", " – ") for item in chart.legend)
        self.paragraph(legend, italic=True, size=11, align="center", indent=False, after=8)

    def commendation_tables(self, by_unit: bool) -> None:
        c = self.context.commendations
        # a Hộ gia đình column only where a household was commended, as in the templates
        homes = c.has_households

        def kinds(row: AwardRow | UnitAwardRow) -> list[str]:
            return [row.collectives, *([row.households] if homes else []), row.individuals]

        kind_heads = ["Tập thể", *(["Hộ gia đình"] if homes else []), "Cá nhân"]
        kind_widths = (2.0, 2.0, 2.0) if homes else (2.0, 2.0)
        self.table_title("Khen thưởng theo hình thức")
        rows = [[str(i), r.award, *kinds(r), r.total] for i, r in enumerate(c.by_award, 1)]
        t = c.award_total
        rows.append(["", t.award, *kinds(t), t.total])
        self.data_table(
            [["STT", "Hình thức khen thưởng", *kind_heads, "Cộng"]],
            rows,
            (1.2, 9.3 - (2.0 if homes else 0), *kind_widths, 2.0),
            bold_rows=[len(rows) - 1],
        )
        if by_unit:
            self.table_title("Khen thưởng theo đơn vị")
            n = len(kind_heads)  # columns 2 .. 2+n-1 hold the kinds
            headers = [
                ["STT", "Đơn vị", *kind_heads, "Trong đó cá nhân", None, None, "Cộng"],
                [
                    None,
                    None,
                    *([None] * n),
                    "Không giữ chức vụ lãnh đạo",
                    "Nữ",
                    "Dân tộc thiểu số",
                    None,
                ],
            ]
            rows = [
                [str(i), r.name, *kinds(r), r.non_leaders, r.women, r.minorities, r.total]
                for i, r in enumerate(c.by_unit, 1)
            ]
            t2 = c.unit_total
            rows.append(
                ["", t2.name, *kinds(t2), t2.non_leaders, t2.women, t2.minorities, t2.total]
            )
            merges = [(0, col, 1, col) for col in range(2 + n)]
            merges += [(0, 2 + n, 0, 4 + n), (0, 5 + n, 1, 5 + n)]
            self.data_table(
                headers,
                rows,
                (1.1, 5.0 - (1.5 if homes else 0), *([1.5] * n), 2.6, 1.3, 2.0, 1.5),
                merges=merges,
                bold_rows=[len(rows) - 1],
            )
        self.table_title("Cơ cấu cá nhân được khen thưởng")
        rows = [
            [r.label, f"{r.count}/{r.of}", r.percent, r.target or "–", r.verdict or "–"]
            for r in c.shares
        ]
        self.data_table(
            [["Chỉ số", "Số người", "Tỷ lệ", "Chỉ tiêu", "Đánh giá"]],
            rows,
            (6.3, 2.2, 2.2, 2.3, 3.5),
            left_columns=(0,),
        )

    # ---- the two reports -------------------------------------------------------------------

    def year_end(self) -> None:
        c = self.context
        self.paragraph(
            "Thực hiện Luật Thi đua, khen thưởng năm 2022, các văn bản hướng dẫn thi hành và "
            f"Quy chế hoạt động của {c.cluster_word}, {c.cluster_name} báo cáo tổng kết công "
            f"tác thi đua, khen thưởng {c.period_label} như sau:"
        )
        self.heading("I. ĐẶC ĐIỂM, TÌNH HÌNH")
        self.paragraph(
            f"{c.cluster_name} {c.period_label} có {c.member_count} đơn vị thành viên: "
            f"{c.member_names}."
        )
        if c.this_term:
            self.term(self.paragraph(), c.this_term)
        self.heading("II. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA")
        self.heading(f"1. {c.highlights.title}", 2)
        self.narrative(c.highlights)
        self.heading(f"2. {c.shortcomings.title}", 2)
        self.narrative(c.shortcomings)

        self.heading("III. KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI THI ĐUA")
        missing = (
            f"; chưa nhận bảng tự chấm của: {', '.join(c.not_sent_names)}"
            if c.not_sent_names
            else ""
        )
        self.paragraph(
            f"{c.cluster_word} đã nhận bảng tự chấm điểm của {c.sent_count} đơn vị thành viên"
            f"{missing}. Trên cơ sở điểm tự chấm và kết quả thẩm định, hội nghị {c.cluster_word} "
            "thống nhất kết quả chấm điểm, xếp loại như sau (thang điểm "
            f"{c.scale}; {'; '.join(c.bands)}):"
        )
        self.table_title(f"Kết quả chấm điểm, xếp loại thi đua {c.period_label}")
        self.results_year_end()
        for note in c.result_notes:
            self.note(note)
        self.chart()

        self.heading(c.awards_heading)
        if c.votes_note:
            self.paragraph(c.votes_note)
        self.heading("1. Đơn vị dẫn đầu", 2)
        if c.leader:
            self.paragraph(c.leader.text)
            if c.leader.government_flag_note:
                self.paragraph(c.leader.government_flag_note)
        self.heading("2. Đề nghị khen thưởng", 2)
        if c.proposals:
            self.paragraph(c.proposals_intro)
            rows = [
                [str(i), p.name, p.total, p.rank, p.band, p.proposal, p.votes]
                for i, p in enumerate(c.proposals, 1)
            ]
            self.data_table(
                [
                    [
                        "STT",
                        "Đơn vị",
                        "Tổng điểm",
                        "Xếp hạng",
                        "Xếp loại",
                        "Hình thức đề nghị",
                        "Phiếu đồng ý",
                    ]
                ],
                rows,
                (1.1, 5.2, 1.7, 1.5, 1.8, 2.5, 2.7),
            )
        else:
            self.paragraph(
                f"Năm nay {c.cluster_word} không có đơn vị đủ điều kiện đề nghị khen thưởng."
            )

        self.heading("V. CÔNG TÁC KHEN THƯỞNG")
        self.commendations(by_unit=True)

        self.heading(
            f"VI. {c.head_title.upper()}, {c.deputy_title.upper()} {c.next_period_label.upper()}"
        )
        if c.next_term:
            paragraph = self.paragraph(f"{c.next_term_intro} ")
            self.term(paragraph, c.next_term)
        else:
            self.paragraph(
                f"[Bổ sung: {c.head_title}, {c.deputy_title} {c.next_period_label} do hội nghị "
                f"{c.cluster_word} bầu.]",
                italic=True,
                indent=False,
                highlight=True,
            )
        self.heading(f"VII. {c.directions.title.upper()}")
        self.narrative(c.directions)
        if c.recommendations:
            self.heading(f"VIII. {c.recommendations.title.upper()}")
            self.narrative(c.recommendations)
        self.paragraph(
            f"Trên đây là báo cáo tổng kết công tác thi đua, khen thưởng {c.period_label} của "
            f"{c.cluster_name}./."
        )

    def half_year(self) -> None:
        c = self.context
        self.paragraph(
            f"Thực hiện Quy chế hoạt động và chương trình công tác năm {c.year} của "
            f"{c.cluster_word}, "
            f"{c.cluster_name} báo cáo sơ kết công tác thi đua, khen thưởng {c.period_label} "
            "như sau:"
        )
        self.heading("I. ĐẶC ĐIỂM, TÌNH HÌNH")
        paragraph = self.paragraph(
            f"Năm {c.year}, {c.cluster_name} có {c.member_count} đơn vị thành viên"
        )
        if c.this_term:
            self.run(paragraph, "; ")
            self.term(paragraph, c.this_term)
        else:
            self.run(paragraph, ".")
        rows = [
            [str(i), m.name, m.role, "Đã gửi" if m.sent else "Chưa gửi"]
            for i, m in enumerate(c.members, 1)
        ]
        self.data_table(
            [
                [
                    "STT",
                    "Đơn vị thành viên",
                    f"Nhiệm vụ trong {c.cluster_word}",
                    "Bảng tự chấm 6 tháng",
                ]
            ],
            rows,
            (1.3, 8.2, 3.0, 4.0),
        )
        self.heading(f"II. KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA {c.period_label.upper()}")
        self.heading(f"1. {c.highlights.title}", 2)
        self.narrative(c.highlights)
        self.heading(f"2. {c.shortcomings.title}", 2)
        self.narrative(c.shortcomings)

        self.heading(f"III. KẾT QUẢ TỰ CHẤM ĐIỂM {c.period_label.upper()} (TẠM TÍNH)")
        paragraph = self.paragraph(
            f"Đến ngày lập báo cáo, {c.cluster_word} đã nhận bảng tự chấm điểm "
            f"{c.period_label} của {c.sent_count} đơn vị thành viên."
        )
        if c.not_sent_names:
            self.run(paragraph, f" Còn {c.not_sent_count} đơn vị chưa gửi: ")
            self.run(paragraph, ", ".join(c.not_sent_names), bold=True)
            self.run(paragraph, f"; đề nghị các đơn vị gửi về {c.head_title} để tổng hợp.")
        if c.results:
            self.table_title(f"Kết quả tự chấm điểm {c.period_label} (tạm tính)")
            self.results_half()
        for note in c.result_notes:
            self.note(note)

        self.heading(f"IV. CÔNG TÁC KHEN THƯỞNG {c.period_label.upper()}")
        self.commendations(by_unit=False)
        self.heading(f"V. {c.directions.title.upper()}")
        self.narrative(c.directions)
        if c.recommendations:
            self.heading(f"VI. {c.recommendations.title.upper()}")
            self.narrative(c.recommendations)
        self.paragraph(
            f"Trên đây là báo cáo sơ kết công tác thi đua, khen thưởng {c.period_label} của "
            f"{c.cluster_name}./."
        )

    def commendations(self, by_unit: bool) -> None:
        c = self.context.commendations
        if c.empty:
            self.paragraph(
                f"Trong {c.period_label}, chưa có số liệu khen thưởng của các đơn vị thành viên."
            )
            return
        text = (
            f"Trong {c.period_label}, các đơn vị thành viên được khen thưởng {c.total} lượt, "
            f"gồm {c.kinds_text}"
        )
        if not by_unit and c.non_leader.verdict:
            text += (
                f"; trong đó cá nhân không giữ chức vụ lãnh đạo, quản lý chiếm "
                f"{c.non_leader.percent} (chỉ tiêu {c.non_leader.target}: "
                f"{c.non_leader.verdict.lower()})"
            )
        self.paragraph(text + ".")
        self.commendation_tables(by_unit)

    def build(self) -> bytes:
        self.header()
        if self.context.is_year_end:
            self.year_end()
        else:
            self.half_year()
        self.closing()
        buffer = BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def build_docx(context: ReportContext) -> bytes:
    """The report as the bytes of a .docx file."""
    return _Writer(context).build()
