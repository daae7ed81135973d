"""The cluster's rules (quy chế): defaults, parsing of overrides, the effective rules of a year.

Values arrive as text (a `Quy chế` sheet, `thidua rules set`); errors are Vietnamese `RuleError`s.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

AGGREGATIONS: tuple[str, ...] = ("mean", "median", "trimmed_mean")
TIE_BREAKS: tuple[str, ...] = ("first_section", "fewer_deductions", "lead_votes")
ROTATION_METHODS: tuple[str, ...] = ("deputy_succeeds", "round_robin", "leader_hosts", "elect")
TEXT_KEYS: tuple[str, ...] = ("organiser", "place", "signer_title", "signer_name", "doc_code")
VOTE_DENOMINATORS: tuple[str, ...] = ("members", "present")
# The ballot purposes (the votes sheet's Nội dung), by code, as the documents name them.
VOTE_PURPOSE_NAMES: dict[str, str] = {
    "lead": "Dẫn đầu",
    "flag": "Cờ thi đua",
    "bang_khen": "Bằng khen",
    "head": "Trưởng cụm",
    "deputy": "Phó cụm",
}

# Default raw text per key, in the order of SPEC §5. Quorum is exactly 2/3: the spec's 0.6667 is
# that fraction rounded, and 6 present of 9 members must reach it.
RULE_KEYS: dict[str, str] = {
    "scale": "100",
    "bands": "Xuất sắc:90, Tốt:80, Khá:65, Trung bình:0",
    "aggregation": "mean",
    "bonus_cap": "10",
    "tie_break": "first_section, fewer_deductions, lead_votes",
    "vote_threshold": "0.70",
    "quorum": "2/3",
    "vote_denominator": "members",
    "flags_per_cluster": "1",
    "bang_khen_quota": "0.30",
    "rotation": "deputy_succeeds",
    "no_repeat_years": "1",
    "non_leader_target": "0.40",
    "organiser": "",
    "place": "",
    "signer_title": "",
    "signer_name": "",
    "doc_code": "",
}

RULE_DESCRIPTIONS: dict[str, str] = {
    "scale": "Thang điểm (tổng điểm tối đa các tiêu chí chuẩn)",
    "bands": "Xếp loại: tên loại và ngưỡng tính theo % thang điểm",
    "aggregation": "Cách gộp điểm chấm chéo (mean / median / trimmed_mean)",
    "bonus_cap": "Điểm thưởng tối đa được tính",
    "tie_break": "Thứ tự tiêu chí phụ khi bằng tổng điểm",
    "vote_threshold": "Tỷ lệ phiếu đồng ý tối thiểu (một số, hoặc theo nội dung: "
    "Dẫn đầu:0.7, Cờ thi đua:0.9, Bằng khen:0.5)",
    "quorum": "Tỷ lệ thành viên có mặt tối thiểu khi bỏ phiếu (một số, hoặc theo nội dung)",
    "vote_denominator": "Mẫu số tính tỷ lệ phiếu: members (tổng số thành viên) hoặc present "
    "(số có mặt)",
    "flags_per_cluster": "Số Cờ thi đua cấp tỉnh được đề nghị mỗi cụm",
    "bang_khen_quota": "Tỷ lệ đơn vị được đề nghị Bằng khen (làm tròn xuống, ít nhất 1)",
    "rotation": "Cách luân phiên Trưởng cụm",
    "no_repeat_years": "Số năm một đơn vị không được làm lại Trưởng cụm",
    "non_leader_target": "Tỷ lệ tối thiểu cá nhân được khen không giữ chức vụ lãnh đạo, quản lý",
    "organiser": "Cơ quan chủ quản (đầu văn bản)",
    "place": "Địa danh ghi ở dòng ngày tháng",
    "signer_title": "Chức danh người ký",
    "signer_name": "Họ tên người ký",
    "doc_code": "Ký hiệu văn bản",
}

DEFAULT_SOURCE = "mặc định"

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_RATIO = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_BAND = re.compile(r"\s*([^:;,]+?)\s*:\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:[,;]|$)")


class RuleError(ValueError):
    """A rule key or value that cannot be used; the message is Vietnamese and says what is valid."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Rules:
    """Effective rules of a cluster for one year; numbers are exact."""

    scale: Decimal = Decimal("100")
    bands: list[tuple[str, Decimal]] = field(
        default_factory=lambda: [
            ("Xuất sắc", Decimal("90")),
            ("Tốt", Decimal("80")),
            ("Khá", Decimal("65")),
            ("Trung bình", Decimal("0")),
        ]
    )
    aggregation: str = "mean"
    bonus_cap: Decimal = Decimal("10")
    tie_break: list[str] = field(default_factory=lambda: list(TIE_BREAKS))
    # per ballot purpose; the key "" is the value for every purpose not named
    vote_threshold: dict[str, Fraction] = field(default_factory=lambda: {"": Fraction(7, 10)})
    quorum: dict[str, Fraction] = field(default_factory=lambda: {"": Fraction(2, 3)})
    vote_denominator: str = "members"
    flags_per_cluster: int = 1
    bang_khen_quota: Decimal = Decimal("0.30")
    rotation: str = "deputy_succeeds"
    no_repeat_years: int = 1
    non_leader_target: Decimal = Decimal("0.40")
    organiser: str = ""
    place: str = ""
    signer_title: str = ""
    signer_name: str = ""
    doc_code: str = ""

    def threshold_for(self, purpose: str) -> Fraction:
        return self.vote_threshold.get(purpose, self.vote_threshold.get("", Fraction(7, 10)))

    def quorum_for(self, purpose: str) -> Fraction:
        return self.quorum.get(purpose, self.quorum.get("", Fraction(2, 3)))

    @classmethod
    def default(cls) -> Rules:
        return cls(**{key: parse_rule_value(key, text) for key, text in RULE_KEYS.items()})


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _valid_keys() -> str:
    return ", ".join(RULE_KEYS)


def _parse_decimal(key: str, text: str, example: str) -> Decimal:
    if "%" in text:
        raise RuleError(
            f"Giá trị «{text}» của {key} không hợp lệ: không dùng dấu %, hãy ghi số thập phân, "
            f"ví dụ {example}."
        )
    if not _NUMBER.match(text):
        raise RuleError(f"Giá trị «{text}» của {key} không phải là số; ví dụ hợp lệ: {example}.")
    return Decimal(text.replace(",", "."))


def _parse_int(key: str, text: str, example: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise RuleError(
            f"Giá trị «{text}» của {key} không hợp lệ: phải là số nguyên không âm, ví dụ {example}."
        )
    return int(text)


def _parse_share(key: str, text: str, example: str) -> Decimal:
    value = _parse_decimal(key, text, example)
    if not Decimal(0) <= value <= Decimal(1):
        raise RuleError(
            f"Giá trị «{text}» của {key} không hợp lệ: phải là tỷ lệ từ 0 đến 1, ví dụ {example}."
        )
    return value


def _parse_ratio(key: str, text: str, example: str) -> Fraction:
    match = _RATIO.match(text)
    if match:
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if denominator == 0:
            raise RuleError(f"Giá trị «{text}» của {key} không hợp lệ: mẫu số bằng 0.")
        value = Fraction(numerator, denominator)
    else:
        value = Fraction(_parse_decimal(key, text, example))
    if not 0 < value <= 1:
        raise RuleError(
            f"Giá trị «{text}» của {key} không hợp lệ: phải là tỷ lệ lớn hơn 0 và không quá 1, "
            f"ví dụ {example}."
        )
    return value


_PURPOSE_RATIO = re.compile(
    r"\s*([^:;,0-9][^:;,]*?)\s*:\s*(\d+\s*/\s*\d+|\d+(?:[.,]\d+)?)\s*(?:[,;]|$)"
)


def _purpose_key(name: str) -> str | None:
    folded = _fold(name)
    for code, label in VOTE_PURPOSE_NAMES.items():
        if folded in (_fold(label), code.replace("_", " ")):
            return code
    if folded in ("co thi dua cap tinh", "co"):
        return "flag"
    return None


def _parse_ratios(key: str, text: str) -> dict[str, Fraction]:
    """One ratio for every ballot, or one per purpose: `Dẫn đầu:0.7, Cờ thi đua:0.9`."""
    example = "0,7 hoặc 2/3, hoặc theo nội dung: Dẫn đầu:0.7, Cờ thi đua:0.9, Bằng khen:0.5"
    if ":" not in text:
        return {"": _parse_ratio(key, text, example)}
    ratios: dict[str, Fraction] = {}
    position = 0
    while position < len(text):
        match = _PURPOSE_RATIO.match(text, position)
        if not match or match.end() == position:
            raise RuleError(
                f"Giá trị «{text}» của {key} không hợp lệ: ghi một tỷ lệ, hoặc «nội dung:tỷ lệ» "
                f"cách nhau bởi dấu phẩy, ví dụ {example}."
            )
        purpose = _purpose_key(match.group(1))
        if purpose is None:
            raise RuleError(
                f"Nội dung bỏ phiếu «{match.group(1)}» trong {key} không hợp lệ: chỉ dùng "
                f"{', '.join(VOTE_PURPOSE_NAMES.values())}."
            )
        if purpose in ratios:
            raise RuleError(f"Nội dung «{match.group(1)}» bị ghi hai lần trong {key}.")
        ratios[purpose] = _parse_ratio(key, match.group(2), example)
        position = match.end()
    default = Fraction(7, 10) if key == "vote_threshold" else Fraction(2, 3)
    return {"": default, **ratios}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", _clean(text).lower()).replace("đ", "d")
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _parse_choice(key: str, text: str, choices: tuple[str, ...]) -> str:
    value = text.lower()
    if value not in choices:
        raise RuleError(
            f"Giá trị «{text}» của {key} không hợp lệ: phải là một trong {' / '.join(choices)}."
        )
    return value


def _parse_bands(text: str) -> list[tuple[str, Decimal]]:
    example = RULE_KEYS["bands"]
    bands: list[tuple[str, Decimal]] = []
    position = 0
    while position < len(text):
        match = _BAND.match(text, position)
        if not match or match.end() == position:
            raise RuleError(
                f"Giá trị «{text}» của bands không hợp lệ: ghi dạng «tên loại:ngưỡng %», "
                f"cách nhau bởi dấu phẩy, ví dụ «{example}»."
            )
        name, threshold = match.group(1), Decimal(match.group(2).replace(",", "."))
        if not Decimal(0) <= threshold <= Decimal(100):
            raise RuleError(
                f"Ngưỡng {match.group(2)} của loại «{name}» không hợp lệ: phải từ 0 đến 100 (%)."
            )
        bands.append((name, threshold))
        position = match.end()
    if not bands:
        raise RuleError(f"Giá trị của bands đang trống; ví dụ hợp lệ: «{example}».")
    names = [name for name, _ in bands]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RuleError(f"Loại «{duplicates[0]}» bị ghi hai lần trong bands.")
    thresholds = [threshold for _, threshold in bands]
    if len(set(thresholds)) != len(thresholds):
        raise RuleError("Hai loại trong bands có cùng ngưỡng; mỗi loại cần một ngưỡng riêng.")
    bands.sort(key=lambda band: band[1], reverse=True)
    if bands[-1][1] != 0:
        raise RuleError(
            f"Loại thấp nhất trong bands phải có ngưỡng 0 (ví dụ «Trung bình:0»); "
            f"hiện ngưỡng thấp nhất là {_format_decimal(bands[-1][1])}."
        )
    return bands


def _parse_tie_break(text: str) -> list[str]:
    if text.lower() in ("", "none", "không"):
        return []
    rules = [part.strip().lower() for part in re.split(r"[,;]", text) if part.strip()]
    for rule in rules:
        if rule not in TIE_BREAKS:
            raise RuleError(
                f"Tiêu chí phụ «{rule}» trong tie_break không hợp lệ: chỉ dùng "
                f"{', '.join(TIE_BREAKS)} (theo thứ tự ưu tiên, cách nhau bởi dấu phẩy)."
            )
    if len(set(rules)) != len(rules):
        raise RuleError("Một tiêu chí phụ bị ghi hai lần trong tie_break.")
    return rules


def parse_rule_value(key: str, text: str) -> Any:
    """Parse the raw text of one rule into its typed value, or raise `RuleError`."""
    key = _clean(key).lower()
    text = _clean(text)
    if key not in RULE_KEYS:
        raise RuleError(f"Khóa quy chế «{key}» không tồn tại. Các khóa hợp lệ: {_valid_keys()}.")
    if key in TEXT_KEYS:
        return text
    if key == "scale":
        value = _parse_decimal(key, text, "100")
        if value <= 0:
            raise RuleError(f"Giá trị «{text}» của scale không hợp lệ: thang điểm phải lớn hơn 0.")
        return value
    if key == "bonus_cap":
        value = _parse_decimal(key, text, "10")
        if value < 0:
            raise RuleError(f"Giá trị «{text}» của bonus_cap không hợp lệ: không được âm.")
        return value
    if key == "bands":
        return _parse_bands(text)
    if key == "aggregation":
        return _parse_choice(key, text, AGGREGATIONS)
    if key == "rotation":
        return _parse_choice(key, text, ROTATION_METHODS)
    if key == "tie_break":
        return _parse_tie_break(text)
    if key in ("vote_threshold", "quorum"):
        return _parse_ratios(key, text)
    if key == "vote_denominator":
        return _parse_choice(key, text, VOTE_DENOMINATORS)
    if key in ("flags_per_cluster", "no_repeat_years"):
        return _parse_int(key, text, "1")
    # bang_khen_quota, non_leader_target
    return _parse_share(key, text, "0,3")


def _format_decimal(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _format_fraction(value: Fraction) -> str:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return _format_decimal(Decimal(value.numerator) / Decimal(value.denominator))


def format_rule_value(key: str, value: Any) -> str:
    """Format a typed rule value as text that `parse_rule_value` reads back to the same value."""
    if key == "bands":
        return ", ".join(f"{name}:{_format_decimal(threshold)}" for name, threshold in value)
    if key == "tie_break":
        return ", ".join(value)
    if isinstance(value, dict):  # per-purpose ratios
        if set(value) == {""}:
            return _format_fraction(value[""])
        return ", ".join(
            f"{VOTE_PURPOSE_NAMES[purpose]}:{_format_fraction(ratio)}".replace(",", ".")
            if "/" not in _format_fraction(ratio)
            else f"{VOTE_PURPOSE_NAMES[purpose]}:{_format_fraction(ratio)}"
            for purpose, ratio in value.items()
            if purpose
        )
    if isinstance(value, Fraction):
        return _format_fraction(value)
    if isinstance(value, Decimal):
        return _format_decimal(value)
    return str(value)


def build_rules(
    overrides: list[tuple[str, int, str, str]], year: int
) -> tuple[Rules, dict[str, str]]:
    """Effective rules for `year` from rows (key, from_year, raw_value, source), and their sources.

    For each key the row with the greatest from_year not after `year` wins; among rows with the
    same key and from_year the last one wins.
    """
    chosen: dict[str, tuple[int, str, str]] = {}
    for key, from_year, raw_value, source in overrides:
        clean_key = _clean(key).lower()
        if clean_key not in RULE_KEYS:
            raise RuleError(
                f"Khóa quy chế «{key}» ({source}) không tồn tại. Các khóa hợp lệ: {_valid_keys()}."
            )
        if from_year > year:
            continue
        if clean_key not in chosen or from_year >= chosen[clean_key][0]:
            chosen[clean_key] = (from_year, raw_value, source)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, default_text in RULE_KEYS.items():
        if key in chosen:
            _, raw_value, source = chosen[key]
            try:
                values[key] = parse_rule_value(key, raw_value)
            except RuleError as error:
                raise RuleError(f"{error.message} (nguồn: {source})") from None
            sources[key] = source
        else:
            values[key] = parse_rule_value(key, default_text)
            sources[key] = DEFAULT_SOURCE
    return Rules(**values), sources
