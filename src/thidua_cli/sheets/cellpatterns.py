"""The searches the fast pass of sheetxml.check_sheet runs over every window: where a cell
start tag is not in the shape every common writer gives each cell. Columns are vouched for up
to a width of at most MAX_FAST_COLS (two letters); a wider sheet takes the exact pass."""

from __future__ import annotations

import functools
import re

MAX_FAST_COLS = 26 * 27  # A … ZZ


def columns_within(cols: int) -> bytes:
    """A pattern for the column letters of the first `cols` columns (at most ZZ)."""
    if cols <= 26:
        return b"[A-" + chr(64 + max(cols, 1)).encode() + b"]"
    wide = cols - 26  # two-letter columns: AA is the first
    whole, rest = divmod(wide, 26)
    parts = [b"[A-Z]"]
    if whole:
        parts.append(b"[A-" + chr(64 + whole).encode() + b"][A-Z]")
    if rest:
        parts.append(chr(65 + whole).encode() + b"[A-" + chr(64 + rest).encode() + b"]")
    return b"(?:" + b"|".join(parts) + b")"


@functools.lru_cache(maxsize=256)
def unvouched(prefix: bytes, cols: int, digits: int) -> re.Pattern[bytes]:
    """A cell start tag that is not `<c r="X9" …>` with X within `cols` columns (at most ZZ),
    at most `digits` row digits, and after `r` only the attributes writers put on cells (so no
    second `r`, which calamine would take instead). Written with the literal `<c` first, so
    that the search jumps from cell to cell."""
    return re.compile(
        b"<"
        + re.escape(prefix)
        + rb'c(?=[\s/>])(?! r="'
        + columns_within(cols)
        + rb"[0-9]{1,"
        + str(digits).encode()
        + rb'}"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*/?>)'
    )


@functools.lru_cache(maxsize=256)
def uncommon(prefix: bytes, cols: int, digits: int) -> re.Pattern[bytes]:
    """Where a cell start tag is not in the shape common writers give every cell, `<c r="X9">`
    with X within `cols` columns and at most `digits` row digits, then ` s="7"` and ` t="n"`
    or neither. Every start `unvouched` finds is found here (its shapes are a part of what
    `unvouched` vouches for), about twice as fast: alternatives instead of repeated groups."""
    style = rb' s="[0-9]+"'
    kind = rb' t="[a-zA-Z]+"'
    return re.compile(
        b"<"
        + re.escape(prefix)
        + rb'c(?! r="'
        + columns_within(cols)
        + rb"[0-9]{1,"
        + str(digits).encode()
        + rb'}"(?:>|'
        + kind
        + rb">|"
        + style
        + rb"(?:>|"
        + kind
        + rb">)|/>|"
        + kind
        + rb"/>|"
        + style
        + rb"/>))"
    )
