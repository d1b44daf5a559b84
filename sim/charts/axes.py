"""One plot area on a Canvas: value ranges, round tick values, the frame drawn around them,
and the marks drawn inside: lines, bands, bars, error bars and markers.

Years run along x, one tick each (or, for continuous x, round ticks like y); y gets four to
six round ticks (1, 2, 2.5 or 5 times a power of ten) labelled with as many decimals as the
step needs.
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
    the plot area is what is left after the labels. With `continuous`, x spans exactly the
    range of `years` (any numbers) under round ticks; with `from_zero`, y starts at zero
    when no value is negative (densities, counts)."""

    def __init__(self, canvas: Canvas, box, years, values, font: Glyphs, size: float = 9,
                 most_ticks: int = 6, continuous: bool = False, from_zero: bool = False):
        self.canvas, self.font, self.size = canvas, font, size
        self.continuous = continuous
        self.years = sorted(float(y) if continuous else int(y) for y in years)
        self.ylo, self.yhi = value_range(values)
        if from_zero and all(float(v) >= 0 for v in values if math.isfinite(v)):
            self.ylo = 0.0
        self.yticks = ticks(self.ylo, self.yhi, most_ticks)
        step = self.yticks[1] - self.yticks[0] if len(self.yticks) > 1 else 1.0
        self.ylabels = [tick_label(v, step) for v in self.yticks]
        left, top, right, bottom = box
        label_width = max(font.width(t, size) for t in self.ylabels)
        self.left = left + label_width + size * 0.6
        self.top, self.right = top, right
        self.bottom = bottom - size * 1.6
        first, last = self.years[0], self.years[-1]
        if continuous:
            self.xlo, self.xhi = (first, last) if last > first else (first - 1, first + 1)
            self.xticks = ticks(self.xlo, self.xhi, 6)
            xstep = self.xticks[1] - self.xticks[0] if len(self.xticks) > 1 else 1.0
            self.xlabels = [tick_label(v, xstep) for v in self.xticks]
        else:
            margin = max(0.3, (last - first) * 0.05)
            self.xlo, self.xhi = first - margin, last + margin
            self.xticks, self.xlabels = self.years, [str(y) for y in self.years]

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
        for value, label in zip(self.xticks, self.xlabels):
            x = self.x(value)
            c.line([(x, self.bottom), (x, self.bottom + size * 0.35)], GREY, 0.8)
            c.text(x, self.bottom + size * 1.4, label, size, INK, "middle")

    def polyline(self, years, values, colour: str, width: float, dash=None) -> None:
        points = [(self.x(t), self.y(v)) for t, v in zip(years, values) if math.isfinite(v)]
        if len(points) > 1:
            self.canvas.line(points, colour, width, dash)

    def markers(self, years, values, shape: str, size: float, colour: str) -> None:
        for t, v in zip(years, values):
            if math.isfinite(v):
                self.canvas.marker(self.x(t), self.y(v), shape, size, colour)

    def band(self, xs, lo, hi, colour: str, alpha: float) -> None:
        """The area between the paths `lo` and `hi` over `xs`, as one polygon: along `lo`
        forwards, then back along `hi`. Years where either is missing are left out."""
        kept = [(x, a, b) for x, a, b in zip(xs, lo, hi)
                if math.isfinite(a) and math.isfinite(b)]
        if len(kept) > 1:
            self.canvas.polygon([(self.x(x), self.y(a)) for x, a, _ in kept] +
                                [(self.x(x), self.y(b)) for x, _, b in reversed(kept)],
                                colour, alpha)

    def bars(self, xs, values, width: float, colours, alpha: float = 1.0) -> None:
        """Vertical bars from zero (or the axis floor) to each value, `width` in x units;
        `colours` is one colour or one per bar."""
        base = self.y(min(max(0.0, self.ylo), self.yhi))
        for i, (x, v) in enumerate(zip(xs, values)):
            if not math.isfinite(v):
                continue
            colour = colours if isinstance(colours, str) else colours[i]
            left, right, top = self.x(x - width / 2), self.x(x + width / 2), self.y(v)
            self.canvas.polygon([(left, base), (right, base), (right, top), (left, top)],
                                colour, alpha)

    def errorbars(self, xs, lo, hi, colour: str, cap: float = 4.0) -> None:
        """A vertical line from `lo` to `hi` at each x, with caps `cap` points wide."""
        for x, a, b in zip(xs, lo, hi):
            if math.isfinite(a) and math.isfinite(b):
                px = self.x(x)
                self.canvas.line([(px, self.y(a)), (px, self.y(b))], colour, 1.0)
                for end in (a, b):
                    self.canvas.line([(px - cap, self.y(end)), (px + cap, self.y(end))],
                                     colour, 1.0)

    def hline(self, value: float, colour: str, width: float, dash=None) -> None:
        """A line across the plot area at `value`."""
        self.canvas.line([(self.left, self.y(value)), (self.right, self.y(value))], colour,
                         width, dash)

    def vline(self, x: float, colour: str, width: float, dash=None) -> None:
        """A line down the plot area at `x`."""
        self.canvas.line([(self.x(x), self.top), (self.x(x), self.bottom)], colour, width,
                         dash)
