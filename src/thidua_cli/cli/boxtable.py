"""A table drawn as Rich draws its default one (heavy head, title above), built as plain text
lines: Rich measures and wraps every cell of a Table, which takes a noticeable part of a
second for the import summary of a few hundred forms.

Widths are counted in terminal cells (`rich.cells.cell_len`), so Vietnamese text and wide
characters line up. A table wider than the terminal has its widest text columns narrowed and
their cells wrapped at spaces and after `/`, a word longer than its column cut into pieces:
nothing is left out, a file name included. Numbers are never wrapped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.box import HEAVY_HEAD
from rich.cells import cell_len, chop_cells
from rich.console import ConsoleOptions
from rich.text import Text

from .console import terminal_text

# a piece of a cell kept on one line where it fits: a word, or a folder of a path with its `/`
_PIECE = re.compile(r"[^ /]*/|[^ /]+| +")


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
    widths = _fit(columns, headings, cells, options.max_width - 3 * len(columns) - 1)
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


def _cell(value: object) -> str:
    # a cell is one line of literal text: no escape sequence, no tab or newline of its own
    return terminal_text(value).replace("\t", " ").replace("\n", " ")


def _centred(text: str, width: int) -> str:
    excess = max(0, width - cell_len(text))
    return " " * (excess // 2) + text + " " * (excess - excess // 2) + "\n"


def _fit(
    columns: Sequence[Column], headings: list[str], cells: list[list[str]], room: int
) -> list[int]:
    """Each column's width: as wide as its widest cell, then, while the table is wider than
    `room`, the widest text column one cell narrower (a number column keeps its width)."""
    widths = [
        max([cell_len(heading), *(cell_len(row[i]) for row in cells)])
        for i, heading in enumerate(headings)
    ]
    narrowable = [i for i, column in enumerate(columns) if not column.numeric]
    floor = 4  # a column narrower than this reads as noise
    while sum(widths) > room:
        widest = max(narrowable, key=lambda i: widths[i], default=None)
        if widest is None or widths[widest] <= floor:
            break  # the terminal wraps what is left
        widths[widest] -= 1
    return widths


def _lines(columns: Sequence[Column], row: Sequence[str], widths: list[int]) -> list[list[str]]:
    """The row as terminal lines: each cell wrapped to its column and padded."""
    wrapped = [
        [text] if column.numeric or cell_len(text) <= width else _wrap(text, width)
        for column, text, width in zip(columns, row, widths, strict=True)
    ]
    height = max(len(lines) for lines in wrapped)
    lines = []
    for index in range(height):
        line = []
        for column, parts, width in zip(columns, wrapped, widths, strict=True):
            part = parts[index] if index < len(parts) else ""
            pad = " " * max(0, width - cell_len(part))
            line.append(pad + part if column.numeric else part + pad)
        lines.append(line)
    return lines


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in _PIECE.findall(text):
        if cell_len(line + piece.rstrip()) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = "" if piece.isspace() else piece
        if cell_len(line) > width:
            *full, line = chop_cells(line, width)
            lines.extend(full)
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
