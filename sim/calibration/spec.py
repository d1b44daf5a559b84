"""Calibration specs (calibration/*.yaml) and their observed data, checked strictly.

A spec names a base scenario, a data file in long form, the time window, initial stock
values for an earlier start, the parameters to fit with bounds, weights per series, the
method and a seed. Every problem is reported at once, as for scenario files.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import indicators as ind
from .. import model as model_mod
from .. import scenario as scen
from ..errors import InputError, Problem
from ..inputfile import CSV_LIMIT, Unreadable, read_text
from ..names import check_output_name
from ..yamlfile import display_path, is_number, line_of, read_yaml, suggest
from . import priors as priors_mod

KEYS = ("name", "description", "scenario", "data", "time", "initial", "parameters", "weights",
        "method", "checks", "noise", "skip_basis", "likelihood")
LIKELIHOODS = ("residuals", "shocks")
METHOD_KEYS = ("name", "starts", "seed", "max_runs", "walkers", "steps", "burn")
METHODS = ("mcmc", "least_squares", "differential_evolution")
CHECK_KEYS = ("label", "indicator", "measure", "from", "to", "plan")
CHECK_MEASURES = ("cagr", "level", "change_per_year")


@dataclass
class FitParameter:
    name: str
    lower: float
    upper: float
    start: float
    prior: dict | None = None
    source: str = ""
    historical: tuple[float, float] | None = None
    line: int | None = None


@dataclass
class Check:
    """A summary figure of the plan that the fitted model should reproduce."""

    label: str
    indicator: str
    measure: str
    start: int
    end: int
    plan: float


@dataclass
class Spec:
    name: str
    path: Path
    scenario: scen.Scenario
    base_path: Path
    data: pd.DataFrame
    parameters: list[FitParameter]
    weights: dict[str, float] = field(default_factory=dict)
    method: str = "least_squares"
    starts: int = 4
    seed: int = 0
    max_runs: int = 2000
    description: dict = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    walkers: int = 32
    steps: int = 1500
    burn: int = 500
    noise: dict[str, float] = field(default_factory=dict)
    skip_basis: tuple[str, ...] = ()
    data_path: Path | None = None
    likelihood: str = "residuals"


def load_data(path: Path, known: set[str], window: tuple[float, float] | None = None,
              columns: tuple[str, ...] = ("year", "indicator", "value")) -> pd.DataFrame:
    """Observed series (year, indicator, value[, unit, source]), within `window` if given.

    `columns` are the ones the file must have; every bad row is reported with its line.
    """
    shown = display_path(path)
    try:
        reader = csv.DictReader(io.StringIO(read_text(path, CSV_LIMIT, "utf-8-sig"),
                                            newline=""))
        header = reader.fieldnames or []
        rows = list(reader)
    except FileNotFoundError:
        raise InputError([Problem(shown, "", "data file not found. Check the path.")]) from None
    except Unreadable as exc:
        raise InputError([Problem(shown, "", str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(shown, "", f"cannot read the file ({exc}). Save it as "
                                             "UTF-8 CSV.")]) from None
    problems: list[Problem] = []
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError([Problem(shown, "", f"missing column(s) {', '.join(missing)}. The "
                                             f"header must include {','.join(columns)}.")])
    seen: dict[tuple, int] = {}
    records = []
    for number, row in enumerate(rows, start=2):
        year_text, name, value_text = (row["year"] or "").strip(), (row["indicator"] or ""
                                                                     ).strip(), row["value"]
        try:
            year = int(year_text)
        except ValueError:
            problems.append(Problem(shown, "year", f"year missing or not a whole number "
                                    f"({year_text!r}). Give the calendar year, e.g. 2021.", number))
            continue
        try:
            value = float((value_text or "").strip())
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            problems.append(Problem(shown, "value", f"not a number ({value_text!r}) for {name} "
                                    f"{year}. Write the figure in the indicator's unit.", number))
            continue
        if name not in known:
            problems.append(Problem(shown, "indicator", f"unknown indicator {name!r}."
                                    f"{suggest(name, sorted(known))} Use a plan indicator id "
                                    "(models/indicators.csv) or a model variable name.", number))
            continue
        if (year, name) in seen:
            problems.append(Problem(shown, "", f"duplicate row for {name} {year} (also line "
                                    f"{seen[(year, name)]}). Keep one.", number))
            continue
        seen[(year, name)] = number
        records.append({"year": year, "indicator": name, "value": value,
                        "unit": row.get("unit", ""), "source": row.get("source", ""),
                        "basis": (row.get("basis") or "").strip(), "line": number})
    if problems:
        raise InputError(problems)
    data = pd.DataFrame(records, columns=["year", "indicator", "value", "unit", "source",
                                          "basis", "line"])
    if window is None:
        if data.empty:
            raise InputError([Problem(shown, "", "no data rows. Add rows under the header.")])
        return data
    inside = data[(data["year"] > window[0]) & (data["year"] <= window[1])]
    if inside.empty:
        raise InputError([Problem(shown, "", f"no observations in the time window "
                                             f"({window[0]:g}, {window[1]:g}]. Widen time: or "
                                             "add data.")])
    return inside.reset_index(drop=True)


def load(path: str | Path) -> Spec:
    """Read and check a calibration spec; raise InputError listing every problem."""
    path = Path(path)
    shown = display_path(path)
    problems: list[Problem] = []
    data = read_yaml(path, shown, problems)
    if data is None:
        raise InputError(problems)
    path = path.resolve()
    for key in data:
        if key not in KEYS:
            problems.append(Problem(shown, str(key), f"unknown key. Allowed: {', '.join(KEYS)}."
                                    f"{suggest(key, KEYS)}", line_of(data, key)))
    for key in ("scenario", "data", "parameters"):
        if key not in data:
            problems.append(Problem(shown, key, "missing. See calibration/README.md."))
    if problems:
        raise InputError(problems)
    base_path = (path.parent / str(data["scenario"])).resolve()
    base = scen.load(base_path)
    time = data.get("time") if isinstance(data.get("time"), dict) else {}
    initial = data.get("initial") if isinstance(data.get("initial"), dict) else {}
    lines = {**{f"time.{k}": line_of(time, k) for k in time},
             **{f"constants.{k}": line_of(initial, k) for k in initial}}
    try:
        scenario = scen.with_values(base, shown, dict(time), dict(initial), lines)
    except InputError as exc:
        raise InputError([Problem(p.file, p.key.replace("constants.", "initial."), p.message,
                                  p.line) for p in exc.problems]) from None
    info = model_mod.info(scenario.model)
    parameters = _parameters(data, info, shown, problems)
    method = data.get("method") or {}
    if not isinstance(method, dict):
        problems.append(Problem(shown, "method", "must be a mapping with name, starts, seed.",
                                line_of(data, "method")))
        method = {}
    for key, value in method.items():
        where, line = f"method.{key}", line_of(method, key)
        if key not in METHOD_KEYS:
            problems.append(Problem(shown, where, f"unknown key. Allowed: "
                                    f"{', '.join(METHOD_KEYS)}.{suggest(key, METHOD_KEYS)}", line))
        elif key == "name" and value not in METHODS:
            problems.append(Problem(shown, where, f"must be one of {', '.join(METHODS)}."
                                    f"{suggest(str(value), METHODS)}", line))
        elif key != "name" and (not isinstance(value, int) or isinstance(value, bool)
                                or value < (0 if key in ("seed", "burn") else 1)):
            problems.append(Problem(shown, where, "must be a whole number"
                                    + (" >= 0." if key in ("seed", "burn") else " >= 1."),
                                    line))
    known = known_series(scenario)
    weights = {}
    for name, value in (data.get("weights") or {}).items():
        if name not in known:
            problems.append(Problem(shown, f"weights.{name}", f"unknown series.{suggest(name, known)}",
                                    line_of(data["weights"], name)))
        elif not is_number(value) or value < 0:
            problems.append(Problem(shown, f"weights.{name}", "must be a number >= 0.",
                                    line_of(data["weights"], name)))
        else:
            weights[name] = float(value)
    checks = _checks(data, known, shown, problems)
    name = _method_name(method, parameters, shown, problems)
    sampler = _sampler(method, shown, problems)
    noise = _noise(data, known, shown, problems)
    skip = _skip_basis(data, shown, problems)
    likelihood = data.get("likelihood", "residuals")
    if likelihood not in LIKELIHOODS:
        problems.append(Problem(shown, "likelihood", f"must be one of {', '.join(LIKELIHOODS)}."
                                f"{suggest(str(likelihood), LIKELIHOODS)}",
                                line_of(data, "likelihood")))
    elif likelihood == "shocks" and name != "mcmc":
        problems.append(Problem(shown, "likelihood", "shocks needs method mcmc. Set method: "
                                "{name: mcmc} or drop likelihood.", line_of(data, "likelihood")))
    if bad := check_output_name(data.get("name") or path.stem):
        problems.append(Problem(shown, "name", bad, line_of(data, "name")))
    if problems:
        raise InputError(problems)
    data_path = (path.parent / str(data["data"])).resolve()
    observed = observations(data_path, scenario, (scenario.time["initial"],
                                                  scenario.time["final"]), skip,
                            anchored=likelihood == "shocks")
    desc = data.get("description") or {}
    return Spec(name=str(data.get("name") or path.stem), path=path, scenario=scenario,
                base_path=base_path, data=observed, parameters=parameters, weights=weights,
                method=name, starts=method.get("starts", 4),
                seed=method.get("seed", 0), max_runs=method.get("max_runs", 2000),
                description=desc if isinstance(desc, dict) else {"en": str(desc)},
                checks=checks, noise=noise, skip_basis=skip, data_path=data_path,
                likelihood=likelihood, **sampler)


def known_series(scenario) -> set[str]:
    """Series the model computes: its variables and the indicator ids mapped to one."""
    catalogue = ind.catalogue_for(scenario.model)
    known = set(model_mod.info(scenario.model).variables)
    if catalogue is None:
        return known
    return known | set(catalogue.loc[catalogue["variable"].astype(bool), "id"])


def observations(path: Path, scenario, window, skip_basis=(), anchored=False) -> pd.DataFrame:
    """The rows of a data file the model can be compared with: within `window`, not on a
    skipped basis; rows of series the model only tracks (no model variable) are left out.

    `anchored` data are actuals, read by the anchoring's own loader (sim/actuals.py: units,
    plausible ranges, grades, bases checked), as a run anchored on the same file reads them."""
    from .. import actuals
    from .. import targets as tgt

    modelled = known_series(scenario)
    if anchored:
        data = actuals.load(path, scenario.model)
        data = data[(data["year"] > window[0]) & (data["year"] <= window[1])]
    else:
        known = set(modelled)
        for catalogue in (ind.catalogue_for(scenario.model), tgt.catalogue_for(scenario.model)):
            known |= set(catalogue["id"]) if catalogue is not None else set()
        data = load_data(path, known, window)
    keep = data["indicator"].isin(modelled) & ~data["basis"].isin(skip_basis)
    if not keep.any():
        raise InputError([Problem(display_path(path), "", "no modelled observations in the "
                                  "time window. Widen time: or add data.")])
    return data[keep].reset_index(drop=True)


def _method_name(method: dict, parameters, shown, problems) -> str:
    """mcmc when every parameter has a prior (or when asked, which then needs priors);
    least squares otherwise."""
    with_prior = all(p.prior is not None for p in parameters)
    name = method.get("name", "mcmc" if with_prior and parameters else "least_squares")
    if name == "mcmc":
        for p in parameters:
            if p.prior is None:
                problems.append(Problem(shown, f"parameters.{p.name}", "mcmc needs a prior. "
                                        "Add prior: {distribution: ..., source: ...}.",
                                        p.line))
    return name


def _sampler(method: dict, shown, problems) -> dict:
    """walkers, steps and burn of the ensemble sampler."""
    out = {k: method[k] for k in ("walkers", "steps", "burn") if isinstance(method.get(k), int)}
    walkers, steps, burn = out.get("walkers", 32), out.get("steps", 1500), out.get("burn", 500)
    if walkers < 4 or walkers % 2:
        problems.append(Problem(shown, "method.walkers", "must be an even number >= 4.",
                                line_of(method, "walkers")))
    if burn >= steps:
        problems.append(Problem(shown, "method.burn", f"must be below steps ({steps}). Lower "
                                "burn or raise steps.", line_of(method, "burn")))
    return out


def _noise(data, known, shown, problems) -> dict[str, float]:
    """Prior guess of each series' relative error scale (see likelihood.py)."""
    raw = data.get("noise") or {}
    if not isinstance(raw, dict):
        problems.append(Problem(shown, "noise", "must map series names to numbers > 0.",
                                line_of(data, "noise")))
        return {}
    out = {}
    for name, value in raw.items():
        if name not in known:
            problems.append(Problem(shown, f"noise.{name}", f"unknown series."
                                    f"{suggest(name, known)}", line_of(raw, name)))
        elif not is_number(value) or value <= 0:
            problems.append(Problem(shown, f"noise.{name}", "must be a number > 0 (a fraction "
                                    "of the series' mean level, e.g. 0.02).", line_of(raw, name)))
        else:
            out[name] = float(value)
    return out


def _skip_basis(data, shown, problems) -> tuple[str, ...]:
    """Statistical bases (the data's basis column) left out of the fit."""
    raw = data.get("skip_basis") or []
    if not isinstance(raw, list) or not all(isinstance(b, str) for b in raw):
        problems.append(Problem(shown, "skip_basis", "must be a list of basis names, e.g. "
                                "[pre2018].", line_of(data, "skip_basis")))
        return ()
    return tuple(raw)


def _parameters(data, info, shown, problems) -> list[FitParameter]:
    raw = data.get("parameters")
    if not isinstance(raw, dict) or not raw:
        problems.append(Problem(shown, "parameters", "list at least one parameter to fit, "
                                "each with bounds: [lower, upper].", line_of(data, "parameters")))
        return []
    out = []
    for spec, where, line, p in info.known_parameters(raw, shown, "parameters", problems):
        real = p.name
        spec = spec if isinstance(spec, dict) else {}
        bounds = spec.get("bounds")
        if not (isinstance(bounds, list) and len(bounds) == 2 and all(map(is_number, bounds))
                and bounds[0] < bounds[1]):
            problems.append(Problem(shown, where, "needs bounds: [lower, upper] with lower < "
                                    "upper.", line))
            continue
        if p.outside(bounds[0], bounds[1]):
            problems.append(Problem(shown, where, f"bounds [{bounds[0]:g}, {bounds[1]:g}] "
                                    f"reach outside the model's range {p.range_text()}. "
                                    "Narrow them.", line))
            continue
        unknown = set(spec) - {"bounds", "start", "prior", "historical"}
        if unknown:
            problems.append(Problem(shown, f"{where}.{sorted(unknown)[0]}", "unknown key. "
                                    "Allowed: bounds, start, prior, historical.", line))
            continue
        start = spec.get("start", p.value)
        if not is_number(start) or not bounds[0] <= start <= bounds[1]:
            problems.append(Problem(shown, f"{where}.start", "must be a number within the "
                                    "bounds.", line))
            continue
        prior = None
        if "prior" in spec:
            prior = priors_mod.check(spec["prior"], where, line_of(spec, "prior") or line,
                                     (float(bounds[0]), float(bounds[1])), shown, problems)
            if prior is None:
                continue
        historical = spec.get("historical")
        if historical is not None and not (isinstance(historical, list) and len(historical) == 2
                                           and all(map(is_number, historical))
                                           and historical[0] <= historical[1]):
            problems.append(Problem(shown, f"{where}.historical", "must be [lowest, highest] "
                                    "seen in the record.", line_of(spec, "historical") or line))
            continue
        out.append(FitParameter(real, float(bounds[0]), float(bounds[1]), float(start),
                                prior[0] if prior else None, prior[1] if prior else "",
                                tuple(map(float, historical)) if historical else None, line))
    return out


def _checks(data, known, shown, problems) -> list[Check]:
    out = []
    for i, item in enumerate(data.get("checks") or []):
        where = f"checks[{i}]"
        if not isinstance(item, dict) or set(item) - set(CHECK_KEYS) or \
                set(CHECK_KEYS) - set(item):
            problems.append(Problem(shown, where, f"needs exactly {', '.join(CHECK_KEYS)}."))
            continue
        if item["indicator"] not in known or item["measure"] not in CHECK_MEASURES:
            problems.append(Problem(shown, where, f"indicator must be a series name and "
                                    f"measure one of {', '.join(CHECK_MEASURES)}."))
            continue
        out.append(Check(str(item["label"]), item["indicator"], item["measure"],
                         int(item["from"]), int(item["to"]), float(item["plan"])))
    return out
