"""`thidua rotation`: heads and deputies by year, the proposal for a year under the cluster's
rotation rule, and recording an elected result (which always wins over a proposal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ThiduaError, UsageError
from .context import ClusterInfo, pick_cluster

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from ..scoring import LeadershipRecord, RotationProposal, Vote

HOW_LABELS = {
    "elected": "hội nghị bầu",
    "voted": "bỏ phiếu tại hội nghị năm trước",
    "imported": "nhập từ bảng tính",
    "proposed": "đề xuất",
}


@dataclass
class RotationOverview:
    cluster: ClusterInfo
    history: list[LeadershipRecord]
    proposal: RotationProposal
    names: dict[str, str]
    method: str


def _history(conn: Connection, cluster_id: int) -> list[LeadershipRecord]:
    from sqlalchemy import select

    from ..scoring import LeadershipRecord
    from ..store.tables import table_of, unit_names

    code_of, _ = unit_names(conn, cluster_id)
    table = table_of(conn, "leadership")
    rows = conn.execute(
        select(table).where(table.c.cluster_id == cluster_id).order_by(table.c.year)
    )
    return [
        LeadershipRecord(
            r.year,
            code_of[r.head_unit_id] if r.head_unit_id else "",
            code_of[r.deputy_unit_id] if r.deputy_unit_id else None,
            r.how,
        )
        for r in rows
    ]


def voted_leadership(
    conn: Connection, cluster_id: int, year: int
) -> tuple[LeadershipRecord | None, list[Vote]]:
    """Head and deputy elected for `year` by the ballots of the year before (SPEC §4.3: Năm is
    the year under review), under that year's vote rules; and those ballots."""
    from sqlalchemy import select

    from ..scoring import LeadershipRecord, Vote
    from ..scoring.ranking import vote_failures
    from ..store.tables import table_of, unit_names
    from .ranking import effective_rules

    code_of, _ = unit_names(conn, cluster_id)
    table = table_of(conn, "vote")
    ballots = [
        Vote(r.purpose, code_of[r.unit_id], r.yes, r.members, r.present)
        for r in conn.execute(
            select(table).where(
                table.c.cluster_id == cluster_id,
                table.c.year == year - 1,
                table.c.purpose.in_(("head", "deputy")),
            )
        )
    ]
    if not ballots:
        return None, []
    rules, _ = effective_rules(conn, cluster_id, year - 1)
    elected: dict[str, str | None] = {}
    for purpose in ("head", "deputy"):
        passing = sorted(
            (v for v in ballots if v.purpose == purpose and not vote_failures(v, rules)),
            key=lambda v: (-v.yes, v.unit),
        )
        if len(passing) > 1 and passing[0].yes == passing[1].yes:
            passing = []  # a tie elects nobody: the conference decides
        elected[purpose] = passing[0].unit if passing else None
    if elected["head"] is None:
        return None, ballots
    return LeadershipRecord(year, elected["head"], elected["deputy"], "voted"), ballots


def propose_for_year(
    conn: Connection, cluster: ClusterInfo, year: int, last_leader: str | None = None
) -> RotationProposal:
    from ..scoring import UnitInfo, propose_leadership
    from .ranking import effective_rules, leader_of, members_by_year

    rules, _ = effective_rules(conn, cluster.id, year)
    years = members_by_year(conn, cluster.id)
    members_year = year if year in years else max((y for y in years if y < year), default=None)
    members = [UnitInfo(*m) for m in years.get(members_year, [])] if members_year else []
    former: dict[str, UnitInfo] = {}
    for past in sorted(y for y in years if y < year):
        for m in years[past]:
            former[m[0]] = UnitInfo(*m)
    if last_leader is None:
        last_leader = leader_of(conn, cluster.id, year - 1)
    history = _history(conn, cluster.id)
    voted, _ = voted_leadership(conn, cluster.id, year)
    if voted is not None:
        history.append(voted)
    try:
        return propose_leadership(
            year,
            members,
            history,
            rules.rotation,
            rules.no_repeat_years,
            last_leader,
            list(former.values()),
        )
    except ValueError as problem:
        raise ThiduaError(str(problem), "Sửa quy tắc `rotation` bằng `thidua rules set`.") from None


def rotation_overview(
    engine: Engine, cluster_code: str | None, year: int | None
) -> RotationOverview:
    from ..store.tables import unit_names
    from .ranking import effective_rules

    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
        history = _history(conn, cluster.id)
        if year is None:
            if not history:
                raise ThiduaError(
                    "Chưa có trưởng cụm năm nào.", "Nhập sheet Trưởng cụm, hoặc chỉ rõ --year."
                )
            year = max(r.year for r in history) + 1
        proposal = propose_for_year(conn, cluster, year)
        _, names = unit_names(conn, cluster.id)
        rules, _ = effective_rules(conn, cluster.id, year)
    return RotationOverview(cluster, history, proposal, names, rules.rotation)


def set_leadership(
    engine: Engine,
    cluster_code: str | None,
    year: int,
    head: str,
    deputy: str | None,
    *,
    force: bool = False,
) -> tuple[str, str | None, list[int]]:
    """Record the conference's election for a year; units by code or name. A year with no
    member list yet takes the previous year's members. A finalised year needs `force`;
    returns the head, the deputy and the finalised years frozen again."""
    from sqlalchemy import select

    from ..store.locks import guard_years, write_transaction
    from ..store.tables import table_of, unit_names
    from ..store.writes import record_audit, upsert_by_key
    from .ranking import members_by_year, refreeze
    from .units import UnitIndex

    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
    with write_transaction(engine, cluster.id) as conn:
        refrozen = guard_years(
            conn,
            cluster.id,
            [year],
            force=force,
            action="forced_rotation_set",
            detail=f"head={head} deputy={deputy or ''}",
            refused=f"không ghi lại Trưởng cụm, Phó cụm năm {year}",
        )
        index = UnitIndex(province=cluster.province)
        unit_t = table_of(conn, "unit")
        for r in conn.execute(select(unit_t).where(unit_t.c.cluster_id == cluster.id)):
            index.add(r.code, r.name, r.short_name, r.aliases.split("\n") if r.aliases else [])
        years = members_by_year(conn, cluster.id)
        members_year = year if year in years else max((y for y in years if y < year), default=None)
        if members_year is None:
            raise UsageError(
                f"Năm {year} và các năm trước chưa có danh sách thành viên.",
                "Nhập sheet Đơn vị trước.",
            )
        members = {code for code, _, _ in years[members_year]}
        codes = []
        for role, text in (("Trưởng cụm", head), ("Phó cụm", deputy)):
            if text is None:
                codes.append(None)
                continue
            code = index.lookup(text)
            if code is None:
                raise UsageError(
                    f"{role} “{text}” không có trong danh sách đơn vị.", index.hint(text)
                )
            if code not in members:
                raise UsageError(
                    f"{index.names[code]} ({code}) không là thành viên của cụm năm {members_year}.",
                    f"Nhập danh sách thành viên năm {year} trước, hoặc chọn đơn vị khác.",
                )
            codes.append(code)
        if codes[0] == codes[1]:
            raise UsageError(
                "Trưởng cụm và phó cụm không được là một đơn vị.", "Chọn phó cụm khác."
            )
        ids = {code: uid for uid, code in unit_names(conn, cluster.id)[0].items()}
        new = {
            "head_unit_id": ids[codes[0]],
            "deputy_unit_id": ids[codes[1]] if codes[1] else None,
            "how": "elected",
        }
        key = {"cluster_id": cluster.id, "year": year}
        upsert_by_key(conn, table_of(conn, "leadership"), key, new)
        detail = f"head={codes[0]} deputy={codes[1] or ''}"
        record_audit(conn, cluster.id, [year], "rotation_set", detail)
        if refrozen:
            refreeze(conn, cluster, refrozen)
    return codes[0], codes[1], refrozen  # type: ignore[return-value]
