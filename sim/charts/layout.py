"""The parts every single chart shares: title lines, a legend that wraps, the unit, and the
box left for the axes below them.

Legend entries are (label, kind, colour); a kind is a line style ("path" with its marker,
"line", "dashed", "dotted", "dashdot"), a filled swatch ("band", "bar") or a marker shape
("o", "D", "*"); "inner" is a band's darker core.
"""

from __future__ import annotations

from .canvas import Canvas
from .font import glyphs
from .labels import GREY, INK

WIDTH, HEIGHT = 460.8, 288.0  # points: 6.4 by 4 inches
DASHES = {"path": None, "line": None, "dashed": (4, 2.5), "dotted": (1, 2),
          "dashdot": (5, 2, 1, 2)}
SWATCH_ALPHA = {"band": 0.14, "inner": 0.3, "bar": 0.8}


def legend(canvas: Canvas, items, x0: float, y: float, right: float, size: float) -> float:
    """Legend entries flowing left to right from (x0, y), wrapping at `right`; returns the
    baseline of the last row."""
    font = glyphs()
    x = x0
    for label, kind, colour in items:
        width = 18 + font.width(label, size)
        if x > x0 and x + width > right:
            x, y = x0, y + size * 1.6
        mid = y - size * 0.35
        if kind in DASHES:
            canvas.line([(x, mid), (x + 14, mid)], colour, 1.6 if kind == "path" else 1.2,
                        DASHES[kind])
            if kind == "path":
                canvas.marker(x + 7, mid, "o", 5, colour)
        elif kind in SWATCH_ALPHA:
            canvas.polygon([(x, mid - 4), (x + 14, mid - 4), (x + 14, mid + 4), (x, mid + 4)],
                           colour, SWATCH_ALPHA[kind])
        elif kind == "ring":
            canvas.marker(x + 7, mid, "o", 9, colour)
            canvas.marker(x + 7, mid, "o", 5.6, "#ffffff")
        else:
            canvas.marker(x + 7, mid, kind, 9, colour)
        canvas.text(x + 18, y, label, size, INK)
        x += width + 12
    return y


def chart(titles: list[str], items, unit: str = "", xlabel: str = "", width: float = WIDTH,
          height: float = HEIGHT) -> tuple[Canvas, tuple[float, float, float, float]]:
    """A canvas with its title lines (the first one larger), legend, unit and x label drawn,
    and the box (left, top, right, bottom) left for the axes."""
    canvas = Canvas(width, height, title=" · ".join(t for t in titles if t))
    left, right = 12.0, width - 14
    y = 6.0
    for i, line in enumerate(t for t in titles if t):
        y += 16 if i == 0 else 14
        canvas.text(left, y, line, 12 if i == 0 else 10, INK)
    if items:
        y = legend(canvas, items, left, y + 17, right, 8)
    if unit:
        y += 15
        canvas.text(left, y, unit, 8, GREY)
    bottom = height - (22 if xlabel else 8)
    if xlabel:
        canvas.text((left + right) / 2, height - 8, xlabel, 9, GREY, "middle")
    return canvas, (left, y + 10, right, bottom)
