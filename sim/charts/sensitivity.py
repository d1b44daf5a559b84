"""Tornado charts of sensitivity indices: one bar per parameter, largest at the top, with its
confidence interval; Sobol charts add the first-order index as a thinner bar inside."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from .. import messages
from .axes import tick_label, ticks
from .canvas import Canvas
from .files import write_all
from .font import glyphs
from .labels import GREY, GRID, INK, PALETTE
from .layout import WIDTH, chart

ROW = 18.0  # points per parameter


def columns(method: str) -> tuple[str, str]:
    """The index a method's bars show and the column of its confidence half-width."""
    return ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")


def sensitivity_chart(rows: pd.DataFrame, method: str, lang: str) -> Canvas:
    """One target's indices as horizontal bars with error bars, largest at the top."""
    key, conf = columns(method)
    rows = rows.sort_values(key, ascending=False, kind="stable")
    first = rows.iloc[0]
    name = first["indicator_zh"] if lang == "zh" else first["indicator_en"].split(" (")[0]
    name = textwrap.shorten(name, 60, placeholder="…")
    items = [(messages.text("sens_sobol_total", lang), "bar", PALETTE[0]),
             (messages.text("sens_sobol_first", lang), "bar", PALETTE[1])] \
        if method == "sobol" else [(messages.text("sens_morris", lang), "bar", PALETTE[0])]
    height = 76 + ROW * len(rows) + 24
    canvas, (left, top, right, bottom) = chart([name], items, height=height)
    font, size = glyphs(), 8.0
    labels = [_fit(str(p), size, WIDTH * 0.4) for p in rows["parameter"]]
    x0 = left + max(font.width(t, size) for t in labels) + 6
    value, half = rows[key].astype(float).tolist(), rows[conf].astype(float).fillna(0).tolist()
    lo, hi = _range(value, half)
    xticks = ticks(lo, hi, 5)
    step = xticks[1] - xticks[0] if len(xticks) > 1 else 1.0
    plot_bottom = bottom - size * 1.6

    def x(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (right - x0)

    for v in xticks:
        canvas.line([(x(v), top), (x(v), plot_bottom)], GRID, 0.6)
        canvas.text(x(v), plot_bottom + size * 1.4, tick_label(v, step), size, INK, "middle")
    row = (plot_bottom - top) / len(rows)
    for i, (label, v, h) in enumerate(zip(labels, value, half)):
        mid = top + row * (i + 0.5)
        canvas.text(x0 - 6, mid + size * 0.35, label, size, INK, "end")
        _bar(canvas, x(0), x(v), mid, row * 0.7, PALETTE[0], 0.8)
        if method == "sobol" and math.isfinite(rows["S1"].iloc[i]):
            _bar(canvas, x(0), x(float(rows["S1"].iloc[i])), mid, row * 0.35, PALETTE[1], 1.0)
        if h > 0 and math.isfinite(v):
            a, b = x(v - h), x(v + h)
            canvas.line([(a, mid), (b, mid)], INK, 0.8)
            for end in (a, b):
                canvas.line([(end, mid - 3), (end, mid + 3)], INK, 0.8)
    canvas.line([(x0, top), (x0, plot_bottom), (right, plot_bottom)], GREY, 0.8)
    if lo < 0:
        canvas.line([(x(0), top), (x(0), plot_bottom)], GREY, 0.8)
    return canvas


def _range(value, half) -> tuple[float, float]:
    """The x range: from zero (or a margin below the lowest interval) to a margin past the
    highest."""
    ends = [e for v, h in zip(value, half) for e in (v - h, v + h) if math.isfinite(e)]
    low, high = min([0.0, *ends]), max([0.0, *ends])
    margin = 0.04 * ((high - low) or 1.0)
    return (low - margin if low < 0 else 0.0), high + margin


def _bar(canvas: Canvas, start: float, end: float, mid: float, thickness: float, colour: str,
         alpha: float) -> None:
    if math.isfinite(end):
        canvas.polygon([(start, mid - thickness / 2), (end, mid - thickness / 2),
                        (end, mid + thickness / 2), (start, mid + thickness / 2)],
                       colour, alpha)


def _fit(text: str, size: float, width: float) -> str:
    """`text` cut with '…' to fit `width` points."""
    font = glyphs()
    while font.width(text, size) > width and len(text) > 4:
        text = text[:-2] + "…"
    return text


def write_sensitivity_charts(indices: pd.DataFrame, method: str, folder: Path,
                             lang: str) -> list[Path]:
    """One bar chart per target, as PNG and SVG."""
    folder.mkdir(parents=True, exist_ok=True)
    if indices.empty:
        return []
    return write_all([(tid, sensitivity_chart(rows, method, lang))
                      for tid, rows in indices.groupby("id", sort=False)], folder)
