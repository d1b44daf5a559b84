"""One plot area on a Canvas: value ranges, round tick values, and the frame drawn around them.

Years run along x, one tick each; y gets four to six round ticks (1, 2, 2.5 or 5 times a
power of ten) labelled with as many decimals as the step needs.
"""

from __future__ import annotations

import math

from .canvas import Canvas
from .font import Glyphs
from .labels import GRID, GREY, INK


def nice_step(span: float, most: int = 6) -> float:
    """The smallest round step that cuts `span` into at most `most` intervals."""
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw * (1 - 1e-9):
            return factor * power
    return 10 * power


def ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round values from `lo` to `hi`, both inclusive, at most `most` + 1 of them."""
    step = nice_step(hi - lo, most)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]


def tick_label(value: float, step: float) -> str:
    """`value` with the decimals that `step` needs and thousands separated."""
    text = f"{step:.10g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    if abs(value) < abs(step) * 1e-9:
        value = 0.0  # no "-0"
    return f"{value:,.{decimals}f}"


def value_range(values, pad: float = 0.08) -> tuple[float, float]:
    """The y range that shows `values` with a margin of `pad` of their spread each side."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    spread = hi - lo if hi > lo else max(abs(hi) * 0.1, 1.0)
    return lo - pad * spread, hi + pad * spread


class Axes:
    """A plot area with `years` along x and the range of `values` along y.

    The box (left, top, right, bottom) is the space the axes may use, tick labels included;
    the plot area is what is left after the labels."""

    def __init__(self, canvas: Canvas, box, years, values, font: Glyphs, size: float = 9,
                 most_ticks: int = 6):
        self.canvas, self.font, self.size = canvas, font, size
        self.years = sorted(int(y) for y in years)
        self.ylo, self.yhi = value_range(values)
        self.yticks = ticks(self.ylo, self.yhi, most_ticks)
        step = self.yticks[1] - self.yticks[0] if len(self.yticks) > 1 else 1.0
        self.ylabels = [tick_label(v, step) for v in self.yticks]
        left, top, right, bottom = box
        label_width = max(font.width(t, size) for t in self.ylabels)
        self.left = left + label_width + size * 0.6
        self.top, self.right = top, right
        self.bottom = bottom - size * 1.6
        first, last = self.years[0], self.years[-1]
        margin = max(0.3, (last - first) * 0.05)
        self.xlo, self.xhi = first - margin, last + margin

    def x(self, year: float) -> float:
        return self.left + (year - self.xlo) / (self.xhi - self.xlo) * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom - (value - self.ylo) / (self.yhi - self.ylo) * (self.bottom - self.top)

    def frame(self) -> None:
        """Grid lines at the y ticks, the left and bottom axis lines, and the tick labels."""
        c, size = self.canvas, self.size
        for value, label in zip(self.yticks, self.ylabels):
            y = self.y(value)
            c.line([(self.left, y), (self.right, y)], GRID, 0.6)
            c.text(self.left - size * 0.5, y + size * 0.35, label, size, INK, "end")
        c.line([(self.left, self.top), (self.left, self.bottom), (self.right, self.bottom)],
               GREY, 0.8)
        for year in self.years:
            x = self.x(year)
            c.line([(x, self.bottom), (x, self.bottom + size * 0.35)], GREY, 0.8)
            c.text(x, self.bottom + size * 1.4, str(year), size, INK, "middle")

    def polyline(self, years, values, colour: str, width: float, dash=None) -> None:
        points = [(self.x(t), self.y(v)) for t, v in zip(years, values) if math.isfinite(v)]
        if len(points) > 1:
            self.canvas.line(points, colour, width, dash)

    def markers(self, years, values, shape: str, size: float, colour: str) -> None:
        for t, v in zip(years, values):
            if math.isfinite(v):
                self.canvas.marker(self.x(t), self.y(v), shape, size, colour)
