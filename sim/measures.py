"""Target arithmetic on arrays of (years x members): every caller measures targets here.

One rule per target kind and comparator:

- level: the value in the target year (times `scale`, 100 for a share in %);
- cagr: compound annual growth from the base year, (v_T / v_0)^(1/(T-0)) - 1, in %;
- cumulative_growth: total growth from the base year, v_T / v_0 - 1, in %;
- average_growth: a tracked yearly growth rate (in %) averaged as the CAGR from the base
  year: the rates chain into an index (1 in the base year) and the index's CAGR is the
  measure, so one good year is never read as the average.

A growth target implies a level (base x (1 + g)^(T-0), or base x (1 + g)): it is met once
the level reaches it. Comparators: at_least and reach are met from the target up; approx
(左右) is met within target ± tolerance, and above the band it is "exceeded" (超额), which
counts as met, unless the target is read strictly, when it is "above" and not met.
"""

from __future__ import annotations

import numpy as np

MEASURES = ("level", "cagr", "cumulative_growth", "average_growth")
GROWTH = ("cagr", "cumulative_growth", "average_growth")
COMPARATORS = ("approx", "at_least", "reach")
STATUSES = ("met", "exceeded", "above", "below")
MET = ("met", "exceeded")


def _slack(target: float) -> float:
    return 1e-9 * max(1.0, abs(target))


def yoy(values: np.ndarray) -> np.ndarray:
    """Year-on-year growth in % along the first axis: one row fewer than `values`."""
    values = np.asarray(values, dtype=float)
    return (values[1:] / values[:-1] - 1.0) * 100.0


def index_from_rates(rates: np.ndarray) -> np.ndarray:
    """Yearly growth rates in % chained into an index that is 1 in the year before the first."""
    rates = np.asarray(rates, dtype=float)
    ones = np.ones((1,) + rates.shape[1:])
    return np.concatenate([ones, np.cumprod(1.0 + rates / 100.0, axis=0)])


def cagr(end, start, years) -> np.ndarray:
    """Compound annual growth in % from `start` to `end` over `years` years."""
    return ((np.asarray(end, float) / np.asarray(start, float)) ** (1.0 / years) - 1.0) * 100.0


def cumulative(end, start) -> np.ndarray:
    """Total growth in % from `start` to `end`."""
    return (np.asarray(end, float) / np.asarray(start, float) - 1.0) * 100.0


def points_per_year(end, start, years) -> np.ndarray:
    """Average change per year of a share, in percentage points."""
    return (np.asarray(end, float) - np.asarray(start, float)) / years


def value(values: np.ndarray, years, measure: str, year: int, base_year: int,
          scale: float = 1.0) -> np.ndarray:
    """The target's measure for every member (NaN where the years are not covered).

    `values` is (years, members) of the level, or for average_growth of the yearly rates
    in %; `years` labels its rows."""
    values = np.asarray(values, dtype=float)
    index = {int(y): i for i, y in enumerate(years)}
    nan = np.full(values.shape[1:], np.nan)
    if year not in index:
        return nan
    if measure == "level":
        return values[index[year]] * scale
    if measure == "average_growth":
        wanted = range(base_year + 1, year + 1)
        if any(y not in index for y in wanted):
            return nan
        chained = index_from_rates(values[[index[y] for y in wanted]])
        return cagr(chained[-1], 1.0, year - base_year)
    if base_year not in index:
        return nan
    end, start = values[index[year]], values[index[base_year]]
    if measure == "cagr":
        return cagr(end, start, year - base_year)
    return cumulative(end, start)


def implied_level(measure: str, rate: float, years: int, base=1.0):
    """The level a growth target implies `years` after the base (base x growth)."""
    if measure == "cumulative_growth":
        return base * (1.0 + rate / 100.0)
    return base * (1.0 + rate / 100.0) ** years


def bounds(target: float, comparator: str, tolerance: float) -> tuple[float, float]:
    """The band a measured value must fall in: [target - tol, target + tol] for approx,
    [target, inf) otherwise."""
    if comparator == "approx":
        tol = 0.0 if tolerance is None or np.isnan(tolerance) else float(tolerance)
        return target - tol, target + tol
    return target, np.inf


def level_bounds(measure: str, target: float, comparator: str, tolerance: float,
                 years: int, base=1.0) -> tuple:
    """The band in levels: the target itself for a level target, the implied levels of the
    band's rates for a growth target."""
    lo, hi = bounds(target, comparator, tolerance)
    if measure == "level":
        return lo, hi
    return (implied_level(measure, lo, years, base),
            np.inf if np.isinf(hi) else implied_level(measure, hi, years, base))


def classify(measured, lo: float, hi: float, strict: bool = False) -> np.ndarray:
    """met / exceeded / above / below for measured values against the band [lo, hi]."""
    measured = np.asarray(measured, dtype=float)
    flat = np.atleast_1d(measured)
    out = np.where(flat >= lo - _slack(lo), "met", "below").astype(object)
    out[flat > hi + _slack(hi if np.isfinite(hi) else lo)] = "above" if strict else "exceeded"
    out[np.isnan(flat)] = ""
    return out.reshape(measured.shape)


def status(measured, target: float, comparator: str, tolerance: float,
           strict: bool = False) -> np.ndarray:
    """classify() of a measure against its target's band."""
    return classify(measured, *bounds(target, comparator, tolerance), strict)


def met(measured, target: float, comparator: str, tolerance: float,
        strict: bool = False) -> np.ndarray:
    """Whether each value meets the target (exceeding a 左右 band counts unless strict)."""
    return np.isin(status(measured, target, comparator, tolerance, strict), MET)


def is_points(measure: str, unit: str) -> bool:
    """A share in %: its change is counted in percentage points, not in growth."""
    return measure == "level" and unit == "%"


def required(latest, latest_year: int, level, year: int, points: bool = False):
    """What is still needed each year from `latest` to `level` by `year`: growth in %, or
    percentage points for a share."""
    if points:
        return points_per_year(level, latest, year - latest_year)
    return cagr(level, latest, year - latest_year)


def required_path(start_year: int, start: float, year: int, level: float,
                  points: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(years, values) of the constant-pace path from `start` to `level`: constant growth,
    or a constant change in points for a share."""
    years = np.arange(start_year, year + 1)
    frac = (years - start_year) / (year - start_year)
    if points:
        return years, start + (level - start) * frac
    return years, start * (level / start) ** frac


def on_track(start_year: int, start: float, latest_year: int, latest: float, year: int,
             level: float, points: bool = False) -> bool:
    """Whether `latest` is on or above the constant-pace path from `start` to `level`."""
    years, path = required_path(start_year, start, year, level, points)
    expected = path[years == latest_year][0]
    return bool(latest >= expected - _slack(expected))


def band_paths(measure: str, target: float, comparator: str, tolerance: float,
               base_year: int, base: float, year: int):
    """(years, lower, upper) constant-pace paths from `base` to the two ends of a growth
    target's 左右 band."""
    lo, hi = level_bounds(measure, target, comparator, tolerance, year - base_year, base)
    years, lower = required_path(base_year, base, year, lo)
    return years, lower, required_path(base_year, base, year, hi)[1]
