"""What the page sends, checked as a scenario file that extends the opened one would be.

`scenario_with` is the one place that calls the scenario module's checks: a request's
`constants` and `series` go through the same schema checks and model checks as a file's,
without writing anything, and come back as a Scenario or an InputError.
"""

from __future__ import annotations

from dataclasses import replace

from .. import model as model_mod
from .. import scenario as scen
from ..errors import InputError, Problem

WHERE = "page"
KEYS = ("constants", "series")


def _years_as_numbers(series):
    """JSON object keys are text: year keys written in digits become whole numbers."""
    if not isinstance(series, dict):
        return series
    return {name: ({int(y) if isinstance(y, str) and y.strip().isdigit() else y: v
                    for y, v in by_year.items()} if isinstance(by_year, dict) else by_year)
            for name, by_year in series.items()}


def document(body) -> dict:
    """The request body as a scenario document holding only constants and series."""
    if not isinstance(body, dict):
        raise InputError([Problem(WHERE, "", "the request must be a JSON object with "
                                  "constants and series.")])
    problems = [Problem(WHERE, str(k), f"unknown key. Allowed: {', '.join(KEYS)}.")
                for k in body if k not in KEYS]
    if problems:
        raise InputError(problems)
    doc = {k: body[k] for k in KEYS if k in body}
    if "series" in doc:
        doc["series"] = _years_as_numbers(doc["series"])
    return doc


def scenario_with(base: scen.Scenario, body) -> scen.Scenario:
    """`base` extended by the request's constants and series (each series merged year by
    year over the base's), validated against the model; InputError lists every problem."""
    doc = document(body)
    problems: list[Problem] = []
    part = scen._check_file(doc, base.path, WHERE, problems)
    where = scen.display_path(base.path)
    merged = {
        "time": {k: (v, where, None) for k, v in base.time.items()},
        "constants": {**{k: (v, where, None) for k, v in base.constants.items()},
                      **{k: (v, WHERE, None) for k, (v, _) in part["constants"].items()}},
        "series": {k: (dict(v), where, None) for k, v in base.series.items()},
        "targets": {k: (dict(v), where, None) for k, v in base.targets.items()},
    }
    info = model_mod.info(base.model)
    for name, (values, _) in part["series"].items():
        real = info.canonical(name) or name
        old = merged["series"].get(real, ({}, where, None))[0]
        merged["series"][real] = ({**old, **values}, WHERE, None)
    scenario = replace(base, constants={}, series={}, targets={})
    scen._validate_against_model(scenario, merged, info, problems)
    if problems:
        raise InputError(problems)
    return scenario
