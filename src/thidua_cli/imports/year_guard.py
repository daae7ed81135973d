"""Finalised years (SPEC §4.4) as the import sees them, inside the import's write transaction:
an import is refused, unless --force, when it would change a finalised year: a rule it changes
holds for that year (`years_touched`), or a row it writes there is new or updated (judged once
written, and then rolled back whole). Re-importing what a finalised year already holds changes
nothing and is not refused. This is the one place an import asks about year locks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import RowError
from ..store.import_state import ImportState
from ..store.import_writes import record_audit

if TYPE_CHECKING:
    from ..store.rawdb import Db


def finalised_year_refused(locked: list[int], files: str) -> RowError:
    """The error refusing an import that would change finalised years without --force."""
    return RowError(
        files,
        "",
        None,
        None,
        "",
        f"Năm {', '.join(map(str, locked))} đã chốt kết quả (--finalize), không nhận "
        "thêm dữ liệu làm thay đổi năm đó.",
        "Dùng --force nếu thật sự cần sửa; việc này sẽ được ghi lại.",
    )


def years_touched(years: set[int], rules: list[dict[str, Any]], state: ImportState) -> set[int]:
    """The years an import changes what they show: those it writes rows of, and every finalised
    year from the first rule it changes on (a rule holds for every later year)."""
    changed_from = [
        row["from_year"]
        for row in rules
        if (state.rules.get((row["key"], row["from_year"])) or {}).get("value") != row["value"]
    ]
    if not changed_from:
        return set(years)
    first = min(changed_from)
    return set(years) | {year for year in state.locked if year >= first}


def record_forced_years(db: Db, cluster_id: int, locked: list[int], files: str) -> None:
    """After a forced write into finalised years: the audit trail says so."""
    if locked:
        record_audit(db, cluster_id, locked, "forced_import", files)
