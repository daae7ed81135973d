"""Entry point: `thidua` and `python -m thidua_cli`."""

from __future__ import annotations


def main() -> None:
    import sys

    _prepare_streams()
    if "import" in sys.argv[1:]:  # `thidua import`: the files are read while the rest loads
        import gc

        # no cyclic collection while the command loads and the files are read: the import
        # makes no cycles worth collecting (imports/pipeline.py) and the process ends with
        # os._exit; collections during start-up cost a few hundredths of a second
        gc.disable()
        from .services.reading import let_checks_run_first, start_early

        start_early(sys.argv[1:])
        let_checks_run_first()
    try:
        from .cli.app import app

        app()
    except SystemExit as done:
        _exit_now(done.code)
    except BrokenPipeError:  # the reader of stdout went away while Click was writing
        _exit_now(0)
    except OSError as problem:  # Click writing help or usage to a full device
        from .faults import file_problem

        fault = file_problem(problem, "đầu ra (stdout)")
        _say(f"Lỗi: {fault.message}" if fault else "Lỗi: không ghi được ra đầu ra (stdout).")
        _exit_now(1)


def _prepare_streams() -> None:
    """Make stdout and stderr safe whatever the console: a closed descriptor (`>&-`) becomes
    the null device, and a console that cannot show Vietnamese (cp1258, cp1252, ASCII) gets
    the nearest text it can show instead of a UnicodeEncodeError after the work is done."""
    import os
    import sys

    from .console_text import register_fallback

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # started with the descriptor closed
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
            continue
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors=register_fallback(encoding))
        except (OSError, ValueError, LookupError):
            pass


def _exit_now(code: object) -> None:
    """End the process without tearing the interpreter down.

    Every command has finished its work by now: its database transactions are committed and
    closed, its files written and closed. What is left is freeing each object of a long import
    one by one and unloading every module, a tenth of a second and more after the clerk's
    result is already on screen. Output still buffered is flushed first; output nobody reads
    any more (a closed pipe: `thidua … | head -1`) is dropped quietly, without changing the
    exit code, since the work itself was done. Output that could not be written for another
    reason (stdout on a full disk) is said on stderr, with exit code 1."""
    import os
    import sys

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints it and exits with 1
        _say(str(code))
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    except OSError as problem:
        from .faults import file_problem

        fault = file_problem(problem, "đầu ra chuẩn (stdout)")
        if fault is not None and status == 0:  # else the command has said what went wrong
            _say(f"Lỗi: không ghi hết được kết quả. {fault.message}")
        status = status or 1
    except (ValueError, AttributeError):  # stdout closed by the command itself
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    pieces = sys.modules.get("thidua_cli.sheets.pieces")
    if pieces is not None:  # a large sheet's pieces still on disk (an import that ended early)
        pieces.cleanup_all()
    os._exit(status)


def _say(text: str) -> None:
    import sys

    try:
        print(text, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    main()
