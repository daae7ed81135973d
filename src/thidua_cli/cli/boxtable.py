"""A table drawn as Rich draws its default one (heavy head, title above), built as plain text
lines: Rich measures and wraps every cell of a Table, which takes a noticeable part of a
second for the import summary of a few hundred forms.

Widths are counted in terminal cells (`rich.cells.cell_len`), so Vietnamese text and wide
characters line up. It is drawn only where it `fits`: a narrower terminal gets the same facts
as paragraphs (cli/views.py), never a cell wrapped or cut."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.box import HEAVY_HEAD
from rich.cells import cell_len
from rich.console import ConsoleOptions
from rich.text import Text

from .console import terminal_text


@dataclass(frozen=True)
class Column:
    heading: str
    numeric: bool = False  # right-aligned, never wrapped


def box_table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    options: ConsoleOptions,
) -> Text:
    """The table as one Text, at most the console's width where the columns allow it; the
    title in italics, the headings in bold; lines of `+`, `-`, `|` on a console that cannot
    show box drawing characters, as Rich does."""
    frame = HEAVY_HEAD.substitute(options)
    headings = [_cell(c.heading) for c in columns]
    cells = [[_cell(value) for value in row] for row in rows]
    widths = _fit(headings, cells)
    padded = [w + 2 for w in widths]
    text = Text()
    text.append(_centred(_cell(title), sum(padded) + len(columns) + 1), style="italic")
    text.append(frame.get_top(padded))
    for line in _lines(columns, headings, widths):
        text.append("\n" + frame.head_left)
        for index, part in enumerate(line):
            text.append(" ")
            text.append(part, style="bold")
            text.append(" " + (frame.head_vertical if index < len(line) - 1 else frame.head_right))
    text.append("\n" + frame.get_row(padded, "head"))
    body = [
        frame.mid_left + " " + f" {frame.mid_vertical} ".join(line) + " " + frame.mid_right
        for row in cells
        for line in _lines(columns, row, widths)
    ]
    if body:
        text.append("\n" + "\n".join(body))
    text.append("\n" + frame.get_bottom(padded))
    return text


def fits(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> bool:
    """Whether the table is drawn within `width` terminal cells."""
    widths = _fit([_cell(c.heading) for c in columns], [[_cell(v) for v in row] for row in rows])
    return sum(widths) + 3 * len(columns) + 1 <= width


def _cell(value: object) -> str:
    # a cell is one line of literal text: no escape sequence, no tab or newline of its own
    return terminal_text(value).replace("\t", " ").replace("\n", " ")


def _centred(text: str, width: int) -> str:
    excess = max(0, width - cell_len(text))
    return " " * (excess // 2) + text + " " * (excess - excess // 2) + "\n"


def _fit(headings: list[str], cells: list[list[str]]) -> list[int]:
    """Each column as wide as its widest cell."""
    return [
        max([cell_len(heading), *(cell_len(row[i]) for row in cells)])
        for i, heading in enumerate(headings)
    ]


def _lines(columns: Sequence[Column], row: Sequence[str], widths: list[int]) -> list[list[str]]:
    """The row as one terminal line: each cell padded to its column."""
    line = []
    for column, text, width in zip(columns, row, widths, strict=True):
        pad = " " * max(0, width - cell_len(text))
        line.append(pad + text if column.numeric else text + pad)
    return [line]
