"""Properties of ranking: input order never matters, and a lower total never earns a better rank."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua_cli.scoring import (
    Criterion,
    PeriodInput,
    Rules,
    ScoreEntry,
    UnitInfo,
    Vote,
    rank_period,
)
from thidua_cli.scoring.ranking import exact_sum

CODES = ["MTTQ", "LDLD", "CCB", "TD", "HND", "HPN"]
CRITERIA = [
    Criterion("I", "Mục I", None, D("60"), "base", 0, "I"),
    Criterion("1", "Tiêu chí 1", "I", D("30"), "base", 1, "I"),
    Criterion("2", "Tiêu chí 2", "I", D("30"), "base", 2, "I"),
    Criterion("3", "Tiêu chí 3", None, D("40"), "base", 3, "II"),
    Criterion("4", "Thưởng", None, D("15"), "bonus", 4, "III"),
    Criterion("5", "Trừ", None, D("10"), "deduction", 5, "IV"),
    Criterion("6", "Liệt", None, None, "veto", 6, "V"),
]
LEAVES = {"1": 30, "2": 30, "3": 40, "4": 15, "5": 10, "6": 1}

SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def period_inputs(draw: st.DrawFn) -> PeriodInput:
    count = draw(st.integers(min_value=2, max_value=len(CODES)))
    codes = CODES[:count]
    scores: list[ScoreEntry] = []
    for unit in codes:
        for criterion, maximum in LEAVES.items():
            # Few distinct values so that ties are common.
            top = D(maximum)
            points = st.sampled_from([top, top - 1, top - 2, D(0), top / 2])
            if criterion == "6":
                points = st.sampled_from([D(0), D(0), D(0), D(1)])
            if draw(st.booleans()):
                scores.append(ScoreEntry(unit, criterion, "agreed", "", draw(points)))
            for scorer in codes:
                if draw(st.integers(0, 3)) == 0:
                    scores.append(ScoreEntry(unit, criterion, "peer", scorer, draw(points)))
            if draw(st.booleans()):
                scores.append(ScoreEntry(unit, criterion, "self", "", draw(points)))
    votes = [
        Vote("lead", unit, draw(st.integers(0, count)), count, draw(st.integers(0, count)))
        for unit in codes
        if draw(st.booleans())
    ]
    tie_break = draw(
        st.permutations(["first_section", "fewer_deductions", "lead_votes"]).flatmap(
            lambda rules: st.integers(0, 3).map(lambda n: list(rules[:n]))
        )
    )
    rules = replace(
        Rules.default(),
        aggregation=draw(st.sampled_from(["mean", "median", "trimmed_mean"])),
        tie_break=tie_break,
        bonus_cap=draw(st.sampled_from([D(5), D(10)])),
    )
    units = [UnitInfo(code, f"Đơn vị {code}", n) for n, code in enumerate(codes)]
    period = draw(st.sampled_from(["FY", "FY", "H1"]))
    return PeriodInput("C7", 2023, period, units, list(CRITERIA), scores, votes, rules)


@SETTINGS
@given(inp=period_inputs(), data=st.data())
def test_shuffling_input_never_changes_results(inp: PeriodInput, data: st.DataObject) -> None:
    shuffled = replace(
        inp,
        units=data.draw(st.permutations(inp.units)),
        criteria=data.draw(st.permutations(inp.criteria)),
        scores=data.draw(st.permutations(inp.scores)),
        votes=data.draw(st.permutations(inp.votes)),
    )
    assert rank_period(shuffled) == rank_period(inp)


@SETTINGS
@given(inp=period_inputs(), data=st.data())
def test_lowering_a_total_never_improves_rank(inp: PeriodInput, data: st.DataObject) -> None:
    before = rank_period(inp)
    target = data.draw(st.sampled_from([unit.code for unit in inp.units]))
    old = before.unit(target)
    assert old is not None
    criterion = data.draw(st.sampled_from(["1", "3", "5"]))
    line = next(line for line in old.lines if line.criterion == criterion)
    current = line.points or D(0)
    if criterion == "5":
        lowered = current + data.draw(st.sampled_from([D("0.5"), D(1), D(3)]))
    else:
        if current == 0:
            return
        lowered = current - min(current, data.draw(st.sampled_from([D("0.5"), D(1), D(10)])))
    # The score is lowered in the one layer the unit is scored on (SPEC §4.1); a unit with
    # no score at all gets an agreed one.
    layer = next((ln.layer_used for ln in old.lines if ln.layer_used), "agreed")
    scorers = sorted(
        {e.scorer for e in inp.scores if e.unit == target and e.layer == "peer"} - {target}
    )
    scores = [
        entry
        for entry in inp.scores
        if not (entry.unit == target and entry.criterion == criterion and entry.layer == layer)
    ]
    if layer == "peer":
        scores += [ScoreEntry(target, criterion, "peer", s, lowered) for s in scorers]
    else:
        scores.append(ScoreEntry(target, criterion, layer, "", lowered))
    after = rank_period(replace(inp, scores=scores))
    new = after.unit(target)
    assert new is not None
    assert new.total < old.total
    assert new.rank >= old.rank


@SETTINGS
@given(inp=period_inputs())
def test_ranks_follow_totals_and_bands(inp: PeriodInput) -> None:
    result = rank_period(inp)
    assert [unit.rank for unit in result.units] == sorted(unit.rank for unit in result.units)
    for upper, lower in zip(result.units, result.units[1:], strict=False):
        assert upper.total >= lower.total
        assert (upper.rank == lower.rank) == (upper.below is not None and upper.below.rule is None)
    leaders = [unit for unit in result.units if unit.leader]
    assert len(leaders) <= 1
    for unit in leaders:
        assert unit.rank == 1 and not unit.vetoed and unit.band == "Xuất sắc"
    assert all(unit.proposal is None for unit in result.units if unit.vetoed)
    flags = sum(unit.proposal == "Cờ thi đua cấp tỉnh" for unit in result.units)
    bang_khen = sum(unit.proposal == "Bằng khen" for unit in result.units)
    assert flags <= 1 and bang_khen <= result.bang_khen_seats


@given(st.lists(st.fractions(max_denominator=10_000), max_size=60))
@settings(max_examples=300, deadline=None)
def test_exact_sum_is_the_sum_of_the_fractions(values: list) -> None:
    total = exact_sum(values)
    assert total == sum(values, Fraction(0))
    assert isinstance(total, Fraction)
