"""Geometry of the bar chart of totals, computed once: the HTML template draws it as inline SVG
and the DOCX writer rasterises the same bars to PNG. Coordinates are in SVG user units."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .formatting import points

WIDTH = 560
HEIGHT = 290
LEFT = 36
RIGHT = WIDTH - 96  # room for the band labels right of the plot
TOP = 16
BOTTOM = HEIGHT - 58  # room for two or three lines of unit names
CHAR_WIDTH = 5.6  # average width of a character at the label font size, in user units
BAND_COLOURS = ("#2f5597", "#5b9bd5", "#9dc3e6", "#d0d7e1")


@dataclass(frozen=True)
class ChartUnit:
    code: str
    label: str  # short name, under the bar
    name: str  # full name, in the legend
    total: Decimal
    leader: bool
    band_index: int


@dataclass(frozen=True)
class Bar:
    code: str
    label_lines: list[str]
    value_text: str
    x: float
    y: float
    width: float
    height: float
    center: float
    value_y: float
    colour: str
    leader: bool


@dataclass(frozen=True)
class Threshold:
    label: str
    value_text: str
    y: float


@dataclass(frozen=True)
class Tick:
    text: str
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[Bar]
    thresholds: list[Threshold]
    ticks: list[Tick]
    title: str
    caption: str
    legend: list[str]
    axis_label_x: float  # right edge of the tick labels
    threshold_label_x: float  # left edge of the band labels
    label_y: float  # baseline of the first line of unit names
    label_line_height: int = 12


def wrap_label(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Words into at most `max_lines` lines of about `width` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return lines


def _round(value: float) -> float:
    return round(value, 1)


def build_chart(
    units: list[ChartUnit],
    scale: Decimal,
    bands: list[tuple[str, Decimal]],
    title: str,
) -> Chart:
    """Bars in the order given (by rank), the axis from 0, a dashed line per band threshold."""
    highest = max([scale, *(unit.total for unit in units)])
    step = 20 if highest >= 60 else 10
    top_value = max(step, math.ceil(float(highest) / step) * step)  # the top is a tick
    plot_height = BOTTOM - TOP

    def y_of(value: Decimal | float) -> float:
        clamped = min(max(float(value), 0.0), float(top_value))
        return _round(BOTTOM - clamped / top_value * plot_height)

    slot = (RIGHT - LEFT) / max(len(units), 1)
    bar_width = min(slot * 0.62, 48)
    chars = max(6, int(slot / CHAR_WIDTH))
    bars = []
    for position, unit in enumerate(units):
        center = LEFT + slot * (position + 0.5)
        y = y_of(unit.total)
        colour = BAND_COLOURS[min(unit.band_index, len(BAND_COLOURS) - 1)]
        bars.append(
            Bar(
                code=unit.code,
                label_lines=wrap_label(unit.label, chars),
                value_text=points(unit.total),
                x=_round(center - bar_width / 2),
                y=y,
                width=_round(bar_width),
                height=_round(BOTTOM - y),
                center=_round(center),
                value_y=_round(y - 4),
                colour=colour,
                leader=unit.leader,
            )
        )
    thresholds = [
        Threshold(
            label=f"{name} ≥ {points(threshold * scale / 100)}",
            value_text=points(threshold * scale / 100),
            y=y_of(threshold * scale / 100),
        )
        for name, threshold in sorted(bands, key=lambda band: band[1], reverse=True)
        if threshold > 0
    ]
    ticks = [Tick(str(value), y_of(value)) for value in range(0, top_value + 1, step)]
    band_text = ", ".join(
        f"{name} từ {points(threshold * scale / 100)} điểm"
        for name, threshold in sorted(bands, key=lambda band: band[1], reverse=True)
        if threshold > 0
    )
    caption = f"Đường gạch ngang: ngưỡng xếp loại ({band_text})." if band_text else ""
    legend = [f"{unit.code}: {unit.name}" for unit in units]
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        RIGHT,
        TOP,
        BOTTOM,
        bars,
        thresholds,
        ticks,
        title,
        caption,
        legend,
        axis_label_x=LEFT - 4,
        threshold_label_x=RIGHT + 4,
        label_y=BOTTOM + 14,
    )
