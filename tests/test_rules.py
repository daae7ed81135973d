"""Rules (quy chế): parsing each key, errors in Vietnamese, effective rules per year."""

from __future__ import annotations

import unicodedata
from decimal import Decimal as D
from fractions import Fraction
from typing import Any

import pytest

from thidua_cli.scoring import (
    RULE_KEYS,
    RuleError,
    Rules,
    build_rules,
    format_rule_value,
    parse_rule_value,
)


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("scale", "100", D("100")),
        ("scale", "99,5", D("99.5")),
        ("bands", "Xuất sắc:90, Tốt:80, Khá:65, Trung bình:0", Rules().bands),
        (
            "bands",
            "Hoàn thành:50; Xuất sắc:92,5; Chưa hoàn thành:0",
            [("Xuất sắc", D("92.5")), ("Hoàn thành", D("50")), ("Chưa hoàn thành", D("0"))],
        ),
        ("aggregation", "Median", "median"),
        ("aggregation", "trimmed_mean", "trimmed_mean"),
        ("bonus_cap", "5", D("5")),
        ("tie_break", "lead_votes, first_section", ["lead_votes", "first_section"]),
        ("tie_break", "", []),
        ("vote_threshold", "0,7", {"": Fraction(7, 10)}),
        ("vote_threshold", "0.75", {"": Fraction(3, 4)}),
        ("quorum", "2/3", {"": Fraction(2, 3)}),
        ("quorum", "0.6667", {"": Fraction(6667, 10000)}),
        ("flags_per_cluster", "2", 2),
        ("bang_khen_quota", "0,3", D("0.3")),
        ("rotation", "round_robin", "round_robin"),
        ("no_repeat_years", "2", 2),
        ("non_leader_target", "0.4", D("0.4")),
        ("organiser", "  UBND   TỈNH THANH HÓA ", "UBND TỈNH THANH HÓA"),
        ("place", unicodedata.normalize("NFD", "Thanh Hóa"), "Thanh Hóa"),
        ("signer_title", "TM. CỤM TRƯỞNG", "TM. CỤM TRƯỞNG"),
        ("signer_name", "Nguyễn Văn A", "Nguyễn Văn A"),
        ("doc_code", "BC-CTĐ7", "BC-CTĐ7"),
    ],
)
def test_parse_each_key(key: str, text: str, value: Any) -> None:
    parsed = parse_rule_value(key, text)
    assert parsed == value
    if isinstance(parsed, str):
        assert unicodedata.is_normalized("NFC", parsed)


def test_defaults_match_spec() -> None:
    rules = Rules.default()
    assert rules == Rules()
    assert rules.scale == D("100")
    assert rules.bands == [
        ("Xuất sắc", D("90")),
        ("Tốt", D("80")),
        ("Khá", D("65")),
        ("Trung bình", D("0")),
    ]
    assert (rules.aggregation, rules.bonus_cap) == ("mean", D("10"))
    assert rules.tie_break == ["first_section", "fewer_deductions", "lead_votes"]
    assert (rules.threshold_for("lead"), rules.quorum_for("flag")) == (
        Fraction(7, 10),
        Fraction(2, 3),
    )
    assert rules.vote_denominator == "members"
    assert (rules.flags_per_cluster, rules.bang_khen_quota) == (1, D("0.30"))
    assert (rules.rotation, rules.no_repeat_years, rules.non_leader_target) == (
        "deputy_succeeds",
        1,
        D("0.40"),
    )
    assert list(RULE_KEYS)[:3] == ["scale", "bands", "aggregation"]


def test_unknown_key_lists_valid_keys() -> None:
    with pytest.raises(RuleError) as error:
        parse_rule_value("bonus", "5")
    assert error.value.message == (
        "Khóa quy chế «bonus» không tồn tại. Các khóa hợp lệ: scale, bands, aggregation, "
        "bonus_cap, tie_break, vote_threshold, quorum, vote_denominator, flags_per_cluster, "
        "bang_khen_quota, "
        "rotation, no_repeat_years, non_leader_target, organiser, place, signer_title, "
        "signer_name, doc_code."
    )


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        (
            "aggregation",
            "average",
            "Giá trị «average» của aggregation không hợp lệ: phải là một trong "
            "mean / median / trimmed_mean.",
        ),
        (
            "vote_threshold",
            "70%",
            "Giá trị «70%» của vote_threshold không hợp lệ: không dùng dấu %, hãy ghi số thập "
            "phân, ví dụ 0,7 hoặc 2/3, hoặc theo nội dung: Dẫn đầu:0.7, Cờ thi đua:0.9, "
            "Bằng khen:0.5.",
        ),
        (
            "quorum",
            "1,5",
            "Giá trị «1,5» của quorum không hợp lệ: phải là tỷ lệ lớn hơn 0 và không quá 1, "
            "ví dụ 0,7 hoặc 2/3, hoặc theo nội dung: Dẫn đầu:0.7, Cờ thi đua:0.9, Bằng khen:0.5.",
        ),
        ("scale", "một trăm", "Giá trị «một trăm» của scale không phải là số; ví dụ hợp lệ: 100."),
        ("scale", "0", "Giá trị «0» của scale không hợp lệ: thang điểm phải lớn hơn 0."),
        (
            "flags_per_cluster",
            "-1",
            "Giá trị «-1» của flags_per_cluster không hợp lệ: phải là số nguyên không âm, ví dụ 1.",
        ),
        (
            "bands",
            "Xuất sắc 90, Tốt 80",
            "Giá trị «Xuất sắc 90, Tốt 80» của bands không hợp lệ: ghi dạng «tên loại:ngưỡng %», "
            "cách nhau bởi dấu phẩy, ví dụ «Xuất sắc:90, Tốt:80, Khá:65, Trung bình:0».",
        ),
        (
            "bands",
            "Xuất sắc:90, Tốt:80",
            "Loại thấp nhất trong bands phải có ngưỡng 0 (ví dụ «Trung bình:0»); hiện ngưỡng "
            "thấp nhất là 80.",
        ),
        (
            "tie_break",
            "first_section, most_votes",
            "Tiêu chí phụ «most_votes» trong tie_break không hợp lệ: chỉ dùng first_section, "
            "fewer_deductions, lead_votes (theo thứ tự ưu tiên, cách nhau bởi dấu phẩy).",
        ),
        (
            "rotation",
            "random",
            "Giá trị «random» của rotation không hợp lệ: phải là một trong "
            "deputy_succeeds / round_robin / leader_hosts / elect.",
        ),
        (
            "bang_khen_quota",
            "30",
            "Giá trị «30» của bang_khen_quota không hợp lệ: phải là tỷ lệ từ 0 đến 1, ví dụ 0,3.",
        ),
    ],
)
def test_bad_value(key: str, text: str, message: str) -> None:
    with pytest.raises(RuleError) as error:
        parse_rule_value(key, text)
    assert error.value.message == message


def test_build_rules_picks_latest_from_year_not_after_the_year() -> None:
    rows = [
        ("bonus_cap", 2020, "5", "Quy chế 2020"),
        ("bonus_cap", 2023, "8", "thidua rules set"),
        ("bonus_cap", 2025, "12", "Quy chế 2025"),
        ("aggregation", 2021, "median", "Quy chế 2021"),
    ]
    rules, sources = build_rules(rows, 2024)
    assert rules.bonus_cap == D("8")
    assert sources["bonus_cap"] == "thidua rules set"
    assert rules.aggregation == "median"
    assert sources["scale"] == "mặc định"
    assert list(sources) == list(RULE_KEYS)

    rules, sources = build_rules(rows, 2019)
    assert (rules.bonus_cap, sources["bonus_cap"]) == (D("10"), "mặc định")
    assert rules.aggregation == "mean"

    rules, _ = build_rules(rows, 2025)
    assert rules.bonus_cap == D("12")


def test_build_rules_names_the_source_of_a_bad_value() -> None:
    with pytest.raises(RuleError) as error:
        build_rules([("aggregation", 2023, "avg", "Quy chế.xlsx, dòng 4")], 2024)
    assert error.value.message.endswith("(nguồn: Quy chế.xlsx, dòng 4)")


def test_build_rules_rejects_unknown_key() -> None:
    with pytest.raises(RuleError, match="Khóa quy chế «thang_diem»"):
        build_rules([("thang_diem", 2023, "100", "Quy chế")], 2024)


@pytest.mark.parametrize(
    ("key", "text", "shown"),
    [
        ("scale", "100", "100"),
        ("scale", "99.50", "99,5"),
        ("bands", "Xuất sắc:92,5, Tốt:80, Trung bình:0", "Xuất sắc:92,5, Tốt:80, Trung bình:0"),
        ("vote_threshold", "0.70", "0,7"),
        ("quorum", "2/3", "2/3"),
        ("tie_break", "fewer_deductions", "fewer_deductions"),
        ("flags_per_cluster", "1", "1"),
        ("organiser", "UBND TỈNH THANH HÓA", "UBND TỈNH THANH HÓA"),
    ],
)
def test_format_rule_value_reads_back(key: str, text: str, shown: str) -> None:
    value = parse_rule_value(key, text)
    assert format_rule_value(key, value) == shown
    assert parse_rule_value(key, shown) == value


def test_every_default_formats_and_reads_back() -> None:
    rules = Rules.default()
    for key in RULE_KEYS:
        value = getattr(rules, key)
        assert parse_rule_value(key, format_rule_value(key, value)) == value
