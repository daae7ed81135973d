"""`thidua rules`: the effective rules of a year with their sources, and setting one key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UsageError
from .context import pick_cluster

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class RuleLine:
    key: str
    value: str
    source: str
    description: str


def show_rules(
    engine: Engine, cluster_code: str | None, year: int | None
) -> tuple[int, list[RuleLine]]:
    from ..scoring import RULE_DESCRIPTIONS, RULE_KEYS, format_rule_value
    from .ranking import effective_rules
    from .status import latest_year

    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
        if year is None:
            year = latest_year(conn, cluster.id) or __import__("datetime").date.today().year
        rules, sources = effective_rules(conn, cluster.id, year)
    lines = [
        RuleLine(
            key,
            format_rule_value(key, getattr(rules, key)),
            sources[key],
            RULE_DESCRIPTIONS.get(key, ""),
        )
        for key in RULE_KEYS
    ]
    return year, lines


def set_rule(
    engine: Engine,
    cluster_code: str | None,
    key: str,
    value: str,
    from_year: int,
    *,
    force: bool = False,
) -> tuple[str, list[int]]:
    """Set one rule from a year on; returns the value as read back and the finalised years
    frozen again. It applies to every later year too: a finalised year from
    `from_year` on needs `force` (recorded, and the year is frozen again)."""
    from ..scoring import RuleError, format_rule_value, parse_rule_value
    from ..store.locks import guard_years, write_transaction
    from ..store.tables import table_of
    from ..store.writes import record_audit, upsert_by_key
    from .ranking import refreeze

    clean_key = key.strip().lower()
    try:
        parsed = parse_rule_value(clean_key, value)
    except RuleError as problem:
        raise UsageError(
            str(problem), "Xem các khóa và giá trị hiện hành bằng `thidua rules`."
        ) from None
    if not 1990 <= from_year <= 2100:
        raise UsageError(f"Năm {from_year} không hợp lệ.", "Ghi năm có 4 chữ số, ví dụ 2024.")
    source = "lệnh thidua rules set"
    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
    with write_transaction(engine, cluster.id) as conn:
        table = table_of(conn, "rule_setting")
        refrozen = guard_years(
            conn,
            cluster.id,
            lambda year: year >= from_year,
            force=force,
            action="forced_rules_set",
            detail=f"{clean_key}={value.strip()} from {from_year}",
            refused=f"không đổi quy chế {clean_key} từ năm {from_year}",
        )
        key = {"cluster_id": cluster.id, "key": clean_key, "from_year": from_year}
        upsert_by_key(conn, table, key, {"value": value.strip(), "source": source})
        record_audit(conn, cluster.id, [from_year], "rules_set", f"{clean_key}={value.strip()}")
        if refrozen:
            refreeze(conn, cluster, refrozen)
    return format_rule_value(clean_key, parsed), refrozen
