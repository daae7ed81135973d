"""Ranking of one period (SPEC §4.1–4.3): criterion scores, totals, ranks, bands, leader, proposals.

Arithmetic runs on exact fractions (a peer mean may be 28/3), turned into `Decimal` on output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from math import gcd

from thidua_cli.scoring.model import (
    PROPOSAL_BANG_KHEN,
    PROPOSAL_FLAG,
    Criterion,
    CriterionLine,
    Layer,
    PeriodInput,
    PeriodResult,
    ScoreEntry,
    Separation,
    UnitInfo,
    UnitResult,
    Vote,
    format_points,
)
from thidua_cli.scoring.rules import VOTE_PURPOSE_NAMES, Rules

_TRIM_MIN_SCORERS = 5
_LAYER_NAMES = {"agreed": "thống nhất", "peer": "chấm chéo", "self": "tự chấm"}

_TIE_BETTER = {
    "first_section": "điểm chuẩn mục {section} cao hơn",
    "fewer_deductions": "ít điểm trừ hơn",
    "lead_votes": "nhiều phiếu Dẫn đầu hơn",
}
_TIE_WORSE = {
    "first_section": "điểm chuẩn mục {section} thấp hơn",
    "fewer_deductions": "nhiều điểm trừ hơn",
    "lead_votes": "ít phiếu Dẫn đầu hơn",
}


@lru_cache(maxsize=8192)  # a year's thousands of lines repeat a few dozen values
def to_decimal(value: Fraction) -> Decimal:
    """Exact when the fraction has a finite decimal form, else 28 significant digits."""
    with localcontext() as context:
        context.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


def _fmt(value: Fraction) -> str:
    return format_points(to_decimal(value))


def _percent(value: Fraction) -> str:
    return f"{_fmt(value * 100)}%"


@dataclass
class _UnitScore:
    """Working state of one unit while ranking; fractions throughout."""

    info: UnitInfo
    lines: list[CriterionLine] = field(default_factory=list)
    base: Fraction = Fraction(0)
    bonus_raw: Fraction = Fraction(0)
    deduction: Fraction = Fraction(0)
    first_section: Fraction = Fraction(0)
    missing: list[str] = field(default_factory=list)
    layer: Layer | None = None
    vetoed_by: list[str] = field(default_factory=list)
    self_total: Fraction | None = None
    lead_vote: Vote | None = None
    votes: dict[str, Vote] = field(default_factory=dict)
    total: Fraction = Fraction(0)
    rank: int = 0
    band_index: int = 0
    above: Separation | None = None
    below: Separation | None = None

    @property
    def code(self) -> str:
        return self.info.code

    @property
    def lead_yes(self) -> int:
        return self.lead_vote.yes if self.lead_vote else 0


def _aggregate(values: list[Fraction], aggregation: str) -> tuple[Fraction, str]:
    """Combine peer scores; returns the value and the Vietnamese description of how."""
    ordered = sorted(values)
    count = len(ordered)
    listed = "; ".join(_fmt(value) for value in ordered)
    if aggregation == "median":
        middle = count // 2
        if count % 2:
            value = ordered[middle]
        else:
            value = (ordered[middle - 1] + ordered[middle]) / 2
        return value, f"trung vị {count} đơn vị chấm chéo: {listed}"
    if aggregation == "trimmed_mean":
        if count >= _TRIM_MIN_SCORERS:
            kept = ordered[1:-1]
            return (
                sum(kept, Fraction(0)) / len(kept),
                f"trung bình {count} đơn vị chấm chéo, bỏ điểm cao nhất và thấp nhất: {listed}",
            )
        return (
            sum(ordered, Fraction(0)) / count,
            f"trung bình {count} đơn vị chấm chéo (dưới {_TRIM_MIN_SCORERS} đơn vị nên không "
            f"bỏ điểm cao nhất, thấp nhất): {listed}",
        )
    return sum(ordered, Fraction(0)) / count, f"trung bình {count} đơn vị chấm chéo: {listed}"


@lru_cache(maxsize=8192)
def _fraction(points: Decimal) -> Fraction:
    return Fraction(points)


def _points(entry: ScoreEntry, criterion: Criterion) -> Fraction:
    value = _fraction(entry.points)
    # Deductions are points taken off; a negative entry means the same deduction.
    return abs(value) if criterion.kind == "deduction" else value


def unit_layer(unit: str, entries: Iterable[dict[Layer, dict[str, Fraction]]]) -> Layer | None:
    """The one layer a unit is scored on (SPEC §4.1): agreed if it has any agreed score, else
    peer if anyone else scored it, else self; None when it has no score at all."""
    found: set[Layer] = set()
    for layers in entries:
        for layer, by_scorer in layers.items():
            if layer == "peer":
                if any(scorer != unit for scorer in by_scorer):
                    found.add("peer")
            elif by_scorer:
                found.add(layer)
    for layer in ("agreed", "peer", "self"):
        if layer in found:
            return layer  # type: ignore[return-value]
    return None


_LAYER_DETAIL = {"agreed": "điểm thống nhất", "self": "điểm tự chấm (chưa thẩm định)"}
_BLANK_IN_LAYER = {
    "agreed": "không có điểm thống nhất",
    "peer": "không có điểm chấm chéo",
    "self": "không tự chấm",
}


def _score_leaf(
    unit: str,
    criterion: Criterion,
    entries: dict[Layer, dict[str, Fraction]],
    layer: Layer | None,
    aggregation: str,
) -> tuple[Fraction | None, str]:
    """The leaf's points in the unit's layer; a blank is none (bonus, deduction, veto) or 0 and
    missing (base). Other layers are never looked at."""
    if layer == "peer":
        peer_all = entries.get("peer", {})
        peers = [points for scorer, points in peer_all.items() if scorer != unit]
        if peers:
            value, detail = _aggregate(peers, aggregation)
            if unit in peer_all:
                detail += f" (không tính điểm {unit} tự chấm cho mình)"
            return value, detail
    elif layer is not None:
        own = entries.get(layer)
        if own:
            return next(iter(own.values())), _LAYER_DETAIL[layer]
    blank = _BLANK_IN_LAYER.get(layer or "", "chưa có điểm")
    if criterion.kind == "base":
        return None, f"{blank}, tính 0 điểm"
    return None, f"{blank}, không tính"


def _index_scores(
    inp: PeriodInput, leaves: dict[str, Criterion], warnings: list[str]
) -> dict[tuple[str, str], dict[Layer, dict[str, Fraction]]]:
    units = {unit.code for unit in inp.units}
    index: dict[tuple[str, str], dict[Layer, dict[str, Fraction]]] = {}
    unknown_units: set[str] = set()
    unknown_criteria: set[str] = set()
    for entry in inp.scores:
        if entry.unit not in units:
            unknown_units.add(entry.unit)
            continue
        criterion = leaves.get(entry.criterion)
        if criterion is None:
            unknown_criteria.add(entry.criterion)
            continue
        scorer = entry.scorer if entry.layer == "peer" else ""
        layer = index.setdefault((entry.unit, entry.criterion), {}).setdefault(entry.layer, {})
        if scorer in layer:
            by = f", đơn vị chấm {scorer}" if scorer else ""
            raise ValueError(
                f"Điểm bị nhập hai lần: đơn vị {entry.unit}, tiêu chí {entry.criterion}, "
                f"lớp {entry.layer}{by}."
            )
        layer[scorer] = _points(entry, criterion)
    if unknown_units:
        warnings.append(
            "Bỏ qua điểm của đơn vị không phải thành viên kỳ này: "
            f"{', '.join(sorted(unknown_units))}."
        )
    if unknown_criteria:
        warnings.append(
            "Bỏ qua điểm của tiêu chí không có trong bảng hoặc là nhóm tiêu chí (không chấm "
            f"trực tiếp): {', '.join(sorted(unknown_criteria))}."
        )
    return index


def _index_votes(votes: list[Vote]) -> dict[str, dict[str, Vote]]:
    index: dict[str, dict[str, Vote]] = {}
    for vote in votes:
        per_unit = index.setdefault(vote.unit, {})
        if vote.purpose in per_unit:
            raise ValueError(
                f"Kết quả bỏ phiếu bị nhập hai lần: đơn vị {vote.unit}, nội dung {vote.purpose}."
            )
        per_unit[vote.purpose] = vote
    return index


def _first_section(leaves: list[Criterion]) -> tuple[bool, str | None]:
    for criterion in leaves:
        if criterion.kind == "base":
            return True, criterion.section
    return False, None


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The sum of fractions, normalised once at the end: `Fraction + Fraction` reduces by the
    gcd at every step, the bulk of the time of ranking a year of scores."""
    numerator, denominator = 0, 1
    for value in values:
        den = value.denominator
        if denominator % den:  # bring the sum over a common multiple of both denominators
            common = denominator * den // gcd(denominator, den)
            numerator *= common // denominator
            denominator = common
        numerator += value.numerator * (denominator // den)
    return Fraction(numerator, denominator)


def _score_unit(
    info: UnitInfo,
    leaves: list[Criterion],
    index: dict[tuple[str, str], dict[Layer, dict[str, Fraction]]],
    rules: Rules,
    first_section: tuple[bool, str | None],
) -> _UnitScore:
    unit = _UnitScore(info=info)
    entries_of = [index.get((info.code, criterion.code), {}) for criterion in leaves]
    layer = unit_layer(info.code, entries_of)
    unit.layer = layer
    # the points of each kind, as used and as self-scored, summed once at the end
    used: dict[str, list[Fraction]] = {"base": [], "bonus": [], "deduction": []}
    own_points: dict[str, list[Fraction]] = {"base": [], "bonus": [], "deduction": []}
    in_first_section: list[Fraction] = []
    has_self = False
    for criterion, entries in zip(leaves, entries_of, strict=True):
        value, detail = _score_leaf(info.code, criterion, entries, layer, rules.aggregation)
        own = entries.get("self")
        if own:
            has_self = True
            if criterion.kind in own_points:
                own_points[criterion.kind].append(next(iter(own.values())))
        points = value or Fraction(0)
        if criterion.kind in used:
            used[criterion.kind].append(points)
        elif points > 0:
            unit.vetoed_by.append(criterion.code)
            detail += "; bị điểm liệt"
        if criterion.kind == "base":
            if value is None:
                unit.missing.append(criterion.code)
            if first_section[0] and criterion.section == first_section[1]:
                in_first_section.append(points)
        unit.lines.append(
            CriterionLine(
                criterion=criterion.code,
                title=criterion.title,
                kind=criterion.kind,
                max_points=criterion.max_points,
                layer_used=layer if value is not None else None,
                points=None if value is None else to_decimal(value),
                detail=detail,
                section=criterion.section,
            )
        )
    unit.base, unit.bonus_raw, unit.deduction = (exact_sum(v) for v in used.values())
    unit.first_section = exact_sum(in_first_section)
    cap = Fraction(rules.bonus_cap)
    unit.total = unit.base + min(unit.bonus_raw, cap) - unit.deduction
    if has_self:
        own_base, own_bonus, own_deduction = (exact_sum(v) for v in own_points.values())
        unit.self_total = own_base + min(own_bonus, cap) - own_deduction
    return unit


def _tie_value(unit: _UnitScore, rule: str) -> Fraction:
    """Tie-break value where larger is better."""
    if rule == "first_section":
        return unit.first_section
    if rule == "fewer_deductions":
        return -unit.deduction
    return Fraction(unit.lead_yes)


def _tie_shown(unit: _UnitScore, rule: str) -> str:
    if rule == "first_section":
        return _fmt(unit.first_section)
    if rule == "fewer_deductions":
        return _fmt(unit.deduction)
    return str(unit.lead_yes)


def _separate(
    upper: _UnitScore, lower: _UnitScore, tie_break: list[str], section: str | None
) -> str | None:
    """Set upper.below and lower.above; return the deciding rule ("total", a tie rule or None)."""
    if upper.total != lower.total:
        gap = _fmt(upper.total - lower.total)
        totals = f"({_fmt(upper.total)} so với {_fmt(lower.total)})"
        upper.below = Separation(
            lower.code, "total", f"Trên {lower.code} {gap} điểm tổng {totals}."
        )
        lower.above = Separation(
            upper.code,
            "total",
            f"Dưới {upper.code} {gap} điểm tổng ({_fmt(lower.total)} so với {_fmt(upper.total)}).",
        )
        return "total"
    section_name = section if section is not None else "đầu tiên"
    for rule in tie_break:
        if _tie_value(upper, rule) == _tie_value(lower, rule):
            continue
        better = _TIE_BETTER[rule].format(section=section_name)
        worse = _TIE_WORSE[rule].format(section=section_name)
        up, low = _tie_shown(upper, rule), _tie_shown(lower, rule)
        total = _fmt(upper.total)
        upper.below = Separation(
            lower.code,
            rule,
            f"Bằng tổng điểm với {lower.code} ({total}); xếp trên nhờ {better} "
            f"({up} so với {low}, quy tắc {rule}).",
        )
        lower.above = Separation(
            upper.code,
            rule,
            f"Bằng tổng điểm với {upper.code} ({total}); xếp dưới vì {worse} "
            f"({low} so với {up}, quy tắc {rule}).",
        )
        return rule
    text = (
        f"({_fmt(upper.total)} điểm): các tiêu chí phụ không phân định được, "
        "hội nghị cụm quyết định."
    )
    upper.below = Separation(lower.code, None, f"Đồng hạng với {lower.code} {text}")
    lower.above = Separation(upper.code, None, f"Đồng hạng với {upper.code} {text}")
    return None


def _band(total: Fraction, rules: Rules, bands: list[tuple[str, Decimal]]) -> int:
    scale = Fraction(rules.scale)
    for position, (_, threshold) in enumerate(bands):
        if total * 100 >= Fraction(threshold) * scale:
            return position
    return len(bands) - 1


def vote_failures(vote: Vote, rules: Rules) -> list[str]:
    """Why a ballot does not pass under the rules of its purpose (SPEC §4.3, §5): the share of
    yes votes over `vote_denominator` against `vote_threshold`, attendance against `quorum`."""
    purpose = VOTE_PURPOSE_NAMES.get(vote.purpose, vote.purpose)
    if vote.members <= 0:
        return [f"kết quả bỏ phiếu {purpose} của {vote.unit} ghi tổng số thành viên bằng 0"]
    present = vote.members if vote.present is None else vote.present
    failures: list[str] = []
    base = present if rules.vote_denominator == "present" and present > 0 else vote.members
    threshold = rules.threshold_for(vote.purpose)
    quorum = rules.quorum_for(vote.purpose)
    approval = Fraction(vote.yes, base)
    if approval < threshold:
        of = "số có mặt" if base != vote.members else "tổng số thành viên"
        failures.append(
            f"{vote.unit} chỉ được {vote.yes}/{base} phiếu đồng ý {purpose} trên {of} "
            f"({_percent(approval)}), dưới tỷ lệ {_percent(threshold)} của quy chế"
        )
    attendance = Fraction(present, vote.members)
    if attendance < quorum:
        failures.append(
            f"chỉ có {present}/{vote.members} thành viên có mặt khi bỏ phiếu {purpose} "
            f"({_percent(attendance)}), chưa đủ tỷ lệ {_percent(quorum)}"
        )
    return failures


def _choose_leader(
    ordered: list[_UnitScore],
    bands: list[tuple[str, Decimal]],
    rules: Rules,
    warnings: list[str],
    has_votes: bool,
    year: int,
) -> tuple[_UnitScore | None, str]:
    if not ordered:
        return None, "Không có đơn vị dẫn đầu: chưa có đơn vị nào để xếp hạng."
    top = [unit for unit in ordered if unit.rank == 1]
    if len(top) > 1:
        codes = ", ".join(unit.code for unit in top)
        return None, (
            f"Không có đơn vị dẫn đầu: {codes} đồng hạng 1 ({_fmt(top[0].total)} điểm), "
            "các tiêu chí phụ không phân định được; hội nghị cụm quyết định."
        )
    unit = top[0]
    failures: list[str] = []
    if unit.vetoed_by:
        failures.append(f"{unit.code} bị điểm liệt (tiêu chí {', '.join(unit.vetoed_by)})")
    if unit.band_index != 0:
        failures.append(
            f"{unit.code} chỉ đạt loại {bands[unit.band_index][0]}, chưa đạt {bands[0][0]}"
        )
    if unit.lead_vote is not None:
        failures.extend(vote_failures(unit.lead_vote, rules))
    elif any(other.lead_vote for other in ordered):
        warnings.append(
            f"Có kết quả bỏ phiếu Dẫn đầu nhưng không có phiếu cho {unit.code}, "
            "đơn vị xếp hạng 1; chưa xét tỷ lệ phiếu."
        )
    if failures:
        return None, f"Không có đơn vị dẫn đầu: {'; '.join(failures)}."
    if not has_votes:
        return unit, (
            f"{unit.code} ({unit.info.name}) được đề xuất là đơn vị dẫn đầu (xếp hạng 1, đạt "
            f"loại {bands[0][0]}), chờ hội nghị bỏ phiếu: chưa nhập kết quả bỏ phiếu năm "
            f"{year}."
        )
    votes = ""
    if unit.lead_vote is not None:
        votes = f", được {unit.lead_vote.yes}/{unit.lead_vote.members} phiếu đồng ý"
    return unit, (
        f"{unit.code} ({unit.info.name}) là đơn vị dẫn đầu: xếp hạng 1, đạt loại "
        f"{bands[0][0]}{votes}. Đủ điều kiện để tỉnh xem xét đề nghị Cờ thi đua của Chính phủ "
        "(khoản 1 Điều 25 Luật Thi đua, khen thưởng năm 2022); tỉnh quyết định."
    )


def _propose(
    ordered: list[_UnitScore],
    leader: _UnitScore | None,
    good_index: int,
    seats: int,
    rules: Rules,
    warnings: list[str],
) -> dict[str, str]:
    proposals: dict[str, str] = {}
    if leader is not None and rules.flags_per_cluster > 0:
        proposals[leader.code] = PROPOSAL_FLAG
    candidates = [
        unit
        for unit in ordered
        if unit.code not in proposals and not unit.vetoed_by and unit.band_index <= good_index
    ]
    seats_left = seats
    position = 0
    while position < len(candidates) and seats_left > 0:
        group = [unit for unit in candidates if unit.rank == candidates[position].rank]
        if len(group) > seats_left:
            codes = ", ".join(unit.code for unit in group)
            warnings.append(
                f"{codes} đồng hạng {group[0].rank} nhưng chỉ còn {seats_left} suất đề nghị "
                "Bằng khen: hội nghị cụm quyết định."
            )
            break
        for unit in group:
            proposals[unit.code] = PROPOSAL_BANG_KHEN
        seats_left -= len(group)
        position += len(group)
    return proposals


def rank_period(inp: PeriodInput) -> PeriodResult:
    """Score, rank, classify and propose the units of one period (SPEC §4.1–4.3)."""
    rules = inp.rules
    bands = sorted(rules.bands, key=lambda band: band[1], reverse=True)
    good_index = 1 if len(bands) >= 2 else 0
    warnings: list[str] = []
    half_year = inp.period == "H1"

    criteria = sorted(inp.criteria, key=lambda criterion: (criterion.order, criterion.code))
    parents = {criterion.parent for criterion in criteria if criterion.parent}
    leaves = [criterion for criterion in criteria if criterion.code not in parents]
    if not leaves:
        warnings.append(f"Chưa có bảng tiêu chí chấm điểm năm {inp.year}.")
    base_max = sum(
        (Fraction(c.max_points) for c in leaves if c.kind == "base" and c.max_points is not None),
        Fraction(0),
    )
    if base_max != Fraction(rules.scale):
        warnings.append(
            f"Tổng điểm tối đa của các tiêu chí chuẩn là {_fmt(base_max)}, khác thang điểm "
            f"{format_points(rules.scale)} của quy chế."
        )
    if half_year:
        warnings.append(
            "Kết quả sơ kết 6 tháng đầu năm là tạm tính (chưa thẩm định); chưa bình xét đơn vị "
            "dẫn đầu và đề nghị khen thưởng."
        )

    index = _index_scores(inp, {c.code: c for c in leaves}, warnings)
    votes = _index_votes(inp.votes)
    first_section = _first_section(leaves)
    scored: list[_UnitScore] = []
    not_sent: list[str] = []
    has_votes = bool(inp.votes)
    for info in sorted(inp.units, key=lambda unit: unit.code):
        unit = _score_unit(info, leaves, index, rules, first_section)
        if half_year and unit.layer is None:
            not_sent.append(info.code)  # listed as not having sent its form, not ranked
            continue
        unit.votes = votes.get(info.code, {})
        unit.lead_vote = unit.votes.get("lead")
        unit.band_index = _band(unit.total, rules, bands)
        scored.append(unit)
        if unit.layer == "self" and not half_year:
            warnings.append(
                f"Đơn vị {unit.code} chưa có điểm thống nhất hay chấm chéo: dùng điểm tự chấm, "
                "kết quả chưa thẩm định."
            )
        if unit.layer is None and leaves:
            warnings.append(f"Đơn vị {unit.code} chưa có điểm nào năm {inp.year}.")
        elif unit.missing:
            layer = _LAYER_NAMES[unit.layer] if unit.layer else ""
            warnings.append(
                f"Đơn vị {unit.code} chưa có điểm {layer} ở tiêu chí {', '.join(unit.missing)}: "
                "tính 0 điểm."
            )
        if unit.vetoed_by:
            warnings.append(
                f"Đơn vị {unit.code} bị điểm liệt (tiêu chí {', '.join(unit.vetoed_by)}): không "
                "được xét dẫn đầu và đề nghị khen thưởng."
            )

    def sort_key(unit: _UnitScore) -> tuple[Fraction | str, ...]:
        keys: list[Fraction | str] = [-unit.total]
        keys.extend(-_tie_value(unit, rule) for rule in rules.tie_break)
        keys.append(unit.code)
        return tuple(keys)

    ordered = sorted(scored, key=sort_key)
    shared_groups: list[list[_UnitScore]] = []
    for position, unit in enumerate(ordered):
        if position == 0:
            unit.rank = 1
            continue
        upper = ordered[position - 1]
        if _separate(upper, unit, rules.tie_break, first_section[1]) is None:
            unit.rank = upper.rank
            if shared_groups and shared_groups[-1][-1] is upper:
                shared_groups[-1].append(unit)
            else:
                shared_groups.append([upper, unit])
        else:
            unit.rank = position + 1
    for group in shared_groups:
        warnings.append(
            f"{', '.join(unit.code for unit in group)} đồng hạng {group[0].rank} "
            f"({_fmt(group[0].total)} điểm): các tiêu chí phụ không phân định được, "
            "hội nghị cụm quyết định."
        )

    if not_sent:
        warnings.append(
            f"Chưa gửi bảng tự chấm: {', '.join(not_sent)} (không xếp hạng trong kỳ này)."
        )
    if not half_year and not has_votes and scored:
        warnings.append(
            f"Chưa nhập kết quả bỏ phiếu năm {inp.year}: đơn vị dẫn đầu và các đề nghị khen "
            "thưởng dưới đây là đề xuất, chờ hội nghị bỏ phiếu."
        )
    seats = max(1, int((rules.bang_khen_quota * len(inp.units)).to_integral_value(ROUND_FLOOR)))
    leader: _UnitScore | None = None
    proposals: dict[str, str] = {}
    if half_year:
        leader_note = "Sơ kết 6 tháng đầu năm: chưa bình xét đơn vị dẫn đầu và đề nghị khen thưởng."
    else:
        leader, leader_note = _choose_leader(ordered, bands, rules, warnings, has_votes, inp.year)
        if leader is None:
            warnings.append(leader_note)
        proposals = _propose(ordered, leader, good_index, seats, rules, warnings)

    units = [_unit_result(unit, bands, leader, proposals, half_year, rules) for unit in ordered]
    return PeriodResult(
        cluster=inp.cluster,
        year=inp.year,
        period=inp.period,
        scale=rules.scale,
        provisional=half_year or any(unit.provisional for unit in units),
        units=units,
        leader=leader.code if leader else None,
        leader_note=leader_note,
        warnings=warnings,
        first_section=first_section[1],
        bang_khen_seats=seats,
        not_sent=not_sent,
        has_votes=has_votes,
    )


def _unit_result(
    unit: _UnitScore,
    bands: list[tuple[str, Decimal]],
    leader: _UnitScore | None,
    proposals: dict[str, str],
    half_year: bool,
    rules: Rules,
) -> UnitResult:
    notes = [
        separation.text
        for separation in (unit.above, unit.below)
        if separation is not None and separation.rule != "total"
    ]
    return UnitResult(
        code=unit.code,
        name=unit.info.name,
        self_total=None if unit.self_total is None else to_decimal(unit.self_total),
        base=to_decimal(unit.base),
        bonus=to_decimal(min(unit.bonus_raw, Fraction(rules.bonus_cap))),
        deduction=to_decimal(unit.deduction),
        total=to_decimal(unit.total),
        rank=unit.rank,
        band=bands[unit.band_index][0],
        leader=leader is unit,
        proposal=proposals.get(unit.code),
        vetoed=bool(unit.vetoed_by),
        provisional=half_year or unit.layer in ("self", None),
        missing=list(unit.missing),
        lines=list(unit.lines),
        tie_note=" ".join(notes) if notes else None,
        lead_votes=unit.lead_vote,
        bonus_raw=to_decimal(unit.bonus_raw),
        first_section_points=to_decimal(unit.first_section),
        vetoed_by=list(unit.vetoed_by),
        above=unit.above,
        below=unit.below,
        votes=dict(unit.votes),
    )
