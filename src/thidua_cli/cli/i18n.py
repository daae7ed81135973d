"""Vietnamese for the command-line framework's own words (help headings, usage errors).

Typer vendors Click with its English text written in place, so the few strings a clerk sees
are translated here once, at start-up: section headings through typer's gettext hook, usage
errors by rewriting their message, and the help option's own help line."""

from __future__ import annotations

import re
from typing import Any

_WORDS = {
    "Options": "Tùy chọn",
    "Arguments": "Tham số",
    "Commands": "Lệnh",
    "required": "bắt buộc",
    "(dynamic)": "(tùy trường hợp)",
    "Aborted!": "Đã dừng.",
    "Missing command.": "Thiếu lệnh.",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
}

_MESSAGES = (
    (re.compile(r"^Missing option (.+)\.$"), r"Thiếu tùy chọn \1."),
    (re.compile(r"^Missing argument (.+)\.$"), r"Thiếu tham số \1."),
    (re.compile(r"^Missing parameter: (.+)$"), r"Thiếu tham số \1."),
    (re.compile(r"^No such option: (\S+)(.*)$"), r"Không có tùy chọn \1.\2"),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), r"Tùy chọn '\1' cần một giá trị."),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$"), r"Thừa tham số: \1."),
    (re.compile(r"^No such command '(.+)'\.$"), r"Không có lệnh '\1'."),
    (re.compile(r"^Invalid value for (.+?): (.+)$"), r"Giá trị không hợp lệ cho \1: \2"),
    (re.compile(r"\(Possible options: (.+)\)"), r"(Có thể là: \1)"),
    (
        re.compile(r"'([^']*)' is not a valid int(?:eger)?\.?"),
        r"phải là số nguyên, không phải '\1'.",
    ),
)

HELP_LINE = "Hiện hướng dẫn này rồi thoát."


def translate_message(text: str) -> str:
    for pattern, replacement in _MESSAGES:
        text = pattern.sub(replacement, text)
    return text


def install() -> None:
    """Patch typer's vendored Click once; harmless if an internal has moved."""
    try:
        from typer import core
        from typer._click import core as click_core
        from typer._click import exceptions, formatting
    except ImportError:  # pragma: no cover - a typer without vendored click
        return
    if getattr(core, "_thidua_vi", False):
        return
    core._ = lambda text: _WORDS.get(text, text)  # type: ignore[attr-defined]
    core._thidua_vi = True  # type: ignore[attr-defined]

    usage_error = exceptions.UsageError
    original_format = usage_error.format_message

    def format_message(self: Any) -> str:
        return translate_message(original_format(self))

    def show(self: Any, file: Any = None) -> None:
        from typer._click.utils import echo

        if file is None:
            file = exceptions.get_text_stderr()
        color = None
        if self.ctx is not None:
            color = self.ctx.color
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = (
                    f"Xem '{self.ctx.command_path} {self.ctx.help_option_names[0]}' "
                    "để biết cách dùng.\n"
                )
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
        from .console import terminal_text  # an option typed with an escape sequence in it

        echo(terminal_text(f"Lỗi: {self.format_message()}"), file=file, color=color)

    for cls in {usage_error, *_subclasses(usage_error)}:
        if "format_message" in vars(cls):
            original = vars(cls)["format_message"]
            cls.format_message = _wrap(original)  # type: ignore[method-assign]
    usage_error.format_message = format_message  # type: ignore[method-assign]
    usage_error.show = show  # type: ignore[method-assign]

    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_usage(self, prog, args, "Cách dùng: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    original_help_option = click_core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = HELP_LINE
        return option

    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _wrap(original: Any) -> Any:
    def format_message(self: Any) -> str:
        return translate_message(original(self))

    return format_message
