"""What a report needs from the database besides the ranking: members, heads and deputies, who
has sent self-scores, commendations and the head/deputy votes. Plain dataclasses out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ThiduaError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..scoring import RotationProposal, Vote
    from ..services.context import ClusterInfo


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    short_name: str
    rotation_order: int | None


@dataclass(frozen=True)
class CommendationRecord:
    unit: str
    kind: str  # individual / collective / household
    award: str
    is_leader: bool
    gender: str
    ethnic_minority: bool


@dataclass
class ReportFacts:
    cluster: ClusterInfo
    year: int
    period: str  # H1 / FY
    members: list[Member]
    senders: set[str]
    commendations: list[CommendationRecord]
    this_term: RotationProposal | None
    # head/deputy ballots by the year of the term they elect (cast the year before)
    term_votes: dict[int, list[Vote]] = field(default_factory=dict)
    has_votes: bool = False  # any ballot imported for the year under review


def latest_year(conn: Connection, cluster_id: int, period: str) -> int | None:
    """The latest year with self or agreed scores of the period (any layer for H1)."""
    from sqlalchemy import func, select

    from ..store.tables import table_of

    table = table_of(conn, "score")
    query = select(func.max(table.c.year)).where(
        table.c.cluster_id == cluster_id, table.c.period == period
    )
    if period == "FY":
        query = query.where(table.c.layer.in_(("self", "agreed")))
    return conn.execute(query).scalar()


def years_with_scores(conn: Connection, cluster_id: int, period: str) -> list[int]:
    from sqlalchemy import select

    from ..store.tables import table_of

    table = table_of(conn, "score")
    rows = conn.execute(
        select(table.c.year)
        .where(table.c.cluster_id == cluster_id, table.c.period == period)
        .distinct()
    )
    return sorted(row[0] for row in rows)


def choose_year(conn: Connection, cluster: ClusterInfo, year: int | None, period: str) -> int:
    """The report's year: as asked, or the latest with scores; a year without scores is an error."""
    years = years_with_scores(conn, cluster.id, period)
    what = "bảng tự chấm 6 tháng đầu năm" if period == "H1" else "điểm cả năm"
    report = "báo cáo sơ kết 6 tháng" if period == "H1" else "báo cáo tổng kết năm"
    how = (
        "Nhập các bảng tự chấm 6 tháng bằng `thidua import TỆP --half 1`."
        if period == "H1"
        else "Nhập bảng tự chấm hoặc bảng điểm thống nhất cả năm bằng `thidua import`."
    )
    if year is None:
        year = latest_year(conn, cluster.id, period)
        if year is None:
            raise ThiduaError(f"{cluster.name} chưa có {what} năm nào để lập {report}.", how)
        return year
    if year not in years:
        known = ", ".join(str(y) for y in years)
        hint = f"Các năm đã có {what}: {known}. " if known else ""
        raise ThiduaError(f"Chưa có {what} {year} để lập {report}.", hint + how)
    return year


def load_facts(conn: Connection, cluster: ClusterInfo, year: int, period: str) -> ReportFacts:
    from sqlalchemy import select

    from ..scoring import Vote
    from ..services.rotation import propose_for_year
    from ..store.tables import table_of

    unit = table_of(conn, "unit")
    code_of: dict[int, str] = {}
    units: dict[str, tuple[str, str]] = {}
    for row in conn.execute(
        select(unit.c.id, unit.c.code, unit.c.name, unit.c.short_name).where(
            unit.c.cluster_id == cluster.id
        )
    ):
        code_of[row.id] = row.code
        units[row.code] = (row.name, row.short_name)

    mem = table_of(conn, "membership")
    members = [  # the names as used that year (SPEC §2)
        Member(
            code_of[r.unit_id],
            r.name or units[code_of[r.unit_id]][0],
            r.short_name if r.name else units[code_of[r.unit_id]][1],
            r.rotation_order,
        )
        for r in conn.execute(
            select(mem.c.unit_id, mem.c.rotation_order, mem.c.name, mem.c.short_name).where(
                mem.c.cluster_id == cluster.id, mem.c.year == year
            )
        )
    ]
    members.sort(
        key=lambda member: (member.rotation_order is None, member.rotation_order or 0, member.code)
    )

    score = table_of(conn, "score")
    senders = {
        code_of[row[0]]
        for row in conn.execute(
            select(score.c.unit_id)
            .where(
                score.c.cluster_id == cluster.id,
                score.c.year == year,
                score.c.period == period,
                score.c.layer == "self",
            )
            .distinct()
        )
    }

    com = table_of(conn, "commendation")
    query = select(
        com.c.unit_id,
        com.c.kind,
        com.c.award,
        com.c.is_leader,
        com.c.gender,
        com.c.ethnic_minority,
    ).where(com.c.cluster_id == cluster.id, com.c.year == year)
    if period == "H1":  # the year-end report counts the whole year, first half included
        query = query.where(com.c.period == "H1")
    commendations = [
        CommendationRecord(
            code_of[r.unit_id], r.kind, r.award, bool(r.is_leader), r.gender, r.ethnic_minority
        )
        for r in conn.execute(query.order_by(com.c.id))
    ]

    vote = table_of(conn, "vote")
    term_votes: dict[int, list[Vote]] = {}
    for r in conn.execute(
        select(vote).where(
            vote.c.cluster_id == cluster.id,
            vote.c.year.in_((year - 1, year)),
            vote.c.purpose.in_(("head", "deputy")),
        )
    ):
        # a head/deputy ballot of year Y elects year Y+1's (SPEC §4.3): keyed by the term
        term_votes.setdefault(r.year + 1, []).append(
            Vote(r.purpose, code_of[r.unit_id], r.yes, r.members, r.present)
        )

    has_votes = (
        conn.execute(
            select(vote.c.year).where(vote.c.cluster_id == cluster.id, vote.c.year == year).limit(1)
        ).first()
        is not None
    )
    this_term = propose_for_year(conn, cluster, year) if members else None
    return ReportFacts(
        cluster=cluster,
        year=year,
        period=period,
        members=members,
        senders=senders,
        commendations=commendations,
        this_term=this_term,
        term_votes=term_votes,
        has_votes=has_votes,
    )
