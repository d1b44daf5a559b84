"""The time a run may span: times of at most four digits, at most MAX_SPAN years and
MAX_STEPS steps.

A run's cost grows with (final - initial) / step, so an absurd time: section (a final year
of 1e9, a step of 1e-7) is refused before anything runs. The span is counted in years of
the model's own time unit (Vensim's units of TIME STEP: 571 days are 1.6 years), because
what it guards against is a horizon over which a model's growth stops meaning anything
(and overflows), not cost, which the step budget bounds; a unit that is not a measure of
time leaves the steps alone to count. Times are not tied to the calendar, so that a model
that counts time from 0 still runs.
"""

from __future__ import annotations

from .budget import MAX_STEPS

LIMIT = 9999  # times and years lie in [-LIMIT, LIMIT]
MAX_SPAN = 300  # years
YEARS_PER = {"year": 1, "quarter": 1 / 4, "month": 1 / 12, "week": 7 / 365.25,
             "day": 1 / 365.25, "hour": 1 / 8766, "minute": 1 / 525_960,
             "second": 1 / 31_557_600}


def years_per(unit: str) -> float | None:
    """Years in one unit of a model's time ("Year", "Months", "day"...), None if unknown."""
    name = " ".join(str(unit).split()).lower()
    return YEARS_PER.get(name) or YEARS_PER.get(name.removesuffix("s"))


def problems(time: dict, unit: str = "year") -> list[tuple[str, str]]:
    """(key, message) for each way a complete {initial, final, step, saveper} is unusable,
    for a model whose time is counted in `unit`."""
    out = []
    initial, final, step, saveper = (time[k] for k in ("initial", "final", "step", "saveper"))
    for key, value in (("initial", initial), ("final", final)):
        if not -LIMIT <= value <= LIMIT:
            out.append((f"time.{key}", f"{value:g} is not a year; give one from -{LIMIT} to "
                        f"{LIMIT}, such as 2025."))
    if out:
        return out
    years = (final - initial) * (years_per(unit) or 0)
    if final <= initial:
        out.append(("time.final", "must be after time.initial."))
    elif years > MAX_SPAN:
        span = f"{final - initial:g} years" if years_per(unit) == 1 else \
            f"{final - initial:g} {unit} ({years:.0f} years)"
        out.append(("time.final", f"a run of {span}; at most {MAX_SPAN} years are allowed. "
                    "Bring time.final closer to time.initial."))
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
