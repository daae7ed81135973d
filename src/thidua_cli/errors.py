"""Errors as values: a RowError names the exact cell; ThiduaError is a user mistake the
command line prints cleanly and turns into an exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row, or file) of an imported workbook."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    value: str
    message: str
    hint: str = ""

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet “{self.sheet}”")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)


class ThiduaError(Exception):
    """A user's mistake (bad data, bad option): printed in Vietnamese, no traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "", errors: list[RowError] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.errors = errors or []


class UsageError(ThiduaError):
    """A bad option or argument: exit code 2."""

    exit_code = 2
