"""Each modelled target's chart and the overview of all of them, as PNG and SVG.

A chart shows each scenario's projected path, and the target: for a level target a marker at
the target year (with its band for "about" targets) and a dotted line at its value; for a
growth target the path that growth would take from 2020 (with its band).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from .. import measures, messages
from .axes import Axes
from .canvas import Canvas
from .files import PNG_DPI, write_all
from .font import glyphs
from .labels import GREY, INK, PALETTE, STATUS_COLOURS, indicator_name, is_nan, \
    target_text
from .layout import HEIGHT, WIDTH, legend as _legend

PANEL_WIDTH, PANEL_HEIGHT = 230.4, 180.0


@dataclass
class Panel:
    """What one target's chart shows: its paths, the path it requires, unit and status."""

    target: object
    paths: dict
    required: object
    unit: str
    status: str = ""
    provenance: dict = field(default_factory=dict)  # label -> {year: observed/filled/...}
    as_of: int | None = None


def _band(panel: Panel):
    """Lower and upper paths of an "about" growth target's band, or None."""
    t, req = panel.target, panel.required
    if req is None or t.comparator != "approx" or is_nan(t.tolerance):
        return None
    years, lo, hi = measures.band_paths(t.measure, t.target, t.comparator, t.tolerance,
                                        int(req.index[0]), float(req.iloc[0]), int(t.year))
    return [int(y) for y in years], [float(v) for v in lo], [float(v) for v in hi]


def _values(panel: Panel) -> list[float]:
    """Every y value the chart must show."""
    values = [float(v) for s in panel.paths.values() for v in s.values]
    t = panel.target
    if panel.required is not None:
        values += [float(v) for v in panel.required.values]
        band = _band(panel)
        if band:
            values += band[1] + band[2]
    else:
        lo, hi = measures.bounds(t.target, t.comparator, t.tolerance)
        values += [lo, hi if math.isfinite(hi) else lo]
    return values


def _years(panel: Panel) -> list[int]:
    return sorted({int(y) for s in panel.paths.values() for y in s.index} |
                  {int(panel.target.year)})


def _target_marker(panel: Panel) -> str:
    return "*" if panel.target.comparator == "at_least" else "D"


def _draw_data(ax: Axes, panel: Panel, compact: bool) -> None:
    """The target's band and path or line first, then the scenarios' paths, and the target's
    marker on top, where no path can hide it."""
    t = panel.target
    if panel.required is not None:
        band = _band(panel)
        if band:
            years, lo, hi = band
            ax.canvas.polygon([(ax.x(y), ax.y(v)) for y, v in zip(years, lo)] +
                              [(ax.x(y), ax.y(v)) for y, v in zip(years[::-1], hi[::-1])],
                              GREY, 0.14)
        ax.polyline(panel.required.index, panel.required.values, GREY, 1.2, (4, 2.5))
    else:
        ax.polyline([ax.xlo, ax.xhi], [t.target, t.target], GREY, 0.8, (1, 2))
    if panel.as_of is not None and ax.xlo < panel.as_of < ax.xhi:
        ax.vline(panel.as_of, GREY, 0.6, (1, 2))
    size = 3.5 if compact else 5
    for i, (label, series) in enumerate(panel.paths.items()):
        colour = PALETTE[i % len(PALETTE)]
        ax.polyline(series.index, series.values, colour, 1.2 if compact else 1.6)
        ax.markers(series.index, series.values, "o", size, colour)
        kinds = panel.provenance.get(label, {})
        for year, value in series.items():
            if not math.isfinite(value) or kinds.get(year) not in ("observed", "filled"):
                continue
            x, y = ax.x(year), ax.y(value)
            ax.canvas.marker(x, y, "o", size * 1.9, colour)
            if kinds[year] == "filled":  # a ring: interpolated, not observed
                ax.canvas.marker(x, y, "o", size * 1.2, "#ffffff")
    if panel.required is None:
        x, y = ax.x(t.year), ax.y(t.target)
        if t.comparator == "approx" and not is_nan(t.tolerance):
            lo, hi = (ax.y(v) for v in measures.bounds(t.target, t.comparator, t.tolerance))
            ax.canvas.line([(x, lo), (x, hi)], GREY, 1.0)
            for end in (lo, hi):
                ax.canvas.line([(x - 4, end), (x + 4, end)], GREY, 1.0)
        ax.canvas.marker(x, y, _target_marker(panel), 7 if compact else 10, GREY)


def _legend_items(panel: Panel, lang: str) -> list[tuple[str, str, str]]:
    """(label, kind, colour) for the legend: each path, then the target."""
    items = [(label, "path", PALETTE[i % len(PALETTE)]) for i, label in enumerate(panel.paths)]
    items += _provenance_items([panel], lang)
    if panel.required is not None:
        items.append((messages.text("chart_required", lang), "dashed", GREY))
        if _band(panel):
            items.append(("±" + f"{panel.target.tolerance:g}", "band", GREY))
    else:
        items.append((messages.text("chart_target", lang), _target_marker(panel), GREY))
    return items


def _provenance_items(panels: list[Panel], lang: str) -> list[tuple[str, str, str]]:
    """Legend entries for observed and filled values and the as-of line, where shown."""
    shown = {k for p in panels for kinds in p.provenance.values() for k in kinds.values()}
    items = [(messages.text(f"chart_{k}", lang), kind, INK)
             for k, kind in (("observed", "o"), ("filled", "ring")) if k in shown]
    as_of = {p.as_of for p in panels if p.as_of is not None}
    if as_of:
        items.append((messages.text("chart_as_of", lang, year=min(as_of)), "dotted", GREY))
    return items


def _overview_legend(panels: list[Panel], lang: str) -> list[tuple[str, str, str]]:
    """Each path, the required path and the target markers, as far as any panel has them."""
    items = [(label, "path", PALETTE[i % len(PALETTE)])
             for i, label in enumerate(panels[0].paths)]
    items += _provenance_items(panels, lang)
    if any(p.required is not None for p in panels):
        items.append((messages.text("chart_required", lang), "dashed", GREY))
    shapes = {_target_marker(p) for p in panels if p.required is None}
    items += [(messages.text("chart_target", lang) + (" ≥" if shape == "*" else ""), shape, GREY)
              for shape in ("D", "*") if shape in shapes]
    return items


def target_chart(panel: Panel, lang: str) -> Canvas:
    """One target's chart: title, target in words, legend, unit, paths against the target."""
    name = indicator_name(panel.target, lang, 90,
                          lambda text: glyphs().width(text, 12) < WIDTH - 26)
    goal = target_text(panel.target, lang)
    canvas = Canvas(WIDTH, HEIGHT, title=f"{name} · {goal}")
    left, right = 12.0, WIDTH - 14
    canvas.text(left, 22, name, 12, INK)
    canvas.text(left, 38, goal, 10, INK)
    y = _legend(canvas, _legend_items(panel, lang), left, 55, right, 8)
    if panel.unit:
        y += 15
        canvas.text(left, y, messages.text("chart_unit", lang, unit=panel.unit), 8, GREY)
    ax = Axes(canvas, (left, y + 10, right, HEIGHT - 22), _years(panel), _values(panel),
              glyphs(), 9)
    ax.frame()
    canvas.text((ax.left + ax.right) / 2, HEIGHT - 8, messages.text("chart_year", lang), 9, GREY,
                "middle")
    _draw_data(ax, panel, compact=False)
    return canvas


def overview(panels: list[Panel], lang: str, title: str) -> Canvas:
    """Small multiples of every modelled target; a panel's title is coloured by its status."""
    n = max(1, len(panels))
    cols = 4 if n > 6 else min(n, 3)
    rows = math.ceil(n / cols)
    top, legend_space = 34.0, 40.0
    height = top + rows * PANEL_HEIGHT + legend_space
    canvas = Canvas(cols * PANEL_WIDTH, height, title=title)
    canvas.text(canvas.width / 2, 22, title, 14, INK, "middle")
    for i, panel in enumerate(panels):
        x0 = (i % cols) * PANEL_WIDTH + 8
        y0 = top + (i // cols) * PANEL_HEIGHT
        colour = STATUS_COLOURS.get(panel.status, INK)
        name = indicator_name(panel.target, lang, 60,
                              lambda text: glyphs().width(text, 8.5) < PANEL_WIDTH - 16)
        canvas.text(x0, y0 + 12, name, 8.5, colour)
        canvas.text(x0, y0 + 24, target_text(panel.target, lang), 7.5, colour)
        ax = Axes(canvas, (x0, y0 + 32, x0 + PANEL_WIDTH - 22, y0 + PANEL_HEIGHT - 14),
                  _years(panel), _values(panel), glyphs(), 7, most_ticks=5)
        ax.frame()
        _draw_data(ax, panel, compact=True)
    if panels:
        y = _legend(canvas, _overview_legend(panels, lang), 12, height - legend_space + 22,
                    canvas.width - 12, 8)
        x = canvas.width - 12
        for status in reversed([s for s in STATUS_COLOURS if any(p.status == s
                                                                 for p in panels)]):
            word = messages.text(f"chart_{status}", lang)
            canvas.text(x, y, word, 8, STATUS_COLOURS[status], "end")
            x -= glyphs().width(word, 8) + 10
    return canvas


def write_charts(panels: list[Panel], folder: Path, lang: str, title: str,
                 workers: int = 2) -> list[Path]:
    """Every target's chart and the overview, as PNG and SVG, in `folder`, written by
    `workers` processes."""
    canvases = [(p.target.id, target_chart(p, lang)) for p in panels]
    canvases.append(("overview", overview(panels, lang, title)))
    return write_all(canvases, folder, workers, PNG_DPI)
