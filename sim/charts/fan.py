"""Fan charts of an ensemble: the 5-95% and 25-75% bands and the median of one target's
indicator by year, with the target drawn as on the run charts and the chance of meeting it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import messages
from .axes import Axes
from .canvas import Canvas
from .files import write_all
from .font import glyphs
from .labels import PALETTE, indicator_name, target_text
from .layout import WIDTH, chart
from .targets import Panel, _draw_data, _legend_items, _values, _years

@dataclass
class FanPanel:
    """One target's ensemble: percentile bands by year, the target's path, P(met)."""

    target: object
    bands: pd.DataFrame
    required: object
    unit: str
    p_met: float


def fan_chart(panel: FanPanel, lang: str) -> Canvas:
    """5-95% and 25-75% bands, the median, and the target, titled with P(met)."""
    t, b = panel.target, panel.bands
    target = Panel(t, {}, panel.required, panel.unit)
    items = [("5–95%", "band", PALETTE[0]), ("25–75%", "inner", PALETTE[0]),
             (messages.text("fan_median", lang), "path", PALETTE[0]), *_legend_items(target, lang)]
    name = indicator_name(t, lang, 90, lambda text: glyphs().width(text, 12) < WIDTH - 26)
    goal = f"{target_text(t, lang)} · {messages.text('fan_p_met', lang)} {panel.p_met:.0%}"
    unit = messages.text("chart_unit", lang, unit=panel.unit) if panel.unit else ""
    canvas, box = chart([name, goal], items, unit, messages.text("chart_year", lang))
    years = list(b.index)
    values = [float(v) for c in ("p5", "p95", "p50") for v in b[c]] + _values(target)
    ax = Axes(canvas, box, sorted(set(years) | set(_years(target))), values, glyphs(), 9)
    ax.frame()
    ax.band(years, b["p5"], b["p95"], PALETTE[0], 0.15)
    ax.band(years, b["p25"], b["p75"], PALETTE[0], 0.3)
    ax.polyline(years, b["p50"], PALETTE[0], 1.6)
    ax.markers(years, b["p50"], "o", 4, PALETTE[0])
    _draw_data(ax, target, compact=False)
    return canvas


def write_fan_charts(panels: list[FanPanel], folder: Path, lang: str) -> list[Path]:
    """One fan chart per modelled target, as PNG and SVG."""
    return write_all([(p.target.id, fan_chart(p, lang)) for p in panels], folder)
