"""`thidua rank`: load a cluster-period from the database into the pure scoring core, store
the results, lock the year on `--finalize`, and work out next year's head and deputy."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import ThiduaError
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


def _unit_names(conn: Connection) -> tuple[dict[int, str], dict[str, str]]:
    from sqlalchemy import select

    from ..store.tables import table_of

    table = table_of(conn, "unit")
    code_of: dict[int, str] = {}
    names: dict[str, str] = {}
    for row in conn.execute(select(table.c.id, table.c.code, table.c.name)):
        code_of[row.id] = row.code
        names[row.code] = row.name
    return code_of, names


def load_period_input(
    conn: Connection, cluster: ClusterInfo, year: int, period: str
) -> PeriodInput:
    """Everything the scoring core needs for one cluster-period, as plain dataclasses."""
    from sqlalchemy import select

    from ..scoring import Criterion, PeriodInput, ScoreEntry, UnitInfo, Vote
    from ..store.tables import table_of

    cid = cluster.id
    code_of, names = _unit_names(conn)
    mem = table_of(conn, "membership")
    units = [
        UnitInfo(code_of[r.unit_id], names[code_of[r.unit_id]], r.rotation_order)
        for r in conn.execute(
            select(mem.c.unit_id, mem.c.rotation_order).where(
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


def _is_locked(conn: Connection, cluster_id: int, year: int) -> bool:
    from sqlalchemy import select

    from ..store.tables import table_of

    table = table_of(conn, "year_lock")
    return (
        conn.execute(
            select(table.c.year).where(table.c.cluster_id == cluster_id, table.c.year == year)
        ).first()
        is not None
    )


def rank_and_store(
    engine: Engine,
    cluster_code: str | None,
    year: int,
    period: str,
    *,
    finalize: bool = False,
    force: bool = False,
) -> RankOutcome:
    """Rank a period, replace its stored results (when they changed), optionally lock the
    year."""
    from sqlalchemy import delete, select

    from ..scoring import rank_period
    from ..store.tables import table_of
    from ..store.writes import record_audit

    with engine.begin() as conn:
        cluster = pick_cluster(conn, cluster_code)
        locked = _is_locked(conn, cluster.id, year)
        if locked and not force:
            raise ThiduaError(
                f"Năm {year} đã chốt kết quả; không xếp hạng lại.",
                "Xem kết quả đã lưu trong báo cáo, hoặc dùng --force nếu thật sự cần "
                "(sẽ được ghi lại).",
            )
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
        unit_ids = _unit_ids(conn)
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
            conn.execute(res.insert(), rows)
        notes = []
        if locked:
            record_audit(conn, cluster.id, [year], "forced_rank", period)
            notes.append(f"Năm {year} đã chốt; xếp hạng lại do có --force (đã ghi lại).")
        if finalize and not locked:
            conn.execute(
                table_of(conn, "year_lock")
                .insert()
                .values(cluster_id=cluster.id, year=year, finalized_at=now)
            )
            notes.append(f"Đã chốt năm {year}: từ nay nhập và xếp hạng lại cần --force.")
        outcome = _with_next_leadership(conn, cluster, inp.rules, result, year)
        outcome.stored_at = now
        outcome.finalized = locked or finalize
        outcome.notes = notes
    return outcome


def load_outcome(
    engine: Engine, cluster_code: str | None, year: int, period: str
) -> RankOutcome | None:
    """The stored results of a period, recomputed from the same data; None if never ranked."""
    from sqlalchemy import func, select

    from ..scoring import rank_period
    from ..store.tables import table_of

    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
        res = table_of(conn, "result")
        stored_at = conn.execute(
            select(func.max(res.c.computed_at)).where(
                res.c.cluster_id == cluster.id, res.c.year == year, res.c.period == period
            )
        ).scalar()
        if stored_at is None:
            return None
        inp = load_period_input(conn, cluster, year, period)
        result = rank_period(inp)
        outcome = _with_next_leadership(conn, cluster, inp.rules, result, year)
        outcome.stored_at = stored_at
        outcome.finalized = _is_locked(conn, cluster.id, year)
    return outcome


def _unit_ids(conn: Connection) -> dict[str, int]:
    code_of, _ = _unit_names(conn)
    return {code: uid for uid, code in code_of.items()}


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
    conn: Connection, cluster: ClusterInfo, rules: Rules, result: PeriodResult, year: int
) -> RankOutcome:
    from .rotation import propose_for_year

    _, names = _unit_names(conn)
    proposal = None
    next_head = next_deputy = None
    if result.period == "FY":
        proposal = propose_for_year(conn, cluster, year + 1, last_leader=result.leader)
        next_head, next_deputy = proposal.head, proposal.deputy
    return RankOutcome(cluster, result, rules, next_head, next_deputy, proposal, names)


def leader_of(conn: Connection, cluster_id: int, year: int) -> str | None:
    """The leader stored by `rank` for a year-end, if any."""
    from sqlalchemy import select

    from ..store.tables import table_of

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

    code_of, names = _unit_names(conn)
    mem = table_of(conn, "membership")
    years: dict[int, list[tuple[str, str, int | None]]] = defaultdict(list)
    for year, unit_id, rotation_order in conn.execute(
        select(mem.c.year, mem.c.unit_id, mem.c.rotation_order).where(
            mem.c.cluster_id == cluster_id
        )
    ).all():
        code = code_of[unit_id]
        years[year].append((code, names[code], rotation_order))
    return years
