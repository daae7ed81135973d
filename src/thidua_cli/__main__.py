"""Entry point: `thidua` and `python -m thidua_cli`."""

from __future__ import annotations


def main() -> None:
    from .cli.app import app

    app()


if __name__ == "__main__":
    main()
