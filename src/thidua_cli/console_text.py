"""Vietnamese on consoles that cannot show all of it.

A Windows console on cp1258 has the base letters with their hats and horns (â, ơ, ư, ă…) and
the five tone marks as combining characters, but not most precomposed letters (ộ, ữ): `ộ` is
written as `ô` + combining dot below, which the console shows as `ộ`. A cp1252 or ASCII console
gets the letter without the marks it cannot show (`Hội` -> `Hoi`), `đ` -> `d`, and `?` for
anything else. Registered as a codec error handler, so nothing written ever raises."""

from __future__ import annotations

import codecs
import unicodedata

HANDLER = "thidua-vietnamese"
_LETTERS = {"đ": "d", "Đ": "D", "–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'"}
_LETTERS.update({"…": "...", "•": "*", "→": "->", "×": "x", "≥": ">=", "≤": "<="})


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def nearest(char: str, encoding: str) -> str:
    """The closest text to `char` that `encoding` can write."""
    parts = unicodedata.normalize("NFD", char)
    base, marks = parts[0], parts[1:]
    if not _encodable(base, encoding):
        base = _LETTERS.get(base, "")
        if not base or not _encodable(base, encoding):
            return "?"
    kept = ""
    for mark in marks:
        composed = unicodedata.normalize("NFC", base + mark)
        if len(composed) == 1 and _encodable(composed, encoding):
            base = composed  # `o` + hat -> `ô`, a letter the code page has
        elif _encodable(mark, encoding):
            kept += mark  # the tone as a combining mark (cp1258)
    return base + kept


def register_fallback(encoding: str) -> str:
    """Register the handler for `encoding` (once) and return its name, for
    `stream.reconfigure(errors=…)`. One handler per encoding: a code page's encoder reports
    its errors as "charmap", not by its name."""
    name = f"{HANDLER}-{codecs.lookup(encoding).name}"

    def replace(problem: UnicodeError) -> tuple[str, int]:
        if not isinstance(problem, UnicodeEncodeError):
            raise problem
        text = problem.object[problem.start : problem.end]
        return "".join(nearest(char, encoding) for char in text), problem.end

    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, replace)
    return name
