"""The year rule, written once: a value given for year Y drives the flows from Y-1 to Y.

A value in force at time t drives the step from t to t+dt, which belongs to year floor(t)+1.
Every runner turns a scenario's `series` (and solved shocks) into functions of time here.
"""

from __future__ import annotations

import math


def year_of_step(t: float) -> int:
    """The year whose growth the step starting at time t belongs to."""
    return int(math.floor(t + 1e-9)) + 1


def step_function(by_year: dict, default, fixed: dict | None = None):
    """A function of time: `fixed[Y]` (solved values) first, then `by_year[Y]` (the
    scenario's), else `default`; values may be numbers or arrays of one value per member."""
    fixed = fixed or {}

    def value(t):
        year = year_of_step(t)
        if year in fixed:
            return fixed[year]
        return by_year.get(year, default)

    return value
