"""Calibration charts: observed against simulated per series, prior against posterior per
parameter, the solved shocks per series, and back-tests against the held-out years."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .. import messages
from .axes import Axes
from .canvas import Canvas
from .files import safe_stem, write_all
from .font import glyphs
from .labels import GREY, PALETTE
from .layout import chart

HOLD_OUT = "#8c959f"
BINS = 50


def _finite(values) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def fit_chart(name: str, simulated: pd.Series, observed: pd.Series, lang: str) -> Canvas:
    """Observed points against the simulated path of one calibrated series."""
    canvas, box = chart([name], [(messages.text("calchart_simulated", lang), "path", PALETTE[0]),
                                 (messages.text("calchart_observed", lang), "D", PALETTE[1])],
                        xlabel=messages.text("chart_year", lang))
    years = sorted({int(y) for y in simulated.index} | {int(y) for y in observed.index})
    ax = Axes(canvas, box, years, _finite([*simulated.values, *observed.values]), glyphs())
    ax.frame()
    ax.polyline(simulated.index, simulated.values, PALETTE[0], 1.6)
    ax.markers(simulated.index, simulated.values, "o", 4, PALETTE[0])
    ax.markers(observed.index, observed.values, "D", 8, PALETTE[1])
    return canvas


def prior_posterior_chart(name: str, draws: np.ndarray, grid: np.ndarray,
                          density: np.ndarray, lang: str) -> Canvas:
    """A parameter's posterior draws as a histogram (area one) over its prior density, and
    the posterior median."""
    canvas, box = chart([name], [(messages.text("calchart_posterior", lang), "bar", PALETTE[0]),
                                 (messages.text("calchart_prior", lang), "line", PALETTE[1]),
                                 (messages.text("calchart_median", lang), "dashed", PALETTE[0])])
    heights, edges = np.histogram(draws, bins=BINS, density=True)
    lo, hi = float(min(grid.min(), edges[0])), float(max(grid.max(), edges[-1]))
    ax = Axes(canvas, box, [lo, hi], _finite([0.0, *heights, *density]), glyphs(),
              continuous=True, from_zero=True)
    ax.frame()
    centres, widths = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    for c, w, h in zip(centres, widths, heights):
        ax.bars([c], [h], float(w), PALETTE[0], 0.6)
    ax.polyline(grid, density, PALETTE[1], 1.6)
    ax.vline(float(np.median(draws)), PALETTE[0], 1.0, (4, 2.5))
    return canvas


def shock_chart(name: str, shocks: pd.DataFrame, lang: str) -> Canvas:
    """The solved shocks of one series, a bar per year, up in blue and down in red."""
    canvas, box = chart([name], [], messages.text("calchart_shock", lang),
                        messages.text("chart_year", lang))
    values = shocks["value"].astype(float).tolist()
    ax = Axes(canvas, box, shocks["year"], _finite([0.0, *values]), glyphs())
    ax.frame()
    ax.bars(shocks["year"], values, 0.6,
            [PALETTE[0] if v >= 0 else PALETTE[1] for v in values])
    ax.hline(0.0, GREY, 0.8)
    return canvas


def backtest_chart(name: str, path: pd.DataFrame, hold_out_from: int, lang: str) -> Canvas:
    """Observed values, the projection with its band from the last fitted year, the two
    naive forecasts, and a line where the held-out years begin."""
    canvas, box = chart([name], [(messages.text("calchart_band", lang), "band", PALETTE[0]),
                                 (messages.text("calchart_projection", lang), "path", PALETTE[0]),
                                 (messages.text("calchart_last_cagr", lang), "dotted", GREY),
                                 (messages.text("calchart_drift", lang), "dashdot", GREY),
                                 (messages.text("calchart_actual", lang), "D", PALETTE[1])],
                        xlabel=messages.text("chart_year", lang))
    path = path.sort_values("year")
    before = path[path["year"] < hold_out_from]
    start = before["year"].max() if len(before) else hold_out_from
    ahead = path[path["year"] >= start]
    naive = {}
    for column in ("last_cagr", "drift"):
        shown = path.dropna(subset=[column])
        if len(before):  # the naive forecasts start from the last fitted observation
            last = before.tail(1)
            shown = pd.concat([last.assign(**{column: last["observed"]}), shown])
        naive[column] = shown
    values = _finite([*path["observed"], *ahead["projection"], *ahead["p5"], *ahead["p95"],
                      *(v for column, shown in naive.items() for v in shown[column])])
    ax = Axes(canvas, box, path["year"], values, glyphs())
    ax.frame()
    ax.band(ahead["year"], ahead["p5"].astype(float), ahead["p95"].astype(float), PALETTE[0],
            0.15)
    ax.polyline(ahead["year"], ahead["projection"].astype(float), PALETTE[0], 1.6)
    ax.markers(ahead["year"], ahead["projection"].astype(float), "o", 4, PALETTE[0])
    for column, dash in (("last_cagr", (1, 2)), ("drift", (5, 2, 1, 2))):
        ax.polyline(naive[column]["year"], naive[column][column].astype(float), GREY, 1.2,
                    dash)
    ax.markers(path["year"], path["observed"].astype(float), "D", 7, PALETTE[1])
    ax.vline(hold_out_from - 0.5, HOLD_OUT, 0.8)
    return canvas


def write_fit_charts(panels, folder: Path, lang: str) -> list[Path]:
    """One observed-against-simulated chart per fitted series, as PNG and SVG."""
    return write_all([(safe_stem(name), fit_chart(name, sim, obs, lang))
                      for name, sim, obs in panels], folder)


def write_prior_posterior(panels, folder: Path, lang: str) -> list[Path]:
    """One prior-against-posterior chart per fitted parameter, as PNG and SVG."""
    return write_all([("prior_" + safe_stem(name),
                       prior_posterior_chart(name, draws, grid, density, lang))
                      for name, draws, grid, density in panels], folder)


def write_shock_charts(shocks: pd.DataFrame, folder: Path, lang: str) -> list[Path]:
    """One chart of the yearly shocks per shock series, as PNG and SVG."""
    return write_all([("shock_" + safe_stem(name), shock_chart(name, group, lang))
                      for name, group in shocks.groupby("shock", sort=True)], folder)


def write_backtest_charts(paths: pd.DataFrame, hold_out_from: int, folder: Path,
                          lang: str) -> list[Path]:
    """One back-test chart per indicator, as PNG and SVG."""
    return write_all([(safe_stem(name), backtest_chart(name, path, hold_out_from, lang))
                      for name, path in paths.groupby("indicator", sort=True)], folder)
