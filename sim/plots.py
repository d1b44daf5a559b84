"""Matplotlib charts of ensembles, sensitivity, calibration fits and the review, in Chinese or
English. (The charts of `sim run` and `sim compare` are drawn by sim.charts.)

Chinese renders on any machine: the charts use the subset of Noto Sans CJK SC that ships in
sim/fonts/ (SIL Open Font License). SVG files carry text as paths and no date, so the same
run draws the same SVG.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from . import measures  # noqa: E402
from .charts.font import FONT_PATH  # noqa: E402
from .charts.labels import PALETTE, WORDS, indicator_name as _name  # noqa: E402
from .charts.labels import is_nan as _nan, target_text  # noqa: E402


def style() -> dict:
    """Matplotlib settings for every chart: the bundled CJK font, no random SVG ids."""
    font_manager.fontManager.addfont(str(FONT_PATH))
    family = font_manager.FontProperties(fname=str(FONT_PATH)).get_name()
    return {"font.family": [family], "svg.hashsalt": "sim", "svg.fonttype": "path",
            "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100}


def draw_target(ax, target, paths: dict[str, pd.Series], lang: str, unit_label: str,
                required: pd.Series | None = None, compact: bool = False) -> None:
    """One target on `ax`: each path as a line, the target as a marker (band for approx)."""
    words = WORDS[lang]
    for i, (label, series) in enumerate(paths.items()):
        ax.plot(series.index, series.values, marker="o", ms=3 if compact else 4,
                color=PALETTE[i % len(PALETTE)], label=label)
    if required is not None:
        ax.plot(required.index, required.values, ls="--", color="#57606a", lw=1.2,
                label=words["required"])
        if target.comparator == "approx" and not _nan(target.tolerance):
            years, lo, hi = measures.band_paths(
                target.measure, target.target, target.comparator, target.tolerance,
                int(required.index[0]), float(required.iloc[0]), int(target.year))
            ax.fill_between(years, lo, hi, color="#57606a", alpha=0.12, lw=0)
    else:
        if target.comparator == "approx" and not _nan(target.tolerance):
            lo, hi = measures.bounds(target.target, target.comparator, target.tolerance)
            ax.errorbar([target.year], [target.target], yerr=[[target.target - lo],
                        [hi - target.target]], fmt="D", color="#57606a", capsize=4, ms=5,
                        label=words["target"])
        else:
            ax.plot([target.year], [target.target], marker="*" if target.comparator ==
                    "at_least" else "D", ms=9, ls="none", color="#57606a",
                    label=words["target"])
        ax.axhline(target.target, ls=":", color="#57606a", lw=0.8)
    if paths:
        ax.set_xticks(sorted({int(x) for s in paths.values() for x in s.index}))
    ax.tick_params(labelsize=7 if compact else 9)
    if not compact:
        ax.set_ylabel(unit_label)
        ax.set_xlabel(words["year"])
        ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", color="#d0d7de", lw=0.6)


def fit_figure(name: str, simulated: pd.Series, observed: pd.Series, lang: str):
    """Observed points against the simulated path of one calibrated series."""
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.13)
    zh = lang == "zh"
    ax.plot(simulated.index, simulated.values, color=PALETTE[0], marker="o", ms=3,
            label="模拟" if zh else "simulated")
    ax.plot(observed.index, observed.values, ls="none", marker="D", ms=6, color=PALETTE[1],
            label="观测" if zh else "observed")
    ax.set_title(name, loc="left", fontsize=11)
    ax.set_xlabel(WORDS[lang]["year"])
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", color="#d0d7de", lw=0.6)
    return fig


def write_fit_charts(panels, folder: Path, lang: str) -> None:
    """One observed-against-simulated chart per fitted series, as PNG and SVG."""
    folder.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(style()):
        for name, simulated, observed in panels:
            save(fit_figure(name, simulated, observed, lang), folder, name.replace(" ", "_"))


@dataclass
class FanPanel:
    """One target's ensemble: percentile bands by year, the target's path, P(met)."""

    target: object
    bands: pd.DataFrame
    required: object
    unit: str
    p_met: float


def fan_figure(panel: FanPanel, lang: str):
    """5-95% and 25-75% bands, the median, and the target."""
    zh = lang == "zh"
    t, b = panel.target, panel.bands
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.13)
    ax.fill_between(b.index, b["p5"], b["p95"], color=PALETTE[0], alpha=0.15, lw=0,
                    label="5–95%")
    ax.fill_between(b.index, b["p25"], b["p75"], color=PALETTE[0], alpha=0.3, lw=0,
                    label="25–75%")
    ax.plot(b.index, b["p50"], color=PALETTE[0], marker="o", ms=3,
            label="中位数" if zh else "median")
    draw_target(ax, t, {}, lang, panel.unit, panel.required)
    ax.set_xticks(list(b.index))
    odds = f"{'达标概率' if zh else 'P(met)'} {panel.p_met:.0%}"
    ax.set_title(f"{_name(t, lang, 60)}\n{target_text(t, lang)} · {odds}", fontsize=11,
                 loc="left")
    ax.legend(fontsize=8, frameon=False)
    return fig


def write_fan_charts(panels: list[FanPanel], folder: Path, lang: str) -> None:
    """One fan chart per modelled target, as PNG and SVG."""
    folder.mkdir(parents=True, exist_ok=True)
    with plt.rc_context(style()):
        for panel in panels:
            save(fan_figure(panel, lang), folder, panel.target.id)


def sensitivity_figure(rows: pd.DataFrame, method: str, lang: str):
    """Horizontal bars of one target's indices, largest at the top (a tornado)."""
    zh = lang == "zh"
    key, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    rows = rows.sort_values(key)
    fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.28 * len(rows)))
    fig.subplots_adjust(left=0.42, right=0.97, top=1 - 0.75 / (0.9 + 0.28 * len(rows)),
                        bottom=0.45 / (0.9 + 0.28 * len(rows)))
    y = np.arange(len(rows))
    ax.barh(y, rows[key], xerr=rows[conf], color=PALETTE[0], alpha=0.8, error_kw={"lw": 0.8},
            label="总效应 ST" if zh and method == "sobol" else ("total ST" if method == "sobol"
                                                            else "μ*"))
    if method == "sobol":
        ax.barh(y, rows["S1"], height=0.4, color=PALETTE[1],
                label="一阶 S1" if zh else "first order S1")
    ax.set_yticks(y, rows["parameter"], fontsize=8)
    first = rows.iloc[0]
    name = first["indicator_zh"] if zh else first["indicator_en"].split(" (")[0]
    ax.set_title(textwrap.shorten(name, 60, placeholder="…"), loc="left", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.grid(axis="x", color="#d0d7de", lw=0.6)
    return fig


def write_sensitivity_charts(indices: pd.DataFrame, method: str, folder: Path,
                             lang: str) -> None:
    """One bar chart per target, as PNG and SVG."""
    folder.mkdir(parents=True, exist_ok=True)
    if indices.empty:
        return
    with plt.rc_context(style()):
        for tid, rows in indices.groupby("id", sort=False):
            save(sensitivity_figure(rows, method, lang), folder, tid)


def review_figure(data: dict, lang: str, words: dict):
    """Actuals as points, each scenario as a line, the path the target needs from the latest
    actual, the target, and the uncertainty band when there is one."""
    target = data["target"]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.13)
    band = data["band"]
    if band is not None:
        label = f"{words['band']} · {list(data['paths'])[data['band_at']]}"
        ax.fill_between(band.index, band["p5"], band["p95"],
                        color=PALETTE[data["band_at"] % len(PALETTE)], alpha=0.15, lw=0,
                        label=label)
    for i, (label, series) in enumerate(data["paths"].items()):
        ax.plot(series.index, series.values, color=PALETTE[i % len(PALETTE)], lw=1.6,
                label=label)
    if data["required"] is not None:
        ax.plot(data["required"].index, data["required"].values, ls="--", color="#57606a",
                lw=1.2, label=words["required_path"])
    actual = data["actual"]
    if len(actual):
        ax.plot(actual.index, actual.values, ls="none", marker="o", ms=6, color="#24292f",
                label=words["actual"], zorder=5)
    if data["marker"] is not None:
        ax.plot([target.year], [data["marker"]], marker="*", ms=11, ls="none",
                color="#57606a", label=words["target"], zorder=6)
    ax.set_ylabel(data["unit"], fontsize=8)
    years = sorted({int(x) for s in data["paths"].values() for x in s.index} |
                   {int(x) for x in actual.index})
    ax.set_xticks(years)
    ax.set_title(f"{_name(target, lang, 60)}\n{target_text(target, lang)}", fontsize=11,
                 loc="left")
    ax.legend(fontsize=7, frameon=False)
    ax.grid(axis="y", color="#d0d7de", lw=0.6)
    return fig


def save(fig, folder: Path, stem: str) -> list[Path]:
    """Write `fig` as PNG and SVG and close it."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}.png", folder / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=150, metadata={"Software": None},
                pil_kwargs={"compress_level": 3})
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


def prior_posterior_figure(name: str, draws: np.ndarray, grid: np.ndarray,
                           density: np.ndarray, lang: str):
    """A parameter's posterior draws as a histogram over its prior density."""
    zh = lang == "zh"
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.1, right=0.97, top=0.9, bottom=0.13)
    ax.hist(draws, bins=50, density=True, color=PALETTE[0], alpha=0.6,
            label="后验" if zh else "posterior")
    ax.plot(grid, density, color=PALETTE[1], lw=1.6, label="先验" if zh else "prior")
    ax.axvline(float(np.median(draws)), color=PALETTE[0], ls="--", lw=1)
    ax.set_title(name, loc="left", fontsize=11)
    ax.set_yticks([])
    ax.legend(fontsize=8, frameon=False)
    return fig


def write_prior_posterior(panels, folder: Path, lang: str) -> None:
    """One prior-against-posterior chart per fitted parameter, as PNG and SVG."""
    with plt.rc_context(style()):
        for name, draws, grid, density in panels:
            save(prior_posterior_figure(name, draws, grid, density, lang), folder,
                 "prior_" + name.replace(" ", "_"))


def backtest_figure(name: str, path: pd.DataFrame, hold_out_from: int, lang: str):
    """Observed values, the projection with its band and the two naive forecasts."""
    zh = lang == "zh"
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.13)
    before = path[path["year"] < hold_out_from]
    start = before["year"].max() if len(before) else hold_out_from
    ahead = path[path["year"] >= start]
    ax.fill_between(ahead["year"], ahead["p5"], ahead["p95"], color=PALETTE[0], alpha=0.15,
                    lw=0, label="后验5-95%" if zh else "posterior 5-95%")
    ax.plot(ahead["year"], ahead["projection"], color=PALETTE[0], marker="o", ms=3,
            label="预测" if zh else "projection")
    for column, style_, label in (("last_cagr", ":", ("末期增速延续", "last CAGR continued")),
                                  ("drift", "-.", ("带漂移随机游走", "random walk with drift"))):
        shown = pd.concat([before.tail(1).assign(**{column: before.tail(1)["observed"]}),
                           path.dropna(subset=[column])])
        ax.plot(shown["year"], shown[column], ls=style_, color="#57606a",
                label=label[0] if zh else label[1])
    ax.plot(path["year"], path["observed"], ls="none", marker="D", ms=5, color=PALETTE[1],
            label="实际" if zh else "observed")
    ax.axvline(hold_out_from - 0.5, color="#8c959f", lw=0.8)
    ax.set_xticks(sorted(int(y) for y in path["year"]))
    ax.set_title(name, loc="left", fontsize=11)
    ax.set_xlabel(WORDS[lang]["year"])
    ax.legend(fontsize=7, frameon=False)
    ax.grid(axis="y", color="#d0d7de", lw=0.6)
    return fig


def write_backtest_charts(paths: pd.DataFrame, hold_out_from: int, folder: Path,
                          lang: str) -> None:
    """One back-test chart per indicator, as PNG and SVG."""
    with plt.rc_context(style()):
        for name, path in paths.groupby("indicator", sort=True):
            save(backtest_figure(name, path, hold_out_from, lang), folder,
                 name.replace(" ", "_"))


def shock_figure(name: str, shocks: pd.DataFrame, lang: str):
    """The solved shocks of one series, a bar per year, at the posterior median."""
    zh = lang == "zh"
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.13)
    colors = [PALETTE[0] if v >= 0 else PALETTE[1] for v in shocks["value"]]
    ax.bar(shocks["year"], shocks["value"], color=colors, width=0.6)
    ax.axhline(0, color="#57606a", lw=0.8)
    ax.set_xticks(sorted(int(y) for y in shocks["year"]))
    ax.set_title(name, loc="left", fontsize=11)
    ax.set_ylabel("冲击（增速偏离趋势）" if zh else "shock (growth off the trend)")
    ax.set_xlabel(WORDS[lang]["year"])
    ax.grid(axis="y", color="#d0d7de", lw=0.6)
    return fig


def write_shock_charts(shocks: pd.DataFrame, folder: Path, lang: str) -> None:
    """One chart of the yearly shocks per shock series, as PNG and SVG."""
    with plt.rc_context(style()):
        for name, group in shocks.groupby("shock", sort=True):
            save(shock_figure(name, group, lang), folder, "shock_" + name.replace(" ", "_"))
