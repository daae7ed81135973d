"""What an import checks its rows against: a snapshot of one cluster's units, members,
criteria, leadership, votes, rules and locked years, read in the import's write transaction so
that nothing can change between the check and the write (SPEC §3.4)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ThiduaError

if TYPE_CHECKING:
    from .rawdb import Db


@dataclass
class ImportState:
    cluster_id: int
    units: dict[str, dict[str, Any]]  # code -> row
    unit_ids: dict[str, int]
    members: dict[int, dict[str, int | None]]  # year -> code -> rotation order
    criteria: dict[int, dict[str, dict[str, Any]]]  # year -> code -> row
    leadership: dict[int, dict[str, Any]]
    votes: dict[tuple[int, str, str], dict[str, Any]]
    rules: dict[tuple[str, int], dict[str, Any]]
    locked: set[int]
    # year -> code -> (name, short name) as the membership of that year has them
    member_names: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)


def load_import_state(db: Db, cluster_id: int) -> ImportState:
    key = (cluster_id,)
    units = {  # a unit belongs to its cluster: another cluster's TD is another unit
        r["code"]: r for r in db.dicts("SELECT * FROM unit WHERE cluster_id = ?", key)
    }
    unit_ids = {code: row["id"] for code, row in units.items()}
    code_of = {row["id"]: code for code, row in units.items()}
    members: dict[int, dict[str, int | None]] = defaultdict(dict)
    member_names: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    for year, unit_id, order, name, short_name in db.rows(
        "SELECT year, unit_id, rotation_order, name, short_name FROM membership"
        " WHERE cluster_id = ?",
        key,
    ):
        members[year][code_of[unit_id]] = order
        member_names[year][code_of[unit_id]] = (name, short_name)
    criteria: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in db.dicts("SELECT * FROM criterion WHERE cluster_id = ?", key):
        criteria[r["year"]][r["code"]] = r
    leadership = {
        r["year"]: r for r in db.dicts("SELECT * FROM leadership WHERE cluster_id = ?", key)
    }
    votes = {
        (r["year"], r["purpose"], code_of[r["unit_id"]]): r
        for r in db.dicts("SELECT * FROM vote WHERE cluster_id = ?", key)
    }
    rules = {
        (r["key"], r["from_year"]): r
        for r in db.dicts("SELECT * FROM rule_setting WHERE cluster_id = ?", key)
    }
    locked = {r[0] for r in db.rows("SELECT year FROM year_lock WHERE cluster_id = ?", key)}
    return ImportState(
        cluster_id,
        units,
        unit_ids,
        members,
        criteria,
        leadership,
        votes,
        rules,
        locked,
        member_names,
    )


def unit_ids(db: Db, cluster_id: int) -> dict[str, int]:
    """The cluster's units' ids by code, as they stand in this transaction."""
    return dict(db.rows("SELECT code, id FROM unit WHERE cluster_id = ?", (cluster_id,)))


def criterion_ids(db: Db, cluster_id: int, years: set[int]) -> dict[tuple[int, str], int]:
    """Every criterion's id of those years by (year, code), as it stands in this transaction."""
    if not years:
        return {}
    marks = ", ".join("?" * len(years))
    rows = db.rows(
        f"SELECT year, code, id FROM criterion WHERE cluster_id = ? AND year IN ({marks})",
        (cluster_id, *sorted(years)),
    )
    return {(year, code): id_ for year, code, id_ in rows}


BUSY_TIMEOUT_S = 30  # how long an import waits for another writer before it gives up
PG_LOCK_SPACE = 0x7464  # "td": the advisory lock space of thidua's imports


@contextlib.contextmanager
def import_transaction(db: Db, cluster_id: int) -> Iterator[Db]:
    """The one transaction an import reads its state in, checks in and writes in: a write
    transaction from its first statement, so that no other import or finalisation can slip
    between the check and the write. On SQLite `BEGIN IMMEDIATE` (a second writer waits up to
    BUSY_TIMEOUT_S), on PostgreSQL a transaction-level advisory lock per cluster. A dry run
    takes it too: it writes to count new / updated / unchanged, then rolls back. It commits
    when the block ends, unless the caller rolled it back (`db.rollback()`: errors found, or a
    dry run); an exception rolls it back. Foreign key lookups are off inside it on SQLite
    (every id an import writes was read or written in the same transaction)."""
    if db.dialect != "sqlite":
        try:
            if db.dialect == "postgresql":
                db.execute("SELECT pg_advisory_xact_lock(?, ?)", (PG_LOCK_SPACE, cluster_id))
            # the cluster's row lock: serialised with a finalisation too (store/locks.py)
            db.execute("UPDATE cluster SET code = code WHERE id = ?", (cluster_id,))
            yield db
        except BaseException:
            db.rollback()
            raise
        db.commit()
        return
    raw = db.raw
    raw.execute("PRAGMA foreign_keys=OFF")  # cannot change inside a transaction
    try:
        begin_immediate(raw)
        yield db
        if raw.in_transaction:
            raw.commit()
    finally:
        if raw.in_transaction:
            raw.rollback()
        raw.execute("PRAGMA foreign_keys=ON")


def begin_immediate(raw: Any) -> None:
    """Open a write transaction on an sqlite3 connection, waiting up to BUSY_TIMEOUT_S for
    another writer; a clear error when it is still busy."""
    import sqlite3

    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise ThiduaError(
            f"Cơ sở dữ liệu đang được một chương trình khác ghi; đã chờ {BUSY_TIMEOUT_S} "
            "giây mà chưa xong.",
            "Chờ lệnh đang chạy (một lần nhập khác, chốt năm…) kết thúc rồi nhập lại. "
            "Chưa có gì được ghi.",
        ) from exc
