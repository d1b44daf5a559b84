"""Save the page's values as a scenario file that extends the opened one with what changed.

The file goes beside the opened scenario and nowhere else, under a checked name; it is
loaded back through the scenario loader before it takes its name, and an existing file is
never replaced.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from .. import messages, names
from .. import scenario as scen
from ..errors import InputError, Problem
from . import request


def check_name(name, folder: Path) -> Path:
    """The file `<name>.yaml` in `folder`, for a new name that follows the output-name rule
    (sim/names.py): one path component, so the file cannot land anywhere else."""
    problem = names.check_output_name(name)
    if problem:
        raise InputError([Problem(request.WHERE, "name", problem)])
    stem = name[:-5] if name.lower().endswith(".yaml") else name
    path = folder / f"{stem}.yaml"
    if path.exists():
        raise InputError([Problem(request.WHERE, "name", f"{scen.display_path(path)} already "
                                  "exists. Choose another name.")])
    return path


def changes(base: scen.Scenario, current: scen.Scenario, info) -> dict:
    """The constants and series of `current` that differ from `base`."""
    old, new = base.resolved_constants(info), current.resolved_constants(info)
    constants = {k: float(v) for k, v in new.items() if v != old[k]}
    series = {}
    for name, by_year in sorted(current.series.items()):
        before = base.series.get(name, {})
        diff = {int(y): float(v) for y, v in sorted(by_year.items()) if before.get(y) != v}
        if diff:
            series[name] = diff
    return {"constants": constants, "series": series}


def document(base: scen.Scenario, current: scen.Scenario, info, name: str) -> dict:
    """The scenario file's content: extends, name, title, then only what changed."""
    opened = scen.load(base.path)
    folder = base.path.parent
    doc = {"extends": base.path.name, "name": name,
           "title": {lang: messages.text("tuned_title", lang, name=name, base=base.path.name)
                     for lang in messages.LANGS}}
    if base.actuals is not None and base.actuals != opened.actuals:
        doc["actuals"] = os.path.relpath(base.actuals, folder)
    if base.as_of is not None and base.as_of != opened.as_of:
        doc["as_of"] = int(base.as_of)
    diff = changes(base, current, info)
    doc.update({k: v for k, v in diff.items() if v})
    return doc


def save(base: scen.Scenario, current: scen.Scenario, info, name) -> Path:
    """Write `<name>.yaml` beside the opened scenario; return its path."""
    path = check_name(name, base.path.parent)
    doc = document(base, current, info, path.stem)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.yaml")
    try:
        tmp.write_text(text, encoding="utf-8")
        scen.load(tmp)
        os.link(tmp, path)  # fails rather than replace a file that appeared meanwhile
    except FileExistsError:
        raise InputError([Problem(request.WHERE, "name", f"{scen.display_path(path)} already "
                                  "exists. Choose another name.")]) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path
