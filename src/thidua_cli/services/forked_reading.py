"""A folder of many small workbooks read mostly in a second process (Linux only).

Checking a small workbook before calamine reads it (its zip, its parts, its sheet XML) is
Python work under the GIL, and so is everything the command does meanwhile (loading itself,
then planning, parsing and checking): threads take turns rather than share the two cores. A
forked child reads the files on the other core, with the same `open_workbook`, and sends each
back whole (every row read, sheets/reader.Sheet.materialized) through a pipe. Once the
command has loaded and waits for the files, a thread of this process reads too: the files are
handed out one at a time through a pipe both processes take from, so the two end together.
Whatever the child took but could not send (it died, a result would not pickle) is read
here: the outcome never depends on the child.

The child is forked only from a process running a single thread (`thidua import` forks first
thing; a process with other threads reads everything in threads, as on Windows and macOS)."""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Callable

from ..errors import RowError
from ..sheets.reader import Workbook

Opened = Workbook | RowError
_TOKEN = 4  # bytes of a file's index in the pipe the files are handed out through


def can_fork() -> bool:
    linux = sys.platform.startswith("linux") and hasattr(os, "fork")
    return linux and threading.active_count() == 1


class ForkedReader:
    """Reads files 0 … count-1 in a child process and, once `gate` is set, in a thread of this
    one; `store(index, opened)` is called in this process for every file, whatever happens to
    the child, and `done` is set once every file is stored."""

    def __init__(
        self,
        count: int,
        read: Callable[[int], Opened],
        store: Callable[[int, Opened], None],
        gate: threading.Event,
    ):
        self._read = read
        self._store = store
        self._count = count
        self._stored: set[int] = set()
        self.from_child = 0  # files the child read and sent
        self._lock = threading.Lock()
        self.done = threading.Event()
        # every index written before the fork and the writing end closed: both processes read
        # tokens until the pipe is empty, a whole token a read (a pipe read is atomic)
        tokens, writer = os.pipe()
        with os.fdopen(writer, "wb") as out:
            out.write(b"".join(i.to_bytes(_TOKEN, "little") for i in range(count)))
        results, sink = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(results)
            _child(sink, tokens, read)
        os.close(sink)
        self._pid = pid
        self._tokens = tokens
        self._helper = threading.Thread(target=self._help, args=(gate,), daemon=True)
        self._helper.start()
        threading.Thread(target=self._receive, args=(results,), daemon=True).start()

    def _keep(self, index: int, opened: Opened) -> None:
        with self._lock:
            if index in self._stored:
                return
            self._stored.add(index)
        self._store(index, opened)

    def _help(self, gate: threading.Event) -> None:
        """Read files here too once the command waits for them."""
        gate.wait()
        while True:
            index = _take(self._tokens)
            if index is None:
                return
            self._keep(index, self._read(index))

    def _receive(self, results: int) -> None:
        try:
            with os.fdopen(results, "rb") as stream:
                while True:
                    index, opened = pickle.load(stream)  # our own child's: trusted data
                    if index is None:
                        break
                    if opened is not None:
                        self.from_child += 1
                        self._keep(index, opened)
        except Exception:  # the child died or sent something broken: the rest is read here
            pass
        finally:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
        self._helper.join()
        os.close(self._tokens)
        for index in range(self._count):  # what the child took and never sent
            if index not in self._stored:
                self._keep(index, self._read(index))
        self.done.set()


def _take(tokens: int) -> int | None:
    data = os.read(tokens, _TOKEN)
    return int.from_bytes(data, "little") if len(data) == _TOKEN else None


def _child(sink: int, tokens: int, read: Callable[[int], Opened]) -> None:
    """Read and send files while there are any to take, then leave at once: no cleanup of the
    parent's, no output."""
    code = 1
    try:
        from ..sheets import pieces

        pieces.STREAM_BYTES = 1 << 62  # a sheet is read whole here (no pieces, no threads)
        with os.fdopen(sink, "wb") as stream:
            while (index := _take(tokens)) is not None:
                opened = read(index)
                try:
                    if isinstance(opened, Workbook):
                        opened = Workbook(
                            opened.path,
                            opened.display,
                            opened.sha256,
                            [sheet.materialized() for sheet in opened.sheets],
                        )
                    data = pickle.dumps((index, opened), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # the parent reads this one itself
                    data = pickle.dumps((index, None), protocol=pickle.HIGHEST_PROTOCOL)
                stream.write(data)
                stream.flush()
            stream.write(pickle.dumps((None, None), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:  # the parent reads whatever was not sent
        pass
    finally:
        os._exit(code)
