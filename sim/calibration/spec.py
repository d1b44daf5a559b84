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
from pydantic import ValidationError

from .. import indicators as ind
from .. import model as model_mod
from .. import modelcheck, schema
from .. import scenario as scen
from ..errors import InputError, Problem
from ..inputfile import CSV_LIMIT, Unreadable, read_text
from ..names import check_output_name
from ..schema import calibration as schema_cal
from ..schema import types
from ..schema.calibration import SpecFile
from ..yamlfile import display_path, line_of, read_yaml, suggest
from . import priors as priors_mod

DE_POPULATION = 15  # differential evolution's population per parameter


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
    given: str = ""  # the name as the spec writes it


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
    checked = schema.check(SpecFile, data, shown, problems)
    if checked is None:
        raise InputError(problems)
    base_path = (path.parent / checked.scenario).resolve()
    try:
        base = scen.load(base_path)
    except InputError as exc:
        raise InputError(problems + exc.problems) from None
    time = {k: getattr(checked.time, k) for k in checked.time.model_fields_set} \
        if checked.time is not None else {}
    initial = checked.initial or {}
    raw_time, raw_initial = data.get("time"), data.get("initial")
    lines = {**{f"time.{k}": line_of(raw_time, k) for k in time},
             **{f"constants.{k}": line_of(raw_initial, k) for k in initial}}
    try:
        scenario = scen.with_values(base, shown, time, initial, lines)
    except InputError as exc:
        raise InputError(problems + [Problem(p.file, p.key.replace("constants.", "initial."),
                                             p.message, p.line) for p in exc.problems]) from None
    info = model_mod.info(scenario.model)
    parameters = _parameters(checked, data, info, shown, problems)
    method = checked.method or schema_cal.Method()
    method_name = _method_name(method, parameters, data.get("parameters"), shown, problems)
    max_runs = method.max_runs or 2000
    if method_name == "differential_evolution" and parameters and \
            max_runs < min_runs(len(parameters)):
        raw = data.get("method")
        problems.append(Problem(shown, "method.max_runs", f"differential evolution's first "
                                f"population and one Jacobian take {min_runs(len(parameters))} "
                                f"runs for {len(parameters)} parameters; raise max_runs to at "
                                "least that.", line_of(raw, "max_runs") or line_of(data, "method")))
    sampler = _sampler(method, data.get("method"), shown, problems)
    known = known_series(scenario)
    weights = _per_series(checked.weights, "weights", data, known, shown, problems)
    noise = _per_series(checked.noise, "noise", data, known, shown, problems)
    checks = _checks(checked, data, known, shown, problems)
    skip = tuple(checked.skip_basis or ())
    likelihood = checked.likelihood or "residuals"
    if likelihood == "shocks" and method_name != "mcmc":
        problems.append(Problem(shown, "likelihood", "shocks needs method mcmc. Set method: "
                                "{name: mcmc} or drop likelihood.", line_of(data, "likelihood")))
    if checked.name is not None or "name" not in data:  # a bad name: reported by the schema
        if bad := check_output_name(checked.name or path.stem):
            problems.append(Problem(shown, "name", bad, line_of(data, "name")))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file != shown, p.line or 0)))
    data_path = (path.parent / checked.data).resolve()
    observed = observations(data_path, scenario, (scenario.time["initial"],
                                                  scenario.time["final"]), skip,
                            anchored=likelihood == "shocks")
    return Spec(name=checked.name or path.stem, path=path, scenario=scenario,
                base_path=base_path, data=observed, parameters=parameters, weights=weights,
                method=method_name, starts=method.starts or 4,
                seed=method.seed if method.seed is not None else 0, max_runs=max_runs,
                description=types.join_text(checked.description), checks=checks,
                noise=noise, skip_basis=skip, data_path=data_path, likelihood=likelihood,
                **sampler)


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


def min_runs(n_parameters: int) -> int:
    """Model runs differential evolution needs before it can stop with a best point."""
    return DE_POPULATION * n_parameters + n_parameters + 1


def _method_name(method, parameters, raw, shown, problems) -> str:
    """mcmc when every parameter has a prior (or when asked, which then needs priors);
    least squares otherwise. A prior written but refused is reported once, by the schema."""
    with_prior = all(p.prior is not None for p in parameters)
    name = method.name or ("mcmc" if with_prior and parameters else "least_squares")
    if name == "mcmc":
        for p in parameters:
            if p.prior is None and "prior" not in (raw.get(p.given) or {}):
                problems.append(Problem(shown, f"parameters.{p.given}", "mcmc needs a prior. "
                                        "Add prior: {distribution: ..., source: ...}.",
                                        p.line))
    return name


def _sampler(method, raw, shown, problems) -> dict:
    """walkers, steps and burn of the ensemble sampler (the schema checks each alone)."""
    out = {k: getattr(method, k) for k in schema_cal.SAMPLER if getattr(method, k) is not None}
    steps = out.get("steps", schema_cal.SAMPLER["steps"])
    if out.get("burn", schema_cal.SAMPLER["burn"]) >= steps:
        problems.append(Problem(shown, "method.burn", f"must be below steps ({steps}). Lower "
                                "burn or raise steps.", line_of(raw, "burn")))
    return out


def _per_series(values, key, data, known, shown, problems) -> dict[str, float]:
    """A schema-checked {series: number} mapping (weights:, noise:) with every name checked
    against the series the model computes."""
    out = {}
    for name, value in (values or {}).items():
        if name not in known:
            problems.append(Problem(shown, f"{key}.{name}", f"unknown series."
                                    f"{suggest(name, known)}", line_of(data.get(key), name)))
        else:
            out[name] = float(value)
    return out


def _parameters(checked, data, info, shown, problems) -> list[FitParameter]:
    out = []
    raw = data.get("parameters")
    for name, spec in checked.parameters.items():
        key, line = f"parameters.{name}", line_of(raw, name)
        p = modelcheck.parameter(info, name, shown, key, line, problems)
        if p is None:
            continue
        lower, upper = spec.bounds
        if p.outside(lower, upper):
            problems.append(Problem(shown, key, f"bounds [{lower:g}, {upper:g}] reach outside "
                                    f"the model's range {p.range_text()}. Narrow them.", line))
            continue
        start = p.value if spec.start is None else spec.start
        if not lower <= start <= upper:
            problems.append(Problem(shown, f"{key}.start", f"the model's value {start:g} lies "
                                    "outside the bounds; give start: within them.", line))
            continue
        prior, source = priors_mod.from_schema(spec.prior) if spec.prior else (None, "")
        out.append(FitParameter(p.name, lower, upper, start, prior, source,
                                tuple(spec.historical) if spec.historical else None, line,
                                given=name))
    return out


def _checks(checked, data, known, shown, problems) -> list[Check]:
    """The checks whose indicator is a known series. Items are read again one by one from
    the file (those with schema errors are already reported), so that each problem names the
    item's own index and line."""
    out = []
    raw = data.get("checks") if checked.checks is not None else None
    for i, item in enumerate(raw or []):
        try:
            item = schema_cal.CheckItem.model_validate(item)
        except ValidationError:
            continue
        if item.indicator not in known:
            problems.append(Problem(shown, f"checks[{i}].indicator", f"unknown series "
                                    f"{item.indicator!r}.{suggest(item.indicator, known)} Use a "
                                    "plan indicator id or a model variable name.",
                                    raw.lc.item(i)[0] + 1))
            continue
        out.append(Check(item.label, item.indicator, item.measure, item.from_, item.to,
                         item.plan))
    return out
