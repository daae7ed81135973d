"""Entry point: `thidua` and `python -m thidua_cli`."""

from __future__ import annotations


def main() -> None:
    import sys

    from .services.reading import start_early

    start_early(sys.argv[1:])  # `thidua import`: the files are read while the rest loads
    from .cli.app import app

    app()


if __name__ == "__main__":
    main()
