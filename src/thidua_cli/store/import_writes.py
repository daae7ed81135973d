"""The import's writes, in the transaction that read the ImportState the rows were checked
against: units, members, rules, criteria, leadership, votes, commendations and the import
record (scores: store/score_writes.py). Each writer counts every row it is given as new,
updated or unchanged on the sheet it came from (`counter.add(ref, outcome)`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .import_state import ImportState
from .writes import audit_rows, diff

if TYPE_CHECKING:
    from .rawdb import Db


class RowCounter(Protocol):
    summaries: dict[int, Any]
    changed: set[int]  # the years a row was new or updated in (a finalised one needs --force)

    def add(self, ref: object, outcome: str, year: int | None = None) -> None: ...


def _upsert_rows(
    db: Db,
    table: str,
    rows: list[tuple[dict[str, Any], dict[str, Any], Mapping[str, Any] | None, object]],
    counter: RowCounter,
) -> None:
    """Rows by natural key (key, new values, the row as it stands or None, the sheet it came
    from): each counted, the new ones inserted and the changed ones updated, one executemany
    each."""
    inserts, updates = [], []
    for key, new, old, ref in rows:
        outcome = diff(old, new)
        if outcome == "new":
            inserts.append({**key, **new})
        elif outcome == "updated":
            updates.append({**new, **{f"k_{name}": value for name, value in key.items()}})
        counter.add(ref, outcome, key.get("year"))
    if rows:
        db.insert_many(table, inserts)
        db.update_many(table, tuple(rows[0][0]), updates)


def write_units(db: Db, unit_rows: dict[str, dict[str, Any]], state: ImportState) -> None:
    """Units new or changed by the members sheets (they are counted with the members)."""
    inserts, updates = [], []
    for code, row in unit_rows.items():
        outcome = diff(state.units.get(code), row)
        if outcome == "new":
            inserts.append({**row, "cluster_id": state.cluster_id})
        elif outcome == "updated":
            updates.append({**row, "k_cluster_id": state.cluster_id, "k_code": code})
    db.insert_many("unit", inserts)
    db.update_many("unit", ("cluster_id", "code"), updates)


def write_members(
    db: Db,
    cluster_id: int,
    members: list[Any],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    inserts, updates = [], []
    for rec in members:
        old_year = state.members.get(rec.year, {})
        # the names as used that year live on the membership: a rename in 2024 leaves 2023
        short_name = rec.short_name or (state.units.get(rec.code) or {}).get("short_name", "")
        old_names = state.member_names.get(rec.year, {}).get(rec.code)
        if rec.code not in old_year:
            inserts.append(
                {
                    "cluster_id": cluster_id,
                    "year": rec.year,
                    "unit_id": unit_ids[rec.code],
                    "rotation_order": rec.rotation_order,
                    "name": rec.name,
                    "short_name": short_name,
                }
            )
            counter.add(rec.ref, "new", rec.year)
        elif old_year[rec.code] != rec.rotation_order or old_names != (rec.name, short_name):
            updates.append(
                {
                    "rotation_order": rec.rotation_order,
                    "name": rec.name,
                    "short_name": short_name,
                    "k_cluster_id": cluster_id,
                    "k_year": rec.year,
                    "k_unit_id": unit_ids[rec.code],
                }
            )
            counter.add(rec.ref, "updated", rec.year)
        else:
            counter.add(rec.ref, "unchanged")
    db.insert_many("membership", inserts)
    db.update_many("membership", ("cluster_id", "year", "unit_id"), updates)


def write_rules(
    db: Db,
    cluster_id: int,
    rules: list[dict[str, Any]],
    state: ImportState,
    counter: RowCounter,
) -> None:
    planned: list = []
    for row in rules:
        ref = row["ref"]
        key = {"cluster_id": cluster_id, "key": row["key"], "from_year": row["from_year"]}
        old = state.rules.get((row["key"], row["from_year"]))
        if old is not None and old["value"] == row["value"]:
            counter.add(ref, "unchanged")  # same value: the recorded source stays
            continue
        new = {"value": row["value"], "source": f"sheet Quy chế ({ref.file})"}
        planned.append((key, new, old, ref))
    _upsert_rows(db, "rule_setting", planned, counter)


def write_criteria(
    db: Db,
    cluster_id: int,
    tables: dict[int, list[Any]],
    records: list[Any],
    state: ImportState,
    counter: RowCounter,
) -> None:
    """Each year's new scoring table (shaped criteria); `records` are the parsed rows, for the
    sheet each criterion is counted on."""
    by_code = {}
    for rec in records:
        by_code.setdefault((rec.year, rec.code), rec)
    inserts, updates = [], []
    for year, shaped in tables.items():
        for item in shaped:
            rec = by_code[(year, item.code)]
            new = {
                "title": item.title,
                "parent_code": item.parent,
                "section": item.section,
                "max_c": int(item.max_points * 100) if item.max_points is not None else None,
                "kind": item.kind,
                "order": item.order,
            }
            old = state.criteria.get(year, {}).get(item.code)
            outcome = diff(old, new)
            if outcome == "new":
                inserts.append({"cluster_id": cluster_id, "year": year, "code": item.code, **new})
            elif outcome == "updated":
                updates.append({**new, "k_id": old["id"]})  # type: ignore[index]
            counter.add(rec.ref, outcome, year)
    db.insert_many("criterion", inserts)
    db.update_many("criterion", ("id",), updates)


def write_leadership(
    db: Db,
    cluster_id: int,
    rows: list[dict[str, Any]],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    planned: list = []
    for row in rows:
        old = state.leadership.get(row["year"])
        if old is not None and old["how"] == "elected":
            # the conference's election (`rotation set`) is kept; the check warned if they differ
            counter.add(row["ref"], "unchanged")
            continue
        key = {"cluster_id": cluster_id, "year": row["year"]}
        new = {
            "head_unit_id": unit_ids[row["head"]],
            "deputy_unit_id": unit_ids[row["deputy"]] if row["deputy"] else None,
            "how": "imported",
        }
        planned.append((key, new, old, row["ref"]))

    _upsert_rows(db, "leadership", planned, counter)


def write_votes(
    db: Db,
    cluster_id: int,
    rows: list[dict[str, Any]],
    state: ImportState,
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    planned: list = []
    for row in rows:
        key = {
            "cluster_id": cluster_id,
            "year": row["year"],
            "purpose": row["purpose"],
            "unit_id": unit_ids[row["unit"]],
        }
        new = {"yes": row["yes"], "members": row["members"], "present": row["present"]}
        old = state.votes.get((row["year"], row["purpose"], row["unit"]))
        planned.append((key, new, old, row["ref"]))
    _upsert_rows(db, "vote", planned, counter)


_COMMENDATION_FIELDS = (
    "kind",
    "position",
    "is_leader",
    "leader_inferred",
    "gender",
    "ethnicity",
    "ethnic_minority",
    "title",
    "decision_no",
    "decision_date",
)


def write_commendations(
    db: Db,
    cluster_id: int,
    rows: list[dict[str, Any]],
    unit_ids: dict[str, int],
    counter: RowCounter,
) -> None:
    if not rows:
        return
    years = sorted({r["year"] for r in rows})
    marks = ", ".join("?" * len(years))
    existing = {
        (r["year"], r["period"], r["recipient"], r["award"], r["unit_id"]): r
        for r in db.dicts(
            f"SELECT * FROM commendation WHERE cluster_id = ? AND year IN ({marks})",
            (cluster_id, *years),
        )
    }
    stored = db.value  # compared as stored: a date is text on SQLite, a flag 0 or 1
    inserts, updates = [], []
    for row in rows:
        unit_id = unit_ids[row["unit"]]
        key = (row["year"], row["period"], row["recipient"], row["award"], unit_id)
        new = {f: row[f] for f in _COMMENDATION_FIELDS}
        old = existing.get(key)
        outcome = "new" if old is None else diff(old, {f: stored(v) for f, v in new.items()})
        if outcome == "new":
            inserts.append(
                {
                    "cluster_id": cluster_id,
                    "year": row["year"],
                    "period": row["period"],
                    "recipient": row["recipient"],
                    "award": row["award"],
                    "unit_id": unit_id,
                    **new,
                }
            )
        elif outcome == "updated":
            updates.append({**new, "k_id": old["id"]})  # type: ignore[index]
        counter.add(row["ref"], outcome, row["year"])
    db.insert_many("commendation", inserts)
    db.update_many("commendation", ("id",), updates)


def record_imports(db: Db, rows: list[dict[str, Any]]) -> None:
    """One import record per sheet read (file, sha256, sheet, kind, counts, time)."""
    db.insert_many("import_record", rows)


def record_audit(db: Db, cluster_id: int, years: list[int], action: str, detail: str) -> None:
    """The audit trail of a guard bypassed, on the import's connection."""
    db.insert_many("audit_event", audit_rows(cluster_id, years, action, detail))
