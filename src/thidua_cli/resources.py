"""Where the packaged templates and sample data live: inside the installed package
(`_data/`), or at the repository root when running from a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parents[1] / name


def templates_dir() -> Path:
    return data_dir("templates")


def sample_data_dir() -> Path:
    return data_dir("sample_data")
