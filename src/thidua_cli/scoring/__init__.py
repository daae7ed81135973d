"""Pure scoring core: totals, ranking, bands, leader, proposals and head rotation, without any I/O.

Give it plain dataclasses (`PeriodInput`, `Rules`), get plain dataclasses back.
"""

from thidua_cli.scoring.explain import explain_unit
from thidua_cli.scoring.model import (
    PROPOSAL_BANG_KHEN,
    PROPOSAL_FLAG,
    Criterion,
    CriterionLine,
    Kind,
    Layer,
    Period,
    PeriodInput,
    PeriodResult,
    ScoreEntry,
    Separation,
    UnitInfo,
    UnitResult,
    Vote,
    format_points,
    round_points,
    to_json_dict,
)
from thidua_cli.scoring.ranking import rank_period
from thidua_cli.scoring.rotation import LeadershipRecord, RotationProposal, propose_leadership
from thidua_cli.scoring.rules import (
    DEFAULT_SOURCE,
    RULE_DESCRIPTIONS,
    RULE_KEYS,
    RuleError,
    Rules,
    build_rules,
    format_rule_value,
    parse_rule_value,
)

__all__ = [
    "DEFAULT_SOURCE",
    "PROPOSAL_BANG_KHEN",
    "PROPOSAL_FLAG",
    "RULE_DESCRIPTIONS",
    "RULE_KEYS",
    "Criterion",
    "CriterionLine",
    "Kind",
    "Layer",
    "LeadershipRecord",
    "Period",
    "PeriodInput",
    "PeriodResult",
    "RotationProposal",
    "RuleError",
    "Rules",
    "ScoreEntry",
    "Separation",
    "UnitInfo",
    "UnitResult",
    "Vote",
    "build_rules",
    "explain_unit",
    "format_points",
    "format_rule_value",
    "parse_rule_value",
    "propose_leadership",
    "rank_period",
    "round_points",
    "to_json_dict",
]
