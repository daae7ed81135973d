"""Text and cell-value normalisation shared by every reader: NFC, folding for matching,
numbers with decimal commas, Vietnamese dates and number formatting."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LATIN_MARKS = re.compile("[\u0300-\u036f]+")  # the combining diacritics: all category Mn
# Control characters (an ANSI escape from a cell would reach the clerk's terminal) and the
# invisible marks that reorder or hide text (bidirectional overrides, isolates, LRM/RLM):
# whitespace controls (tab, newline, CR, FF, VT, NEL, FS..US) are left to _SPACES.
_UNSAFE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean(value: object) -> str:
    """NFC, control characters and bidirectional marks removed, whitespace (newlines
    included) collapsed to single spaces, stripped: every text enters the tool this way."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        # the usual cell: its only whitespace is the ASCII space (every other space, tab and
        # newline is not printable), so only a run of spaces needs the regular expression
        text = unicodedata.normalize("NFC", text)
        return (_SPACES.sub(" ", text) if "  " in text else text).strip()
    text = _UNSAFE.sub("", text)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def is_safe_code(code: str) -> bool:
    """A unit or cluster code: letters, digits and `.`, `_`, `-` only (no `=2+3`, no spaces)."""
    return bool(code) and all(ch.isalnum() or ch in "._-" for ch in code)


def fold(value: object) -> str:
    """Case-, accent- and punctuation-insensitive key: 'Mã ĐV' -> 'ma dv'."""
    if value.__class__ is str:
        # the same names, headers and titles come back on every row and every file
        return _fold_text(value)  # type: ignore[arg-type]
    return _fold(value)


@functools.lru_cache(maxsize=1 << 16)
def _fold_text(text: str) -> str:
    return _fold(text)


def _fold(value: object) -> str:
    text = unicodedata.normalize("NFD", clean(value).lower()).replace("đ", "d")
    text = _LATIN_MARKS.sub("", text)
    if not text.isascii():  # marks of other scripts: look each character up
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _NON_WORD.sub(" ", text).strip()


class ValueProblem(ValueError):
    """A cell value that cannot be read; `message` and `hint` are Vietnamese."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}([.,]\d{3})+([.,]\d+)?$")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and clean(value) in ("", "-", "–", "—"))


def parse_decimal(value: object) -> Decimal | None:
    """A number from a cell: Excel number, or text with a decimal comma or spaces.

    `-` and empty mean no value (None). Percent signs and thousands separators are refused:
    guessing there would silently change a score.
    """
    if value is None:
        return None
    if isinstance(value, bool):  # TRUE is not 1 point: a checkbox or a comparison went astray
        raise ValueProblem(
            "Ô kiểu đúng/sai (TRUE/FALSE) ở cột số.",
            "Nhập một số (ví dụ 9,5); để trống nếu không có.",
        )
    if isinstance(value, int):
        if abs(value) >= _TOO_LARGE:
            raise _too_large()
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem("Giá trị không phải là số.", "Nhập một số, ví dụ 9,5.")
        if abs(value) >= _TOO_LARGE:
            raise _too_large()
        # repr gives the shortest text that round-trips, so 9.5 stays 9.5
        return Decimal(repr(value)).normalize() if value % 1 else Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    text = clean(value)
    if text in ("", "-", "–", "—"):
        return None
    if "%" in text:
        raise ValueProblem(
            "Có dấu phần trăm (%): không rõ đây là điểm hay tỷ lệ.",
            "Nhập số điểm, không kèm dấu %.",
        )
    compact = text.replace(" ", "").replace("\u00a0", "")
    # `1.250` is 1250 to a Vietnamese clerk and 1.25 to an English Excel: refuse, don't guess
    if _THOUSANDS.match(compact):
        raise ValueProblem(
            "Có dấu phân cách hàng nghìn: không đoán được giá trị.",
            "Nhập số không có dấu phân cách hàng nghìn, dùng dấu phẩy cho phần thập phân.",
        )
    if not _NUMBER.match(compact):
        raise ValueProblem("Giá trị không phải là số.", "Nhập một số, ví dụ 9,5 hoặc 10.")
    try:
        number = Decimal(compact.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueProblem("Giá trị không phải là số.", "Nhập một số.") from exc
    if abs(number) >= _TOO_LARGE:
        raise _too_large()
    return number


# No score, year or count comes near this; a number past it is a broken or hostile cell (and
# would not fit the database's integers).
_TOO_LARGE = 10**12


def _too_large() -> ValueProblem:
    return ValueProblem(
        "Số quá lớn, không phải điểm, năm hay số lượng hợp lệ.",
        "Kiểm tra lại ô này và nhập đúng số.",
    )


def parse_int(value: object) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueProblem("Phải là số nguyên.", "Nhập một số nguyên, ví dụ 7.")
    return int(number)


_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value: object) -> date | None:
    """Excel dates, or text dd/mm/yyyy; nothing else is guessed."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if not text:
        return None
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise ValueProblem("Ngày không tồn tại.", "Kiểm tra lại ngày, tháng.") from exc
    raise ValueProblem(
        "Không đọc được ngày.", "Nhập ngày dạng dd/mm/yyyy, ví dụ 05/01/2024, hoặc kiểu ngày Excel."
    )


_YES = {"x", "co", "c", "yes", "y", "1", "dung", "true", "v"}
_NO = {"", "khong", "k", "no", "n", "0", "false", "-"}


def parse_yes_no(value: object) -> bool | None:
    key = fold(value) if not isinstance(value, bool) else ("x" if value else "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        key = "1" if value else "0"
    if key in _YES:
        return True
    if key in _NO:
        return None if key == "" else False
    raise ValueProblem("Không hiểu giá trị có/không.", "Nhập x hoặc có, để trống hoặc không.")


def round_points(value: Decimal, places: int = 2) -> Decimal:
    """The one display rounding of every output (SPEC §4.4): half away from zero, 2 decimals
    by default (96,125 -> 96,13; -0,125 -> -0,13). Sums stay exact; only displays round."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | float | int | None, places: int = 2) -> str:
    """Vietnamese number: decimal comma, no trailing zeros: 106,5; 95; 60,67; rounded by
    `round_points`."""
    if value is None:
        return ""
    number = round_points(value if isinstance(value, Decimal) else Decimal(str(value)), places)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",")


def format_points(value: Decimal) -> str:
    """Points as every output shows them: "9,5", "96,13", "10"."""
    return format_number(value, 2)


def format_percent(value: Decimal | float | None, places: int = 1) -> str:
    if value is None:
        return ""
    return format_number(Decimal(str(value)) * 100, places) + "%"


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
