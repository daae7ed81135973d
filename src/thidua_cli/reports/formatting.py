"""Vietnamese display of the numbers, shares and dates a report shows; templates get text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..text import format_number

DASH = "–"


def points(value: Decimal | None) -> str:
    """Points with a decimal comma and no trailing zeros: 106,5; 95; 96,33. None is a dash."""
    if value is None:
        return DASH
    text = format_number(value, 2)
    return "0" if text in ("-0", "") else text


def share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def percent(value: Fraction | Decimal | None, places: int = 1) -> str:
    """A share as a Vietnamese percentage: 60,7%; 40%. None is a dash."""
    if value is None:
        return DASH
    number = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else value
    )
    return format_number(number * 100, places) + "%"


def place_date(place: str, day: date) -> str:
    """The date line of Decree 30/2020/NĐ-CP: days below 10 and months 1, 2 take a leading zero
    ("ngày 05 tháng 01 năm 2024", "ngày 15 tháng 3 năm 2024")."""
    day_text = f"{day.day:02d}"
    month_text = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day_text} tháng {month_text} năm {day.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def votes_text(yes: int, members: int, present: int | None = None) -> str:
    """ "8/8 phiếu đồng ý (100%)", with attendance when fewer than all members were present."""
    text = f"{yes}/{members} phiếu đồng ý ({percent(share(yes, members))})"
    if present is not None and present != members:
        text += f", có mặt {present}/{members}"
    return text
