"""Ranking of a period: layers, aggregation, totals, ties, bands, leader, proposals, JSON shape."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction
from typing import Any

import pytest

from thidua_cli.scoring import (
    Criterion,
    PeriodInput,
    PeriodResult,
    Rules,
    ScoreEntry,
    UnitInfo,
    Vote,
    explain_unit,
    rank_period,
    to_json_dict,
)

NAMES = {
    "MTTQ": "Ủy ban MTTQ Việt Nam tỉnh",
    "LDLD": "Liên đoàn Lao động tỉnh",
    "CCB": "Hội Cựu chiến binh tỉnh",
    "TD": "Tỉnh Đoàn",
    "HND": "Hội Nông dân tỉnh",
    "HPN": "Hội Liên hiệp Phụ nữ tỉnh",
    "LMHTX": "Liên minh Hợp tác xã tỉnh",
    "CTD": "Hội Chữ thập đỏ tỉnh",
}


def table(max1: str = "30", max2: str = "30", max3: str = "40") -> list[Criterion]:
    """Section I (1, 2), section II (3), bonus 4, deduction 5, veto 6; base maxima sum to 100."""
    rows = [
        ("I", "Công tác tuyên truyền", None, None, "base", "I"),
        ("1", "Tuyên truyền chủ trương", "I", max1, "base", "I"),
        ("2", "Phong trào thi đua", "I", max2, "base", "I"),
        ("II", "Xây dựng tổ chức", None, None, "base", "II"),
        ("3", "Xây dựng tổ chức vững mạnh", "II", max3, "base", "II"),
        ("III", "Điểm thưởng", None, None, "bonus", "III"),
        ("4", "Mô hình mới", "III", "15", "bonus", "III"),
        ("IV", "Điểm trừ", None, None, "deduction", "IV"),
        ("5", "Chậm báo cáo", "IV", "10", "deduction", "IV"),
        ("V", "Điểm liệt", None, None, "veto", "V"),
        ("6", "Để xảy ra sai phạm nghiêm trọng", "V", None, "veto", "V"),
    ]
    return [
        Criterion(
            code=code,
            title=title,
            parent=parent,
            max_points=None if maximum is None else D(maximum),
            kind=kind,  # type: ignore[arg-type]
            order=position,
            section=section,
        )
        for position, (code, title, parent, maximum, kind, section) in enumerate(rows)
    ]


def agreed(unit: str, **points: str) -> list[ScoreEntry]:
    """Agreed scores; keyword c1 is criterion "1", etc."""
    return [
        ScoreEntry(unit, code.removeprefix("c"), "agreed", "", D(value))
        for code, value in points.items()
    ]


def selfs(unit: str, **points: str) -> list[ScoreEntry]:
    return [
        ScoreEntry(unit, code.removeprefix("c"), "self", "", D(value))
        for code, value in points.items()
    ]


def peers(unit: str, criterion: str, **by_scorer: str) -> list[ScoreEntry]:
    return [
        ScoreEntry(unit, criterion, "peer", scorer, D(value)) for scorer, value in by_scorer.items()
    ]


def full(unit: str, c1: str, c2: str, c3: str, **extra: str) -> list[ScoreEntry]:
    return agreed(unit, c1=c1, c2=c2, c3=c3, **extra)


def run(
    units: list[str],
    scores: list[ScoreEntry],
    votes: list[Vote] | None = None,
    period: str = "FY",
    criteria: list[Criterion] | None = None,
    **rules: Any,
) -> PeriodResult:
    return rank_period(
        PeriodInput(
            cluster="C7",
            year=2023,
            period=period,  # type: ignore[arg-type]
            units=[UnitInfo(code, NAMES.get(code, code), n) for n, code in enumerate(units, 1)],
            criteria=criteria if criteria is not None else table(),
            scores=scores,
            votes=votes or [],
            rules=replace(Rules.default(), **rules),
        )
    )


def unit(result: PeriodResult, code: str) -> Any:
    found = result.unit(code)
    assert found is not None
    return found


def line(result: PeriodResult, code: str, criterion: str) -> Any:
    return next(item for item in unit(result, code).lines if item.criterion == criterion)


# --- 4.1 layers -------------------------------------------------------------------------------


def test_the_layer_is_chosen_per_unit_agreed_then_peer_then_self() -> None:
    scores = [
        # TD has one agreed score: only its agreed layer counts, peer and self are never used
        *agreed("TD", c1="28"),
        *peers("TD", "2", MTTQ="20", CCB="22"),
        *selfs("TD", c1="30", c2="30", c3="35"),
        # MTTQ has no agreed score: its peer layer, blanks 0
        *peers("MTTQ", "1", TD="20", CCB="22"),
        *selfs("MTTQ", c1="30", c2="30", c3="35"),
        # CCB has only self scores: provisional
        *selfs("CCB", c1="20", c2="20", c3="20"),
    ]
    result = run(["TD", "MTTQ", "CCB"], scores)
    td = unit(result, "TD")
    assert [(ln.criterion, ln.layer_used, ln.points) for ln in td.lines[:3]] == [
        ("1", "agreed", D("28")),
        ("2", None, None),
        ("3", None, None),
    ]
    assert td.base == D("28") and td.missing == ["2", "3"]
    assert td.self_total == D("95") and td.provisional is False
    mttq = unit(result, "MTTQ")
    assert (mttq.base, mttq.missing, mttq.provisional) == (D("21"), ["2", "3"], False)
    ccb = unit(result, "CCB")
    assert line(result, "CCB", "3").detail == "điểm tự chấm (chưa thẩm định)"
    assert (ccb.total, ccb.provisional) == (D("60"), True)
    assert result.provisional is True
    assert (
        "Đơn vị CCB chưa có điểm thống nhất hay chấm chéo: dùng điểm tự chấm, "
        "kết quả chưa thẩm định." in result.warnings
    )


def test_blank_agreed_bonus_and_deduction_never_take_the_self_claimed_ones() -> None:
    # the conference agreed 79 and granted no bonus; TD claimed a bonus of 5 and no deduction
    # it was given (self deduction 0, agreed blank): the total is exactly the agreed 79
    scores = [
        *agreed("TD", c1="25", c2="24", c3="30"),
        *selfs("TD", c1="30", c2="30", c3="35", c4="5", c5="0"),
        *selfs("MTTQ", c1="20", c2="20", c3="20", c4="3", c5="2"),
    ]
    result = run(["TD", "MTTQ"], scores)
    td = unit(result, "TD")
    assert (td.total, td.bonus, td.deduction, td.band) == (D("79"), D("0"), D("0"), "Khá")
    assert td.provisional is False and td.self_total == D("100")
    mttq = unit(result, "MTTQ")
    assert (mttq.total, mttq.provisional) == (D("61"), True)


def test_fully_agreed_period_is_not_provisional() -> None:
    result = run(["TD", "MTTQ"], [*full("TD", "30", "30", "35"), *full("MTTQ", "30", "30", "30")])
    assert result.provisional is False
    assert all(not u.provisional for u in result.units)


def test_missing_base_leaf_counts_zero_and_is_listed() -> None:
    result = run(["TD", "MTTQ"], [*agreed("TD", c1="30", c3="40"), *full("MTTQ", "1", "1", "1")])
    td = unit(result, "TD")
    assert td.base == D("70")
    assert td.missing == ["2"]
    assert line(result, "TD", "2").points is None
    assert line(result, "TD", "2").detail == "không có điểm thống nhất, tính 0 điểm"
    # empty bonus, deduction and veto leaves are simply none
    assert td.bonus == D("0") and td.deduction == D("0") and td.vetoed is False
    assert line(result, "TD", "4").detail == "không có điểm thống nhất, không tính"
    assert "Đơn vị TD chưa có điểm thống nhất ở tiêu chí 2: tính 0 điểm." in result.warnings


def peer_scores(values: list[str]) -> list[ScoreEntry]:
    scorers = ["MTTQ", "LDLD", "CCB", "HND", "HPN"]
    return [ScoreEntry("TD", "1", "peer", s, D(v)) for s, v in zip(scorers, values, strict=False)]


@pytest.mark.parametrize(
    ("aggregation", "values", "expected", "detail"),
    [
        ("mean", ["5", "7", "8", "12"], "8", "trung bình 4 đơn vị chấm chéo: 5; 7; 8; 12"),
        ("median", ["5", "7", "8", "12"], "7.5", "trung vị 4 đơn vị chấm chéo: 5; 7; 8; 12"),
        ("median", ["2", "7", "8", "9", "20"], "8", "trung vị 5 đơn vị chấm chéo: 2; 7; 8; 9; 20"),
        (
            "trimmed_mean",
            ["5", "7", "8", "12"],
            "8",
            "trung bình 4 đơn vị chấm chéo (dưới 5 đơn vị nên không bỏ điểm cao nhất, "
            "thấp nhất): 5; 7; 8; 12",
        ),
        (
            "mean",
            ["2", "7", "8", "9", "20"],
            "9.2",
            "trung bình 5 đơn vị chấm chéo: 2; 7; 8; 9; 20",
        ),
        (
            "trimmed_mean",
            ["2", "7", "8", "9", "20"],
            "8",
            "trung bình 5 đơn vị chấm chéo, bỏ điểm cao nhất và thấp nhất: 2; 7; 8; 9; 20",
        ),
        ("mean", ["9", "9,5", "10"], "9.5", "trung bình 3 đơn vị chấm chéo: 9; 9,5; 10"),
    ],
)
def test_peer_aggregation(aggregation: str, values: list[str], expected: str, detail: str) -> None:
    values = [v.replace(",", ".") for v in values]
    units = ["TD", "MTTQ", "LDLD", "CCB", "HND", "HPN"]
    result = run(units, peer_scores(values), aggregation=aggregation)
    assert line(result, "TD", "1").layer_used == "peer"
    assert line(result, "TD", "1").points == D(expected)
    assert line(result, "TD", "1").detail == detail


def test_peer_score_of_a_unit_for_itself_is_excluded() -> None:
    scores = peers("TD", "1", TD="30", MTTQ="10", CCB="20")
    result = run(["TD", "MTTQ", "CCB"], scores)
    assert line(result, "TD", "1").points == D("15")
    assert line(result, "TD", "1").detail == (
        "trung bình 2 đơn vị chấm chéo: 10; 20 (không tính điểm TD tự chấm cho mình)"
    )


def test_only_own_peer_score_falls_back_to_self() -> None:
    scores = [*peers("TD", "1", TD="30"), *selfs("TD", c1="29")]
    result = run(["TD", "MTTQ"], scores)
    assert line(result, "TD", "1").layer_used == "self"
    assert line(result, "TD", "1").points == D("29")


def test_repeating_mean_is_exact_and_ties_exactly() -> None:
    # TD: 28/3 + 29/3 = 19 exactly; MTTQ: 9,5 + 9,5 = 19.
    scores = [
        *peers("TD", "1", MTTQ="10", CCB="9", HND="9"),
        *peers("TD", "2", MTTQ="10", CCB="10", HND="9"),
        *peers("TD", "3", MTTQ="40", CCB="40", HND="40"),
        *full("MTTQ", "9.5", "9.5", "40"),
        *full("CCB", "1", "1", "1"),
        *full("HND", "1", "1", "1"),
    ]
    result = run(["TD", "MTTQ", "CCB", "HND"], scores)
    assert line(result, "TD", "1").points == D("9.333333333333333333333333333")
    assert unit(result, "TD").total == D("59")
    assert [(u.code, u.rank) for u in result.units[:2]] == [("MTTQ", 1), ("TD", 1)]


# --- 4.2 totals ---------------------------------------------------------------------------------


def test_bonus_above_cap_is_capped() -> None:
    scores = [
        *full("TD", "30", "30", "30", c4="12"),
        *selfs("TD", c1="30", c2="30", c3="30", c4="14"),
        *full("MTTQ", "1", "1", "1"),
    ]
    result = run(["TD", "MTTQ"], scores)
    td = unit(result, "TD")
    assert td.bonus == D("10")
    assert td.bonus_raw == D("12")
    assert td.total == D("100")
    assert td.self_total == D("100")


def test_bonus_cap_from_rules() -> None:
    result = run(["TD"], full("TD", "30", "30", "30", c4="12"), bonus_cap=D("5"))
    assert unit(result, "TD").bonus == D("5")
    assert unit(result, "TD").total == D("95")


def test_deduction_entered_negative_counts_as_deduction() -> None:
    scores = [*full("TD", "30", "30", "40", c4="2", c5="-0.5"), *selfs("TD", c5="-1")]
    result = run(["TD"], scores)
    td = unit(result, "TD")
    assert td.deduction == D("0.5")
    assert td.total == D("101.5")
    assert line(result, "TD", "5").points == D("0.5")


def test_vetoed_unit_with_highest_total_is_ranked_but_not_leader() -> None:
    scores = [
        *full("TD", "30", "30", "39", c6="1"),
        *full("MTTQ", "30", "30", "35"),
        *full("CCB", "20", "20", "20"),
    ]
    result = run(["TD", "MTTQ", "CCB"], scores)
    td = unit(result, "TD")
    assert (td.rank, td.vetoed, td.leader, td.proposal) == (1, True, False, None)
    assert td.vetoed_by == ["6"]
    assert td.band == "Xuất sắc"
    assert result.leader is None
    assert result.leader_note == "Không có đơn vị dẫn đầu: TD bị điểm liệt (tiêu chí 6)."
    assert result.leader_note in result.warnings
    assert (
        "Đơn vị TD bị điểm liệt (tiêu chí 6): không được xét dẫn đầu và đề nghị khen thưởng."
        in result.warnings
    )
    mttq = unit(result, "MTTQ")
    assert (mttq.rank, mttq.leader, mttq.proposal) == (2, False, "Bằng khen")


def test_agreed_zero_veto_overrides_self_veto() -> None:
    scores = [*full("TD", "30", "30", "40", c6="0"), *selfs("TD", c6="1")]
    result = run(["TD"], scores)
    assert unit(result, "TD").vetoed is False
    assert result.leader == "TD"


# --- ties ---------------------------------------------------------------------------------------


def test_tie_broken_by_first_section() -> None:
    scores = [*full("TD", "30", "30", "30"), *full("MTTQ", "25", "25", "40")]
    result = run(["MTTQ", "TD"], scores)
    assert [(u.code, u.rank) for u in result.units] == [("TD", 1), ("MTTQ", 2)]
    assert unit(result, "TD").tie_note == (
        "Bằng tổng điểm với MTTQ (90); xếp trên nhờ điểm chuẩn mục I cao hơn "
        "(60 so với 50, quy tắc first_section)."
    )
    assert unit(result, "MTTQ").tie_note == (
        "Bằng tổng điểm với TD (90); xếp dưới vì điểm chuẩn mục I thấp hơn "
        "(50 so với 60, quy tắc first_section)."
    )
    assert result.leader == "TD"


def test_tie_broken_by_fewer_deductions() -> None:
    scores = [*full("TD", "30", "30", "32", c5="2"), *full("MTTQ", "30", "30", "31", c5="1")]
    result = run(["TD", "MTTQ"], scores)
    assert [(u.code, u.rank) for u in result.units] == [("MTTQ", 1), ("TD", 2)]
    assert unit(result, "MTTQ").above is None
    assert unit(result, "MTTQ").below is not None
    assert unit(result, "MTTQ").below.rule == "fewer_deductions"
    assert unit(result, "TD").tie_note == (
        "Bằng tổng điểm với MTTQ (90); xếp dưới vì nhiều điểm trừ hơn "
        "(2 so với 1, quy tắc fewer_deductions)."
    )


def test_tie_broken_by_lead_votes() -> None:
    scores = [*full("TD", "30", "30", "30"), *full("MTTQ", "30", "30", "30")]
    votes = [Vote("lead", "TD", 5, 10, 10), Vote("lead", "MTTQ", 7, 10, 10)]
    result = run(["TD", "MTTQ"], scores, votes)
    assert [(u.code, u.rank) for u in result.units] == [("MTTQ", 1), ("TD", 2)]
    assert unit(result, "MTTQ").below.rule == "lead_votes"
    assert "nhiều phiếu Dẫn đầu hơn (7 so với 5, quy tắc lead_votes)" in (
        unit(result, "MTTQ").tie_note or ""
    )
    assert result.leader == "MTTQ"
    assert unit(result, "MTTQ").lead_votes == Vote("lead", "MTTQ", 7, 10, 10)


def test_tie_break_order_comes_from_rules() -> None:
    # first_section favours TD, lead votes favour MTTQ.
    scores = [*full("TD", "30", "30", "30"), *full("MTTQ", "25", "25", "40")]
    votes = [Vote("lead", "TD", 5, 10, 10), Vote("lead", "MTTQ", 8, 10, 10)]
    default = run(["TD", "MTTQ"], scores, votes)
    assert default.units[0].code == "TD"
    swapped = run(["TD", "MTTQ"], scores, votes, tie_break=["lead_votes", "first_section"])
    assert swapped.units[0].code == "MTTQ"
    assert swapped.units[0].below.rule == "lead_votes"


def test_tie_nothing_breaks_shares_rank_and_no_leader() -> None:
    scores = [
        *full("TD", "30", "30", "35"),
        *full("MTTQ", "30", "30", "35"),
        *full("CCB", "30", "30", "30"),
    ]
    result = run(["TD", "MTTQ", "CCB"], scores)
    assert [(u.code, u.rank) for u in result.units] == [("MTTQ", 1), ("TD", 1), ("CCB", 3)]
    assert result.leader is None
    assert result.leader_note == (
        "Không có đơn vị dẫn đầu: MTTQ, TD đồng hạng 1 (95 điểm), các tiêu chí phụ không phân "
        "định được; hội nghị cụm quyết định."
    )
    assert (
        "MTTQ, TD đồng hạng 1 (95 điểm): các tiêu chí phụ không phân định được, "
        "hội nghị cụm quyết định." in result.warnings
    )
    assert unit(result, "TD").tie_note == (
        "Đồng hạng với MTTQ (95 điểm): các tiêu chí phụ không phân định được, "
        "hội nghị cụm quyết định."
    )
    assert unit(result, "TD").above.rule is None
    # 3 members: one Bằng khen seat, two units tied for it.
    assert all(u.proposal is None for u in result.units)
    assert (
        "MTTQ, TD đồng hạng 1 nhưng chỉ còn 1 suất đề nghị Bằng khen: hội nghị cụm quyết định."
        in result.warnings
    )


def test_empty_tie_break_shares_rank() -> None:
    scores = [*full("TD", "30", "30", "30"), *full("MTTQ", "25", "25", "40")]
    result = run(["TD", "MTTQ"], scores, tie_break=[])
    assert [u.rank for u in result.units] == [1, 1]


# --- bands --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c3", "band"),
    [("30", "Xuất sắc"), ("29.99", "Tốt"), ("20", "Tốt"), ("5", "Khá"), ("4.5", "Trung bình")],
)
def test_band_thresholds(c3: str, band: str) -> None:
    result = run(["TD"], full("TD", "30", "30", c3))
    assert unit(result, "TD").band == band


def test_band_thresholds_are_percent_of_scale() -> None:
    crit = table("60", "60", "80")
    assert unit(
        run(["TD"], full("TD", "60", "60", "60"), criteria=crit, scale=D("200")), "TD"
    ).band == ("Xuất sắc")
    assert unit(
        run(["TD"], full("TD", "60", "60", "59"), criteria=crit, scale=D("200")), "TD"
    ).band == ("Tốt")


def test_custom_bands() -> None:
    bands = [("Hoàn thành xuất sắc", D("95")), ("Hoàn thành", D("50")), ("Chưa hoàn thành", D("0"))]
    result = run(
        ["TD", "MTTQ"],
        [*full("TD", "30", "30", "34"), *full("MTTQ", "10", "10", "10")],
        bands=bands,
    )
    assert [u.band for u in result.units] == ["Hoàn thành", "Chưa hoàn thành"]
    assert result.leader is None
    assert result.leader_note == (
        "Không có đơn vị dẫn đầu: TD chỉ đạt loại Hoàn thành, chưa đạt Hoàn thành xuất sắc."
    )


def test_base_maxima_not_summing_to_scale_warns_with_both_sums() -> None:
    result = run(["TD"], full("TD", "30", "30", "30"), criteria=table(max3="35"))
    assert (
        "Tổng điểm tối đa của các tiêu chí chuẩn là 95, khác thang điểm 100 của quy chế."
        in result.warnings
    )


def test_no_scale_warning_when_maxima_match() -> None:
    result = run(["TD"], full("TD", "30", "30", "40"), votes=[Vote("lead", "TD", 8, 8, 8)])
    assert result.warnings == []


def test_without_votes_the_leader_is_a_proposal_and_the_result_says_so() -> None:
    result = run(["TD", "MTTQ"], [*full("TD", "30", "30", "40"), *full("MTTQ", "1", "1", "1")])
    assert result.has_votes is False and result.leader == "TD"
    assert (
        "Chưa nhập kết quả bỏ phiếu năm 2023: đơn vị dẫn đầu và các đề nghị khen thưởng dưới "
        "đây là đề xuất, chờ hội nghị bỏ phiếu." in result.warnings
    )
    assert result.leader_note == (
        "TD (Tỉnh Đoàn) được đề xuất là đơn vị dẫn đầu (xếp hạng 1, đạt loại Xuất sắc), chờ hội "
        "nghị bỏ phiếu: chưa nhập kết quả bỏ phiếu năm 2023."
    )


# --- votes --------------------------------------------------------------------------------------


def leading(votes: list[Vote], **rules: Any) -> PeriodResult:
    scores = [*full("TD", "30", "30", "35"), *full("MTTQ", "30", "30", "20")]
    return run(["TD", "MTTQ"], scores, votes, **rules)


def test_votes_below_threshold_no_leader() -> None:
    result = leading([Vote("lead", "TD", 6, 10, 10)])
    assert result.leader is None
    assert result.leader_note == (
        "Không có đơn vị dẫn đầu: TD chỉ được 6/10 phiếu đồng ý Dẫn đầu trên tổng số thành viên "
        "(60%), dưới tỷ lệ 70% của quy chế."
    )
    # Not voted leader, but still first in line for Bằng khen.
    assert unit(result, "TD").proposal == "Bằng khen"


def test_votes_at_threshold_make_leader() -> None:
    result = leading([Vote("lead", "TD", 7, 10, 10)])
    assert result.leader == "TD"
    assert unit(result, "TD").leader is True
    assert unit(result, "TD").proposal == "Cờ thi đua cấp tỉnh"
    assert result.leader_note == (
        "TD (Tỉnh Đoàn) là đơn vị dẫn đầu: xếp hạng 1, đạt loại Xuất sắc, được 7/10 phiếu đồng "
        "ý. Đủ điều kiện để tỉnh xem xét đề nghị Cờ thi đua của Chính phủ (khoản 1 Điều 25 "
        "Luật Thi đua, khen thưởng năm 2022); tỉnh quyết định."
    )


def test_votes_below_quorum_no_leader() -> None:
    result = leading([Vote("lead", "TD", 7, 9, 5)])
    assert result.leader is None
    assert result.leader_note == (
        "Không có đơn vị dẫn đầu: chỉ có 5/9 thành viên có mặt khi bỏ phiếu Dẫn đầu (55,56%), "
        "chưa đủ tỷ lệ 66,67%."
    )


def test_vote_threshold_and_quorum_per_purpose_and_the_denominator_are_rules() -> None:
    from thidua_cli.scoring import parse_rule_value

    strict = parse_rule_value("vote_threshold", "Dẫn đầu:0.9, Bằng khen:0.5")
    assert leading([Vote("lead", "TD", 8, 10, 10)], vote_threshold=strict).leader is None
    assert leading([Vote("lead", "TD", 9, 10, 10)], vote_threshold=strict).leader == "TD"
    # 6 yes of 7 present is 85,71%: short of 90% of the members, enough of those present
    vote = [Vote("lead", "TD", 6, 10, 7)]
    assert leading(vote, vote_threshold={"": Fraction(4, 5)}).leader is None
    assert (
        leading(vote, vote_threshold={"": Fraction(4, 5)}, vote_denominator="present").leader
        == "TD"
    )
    quorum = parse_rule_value("quorum", "Dẫn đầu:0.8")
    assert leading(vote, quorum=quorum, vote_denominator="present").leader is None


def test_quorum_of_exactly_two_thirds_is_enough() -> None:
    assert leading([Vote("lead", "TD", 7, 9, 6)]).leader == "TD"


def test_present_missing_counts_as_all_members() -> None:
    assert leading([Vote("lead", "TD", 7, 9, None)]).leader == "TD"


def test_no_lead_votes_no_vote_check() -> None:
    assert leading([]).leader == "TD"


# --- proposals ----------------------------------------------------------------------------------


def seven_units() -> tuple[list[str], list[ScoreEntry]]:
    codes = ["MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX"]
    c3 = ["35", "30", "28", "25", "22", "10", "0"]  # totals 95, 90, 88, 85, 82, 70, 60
    scores = [
        entry
        for code, value in zip(codes, c3, strict=True)
        for entry in full(code, "30", "30", value)
    ]
    return codes, scores


def test_bang_khen_quota_with_seven_members() -> None:
    codes, scores = seven_units()
    result = run(codes, scores)
    assert result.bang_khen_seats == 2
    assert [(u.code, u.total, u.rank, u.proposal) for u in result.units] == [
        ("MTTQ", D("95"), 1, "Cờ thi đua cấp tỉnh"),
        ("LDLD", D("90"), 2, "Bằng khen"),
        ("CCB", D("88"), 3, "Bằng khen"),
        ("TD", D("85"), 4, None),
        ("HND", D("82"), 5, None),
        ("HPN", D("70"), 6, None),
        ("LMHTX", D("60"), 7, None),
    ]


def test_bang_khen_quota_with_four_members() -> None:
    codes = ["MTTQ", "LDLD", "CCB", "TD"]
    scores = [
        *full("MTTQ", "30", "30", "35"),
        *full("LDLD", "30", "30", "25"),
        *full("CCB", "30", "30", "24"),
        *full("TD", "30", "30", "0"),
    ]
    result = run(codes, scores)
    assert result.bang_khen_seats == 1
    assert [u.proposal for u in result.units] == ["Cờ thi đua cấp tỉnh", "Bằng khen", None, None]


def test_bang_khen_needs_band_tot() -> None:
    scores = [*full("MTTQ", "30", "30", "35"), *full("LDLD", "30", "30", "18")]  # 95, 78 (Khá)
    result = run(["MTTQ", "LDLD"], scores)
    assert [u.proposal for u in result.units] == ["Cờ thi đua cấp tỉnh", None]


def test_bang_khen_skips_vetoed_unit() -> None:
    codes, scores = seven_units()
    scores += agreed("LDLD", c6="1")
    result = run(codes, scores)
    assert [u.code for u in result.units if u.proposal == "Bằng khen"] == ["CCB", "TD"]


def test_no_leader_then_bang_khen_by_rank() -> None:
    codes, scores = seven_units()
    result = run(codes, scores, votes=[Vote("lead", "MTTQ", 3, 7, 7)])
    assert result.leader is None
    assert [u.code for u in result.units if u.proposal == "Bằng khen"] == ["MTTQ", "LDLD"]


def test_half_year_is_provisional_without_leader_or_proposals() -> None:
    result = run(
        ["TD", "MTTQ"], [*full("TD", "30", "30", "35"), *full("MTTQ", "1", "1", "1")], period="H1"
    )
    assert result.provisional is True
    assert all(u.provisional for u in result.units)
    assert result.leader is None
    assert all(u.proposal is None for u in result.units)
    assert result.leader_note == (
        "Sơ kết 6 tháng đầu năm: chưa bình xét đơn vị dẫn đầu và đề nghị khen thưởng."
    )
    assert result.warnings == [
        "Kết quả sơ kết 6 tháng đầu năm là tạm tính (chưa thẩm định); chưa bình xét đơn vị "
        "dẫn đầu và đề nghị khen thưởng."
    ]


def test_scores_of_unknown_unit_and_group_criterion_are_ignored_with_warning() -> None:
    scores = [*full("TD", "30", "30", "40"), *agreed("XYZ", c1="5"), *agreed("TD", cI="60")]
    result = run(["TD"], scores)
    assert unit(result, "TD").total == D("100")
    assert "Bỏ qua điểm của đơn vị không phải thành viên kỳ này: XYZ." in result.warnings
    assert (
        "Bỏ qua điểm của tiêu chí không có trong bảng hoặc là nhóm tiêu chí (không chấm trực "
        "tiếp): I." in result.warnings
    )


def test_duplicate_score_is_an_error() -> None:
    with pytest.raises(ValueError, match="Điểm bị nhập hai lần: đơn vị TD, tiêu chí 1"):
        run(["TD"], [*agreed("TD", c1="1"), *agreed("TD", c1="2")])


# --- output -------------------------------------------------------------------------------------


def test_json_shape_is_exactly_the_spec() -> None:
    scores = [
        *full("TD", "30", "28", "37", c4="2", c5="0.5"),
        *selfs("TD", c1="30", c2="30", c3="37", c4="2", c5="2"),
    ]
    result = run(["TD"], scores, votes=[Vote("lead", "TD", 8, 8, 8)])
    data = to_json_dict(result, "TD", "MTTQ")
    expected = (
        '{"cluster": "C7", "year": 2023, "period": "FY", "scale": 100, "provisional": false, '
        '"units": [{"code": "TD", "name": "Tỉnh Đoàn", "self_total": 97.0, "base": 95.0, '
        '"bonus": 2.0, "deduction": 0.5, "total": 96.5, "rank": 1, "band": "Xuất sắc", '
        '"leader": true, "proposal": "Cờ thi đua cấp tỉnh", "vetoed": false, '
        '"provisional": false, "missing": []}], "next_head": "TD", "next_deputy": "MTTQ", '
        '"warnings": []}'
    )
    assert json.dumps(data, ensure_ascii=False) == expected


def test_json_keeps_exact_values_and_nulls() -> None:
    scores = [
        *peers("TD", "1", MTTQ="10", CCB="9", HND="9"),
        *peers("TD", "2", MTTQ="30", CCB="30", HND="30"),
        *peers("TD", "3", MTTQ="40", CCB="40", HND="40"),
    ]
    result = run(["TD", "MTTQ", "CCB", "HND"], scores)
    data = to_json_dict(result, None, None)
    td = next(u for u in data["units"] if u["code"] == "TD")
    assert td["total"] == 79.33333333333333  # only displays round (79,33)
    assert td["self_total"] is None
    assert isinstance(td["rank"], int)
    assert data["next_head"] is None
    assert [u["code"] for u in data["units"]] == ["TD", "CCB", "HND", "MTTQ"]


def test_explain_unit() -> None:
    scores = [
        *full("TD", "30", "30", "32", c4="12", c5="2"),
        *selfs("TD", c1="30"),
        *full("MTTQ", "30", "30", "31", c5="1"),
    ]
    result = run(["TD", "MTTQ"], scores)
    assert explain_unit(result, "TD") == [
        "Tỉnh Đoàn (TD) — C7, năm 2023, cả năm",
        "Tiêu chí chuẩn:",
        "  1 Tuyên truyền chủ trương (tối đa 30): 30 — điểm thống nhất",
        "  2 Phong trào thi đua (tối đa 30): 30 — điểm thống nhất",
        "  3 Xây dựng tổ chức vững mạnh (tối đa 40): 32 — điểm thống nhất",
        "  Cộng điểm chuẩn: 92",
        "Điểm thưởng:",
        "  4 Mô hình mới (tối đa 15): 12 — điểm thống nhất",
        "  Cộng điểm thưởng: 12, chỉ tính tối đa 10",
        "Điểm trừ:",
        "  5 Chậm báo cáo (tối đa 10): 2 — điểm thống nhất",
        "  Cộng điểm trừ: 2",
        "Điểm liệt:",
        "  6 Để xảy ra sai phạm nghiêm trọng: không có điểm thống nhất, không tính",
        "  Không bị điểm liệt",
        "Tổng điểm = 92 + 10 − 2 = 100",
        "Tự chấm: 30",
        "Lớp điểm đã dùng: thống nhất",
        "Xếp hạng 1, loại Xuất sắc",
        "Đơn vị dẫn đầu",
        "Đề nghị: Cờ thi đua cấp tỉnh",
        "So với đơn vị trên: đứng đầu bảng xếp hạng.",
        "So với đơn vị dưới: Trên MTTQ 10 điểm tổng (100 so với 90).",
    ]
    assert explain_unit(result, "MTTQ")[-2] == (
        "So với đơn vị trên: Dưới TD 10 điểm tổng (90 so với 100)."
    )
    with pytest.raises(ValueError, match="Không có đơn vị HND"):
        explain_unit(result, "HND")
