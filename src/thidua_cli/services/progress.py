"""How a long-running service tells the screen how far it got, without knowing about Rich."""

from __future__ import annotations


class ImportProgress:
    """A stage (with its size in rows when known), then how far it got. Shows nothing; the
    command line gives a Rich progress bar instead when stdout is a terminal."""

    def stage(self, label: str, total: int | None) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass
