"""The report context (SPEC §7): everything a half-year or year-end report shows, with numbers,
shares and dates already written the Vietnamese way. `build_report_context` is the one place
that gathers it; the Jinja2 templates and the DOCX writer only lay it out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..scoring.model import PROPOSAL_BANG_KHEN, PROPOSAL_FLAG
from ..text import fold
from .chart import Chart, ChartUnit, build_chart
from .facts import CommendationRecord, Member, ReportFacts
from .formatting import DASH, percent, place_date, points, share, votes_text
from .notes import Block, Notes, Run, read_notes

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ..scoring import PeriodResult, RotationProposal, Rules, UnitResult, Vote
    from ..services.context import ClusterInfo

YEAR_END = "year_end"
HALF_YEAR = "half_year"
FEMALE = "Nữ"
# commendation kinds as stored (sheets/commendations.py); "individual" when a list says none
INDIVIDUAL, COLLECTIVE, HOUSEHOLD = "individual", "collective", "household"
_KIND_COLUMN = {COLLECTIVE: 0, INDIVIDUAL: 1, HOUSEHOLD: 2}


def _kind(record: CommendationRecord) -> str:
    return record.kind if record.kind in (COLLECTIVE, HOUSEHOLD) else INDIVIDUAL


DEFAULT_RECIPIENTS = (
    "Hội đồng Thi đua - Khen thưởng tỉnh (để báo cáo);",
    "Ban Thi đua - Khen thưởng tỉnh (để báo cáo);",
    "Các đơn vị thành viên {word};",
    "Lưu: VT.",
)


@dataclass(frozen=True)
class ClusterWords:
    """ "Cụm thi đua" or "Khối thi đua": the word the documents use for the group and its head."""

    word: str  # "Cụm" / "Khối"
    head: str  # "Trưởng cụm" / "Trưởng khối"
    deputy: str  # "Phó cụm" / "Phó khối"

    @classmethod
    def of(cls, cluster_name: str) -> ClusterWords:
        if fold(cluster_name).startswith("khoi"):
            return cls("Khối", "Trưởng khối", "Phó khối")
        return cls("Cụm", "Trưởng cụm", "Phó cụm")


@dataclass(frozen=True)
class Header:
    """The administrative header of Decree 30/2020/NĐ-CP and the title block."""

    organiser: str
    cluster_name: str
    number_line: str
    place_date: str
    title: str
    summary_lines: list[str]


@dataclass(frozen=True)
class Signature:
    title_lines: list[str]
    name: str
    name_missing: bool


@dataclass(frozen=True)
class MemberRow:
    code: str
    name: str
    short_name: str
    role: str  # "Trưởng cụm" / "Phó cụm" / ""
    sent: bool


@dataclass(frozen=True)
class TermRole:
    role: str  # "Trưởng cụm" / "Phó cụm"
    code: str | None
    name: str | None
    votes: str  # "8/8 phiếu đồng ý (100%)" or ""
    status: str  # "" when decided, else what is still to be decided


@dataclass(frozen=True)
class Term:
    year: int
    head: TermRole
    deputy: TermRole


@dataclass(frozen=True)
class ResultRow:
    code: str
    name: str
    marks: str  # "(*)" provisional, "(**)" vetoed
    self_total: str
    base: str
    bonus: str
    deduction: str
    total: str
    rank: str
    band: str
    proposal: str
    leader: bool
    provisional: bool
    vetoed: bool
    note: str


@dataclass(frozen=True)
class ProposalRow:
    name: str
    rank: str
    total: str
    band: str
    proposal: str
    votes: str


@dataclass(frozen=True)
class Leader:
    name: str | None
    text: str
    votes: str
    government_flag_note: str


@dataclass(frozen=True)
class AwardRow:
    award: str
    collectives: str
    individuals: str
    total: str
    households: str = "0"


@dataclass(frozen=True)
class UnitAwardRow:
    name: str
    collectives: str
    individuals: str
    non_leaders: str
    women: str
    minorities: str
    total: str
    households: str = "0"


@dataclass(frozen=True)
class ShareRow:
    label: str
    count: str
    of: str
    percent: str
    target: str  # "≥ 40%" or ""
    verdict: str  # "Đạt chỉ tiêu" / "Chưa đạt chỉ tiêu" / ""
    met: bool | None


@dataclass(frozen=True)
class CommendationStats:
    period_label: str
    empty: bool
    total: str
    individuals: str
    collectives: str
    by_award: list[AwardRow]
    award_total: AwardRow
    by_unit: list[UnitAwardRow]
    unit_total: UnitAwardRow
    non_leader: ShareRow
    women: ShareRow
    minorities: ShareRow
    households: str = "0"
    has_households: bool = False  # a Hộ gia đình column only where a household was commended

    @property
    def kinds_text(self) -> str:
        """`3 tập thể và 30 cá nhân`, or with households `3 tập thể, 2 hộ gia đình và 30 cá
        nhân`: the one wording of the kinds, for every template and the DOCX."""
        if self.has_households:
            return (
                f"{self.collectives} tập thể, {self.households} hộ gia đình "
                f"và {self.individuals} cá nhân"
            )
        return f"{self.collectives} tập thể và {self.individuals} cá nhân"

    @property
    def shares(self) -> list[ShareRow]:
        return [self.non_leader, self.women, self.minorities]


@dataclass(frozen=True)
class Narrative:
    key: str
    title: str
    blocks: list[Block]
    placeholder: str

    @property
    def filled(self) -> bool:
        return bool(self.blocks)


@dataclass
class ReportContext:
    kind: str  # YEAR_END / HALF_YEAR
    year: int
    period: str  # FY / H1
    period_label: str  # "năm 2023" / "6 tháng đầu năm 2024"
    next_period_label: str  # "năm 2024" / "6 tháng cuối năm 2024"
    file_stem: str
    today: date
    header: Header
    signature: Signature
    recipients: list[str]
    cluster_code: str
    cluster_name: str
    cluster_word: str  # "Cụm" / "Khối"
    head_title: str  # "Trưởng cụm" / "Trưởng khối"
    deputy_title: str
    province: str
    members: list[MemberRow]
    member_count: str
    member_names: str  # "A, B và C"
    this_term: Term | None
    scale: str
    bands: list[str]  # "Xuất sắc: từ 90 điểm"
    results: list[ResultRow]
    provisional: bool
    result_notes: list[str]
    sent_names: list[str]
    not_sent_names: list[str]
    sent_count: str  # "6/8"
    not_sent_count: str
    leader: Leader | None
    proposals: list[ProposalRow]
    has_votes: bool  # any ballot imported for the year: else everything is a proposal
    awards_heading: str
    proposals_intro: str
    votes_note: str  # "" when there are votes
    next_term: Term | None
    next_term_intro: str  # says "the conference agreed" only when both were decided
    commendations: CommendationStats
    highlights: Narrative
    shortcomings: Narrative
    directions: Narrative
    recommendations: Narrative | None
    chart: Chart | None
    notices: list[str] = field(default_factory=list)

    @property
    def is_year_end(self) -> bool:
        return self.kind == YEAR_END

    @property
    def narratives(self) -> list[Narrative]:
        found = [self.highlights, self.shortcomings, self.directions]
        return found + ([self.recommendations] if self.recommendations else [])


def build_report_context(
    engine: Engine,
    cluster_code: str | None,
    year: int | None,
    half: bool,
    notes_path: Path | None,
    *,
    today: date | None = None,
) -> ReportContext:
    """Everything the year-end (or, with `half`, the half-year) report shows.

    Results come from one place: a finalised year's frozen snapshot (dated its finalisation
    day unless `today` is given; nothing is written), else the results `rank` stored. When
    those are absent or older than the data, the period is ranked afresh by the same service
    as `thidua rank`, and the context's `notices` say so.
    """
    from ..services.context import pick_cluster
    from ..services.ranking import load_outcome, rank_and_store
    from .facts import choose_year, load_facts

    period = "H1" if half else "FY"
    notes = read_notes(notes_path) if notes_path is not None else Notes()
    with engine.connect() as conn:
        cluster = pick_cluster(conn, cluster_code)
        year = choose_year(conn, cluster, year, period)
    notices: list[str] = []
    outcome, facts, missing = load_outcome(engine, cluster.code, year, period)
    what = "6 tháng đầu năm" if half else "cả năm"
    if outcome is None:
        if missing == "absent":
            notices.append(
                f"Chưa có kết quả xếp hạng {what} {year}: đã xếp hạng và lưu kết quả trước khi "
                "lập báo cáo (như chạy `thidua rank`)."
            )
        else:
            notices.append(
                f"Kết quả xếp hạng {what} {year} đã lưu cũ hơn dữ liệu hiện có: đã xếp hạng lại "
                "và lưu kết quả mới trước khi lập báo cáo (như chạy `thidua rank`)."
            )
        outcome = rank_and_store(engine, cluster.code, year, period)
        notices.extend(outcome.notes)
    elif outcome.finalized:
        notices.extend(outcome.notes)
    if facts is None:
        with engine.connect() as conn:
            facts = load_facts(conn, cluster, year, period)
    if today is None:
        today = outcome.stored_at.date() if outcome.finalized and outcome.stored_at else None
    context = assemble_context(
        facts,
        outcome.result,
        outcome.rules,
        outcome.proposal,
        notes,
        today or date.today(),
    )
    context.notices[:0] = notices
    return context


def assemble_context(
    facts: ReportFacts,
    result: PeriodResult,
    rules: Rules,
    next_proposal: RotationProposal | None,
    notes: Notes,
    today: date,
) -> ReportContext:
    """The pure part of `build_report_context`: facts and a ranking in, a report context out."""
    half = facts.period == "H1"
    year = facts.year
    cluster = facts.cluster
    names = {member.code: member.name for member in facts.members}
    names.update({unit.code: unit.name for unit in result.units if unit.code not in names})
    label_of = {member.code: member.short_name or member.name for member in facts.members}
    words = ClusterWords.of(cluster.name)

    this_term = _term(year, facts.this_term, facts.term_votes.get(year, []), names, words)
    roles: dict[str, str] = {}
    if this_term is not None:
        for role in (this_term.head, this_term.deputy):
            if role.code:
                roles[role.code] = role.role
    members = [
        MemberRow(m.code, m.name, m.short_name, roles.get(m.code, ""), m.code in facts.senders)
        for m in facts.members
    ]
    sent = [m.name for m in facts.members if m.code in facts.senders]
    not_sent = [m.name for m in facts.members if m.code not in facts.senders]

    ranked = list(result.units)  # a half-year's units that sent nothing are not ranked
    rows = [_result_row(unit, half) for unit in ranked]
    result_notes = _result_notes(ranked, half, words)

    leader = None
    proposals: list[ProposalRow] = []
    next_term = None
    chart = None
    voted = result.has_votes
    if not half:
        leader = _leader(result, names, cluster.name)
        proposals = [_proposal_row(unit) for unit in result.units if unit.proposal]
        next_term = _term(year + 1, next_proposal, facts.term_votes.get(year + 1, []), names, words)
        bands = sorted(rules.bands, key=lambda band: band[1], reverse=True)
        band_index = {name: index for index, (name, _) in enumerate(bands)}
        chart = build_chart(
            [
                ChartUnit(
                    unit.code,
                    label_of.get(unit.code, unit.name),
                    unit.name,
                    unit.total,
                    unit.leader,
                    band_index.get(unit.band, len(bands) - 1),
                )
                for unit in result.units
            ],
            rules.scale,
            rules.bands,
            f"Biểu đồ tổng điểm thi đua năm {year}",
        )

    period_label = f"6 tháng đầu năm {year}" if half else f"năm {year}"
    next_label = f"6 tháng cuối năm {year}" if half else f"năm {year + 1}"
    stats = _commendation_stats(
        facts.commendations, facts.members, names, rules.non_leader_target, period_label
    )
    narratives = _narratives(notes, period_label, next_label, words)
    recipients = [block.text for block in notes.sections.get("recipients", [])] or [
        line.format(word=words.word) for line in DEFAULT_RECIPIENTS
    ]
    return ReportContext(
        kind=HALF_YEAR if half else YEAR_END,
        year=year,
        period=facts.period,
        period_label=period_label,
        next_period_label=next_label,
        file_stem=f"bao-cao-so-ket-6-thang-{year}" if half else f"bao-cao-tong-ket-{year}",
        today=today,
        header=_header(cluster, rules, today, half, year),
        signature=_signature(cluster, rules, words),
        recipients=recipients,
        cluster_code=cluster.code,
        cluster_name=cluster.name,
        cluster_word=words.word,
        head_title=words.head,
        deputy_title=words.deputy,
        province=rules.place or cluster.province,
        members=members,
        member_count=_count(len(facts.members)),
        member_names=_join([m.name for m in facts.members]),
        this_term=this_term,
        scale=points(rules.scale),
        bands=[
            f"{name}: từ {points(threshold * rules.scale / 100)} điểm"
            if threshold > 0
            else f"{name}: dưới {points(_lowest_threshold(rules) * rules.scale / 100)} điểm"
            for name, threshold in sorted(rules.bands, key=lambda band: band[1], reverse=True)
        ],
        results=rows,
        provisional=result.provisional,
        result_notes=result_notes,
        sent_names=sent,
        not_sent_names=not_sent,
        sent_count=f"{len(sent)}/{len(facts.members)}",
        not_sent_count=_count(len(not_sent)),
        leader=leader,
        proposals=proposals,
        has_votes=voted,
        awards_heading=(
            "IV. KẾT QUẢ BÌNH XÉT, SUY TÔN VÀ ĐỀ NGHỊ KHEN THƯỞNG"
            if voted
            else "IV. ĐỀ XUẤT ĐƠN VỊ DẪN ĐẦU VÀ ĐỀ NGHỊ KHEN THƯỞNG"
        ),
        proposals_intro=(
            f"Căn cứ kết quả chấm điểm, xếp loại và kết quả bỏ phiếu, {words.word} đề nghị "
            "khen thưởng các đơn vị sau:"
            if voted
            else f"Căn cứ kết quả chấm điểm, xếp loại, {words.word} dự kiến đề nghị khen "
            "thưởng các đơn vị sau, trình hội nghị bỏ phiếu:"
        ),
        votes_note=""
        if voted or half
        else (
            f"Chưa có kết quả bỏ phiếu năm {year}: đơn vị dẫn đầu và các đề nghị khen thưởng "
            f"dưới đây là đề xuất theo kết quả chấm điểm, chờ hội nghị {words.word} bỏ phiếu."
        ),
        next_term=next_term,
        next_term_intro=(
            f"Hội nghị tổng kết thống nhất luân phiên {words.head}, {words.deputy} {next_label}:"
            if next_term is not None and not next_term.head.status and not next_term.deputy.status
            else f"{words.head}, {words.deputy} {next_label} (trình hội nghị tổng kết quyết định):"
        ),
        commendations=stats,
        highlights=narratives["highlights"],
        shortcomings=narratives["shortcomings"],
        directions=narratives["directions"],
        recommendations=narratives.get("recommendations"),
        chart=chart,
        notices=list(notes.problems),
    )


def _lowest_threshold(rules: Rules) -> Decimal:
    """The lowest band threshold above 0: the bottom band is "below" it."""
    positive = [threshold for _, threshold in rules.bands if threshold > 0]
    return min(positive) if positive else Decimal(0)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def _count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _header(cluster: ClusterInfo, rules: Rules, today: date, half: bool, year: int) -> Header:
    doc_code = rules.doc_code or f"BC-{cluster.code}"
    if not doc_code.upper().startswith("BC"):
        doc_code = f"BC-{doc_code}"
    if half:
        summary = [
            f"Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year}",
            f"và phương hướng, nhiệm vụ 6 tháng cuối năm {year}",
        ]
    else:
        summary = [
            f"Tổng kết công tác thi đua, khen thưởng năm {year}",
            f"và phương hướng, nhiệm vụ năm {year + 1}",
        ]
    return Header(
        organiser=(rules.organiser or cluster.organiser).upper(),
        cluster_name=cluster.name.upper(),
        number_line=f"Số: …/{doc_code}",
        place_date=place_date(rules.place or cluster.province, today),
        title="BÁO CÁO",
        summary_lines=summary,
    )


def _signature(cluster: ClusterInfo, rules: Rules, words: ClusterWords) -> Signature:
    if rules.signer_title:
        lines = [part.strip().upper() for part in rules.signer_title.split("|") if part.strip()]
    else:
        lines = [f"TM. {cluster.name.upper()}", words.head.upper()]
    name = rules.signer_name
    return Signature(lines, name or "[Họ và tên người ký]", not name)


def _vote_for(votes: list[Vote], purpose: str, unit: str) -> Vote | None:
    return next((v for v in votes if v.purpose == purpose and v.unit == unit), None)


def _vote_winner(votes: list[Vote], purpose: str) -> Vote | None:
    """The unit a head/deputy ballot elected: most yes votes, more than half of the members."""
    ballots = sorted(
        (v for v in votes if v.purpose == purpose and v.members > 0 and v.yes * 2 > v.members),
        key=lambda v: (-v.yes, v.unit),
    )
    if not ballots or (len(ballots) > 1 and ballots[1].yes == ballots[0].yes):
        return None
    return ballots[0]


def _term(
    year: int,
    proposal: RotationProposal | None,
    votes: list[Vote],
    names: dict[str, str],
    words: ClusterWords,
) -> Term | None:
    """Head and deputy of `year`: a recorded result wins, then a ballot, then the proposal."""
    roles = []
    for purpose, role in (("head", words.head), ("deputy", words.deputy)):
        code: str | None = None
        status = ""
        if proposal is not None and proposal.decided:
            code = getattr(proposal, purpose)
        if code is None:
            winner = _vote_winner(votes, purpose)
            code = winner.unit if winner else None
        if code is None and proposal is not None and getattr(proposal, purpose):
            code = getattr(proposal, purpose)
            status = f"đề xuất theo thứ tự luân phiên, hội nghị {words.word} xem xét, quyết định"
        if code is None:
            status = f"chưa có kết quả bầu {role} năm {year}"
        vote = _vote_for(votes, purpose, code) if code else None
        roles.append(
            TermRole(
                role,
                code,
                names.get(code, code) if code else None,
                votes_text(vote.yes, vote.members, vote.present) if vote else "",
                status,
            )
        )
    if roles[0].name is None and roles[1].name is None and proposal is None and not votes:
        return None
    return Term(year, roles[0], roles[1])


def _result_row(unit: UnitResult, half: bool) -> ResultRow:
    marks = []
    if unit.provisional and not half:
        marks.append("(*)")
    if unit.vetoed:
        marks.append("(**)")
    note = ""
    if half and unit.missing:
        note = f"chưa chấm {len(unit.missing)} tiêu chí"
    return ResultRow(
        code=unit.code,
        name=unit.name,
        marks=" ".join(marks),
        self_total=points(unit.self_total),
        base=points(unit.base),
        bonus=points(unit.bonus),
        deduction=points(unit.deduction),
        total=points(unit.total),
        rank=str(unit.rank),
        band=unit.band,
        proposal=unit.proposal or "",
        leader=unit.leader,
        provisional=unit.provisional,
        vetoed=unit.vetoed,
        note=note,
    )


def _result_notes(units: list[UnitResult], half: bool, words: ClusterWords) -> list[str]:
    """Footnotes under the results table: provisional and vetoed marks, shared ranks."""
    notes = []
    if half:
        notes.append(
            f"Điểm do các đơn vị tự chấm, chưa được {words.word} thẩm định; thứ hạng và xếp loại "
            "là tạm tính, chỉ để các đơn vị tham khảo."
        )
    elif any(unit.provisional for unit in units):
        notes.append(
            "(*) Chưa có điểm thống nhất hoặc chấm chéo ở một số tiêu chí: dùng điểm tự chấm, "
            "kết quả chưa thẩm định."
        )
    if any(unit.vetoed for unit in units):
        notes.append("(**) Bị điểm liệt: không được xét đơn vị dẫn đầu và đề nghị khen thưởng.")
    shared = Counter(unit.rank for unit in units)
    for rank, count in sorted(shared.items()):
        if count > 1:
            tied = [unit.name for unit in units if unit.rank == rank]
            notes.append(
                f"{_join(tied)} đồng hạng {rank}: các tiêu chí phụ không phân định được, "
                f"hội nghị {words.word} quyết định."
            )
    return notes


def _with_names(text: str, names: dict[str, str]) -> str:
    """Replace unit codes in a scoring message by the units' names, in one pass."""
    if not names:
        return text
    codes = "|".join(re.escape(code) for code in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w])({codes})(?![\w])")
    return pattern.sub(lambda match: names[match.group(1)], text)


def _leader(result: PeriodResult, names: dict[str, str], cluster_name: str) -> Leader:
    unit = result.unit(result.leader) if result.leader else None
    if unit is None:
        text = _with_names(result.leader_note or "Không có đơn vị dẫn đầu.", names)
        return Leader(None, text, "", "")
    vote = unit.lead_votes
    votes = votes_text(vote.yes, vote.members, vote.present) if vote else ""
    if not result.has_votes:
        text = (
            f"{unit.name} xếp hạng 1 với {points(unit.total)} điểm, đạt loại {unit.band}; "
            f"được đề xuất là đơn vị dẫn đầu {cluster_name} năm {result.year}"
            + (f" và đề nghị tặng {unit.proposal}" if unit.proposal == PROPOSAL_FLAG else "")
            + ", trình hội nghị bỏ phiếu."
        )
        note = (
            f"Nếu được hội nghị suy tôn, {unit.name} đủ điều kiện để tỉnh xem xét, đề nghị tặng "
            "Cờ thi đua của Chính phủ (khoản 1 Điều 25 Luật Thi đua, khen thưởng năm 2022); "
            "tỉnh quyết định."
        )
        return Leader(unit.name, text, "", note)
    text = (
        f"{unit.name} xếp hạng 1 với {points(unit.total)} điểm, đạt loại {unit.band}"
        + (f", được {votes}" if votes else "")
        + f"; hội nghị thống nhất suy tôn {unit.name} là đơn vị dẫn đầu {cluster_name} năm "
        f"{result.year}"
        + (f", đề nghị tặng {unit.proposal}." if unit.proposal == PROPOSAL_FLAG else ".")
    )
    note = (
        f"{unit.name} đủ điều kiện để tỉnh xem xét, đề nghị tặng Cờ thi đua của Chính phủ "
        "(khoản 1 Điều 25 Luật Thi đua, khen thưởng năm 2022); tỉnh quyết định."
    )
    return Leader(unit.name, text, votes, note)


def _proposal_row(unit: UnitResult) -> ProposalRow:
    if unit.proposal == PROPOSAL_BANG_KHEN:
        vote = unit.votes.get("bang_khen")
    else:
        vote = unit.votes.get("flag") or unit.votes.get("lead")
    return ProposalRow(
        name=unit.name,
        rank=str(unit.rank),
        total=points(unit.total),
        band=unit.band,
        proposal=unit.proposal or "",
        votes=f"{vote.yes}/{vote.members} ({percent(share(vote.yes, vote.members))})"
        if vote
        else DASH,
    )


def _share_row(label: str, part: int, whole: int, target: Decimal | None) -> ShareRow:
    value = share(part, whole)
    met = None if value is None or target is None else value >= Fraction(target)
    verdict = "" if met is None else ("Đạt chỉ tiêu" if met else "Chưa đạt chỉ tiêu")
    return ShareRow(
        label=label,
        count=_count(part),
        of=_count(whole),
        percent=percent(value),
        target=f"≥ {percent(target, 0)}" if target is not None else "",
        verdict=verdict,
        met=met,
    )


def _commendation_stats(
    records: list[CommendationRecord],
    members: list[Member],
    names: dict[str, str],
    non_leader_target: Decimal,
    period_label: str,
) -> CommendationStats:
    # the SPEC's individual targets (non-leader, women, ethnic minority) count persons only:
    # a collective or a household (Hộ gia đình) is neither a leader nor a woman
    individuals = [r for r in records if _kind(r) == INDIVIDUAL]
    collectives = [r for r in records if _kind(r) == COLLECTIVE]
    households = [r for r in records if _kind(r) == HOUSEHOLD]

    awards: dict[str, list[int]] = {}
    for record in records:
        counts = awards.setdefault(record.award, [0, 0, 0])
        counts[_KIND_COLUMN[_kind(record)]] += 1
    by_award = [
        AwardRow(award, _count(c), _count(i), _count(c + i + h), _count(h))
        for award, (c, i, h) in sorted(awards.items(), key=lambda item: (-sum(item[1]), item[0]))
    ]

    order = [m.code for m in members]
    order += sorted({r.unit for r in records} - set(order))
    by_unit = []
    for code in order:
        own = [r for r in records if r.unit == code]
        people = [r for r in own if _kind(r) == INDIVIDUAL]
        by_unit.append(
            UnitAwardRow(
                name=names.get(code, code),
                collectives=_count(sum(_kind(r) == COLLECTIVE for r in own)),
                individuals=_count(len(people)),
                non_leaders=_count(sum(not r.is_leader for r in people)),
                women=_count(sum(r.gender == FEMALE for r in people)),
                minorities=_count(sum(r.ethnic_minority for r in people)),
                total=_count(len(own)),
                households=_count(sum(_kind(r) == HOUSEHOLD for r in own)),
            )
        )
    non_leaders = sum(not r.is_leader for r in individuals)
    women = sum(r.gender == FEMALE for r in individuals)
    minorities = sum(r.ethnic_minority for r in individuals)
    return CommendationStats(
        period_label=period_label,
        empty=not records,
        total=_count(len(records)),
        individuals=_count(len(individuals)),
        collectives=_count(len(collectives)),
        by_award=by_award,
        award_total=AwardRow(
            "Cộng",
            _count(len(collectives)),
            _count(len(individuals)),
            _count(len(records)),
            _count(len(households)),
        ),
        by_unit=by_unit,
        unit_total=UnitAwardRow(
            "Cộng",
            _count(len(collectives)),
            _count(len(individuals)),
            _count(non_leaders),
            _count(women),
            _count(minorities),
            _count(len(records)),
            _count(len(households)),
        ),
        non_leader=_share_row(
            "Cá nhân không giữ chức vụ lãnh đạo, quản lý",
            non_leaders,
            len(individuals),
            non_leader_target,
        ),
        women=_share_row("Nữ", women, len(individuals), None),
        minorities=_share_row("Người dân tộc thiểu số", minorities, len(individuals), None),
        households=_count(len(households)),
        has_households=bool(households),
    )


def _narratives(
    notes: Notes, period_label: str, next_label: str, words: ClusterWords
) -> dict[str, Narrative]:
    where = f"của {words.word} và các đơn vị thành viên"
    placeholders = {
        "highlights": (
            "Kết quả nổi bật",
            f"[Bổ sung: kết quả nổi bật {where} {period_label}: các phong trào thi đua, "
            "mô hình hay, cách làm mới; việc thực hiện giao ước thi đua.]",
        ),
        "shortcomings": (
            "Hạn chế",
            f"[Bổ sung: những hạn chế, tồn tại trong {period_label} và nguyên nhân.]",
        ),
        "directions": (
            f"Phương hướng, nhiệm vụ {next_label}",
            f"[Bổ sung: phương hướng, nhiệm vụ trọng tâm {next_label} của {words.word}.]",
        ),
    }
    found = {
        key: Narrative(key, title, notes.sections.get(key, []), placeholder)
        for key, (title, placeholder) in placeholders.items()
    }
    if notes.sections.get("recommendations"):
        found["recommendations"] = Narrative(
            "recommendations", "Kiến nghị, đề xuất", notes.sections["recommendations"], ""
        )
    return found


__all__ = [
    "HALF_YEAR",
    "YEAR_END",
    "Block",
    "ReportContext",
    "Run",
    "assemble_context",
    "build_report_context",
]
