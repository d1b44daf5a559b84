"""A Canvas as PNG, through Pillow.

Shapes are drawn at `SUPERSAMPLE` times the final size and scaled down, which smooths their
edges; text is then set at the final size by FreeType from the bundled font, which keeps it
sharp. The file carries no time stamp, so the same canvas always gives the same bytes.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageColor, ImageDraw, ImageFont

from .canvas import Canvas, Circle, Line, Polygon, Text
from .font import FONT_PATH

SUPERSAMPLE = 3
ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


@lru_cache(maxsize=32)
def _font(pixels: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), pixels, layout_engine=ImageFont.Layout.BASIC)


def dashes(points, *pattern: float) -> list[list[tuple[float, float]]]:
    """A polyline cut into the pieces a dash pattern draws: lengths on, off, on, off..."""
    pieces, current, drawing, left, k = [], [points[0]], True, pattern[0], 0
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length, done = math.hypot(x1 - x0, y1 - y0), 0.0
        while length - done > left:
            done += left
            point = (x0 + (x1 - x0) * done / length, y0 + (y1 - y0) * done / length)
            if drawing:
                pieces.append(current + [point])
            current, drawing = [point], not drawing
            k = (k + 1) % len(pattern)
            left = pattern[k]
        left -= length - done
        current.append((x1, y1))
    if drawing and len(current) > 1:
        pieces.append(current)
    return pieces


def to_png(canvas: Canvas, dpi: float = 150) -> bytes:
    """The PNG file of `canvas` at `dpi` pixels per inch."""
    scale = dpi / 72
    size = (round(canvas.width * scale), round(canvas.height * scale))
    big = Image.new("RGB", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), "#ffffff")
    draw = ImageDraw.Draw(big, "RGBA")
    k = scale * SUPERSAMPLE

    def px(points):
        return [(x * k, y * k) for x, y in points]

    for item in canvas.items:
        if isinstance(item, Line):
            width = max(1, round(item.width * k))
            pieces = dashes(item.points, *item.dash) if item.dash else [list(item.points)]
            for piece in pieces:
                draw.line(px(piece), fill=item.colour, width=width, joint="curve")
        elif isinstance(item, Polygon):
            fill = ImageColor.getrgb(item.colour)[:3] + (round(255 * item.alpha),)
            draw.polygon(px(item.points), fill=fill)
        elif isinstance(item, Circle):
            (x, y), r = item.centre, item.radius
            draw.ellipse([(x - r) * k, (y - r) * k, (x + r) * k, (y + r) * k],
                         fill=item.colour)
    image = big.reduce(SUPERSAMPLE)
    draw = ImageDraw.Draw(image)
    for item in canvas.items:
        if isinstance(item, Text):
            draw.text((item.x * scale, item.y * scale), item.text, fill=item.colour,
                      font=_font(item.size * scale), anchor=ANCHORS[item.anchor])
    buffer = io.BytesIO()
    image.save(buffer, "png", compress_level=3, dpi=(dpi, dpi))
    return buffer.getvalue()
