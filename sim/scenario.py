"""Scenario files: strict loading, `extends` merging and validation against the model.

Order of precedence, lowest first:

    model defaults < extended scenario < scenario < constants given to `load`

(on the command line, `--set NAME=VALUE` gives those constants).

Each file is checked on its own against the schema (sim/schema/scenario.py), then the merged
values against the model (names, declared ranges, the time span). Every problem found is
collected and reported at once, one line each, as `file:line: key | problem. how to fix`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import distributions, modelcheck, schema, timespan
from . import model as model_mod
from . import targets as targets_mod
from .errors import InputError, Problem, SimError
from .names import check_output_name
from .schema import types
from .schema.scenario import ScenarioFile
from .yamlfile import display_path, line_of, number_hint, read_yaml, suggest

NAME_RE = types.NAME_RE
DEFAULT_UNCERTAINTY = {"samples": 1000, "sampling": "latin_hypercube", "seed": 0}
CONSTANTS = "constants"  # where problems with constants given by the caller are reported


@dataclass
class Scenario:
    """A fully merged scenario: what to run, with which values, and where it came from."""

    name: str
    path: Path
    files: list[Path]
    model: Path
    title: dict = field(default_factory=dict)
    description: dict = field(default_factory=dict)
    time: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    series: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    uncertainty: dict = field(default_factory=dict)
    actuals: Path | None = None
    as_of: int | None = None
    data: tuple[Path, ...] = ()  # files the model's DATA variables are read from

    def resolved_constants(self, info: model_mod.ModelInfo) -> dict[str, float]:
        """Every parameter of the model with the value this scenario runs it with."""
        values = {name: p.value for name, p in info.parameters.items()}
        values.update(self.constants)
        return dict(sorted(values.items()))

    def to_dict(self, info: model_mod.ModelInfo | None = None) -> dict:
        """The resolved scenario as plain data, ready to be saved beside its outputs."""
        constants = self.resolved_constants(info) if info else dict(self.constants)
        return {
            "name": self.name,
            "title": dict(self.title),
            "description": dict(self.description),
            "model": str(self.model),
            "time": dict(self.time),
            "constants": {k: float(v) for k, v in constants.items()},
            "series": {k: {int(y): float(v) for y, v in sorted(s.items())}
                       for k, s in sorted(self.series.items())},
            "targets": {k: dict(v) for k, v in sorted(self.targets.items())},
            **({"uncertainty": self.uncertainty} if self.uncertainty.get("parameters") else {}),
            **({"actuals": str(self.actuals)} if self.actuals else {}),
            **({"as_of": self.as_of} if self.as_of is not None else {}),
            **({"data": [str(p) for p in self.data]} if self.data else {}),
        }


def _check_file(data, path: Path, display: str, problems: list[Problem]) -> dict:
    """Schema checks of one file on its own; returns its parts with paths resolved and the
    line of every constant, series and target (entries with errors left out)."""
    part: dict = {"constants": {}, "series": {}, "targets": {}}
    checked = schema.check(ScenarioFile, data, display, problems)
    if checked is None:
        return part
    given = checked.model_fields_set
    for key in ("name", "as_of"):
        if key in given:
            part[key] = getattr(checked, key)
    for key in ("title", "description"):
        if key in given:
            part[key] = types.join_text(getattr(checked, key))
    for key in ("extends", "model", "actuals"):
        if key in given:
            part[key] = (path.parent / getattr(checked, key)).resolve()
    if "data" in given:
        part["data"] = tuple((path.parent / f).resolve() for f in checked.data or ())
    if "time" in given:
        part["time"] = {k: getattr(checked.time, k) for k in checked.time.model_fields_set}
    for key in ("constants", "series", "targets"):
        values = getattr(checked, key) or {}
        raw = data.get(key)
        for name, value in values.items():
            if key == "targets":
                value = value.model_dump(exclude_none=True)
            part[key][name] = (value, line_of(raw, name))
    if "uncertainty" in given:
        part["uncertainty"] = (checked.uncertainty, data.get("uncertainty"))
    return part


def _chain(path: Path, problems: list[Problem], seen: list[Path]) -> list[tuple[Path, dict]]:
    """The file and the files it extends, base first, each checked on its own."""
    display = display_path(path)
    if path in seen:
        cycle = " -> ".join(display_path(p) for p in seen + [path])
        problems.append(Problem(display_path(seen[-1]), "extends", f"extends cycle ({cycle}). "
                                "Remove one of the 'extends:' keys."))
        return []
    data = read_yaml(path, display, problems)
    if data is None:
        return []
    part = _check_file(data, path, display, problems)
    part["_lines"] = {k: line_of(data, k) for k in data}
    time = data.get("time")
    part["_raw"] = {"time": {k: line_of(time, k) for k in time} if isinstance(time, dict) else {}}
    if "extends" in part:
        parent = part["extends"]
        if not parent.is_file():
            problems.append(Problem(display, "extends", f"file not found: {data['extends']}. "
                                    "Give a path relative to this file.", line_of(data, "extends")))
            return [(path, part)]
        return _chain(parent, problems, seen + [path]) + [(path, part)]
    return [(path, part)]


def given_constants(constants) -> tuple[dict, list[Problem]]:
    """Constants given to the library as {name: number}, with a problem for each value that
    is not a finite number; problems name the argument, `constants`."""
    values, problems = {}, []
    for name, value in (constants or {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            problems.append(Problem(CONSTANTS, str(name), f"must be a finite number; got "
                                    f"{value!r}. {number_hint(value).capitalize()}."))
            continue
        values[str(name)] = float(value)
    return values, problems


def load(path: str | Path, constants: Mapping[str, float] | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise InputError listing every problem.

    `constants` ({name: value}, Vensim or Python names) win over every file and fix their
    value for the whole run; problems with them are reported under `constants`."""
    path = Path(path).resolve() if Path(path).exists() else Path(path)
    problems: list[Problem] = []
    given, given_problems = given_constants(constants)
    chain = _chain(path, problems, [])
    if not chain:
        raise InputError(problems + given_problems)
    # merge, base first; every value remembers the file and line it came from
    merged: dict = {"time": {}, "constants": {}, "series": {}, "targets": {}}
    model_path = model_mod.DEFAULT_MODEL
    model_where = None
    inherited: dict = {}
    for file, part in chain:
        disp = display_path(file)
        if "model" in part:
            model_path, model_where = part["model"], (disp, part["_lines"].get("model"))
        inherited.update({k: part[k] for k in ("actuals", "as_of", "data") if k in part})
        merged["time"].update({k: (v, disp, _line(part, "time", k))
                               for k, v in part.get("time", {}).items()})
        for name, (value, line) in part["constants"].items():
            merged["constants"][name] = (value, disp, line)
        for name, (values, line) in part["series"].items():
            old = merged["series"].get(name, ({}, disp, line))[0]
            merged["series"][name] = ({**old, **values}, disp, line)
        for tid, (spec, line) in part["targets"].items():
            old = merged["targets"].get(tid, ({}, disp, line))[0]
            merged["targets"][tid] = ({**old, **spec}, disp, line)
    own = chain[-1][1]
    display = display_path(chain[-1][0])
    for file, part in chain:
        if "actuals" in part and not part["actuals"].is_file():
            problems.append(Problem(display_path(file), "actuals", f"file not found: "
                                    f"{part['actuals']}. Give a path relative to the scenario "
                                    "file.", part["_lines"].get("actuals")))
        for found in part.get("data", ()):
            if not found.is_file():
                problems.append(Problem(display_path(file), "data", f"file not found: "
                                        f"{found}. Give a path relative to the scenario file.",
                                        part["_lines"].get("data")))
    where = model_where or (display, None)
    if not model_path.is_file():
        raise InputError(problems + [Problem(where[0], "model", f"model file not found: "
                                             f"{model_path}. Give a path relative to the "
                                             "scenario file.", where[1])] + given_problems)
    try:
        info = model_mod.info(model_path)
    except Exception as exc:  # PySD fails on a bad model in many ways; each is the model's
        raise InputError(problems + [Problem(where[0], "model", _model_problem(exc),
                                             where[1])] + given_problems) from exc
    scenario = Scenario(
        name=own.get("name", chain[-1][0].stem), path=chain[-1][0],
        files=[f for f, _ in chain], model=model_path,
        title=own.get("title", {}), description=own.get("description", {}), **inherited)
    if bad := check_output_name(scenario.name):
        problems.append(Problem(display, "name", bad, own["_lines"].get("name")))
    problems.extend(given_problems)
    _validate_against_model(scenario, merged, info, problems)
    _apply_constants(scenario, given, info, problems)
    for file, part in chain:
        if "uncertainty" in part:
            section, raw = part["uncertainty"]
            params = distributions.check(section, raw, display_path(file), info, problems)
            given = {k: getattr(section, k) for k in DEFAULT_UNCERTAINTY
                     if k in section.model_fields_set}
            scenario.uncertainty = {**scenario.uncertainty, **given,
                                    "parameters": {**scenario.uncertainty.get("parameters", {}),
                                                   **params}}
    if scenario.uncertainty:
        scenario.uncertainty = {**DEFAULT_UNCERTAINTY, **scenario.uncertainty}
    if problems:
        order = {str(f): i for i, f in enumerate(display_path(f) for f, _ in chain)}
        problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
        raise InputError(problems)
    return scenario


def _line(part: dict, section: str, key: str) -> int | None:
    return part.get("_raw", {}).get(section, {}).get(key)


def _model_problem(exc: Exception) -> str:
    """One line for a model that cannot be read, whatever PySD raised (our own messages,
    which say what to do, whole; PySD's cut short)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, SimError):
        return text
    if len(text) > 200:
        text = text[:197] + "..."
    if "PySD" in text or "not found" in text or "Vensim" in text:
        return text
    return f"PySD cannot read this model ({text}). Open it in Vensim or check its syntax."


def with_values(base: Scenario, file: str, time: dict | None = None,
                constants: dict | None = None, lines: dict | None = None) -> Scenario:
    """A copy of `base` with more time settings and constants, checked against the model.

    Used where another input file (a calibration spec) adds to a scenario; `time` and
    `constants` hold numbers already checked by that file's schema. Problems name `file`
    and the line given in `lines` for each key (`time.final`, `constants.NAME`).
    """
    lines = lines or {}
    where = display_path(base.path)
    merged = {
        "time": {**{k: (v, where, None) for k, v in base.time.items()},
                 **{k: (float(v), file, lines.get(f"time.{k}")) for k, v in (time or {}).items()}},
        "constants": {**{k: (v, where, None) for k, v in base.constants.items()},
                      **{k: (float(v), file, lines.get(f"constants.{k}"))
                         for k, v in (constants or {}).items()}},
        "series": {k: (dict(v), where, None) for k, v in base.series.items()},
        "targets": {k: (dict(v), where, None) for k, v in base.targets.items()},
    }
    scenario = Scenario(name=base.name, path=base.path, files=list(base.files),
                        model=base.model, title=dict(base.title),
                        description=dict(base.description), uncertainty=base.uncertainty,
                        actuals=base.actuals, as_of=base.as_of, data=base.data)
    problems: list[Problem] = []
    _validate_against_model(scenario, merged, model_mod.info(base.model), problems)
    if problems:
        raise InputError(problems)
    return scenario


def with_constants(base: Scenario, constants: Mapping[str, float] | None) -> Scenario:
    """A copy of a loaded scenario with `constants` ({name: value}) applied as `load`
    applies them: they win over the files and fix their value for the whole run."""
    given, problems = given_constants(constants)
    scenario = replace(base, files=list(base.files), constants=dict(base.constants),
                       series=dict(base.series))
    _apply_constants(scenario, given, model_mod.info(base.model), problems)
    if problems:
        raise InputError(problems)
    return scenario


def _apply_constants(scenario: Scenario, values: dict[str, float], info, problems) -> None:
    """Set each given constant, checked against the model, in place of any value or series
    the files gave it; problems name the argument, `constants`, and the name given."""
    for name, value in values.items():
        p = modelcheck.parameter(info, name, CONSTANTS, name, None, problems)
        if p and modelcheck.in_range(p, value, CONSTANTS, name, None, problems):
            scenario.constants[p.name] = value
            scenario.series.pop(p.name, None)


def _validate_against_model(scenario, merged, info, problems):
    time = dict(info.time)
    time.update({k: v for k, (v, _, _) in merged["time"].items()})
    where = display_path(scenario.path)
    for key, message in timespan.problems(time, info.time_unit):
        _, file, line = merged["time"].get(key.split(".")[1], (None, where, None))
        problems.append(Problem(file, key, message, line))
    scenario.time = time
    for name, (value, file, line) in merged["constants"].items():
        key = f"constants.{name}"
        p = modelcheck.parameter(info, name, file, key, line, problems)
        if p:
            modelcheck.in_range(p, value, file, key, line, problems)
            scenario.constants[p.name] = value
    for name, (values, file, line) in merged["series"].items():
        p = modelcheck.parameter(info, name, file, f"series.{name}", line, problems)
        if not p:
            continue
        for year, value in sorted(values.items()):
            key = f"series.{name}.{year}"
            if not time["initial"] < year <= time["final"]:
                problems.append(Problem(file, key, f"year outside the run "
                                        f"({time['initial']:g}, {time['final']:g}]: a value for "
                                        "year Y sets the rate from Y-1 to Y.", line))
            modelcheck.in_range(p, value, file, key, line, problems)
        scenario.series[p.name] = dict(sorted(values.items()))
    catalogue = targets_mod.catalogue_for(scenario.model)
    for tid, (spec, file, line) in merged["targets"].items():
        if catalogue is None or tid not in set(catalogue["id"]):
            ids = [] if catalogue is None else list(catalogue["id"])
            problems.append(Problem(file, f"targets.{tid}", "unknown target id."
                                    f"{suggest(tid, ids)} The ids are those of the model's "
                                    "targets.csv.", line))
        else:
            scenario.targets[tid] = spec


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the resolved scenario (not its path): whether two runs used one scenario."""
    import hashlib

    import yaml

    data = scenario.to_dict(model_mod.info(scenario.model))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
