"""Pure scoring core: totals, ranking, bands, leader, proposals and head rotation, without any I/O.

Give it plain dataclasses (`PeriodInput`, `Rules`), get plain dataclasses back.

The names below are loaded from their module when first used (PEP 562): an import that only
checks a rules sheet loads `rules.py`, not the ranking model."""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "explain": ("explain_unit",),
    "model": (
        "PROPOSAL_BANG_KHEN",
        "PROPOSAL_FLAG",
        "Criterion",
        "CriterionLine",
        "Kind",
        "Layer",
        "Period",
        "PeriodInput",
        "PeriodResult",
        "ScoreEntry",
        "Separation",
        "UnitInfo",
        "UnitResult",
        "Vote",
        "format_points",
        "round_points",
        "to_json_dict",
    ),
    "ranking": ("rank_period",),
    "rotation": ("LeadershipRecord", "RotationProposal", "propose_leadership"),
    "rules": (
        "DEFAULT_SOURCE",
        "RULE_DESCRIPTIONS",
        "RULE_KEYS",
        "RuleError",
        "Rules",
        "build_rules",
        "format_rule_value",
        "parse_rule_value",
    ),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
