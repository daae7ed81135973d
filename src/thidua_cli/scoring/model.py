"""Plain dataclasses that go into and come out of the scoring core, and the JSON shape of SPEC §4.4.

Nothing here touches a database or a workbook; points are `Decimal`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from thidua_cli.scoring.rules import Rules
from thidua_cli.text import format_points, round_points  # noqa: F401  (the one display rounding)

Kind = Literal["base", "bonus", "deduction", "veto"]
Layer = Literal["self", "peer", "agreed"]
Period = Literal["H1", "FY"]

PROPOSAL_FLAG = "Cờ thi đua cấp tỉnh"
PROPOSAL_BANG_KHEN = "Bằng khen"
VOTE_PURPOSES: tuple[str, ...] = ("lead", "flag", "bang_khen", "head", "deputy")


@dataclass(frozen=True)
class Criterion:
    """One row of the scoring table; only leaves (rows nobody names as parent) take scores."""

    code: str
    title: str
    parent: str | None
    max_points: Decimal | None
    kind: Kind
    order: int
    section: str | None


@dataclass(frozen=True)
class ScoreEntry:
    """One score; `scorer` is the scoring unit's code in the peer layer and "" otherwise."""

    unit: str
    criterion: str
    layer: Layer
    scorer: str
    points: Decimal


@dataclass(frozen=True)
class Vote:
    """A secret-ballot result; purpose is one of `VOTE_PURPOSES` ("lead" = Dẫn đầu)."""

    purpose: str
    unit: str
    yes: int
    members: int
    present: int | None


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    rotation_order: int | None


@dataclass
class PeriodInput:
    cluster: str
    year: int
    period: Period
    units: list[UnitInfo]
    criteria: list[Criterion]
    scores: list[ScoreEntry]
    votes: list[Vote]
    rules: Rules


@dataclass(frozen=True)
class CriterionLine:
    """How one leaf criterion was scored for one unit."""

    criterion: str
    title: str
    kind: Kind
    max_points: Decimal | None
    layer_used: Layer | None
    points: Decimal | None
    detail: str
    section: str | None = None


@dataclass(frozen=True)
class Separation:
    """What separates a unit from its neighbour in the ranking.

    `rule` is "total" when the totals differ, a tie_break rule name when that rule decided, and
    None when nothing did (shared rank).
    """

    neighbour: str
    rule: str | None
    text: str


@dataclass
class UnitResult:
    code: str
    name: str
    self_total: Decimal | None
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    rank: int
    band: str
    leader: bool
    proposal: str | None
    vetoed: bool
    provisional: bool
    missing: list[str]
    lines: list[CriterionLine]
    tie_note: str | None
    lead_votes: Vote | None
    bonus_raw: Decimal = Decimal(0)
    first_section_points: Decimal = Decimal(0)
    vetoed_by: list[str] = field(default_factory=list)
    above: Separation | None = None
    below: Separation | None = None
    votes: dict[str, Vote] = field(default_factory=dict)


@dataclass
class PeriodResult:
    cluster: str
    year: int
    period: Period
    scale: Decimal
    provisional: bool
    units: list[UnitResult]
    leader: str | None
    leader_note: str | None
    warnings: list[str]
    first_section: str | None = None
    bang_khen_seats: int = 0
    not_sent: list[str] = field(default_factory=list)  # half-year: units that sent nothing
    has_votes: bool = False  # any ballot imported for the year

    def unit(self, code: str) -> UnitResult | None:
        return next((unit for unit in self.units if unit.code == code), None)


def _json_number(value: Decimal) -> float:
    """JSON carries the exact value (SPEC §4.4); only displays round."""
    return float(value)


def _json_scale(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return _json_number(value)


def to_json_dict(result: PeriodResult, next_head: str | None, next_deputy: str | None) -> dict:
    """The `--json` output of SPEC §4.4, keys in the spec's order."""
    units: list[dict[str, Any]] = [
        {
            "code": unit.code,
            "name": unit.name,
            "self_total": None if unit.self_total is None else _json_number(unit.self_total),
            "base": _json_number(unit.base),
            "bonus": _json_number(unit.bonus),
            "deduction": _json_number(unit.deduction),
            "total": _json_number(unit.total),
            "rank": int(unit.rank),
            "band": unit.band,
            "leader": unit.leader,
            "proposal": unit.proposal,
            "vetoed": unit.vetoed,
            "provisional": unit.provisional,
            "missing": list(unit.missing),
        }
        for unit in result.units
    ]
    return {
        "cluster": result.cluster,
        "year": result.year,
        "period": result.period,
        "scale": _json_scale(result.scale),
        "provisional": result.provisional,
        "units": units,
        "next_head": next_head,
        "next_deputy": next_deputy,
        "warnings": list(result.warnings),
    }
