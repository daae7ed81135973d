"""Finding a unit from what a sheet writes: code, name, alias or a normalised name
(`Hội LHPN tỉnh` = `Hội Liên hiệp Phụ nữ tỉnh Thanh Hóa`), with close-match suggestions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..text import fold

# Abbreviations clerks write for the same organisation, folded.
_EXPANSIONS = (
    ("lhpn", "lien hiep phu nu"),
    ("mttq", "mat tran to quoc"),
    ("ubmttq", "uy ban mat tran to quoc"),
    ("ldld", "lien doan lao dong"),
    ("ccb", "cuu chien binh"),
    ("htx", "hop tac xa"),
    ("lmhtx", "lien minh hop tac xa"),
    ("ctd", "chu thap do"),
    ("tncs", "thanh nien cong san"),
    ("ubnd", "uy ban nhan dan"),
    ("vn", "viet nam"),
)
_DROP_WORDS = {"tinh", "thanh", "pho", "tp"}


def name_key(text: str, province: str = "") -> str:
    """Fold, expand abbreviations and drop the province suffix: the key two spellings share."""
    words = fold(text).split()
    expanded: list[str] = []
    for word in words:
        for short, long in _EXPANSIONS:
            if word == short:
                expanded.extend(long.split())
                break
        else:
            expanded.append(word)
    key = " ".join(expanded)
    key = key.replace("mat tran to quoc viet nam", "mat tran to quoc")
    for suffix in filter(None, [fold(province), "thanh hoa"]):
        if key.endswith(" " + suffix):
            key = key[: -len(suffix) - 1]
    parts = key.split()
    while parts and parts[-1] in _DROP_WORDS:
        parts.pop()
    return " ".join(parts)


@dataclass
class UnitIndex:
    province: str = ""
    by_code: dict[str, str] = field(default_factory=dict)  # folded code -> code
    by_key: dict[str, str] = field(default_factory=dict)  # name key -> code
    names: dict[str, str] = field(default_factory=dict)  # code -> display name
    ambiguous: set[str] = field(default_factory=set)
    # what each text looked up so far found: a sheet names the same units again and again, and
    # layout detection asks about every header and title cell; emptied when a unit is added
    _found: dict[str, str | None] = field(default_factory=dict, repr=False)

    def add(
        self, code: str, name: str, short_name: str = "", aliases: list[str] | None = None
    ) -> None:
        self._found.clear()
        self.by_code[fold(code)] = code
        self.names[code] = name
        for text in [name, short_name, *(aliases or [])]:
            if not text:
                continue
            for key in {fold(text), name_key(text, self.province)}:
                if not key:
                    continue
                if key in self.by_key and self.by_key[key] != code:
                    self.ambiguous.add(key)
                self.by_key[key] = code

    def lookup(self, text: str) -> str | None:
        if not text:
            return None
        try:
            return self._found[text]
        except KeyError:
            found = self._found[text] = self._lookup(text)
            return found

    def _lookup(self, text: str) -> str | None:
        folded = fold(text)
        if folded in self.by_code:
            return self.by_code[folded]
        for key in (folded, name_key(text, self.province)):
            if key in self.by_key and key not in self.ambiguous:
                return self.by_key[key]
        return None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        key = name_key(text, self.province)
        candidates = {name_key(name, self.province): code for code, name in self.names.items()}
        candidates.update({fold(code): code for code in self.names})
        found = difflib.get_close_matches(key, list(candidates), n=limit, cutoff=0.5)
        codes: list[str] = []
        for match in found:
            code = candidates[match]
            if code not in codes:
                codes.append(code)
        if not codes:
            words = set(key.split())
            scored = sorted(
                self.names,
                key=lambda c: -len(words & set(name_key(self.names[c], self.province).split())),
            )
            codes = [c for c in scored[:1] if words & set(name_key(self.names[c]).split())]
        return [self.names[c] for c in codes]

    def hint(self, text: str) -> str:
        suggestions = self.suggest(text)
        if suggestions:
            return "Có phải: " + "; ".join(suggestions) + "?"
        return "Kiểm tra lại tên hoặc mã; thêm đơn vị vào danh sách thành viên nếu là đơn vị mới."
