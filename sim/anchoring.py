"""Runs anchored on observed data: the years already observed are data, not assumptions.

`anchors.csv` beside the model pairs each *input* of the model with the indicators that can pin
it, in order of preference:

- `initial` inputs (2020 levels such as `initial finance va`) are set so that the model's
  value at the initial time equals that year's actual;
- `shock` inputs (year-specific deviations added to a growth rate, 0 by default) are solved
  year by year, so that the model reproduces each observed year: real growth by sector, the
  price change by sector (from nominal levels and real growth) and the levels of the other
  stocks.

After the as-of year the scenario's own assumptions carry the projection (its shock series
included, for what-if shocks). Gaps are filled by one rule: a level or share missing between
two observations (the initial-time value counts as one) follows constant growth between them;
a missing growth rate, and any year after a series' last observation, keeps the scenario's
rate. Each solve is a Newton iteration on the batch engine, for one member or many at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators as ind
from . import measures
from . import model as model_mod
from .engine import batch
from .errors import InputError, Problem, SimError
from .yamlfile import display_path
from .yearly import step_function

CATALOGUE_NAME = "anchors.csv"
TOLERANCE = 1e-12          # relative residual at which a year counts as reproduced
ACCEPTABLE = 1e-9          # ... or, once the iterations stall at rounding noise, this
MAX_ITERATIONS = 40
OWN_JACOBIANS = 16         # up to this many members, each gets its own Jacobian
SHARED_ITERATIONS = 8
REPRODUCED = 5e-4          # relative gap within which an unanchored actual counts as met
PROVENANCE = ("observed", "filled", "modelled", "projected")


@dataclass(frozen=True)
class Anchor:
    """A model input and the indicators that can pin it, first choice first."""

    input: str
    kind: str
    indicators: tuple[str, ...]


@dataclass
class Solution:
    """Solved inputs: initial values per member and shocks by year per member."""

    initial: dict[str, np.ndarray]
    shocks: dict[str, dict[int, np.ndarray]]
    pinned: dict[int, list[tuple[str, str, str]]]   # year -> (input, indicator, how)
    goals: dict[tuple[str, int], tuple[float, str]]


@dataclass
class Anchored:
    """An anchored scenario with what was solved and where each value comes from."""

    scenario: object
    as_of: int
    provenance: pd.DataFrame
    shocks: pd.DataFrame
    checks: pd.DataFrame
    notices: list[str] = field(default_factory=list)
    results: pd.DataFrame | None = None


def configure(scenario, actuals: Path | None = None, as_of: int | None = None):
    """The scenario with an actuals file and as-of year given outside it (they win over its
    `actuals:` and `as_of:` keys)."""
    if actuals is not None:
        scenario = replace(scenario, actuals=Path(actuals).resolve())
    if as_of is not None:
        scenario = replace(scenario, as_of=int(as_of))
    if scenario.as_of is not None and scenario.actuals is None:
        raise InputError([Problem(display_path(scenario.path), "as_of", "an as-of year needs "
                                  "actuals. Add actuals: FILE (or --actuals FILE).")])
    return scenario


def catalogue_for(model_path: Path) -> list[Anchor] | None:
    """The anchors that ship beside `model_path`, or None for a model without them."""
    path = Path(model_path).with_name(CATALOGUE_NAME)
    if not path.is_file():
        return None
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    return [Anchor(r.input, r.kind, tuple(i for i in r.indicators.split("|") if i))
            for r in table.itertuples(index=False)]


def _indicator_rows(model_path: Path) -> dict[str, tuple[str, str, float]]:
    catalogue = ind.catalogue_for(model_path)
    return {r.id: (r.variable, r.measure, float(r.scale))
            for r in catalogue.itertuples(index=False) if r.variable}


def _goals(actuals: pd.DataFrame, rows: dict, t0: int, as_of: int,
           base: dict[str, float]) -> dict[tuple[str, int], tuple[float, str]]:
    """Observed values to reproduce, and levels filled by constant growth between them."""
    points: dict[str, dict[int, float]] = {}
    for indicator, year, value in zip(actuals["indicator"], actuals["year"], actuals["value"]):
        if indicator in rows and t0 <= year <= as_of:
            points.setdefault(indicator, {})[int(year)] = float(value)
    goals = {}
    for indicator, observed in sorted(points.items()):
        for year, value in observed.items():
            goals[(indicator, year)] = (value, "observed")
        if rows[indicator][1] != "level":
            continue
        known = dict(observed)
        if t0 not in known and indicator in base:
            known[t0] = base[indicator]
        years = sorted(known)
        for a, b in zip(years, years[1:]):
            if known[a] <= 0 or known[b] <= 0:
                continue
            for year in range(a + 1, b):
                share = (year - a) / (b - a)
                goals[(indicator, year)] = (known[a] * (known[b] / known[a]) ** share, "filled")
    return goals


def _plan(anchors: list[Anchor], goals: dict, year: int, initial: bool):
    """The inputs to solve in `year` and the indicator pinning each: observed before filled."""
    chosen, used = [], set()
    for anchor in anchors:
        if (anchor.kind == "initial") != initial:
            continue
        for how in ("observed",) if initial else ("observed", "filled"):
            pick = next((i for i in anchor.indicators if i not in used
                         and goals.get((i, year), (None, None))[1] == how), None)
            if pick:
                chosen.append((anchor.input, pick, how))
                used.add(pick)
                break
    return chosen


class _Model:
    """The batch model with a scenario's values and per-member inputs, run to a year."""

    def __init__(self, scenario, members: dict[str, np.ndarray] | None, initial_names: set):
        try:
            self.c = batch.compiled(scenario.model)
        except batch.Unsupported as exc:
            raise SimError(f"{scenario.model.name}: anchoring on actuals needs the batch "
                           f"engine, which does not support {exc}.") from None
        self.resolved = scenario.resolved_constants(model_mod.info(scenario.model))
        self.scenario = scenario
        self.members = {k: np.asarray(v, float) for k, v in (members or {}).items()}
        self.size = len(next(iter(self.members.values()))) if self.members else 1
        self.rows = _indicator_rows(scenario.model)
        self.initial_names = initial_names
        self.t0 = int(round(scenario.time["initial"]))
        self.outputs = sorted({batch.key(v) for v, _, _ in self.rows.values()})

    def run(self, year: int, initial: dict, shocks: dict, trial: dict | None = None,
            repeat: int = 1, which: np.ndarray | None = None) -> dict:
        """The members (those of `which`, or all) `repeat` times each, to `year`.

        `trial` gives one value per run (members x repeat, member-major) of inputs being
        solved: keyed by an initial input's name, or by (shock, year) for a shock."""
        trial = trial or {}
        pick = (lambda v: v) if which is None else (lambda v: np.asarray(v)[which])
        size = self.size if which is None else len(which)
        params = {batch.key(k): float(v) for k, v in self.scenario.constants.items()}
        drawn = {k: np.repeat(pick(v), repeat) for k, v in self.members.items()}
        params.update({batch.key(k): v for k, v in drawn.items()})
        params.update({batch.key(k): np.repeat(pick(v), repeat) for k, v in initial.items()})
        timed: dict[str, dict[int, np.ndarray]] = {}
        for key, values in trial.items():
            if isinstance(key, tuple):
                timed.setdefault(key[0], {})[key[1]] = values
            elif key in self.initial_names:
                params[batch.key(key)] = values
            else:
                timed.setdefault(key, {})[year] = values
        series = {}
        for name in set(self.scenario.series) | set(shocks) | set(timed):
            fixed = {y: np.repeat(pick(v), repeat) for y, v in shocks.get(name, {}).items()}
            fixed.update(timed.get(name, {}))
            default = drawn.get(name, self.resolved.get(name, 0.0))
            series[batch.key(name)] = step_function(self.scenario.series.get(name, {}),
                                                    default, fixed)
        time = {**self.scenario.time, "final": float(year), "saveper": 1.0}
        out = batch.simulate(self.c, params, time, series, self.outputs)
        n = size * repeat
        return {k: np.broadcast_to(np.asarray(v, float).reshape(len(out["time"]), -1),
                                   (len(out["time"]), n)) for k, v in out.items() if k != "time"}

    def value(self, out: dict, indicator: str, index: int) -> np.ndarray:
        """An indicator at saved index `index` (years since the start), in its own unit."""
        variable, measure, scale = self.rows[indicator]
        series = out[batch.key(variable)]
        if measure == "yoy":
            return measures.yoy(series[index - 1:index + 1])[0] / 100 * scale
        return series[index] * scale


def _newton(model: _Model, final: int, unknowns: list, equations: list, goals: dict,
            initial: dict) -> dict:
    """Solve `unknowns` (initial inputs, or (shock, year)) so that the `equations`
    ((indicator, year), one per unknown) meet their goals, for every member at once.

    Each Newton step runs n + 1 perturbed copies of a member at once for the Jacobian of the
    whole system (later years' shocks do not move earlier years: it is block triangular).
    A few members each get their own; a large ensemble shares the first member's for
    SHARED_ITERATIONS steps, then members not yet converged get their own."""
    n = len(unknowns)
    target = np.array([goals[e][0] for e in equations])
    scale = np.maximum(1.0, np.abs(target))
    start = np.array([model.resolved.get(u if isinstance(u, str) else u[0], 0.0)
                      for u in unknowns], float)
    u = np.repeat(start[None, :], model.size, axis=0)
    for j, key in enumerate(unknowns):
        name = key if isinstance(key, str) else key[0]
        if name in model.members:
            u[:, j] = model.members[name]

    def evaluate(values: np.ndarray, which: np.ndarray, repeat: int = 1) -> np.ndarray:
        trial = {key: values[:, j] for j, key in enumerate(unknowns)}
        out = model.run(final, initial, {}, trial, repeat, which)
        return np.stack([model.value(out, ind_, year - model.t0) for ind_, year in equations],
                        axis=-1)

    def jacobian(which: np.ndarray) -> np.ndarray:
        base = u[which]
        step = 1e-6 * np.maximum(1.0, np.abs(base))                          # (m, n)
        trials = np.repeat(base[:, None, :], n + 1, axis=1)                  # (m, n+1, n)
        for j in range(n):
            trials[:, j + 1, j] += step[:, j]
        f = evaluate(trials.reshape(-1, n), which, n + 1).reshape(len(which), n + 1, n)
        return (f[:, 1:, :] - f[:, :1, :]).transpose(0, 2, 1) / step[:, None, :]

    everyone = np.arange(model.size)
    own = model.size <= OWN_JACOBIANS
    for iteration in range(MAX_ITERATIONS):
        residual = evaluate(u, everyone) - target
        if not np.all(np.isfinite(residual)):
            break
        error = np.max(np.abs(residual) / scale, axis=1)
        if np.all(error <= TOLERANCE) or (iteration >= MAX_ITERATIONS // 2
                                          and np.all(error <= ACCEPTABLE)):
            return {key: u[:, j].copy() for j, key in enumerate(unknowns)}
        if not own and iteration == SHARED_ITERATIONS:
            own = True  # members the shared Jacobian leaves behind get their own
        moving = everyone[error > TOLERANCE] if own else everyone
        jac = jacobian(moving) if own else jacobian(everyone[:1])
        try:
            u[moving] -= np.linalg.solve(jac, residual[moving][..., None])[..., 0]
        except np.linalg.LinAlgError:
            break
    pinned = ", ".join(f"{i} {y}" for i, y in equations)
    raise SimError(f"anchoring cannot reproduce the actuals ({pinned}): no values of the "
                   "model's inputs give them. Check these actuals against each other.")


def solve(scenario, actuals: pd.DataFrame, as_of: int,
          members: dict[str, np.ndarray] | None = None) -> Solution:
    """Initial values and shocks that make every member reproduce the actuals to `as_of`.

    `members` maps parameter names (Vensim) to arrays of one value per member; without it,
    one member runs with the scenario's values."""
    anchors = catalogue_for(scenario.model)
    if anchors is None:
        raise SimError(f"{scenario.model.name}: no {CATALOGUE_NAME} beside the model, so a "
                       "run cannot be anchored on actuals. Drop --actuals.")
    model = _Model(scenario, members, {a.input for a in anchors if a.kind == "initial"})
    t0 = model.t0
    goals = _goals(actuals, model.rows, t0, as_of, {})
    initial: dict[str, np.ndarray] = {}
    pinned = {}
    chosen = _plan(anchors, goals, t0, initial=True)
    if chosen:
        initial = _newton(model, t0, [c[0] for c in chosen], [(c[1], t0) for c in chosen],
                          goals, {})
        pinned[t0] = chosen
    out = model.run(t0, initial, {})
    base = {i: float(model.value(out, i, 0)[0]) for i, row in model.rows.items()
            if row[1] == "level"}
    goals = _goals(actuals, model.rows, t0, as_of, base)
    unknowns, equations = [], []
    for year in range(t0 + 1, as_of + 1):
        chosen = _plan(anchors, goals, year, initial=False)
        if chosen:
            pinned[year] = chosen
            unknowns += [(c[0], year) for c in chosen]
            equations += [(c[1], year) for c in chosen]
    shocks: dict[str, dict[int, np.ndarray]] = {}
    if unknowns:
        solved = _newton(model, as_of, unknowns, equations, goals, initial)
        for (name, year), values in solved.items():
            shocks.setdefault(name, {})[year] = values
    return Solution(initial, shocks, pinned, goals)


def _provenance(results: pd.DataFrame, solution: Solution, actuals, rows, as_of):
    """Where each indicator value comes from, and every actual against the run."""
    yearly = ind.annual(results)
    table, checks = {}, []
    observed = {(r.indicator, int(r.year)): float(r.value) for r in actuals.itertuples()}
    anchored = {(c[1], y): c[2] for y, chosen in solution.pinned.items() for c in chosen}
    for indicator, (variable, measure, scale) in rows.items():
        if variable not in yearly.columns:
            continue
        series = yearly[variable].astype(float)
        if measure == "yoy":
            series = pd.Series(np.r_[np.nan, measures.yoy(series.to_numpy()) / 100],
                               index=series.index)
        series = series * scale
        column = {}
        for year in yearly.index:
            how = "projected" if year > as_of else "modelled"
            if anchored.get((indicator, year)) == "filled":
                how = "filled"
            if (indicator, year) in observed and year <= as_of and np.isfinite(series[year]):
                actual, value = observed[(indicator, year)], float(series[year])
                gap = (value - actual) / max(abs(actual), 1e-12)
                pinned = (indicator, year) in anchored
                how = "observed" if pinned or abs(gap) <= REPRODUCED else "modelled"
                checks.append({"indicator": indicator, "year": year, "actual": actual,
                               "model": value, "gap_pct": 100 * gap, "anchored": pinned})
            column[year] = how
        table[indicator] = column
    provenance = pd.DataFrame(table)
    provenance.index.name = "year"
    checks = pd.DataFrame(checks, columns=["indicator", "year", "actual", "model", "gap_pct",
                                           "anchored"])
    return provenance, checks


def as_of_year(scenario, actuals: pd.DataFrame, as_of: int | None) -> int:
    """The as-of year: the one given, or the latest year with data within the run."""
    t0, t1 = int(round(scenario.time["initial"])), int(round(scenario.time["final"]))
    if as_of is None:
        inside = actuals["year"][actuals["year"] <= t1]
        as_of = int(inside.max()) if len(inside) else t0
    if not t0 <= int(as_of) <= t1:
        raise SimError(f"as-of year {as_of} is outside the run ({t0}-{t1}). Give a year in "
                       "that range.")
    return max(int(as_of), t0)


def anchor(scenario, actuals: pd.DataFrame, as_of: int | None, run) -> Anchored:
    """The scenario anchored on `actuals` up to `as_of` (None: the latest year with data),
    run by `run(scenario) -> results`, with the provenance of every indicator value."""
    as_of = as_of_year(scenario, actuals, as_of)
    solution = solve(scenario, actuals, as_of)
    constants = {**scenario.constants, **{k: float(v[0]) for k, v in solution.initial.items()}}
    series = {k: dict(v) for k, v in scenario.series.items()}
    for name, by_year in solution.shocks.items():
        series.setdefault(name, {}).update({y: float(v[0]) for y, v in by_year.items()})
    anchored = replace(scenario, constants=constants, series=series, actuals=None,
                       as_of=None)
    results = run(anchored)
    rows = _indicator_rows(scenario.model)
    provenance, checks = _provenance(results, solution, actuals, rows, as_of)
    notices = _notices(scenario, solution, as_of)
    for row in checks[~checks["anchored"]].itertuples():
        if abs(row.gap_pct) > 100 * REPRODUCED:
            notices.append(f"{row.indicator} {row.year}: observed {row.actual:g}, the anchored "
                           f"run gives {row.model:.6g}; other observed series pin that year.")
    shocks = pd.DataFrame({name: {y: float(v[0]) for y, v in by_year.items()}
                           for name, by_year in sorted(solution.shocks.items())})
    shocks.index.name = "year"
    return Anchored(anchored, as_of, provenance, shocks.sort_index(), checks, notices,
                    results)


def _notices(scenario, solution: Solution, as_of: int) -> list[str]:
    """Scenario values that the data override, one line each."""
    notices = []
    for name, by_year in sorted(scenario.series.items()):
        covered = sorted(y for y in by_year if y <= as_of)
        if not covered:
            continue
        years = ", ".join(str(y) for y in covered)
        if name in solution.shocks:
            notices.append(f"series '{name}' for {years}: replaced in observed years by the "
                           "value that reproduces the actuals.")
        else:
            notices.append(f"series '{name}' for {years}: observed years, where the actuals "
                           "win; it matters there only for what no actual pins.")
    for name in sorted(set(scenario.constants) & set(solution.initial)):
        notices.append(f"'{name}': set from the actuals of the initial year, not from the "
                       "scenario.")
    return notices
