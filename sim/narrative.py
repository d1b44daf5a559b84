"""A model's narrative: the texts a report shows about it, kept beside the .mdl.

`models/<name>.yaml` next to `models/<name>.mdl` holds the name of the plan the model
serves (for report titles), the rule on the statistical basis its targets stand on (printed
with the review's status rules) and, per feedback loop, an id and a short description, each
in Chinese and English. Another model brings its own file; without one it has none of them.
Wording that fits any model is in the message catalogue (sim/messages.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import InputError, Problem
from .messages import LANGS

LOOP_KEYS = ("id",) + LANGS
TEXTS = ("plan", "basis")  # one text in each language


def path_for(model_path: Path) -> Path:
    """The narrative file of a model: its .mdl's name with .yaml."""
    return Path(model_path).with_suffix(".yaml")


def loops(model_path: Path, lang: str = "zh") -> list[str]:
    """The model's feedback loops as one line each, "<id> <description>", in `lang`."""
    entries = _read(str(Path(model_path).resolve()))["loops"]
    return [f"{loop['id']} {loop[lang]}" for loop in entries]


def plan(model_path: Path, lang: str = "zh") -> str | None:
    """The name of the plan the model serves, in `lang`, or None if its file gives none."""
    names = _read(str(Path(model_path).resolve()))["plan"]
    return names[lang] if names else None


def basis(model_path: Path, lang: str = "zh") -> str | None:
    """The rule on the statistical basis of the plan's targets, in `lang`, or None."""
    texts = _read(str(Path(model_path).resolve()))["basis"]
    return texts[lang] if texts else None


def by_language(model_path: Path) -> dict[str, list[str]]:
    """The loop lines in every language: {"zh": [...], "en": [...]}."""
    return {lang: loops(model_path, lang) for lang in LANGS}


@lru_cache(maxsize=8)
def _read(model_path: str) -> dict:
    from .yamlfile import display_path, line_of, read_yaml

    path = path_for(Path(model_path))
    if not path.is_file():
        return {"plan": None, "basis": None, "loops": ()}
    display = display_path(path)
    problems: list[Problem] = []
    data = read_yaml(path, display, problems)
    if data is None:
        raise InputError(problems)
    for key in data:
        if key not in TEXTS + ("loops",):
            problems.append(Problem(display, str(key), "unknown key. A narrative file has "
                                    "plan:, basis: and loops:.", line_of(data, key)))
    texts = {}
    for key, what in zip(TEXTS, ("the plan's name", "the rule"), strict=True):
        value = data.get(key)
        texts[key] = None
        if value is None:
            continue
        if not isinstance(value, dict) or set(value) != set(LANGS) or \
                not all(isinstance(v, str) and v.strip() for v in value.values()):
            problems.append(Problem(display, key, f"must give {what} as zh: and en:.",
                                    line_of(data, key)))
            continue
        texts[key] = {k: " ".join(value[k].split()) for k in LANGS}
    entries = data.get("loops") or []
    if not isinstance(entries, list):
        problems.append(Problem(display, "loops", "must be a list of {id, zh, en}.",
                                line_of(data, "loops")))
        entries = []
    out = []
    for i, entry in enumerate(entries):
        line = line_of(data, "loops") if not hasattr(entry, "lc") else entry.lc.line + 1
        if not isinstance(entry, dict):
            problems.append(Problem(display, f"loops[{i}]", "must be a mapping with id, zh "
                                    "and en.", line))
            continue
        missing = [k for k in LOOP_KEYS if not isinstance(entry.get(k), str)
                   or not entry[k].strip()]
        extra = [str(k) for k in entry if k not in LOOP_KEYS]
        if missing or extra:
            what = (f"needs text for {', '.join(missing)}" if missing else "") + \
                ("; " if missing and extra else "") + \
                (f"unknown key {', '.join(extra)}" if extra else "")
            problems.append(Problem(display, f"loops[{i}]", f"{what}. Give id, zh and en.",
                                    line))
            continue
        out.append({k: " ".join(str(entry[k]).split()) for k in LOOP_KEYS})
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return {**texts, "loops": tuple(out)}
