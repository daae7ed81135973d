"""The clerk's narrative from `--notes FILE.md`: `## ` headings matched to the report's sections
by their folded text, bodies turned into paragraphs and dash items with bold and italic runs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ThiduaError
from ..text import clean, fold

# Section key -> words that name it in a heading (folded); the first key that matches wins,
# so "Kết quả thực hiện nhiệm vụ" is a highlight and "Phương hướng, nhiệm vụ" a direction.
SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "recipients": ("noi nhan",),
    "shortcomings": ("han che", "ton tai", "khuyet diem", "kho khan", "vuong mac", "chua dat"),
    "highlights": ("noi bat", "ket qua", "uu diem", "thanh tich", "dat duoc"),
    "directions": ("phuong huong", "nhiem vu", "ke hoach", "giai phap"),
    "recommendations": ("kien nghi", "de xuat", "de nghi"),
}
SECTION_TITLES: dict[str, str] = {
    "highlights": "Kết quả nổi bật",
    "shortcomings": "Hạn chế",
    "directions": "Phương hướng, nhiệm vụ",
    "recommendations": "Kiến nghị, đề xuất",
    "recipients": "Nơi nhận",
}


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph, a dash item ("- …") or a sub-heading of the clerk's text."""

    kind: str  # "paragraph" / "item" / "heading"
    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Notes:
    sections: dict[str, list[Block]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


_INLINE = re.compile(
    r"\*\*(.+?)\*\*|__(.+?)__|\*(?!\s)(.+?)(?<!\s)\*|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"
)
_ITEM = re.compile(r"^\s*[-*+•]\s+(.*)$")
_SUBHEADING = re.compile(r"^#{3,6}\s+(.*)$")


def runs_of(text: str) -> list[Run]:
    """`**bold**`, `*italic*`, `_italic_` runs; everything else as written."""
    runs: list[Run] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position : match.start()]))
        bold = match.group(1) or match.group(2)
        if bold is not None:
            runs.append(Run(bold, bold=True))
        else:
            runs.append(Run(match.group(3) or match.group(4), italic=True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return runs


def parse_blocks(lines: list[str]) -> list[Block]:
    """Paragraphs are separated by blank lines; `- ` items and `### ` sub-headings stand alone;
    a line under an item without a blank line continues the item."""
    blocks: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        item = _ITEM.match(line)
        heading = _SUBHEADING.match(line)
        if item:
            current = ("item", [item.group(1)])
            blocks.append(current)
        elif heading:
            blocks.append(("heading", [heading.group(1)]))
            current = None
        elif current is None:
            current = ("paragraph", [line])
            blocks.append(current)
        else:
            current[1].append(line)
    return [Block(kind, runs_of(clean(" ".join(parts)))) for kind, parts in blocks]


def section_of(heading: str) -> str | None:
    key = f" {fold(heading)} "
    for section, words in SECTION_WORDS.items():
        if any(f" {word} " in key for word in words):
            return section
    return None


def parse_notes(text: str, source: str = "ghi chú") -> Notes:
    """Split the Markdown by `## ` headings and file each body under its section."""
    notes = Notes()
    heading: str | None = None
    body: list[str] = []
    preamble: list[str] = []

    def flush() -> None:
        if heading is None:
            return
        section = section_of(heading)
        if section is None:
            known = ", ".join(SECTION_TITLES.values())
            notes.problems.append(
                f"{source}: bỏ qua mục “## {heading}” vì không khớp mục nào của báo cáo "
                f"(các mục: {known})."
            )
            return
        blocks = parse_blocks(body)
        if section in notes.sections:
            notes.problems.append(
                f"{source}: mục “## {heading}” trùng với một mục trước "
                f"({SECTION_TITLES[section]}); đã ghép nối tiếp."
            )
        notes.sections.setdefault(section, []).extend(blocks)

    for line in clean_lines(text):
        if line.startswith("## "):
            flush()
            heading, body = clean(line[3:]), []
        elif heading is None:
            if line.strip() and not line.startswith("# "):
                preamble.append(line)
        else:
            body.append(line)
    flush()
    if preamble:
        notes.problems.append(f"{source}: bỏ qua {len(preamble)} dòng trước mục “## …” đầu tiên.")
    return notes


def clean_lines(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).split("\n")


def read_notes(path: Path) -> Notes:
    """Read `--notes FILE.md`; a missing or unreadable file is the user's mistake."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ThiduaError(
            f"Không tìm thấy tệp ghi chú {path}.", "Kiểm tra đường dẫn --notes."
        ) from None
    except UnicodeDecodeError:
        raise ThiduaError(
            f"Tệp ghi chú {path} không phải văn bản UTF-8.",
            "Lưu lại tệp dạng UTF-8 (Notepad: Save As → Encoding UTF-8).",
        ) from None
    except OSError as problem:
        raise ThiduaError(
            f"Không đọc được tệp ghi chú {path}: {problem.strerror}.", "Kiểm tra tệp --notes."
        ) from None
    return parse_notes(text, path.name)
