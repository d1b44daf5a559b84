"""A Canvas as SVG: shapes as SVG elements, text as outlines of the bundled font's glyphs.

Each glyph is defined once and reused, so files stay small; no date or random id is written,
so the same canvas always gives the same bytes.
"""

from __future__ import annotations

from html import escape

from .canvas import Canvas, Circle, Line, Polygon, Text
from .font import Glyphs, glyphs as bundled


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def to_svg(canvas: Canvas, font: Glyphs | None = None) -> str:
    """The SVG document of `canvas`."""
    font = font or bundled()
    font.prepare(canvas.characters())
    ids: dict[str, str] = {}
    body = [f'<rect width="{_n(canvas.width)}" height="{_n(canvas.height)}" fill="#ffffff"/>']
    for item in canvas.items:
        if isinstance(item, Line):
            dash = f' stroke-dasharray="{" ".join(_n(d) for d in item.dash)}"' if item.dash \
                else ""
            body.append(f'<polyline points="{_points(item.points)}" fill="none" '
                        f'stroke="{item.colour}" stroke-width="{_n(item.width)}" '
                        f'stroke-linejoin="round"{dash}/>')
        elif isinstance(item, Polygon):
            alpha = f' fill-opacity="{_n(item.alpha)}"' if item.alpha < 1 else ""
            body.append(f'<polygon points="{_points(item.points)}" fill="{item.colour}"'
                        f'{alpha}/>')
        elif isinstance(item, Circle):
            body.append(f'<circle cx="{_n(item.centre[0])}" cy="{_n(item.centre[1])}" '
                        f'r="{_n(item.radius)}" fill="{item.colour}"/>')
        elif isinstance(item, Text):
            body.append(_text(item, font, ids))
    defs = "".join(f'<path id="{gid}" d="{font.outline(char)}"/>' for char, gid in ids.items())
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{_n(canvas.width)}pt" height="{_n(canvas.height)}pt" '
            f'viewBox="0 0 {_n(canvas.width)} {_n(canvas.height)}">')
    title = f"<title>{escape(canvas.title)}</title>" if canvas.title else ""
    return "\n".join([head + title, f"<defs>{defs}</defs>", *body, "</svg>", ""])


def _text(item: Text, font: Glyphs, ids: dict[str, str]) -> str:
    width = font.width(item.text, item.size)
    x = item.x - {"start": 0.0, "middle": width / 2, "end": width}[item.anchor]
    scale = item.size / font.units_per_em
    uses, pen = [], 0.0
    for char in item.text:
        if font.outline(char) is not None:
            gid = ids.setdefault(char, f"g{ord(char):x}")
            uses.append(f'<use xlink:href="#{gid}" x="{_n(pen)}"/>')
        pen += font.advance(char) * font.units_per_em
    return (f'<g fill="{item.colour}" transform="translate({_n(x)} {_n(item.y)}) '
            f'scale({scale:.6g} {-scale:.6g})">{"".join(uses)}</g>')
