"""The long score sheet at full speed: one pass from raw cells to rows ready to insert.

A long sheet ("Năm, Kỳ, Mã đơn vị, Mã tiêu chí, Tự chấm, …") repeats a few hundred distinct
values over hundreds of thousands of rows. Each distinct raw value is resolved and checked once,
by the same rules as the general path, and remembered; a row whose every cell is already known
and good becomes an insert tuple with no object in between. Any other row (a blank or total row,
an unknown unit, a score over the maximum, a mark, a veto criterion, a peer score, a cell Excel
marked) goes through the general parser and check, which name the cell and say what is wrong.

Duplicates are left to the score table's primary key (the natural key): an insert that hits
one makes the import start again on the general path, which says where both rows are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from operator import itemgetter
from typing import Any

from ..sheets.parse import (
    TICK,
    SheetParser,
    _cell_text,
    criterion_code,
    period_and_year,
    score_points,
)
from ..text import ValueProblem

# points cache value for a blank score cell: the layer has no score on that row
_BLANK = -1
_NO_MAX = 1 << 62
_LAYERS = ("self", "peer", "agreed")  # a peer score needs its scorer: only a blank one here


class SheetFallback(Exception):
    """The sheet needs the general parser throughout (for instance it scores group rows, whose
    values are checked against the sum of their children)."""


@dataclass
class FastSheet:
    """Rows of one sheet ready for `INSERT INTO score`: (cluster_id, year, period, unit, criterion,
    layer, scorer, points_c, note). Unit and criterion are database ids, or codes (str) when
    they are new in this import and get their ids only when written (`needs_ids`)."""

    rows: list[tuple] = field(default_factory=list)
    years: set[tuple[int, str]] = field(default_factory=set)  # (year, period) it may hold
    needs_ids: bool = False


class Resolver:
    """What the check knows, asked quietly: None means "let the general path decide"."""

    def __init__(
        self,
        lookup: Callable[[str], str | None],
        members: dict[int, dict[str, Any]],
        criterion: Callable[[int, str], tuple[str, Decimal | None, bool, int | None] | None],
        unit_ids: dict[str, int],
        criterion_ids: Callable[[int, str], int | None],
    ):
        self.lookup = lookup
        self.members = members
        self.criterion = criterion
        self.unit_ids = unit_ids
        self.criterion_ids = criterion_ids


def stream_long_sheet(
    parser: SheetParser,
    resolver: Resolver,
    cluster_id: int,
    tick: Callable[[int], None] = lambda rows: None,
) -> FastSheet:
    """Parse and check a long score sheet; rows it cannot vouch for go to `parser.row`, and so
    into the batch for the general check. Raises SheetFallback before touching the batch when
    the sheet must be parsed the general way from the start."""
    out = FastSheet()
    if not parser.ok:
        return out
    ctx, layout = parser.context, parser.layout
    cols = layout.fields
    layer_cols = [(layer, cols[layer]) for layer in _LAYERS if layer in cols]
    unit_col = cols.get("unit_code", cols.get("unit_name"))
    crit_col = cols["criterion"]
    if not layer_cols or unit_col is None:
        raise SheetFallback
    sheet = parser.sheet
    shift = sheet.col_offset
    options, titles = ctx.options, ctx.titles

    # Each field reads one column; a field the sheet has no column for reads the criterion
    # column and maps every value to the sheet's constant, so the loop has no branches for it.
    def column(name: str) -> int:
        return cols.get(name, crit_col) - shift

    if min(cols.values()) < shift:
        raise SheetFallback

    sheet_year = ctx.sheet_year()

    def quiet_year(raw: object) -> int | None:
        if "year" not in cols or raw in ("", None):
            return sheet_year
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
            raw = int(raw.strip())
        if type(raw) is not int or not 1990 <= raw <= 2100:
            return None
        if options.year is not None and raw != options.year:
            return None
        return raw

    def quiet_period(raw: object, year: int) -> str | None:
        text = _cell_text(raw) if "period" in cols and isinstance(raw, (str, float, int)) else ""
        if "period" in cols and raw not in ("", None) and not text:
            return None
        if not text:
            return titles.period if titles.period is not None else options.period or "FY"
        period, written = period_and_year(text)
        if period is None or (options.period is not None and period != options.period):
            return None
        return None if written is not None and written != year else period

    def quiet_points(raw: object) -> int | None:
        if raw is None:
            return _BLANK
        if not isinstance(raw, (str, float, int)):
            return None
        try:
            scored = score_points(raw)
        except ValueProblem:
            return None
        if scored is None:
            return _BLANK
        points, mark = scored
        return None if mark or points < 0 else points  # a mark: only a veto criterion takes one

    def quiet_note(raw: object) -> str | None:
        if "note" not in cols:
            return ""
        return _cell_text(raw) if isinstance(raw, (str, float, int)) else None

    codes: dict[object, str] = {}  # raw unit cell -> unit code, whatever the year

    def quiet_unit(raw: object, year: int) -> int | str | None:
        if not isinstance(raw, (str, float, int)):
            return None
        if not known(codes, raw, lambda raw: resolver.lookup(_cell_text(raw))):
            return None
        code = codes[raw]
        year_members = resolver.members.get(year)
        if year_members is None or code not in year_members:
            return None
        unit_id = resolver.unit_ids.get(code)
        if unit_id is None:
            out.needs_ids = True
            return code
        return unit_id

    def quiet_criterion(raw: object, year: int) -> tuple[int | str, int] | None:
        if not isinstance(raw, (str, float, int)):
            return None
        code = criterion_code(raw)
        info = resolver.criterion(year, code) if code else None
        if info is None:
            return None
        kind, _, is_group, max_c = info
        if is_group:
            raise SheetFallback  # group rows are summed against their children
        if kind == "veto":
            return None
        crit_id = resolver.criterion_ids(year, code)
        if crit_id is None:
            out.needs_ids = True
        return (code if crit_id is None else crit_id), (_NO_MAX if max_c is None else max_c)

    # raw year -> (year, raw period -> period, raw unit -> unit, raw code -> (criterion, max))
    years: dict[object, tuple[int, dict, dict, dict]] = {}
    # raw score cell(s) -> (the highest, ((layer, points), ...) to store)
    points: dict[object, tuple[int, tuple[tuple[str, int], ...]]] = {}
    notes: dict[object, str] = {}
    layers = [layer for layer, _ in layer_cols]

    def quiet_scores(s: object) -> tuple[int, tuple[tuple[str, int], ...]] | None:
        """The score cell(s) of a row: the highest value and what to store per layer."""
        values = [
            value if layer != "peer" or value == _BLANK else None
            for layer, value in zip(
                layers,
                map(quiet_points, s if len(layers) > 1 else (s,)),  # type: ignore[arg-type]
                strict=True,
            )
        ]
        if None in values:
            return None
        stored = tuple((lay, v) for lay, v in zip(layers, values, strict=True) if v != _BLANK)
        return max(values), stored  # type: ignore[type-var, return-value]

    def year_state(raw: object) -> tuple[int, dict, dict, dict] | None:
        year = quiet_year(raw)
        return None if year is None else (year, {}, {}, {})

    def known(cache: dict, raw: object, resolve: Callable[[object], object]) -> bool:
        """Whether `raw` is in the cache, resolving it first when it is not."""
        if raw not in cache:
            value = resolve(raw)
            if value is None:
                return False
            cache[raw] = value
        return True

    def learn(y: object, p: object, u: object, c: object, n: object, s: object) -> bool:
        """Resolve the values of a row the caches do not know; False: the general path."""
        if not known(years, y, year_state):
            return False
        year, periods, units, crits = years[y]
        return (
            known(periods, p, lambda raw: quiet_period(raw, year))
            and known(units, u, lambda raw: quiet_unit(raw, year))
            and known(crits, c, lambda raw: quiet_criterion(raw, year))
            and known(notes, n, quiet_note)
            and known(points, s, quiet_scores)
        )

    head = itemgetter(
        column("year"), column("period"), unit_col - shift, crit_col - shift, column("note")
    )
    tail = itemgetter(*(col - shift for _, col in layer_cols))  # one cell, or a tuple of them
    pad = [None] * shift
    # rows the loop must not take at face value: their cells are swapped for an empty list, so
    # that reading them fails into the general path (no test for them on every row)
    odd = sheet.bool_rows | {row for row, _ in sheet.special} | layout.skip_rows
    skip = layout.skip_rows
    held: dict[int, list[object]] = {}
    append = out.rows.append
    years_get, points_get, notes_get = years.get, points.get, notes.get
    handed = 0  # rows given to the general parser
    iterated = 0
    before, source = sheet.row_source()
    first = layout.last_header_row + 1
    numbered = enumerate(islice(source, max(first - before - 1, 0), None), first)
    while chunk := list(islice(numbered, TICK)):
        low = chunk[0][0]
        for number in odd:  # rows are numbered one after another: chunk[number - low]
            if 0 <= number - low < len(chunk):
                held[number] = chunk[number - low][1]
                chunk[number - low] = (number, [])
        iterated += len(chunk)
        for number, values in chunk:
            try:
                y, p, u, c, n = head(values)
                s = tail(values)
            except IndexError:
                if number in skip:
                    iterated -= 1
                else:
                    handed += 1
                    parser.row(number, pad + held.pop(number, values))
                continue
            state = years_get(y)
            if state is None:
                if not learn(y, p, u, c, n, s):
                    handed += 1
                    parser.row(number, pad + values)
                    continue
                state = years_get(y)
            year, periods, units, crits = state  # type: ignore[misc]
            period = periods.get(p)
            unit = units.get(u)
            crit = crits.get(c)
            note = notes_get(n)
            scored = points_get(s)
            if period is None or unit is None or crit is None or note is None or scored is None:
                if not learn(y, p, u, c, n, s):
                    handed += 1
                    parser.row(number, pad + values)
                    continue
                period, unit, crit, note = periods[p], units[u], crits[c], notes[n]
                scored = points[s]
            crit_id, max_c = crit
            peak, emits = scored
            if peak > max_c:
                handed += 1
                parser.row(number, pad + values)
                continue
            for layer, value in emits:
                append((cluster_id, year, period, unit, crit_id, layer, "", value, note))
        tick(len(chunk))
    parser.ref.rows += iterated - handed  # the general parser counts the rows it was given
    out.years.update((state[0], period) for state in years.values() for period in state[1].values())
    return out
