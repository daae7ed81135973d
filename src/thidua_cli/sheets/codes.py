"""Criterion codes as real scoring tables write them (SPEC §3.1): `1.`, `1)` and `1` are one
code; `a`, `b)`, `c.` are letters under the nearest numbered code (lowercase `c`, `i`, `v`, `x`
there are letters, not Roman sections); numbering restarted in every section (I: 1, 2; II: 1,
2) is qualified by the section (`I.1`, `II.1`, `II.1.a`), so that every code of a table is
unique and a unit's form numbered the same way finds the same criteria."""

from __future__ import annotations

import functools
import re

_ROMAN = re.compile(r"^[IVXLC]+$")
_LETTER = re.compile(r"^[a-zđ]{1,4}$")  # a, b, … and i, ii, iv under a numbered code
_WRAPPING = re.compile(r"^\((.*)\)$")


def normalise_code(text: str) -> str:
    """A code as written, without what only decorates it: spaces, `(1)`, `1)`, `1.`, `a)`."""
    code = text.replace(" ", "")
    wrapped = _WRAPPING.match(code)
    if wrapped:
        code = wrapped.group(1)
    return code.rstrip(".)")


def is_section(code: str) -> bool:
    """A Roman numeral in capitals opens a section."""
    return bool(_ROMAN.match(code))


def is_letter(code: str) -> bool:
    return bool(_LETTER.match(code))


def qualify_codes(codes: list[str]) -> list[str]:
    """The codes of one sheet's table, in sheet order, as they are stored: letters under their
    numbered code (`1.a`), and every code prefixed by its section when the numbering restarts
    in a section (`II.1`). Codes that are unique as written stay as written."""
    return list(_qualified(tuple(codes)))


@functools.lru_cache(maxsize=256)  # every unit's form of one template has the same codes
def _qualified(codes: tuple[str, ...]) -> tuple[str, ...]:
    section = ""
    numbered = ""  # the nearest earlier numbered code of the current section
    lettered: list[tuple[str, str]] = []  # (section, code with letters under their parent)
    for code in codes:
        if is_section(code):
            section, numbered = code, ""
            lettered.append((section, code))
        elif is_letter(code):
            parent = numbered or section
            lettered.append((section, f"{parent}.{code}" if parent else code))
        else:
            numbered = code
            lettered.append((section, code))
    sections_of: dict[str, set[str]] = {}
    first_number: dict[str, str] = {}  # section -> its first numbered code
    for sect, code in lettered:
        if not is_section(code):
            sections_of.setdefault(code, set()).add(sect)
            first_number.setdefault(sect, code.removeprefix(sect + ".").split(".")[0])
    repeated = set().union(*(found for found in sections_of.values() if len(found) > 1))
    # numbering restarts when every section a repeated code is in starts again from 1; a
    # code repeated in a table numbered on (I: 1, 2; II: 3, 2) is a mistake to report
    restarted = bool(repeated) and all(first_number.get(sect) == "1" for sect in repeated)
    if not restarted:
        return tuple(code for _, code in lettered)
    return tuple(
        code if is_section(code) or not sect or code.startswith(sect + ".") else f"{sect}.{code}"
        for sect, code in lettered
    )


def sections_of(rows: list[int], codes: list[str]) -> dict[int, str]:
    """Row -> the section (I, II…) a row of a sheet's table is under, for rows under one."""
    found: dict[int, str] = {}
    section = ""
    for row, code in zip(rows, codes, strict=True):
        if is_section(code):
            section = code
        elif section:
            found[row] = section
    return found


def plain_code(code: str) -> str | None:
    """`1.a` of a section-qualified code `II.1.a`; None for a code not under a section."""
    head, dot, rest = code.partition(".")
    return rest if dot and is_section(head) and rest else None
