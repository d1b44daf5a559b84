"""Write one chart of every kind, from fixed data, into the folder given on the command line.

Run as a separate process by test_stable.py, so that byte-stability is checked across
processes (fresh glyph cache, then a warm one), not only across calls in one process."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.charts import calibration, fan, review, sensitivity, targets
from sim.charts.files import write_all
from sim.targets import catalogue_for

MODEL = Path(__file__).resolve().parents[2] / "models" / "qingdao_fyp.mdl"
YEARS = list(range(2020, 2026))


def canvases(lang: str) -> list:
    cat = catalogue_for(MODEL)
    level = next(t for t in cat.itertuples(index=False) if t.measure == "level")
    growth = next(t for t in cat.itertuples(index=False) if t.measure != "level")
    path = pd.Series([100.0, 104, 109, 115, 120, 126], index=YEARS)
    required = pd.Series([100 * (1 + growth.target / 100) ** i for i in range(6)], index=YEARS)
    panels = [targets.Panel(level, {"基准": path, "高速": path * 1.1}, None, "亿元", "met"),
              targets.Panel(growth, {"基准": path, "高速": path * 1.1}, required, "亿元",
                            "below")]
    bands = pd.DataFrame({f"p{p}": path * (0.9 + p / 500) for p in (5, 25, 50, 75, 95)})
    indices = pd.DataFrame({"id": "x", "indicator_zh": "战略性新兴产业增加值",
                            "indicator_en": "SEI value added", "parameter": ["a", "b"],
                            "ST": [0.6, 0.2], "ST_conf": [0.1, 0.05], "S1": [0.5, 0.1]})
    draws = np.random.default_rng(3).normal(0.05, 0.01, 2000)
    grid = np.linspace(0.0, 0.1, 101)
    bt = pd.DataFrame({"indicator": "services_va", "year": YEARS, "observed": path.values,
                       "projection": path.values * 1.01, "p5": path.values * 0.95,
                       "p95": path.values * 1.05,
                       "last_cagr": [np.nan] * 3 + [116.0, 122, 128],
                       "drift": [np.nan] * 3 + [114.0, 119, 124]})
    shocks = pd.DataFrame({"year": YEARS, "value": [0.01, -0.02, 0.0, 0.015, -0.005, 0.02]})
    return [
        (f"target_{lang}", targets.target_chart(panels[1], lang)),
        (f"overview_{lang}", targets.overview(panels, lang, "规划目标总览")),
        (f"fan_{lang}", fan.fan_chart(fan.FanPanel(growth, bands, required, "亿元", 0.4),
                                      lang)),
        (f"sensitivity_{lang}", sensitivity.sensitivity_chart(indices, "sobol", lang)),
        (f"fit_{lang}", calibration.fit_chart("服务业增加值", path, path.iloc[::2] * 1.02,
                                              lang)),
        (f"prior_{lang}", calibration.prior_posterior_chart(
            "services_price_growth", draws, grid, np.exp(-((grid - 0.05) / 0.02) ** 2), lang)),
        (f"shock_{lang}", calibration.shock_chart("服务价格冲击", shocks, lang)),
        (f"backtest_{lang}", calibration.backtest_chart("services_va", bt, 2023, lang)),
        (f"review_{lang}", review.review_chart(
            {"target": level, "actual": path.iloc[:3], "paths": {"基准": path, "高速": path * 1.1},
             "band": bands, "band_at": 1, "required": path.iloc[2:] * 1.05,
             "marker": float(path.iloc[-1] * 1.05), "index": False, "unit": "亿元"},
            lang)),
    ]


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    write_all([c for lang in ("zh", "en") for c in canvases(lang)], folder, workers=2)
    write_all(canvases("zh")[:1], folder / "print", dpi=300)
