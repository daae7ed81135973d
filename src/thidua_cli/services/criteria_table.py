"""The scoring table's shape (SPEC §3.1): Roman numerals open sections, dotted codes hang
under the nearest earlier code they extend, rows with children are groups, kinds inherit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

_ROMAN = set("IVXLC")


@dataclass
class ShapedCriterion:
    code: str
    title: str
    parent: str | None
    section: str | None
    max_points: Decimal | None
    kind: str
    order: int
    is_group: bool = False


def is_roman(code: str) -> bool:
    return bool(code) and all(ch in _ROMAN for ch in code)


_KIND_TITLES = (
    ("diem thuong", "bonus"),
    ("diem cong", "bonus"),
    ("tieu chi thuong", "bonus"),
    ("cong diem", "bonus"),
    ("diem tru", "deduction"),
    ("tieu chi tru", "deduction"),
    ("tru diem", "deduction"),
    ("diem liet", "veto"),
    ("tieu chi liet", "veto"),
)


def kind_named(title: str) -> str | None:
    """The kind a section's title names (`III. ĐIỂM THƯỞNG`, `Điểm trừ`), or None."""
    from ..text import fold

    folded = fold(title)
    for words, kind in _KIND_TITLES:
        if folded.startswith(words) or f" {words}" in f" {folded}":
            return kind
    return None


def shape_table(
    rows: list[tuple[str, str, Decimal | None, str | None]],
) -> tuple[list[ShapedCriterion], list[tuple[int, str]]]:
    """rows: (code, title, max, explicit kind) in sheet order. Returns the shaped criteria and
    warnings as (row index, Vietnamese message)."""
    shaped: list[ShapedCriterion] = []
    by_code: dict[str, ShapedCriterion] = {}
    section: str | None = None
    for order, (code, title, max_points, kind) in enumerate(rows):
        parent: str | None
        if is_roman(code):
            section, parent = code, None
        else:
            parent = None
            parts = code.split(".")
            for length in range(len(parts) - 1, 0, -1):
                prefix = ".".join(parts[:length])
                candidate = by_code.get(prefix)
                if candidate is not None and candidate.section == section:
                    parent = prefix
                    break
            if parent is None:
                parent = section
        if kind is None and (parent is None or is_roman(code)):
            kind = kind_named(title)  # many tables name the kind only in the section's title
        inherited = by_code[parent].kind if parent in by_code else "base"
        item = ShapedCriterion(code, title, parent, section, max_points, kind or inherited, order)
        shaped.append(item)
        by_code[code] = item
    children: dict[str, list[ShapedCriterion]] = {}
    for item in shaped:
        if item.parent:
            children.setdefault(item.parent, []).append(item)
    warnings: list[tuple[int, str]] = []
    for item in shaped:
        kids = children.get(item.code)
        if not kids:
            if item.kind == "veto":
                item.max_points = None
            continue
        item.is_group = True
        if item.kind in ("veto",) or item.max_points is None:
            continue
        # a bonus or deduction row inside a base group is not part of the group's points
        same = [k for k in kids if k.kind == item.kind]
        if not same or any(k.max_points is None for k in same):
            continue
        total = sum((k.max_points or Decimal(0) for k in same), Decimal(0))
        if total != item.max_points:
            warnings.append(
                (
                    item.order,
                    f"Tiêu chí {item.code}: điểm tối đa {_fmt(item.max_points)} khác tổng các "
                    f"tiêu chí con {_fmt(total)}.",
                )
            )
    return shaped, warnings


def _fmt(value: Decimal | None) -> str:
    from ..text import format_number

    return format_number(value)
