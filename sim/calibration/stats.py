"""Goodness of fit the way system dynamics reports it: errors, R² and Theil's statistics.

Theil's inequality statistics split the mean squared error (MSE) of simulated S against
actual A into three shares that add up to 1 (Sterman 1984):

    U_M = (mean S - mean A)^2 / MSE                bias
    U_S = (sd S - sd A)^2 / MSE                    unequal variation
    U_C = 2 (1 - r) sd S sd A / MSE                unequal covariation (point-by-point noise)

with population standard deviations and r the correlation of S and A. A good fit has most of
its error in U_C; a large U_M or U_S points to a systematic error.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

COLUMNS = ["series", "n", "rmse", "mape", "r2", "theil_u", "um", "us", "uc"]


def series_stats(observed, simulated) -> dict:
    """Fit statistics of one series; NaN where a statistic is undefined (e.g. n = 1)."""
    a = np.asarray(observed, dtype=float)
    s = np.asarray(simulated, dtype=float)
    err = s - a
    mse = float(np.mean(err ** 2))
    out = {"n": len(a), "rmse": math.sqrt(mse),
           "mape": float(np.mean(np.abs(err / a))) * 100 if np.all(a != 0) else math.nan}
    ss_tot = float(np.sum((a - a.mean()) ** 2))
    out["r2"] = 1 - float(np.sum(err ** 2)) / ss_tot if ss_tot > 0 else math.nan
    denominator = math.sqrt(float(np.mean(s ** 2))) + math.sqrt(float(np.mean(a ** 2)))
    out["theil_u"] = math.sqrt(mse) / denominator if denominator > 0 else math.nan
    if mse == 0 or len(a) < 2:
        out.update(um=math.nan, us=math.nan, uc=math.nan)
        return out
    sd_s, sd_a = float(s.std()), float(a.std())
    r = float(np.corrcoef(s, a)[0, 1]) if sd_s > 0 and sd_a > 0 else 0.0
    out["um"] = (s.mean() - a.mean()) ** 2 / mse
    out["us"] = (sd_s - sd_a) ** 2 / mse
    out["uc"] = 2 * (1 - r) * sd_s * sd_a / mse
    return out


def table(fit: pd.DataFrame) -> pd.DataFrame:
    """Statistics per series of a fit table (series, observed, simulated)."""
    rows = [{"series": name, **series_stats(g["observed"], g["simulated"])}
            for name, g in fit.groupby("series", sort=True)]
    return pd.DataFrame(rows, columns=COLUMNS)
