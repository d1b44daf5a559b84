"""Matplotlib charts render Chinese with the bundled font and never miss a glyph."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from sim import plots, targets
from sim.charts.font import FONT_PATH

from .conftest import MODEL

YEARS = range(2020, 2026)


@pytest.fixture
def catalogue():
    return targets.catalogue_for(MODEL)


def fan(target):
    bands = pd.DataFrame({k: [1.0 + i + d for i in range(6)] for k, d in
                          (("p5", 0), ("p25", 0.2), ("p50", 0.4), ("p75", 0.6), ("p95", 0.8))},
                         index=YEARS)
    required = None if target.measure == "level" else bands["p50"]
    return plots.FanPanel(target, bands, required, "亿元 万人 家 %", 0.42)


def test_every_fan_chart_renders_without_missing_glyphs(catalogue):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context(plots.style()):
            for lang in ("zh", "en"):
                for target in catalogue.itertuples(index=False):
                    fig = plots.fan_figure(fan(target), lang)
                    fig.canvas.draw()
                    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    assert plt.get_fignums() == []


def test_the_bundled_font_is_used_and_has_the_plan_characters():
    from matplotlib import ft2font

    style = plots.style()
    charmap = ft2font.FT2Font(str(FONT_PATH)).get_charmap()
    for char in "战略性新兴产业现代服务业增加值目标预测达标规划总览" + "≥±（）：%":
        assert ord(char) in charmap, char
    assert style["font.family"] == ["Noto Sans CJK SC"]


def test_svg_is_deterministic(catalogue, tmp_path):
    target = next(catalogue.itertuples(index=False))
    with plt.rc_context(plots.style()):
        for name in ("a", "b"):
            plots.save(plots.fan_figure(fan(target), "zh"), tmp_path, name)
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
