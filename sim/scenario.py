"""Scenario files: strict loading, `extends` merging and validation against the model.

Order of precedence, lowest first:

    model defaults < extended scenario < scenario < --set

Every problem found in a file is collected and reported at once, one line each, as
`file:line: key | problem. how to fix`.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from . import model as model_mod
from . import targets as targets_mod
from .errors import InputError, Problem

TOP_KEYS = ("name", "title", "description", "extends", "model", "time", "constants", "series",
            "targets")
TIME_KEYS = ("initial", "final", "step", "saveper")
TEXT_KEYS = ("zh", "en")
TARGET_KEYS = ("tolerance", "measure")
NAME_RE = re.compile(r"^[\w.-]+$")


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
        }


def _line(mapping, key) -> int | None:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return None


def _suggest(word: str, choices) -> str:
    match = difflib.get_close_matches(str(word).lower(), [c.lower() for c in choices], n=1,
                                      cutoff=0.6)
    if not match:
        return ""
    original = {c.lower(): c for c in choices}[match[0]]
    return f" Did you mean '{original}'?"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        float(value))


def _number_hint(value) -> str:
    if isinstance(value, str) and value.strip().endswith("%"):
        return f"write a fraction (e.g. {float(value.strip()[:-1]) / 100:g}), not '{value}'" \
            if _is_float(value.strip()[:-1]) else "write a number"
    return "write a number, e.g. 0.05"


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _read(path: Path, display: str, problems: list[Problem]):
    """Parse one YAML file, rejecting duplicate keys; None when it cannot be read."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(display, "", "file not found. Check the path."))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(display, "", f"cannot read the file ({exc}). "
                                             "Save it as UTF-8 text."))
        return None
    try:
        data = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = re.search(r'found duplicate key "([^"]*)"', str(exc))
        problems.append(Problem(display, key.group(1) if key else "",
                                "duplicate key. Keep one of them.",
                                mark.line + 1 if mark else None))
        return None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or "malformed YAML").strip()
        problems.append(Problem(display, "", f"malformed YAML: {what}. Fix the syntax "
                                             "(indentation, colons, quotes) on that line.",
                                mark.line + 1 if mark else None))
        return None
    except YAMLError as exc:
        problems.append(Problem(display, "", f"malformed YAML ({exc}). Fix the syntax."))
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(display, "", "a scenario must be a mapping of keys "
                                             "(name:, constants:, ...). See scenarios/README.md."))
        return None
    return data


def _check_text(data, key, display, problems):
    value = data[key]
    if isinstance(value, str):
        return {"en": value, "zh": value}
    if isinstance(value, dict):
        out = {}
        for lang, text in value.items():
            if lang not in TEXT_KEYS:
                problems.append(Problem(display, f"{key}.{lang}", "unknown language. Use zh "
                                        f"and en.{_suggest(lang, TEXT_KEYS)}", _line(value, lang)))
            elif not isinstance(text, str):
                problems.append(Problem(display, f"{key}.{lang}", "must be text. Quote it.",
                                        _line(value, lang)))
            else:
                out[lang] = " ".join(text.split())
        return out
    problems.append(Problem(display, key, "must be text or a mapping with zh: and en:.",
                            _line(data, key)))
    return {}


def _check_file(data, path: Path, display: str, problems: list[Problem]) -> dict:
    """Schema checks of one file on its own; returns its parts with paths resolved."""
    part: dict = {}
    for key in data:
        if key not in TOP_KEYS:
            problems.append(Problem(display, str(key), "unknown key. Allowed: "
                                    f"{', '.join(TOP_KEYS)}.{_suggest(key, TOP_KEYS)}",
                                    _line(data, key)))
    if "name" in data:
        if not isinstance(data["name"], str) or not NAME_RE.match(data["name"]):
            problems.append(Problem(display, "name", "must be a short name of letters, digits, "
                                    "'-', '_' or '.', used as the output folder.",
                                    _line(data, "name")))
        else:
            part["name"] = data["name"]
    for key in ("title", "description"):
        if key in data:
            part[key] = _check_text(data, key, display, problems)
    for key in ("extends", "model"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                problems.append(Problem(display, key, "must be a file path, relative to this "
                                        "file.", _line(data, key)))
            else:
                part[key] = (path.parent / data[key]).resolve()
    if "time" in data:
        part["time"] = {}
        if not isinstance(data["time"], dict):
            problems.append(Problem(display, "time", "must be a mapping with "
                                    f"{', '.join(TIME_KEYS)}.", _line(data, "time")))
        else:
            for key, value in data["time"].items():
                if key not in TIME_KEYS:
                    problems.append(Problem(display, f"time.{key}", "unknown key. Allowed: "
                                            f"{', '.join(TIME_KEYS)}.{_suggest(key, TIME_KEYS)}",
                                            _line(data["time"], key)))
                elif not _is_number(value):
                    problems.append(Problem(display, f"time.{key}", f"must be a number of years;"
                                            f" got {value!r}.", _line(data["time"], key)))
                else:
                    part["time"][key] = float(value)
    for key in ("constants", "series", "targets"):
        if key in data and not isinstance(data[key], dict):
            problems.append(Problem(display, key, "must be a mapping of names to values.",
                                    _line(data, key)))
    constants = data.get("constants") if isinstance(data.get("constants"), dict) else {}
    part["constants"] = {}
    for name, value in constants.items():
        if not _is_number(value):
            problems.append(Problem(display, f"constants.{name}", f"must be a number; got "
                                    f"{value!r}. {_number_hint(value).capitalize()}.",
                                    _line(constants, name)))
        else:
            part["constants"][str(name)] = (float(value), _line(constants, name))
    series = data.get("series") if isinstance(data.get("series"), dict) else {}
    part["series"] = {}
    for name, by_year in series.items():
        if not isinstance(by_year, dict) or not by_year:
            problems.append(Problem(display, f"series.{name}", "must map years to values, "
                                    "e.g. {2022: 0.03}.", _line(series, name)))
            continue
        values = {}
        for year, value in by_year.items():
            if not isinstance(year, int) or isinstance(year, bool):
                problems.append(Problem(display, f"series.{name}.{year}", "a year must be a "
                                        "whole number such as 2022.", _line(by_year, year)))
            elif not _is_number(value):
                problems.append(Problem(display, f"series.{name}.{year}", f"must be a number; "
                                        f"got {value!r}. {_number_hint(value).capitalize()}.",
                                        _line(by_year, year)))
            else:
                values[int(year)] = float(value)
        part["series"][str(name)] = (values, _line(series, name))
    targets = data.get("targets") if isinstance(data.get("targets"), dict) else {}
    part["targets"] = {}
    for tid, spec in targets.items():
        if not isinstance(spec, dict):
            problems.append(Problem(display, f"targets.{tid}", "must be a mapping with "
                                    "tolerance: and/or measure:.", _line(targets, tid)))
            continue
        clean = {}
        for key, value in spec.items():
            where = f"targets.{tid}.{key}"
            if key not in TARGET_KEYS:
                problems.append(Problem(display, where, "unknown key. Allowed: tolerance, "
                                        f"measure.{_suggest(key, TARGET_KEYS)}", _line(spec, key)))
            elif key == "tolerance" and (not _is_number(value) or value < 0):
                problems.append(Problem(display, where, "must be a number >= 0, in the "
                                        "target's own unit.", _line(spec, key)))
            elif key == "measure" and value not in targets_mod.MEASURES:
                problems.append(Problem(display, where, f"must be one of "
                                        f"{', '.join(targets_mod.MEASURES)}."
                                        f"{_suggest(value, targets_mod.MEASURES)}",
                                        _line(spec, key)))
            else:
                clean[key] = float(value) if key == "tolerance" else str(value)
        part["targets"][str(tid)] = (clean, _line(targets, tid))
    return part


def _chain(path: Path, problems: list[Problem], seen: list[Path]) -> list[tuple[Path, dict]]:
    """The file and the files it extends, base first, each checked on its own."""
    display = _display(path)
    if path in seen:
        cycle = " -> ".join(_display(p) for p in seen + [path])
        problems.append(Problem(_display(seen[-1]), "extends", f"extends cycle ({cycle}). "
                                "Remove one of the 'extends:' keys."))
        return []
    data = _read(path, display, problems)
    if data is None:
        return []
    part = _check_file(data, path, display, problems)
    part["_lines"] = {k: _line(data, k) for k in data}
    if "extends" in part:
        parent = part["extends"]
        if not parent.is_file():
            problems.append(Problem(display, "extends", f"file not found: {data['extends']}. "
                                    "Give a path relative to this file.", _line(data, "extends")))
            return [(path, part)]
        return _chain(parent, problems, seen + [path]) + [(path, part)]
    return [(path, part)]


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
                                    f"{_number_hint(text).capitalize()}."))
            continue
        if not math.isfinite(value):
            problems.append(Problem("--set", name.strip(), "must be a finite number."))
            continue
        values[name.strip()] = value
    return values, problems


def load(path: str | Path, sets=()) -> Scenario:
    """Load, merge and validate a scenario file; raise InputError listing every problem."""
    path = Path(path).resolve() if Path(path).exists() else Path(path)
    problems: list[Problem] = []
    set_values, set_problems = parse_sets(sets)
    chain = _chain(path, problems, [])
    if not chain:
        raise InputError(problems + set_problems)
    # merge, base first; every value remembers the file and line it came from
    merged = {"time": {}, "constants": {}, "series": {}, "targets": {}}
    model_path = model_mod.DEFAULT_MODEL
    model_where = None
    for file, part in chain:
        disp = _display(file)
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
    display = _display(chain[-1][0])
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
        title=own.get("title", {}), description=own.get("description", {}))
    problems.extend(set_problems)
    _validate_against_model(scenario, merged, set_values, info, problems)
    if problems:
        order = {str(f): i for i, f in enumerate(_display(f) for f, _ in chain)}
        problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
        raise InputError(problems)
    return scenario


def _resolve_name(name, info, where, line, problems, what="constants"):
    real = info.canonical(name)
    if real is None:
        problems.append(Problem(where, f"{what}.{name}" if what else name,
                                "unknown parameter." + (_suggest(name, info.parameters) or
                                                        _suggest(name.replace("_", " "),
                                                                 info.parameters))
                                + " Run 'sim params' for the list.", line))
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
    if (p.minimum is not None and value < p.minimum) or (p.maximum is not None
                                                         and value > p.maximum):
        lo = "-inf" if p.minimum is None else f"{p.minimum:g}"
        hi = "inf" if p.maximum is None else f"{p.maximum:g}"
        problems.append(Problem(where, key, f"{value:g} is outside the model's range "
                                f"[{lo}, {hi}] for '{real}' ({p.unit}). Choose a value inside it.",
                                line))


def _validate_against_model(scenario, merged, set_values, info, problems):
    time = dict(info.time)
    time.update({k: v for k, (v, _, _) in merged["time"].items()})
    where = _display(scenario.path)
    if time["final"] <= time["initial"]:
        problems.append(Problem(where, "time.final", "must be after time.initial."))
    if time["step"] <= 0:
        problems.append(Problem(where, "time.step", "must be a positive number of years."))
    elif time["saveper"] < time["step"] or not _is_multiple(time["saveper"], time["step"]):
        problems.append(Problem(where, "time.saveper", "must be a whole multiple of time.step."))
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
        real = _resolve_name(name, info, "--set", None, problems, "")
        if real:
            _check_range(real, value, info, "--set", name, None, problems)
            scenario.constants[real] = value
            scenario.series.pop(real, None)  # --set fixes the value for the whole run
    catalogue = targets_mod.catalogue_for(scenario.model)
    for tid, (spec, file, line) in merged["targets"].items():
        if catalogue is None or tid not in set(catalogue["id"]):
            ids = [] if catalogue is None else list(catalogue["id"])
            problems.append(Problem(file, f"targets.{tid}", "unknown target id."
                                    f"{_suggest(tid, ids)} The ids are those of the model's "
                                    "targets.csv.", line))
        else:
            scenario.targets[tid] = spec


def _is_multiple(a: float, b: float) -> bool:
    ratio = a / b
    return abs(ratio - round(ratio)) < 1e-9
