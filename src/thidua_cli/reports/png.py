"""A tiny rasteriser for the DOCX bar chart: filled rectangles, dashed lines and a 5×7 bitmap
font (digits, A–Z, comma), written as a PNG with zlib and struct. No imaging library needed;
the chart's Vietnamese labels go into the caption under the picture instead."""

from __future__ import annotations

import struct
import zlib

from ..text import fold
from .chart import Chart

_GLYPHS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
    ",": (".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."),
    ".": (".....", ".....", ".....", ".....", ".....", ".##..", ".##.."),
    "-": (".....", ".....", ".....", "#####", ".....", ".....", "....."),
    " ": (".....",) * 7,
}
GLYPH_WIDTH, GLYPH_HEIGHT = 5, 7

Colour = tuple[int, int, int]
WHITE: Colour = (255, 255, 255)
BLACK: Colour = (0, 0, 0)
GRID: Colour = (217, 217, 217)
THRESHOLD: Colour = (192, 0, 0)


def _hex(colour: str) -> Colour:
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))


def _ascii(text: str) -> str:
    """Upper-case ASCII for the bitmap font: 'Đ' → 'D'; commas and digits kept."""
    out = []
    for char in text.upper():
        if char in _GLYPHS:
            out.append(char)
        else:
            folded = fold(char).upper()
            out.append(folded if folded in _GLYPHS else " ")
    return "".join(out)


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(WHITE) * (width * height))

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour: Colour) -> None:
        left, right = sorted((round(x0), round(x1)))
        top, bottom = sorted((round(y0), round(y1)))
        left, right = max(left, 0), min(right, self.width)
        top, bottom = max(top, 0), min(bottom, self.height)
        if left >= right or top >= bottom:
            return
        run = bytes(colour) * (right - left)
        for row in range(top, bottom):
            start = (row * self.width + left) * 3
            self.pixels[start : start + len(run)] = run

    def hline(
        self, x0: float, x1: float, y: float, thickness: int, colour: Colour, dash: int = 0
    ) -> None:
        top = round(y - thickness / 2)
        if not dash:
            self.rect(x0, top, x1, top + thickness, colour)
            return
        x = x0
        while x < x1:
            self.rect(x, top, min(x + dash, x1), top + thickness, colour)
            x += dash * 2

    def text_width(self, text: str, size: int) -> int:
        return len(text) * (GLYPH_WIDTH + 1) * size - size if text else 0

    def text(
        self, x: float, y: float, text: str, size: int, colour: Colour, anchor: str = "start"
    ) -> None:
        """Draw `text` with its baseline-ish bottom at `y`; anchor start / middle / end."""
        text = _ascii(text)
        width = self.text_width(text, size)
        if anchor == "middle":
            x -= width / 2
        elif anchor == "end":
            x -= width
        top = y - GLYPH_HEIGHT * size
        for index, char in enumerate(text):
            glyph = _GLYPHS[char]
            left = x + index * (GLYPH_WIDTH + 1) * size
            for row, line in enumerate(glyph):
                for column, cell in enumerate(line):
                    if cell == "#":
                        px, py = left + column * size, top + row * size
                        self.rect(px, py, px + size, py + size, colour)

    def png(self) -> bytes:
        stride = self.width * 3
        raw = b"".join(
            b"\x00" + bytes(self.pixels[row * stride : (row + 1) * stride])
            for row in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (
                struct.pack(">I", len(data))
                + kind
                + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
            )

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


def chart_png(chart: Chart, pixels_wide: int = 1680) -> bytes:
    """The chart as a PNG `pixels_wide` wide; bars labelled with unit codes, lines with points."""
    k = pixels_wide / chart.width
    # one line of unit codes under the axis, where the SVG has room for wrapped names
    canvas = Canvas(pixels_wide, round((chart.bottom + 22) * k))
    size = max(2, round(k * 1.25))  # glyph pixel size: text about 9 units tall, like the SVG
    line = max(1, round(k * 0.6))
    left, right = chart.left * k, chart.right * k
    for tick in chart.ticks:
        canvas.hline(left, right, tick.y * k, line, GRID)
        canvas.text(left - 4 * k, tick.y * k + 3.5 * size, tick.text, size, BLACK, "end")
    for bar in chart.bars:
        x0, y0 = bar.x * k, bar.y * k
        canvas.rect(x0, y0, x0 + bar.width * k, chart.bottom * k, _hex(bar.colour))
        canvas.text(bar.center * k, bar.value_y * k, bar.value_text, size, BLACK, "middle")
        canvas.text(bar.center * k, (chart.bottom + 14) * k, bar.code, size, BLACK, "middle")
    for threshold in chart.thresholds:
        canvas.hline(left, right, threshold.y * k, line * 2, THRESHOLD, dash=round(5 * k))
        canvas.text(
            right + 5 * k, threshold.y * k + 3.5 * size, threshold.value_text, size, THRESHOLD
        )
    canvas.hline(left, right, chart.bottom * k, line * 2, BLACK)
    canvas.rect(left - line, chart.top * k, left + line, chart.bottom * k, BLACK)
    return canvas.png()
