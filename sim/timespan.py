"""The time a run may span: times of at most four digits and at most MAX_STEPS steps.

A run's cost grows with (final - initial) / step, so an absurd time: section (a final year
of 1e9, a step of 1e-7) is refused before anything runs. The budget counts steps, not
years: a model's time unit is its own (years, months, days, seconds), and only the number
of steps costs time and memory. Times are not tied to the calendar, so that a model that
counts time from 0 still runs.
"""

from __future__ import annotations

from .budget import MAX_STEPS

LIMIT = 9999  # times and years lie in [-LIMIT, LIMIT]


def problems(time: dict) -> list[tuple[str, str]]:
    """(key, message) for each way a complete {initial, final, step, saveper} is unusable."""
    out = []
    initial, final, step, saveper = (time[k] for k in ("initial", "final", "step", "saveper"))
    for key, value in (("initial", initial), ("final", final)):
        if not -LIMIT <= value <= LIMIT:
            out.append((f"time.{key}", f"{value:g} is not a year; give one from -{LIMIT} to "
                        f"{LIMIT}, such as 2025."))
    if out:
        return out
    if final <= initial:
        out.append(("time.final", "must be after time.initial."))
    if step <= 0:
        out.append(("time.step", "must be a positive number of years."))
    elif final > initial and (final - initial) / step > MAX_STEPS:
        out.append(("time.step", f"{(final - initial) / step:.3g} steps from {initial:g} to "
                    f"{final:g}; at most {MAX_STEPS:,} are allowed. Use a larger step."))
    elif saveper < step or not _is_multiple(saveper, step):
        out.append(("time.saveper", "must be a whole multiple of time.step."))
    elif final > initial and saveper > final - initial:
        out.append(("time.saveper", f"{saveper:g} is longer than the run ({final - initial:g} "
                    "years), so nothing after the start would be saved. Make it shorter."))
    return out


def _is_multiple(a: float, b: float) -> bool:
    ratio = a / b
    return abs(ratio - round(ratio)) < 1e-9
