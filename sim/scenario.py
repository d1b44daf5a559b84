"""Scenario files: strict loading, `extends` merging and validation against the model.

Order of precedence, lowest first:

    model defaults < extended scenario < scenario < --set

Every problem found in a file is collected and reported at once, one line each, as
`file:line: key | problem. how to fix`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from . import budget, distributions
from . import model as model_mod
from . import targets as targets_mod
from .errors import InputError, Problem
from .names import check_output_name
from .yamlfile import display_path, is_number, line_of, number_hint, read_yaml, suggest

TOP_KEYS = ("name", "title", "description", "extends", "model", "actuals", "as_of", "time",
            "constants", "series", "targets", "uncertainty")
TIME_KEYS = ("initial", "final", "step", "saveper")
TEXT_KEYS = ("zh", "en")
TARGET_KEYS = ("tolerance", "measure", "strict")
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
            **({"actuals": str(self.actuals)} if self.actuals else {}),
            **({"as_of": self.as_of} if self.as_of is not None else {}),
            **({"uncertainty": self.uncertainty} if self.uncertainty.get("parameters") else {}),
        }


def _check_text(data, key, display, problems):
    value = data[key]
    if isinstance(value, str):
        return {"en": value, "zh": value}
    if isinstance(value, dict):
        out = {}
        for lang, text in value.items():
            if lang not in TEXT_KEYS:
                problems.append(Problem(display, f"{key}.{lang}", "unknown language. Use zh "
                                        f"and en.{suggest(lang, TEXT_KEYS)}", line_of(value, lang)))
            elif not isinstance(text, str):
                problems.append(Problem(display, f"{key}.{lang}", "must be text. Quote it.",
                                        line_of(value, lang)))
            else:
                out[lang] = " ".join(text.split())
        return out
    problems.append(Problem(display, key, "must be text or a mapping with zh: and en:.",
                            line_of(data, key)))
    return {}


def _check_file(data, path: Path, display: str, problems: list[Problem]) -> dict:
    """Schema checks of one file on its own; returns its parts with paths resolved."""
    part: dict = {}
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Problem(display, str(key), "unknown key. Allowed: "
                                    f"{', '.join(TOP_KEYS)}.{suggest(key, TOP_KEYS)}",
                                    line_of(data, key)))
    if "name" in data:
        part["name"] = data["name"]  # checked once merged, with a default from the file name
    for key in ("title", "description"):
        if key in data:
            part[key] = _check_text(data, key, display, problems)
    for key in ("extends", "model", "actuals"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                problems.append(Problem(display, key, "must be a file path, relative to this "
                                        "file.", line_of(data, key)))
            else:
                part[key] = (path.parent / data[key]).resolve()
    if "as_of" in data:
        value = data["as_of"]
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(Problem(display, "as_of", f"must be a year such as 2022; got "
                                    f"{value!r}.", line_of(data, "as_of")))
        else:
            part["as_of"] = value
    if "time" in data:
        part["time"] = {}
        if not isinstance(data["time"], dict):
            problems.append(Problem(display, "time", "must be a mapping with "
                                    f"{', '.join(TIME_KEYS)}.", line_of(data, "time")))
        else:
            for key, value in data["time"].items():
                if key not in TIME_KEYS:
                    problems.append(Problem(display, f"time.{key}", "unknown key. Allowed: "
                                            f"{', '.join(TIME_KEYS)}.{suggest(key, TIME_KEYS)}",
                                            line_of(data["time"], key)))
                elif not is_number(value):
                    problems.append(Problem(display, f"time.{key}", f"must be a number of years;"
                                            f" got {value!r}.", line_of(data["time"], key)))
                else:
                    part["time"][key] = float(value)
    for key in ("constants", "series", "targets"):
        if key in data and not isinstance(data[key], dict):
            problems.append(Problem(display, key, "must be a mapping of names to values.",
                                    line_of(data, key)))
    constants = data.get("constants") if isinstance(data.get("constants"), dict) else {}
    part["constants"] = {}
    for name, value in constants.items():
        if not is_number(value):
            problems.append(Problem(display, f"constants.{name}", f"must be a number; got "
                                    f"{value!r}. {number_hint(value).capitalize()}.",
                                    line_of(constants, name)))
        else:
            part["constants"][str(name)] = (float(value), line_of(constants, name))
    series = data.get("series") if isinstance(data.get("series"), dict) else {}
    part["series"] = {}
    for name, by_year in series.items():
        if not isinstance(by_year, dict) or not by_year:
            problems.append(Problem(display, f"series.{name}", "must map years to values, "
                                    "e.g. {2022: 0.03}.", line_of(series, name)))
            continue
        values = {}
        for year, value in by_year.items():
            if not isinstance(year, int) or isinstance(year, bool):
                problems.append(Problem(display, f"series.{name}.{year}", "a year must be a "
                                        "whole number such as 2022.", line_of(by_year, year)))
            elif not is_number(value):
                problems.append(Problem(display, f"series.{name}.{year}", f"must be a number; "
                                        f"got {value!r}. {number_hint(value).capitalize()}.",
                                        line_of(by_year, year)))
            else:
                values[int(year)] = float(value)
        part["series"][str(name)] = (values, line_of(series, name))
    targets = data.get("targets") if isinstance(data.get("targets"), dict) else {}
    if "uncertainty" in data:
        part["uncertainty"] = data["uncertainty"]
    part["targets"] = {}
    for tid, spec in targets.items():
        if not isinstance(spec, dict):
            problems.append(Problem(display, f"targets.{tid}", "must be a mapping with "
                                    "tolerance:, measure: or strict:.", line_of(targets, tid)))
            continue
        clean = {}
        for key, value in spec.items():
            where = f"targets.{tid}.{key}"
            if key not in TARGET_KEYS:
                problems.append(Problem(display, where, "unknown key. Allowed: tolerance, "
                                        f"measure, strict.{suggest(key, TARGET_KEYS)}",
                                        line_of(spec, key)))
            elif key == "tolerance" and (not is_number(value) or value < 0):
                problems.append(Problem(display, where, "must be a number >= 0, in the "
                                        "target's own unit.", line_of(spec, key)))
            elif key == "measure" and value not in targets_mod.MEASURES:
                problems.append(Problem(display, where, f"must be one of "
                                        f"{', '.join(targets_mod.MEASURES)}."
                                        f"{suggest(value, targets_mod.MEASURES)}",
                                        line_of(spec, key)))
            elif key == "strict" and not isinstance(value, bool):
                problems.append(Problem(display, where, "must be true (above a 左右 band is "
                                        "not met) or false (it is 超额, met).",
                                        line_of(spec, key)))
            else:
                clean[key] = value if key == "strict" else \
                    float(value) if key == "tolerance" else str(value)
        part["targets"][str(tid)] = (clean, line_of(targets, tid))
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
    if "extends" in part:
        parent = part["extends"]
        if not parent.is_file():
            problems.append(Problem(display, "extends", f"file not found: {data['extends']}. "
                                    "Give a path relative to this file.", line_of(data, "extends")))
            return [(path, part)]
        return _chain(parent, problems, seen + [path]) + [(path, part)]
    return [(path, part)]


def parse_sets(sets: list[str] | tuple[str, ...]) -> tuple[dict, list[Problem]]:
    """`--set NAME=VALUE` options as {name: value}, with problems for malformed ones."""
    values, problems = {}, []
    for item in sets or ():
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            problems.append(Problem("--set", item, "expected NAME=VALUE, e.g. "
                                    "--set 'services price growth=0.03'."))
            continue
        try:
            value = float(text)
        except ValueError:
            problems.append(Problem("--set", name.strip(), f"must be a number; got {text!r}. "
                                    f"{number_hint(text).capitalize()}."))
            continue
        if not math.isfinite(value):
            problems.append(Problem("--set", name.strip(), "must be a finite number."))
            continue
        values[name.strip()] = value
    return values, problems


def given_constants(constants) -> tuple[dict, list[Problem]]:
    """Constants given to the library as {name: number}, with a problem for each value that
    is not a finite number; problems name the argument, `constants`."""
    values, problems = {}, []
    for name, value in (constants or {}).items():
        if not is_number(value):
            problems.append(Problem(CONSTANTS, str(name), f"must be a finite number; got "
                                    f"{value!r}. {number_hint(value).capitalize()}."))
            continue
        values[str(name)] = float(value)
    return values, problems


def load(path: str | Path, sets=(), constants: dict | None = None) -> Scenario:
    """Load, merge and validate a scenario file; raise InputError listing every problem.

    `constants` ({name: value}, Vensim or Python names) win over every file."""
    path = Path(path).resolve() if Path(path).exists() else Path(path)
    problems: list[Problem] = []
    set_values, set_problems = parse_sets(sets)
    given, given_problems = given_constants(constants)
    origins = {**{name: CONSTANTS for name in given}, **{name: "--set" for name in set_values}}
    set_values = {**given, **set_values}
    set_problems = given_problems + set_problems
    chain = _chain(path, problems, [])
    if not chain:
        raise InputError(problems + set_problems)
    # merge, base first; every value remembers the file and line it came from
    merged = {"time": {}, "constants": {}, "series": {}, "targets": {}}
    model_path = model_mod.DEFAULT_MODEL
    model_where = None
    anchoring = {}
    for file, part in chain:
        disp = display_path(file)
        anchoring.update({k: part[k] for k in ("actuals", "as_of") if k in part})
        if "model" in part:
            model_path, model_where = part["model"], (disp, part["_lines"].get("model"))
        merged["time"].update({k: (v, disp, None) for k, v in part.get("time", {}).items()})
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
    if not model_path.is_file():
        where = model_where or (display, None)
        raise InputError(problems + [Problem(where[0], "model", f"model file not found: "
                                             f"{model_path}. Give a path relative to the "
                                             "scenario file.", where[1])] + set_problems)
    try:
        info = model_mod.info(model_path)
    except Exception as exc:
        where = model_where or (display, None)
        raise InputError([Problem(where[0], "model", str(exc), where[1])]) from exc
    scenario = Scenario(
        name=own.get("name", chain[-1][0].stem), path=chain[-1][0],
        files=[f for f, _ in chain], model=model_path,
        title=own.get("title", {}), description=own.get("description", {}), **anchoring)
    if bad := check_output_name(scenario.name):
        problems.append(Problem(display, "name", bad, own["_lines"].get("name")))
    if scenario.actuals is not None and not scenario.actuals.is_file():
        problems.append(Problem(display, "actuals", f"file not found: {scenario.actuals}. Give "
                                "a path relative to the scenario file."))
    problems.extend(set_problems)
    _validate_against_model(scenario, merged, set_values, info, problems, origins)
    for file, part in chain:
        if "uncertainty" in part:
            section = distributions.check(part["uncertainty"], display_path(file), info,
                                          problems)
            params = {**scenario.uncertainty.get("parameters", {}), **section["parameters"]}
            given = {k: section[k] for k in ("samples", "sampling", "seed")
                     if k in part["uncertainty"]}
            scenario.uncertainty = {**scenario.uncertainty, **given, "parameters": params}
    if scenario.uncertainty:
        scenario.uncertainty = {"samples": 1000, "sampling": "latin_hypercube", "seed": 0,
                                **scenario.uncertainty}
    if problems:
        order = {str(f): i for i, f in enumerate(display_path(f) for f, _ in chain)}
        problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
        raise InputError(problems)
    return scenario


def with_values(base: Scenario, file: str, time: dict | None = None,
                constants: dict | None = None, lines: dict | None = None) -> Scenario:
    """A copy of `base` with more time settings and constants, checked against the model.

    Used where another input file (a calibration spec) adds to a scenario; problems name
    `file` and the line given in `lines` for each key.
    """
    lines = lines or {}
    where = display_path(base.path)
    merged = {
        "time": {k: (v, file, lines.get(f"time.{k}")) for k, v in (time or {}).items()},
        "constants": {**{k: (v, where, None) for k, v in base.constants.items()},
                      **{k: (v, file, lines.get(f"constants.{k}"))
                         for k, v in (constants or {}).items()}},
        "series": {k: (dict(v), where, None) for k, v in base.series.items()},
        "targets": {k: (dict(v), where, None) for k, v in base.targets.items()},
    }
    merged["time"] = {**{k: (v, where, None) for k, v in base.time.items()}, **merged["time"]}
    scenario = Scenario(name=base.name, path=base.path, files=list(base.files),
                        model=base.model, title=dict(base.title),
                        description=dict(base.description), uncertainty=base.uncertainty,
                        actuals=base.actuals, as_of=base.as_of)
    problems: list[Problem] = []
    for key, (value, src, line) in merged["time"].items():
        if key not in TIME_KEYS or not is_number(value):
            problems.append(Problem(src, f"time.{key}", f"must be one of {', '.join(TIME_KEYS)}"
                                    " with a number of years.", line))
    merged["time"] = {k: (float(v), f, ln) for k, (v, f, ln) in merged["time"].items()
                      if k in TIME_KEYS and is_number(v)}
    for key, (value, src, line) in list(merged["constants"].items()):
        if not is_number(value):
            problems.append(Problem(src, f"constants.{key}", f"must be a number; got {value!r}.",
                                    line))
            del merged["constants"][key]
    _validate_against_model(scenario, merged, {}, model_mod.info(base.model), problems)
    if problems:
        raise InputError(problems)
    return scenario


def _resolve_name(name, info, where, line, problems, what="constants"):
    real = info.canonical(name)
    if real is None:
        problems.append(Problem(where, f"{what}.{name}" if what else name,
                                info.unknown_parameter(name), line))
        return None
    if real not in info.parameters:
        kind = "a control setting; use the time: section" if real in model_mod.CONTROL_NAMES \
            else "computed by the model, not a constant; set one of its inputs instead"
        problems.append(Problem(where, f"{what}.{name}" if what else name, f"'{real}' is {kind}.",
                                line))
        return None
    return real


def _check_range(real, value, info, where, key, line, problems):
    p = info.parameters[real]
    if p.outside(value):
        problems.append(Problem(where, key, f"{value:g} is outside the model's range "
                                f"{p.range_text()} for '{real}' ({p.unit}). Choose a value "
                                "inside it.", line))


def _validate_against_model(scenario, merged, set_values, info, problems, origins=None):
    time = dict(info.time)
    time.update({k: v for k, (v, _, _) in merged["time"].items()})
    where = display_path(scenario.path)
    if time["final"] <= time["initial"]:
        problems.append(Problem(where, "time.final", "must be after time.initial."))
    if time["step"] <= 0:
        problems.append(Problem(where, "time.step", "must be a positive number of years."))
    elif time["saveper"] < time["step"] or not _is_multiple(time["saveper"], time["step"]):
        problems.append(Problem(where, "time.saveper", "must be a whole multiple of time.step."))
    if too_long := budget.check_time(time):
        problems.append(Problem(where, "time", too_long))
    scenario.time = time
    for name, (value, file, line) in merged["constants"].items():
        real = _resolve_name(name, info, file, line, problems)
        if real:
            _check_range(real, value, info, file, f"constants.{name}", line, problems)
            scenario.constants[real] = value
    for name, (values, file, line) in merged["series"].items():
        real = _resolve_name(name, info, file, line, problems, "series")
        if not real:
            continue
        for year, value in sorted(values.items()):
            if not time["initial"] < year <= time["final"]:
                problems.append(Problem(file, f"series.{name}.{year}", f"year outside the run "
                                        f"({time['initial']:g}, {time['final']:g}]: a value for "
                                        "year Y sets the rate from Y-1 to Y.", line))
            _check_range(real, value, info, file, f"series.{name}.{year}", line, problems)
        scenario.series[real] = dict(sorted(values.items()))
    for name, value in set_values.items():
        origin = (origins or {}).get(name, "--set")
        real = _resolve_name(name, info, origin, None, problems, "")
        if real:
            _check_range(real, value, info, origin, name, None, problems)
            scenario.constants[real] = value
            scenario.series.pop(real, None)  # --set fixes the value for the whole run
    catalogue = targets_mod.catalogue_for(scenario.model)
    for tid, (spec, file, line) in merged["targets"].items():
        if catalogue is None or tid not in set(catalogue["id"]):
            ids = [] if catalogue is None else list(catalogue["id"])
            problems.append(Problem(file, f"targets.{tid}", "unknown target id."
                                    f"{suggest(tid, ids)} The ids are those of the model's "
                                    "targets.csv.", line))
        else:
            scenario.targets[tid] = spec


def _is_multiple(a: float, b: float) -> bool:
    ratio = a / b
    return abs(ratio - round(ratio)) < 1e-9


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the resolved scenario (not its path): whether two runs used one scenario."""
    import hashlib

    import yaml

    data = scenario.to_dict(model_mod.info(scenario.model))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
