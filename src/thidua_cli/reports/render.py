"""Jinja2 rendering of a report context to HTML or Markdown.

Templates are looked up in `--template-dir` first, then in the packaged `templates/`; the
packaged ones stay reachable as `default:NAME`, so a clerk's template can
`{% extends "default:bao-cao-tong-ket.html.j2" %}` and change one block. A template that does
not parse or uses an unknown name is reported with its file and line, never as a traceback.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ThiduaError, UsageError
from ..resources import templates_dir

if TYPE_CHECKING:
    from jinja2 import Environment

    from .context import ReportContext

TEMPLATE_NAMES = {
    ("year_end", "html"): "bao-cao-tong-ket.html.j2",
    ("year_end", "md"): "bao-cao-tong-ket.md.j2",
    ("half_year", "html"): "bao-cao-so-ket-6-thang.html.j2",
    ("half_year", "md"): "bao-cao-so-ket-6-thang.md.j2",
}


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith((".html.j2", ".html", ".htm"))


# Markdown punctuation that could make data into markup, a link, an image, raw HTML or a
# table cell boundary; each is written with a backslash (CommonMark shows it literally).
_MD_INLINE = re.compile(r"([\\`*_\[\]()!|~<>&])")
_MD_LINE_START = re.compile(r"^(?:([#+=-])|(\d+)\.)")
_MD_AUTOLINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=\bwww)\.|@")


def md_escape(value: object) -> str:
    """Data as literal Markdown text: `<script>`, `[x](javascript:…)`, `![i](http://…)`,
    `**bold**` and `a | b` print as typed, and no bare address becomes a link. Every data
    expression of the Markdown templates goes through this (the `md` filter)."""
    if value is None:
        return ""
    text = " ".join(str(value).split())  # no line breaks: data never opens a new block
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_AUTOLINK.sub(lambda m: "\\" + m.group(0), text)
    return _MD_LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\.", text
    )


def make_environment(template_dir: Path | None = None) -> Environment:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined

    default = FileSystemLoader(str(templates_dir()))
    loaders: list[Any] = []
    if template_dir is not None:
        if not template_dir.is_dir():
            raise UsageError(
                f"Không tìm thấy thư mục mẫu báo cáo {template_dir}.",
                "Chỉ --template-dir tới thư mục chứa các tệp .html.j2 / .md.j2.",
            )
        loaders.append(FileSystemLoader(str(template_dir)))
    loaders += [default, PrefixLoader({"default": default}, delimiter=":")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["md_cell"] = md_escape  # the old name, for clerks' own templates
    return env


def template_variables(context: ReportContext) -> dict[str, Any]:
    """Every field of the context as a top-level name, and the whole context as `report`."""
    variables = {item.name: getattr(context, item.name) for item in fields(context)}
    variables["report"] = context
    variables["is_year_end"] = context.is_year_end
    variables["narratives"] = context.narratives
    return variables


def _in_vietnamese(message: str | None) -> str:
    """Jinja's two common messages about unknown names, in Vietnamese."""
    text = message or ""
    match = re.fullmatch(r"'(.+?)' is undefined", text)
    if match:
        return f"tên “{match.group(1)}” không có trong dữ liệu báo cáo"
    match = re.fullmatch(r"'?(.+?)'? (?:object )?has no attribute '(.+?)'", text)
    if match:
        return f"“{match.group(1)}” không có thuộc tính “{match.group(2)}”"
    return text


_SYNTAX = (
    (
        re.compile(r"^[Uu]nexpected end of template"),
        "mẫu hết mà còn khối chưa đóng (thiếu {{% endif %}}, {{% endfor %}} hoặc {{% endblock %}})",
    ),
    (re.compile(r"^Encountered unknown tag '(.+?)'"), "không có thẻ “{0}”"),
    (re.compile(r"^[Ee]xpected an expression"), "thiếu biểu thức"),
    (re.compile(r"^expected token '(.+?)', got '(.+?)'"), "cần “{0}” nhưng gặp “{1}”"),
    (re.compile(r"^unexpected '(.+?)'"), "ký tự “{0}” không đúng chỗ"),
    (re.compile(r"^unexpected char '(.+?)'"), "ký tự “{0}” không đúng chỗ"),
    (re.compile(r"^tag name expected"), "thiếu tên thẻ sau {{%"),
    (re.compile(r"^unknown tag '(.+?)'"), "không có thẻ “{0}”"),
)


def _syntax_in_vietnamese(message: str | None) -> str:
    """Jinja's usual syntax messages in Vietnamese; others are left to --verbose."""
    for pattern, text in _SYNTAX:
        match = pattern.search(message or "")
        if match:
            return text.format(*(_TOKENS.get(g, g) for g in match.groups()))
    return ""


_TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "cuối mẫu",
    "name": "một tên",
    "string": "một chuỗi",
    "integer": "một số",
}


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost template file and line in a rendering traceback (Jinja rewrites frames)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2") and frame.lineno is not None:
            found = (frame.filename, frame.lineno)
    return found


def render_report(context: ReportContext, fmt: str, template_dir: Path | None = None) -> str:
    """Render the context with the report's template for `fmt` ("html" or "md")."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError

    name = TEMPLATE_NAMES[(context.kind, fmt)]
    env = make_environment(template_dir)
    hint = (
        "Sửa mẫu trong --template-dir (hoặc xóa tệp đó để dùng mẫu mặc định)."
        if template_dir is not None
        else "Đây là lỗi của mẫu mặc định; báo cho người phát triển."
    )
    try:
        template = env.get_template(name)
        return template.render(template_variables(context))
    except TemplateSyntaxError as problem:
        where = problem.filename or problem.name or name
        detail = _syntax_in_vietnamese(problem.message)
        raise ThiduaError(
            f"Mẫu báo cáo {where} sai cú pháp ở dòng {problem.lineno}"
            + (f": {detail}." if detail else "."),
            hint,
        ) from None
    except TemplateNotFound as problem:
        raise ThiduaError(
            f"Mẫu báo cáo {name} cần tới mẫu “{problem.name}” nhưng không tìm thấy.",
            "Mẫu mặc định có thể gọi bằng tiền tố default:, ví dụ "
            '{% extends "default:bao-cao-tong-ket.html.j2" %}.',
        ) from None
    except UndefinedError as problem:
        frame = _template_frame(problem)
        where = f"{frame[0]}, dòng {frame[1]}" if frame else name
        raise ThiduaError(
            f"Mẫu báo cáo {where}: {_in_vietnamese(problem.message)}.", hint
        ) from None
    except TemplateError as problem:
        frame = _template_frame(problem)
        where = f"{frame[0]}, dòng {frame[1]}" if frame else name
        raise ThiduaError(
            f"Mẫu báo cáo {where} bị lỗi khi dựng báo cáo (chạy lại với --verbose để xem chi "
            "tiết).",
            hint,
        ) from None
    except (TypeError, ValueError, AttributeError, ZeroDivisionError) as problem:
        frame = _template_frame(problem)
        if frame is None:
            raise
        raise ThiduaError(
            f"Mẫu báo cáo {frame[0]}, dòng {frame[1]}: một phép tính hoặc bộ lọc trong mẫu không "
            "dùng được với dữ liệu này (chạy lại với --verbose để xem chi tiết).",
            hint,
        ) from None
