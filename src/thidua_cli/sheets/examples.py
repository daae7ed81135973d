"""The example rows of `thidua template` as the import recognises them: a row identical to one
is an error, never data (SPEC §3.1). The rows themselves live in sheets/template.py, written
once for both the template and this check."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from ..text import clean, fold
from .columns import KINDS


@dataclass(frozen=True)
class Example:
    key_field: str  # the field compared first, raw, to skip the other rows cheaply
    key_raw: object
    cells: dict[str, str]  # field -> comparable text ("" where the example is empty)
    units: dict[str, str]  # a wide sheet's unit columns: folded header -> comparable text


def comparable(value: object) -> str:
    """A cell as the example check compares it: numbers without a trailing .0, dates as
    dd/mm/yyyy, text folded for case and spacing only."""
    if value is None:
        return ""
    if value.__class__ is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return clean(value).casefold()


@functools.cache
def examples_of(kind: str) -> tuple[Example, ...]:
    from .template import SHEET_KINDS, SHEETS

    if kind == "rules":
        # the rules example writes a default (scale 100), as many a real sheet does: taken as
        # is, it changes nothing a clerk would notice, and refusing it would refuse real rows
        return ()

    aliases = KINDS[kind].by_alias()
    found = []
    for spec in SHEETS:
        if SHEET_KINDS.get(spec.name) != kind:
            continue
        for values in spec.example_rows:
            cells: dict[str, str] = {}
            units: dict[str, str] = {}
            raws: dict[str, object] = {}
            for column, value in zip(spec.columns, values, strict=False):
                name = aliases.get(fold(column.header))
                if name is not None:
                    cells[name] = comparable(value)
                    raws[name] = value
                elif kind == "wide_scores":
                    units[fold(column.header)] = comparable(value)
            if not any(cells.values()) or (
                "criterion" in aliases.values() and not cells.get("criterion")
            ):
                continue  # a total row: never imported anyway
            key = max((f for f in cells if cells[f]), key=lambda f: len(cells[f]))
            raw = raws[key]
            found.append(Example(key, float(raw) if isinstance(raw, int) else raw, cells, units))
    return tuple(found)
