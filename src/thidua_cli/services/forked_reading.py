"""A folder of many small workbooks read partly in a second process (Linux only).

Checking a small workbook before calamine reads it (its zip, its parts, its sheet XML) is
Python work under the GIL, and so is most of what the import does meanwhile: threads take
turns rather than share the two cores. A forked child reads the first part of the files on the
other core, with the same `open_workbook`, and sends each one back whole (every row read,
sheets/reader.Sheet.materialized) through a pipe, in order; the parent's reading thread reads
the rest. Whatever the child could not send (it died, a result would not pickle) the parent
reads itself: the outcome never depends on the child.

The child is forked only from a process running a single thread (`thidua import` forks first
thing; a process with other threads reads everything in threads, as on Windows and macOS)."""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable

from ..errors import RowError
from ..sheets.reader import Workbook

Opened = Workbook | RowError
CHILD_SHARE = 2 / 3  # of the files, read by the child: the parent also loads the command


def can_fork() -> bool:
    return (
        sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
    )


class ForkedReader:
    """Reads `indexes` (of the caller's files) in a child process; `store(index, opened)` is
    called from a thread of this process for each, in order, whatever happens to the child."""

    def __init__(
        self,
        indexes: list[int],
        read: Callable[[int], Opened],
        store: Callable[[int, Opened], None],
    ):
        self.indexes = indexes
        self._read = read
        self._store = store
        source, sink = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(source)
            _child(sink, indexes, read)
        os.close(sink)
        self._pid = pid
        self._thread = threading.Thread(target=self._receive, args=(source,), daemon=True)
        self._thread.start()

    def _receive(self, source: int) -> None:
        done: set[int] = set()
        try:
            with os.fdopen(source, "rb") as stream:
                for _ in self.indexes:
                    index, opened = pickle.load(stream)  # our own child's: trusted data
                    if opened is not None:
                        self._store(index, opened)
                        done.add(index)
        except Exception:  # the child died or sent something broken: the rest is read here
            pass
        finally:
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
        for index in self.indexes:
            if index not in done:
                self._store(index, self._read(index))


def _child(sink: int, indexes: list[int], read: Callable[[int], Opened]) -> None:
    """Read and send each file, then leave at once: no cleanup of the parent's, no output."""
    code = 1
    try:
        from ..sheets import pieces

        pieces.STREAM_BYTES = 1 << 62  # a sheet is read whole here (no pieces, no threads)
        with os.fdopen(sink, "wb") as stream:
            for index in indexes:
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
        code = 0
    except BaseException:  # the parent reads whatever was not sent
        pass
    finally:
        os._exit(code)
