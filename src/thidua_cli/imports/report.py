"""What an import is asked to do (its options) and what it says back (its report), and the
words for layers and periods its messages use."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import RowError

LAYER_LABELS = {"self": "tự chấm", "peer": "chấm chéo", "agreed": "thống nhất"}
PERIOD_LABELS = {"H1": "6 tháng đầu năm", "FY": "cả năm"}
# Kinds whose records others depend on are checked and written first.
KIND_ORDER = [
    "rules",
    "members",
    "criteria",
    "leadership",
    "scores",
    "wide_scores",
    "self_form",
    "votes",
    "commendations",
]


@dataclass
class ImportOptions:
    cluster: str | None = None
    kind: str | None = None
    year: int | None = None
    half: bool = False
    unit: str | None = None
    layer: str | None = None
    dry_run: bool = False
    force: bool = False


@dataclass
class SheetSummary:
    file: str
    sheet: str
    kind: str
    label: str
    rows: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    sheets: list[SheetSummary] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # data already in use that this import changes (criterion kind or maximum, unit name),
    # each as `what: old → new`; nothing of that sort changes silently (SPEC §3)
    changes: list[str] = field(default_factory=list)

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(s.new for s in self.sheets),
            sum(s.updated for s in self.sheets),
            sum(s.unchanged for s in self.sheets),
        )


class Counter:
    """Counts each written row as new / updated / unchanged on its sheet's summary. Sheets are
    known by their SheetRef (by identity)."""

    def __init__(self, summaries: dict[int, SheetSummary]):
        self.summaries = summaries
        self.changed: set[int] = set()  # the years a written row was new or updated in

    def add(self, ref: object, outcome: str, year: int | None = None) -> None:
        summary = self.summaries[id(ref)]
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        if year is not None and outcome != "unchanged":
            self.changed.add(year)

    def add_many(self, ref: object, outcome: str, count: int) -> None:
        summary = self.summaries[id(ref)]
        setattr(summary, outcome, getattr(summary, outcome) + count)
