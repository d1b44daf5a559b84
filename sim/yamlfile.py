"""Strict YAML input files: duplicate keys rejected, line numbers kept, near misses named.

Shared by scenario files and calibration specs, so both report problems the same way.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Problem
from .inputfile import YAML_LIMIT, Unreadable, read_text


def line_of(mapping, key) -> int | None:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return None


def suggest(word: str, choices) -> str:
    match = difflib.get_close_matches(str(word).lower(), [c.lower() for c in choices], n=1,
                                      cutoff=0.6)
    if not match:
        return ""
    original = {c.lower(): c for c in choices}[match[0]]
    return f" Did you mean '{original}'?"


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        float(value))


def number_hint(value) -> str:
    if isinstance(value, str) and value.strip().endswith("%"):
        return f"write a fraction (e.g. {float(value.strip()[:-1]) / 100:g}), not '{value}'" \
            if is_float(value.strip()[:-1]) else "write a number"
    return "write a number, e.g. 0.05"


def is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_yaml(path: Path, display: str, problems: list[Problem]):
    """Parse one YAML file, rejecting duplicate keys; None when it cannot be read."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        text = read_text(path, YAML_LIMIT)
    except FileNotFoundError:
        problems.append(Problem(display, "", "file not found. Check the path."))
        return None
    except Unreadable as exc:
        problems.append(Problem(display, "", str(exc)))
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


def display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


