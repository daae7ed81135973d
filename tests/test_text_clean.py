"""`clean` (every text enters the tool through it) takes a short cut for the usual cell, whose
only whitespace is the ASCII space: it must give exactly what the full rule gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from thidua_cli.text import clean

_UNSAFE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def full_rule(text: str) -> str:
    """NFC, control characters and bidirectional marks removed, every run of whitespace one
    space, stripped."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", _UNSAFE.sub("", text))).strip()


PIECES = st.sampled_from(
    [" ", "  ", "\t", "\n", "\r\n", "\xa0", "\u2003", "\u3000", "\u1680", "\x1c", "\x85"]
    + ["a", "Đ", "ệ", "e\u0302\u0323", "\x1b[31m", "\u202e", "\u200b", "\u061c", "1,5", "x"]
)


@given(st.lists(PIECES, max_size=12).map("".join))
def test_clean_is_the_full_rule(text: str) -> None:
    assert clean(text) == full_rule(text)


@given(st.text(max_size=30))
def test_clean_is_the_full_rule_on_any_text(text: str) -> None:
    assert clean(text) == full_rule(text)


def test_clean_of_the_usual_cells() -> None:
    assert clean("  Nguyễn   Văn  A ") == "Nguyễn Văn A"
    assert clean("Tỉnh\xa0Đoàn\n") == "Tỉnh Đoàn"
    assert clean("Hội Nông dân tỉnh") == "Hội Nông dân tỉnh"
    assert clean(None) == "" and clean(9.5) == "9.5"
