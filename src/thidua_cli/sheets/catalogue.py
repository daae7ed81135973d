"""A workbook's catalogue of codes (SPEC §3.1): lists exported from provincial commendation
software write the award form, title or kind as a code (`1650360491`, `CANHAN`) and explain
the codes in a sheet of the same workbook (`DANHMUC`, `Danh mục`, or a hidden lookup sheet).
A code is resolved through that sheet; a code it does not explain is never taken as a name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from ..text import clean, fold
from .reader import Sheet

CATALOGUE_ROWS = 5000  # a catalogue is a few hundred rows; more is not a catalogue
_NUMERIC_CODE = re.compile(r"^\d{6,}$")
_WORD_CODE = re.compile(r"^[A-Z][A-Z0-9_]{3,}$")
# kinds of recipient as commendation software writes them, known without a catalogue
KIND_CODES = {"CANHAN": "individual", "TAPTHE": "collective", "HOGIADINH": "household"}


@dataclass
class Catalogue:
    names: dict[str, str] = field(default_factory=dict)  # code -> name
    sheets: list[str] = field(default_factory=list)  # where the codes were read

    def where(self) -> str:
        return ", ".join(self.sheets) if self.sheets else ""


def code_text(value: object) -> str | None:
    """The code a cell holds (`1650360491`, also written as a number; `CANHAN`), or None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _NUMERIC_CODE.match(text) or _WORD_CODE.match(text):
        return text
    return None


def is_catalogue_sheet(sheet: Sheet) -> bool:
    key = fold(sheet.name).replace(" ", "")
    return key.startswith("danhmuc") or sheet.hidden


def read_catalogue(sheets: list[Sheet]) -> Catalogue:
    """Every (code, name) pair side by side in a catalogue sheet, in either order."""
    catalogue = Catalogue()
    for sheet in sheets:
        if not is_catalogue_sheet(sheet):
            continue
        found = 0
        for _, values in islice(sheet.rows(), CATALOGUE_ROWS):
            for left, right in zip(values, values[1:], strict=False):
                code, name = code_text(left), right
                if code is None:
                    code, name = code_text(right), left
                if code is None or not isinstance(name, str) or code_text(name):
                    continue
                text = clean(name)
                if any(ch.isalpha() for ch in text):
                    catalogue.names.setdefault(code, text)
                    found += 1
        if found:
            catalogue.sheets.append(sheet.name)
    return catalogue
