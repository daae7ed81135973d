"""Head and deputy rotation (SPEC §6): propose next year's Trưởng cụm and Phó cụm from the history.

A recorded election (or imported record) for the year always wins over a proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

from thidua_cli.scoring.model import UnitInfo
from thidua_cli.scoring.rules import ROTATION_METHODS

# Several records for one year: an election beats imported data, which beats an old proposal.
# A passing head/deputy ballot of the year before ("voted") is an election too.
_HOW_PRIORITY = {"elected": 0, "voted": 1, "imported": 2, "proposed": 3}
_DECIDED = ("elected", "voted", "imported")


@dataclass
class LeadershipRecord:
    year: int
    head: str
    deputy: str | None
    how: str  # "elected" / "proposed" / "imported"


@dataclass
class RotationProposal:
    year: int
    head: str | None
    deputy: str | None
    head_reason: str
    deputy_reason: str
    method: str
    decided: bool


def _order_key(unit: UnitInfo) -> tuple[bool, int, str]:
    # Members without a rotation order come after all the others, by code.
    order = unit.rotation_order
    return (order is None, order if order is not None else 0, unit.code)


def _records_by_year(history: list[LeadershipRecord]) -> dict[int, LeadershipRecord]:
    best: dict[int, LeadershipRecord] = {}
    for record in history:
        current = best.get(record.year)
        if current is None or _HOW_PRIORITY.get(record.how, 9) < _HOW_PRIORITY.get(current.how, 9):
            best[record.year] = record
    return best


class _Order:
    """Members of the year in rotation order, walked cyclically after an anchor unit."""

    def __init__(self, members: list[UnitInfo], former: list[UnitInfo]) -> None:
        self.members = sorted(members, key=_order_key)
        self.codes = [unit.code for unit in self.members]
        self.former = {unit.code: unit for unit in former}

    def after(self, anchor: str) -> tuple[list[str], str | None]:
        """Codes after `anchor` in cyclic order, and a note when the anchor's place is unknown."""
        if anchor in self.codes:
            position = self.codes.index(anchor) + 1
            return self.codes[position:] + self.codes[:position], None
        known = self.former.get(anchor)
        if known is None:
            return list(self.codes), (
                f"không rõ thứ tự luân phiên của {anchor}, tính từ đầu danh sách"
            )
        key = _order_key(known)
        position = next(
            (i for i, unit in enumerate(self.members) if _order_key(unit) > key), len(self.codes)
        )
        return self.codes[position:] + self.codes[:position], None


def _decided_proposal(record: LeadershipRecord, year: int, method: str) -> RotationProposal:
    if record.how == "elected":
        head_reason = f"Hội nghị cụm đã bầu Trưởng cụm năm {year} (kết quả đã ghi nhận)"
        deputy_reason = f"Hội nghị cụm đã bầu Phó cụm năm {year} (kết quả đã ghi nhận)"
    elif record.how == "voted":
        head_reason = (
            f"Hội nghị tổng kết năm {year - 1} đã bỏ phiếu bầu Trưởng cụm năm {year} "
            "(đạt tỷ lệ phiếu của quy chế)"
        )
        deputy_reason = (
            f"Hội nghị tổng kết năm {year - 1} đã bỏ phiếu bầu Phó cụm năm {year} "
            "(đạt tỷ lệ phiếu của quy chế)"
        )
    else:
        head_reason = f"Trưởng cụm năm {year} theo dữ liệu đã nhập"
        deputy_reason = f"Phó cụm năm {year} theo dữ liệu đã nhập"
    if record.deputy is None:
        deputy_reason = f"Chưa ghi nhận Phó cụm năm {year}"
    return RotationProposal(
        year=year,
        head=record.head,
        deputy=record.deputy,
        head_reason=head_reason,
        deputy_reason=deputy_reason,
        method=method,
        decided=True,
    )


def propose_leadership(
    year: int,
    members: list[UnitInfo],
    history: list[LeadershipRecord],
    method: str,
    no_repeat_years: int,
    last_leader: str | None,
    former_members: list[UnitInfo] | None = None,
) -> RotationProposal:
    """Propose year's head and deputy by `method`; `former_members` (units of earlier years with
    their rotation order) place a unit that has left, so the walk continues after its old seat.
    """
    if method not in ROTATION_METHODS:
        raise ValueError(
            f"Cách luân phiên «{method}» không hợp lệ: phải là một trong "
            f"{' / '.join(ROTATION_METHODS)}."
        )
    records = _records_by_year(history)
    recorded = records.get(year)
    if recorded is not None and recorded.how in _DECIDED:
        return _decided_proposal(recorded, year, method)

    def empty(head_reason: str, deputy_reason: str) -> RotationProposal:
        return RotationProposal(year, None, None, head_reason, deputy_reason, method, False)

    if method == "elect":
        reason = (
            f"Quy chế cụm: Trưởng cụm, Phó cụm do hội nghị cụm bầu (quy tắc elect); "
            f"chưa có kết quả bầu năm {year}"
        )
        return empty(reason, reason)
    if not members:
        reason = f"Năm {year} chưa có danh sách thành viên cụm"
        return empty(reason, reason)

    order = _Order(members, former_members or [])
    member_codes = set(order.codes)
    recent_heads: dict[str, int] = {}
    for past_year in range(year - no_repeat_years, year):
        record = records.get(past_year)
        if record is not None:
            recent_heads[record.head] = past_year
    previous_years = [past_year for past_year in records if past_year < year]
    previous = records[max(previous_years)] if previous_years else None

    def skip_reason(code: str) -> str | None:
        if code not in member_codes:
            return f"bỏ qua {code} vì không còn là thành viên năm {year}"
        if code in recent_heads:
            return (
                f"bỏ qua {code} vì đã làm Trưởng cụm năm {recent_heads[code]} "
                f"(không làm lại trong {no_repeat_years} năm)"
            )
        return None

    def walk(candidates: list[str], notes: list[str]) -> str | None:
        for code in candidates:
            skipped = skip_reason(code)
            if skipped is None:
                return code
            notes.append(skipped)
        return None

    rule = f"(quy tắc {method})"
    notes: list[str] = []
    head: str | None = None
    intro = ""
    if method == "leader_hosts" and last_leader is not None:
        skipped = skip_reason(last_leader)
        if skipped is None:
            head = last_leader
            intro = f"Đơn vị dẫn đầu năm {year - 1} làm Trưởng cụm {rule}"
        else:
            notes.append(f"đơn vị dẫn đầu năm {year - 1} là {last_leader}")
            notes.append(skipped)
            candidates, placement = order.after(last_leader)
            notes.extend([placement] if placement else [])
            head = walk(candidates, notes)
            intro = f"chọn {head}, đơn vị kế tiếp sau {last_leader} theo thứ tự luân phiên {rule}"
    elif previous is None:
        if method == "leader_hosts":
            notes.append(f"năm {year - 1} không có đơn vị dẫn đầu")
        notes.append("chưa có Trưởng cụm các năm trước")
        head = walk(order.codes, notes)
        intro = f"chọn {head}, đơn vị đầu tiên theo thứ tự luân phiên {rule}"
    elif method == "deputy_succeeds" and previous.deputy is not None:
        deputy = previous.deputy
        skipped = skip_reason(deputy)
        if skipped is None:
            head = deputy
            intro = f"Phó cụm năm {previous.year} lên làm Trưởng cụm {rule}"
        else:
            notes.append(f"Phó cụm năm {previous.year} là {deputy}")
            notes.append(skipped)
            candidates, placement = order.after(deputy)
            notes.extend([placement] if placement else [])
            head = walk(candidates, notes)
            intro = f"chọn {head}, đơn vị kế tiếp sau {deputy} theo thứ tự luân phiên {rule}"
    else:
        if method == "leader_hosts":
            notes.append(f"năm {year - 1} không có đơn vị dẫn đầu")
        elif method == "deputy_succeeds":
            notes.append(f"năm {previous.year} không có Phó cụm")
        anchor = previous.head
        if anchor not in member_codes:
            notes.append(
                f"Trưởng cụm năm {previous.year} ({anchor}) không còn là thành viên năm {year}"
            )
        candidates, placement = order.after(anchor)
        notes.extend([placement] if placement else [])
        head = walk(candidates, notes)
        intro = (
            f"chọn {head}, đơn vị kế tiếp sau Trưởng cụm năm {previous.year} ({anchor}) "
            f"theo thứ tự luân phiên {rule}"
        )

    if head is None:
        reason = f"Không có đơn vị đủ điều kiện làm Trưởng cụm năm {year}"
        if notes:
            reason += ": " + "; ".join(notes)
        return empty(reason, "Chưa chọn được Trưởng cụm nên chưa đề xuất Phó cụm")
    head_reason = "; ".join([*notes, intro]) if notes else intro
    head_reason = head_reason[0].upper() + head_reason[1:]

    candidates, _ = order.after(head)
    deputy = next((code for code in candidates if code != head), None)
    if deputy is None:
        deputy_reason = f"Cụm chỉ có một thành viên năm {year}, không có Phó cụm"
    else:
        deputy_reason = f"Đơn vị kế tiếp sau Trưởng cụm {head} theo thứ tự luân phiên {rule}"
    return RotationProposal(
        year=year,
        head=head,
        deputy=deputy,
        head_reason=head_reason,
        deputy_reason=deputy_reason,
        method=method,
        decided=False,
    )
