"""`thidua rank`: load a cluster-period from the database into the pure scoring core, store
the results, lock the year on `--finalize`, and work out next year's head and deputy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import ThiduaError, UsageError
from ..store.tables import unit_names
from .context import ClusterInfo, pick_cluster

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from ..scoring import PeriodInput, PeriodResult, RotationProposal, Rules

PERIOD_NAMES = {"H1": "6 tháng đầu năm", "FY": "cả năm"}


@dataclass
class RankOutcome:
    cluster: ClusterInfo
    result: PeriodResult
    rules: Rules
    next_head: str | None
    next_deputy: str | None
    proposal: RotationProposal | None
    unit_names: dict[str, str] = field(default_factory=dict)
    stored_at: datetime | None = None
    finalized: bool = False
    notes: list[str] = field(default_factory=list)


def effective_rules(conn: Connection, cluster_id: int, year: int) -> tuple[Rules, dict[str, str]]:
    from sqlalchemy import select

    from ..scoring import RuleError, build_rules
    from ..store.tables import table_of

    table = table_of(conn, "rule_setting")
    rows = conn.execute(
        select(table.c.key, table.c.from_year, table.c.value, table.c.source).where(
            table.c.cluster_id == cluster_id
        )
    ).all()
    try:
        return build_rules([(r.key, r.from_year, r.value, r.source) for r in rows], year)
    except RuleError as problem:
        raise ThiduaError(
            str(problem), "Sửa bằng `thidua rules set KHÓA GIÁ_TRỊ --from-year NĂM`."
        ) from None


def load_period_input(
    conn: Connection, cluster: ClusterInfo, year: int, period: str
) -> PeriodInput:
    """Everything the scoring core needs for one cluster-period, as plain dataclasses."""
    from sqlalchemy import select

    from ..scoring import Criterion, PeriodInput, ScoreEntry, UnitInfo, Vote
    from ..store.tables import table_of

    cid = cluster.id
    code_of, names = unit_names(conn, cid)
    mem = table_of(conn, "membership")
    units = [
        UnitInfo(code_of[r.unit_id], r.name or names[code_of[r.unit_id]], r.rotation_order)
        for r in conn.execute(
            select(mem.c.unit_id, mem.c.rotation_order, mem.c.name).where(
                mem.c.cluster_id == cid, mem.c.year == year
            )
        )
    ]
    crit = table_of(conn, "criterion")
    criteria_rows = conn.execute(
        select(
            crit.c.id,
            crit.c.code,
            crit.c.title,
            crit.c.parent_code,
            crit.c.max_c,
            crit.c.kind,
            crit.c.order,
            crit.c.section,
        ).where(crit.c.cluster_id == cid, crit.c.year == year)
    ).all()
    criteria = [
        Criterion(
            r.code,
            r.title,
            r.parent_code,
            Decimal(r.max_c) / 100 if r.max_c is not None else None,
            r.kind,
            r.order,
            r.section,
        )
        for r in criteria_rows
    ]
    crit_code = {r.id: r.code for r in criteria_rows}
    score = table_of(conn, "score")
    cursor = conn.execute(
        select(
            score.c.unit_id, score.c.criterion_id, score.c.layer, score.c.scorer, score.c.points_c
        ).where(score.c.cluster_id == cid, score.c.year == year, score.c.period == period)
    )
    hundred = Decimal(100)
    # Decimal(points_c) / 100 is exact; cache per value since scores repeat a lot
    points_cache: dict[int, Decimal] = {}
    scores = []
    for unit_id, criterion_id, layer, scorer, points_c in cursor.all():  # one fetch, not 10 000
        points = points_cache.get(points_c)
        if points is None:
            points = points_cache[points_c] = Decimal(points_c) / hundred
        scores.append(ScoreEntry(code_of[unit_id], crit_code[criterion_id], layer, scorer, points))
    vote = table_of(conn, "vote")
    votes = [
        Vote(r.purpose, code_of[r.unit_id], r.yes, r.members, r.present)
        for r in conn.execute(select(vote).where(vote.c.cluster_id == cid, vote.c.year == year))
    ]
    rules, _ = effective_rules(conn, cid, year)
    return PeriodInput(cluster.code, year, period, units, criteria, scores, votes, rules)  # type: ignore[arg-type]


def rank_and_store(
    engine: Engine,
    cluster_code: str | None,
    year: int,
    period: str,
    *,
    finalize: bool = False,
    force: bool = False,
) -> RankOutcome:
    """`thidua rank`: compute and store a period's results; `finalize` freezes the year.

    A finalised year is shown as frozen and nothing is written, unless `force`: then it is
    ranked again, recorded in the audit trail and frozen again."""
    from ..store.locks import frozen, locked_years, write_transaction
    from ..store.writes import record_audit

    if finalize and period != "FY":
        raise UsageError(
            "Chỉ chốt được kết quả cả năm, không chốt kỳ 6 tháng.", "Bỏ --half khi dùng --finalize."
        )
    if not force:
        with engine.connect() as conn:  # a view of a finalised year never writes
            cluster = pick_cluster(conn, cluster_code)
            shown = _frozen_outcome(conn, cluster, year, period)
        if shown is not None:
            return shown
    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
    # a lock taken or passed: a write transaction from the first statement, like an import's
    writing = write_transaction(engine, cluster.id) if finalize or force else engine.begin()
    with writing as conn:
        if frozen(conn, cluster.id, year) is not None and not force:
            shown = _frozen_outcome(conn, cluster, year, period)  # finalised meanwhile
            if shown is not None:
                if finalize:
                    conn.rollback()  # the write lock's no-op claim leaves no trace
                return shown
        finalised = locked_years(conn, cluster.id)
        locked = year in finalised
        notes = []
        if locked and not force:
            # finalised without a snapshot (by hand, or an upgrade that could not rank it):
            # freeze it now as it stands, with its finalisation time
            outcome = freeze_year(conn, cluster, year, finalised[year]).get(period) or rank_in(
                conn, cluster, year, period
            )
            notes.append(f"Năm {year} đã chốt: đã lưu bản chốt của năm.")
        elif locked:
            record_audit(conn, cluster.id, [year], "forced_rank", period)
            outcome = refreeze(conn, cluster, [year], keep_period=period) or rank_in(
                conn, cluster, year, period
            )
            notes.append(
                f"Năm {year} đã chốt; xếp hạng lại và chốt lại do có --force (đã ghi lại)."
            )
        elif finalize:
            outcome = freeze_year(conn, cluster, year, datetime.now(UTC))[period]
            notes.append(
                f"Đã chốt năm {year}: từ nay mọi thay đổi dữ liệu, quy chế của năm này cần --force."
            )
        else:
            outcome = rank_in(conn, cluster, year, period)
        outcome.notes = notes + outcome.notes
    return outcome


def rank_in(conn: Connection, cluster: ClusterInfo, year: int, period: str) -> RankOutcome:
    """Rank a period on this connection and replace its stored results when they changed."""
    from sqlalchemy import delete, select

    from ..scoring import rank_period
    from ..store.tables import table_of

    inp = load_period_input(conn, cluster, year, period)
    if not inp.units:
        raise ThiduaError(
            f"Năm {year} chưa có danh sách đơn vị thành viên.",
            "Nhập sheet Đơn vị bằng `thidua import` trước.",
        )
    if not inp.criteria:
        raise ThiduaError(
            f"Năm {year} chưa có bảng tiêu chí.",
            "Nhập sheet Tiêu chí bằng `thidua import` trước.",
        )
    if not inp.scores:
        raise ThiduaError(
            f"Chưa có điểm nào cho năm {year} ({PERIOD_NAMES[period]}).",
            "Nhập bảng tự chấm hoặc bảng điểm thống nhất bằng `thidua import`.",
        )
    try:
        result = rank_period(inp)
    except ValueError as problem:
        raise ThiduaError(str(problem), "Kiểm tra lại dữ liệu đã nhập.") from None
    now = datetime.now(UTC)
    unit_ids = {code: uid for uid, code in unit_names(conn, cluster.id)[0].items()}
    res = table_of(conn, "result")
    where = (res.c.cluster_id == cluster.id, res.c.year == year, res.c.period == period)
    rows = [_result_row(cluster.id, year, period, u, unit_ids, now) for u in result.units]
    stored = [dict(r._mapping) for r in conn.execute(select(res).where(*where))]
    if _without_time(stored) == _without_time(rows):
        # the same results again: nothing is written (no commit to wait for on disk), and
        # they keep the time they were first stored at
        now = max(r["computed_at"] for r in stored) if stored else now
    else:
        conn.execute(delete(res).where(*where))
        if rows:
            conn.execute(res.insert(), rows)
    outcome = _with_next_leadership(conn, cluster, inp.rules, result, year, inp.units)
    outcome.stored_at = now
    return outcome


def _periods_to_freeze(conn: Connection, cluster_id: int, year: int) -> list[str]:
    """The year-end always; the half-year too when it has scores (its report is frozen too)."""
    from sqlalchemy import select

    from ..store.tables import table_of

    score = table_of(conn, "score")
    has_half = conn.execute(
        select(score.c.year)
        .where(score.c.cluster_id == cluster_id, score.c.year == year, score.c.period == "H1")
        .limit(1)
    ).first()
    return ["FY", "H1"] if has_half else ["FY"]


def freeze_year(
    conn: Connection, cluster: ClusterInfo, year: int, finalized_at: datetime
) -> dict[str, RankOutcome]:
    """Rank and store the year's periods and freeze them with their report facts."""
    from ..reports.facts import load_facts
    from ..store.locks import write_frozen
    from .snapshot import dumps

    outcomes: dict[str, RankOutcome] = {}
    frozen: dict[str, dict[str, Any]] = {}
    for period in _periods_to_freeze(conn, cluster.id, year):
        outcome = rank_in(conn, cluster, year, period)
        outcome.stored_at = finalized_at
        outcome.finalized = True
        outcomes[period] = outcome
        frozen[period] = {"outcome": outcome, "facts": load_facts(conn, cluster, year, period)}
    write_frozen(conn, cluster.id, year, finalized_at, dumps(frozen))
    return outcomes


def refreeze(
    conn: Connection, cluster: ClusterInfo, years: list[int], keep_period: str = "FY"
) -> RankOutcome:
    """After a forced change: freeze the finalised years again, from the data as it now is.
    Returns the outcome of `keep_period` of the last year (for `rank --force`)."""
    outcome = None
    for year in years:
        outcome = freeze_year(conn, cluster, year, datetime.now(UTC)).get(keep_period)
    return outcome  # type: ignore[return-value]


def freeze_unfrozen(engine: Engine) -> None:
    """Years finalised by a version without snapshots are frozen when the database is first
    opened by this one (their stored results are recomputed by the same rules)."""
    from sqlalchemy import select

    from ..store.tables import table_of

    with engine.begin() as conn:
        lock = table_of(conn, "year_lock")
        cluster_t = table_of(conn, "cluster")
        rows = conn.execute(
            select(lock.c.cluster_id, lock.c.year, lock.c.finalized_at).where(
                lock.c.snapshot.is_(None)
            )
        ).all()
        for row in rows:
            info = conn.execute(
                select(
                    cluster_t.c.id,
                    cluster_t.c.code,
                    cluster_t.c.name,
                    cluster_t.c.province,
                    cluster_t.c.organiser,
                ).where(cluster_t.c.id == row.cluster_id)
            ).first()
            finalized_at = row.finalized_at
            if isinstance(finalized_at, str):
                finalized_at = datetime.fromisoformat(finalized_at)
            try:
                freeze_year(conn, ClusterInfo(*info), row.year, finalized_at)
            except ThiduaError:
                continue  # a finalised year with nothing to rank stays as it was


def _frozen_outcome(
    conn: Connection, cluster: ClusterInfo, year: int, period: str
) -> RankOutcome | None:
    frozen = frozen_period(conn, cluster, year, period)
    return frozen[0] if frozen is not None else None


def frozen_period(
    conn: Connection, cluster: ClusterInfo, year: int, period: str
) -> tuple[RankOutcome, Any] | None:
    """The frozen outcome and report facts of a finalised year's period, or None if the year
    is not finalised. A finalised year whose period was never ranked is an error."""
    from ..store.locks import frozen
    from .snapshot import loads

    lock = frozen(conn, cluster.id, year)
    if lock is None or lock.snapshot is None:
        return None
    periods = loads(lock.snapshot)
    if period not in periods:
        raise ThiduaError(
            f"Năm {year} đã chốt nhưng không có kết quả {PERIOD_NAMES[period]} trong bản chốt.",
            "Xem kết quả cả năm (bỏ --half), hoặc chốt lại bằng "
            f"`thidua rank --year {year} --finalize --force`.",
        )
    outcome = periods[period]["outcome"]
    outcome.finalized = True
    outcome.stored_at = lock.finalized_at
    outcome.notes = [
        f"Năm {year} đã chốt ngày {lock.finalized_at:%d/%m/%Y}: hiển thị kết quả đã chốt."
    ]
    return outcome, periods[period]["facts"]


def load_outcome(
    engine: Engine, cluster_code: str | None, year: int, period: str
) -> tuple[RankOutcome | None, Any, str]:
    """What a report shows: (outcome, frozen facts or None, why not). A finalised year gives
    its snapshot. Otherwise the stored results, checked against the data: "absent" or "stale"
    (older than the data) when there are none to show; the caller then ranks afresh."""
    from sqlalchemy import select

    from ..scoring import rank_period
    from ..store.tables import table_of

    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
        frozen = frozen_period(conn, cluster, year, period)
        if frozen is not None:
            return frozen[0], frozen[1], ""
        res = table_of(conn, "result")
        where = (res.c.cluster_id == cluster.id, res.c.year == year, res.c.period == period)
        stored = [dict(r._mapping) for r in conn.execute(select(res).where(*where))]
        if not stored:
            return None, None, "absent"
        inp = load_period_input(conn, cluster, year, period)
        try:
            result = rank_period(inp)
        except ValueError:
            return None, None, "stale"
        unit_ids = {code: uid for uid, code in unit_names(conn, cluster.id)[0].items()}
        at = max(r["computed_at"] for r in stored)
        rows = [_result_row(cluster.id, year, period, u, unit_ids, at) for u in result.units]
        if _without_time(stored) != _without_time(rows):
            return None, None, "stale"
        outcome = _with_next_leadership(conn, cluster, inp.rules, result, year, inp.units)
        outcome.stored_at = at
    return outcome, None, ""


def _c(value: Decimal | None) -> int | None:
    if value is None:
        return None
    return int((value * 100).to_integral_value())


def _without_time(rows: list[dict[str, Any]]) -> dict[int, tuple]:
    """Stored or computed result rows, by unit, without the time they were computed."""
    return {r["unit_id"]: tuple((k, r[k]) for k in sorted(r) if k != "computed_at") for r in rows}


def _result_row(
    cluster_id: int, year: int, period: str, unit: Any, unit_ids: dict[str, int], now: datetime
) -> dict[str, Any]:
    return {
        "cluster_id": cluster_id,
        "year": year,
        "period": period,
        "unit_id": unit_ids[unit.code],
        "self_total_c": _c(unit.self_total),
        "agreed_total_c": _c(unit.total),
        "base_c": _c(unit.base),
        "bonus_c": _c(unit.bonus),
        "deduction_c": _c(unit.deduction),
        "total_c": _c(unit.total),
        "rank": unit.rank,
        "band": unit.band,
        "leader": unit.leader,
        "proposal": unit.proposal,
        "vetoed": unit.vetoed,
        "provisional": unit.provisional,
        "missing": "\n".join(unit.missing),
        "computed_at": now,
    }


def _with_next_leadership(
    conn: Connection,
    cluster: ClusterInfo,
    rules: Rules,
    result: PeriodResult,
    year: int,
    members: list[Any] | None = None,
) -> RankOutcome:
    from .rotation import propose_for_year

    names = {unit.code: unit.name for unit in members or []}
    names.update({unit.code: unit.name for unit in result.units})
    proposal = None
    next_head = next_deputy = None
    if result.period == "FY":
        proposal = propose_for_year(conn, cluster, year + 1, last_leader=result.leader)
        next_head, next_deputy = proposal.head, proposal.deputy
    return RankOutcome(cluster, result, rules, next_head, next_deputy, proposal, names)


def leader_of(conn: Connection, cluster_id: int, year: int) -> str | None:
    """The leader stored by `rank` for a year-end, if any."""
    from sqlalchemy import select

    from ..store.locks import frozen
    from ..store.tables import table_of

    lock = frozen(conn, cluster_id, year)
    if lock is not None and lock.snapshot is not None:
        from .snapshot import loads

        periods = loads(lock.snapshot)
        if "FY" in periods:
            return periods["FY"]["outcome"].result.leader
    res = table_of(conn, "result")
    unit = table_of(conn, "unit")
    row = conn.execute(
        select(unit.c.code)
        .select_from(res.join(unit, res.c.unit_id == unit.c.id))
        .where(
            res.c.cluster_id == cluster_id,
            res.c.year == year,
            res.c.period == "FY",
            res.c.leader.is_(True),
        )
    ).first()
    return row[0] if row else None


def members_by_year(
    conn: Connection, cluster_id: int
) -> dict[int, list[tuple[str, str, int | None]]]:
    from sqlalchemy import select

    from ..store.tables import table_of

    code_of, names = unit_names(conn, cluster_id)
    mem = table_of(conn, "membership")
    years: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
    for year, unit_id, rotation_order, name in conn.execute(
        select(mem.c.year, mem.c.unit_id, mem.c.rotation_order, mem.c.name).where(
            mem.c.cluster_id == cluster_id
        )
    ).all():
        code = code_of[unit_id]
        years[year].append((code, name or names[code], rotation_order))
    return years
