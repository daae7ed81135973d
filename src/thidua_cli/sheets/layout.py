"""Find where a sheet's table starts and what kind it is: the header row (under up to 15
title rows, possibly two rows deep with merged cells), the column of each field, and what
the title rows say (year, period, layer, unit)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

from ..text import clean, fold
from .columns import ALWAYS_IGNORED, KINDS, KindSpec
from .reader import Sheet

HEADER_SEARCH_ROWS = 15
_NUMBERING = re.compile(r"^\(?[0-9]{1,2}\)?$|^\(?[a-zA-Z]\)?$|^\(\d+\)\s*=.*$")
_PAREN = re.compile(r"\([^)]*\)")


@dataclass
class Layout:
    kind: str
    spec: KindSpec
    header_rows: tuple[int, ...]
    fields: dict[str, int]
    headers: dict[int, str]  # column index -> header text as shown
    unit_columns: dict[int, str] = field(default_factory=dict)  # wide layout: col -> header
    ignored: list[str] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)
    title_cells: list[tuple[int, int]] = field(default_factory=list)  # (row, first column) of each
    skip_rows: set[int] = field(default_factory=set)  # numbering rows under the header
    score: int = 0

    @property
    def last_header_row(self) -> int:
        return self.header_rows[-1]


@dataclass
class NearMiss:
    kind: str
    missing: list[str]
    header_row: int
    # a sheet that must not be read as anything else: an error, not a skipped sheet
    refused: str = ""


@dataclass
class Ambiguous:
    """A header that two kinds explain, neither better: the clerk chooses with --kind."""

    kinds: tuple[str, str]
    header_row: int


_ALIAS_RANK: dict[str, dict[str, tuple[str, int]]] = {}


def _alias_table(spec: KindSpec) -> dict[str, tuple[str, int]]:
    table = _ALIAS_RANK.get(spec.kind)
    if table is None:
        table = {}
        for column in spec.columns:
            for rank, alias in enumerate((column.label, column.field, *column.aliases)):
                key = fold(alias)
                if key not in table or table[key][1] > rank:
                    table[key] = (column.field, rank)
        _ALIAS_RANK[spec.kind] = table
    return table


@functools.lru_cache(maxsize=8192)  # every candidate header row is tried against every kind
def header_keys(text: str) -> tuple[str, ...]:
    """Folded forms to try for one header: as is, without parentheses, without '(*)'."""
    key = fold(text)
    stripped = fold(_PAREN.sub(" ", text))
    return (key, stripped) if stripped and stripped != key else (key,)


# A candidate header: each column with the texts to try, best first (a two-row header tries
# the lower cell, both cells, the upper cell).
Header = tuple[tuple[int, tuple[str, ...]], ...]


@functools.lru_cache(maxsize=4096)  # forms of one template repeat the same header rows
def _match_columns(
    kind: str, header: Header
) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...]]:
    """The column of each field the header names (the best-ranked alias wins a field), and the
    columns that name none."""
    table = _alias_table(KINDS[kind])
    best: dict[str, tuple[int, int]] = {}
    unmatched = []
    for col, variants in header:
        hit = None
        for variant in variants:
            for key in header_keys(variant):
                if key in table:
                    candidate = table[key]
                    if hit is None or candidate[1] < hit[1]:
                        hit = candidate
            if hit:
                break
        if hit is None:
            unmatched.append(col)
            continue
        name, rank = hit
        if name not in best or best[name][1] > rank:
            if name in best:
                unmatched.append(best[name][0])
            best[name] = (col, rank)
        else:
            unmatched.append(col)
    return tuple((name, col) for name, (col, _) in best.items()), tuple(unmatched)


@functools.cache
def _every_alias() -> frozenset[str]:
    return frozenset(key for spec in KINDS.values() for key in _alias_table(spec))


def _kinds_to_try(header: Header, units_below: set[int], kinds: list[KindSpec]) -> list[KindSpec]:
    """The kinds that can make something of a candidate header. One none of whose texts is an
    alias of any kind names no field: no kind gets a layout or a near miss from it (every kind
    requires a field, a near miss two). All it can still be is a score sheet by unit, refused
    as a scoring table, when units are written under it. Title and data rows are passed over
    this way."""
    if not all(spec.required for spec in kinds):
        return kinds
    for _, variants in header:
        for text in variants:
            if _names_a_field(text):
                return kinds
    if units_below:
        return [spec for spec in kinds if spec.kind == "criteria"]
    return []


@functools.lru_cache(maxsize=8192)  # the texts of a template's rows come back in every form
def _names_a_field(text: str) -> bool:
    """Whether a header text is an alias of a field of some kind."""
    aliases = _every_alias()
    return any(key in aliases for key in header_keys(text))


@functools.cache
def _unit_field_aliases() -> frozenset[str]:
    """Every header that names a unit column (Mã đơn vị, Đơn vị, Đơn vị chấm…) in any kind."""
    fields = {"unit_code", "unit_name", "unit", "scorer"}
    return frozenset(
        key
        for spec in KINDS.values()
        for key, (field_name, _) in _alias_table(spec).items()
        if field_name in fields
    )


def _names_unit_field(text: str) -> bool:
    """Whether a header (its lower part, when two rows deep) names a unit column: units written
    under it are data, not one score column per unit."""
    aliases = _unit_field_aliases()
    return any(key in aliases for key in header_keys(text.split(" / ")[-1]))


def _row_text(values: list[object]) -> dict[int, str]:
    texts: dict[int, str] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        if value.__class__ is str:
            text = _cell_text(value)  # type: ignore[arg-type]
        elif isinstance(value, float) and value.is_integer():
            # Excel stores 1 as 1.0: a numbering row 1 2 3 must read as such, not as 1.0 2.0 3.0
            text = str(int(value))
        else:
            text = clean(value)
        if text:
            texts[i] = text
    return texts


@functools.lru_cache(maxsize=8192)  # a template's titles and headers come back in every form
def _cell_text(value: str) -> str:
    return clean(value)


def _merge_fill(
    top: dict[int, str], row: int, merged: list[tuple[tuple[int, int], tuple[int, int]]]
) -> dict[int, str]:
    """Spread a horizontally merged header cell over every column it covers."""
    filled = dict(top)
    for (r1, c1), (r2, c2) in merged:
        if r1 + 1 <= row <= r2 + 1 and c2 > c1 and (c1 in top):
            for col in range(c1, c2 + 1):
                filled.setdefault(col, top[c1])
    return filled


def detect_layout(
    sheet: Sheet,
    forced_kind: str | None,
    unit_lookup: Callable[[str], str | None],
) -> Layout | NearMiss | Ambiguous | None:
    """The best-matching kind and header, a near miss (for a helpful message), two kinds that
    fit equally well, or None."""
    # the rows a header may start on, the row under the last of them (a header two rows deep),
    # and the row under that (a numbering row under such a header)
    head = list(islice(sheet.rows(), HEADER_SEARCH_ROWS + 2))
    texts = [_row_text(values) for _, values in head]  # each row's texts, read once
    kinds = [KINDS[forced_kind]] if forced_kind else list(KINDS.values())
    best: Layout | None = None
    near: NearMiss | None = None
    near_score = 0
    complete: list[Layout] = []  # every kind a header fits, to tell a real tie
    per_unit: NearMiss | None = None  # a score sheet by unit whose units are all unknown
    for index, (row_number, _) in enumerate(head[:HEADER_SEARCH_ROWS]):
        top = texts[index]
        if not top:
            continue
        candidates: list[tuple[tuple[int, ...], Header, dict[int, str]]] = [
            ((row_number,), tuple((c, (t,)) for c, t in top.items()), top)
        ]
        units_below: set[int] = set()
        if index + 1 < len(head):
            below_number, below_values = head[index + 1]
            below = texts[index + 1]
            units_below = {col for col, text in below.items() if unit_lookup(text)}
            # a data row under it has numbers: that test first, it ends most rows' look
            if below and not _has_numbers(below_values) and not _is_numbering_row(below):
                filled = _merge_fill(top, row_number, sheet.merged)
                variants: list[tuple[int, tuple[str, ...]]] = []
                shown: dict[int, str] = {}
                for col in sorted(set(filled) | set(below)):
                    upper, lower = filled.get(col, ""), below.get(col, "")
                    if lower and upper:
                        variants.append((col, (lower, f"{upper} {lower}", upper)))
                        shown[col] = f"{upper} / {lower}"
                    else:
                        variants.append((col, (lower or upper,)))
                        shown[col] = lower or upper
                candidates.append(((row_number, below_number), tuple(variants), shown))
        for rows, header, shown in candidates:
            for spec in _kinds_to_try(header, units_below, kinds):
                matched, unmatched = _match_columns(spec.kind, header)
                fields = dict(matched)
                unit_columns: dict[int, str] = {}
                if spec.kind == "wide_scores":
                    if {"unit_code", "unit_name", "self", "peer"} & set(fields):
                        continue
                    unit_columns = _wide_unit_columns(unmatched, shown, unit_lookup)
                    if not unit_columns:
                        continue
                elif any(fields.get(f) in units_below for f in ("self", "peer", "agreed")):
                    continue  # units named under a merged `Điểm tự chấm`: one column per unit
                elif spec.kind == "criteria":
                    scored = [
                        c
                        for c in unmatched
                        if (layer_named(shown[c]) or c in units_below)
                        and not _names_unit_field(shown[c])
                    ]
                    if scored:
                        # a sheet with score columns (one per unit, under `Điểm thống nhất`) is
                        # never a scoring table: read as one, it would rewrite the criteria. It
                        # is refused as such when units are written under it or its header names
                        # a column of one (a title row naming `tự chấm` does neither)
                        by_unit = fields or any(c in units_below for c in scored)
                        if forced_kind is None and per_unit is None and by_unit:
                            per_unit = NearMiss(
                                "wide_scores", [], rows[0], refused=shown[scored[0]]
                            )
                        continue
                missing = [group for group in spec.required if not any(f in fields for f in group)]
                score = len(fields) * 10 + len(spec.required) + 5 * len(unit_columns)
                if missing:
                    if len(fields) >= 2 and score > near_score:
                        near_score = score
                        near = NearMiss(spec.kind, [spec.label_of(g[0]) for g in missing], rows[0])
                    continue
                complete.append(
                    Layout(spec.kind, spec, rows, fields, shown, unit_columns, score=score)
                )
                if best is not None and (
                    score < best.score
                    or (score == best.score and len(rows) >= len(best.header_rows))
                ):
                    continue
                ignored = [
                    shown[c]
                    for c in unmatched
                    if c not in unit_columns and fold(shown[c]) not in ALWAYS_IGNORED
                ]
                best = Layout(
                    kind=spec.kind,
                    spec=spec,
                    header_rows=rows,
                    fields=fields,
                    headers=shown,
                    unit_columns=unit_columns,
                    ignored=ignored,
                    score=score,
                )
    if best is None:
        return per_unit or near
    for other in complete:
        if other.kind != best.kind and other.header_rows == best.header_rows:
            explained = set(best.fields.values()) | set(best.unit_columns)
            if not set(other.fields.values()) | set(other.unit_columns) <= explained:
                # each kind reads a column the other does not: neither is the better guess
                return Ambiguous((best.kind, other.kind), best.header_rows[0])
    for (number, _), text in zip(head, texts, strict=True):
        if number < best.header_rows[0] and text:
            best.title_lines.append(" ".join(text.values()))
            best.title_cells.append((number, min(text)))
    for (number, _), text in zip(head, texts, strict=True):
        if number > best.last_header_row:
            if text and _is_numbering_row(text):
                best.skip_rows.add(number)
            break
    return best


def _has_numbers(values: list[object]) -> bool:
    """Header cells are text; a row holding numbers is the first data row, not a header."""
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _is_numbering_row(cells: dict[int, str]) -> bool:
    if len(cells) < 2:
        return False
    return all(_NUMBERING.match(text.replace(" ", "")) for text in cells.values())


_NOT_UNIT = ("tong", "cong", "ghi chu", "xep loai", "xep hang", "hang", "stt", "tt")


def _wide_unit_columns(
    unmatched: tuple[int, ...], shown: dict[int, str], unit_lookup: Callable[[str], str | None]
) -> dict[int, str]:
    """Columns of a wide score sheet that name units. Needs at least one known unit; then every
    other named column is taken as a unit too, so that a misspelt unit is reported, not lost."""
    named = {c: shown[c].split(" / ")[-1] for c in unmatched if shown.get(c)}
    named = {c: t for c, t in named.items() if not fold(t).startswith(_NOT_UNIT)}
    if not any(unit_lookup(t) for t in named.values()):
        return {}
    return named


_YEAR = re.compile(r"\b(19|20)(\d{2})\b")


@dataclass
class TitleInfo:
    year: int | None = None
    period: str | None = None
    layer: str | None = None
    unit: str | None = None
    scorer: str | None = None
    year_cell: tuple[int, int] | None = None  # (row, column) of the title naming the year
    unit_cell: tuple[int, int] | None = None  # (row, column) of the `Đơn vị: …` title


def layer_named(text: str) -> str | None:
    """The score layer a title or header names: `Thống nhất`, `Chấm chéo`, `Tự chấm`."""
    folded = fold(text)
    if "thong nhat" in folded or "tham dinh" in folded:
        return "agreed"
    if "cham cheo" in folded:
        return "peer"
    if "tu cham" in folded:
        return "self"
    return None


def read_titles(
    lines: list[str], sheet_name: str, cells: list[tuple[int, int]] | None = None
) -> TitleInfo:
    """What the title rows (and the sheet's name) say about year, period, layer and unit."""
    info = TitleInfo()
    cells = cells or []
    for index, line in enumerate([*lines, sheet_name]):
        folded = fold(line)
        if info.year is None:
            years = _YEAR.findall(line)
            if years and ("nam" in folded.split() or len(years) == 1):
                info.year = int("".join(years[-1]))
                info.year_cell = cells[index] if index < len(cells) else None
        if info.period is None:
            if "6 thang" in folded or "sau thang" in folded or "so ket" in folded:
                info.period = "H1"
            elif "ca nam" in folded or "tong ket" in folded:
                info.period = "FY"
        if info.layer is None:
            info.layer = layer_named(line)
        raw = clean(line)
        match = re.match(r"(?i)^(đơn vị chấm|don vi cham)\s*:\s*(.+)$", raw)
        if match and info.scorer is None:
            info.scorer = clean(match.group(2))
            continue
        match = re.match(r"(?i)^(tên đơn vị|ten don vi|đơn vị|don vi)\s*:\s*(.+)$", raw)
        if match and info.unit is None:
            info.unit = clean(match.group(2))
            info.unit_cell = cells[index] if index < len(cells) else None
    return info
