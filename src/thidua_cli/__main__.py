"""Entry point: `thidua` and `python -m thidua_cli`."""

from __future__ import annotations


def main() -> None:
    import sys

    if "import" in sys.argv[1:]:  # `thidua import`: the files are read while the rest loads
        from .services.reading import start_early

        start_early(sys.argv[1:])
    from .cli.app import app

    try:
        app()
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: object) -> None:
    """End the process without tearing the interpreter down.

    Every command has finished its work by now: its database transactions are committed and
    closed, its files written and closed. What is left is freeing each object of a long import
    one by one and unloading every module, a tenth of a second and more after the clerk's
    result is already on screen. Output still buffered is flushed first."""
    import os
    import sys

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints it and exits with 1
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`thidua … | head`) or stream
            status = status or 1
    os._exit(status)


if __name__ == "__main__":
    main()
