"""The frozen snapshot of a finalised year as JSON: the ranking outcome and the report facts of
each ranked period, with everything they hold (results, rules in force, head and deputy, the
cluster's header fields, the units' names as they stood). Exact values survive the round trip:
Decimals and fractions are written as text, dataclasses by name from a fixed list."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

FORMAT = 1


def _classes() -> dict[str, type]:
    from ..reports.facts import CommendationRecord, Member, ReportFacts
    from ..scoring import (
        CriterionLine,
        PeriodResult,
        RotationProposal,
        Rules,
        Separation,
        UnitResult,
        Vote,
    )
    from .context import ClusterInfo
    from .ranking import RankOutcome

    found = (
        ClusterInfo,
        CommendationRecord,
        CriterionLine,
        Member,
        PeriodResult,
        RankOutcome,
        ReportFacts,
        RotationProposal,
        Rules,
        Separation,
        UnitResult,
        Vote,
    )
    return {cls.__name__: cls for cls in found}


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (int, str, float)):
        return value
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, Fraction):
        return {"$f": f"{value.numerator}/{value.denominator}"}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(item) for item in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": sorted(_encode(item) for item in value)}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$t": type(value).__name__, **fields}
    raise TypeError(f"cannot freeze {type(value).__name__}")


def _decode(value: Any, classes: dict[str, type]) -> Any:
    if isinstance(value, list):
        return [_decode(item, classes) for item in value]
    if not isinstance(value, dict):
        return value
    if "$d" in value:
        return Decimal(value["$d"])
    if "$f" in value:
        return Fraction(value["$f"])
    if "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$tuple" in value:
        return tuple(_decode(item, classes) for item in value["$tuple"])
    if "$set" in value:
        return {_decode(item, classes) for item in value["$set"]}
    if "$map" in value:
        return {_decode(k, classes): _decode(v, classes) for k, v in value["$map"]}
    cls = classes[value["$t"]]
    return cls(**{k: _decode(v, classes) for k, v in value.items() if k != "$t"})


def dumps(periods: dict[str, dict[str, Any]]) -> str:
    """{period: {"outcome": RankOutcome, "facts": ReportFacts}} as the stored JSON text."""
    data = {"format": FORMAT, "periods": _encode(periods)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def loads(text: str) -> dict[str, dict[str, Any]]:
    data = json.loads(text)
    return _decode(data["periods"], _classes())
