"""`thidua status`: what the database holds for a cluster-year and what is still missing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..text import format_number
from .context import pick_cluster

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class UnitStatus:
    code: str
    name: str
    order: int | None
    h1_self: int = 0
    fy_self: int = 0
    fy_peer: int = 0
    fy_agreed: int = 0
    commendations: int = 0


@dataclass
class StatusReport:
    cluster_code: str
    cluster_name: str
    year: int
    years: list[int]
    head: str | None
    deputy: str | None
    criteria_leaves: int
    criteria_groups: int
    base_max: str
    units: list[UnitStatus]
    commendations: int
    ranked: bool
    finalized: bool
    votes: int  # ballots imported for the year (all purposes)
    missing: list[str] = field(default_factory=list)


def latest_year(conn, cluster_id: int) -> int | None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from ..store.tables import table_of

    tables = (table_of(conn, "membership"), table_of(conn, "criterion"))
    years = [
        conn.execute(select(func.max(t.c.year)).where(t.c.cluster_id == cluster_id)).scalar()
        for t in tables
    ]
    known = [y for y in years if y is not None]
    return max(known) if known else None


def build_status(engine: Engine, cluster_code: str | None, year: int | None) -> StatusReport:
    from sqlalchemy import func, select

    from ..errors import ThiduaError
    from ..store.tables import table_of

    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
        cid = cluster.id
        if year is None:
            year = latest_year(conn, cid)
            if year is None:
                raise ThiduaError(
                    f"Cụm {cluster.code} chưa có dữ liệu năm nào.",
                    "Nhập danh sách đơn vị và bảng tiêu chí bằng `thidua import`.",
                )
        unit = table_of(conn, "unit")
        mem = table_of(conn, "membership")
        names = {
            r.id: (r.code, r.name)
            for r in conn.execute(
                select(unit.c.id, unit.c.code, unit.c.name).where(unit.c.cluster_id == cid)
            )
        }
        years = sorted(
            {
                r[0]
                for r in conn.execute(select(mem.c.year).where(mem.c.cluster_id == cid).distinct())
            }
        )
        members = conn.execute(
            select(mem.c.unit_id, mem.c.rotation_order, mem.c.name).where(
                mem.c.cluster_id == cid, mem.c.year == year
            )
        ).all()
        vote = table_of(conn, "vote")
        votes = (
            conn.execute(
                select(func.count())
                .select_from(vote)
                .where(vote.c.cluster_id == cid, vote.c.year == year)
            ).scalar()
            or 0
        )
        lead = conn.execute(
            select(table_of(conn, "leadership")).where(
                table_of(conn, "leadership").c.cluster_id == cid,
                table_of(conn, "leadership").c.year == year,
            )
        ).first()
        head = names[lead.head_unit_id][1] if lead and lead.head_unit_id else None
        deputy = names[lead.deputy_unit_id][1] if lead and lead.deputy_unit_id else None
        if lead is None or lead.how != "elected":
            # a passing ballot of the year before elected this year's (SPEC §4.3)
            from .rotation import voted_leadership

            voted, _ = voted_leadership(conn, cid, year)
            if voted is not None:
                by_code = {code: name for code, name in names.values()}
                head = f"{by_code[voted.head]} (bầu tại hội nghị tổng kết năm {year - 1})"
                if voted.deputy:
                    deputy = f"{by_code[voted.deputy]} (bầu tại hội nghị tổng kết năm {year - 1})"
        crit = table_of(conn, "criterion")
        criteria = conn.execute(
            select(crit.c.id, crit.c.code, crit.c.parent_code, crit.c.kind, crit.c.max_c).where(
                crit.c.cluster_id == cid, crit.c.year == year
            )
        ).all()
        parents = {c.parent_code for c in criteria if c.parent_code}
        leaves = [c for c in criteria if c.code not in parents]
        base_max = sum(c.max_c or 0 for c in leaves if c.kind == "base")
        score = table_of(conn, "score")
        # completeness is judged on base leaves: bonus and deduction rows are often empty
        base_leaf_ids = [c.id for c in leaves if c.kind == "base"]
        counts = conn.execute(
            select(
                score.c.unit_id,
                score.c.period,
                score.c.layer,
                func.count(func.distinct(score.c.criterion_id)),
            )
            .where(
                score.c.cluster_id == cid,
                score.c.year == year,
                score.c.criterion_id.in_(base_leaf_ids),
            )
            .group_by(score.c.unit_id, score.c.period, score.c.layer)
        ).all()
        com = table_of(conn, "commendation")
        com_counts = Counter(
            dict(
                conn.execute(
                    select(com.c.unit_id, func.count())
                    .where(com.c.cluster_id == cid, com.c.year == year)
                    .group_by(com.c.unit_id)
                ).all()
            )
        )
        res = table_of(conn, "result")
        ranked = (
            conn.execute(
                select(func.count())
                .select_from(res)
                .where(res.c.cluster_id == cid, res.c.year == year, res.c.period == "FY")
            ).scalar()
            or 0
        )
        lock = table_of(conn, "year_lock")
        finalized = (
            conn.execute(
                select(func.count())
                .select_from(lock)
                .where(lock.c.cluster_id == cid, lock.c.year == year)
            ).scalar()
            or 0
        )

    units = [
        UnitStatus(
            names[r.unit_id][0],
            r.name or names[r.unit_id][1],
            r.rotation_order,
            commendations=com_counts.get(r.unit_id, 0),
        )
        for r in members
    ]
    by_id = {names[r.unit_id][0]: u for r, u in zip(members, units, strict=True)}
    for unit_id, period, layer, n in counts:
        status = by_id.get(names[unit_id][0])
        if status is None:
            continue
        if period == "H1" and layer == "self":
            status.h1_self = n
        elif period == "FY":
            if layer == "self":
                status.fy_self = n
            elif layer == "peer":
                status.fy_peer = n
            else:
                status.fy_agreed = n
    units.sort(key=lambda u: (u.order if u.order is not None else 10**6, u.code))
    report = StatusReport(
        cluster.code,
        cluster.name,
        year,
        years,
        head,
        deputy,
        sum(1 for c in leaves if c.kind == "base"),
        len(parents),
        format_number(base_max / 100),
        units,
        sum(com_counts.values()),
        bool(ranked),
        bool(finalized),
        votes,
    )
    report.missing = _missing(report)
    return report


def _missing(report: StatusReport) -> list[str]:
    missing = []
    if not report.units:
        missing.append(f"Chưa có danh sách đơn vị thành viên năm {report.year}.")
    if not report.criteria_leaves:
        missing.append(f"Chưa có bảng tiêu chí năm {report.year}.")
    if not report.head:
        missing.append(f"Chưa ghi trưởng cụm năm {report.year}.")
    if report.units and report.criteria_leaves:
        no_h1 = [u.code for u in report.units if not u.h1_self]
        no_fy = [u.code for u in report.units if not u.fy_self]
        no_agreed = [u.code for u in report.units if not u.fy_agreed]
        partial = [u.code for u in report.units if 0 < u.fy_agreed < report.criteria_leaves]
        if no_h1 and len(no_h1) < len(report.units):
            missing.append("Chưa gửi bảng tự chấm 6 tháng: " + ", ".join(no_h1) + ".")
        elif no_h1:
            missing.append("Chưa đơn vị nào gửi bảng tự chấm 6 tháng.")
        if no_fy:
            missing.append("Chưa gửi bảng tự chấm cả năm: " + ", ".join(no_fy) + ".")
        if no_agreed:
            missing.append("Chưa có điểm thống nhất cả năm: " + ", ".join(no_agreed) + ".")
        if partial:
            missing.append("Điểm thống nhất chưa đủ các tiêu chí: " + ", ".join(partial) + ".")
    if report.units and not report.votes:
        missing.append(
            f"Chưa nhập kết quả bỏ phiếu năm {report.year} (sheet Bỏ phiếu): đơn vị dẫn đầu và "
            "đề nghị khen thưởng mới là đề xuất, chờ hội nghị bỏ phiếu."
        )
    if report.units and not report.commendations:
        missing.append(f"Chưa có danh sách khen thưởng năm {report.year}.")
    return missing
