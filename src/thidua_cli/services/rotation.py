"""`thidua rotation`: heads and deputies by year, the proposal for a year under the cluster's
rotation rule, and recording an elected result (which always wins over a proposal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ThiduaError, UsageError
from .context import ClusterInfo, pick_cluster

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from ..scoring import LeadershipRecord, RotationProposal

HOW_LABELS = {"elected": "hội nghị bầu", "imported": "nhập từ bảng tính", "proposed": "đề xuất"}


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
    from ..store.tables import table_of
    from .ranking import _unit_names

    code_of, _ = _unit_names(conn)
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
    try:
        return propose_leadership(
            year,
            members,
            _history(conn, cluster.id),
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
    from .ranking import _unit_names, effective_rules

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
        _, names = _unit_names(conn)
        rules, _ = effective_rules(conn, cluster.id, year)
    return RotationOverview(cluster, history, proposal, names, rules.rotation)


def set_leadership(
    engine: Engine, cluster_code: str | None, year: int, head: str, deputy: str | None
) -> tuple[str, str | None]:
    """Record the conference's election for a year; units by code or name."""
    from sqlalchemy import select

    from ..store.tables import table_of
    from ..store.writes import record_audit, upsert_by_key
    from .ranking import _unit_names, members_by_year
    from .units import UnitIndex

    with engine.begin() as conn:
        cluster = pick_cluster(conn, cluster_code)
        index = UnitIndex(province=cluster.province)
        unit_t = table_of(conn, "unit")
        for r in conn.execute(select(unit_t)):
            index.add(r.code, r.name, r.short_name, r.aliases.split("\n") if r.aliases else [])
        members = {code for code, _, _ in members_by_year(conn, cluster.id).get(year, [])}
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
            if members and code not in members:
                raise UsageError(
                    f"{index.names[code]} ({code}) không là thành viên của cụm năm {year}.",
                    f"Nhập danh sách thành viên năm {year} trước, hoặc chọn đơn vị khác.",
                )
            if not members:
                raise UsageError(
                    f"Năm {year} chưa có danh sách thành viên.",
                    "Nhập sheet Đơn vị của năm đó trước.",
                )
            codes.append(code)
        if codes[0] == codes[1]:
            raise UsageError(
                "Trưởng cụm và phó cụm không được là một đơn vị.", "Chọn phó cụm khác."
            )
        ids = {code: uid for uid, code in _unit_names(conn)[0].items()}
        new = {
            "head_unit_id": ids[codes[0]],
            "deputy_unit_id": ids[codes[1]] if codes[1] else None,
            "how": "elected",
        }
        key = {"cluster_id": cluster.id, "year": year}
        upsert_by_key(conn, table_of(conn, "leadership"), key, new)
        detail = f"head={codes[0]} deputy={codes[1] or ''}"
        record_audit(conn, cluster.id, [year], "rotation_set", detail)
    return codes[0], codes[1]  # type: ignore[return-value]
