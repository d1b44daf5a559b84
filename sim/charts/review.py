"""The review's chart of one target: actuals as points, each scenario's path, the path the
target needs from the latest actual, the target, and the uncertainty band when there is one.

Drawn once as a Canvas: the HTML report inlines it as SVG, the Word file takes it as PNG at
print resolution."""

from __future__ import annotations

from .. import messages
from .axes import Axes
from .canvas import Canvas
from .font import glyphs
from .labels import GREY, INK, PALETTE, indicator_name, target_text
from .layout import WIDTH, chart

PRINT_DPI = 300


def review_chart(data: dict, lang: str) -> Canvas:
    """The chart of `data` (from sim.review.chart_data), labelled in `lang`."""
    target, paths, band = data["target"], data["paths"], data["band"]
    actual, required, marker = data["actual"], data["required"], data["marker"]
    items = []
    if band is not None:
        at = data["band_at"]
        items.append((f"{messages.text('report_band', lang)} · {list(paths)[at]}", "band",
                      PALETTE[at % len(PALETTE)]))
    items += [(label, "line", PALETTE[i % len(PALETTE)]) for i, label in enumerate(paths)]
    if required is not None:
        items.append((messages.text("report_required_path", lang), "dashed", GREY))
    if len(actual):
        items.append((messages.text("report_actual", lang), "o", INK))
    if marker is not None:
        items.append((messages.text("report_target", lang), "*", GREY))
    name = indicator_name(target, lang, 90, lambda text: glyphs().width(text, 12) < WIDTH - 26)
    unit = messages.text("chart_unit", lang, unit=data["unit"]) if data["unit"] else ""
    canvas, box = chart([name, target_text(target, lang)], items, unit)
    values = [float(v) for s in paths.values() for v in s.values] + \
        [float(v) for v in actual.values]
    if required is not None:
        values += [float(v) for v in required.values]
    if band is not None:
        values += [float(v) for c in ("p5", "p95") for v in band[c]]
    if marker is not None:
        values.append(float(marker))
    years = {int(y) for s in paths.values() for y in s.index} | \
        {int(y) for y in actual.index} | {int(target.year)}
    ax = Axes(canvas, box, sorted(years), values, glyphs(), 9)
    ax.frame()
    if band is not None:
        ax.band(band.index, band["p5"].astype(float), band["p95"].astype(float),
                PALETTE[data["band_at"] % len(PALETTE)], 0.15)
    for i, series in enumerate(paths.values()):
        ax.polyline(series.index, series.values.astype(float), PALETTE[i % len(PALETTE)], 1.6)
    if required is not None:
        ax.polyline(required.index, required.values.astype(float), GREY, 1.2, (4, 2.5))
    ax.markers(actual.index, actual.values.astype(float), "o", 7, INK)
    if marker is not None:
        ax.markers([target.year], [float(marker)], "*", 13, GREY)
    return canvas
