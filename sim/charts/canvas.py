"""A chart laid out as a list of shapes and texts, in points from the top-left corner.

Layout code draws on a Canvas once; svg.py and png.py turn the same list into files, so the
two formats of a chart cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Point = tuple[float, float]


@dataclass(frozen=True)
class Line:
    points: tuple[Point, ...]
    colour: str
    width: float = 1.0
    dash: tuple[float, ...] | None = None  # on, off (on, off...) lengths in points


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    colour: str
    alpha: float = 1.0


@dataclass(frozen=True)
class Circle:
    centre: Point
    radius: float
    colour: str


@dataclass(frozen=True)
class Text:
    """`text` with its baseline at `y`; `anchor` says whether `x` is its start, middle or end."""

    x: float
    y: float
    text: str
    size: float
    colour: str
    anchor: str = "start"


@dataclass
class Canvas:
    """The drawing of one chart: `items` in drawing order, `title` for accessibility."""

    width: float
    height: float
    title: str = ""
    items: list = field(default_factory=list)

    def line(self, points, colour: str, width: float = 1.0, dash=None) -> None:
        self.items.append(Line(tuple((float(x), float(y)) for x, y in points), colour,
                               width, dash))

    def polygon(self, points, colour: str, alpha: float = 1.0) -> None:
        self.items.append(Polygon(tuple((float(x), float(y)) for x, y in points), colour,
                                  alpha))

    def marker(self, x: float, y: float, shape: str, size: float, colour: str) -> None:
        """A filled marker `size` points across: 'o' circle, 'D' diamond, '*' star."""
        if shape == "o":
            self.items.append(Circle((float(x), float(y)), size / 2, colour))
        else:
            self.polygon(marker_points(shape, x, y, size), colour)

    def text(self, x: float, y: float, text: str, size: float, colour: str,
             anchor: str = "start") -> None:
        if text:
            self.items.append(Text(float(x), float(y), text, size, colour, anchor))

    def characters(self) -> str:
        """Every character of the canvas's texts, for reading their glyphs in one go."""
        return "".join(sorted({c for i in self.items if isinstance(i, Text) for c in i.text}))


def marker_points(shape: str, x: float, y: float, size: float) -> list[Point]:
    """The outline of a diamond ('D') or five-pointed star ('*') centred on (x, y)."""
    r = size / 2
    if shape == "D":
        return [(x, y - r), (x + r * 0.75, y), (x, y + r), (x - r * 0.75, y)]
    if shape == "*":
        inner = r * 0.42
        return [(x + (r if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
                 y - (r if i % 2 == 0 else inner) * math.cos(i * math.pi / 5))
                for i in range(10)]
    raise ValueError(f"unknown marker shape {shape!r}; use 'o', 'D' or '*'")
