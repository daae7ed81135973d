"""How one unit's total was built and what separated it from its neighbours (`rank --explain`).

Returns Vietnamese lines; the command prints them.
"""

from __future__ import annotations

from decimal import Decimal

from thidua_cli.scoring.model import CriterionLine, PeriodResult, UnitResult, format_points

_LAYER_NAMES = {"agreed": "thống nhất", "peer": "chấm chéo", "self": "tự chấm"}
_KIND_HEADINGS = (
    ("base", "Tiêu chí chuẩn"),
    ("bonus", "Điểm thưởng"),
    ("deduction", "Điểm trừ"),
    ("veto", "Điểm liệt"),
)


def _line(line: CriterionLine) -> str:
    maximum = "" if line.max_points is None else f" (tối đa {format_points(line.max_points)})"
    if line.points is None:
        return f"  {line.criterion} {line.title}{maximum}: {line.detail}"
    return f"  {line.criterion} {line.title}{maximum}: {format_points(line.points)} — {line.detail}"


def _kind_sum(unit: UnitResult, kind: str) -> Decimal:
    return sum(
        (line.points for line in unit.lines if line.kind == kind and line.points is not None),
        Decimal(0),
    )


def explain_unit(result: PeriodResult, code: str) -> list[str]:
    """Lines explaining a unit's score criterion by criterion, its rank, band and neighbours."""
    unit = result.unit(code)
    if unit is None:
        known = ", ".join(sorted(u.code for u in result.units))
        raise ValueError(f"Không có đơn vị {code} trong kết quả xếp hạng; các đơn vị: {known}.")
    period = "6 tháng đầu năm" if result.period == "H1" else "cả năm"
    lines = [f"{unit.name} ({unit.code}) — {result.cluster}, năm {result.year}, {period}"]
    for kind, heading in _KIND_HEADINGS:
        kind_lines = [line for line in unit.lines if line.kind == kind]
        if not kind_lines:
            continue
        lines.append(f"{heading}:")
        lines.extend(_line(line) for line in kind_lines)
        if kind == "base":
            lines.append(f"  Cộng điểm chuẩn: {format_points(unit.base)}")
        elif kind == "bonus":
            raw = _kind_sum(unit, "bonus")
            if raw != unit.bonus:
                lines.append(
                    f"  Cộng điểm thưởng: {format_points(raw)}, chỉ tính tối đa "
                    f"{format_points(unit.bonus)}"
                )
            else:
                lines.append(f"  Cộng điểm thưởng: {format_points(unit.bonus)}")
        elif kind == "deduction":
            lines.append(f"  Cộng điểm trừ: {format_points(unit.deduction)}")
        else:
            vetoes = ", ".join(unit.vetoed_by)
            lines.append(f"  Bị điểm liệt: tiêu chí {vetoes}" if vetoes else "  Không bị điểm liệt")
    lines.append(
        f"Tổng điểm = {format_points(unit.base)} + {format_points(unit.bonus)} − "
        f"{format_points(unit.deduction)} = {format_points(unit.total)}"
    )
    if unit.self_total is None:
        lines.append("Tự chấm: chưa có điểm tự chấm")
    else:
        lines.append(f"Tự chấm: {format_points(unit.self_total)}")
    layers = sorted({line.layer_used for line in unit.lines if line.layer_used is not None})
    if layers:
        used = ", ".join(_LAYER_NAMES[layer] for layer in layers)
        lines.append(f"Lớp điểm đã dùng: {used}")
    if unit.missing:
        lines.append(f"Chưa có điểm (tính 0): {', '.join(unit.missing)}")
    if unit.provisional:
        lines.append("Kết quả tạm tính (chưa thẩm định)")
    lines.append(f"Xếp hạng {unit.rank}, loại {unit.band}")
    if unit.leader:
        lines.append("Đơn vị dẫn đầu")
    if unit.proposal:
        lines.append(f"Đề nghị: {unit.proposal}")
    if unit.lead_votes is not None:
        vote = unit.lead_votes
        present = vote.members if vote.present is None else vote.present
        lines.append(
            f"Phiếu Dẫn đầu: {vote.yes}/{vote.members} đồng ý, {present}/{vote.members} có mặt"
        )
    lines.append(
        f"So với đơn vị trên: {unit.above.text}"
        if unit.above
        else "So với đơn vị trên: đứng đầu bảng xếp hạng."
    )
    lines.append(
        f"So với đơn vị dưới: {unit.below.text}"
        if unit.below
        else "So với đơn vị dưới: đứng cuối bảng xếp hạng."
    )
    return lines
