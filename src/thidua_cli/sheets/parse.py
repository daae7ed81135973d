"""One sheet, row by row: the parser that hands each data row to the handler of its table kind
(members, criteria, score forms, votes, leadership, commendations, rules), skips blank and
example rows, and gives the sheet's criterion codes their table form. The row handlers live in
parse_rows.py, parse_scores.py and commendations.py; year and period in sheet_context.py."""

from __future__ import annotations

from collections.abc import Callable

from ..text import column_letter, fold
from .cells import RowReader
from .codes import qualify_codes, sections_of
from .commendations import commendation_row
from .examples import comparable, examples_of
from .layout import Layout, read_titles
from .parse_rows import criterion_row, leadership_row, member_row, rule_row, vote_row
from .parse_scores import self_form_row, wide_row
from .reader import Sheet
from .records import ParsedBatch, SheetRef
from .sheet_context import ParseOptions, SheetContext, check_title_conflicts


class SheetParser:
    """Parses one sheet row by row (what `parse_sheet` runs)."""

    def __init__(
        self, sheet: Sheet, layout: Layout, options: ParseOptions, batch: ParsedBatch, ref: SheetRef
    ):
        self.sheet = sheet
        self.layout = layout
        self.batch = batch
        self.ref = ref
        self.reader = reader = RowReader(sheet, layout, ref, batch.errors)
        titles = read_titles(layout.title_lines, sheet.name, layout.title_cells)
        self.ok = check_title_conflicts(reader, titles, options, layout.header_rows[0])
        if self.ok and titles.unit:
            ref.title_unit = titles.unit
            if titles.unit_cell:
                ref.title_unit_at = (titles.unit_cell[0], column_letter(titles.unit_cell[1]))
        self.context = SheetContext(reader, titles, options)
        # long score sheets are read by imports/score_reader.py, with this parser's reader
        self.handler = _HANDLERS.get(layout.kind)
        self.used_cols = sorted(set(layout.fields.values()) | set(layout.unit_columns))
        self.examples = [
            (example, layout.fields[example.key_field])
            for example in examples_of(layout.kind)
            if example.key_field in layout.fields
        ]

    def row(self, row: int, values: list[object]) -> None:
        """One data row (below the header, not a numbering row)."""
        if self.reader.is_blank_row(row, values, self.used_cols):
            return
        self.ref.rows += 1
        if self.is_example(row, values):
            return
        assert self.handler is not None, "long score sheets: imports/score_reader.py"
        self.handler(self.reader, self.context, row, values, self.batch)

    def is_example(self, row: int, values: list[object]) -> bool:
        """Whether the row is an example row of `thidua template` (said as an error)."""
        return bool(self.examples) and self._is_example(row, values)

    def _is_example(self, row: int, values: list[object]) -> bool:
        """A row identical to an example row of `thidua template` is said, never imported."""
        width = len(values)
        for example, key_col in self.examples:
            if key_col >= width or values[key_col] != example.key_raw:
                continue
            fields = self.layout.fields
            if any(
                comparable(values[col] if col < width else None) != example.cells.get(name, "")
                for name, col in fields.items()
            ):
                continue
            if any(
                comparable(values[col] if col < width else None)
                != example.units.get(fold(text), "")
                for col, text in self.layout.unit_columns.items()
            ):
                continue
            self.reader.error(
                row,
                None,
                values[key_col],
                "Đây là dòng ví dụ của tệp mẫu (thidua template), không phải số liệu thật; "
                "không nhập.",
                "Xóa dòng ví dụ (nền vàng) hoặc sửa thành số liệu của cụm rồi nhập lại.",
            )
            return True
        return False

    def run(self, tick: Callable[[int], None] | None = None) -> None:
        """Every row; `tick(n)` after each TICK rows, for a progress bar."""
        if not self.ok:
            return
        last = self.layout.last_header_row
        skip = self.layout.skip_rows
        marks = len(self.batch.criteria), len(self.batch.scores)
        done = 0  # data rows read
        for row, values in self.sheet.rows():
            if row > last and row not in skip:
                self.row(row, values)
                done += 1
                if tick is not None and not done % TICK:
                    tick(TICK)
        if tick is not None and done % TICK:
            tick(done % TICK)
        if self.reader.codes:
            self._qualify(*marks)

    def _qualify(self, criteria: int, scores: int) -> None:
        """Give this sheet's records their table codes: letters under their numbered code,
        sections prefixed where the numbering restarts (see codes.qualify_codes)."""
        rows = [row for row, _ in self.reader.codes]
        written = [code for _, code in self.reader.codes]
        renamed = {
            row: new
            for row, old, new in zip(rows, written, qualify_codes(written), strict=True)
            if new != old
        }
        for record in self.batch.criteria[criteria:]:
            record.code = renamed.get(record.row, record.code)
        sections = sections_of(rows, written)
        for score in self.batch.scores[scores:]:
            score.criterion = renamed.get(score.row, score.criterion)
            section = sections.get(score.row, "")
            if section and not score.criterion.startswith(section + "."):
                score.section = section  # the check finds `II.1` for a plain `1` under II


TICK = 8192  # rows between two progress updates


def parse_sheet(
    sheet: Sheet,
    layout: Layout,
    options: ParseOptions,
    batch: ParsedBatch,
    ref: SheetRef,
    tick: Callable[[int], None] | None = None,
) -> None:
    SheetParser(sheet, layout, options, batch, ref).run(tick)


_HANDLERS = {
    "members": member_row,
    "criteria": criterion_row,
    "wide_scores": wide_row,
    "self_form": self_form_row,
    "votes": vote_row,
    "leadership": leadership_row,
    "commendations": commendation_row,
    "rules": rule_row,
}
