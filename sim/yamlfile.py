"""Strict YAML input files: duplicate keys rejected, line numbers kept, near misses named.

Shared by scenario files and calibration specs, so both report problems the same way.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Problem
from .inputfile import YAML_LIMIT, Unreadable, read_text

MAX_DEPTH = 20  # input files need a handful of levels; deeper nesting is a mistake
MAX_NODES = 100_000  # values in a file, aliases expanded; the shipped files hold a few hundred


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
        shape = _shape_problem(yaml, text)
        if shape:
            problems.append(Problem(display, "", shape[1], shape[0]))
            return None
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


def _shape_problem(yaml, text: str) -> tuple[int, str] | None:
    """(line, message) when `text` nests deeper than MAX_DEPTH or holds more than MAX_NODES
    values once its aliases are expanded (a few lines of anchors can stand for billions);
    read from the event stream, which needs neither recursion nor expansion."""
    sizes: dict[str, int] = {}
    stack: list[list] = [[0, None]]  # [values so far, anchor] of each open collection
    for event in yaml.parse(text):
        name = type(event).__name__
        line = event.start_mark.line + 1
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            stack.append([0, event.anchor])
            if len(stack) - 1 > MAX_DEPTH:
                return line, f"nested more than {MAX_DEPTH} levels deep. Flatten the structure."
            continue
        if name in ("MappingEndEvent", "SequenceEndEvent"):
            size, anchor = stack.pop()
            size += 1
        elif name == "ScalarEvent":
            size, anchor = 1, event.anchor
        elif name == "AliasEvent":
            size, anchor = sizes.get(event.anchor, 1), None
        else:
            continue
        if anchor:
            sizes[anchor] = size
        stack[-1][0] += size
        if stack[-1][0] > MAX_NODES:
            return line, (f"more than {MAX_NODES:,} values once its aliases (*name) are "
                          "expanded. Write the values out, or use fewer aliases.")
    return None


def display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


