"""Typed records read from sheet rows, before they are matched against the database.
Each keeps where it came from so that a later check can name the exact cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import RowError

if TYPE_CHECKING:
    from .catalogue import Catalogue


@dataclass
class SheetRef:
    file: str
    sheet: str
    kind: str
    letters: dict[str, str]  # field -> column letter
    path: str = ""
    sha256: str = ""
    unit_letters: dict[str, str] = field(default_factory=dict)  # wide layout: unit text -> letter
    header_row: int | None = None  # the (last) header row: where a wide sheet names its units
    title_unit: str = ""  # a self-score form's `Đơn vị: …` title, as written
    title_unit_at: tuple[int, str] | None = None  # its row and column letter
    rows: int = 0
    skipped_totals: int = 0
    catalogue: Catalogue | None = None  # the workbook's codes (commendation lists)
    missing_unit_said: bool = False  # a list without a unit column is said once

    def letter(self, name: str) -> str | None:
        return self.letters.get(name)


@dataclass(slots=True)
class MemberRow:
    ref: SheetRef
    row: int
    code: str
    name: str
    short_name: str
    year: int
    rotation_order: int | None
    aliases: list[str]


@dataclass(slots=True)
class CriterionRow:
    ref: SheetRef
    row: int
    year: int
    code: str
    title: str
    max_points: Decimal | None
    kind: str | None  # None: take the enclosing group's
    order: int


@dataclass(slots=True)
class ScoreRow:
    ref: SheetRef
    row: int
    year: int
    period: str
    unit: str  # code or name as written
    unit_col: str
    criterion: str
    layer: str
    scorer: str  # as written; "" for self / agreed
    points_c: int
    points_col: str
    mark: bool  # written as x / có (only meaningful for veto criteria)
    note: str
    # the section row (I, II…) above the row in its sheet, for a code the sheet left plain
    # (a partial form of a table whose numbering restarts: II, then 1, 2)
    section: str = ""


@dataclass(slots=True)
class TotalRow:
    """A 'Tổng cộng' row: checked against the sum of the rows above, never stored."""

    ref: SheetRef
    row: int
    unit: str
    layer: str
    points_c: int
    col: str


@dataclass(slots=True)
class VoteRow:
    ref: SheetRef
    row: int
    year: int
    purpose: str
    unit: str
    yes: int
    members: int
    present: int | None


@dataclass(slots=True)
class LeadershipRow:
    ref: SheetRef
    row: int
    year: int
    head: str
    deputy: str


@dataclass(slots=True)
class CommendationRow:
    ref: SheetRef
    row: int
    year: int
    period: str
    recipient: str
    kind: str  # individual / collective / household
    gender: str
    ethnicity: str
    position: str
    is_leader: bool | None  # None: infer from position
    unit: str
    award: str
    title: str
    decision_no: str
    decision_date: date | None


@dataclass(slots=True)
class RuleRow:
    ref: SheetRef
    row: int
    key: str
    value: str
    from_year: int | None


@dataclass
class ParsedBatch:
    members: list[MemberRow] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    table_totals: list[TotalRow] = field(default_factory=list)  # a scoring table's total maximum
    votes: list[VoteRow] = field(default_factory=list)
    leadership: list[LeadershipRow] = field(default_factory=list)
    commendations: list[CommendationRow] = field(default_factory=list)
    rules: list[RuleRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheets: list[SheetRef] = field(default_factory=list)
