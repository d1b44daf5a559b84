"""Pydantic errors as `file:line: key | problem. how to fix`, every problem at once.

`check` validates a YAML mapping (ruamel's, with line numbers) against a schema. Each error
is located in the file by walking the data along the error's path, worded from the schema
(the field's description, the allowed keys, the choices) with a near miss when there is one.
Entries with errors are then pruned and the rest validated again, so that the checks against
the model that follow still see every good entry.
"""

from __future__ import annotations

import datetime
import typing
from collections.abc import Set as AbstractSet
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..errors import Problem
from ..yamlfile import line_of, number_hint, suggest

MAX_SHOWN = 40
NUMBER_ERRORS = ("float_type", "float_parsing", "finite_number", "int_type", "int_parsing",
                 "int_from_float")
MAPPING_ERRORS = ("model_type", "model_attributes_type", "dict_type")


def check(schema: type[BaseModel], data, file: str, problems: list[Problem]):
    """The validated model of `data`, pruned of entries with errors (None if nothing is left
    to validate); every error is added to `problems`."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    found = [_problem(schema, data, file, e) for e in errors]
    problems.extend(sorted(dict.fromkeys(found), key=lambda p: p.line or 0))
    pruned = _plain(data)
    for _ in range(100):
        paths = {_data_path(pruned, e["loc"])[0] for e in errors}
        # deepest first, and the last items of a list before the first, so that no removal
        # shifts the place of another
        order = sorted(paths, key=lambda p: (len(p), p[-1] if p and _is_index(p[-1]) else -1),
                       reverse=True)
        if () in paths or not all(_remove(pruned, p) for p in order):
            return None
        try:
            return schema.model_validate(pruned)
        except ValidationError as exc:
            errors = exc.errors()
    return None


def _is_index(part) -> bool:
    return isinstance(part, int) and not isinstance(part, bool)


def _plain(data):
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _remove(data, path) -> bool:
    for part in path[:-1]:
        data = data[part]
    try:
        del data[path[-1]]
    except (KeyError, IndexError, TypeError):
        return False
    return True


def _find(mapping: dict, part):
    """The key of `mapping` that the error path element `part` stands for, or _MISSING.

    Pydantic reports a key true as 1 and null as 'None'; keys are matched on type first."""
    for key in mapping:
        if key == part and isinstance(key, bool) == isinstance(part, bool):
            return key
    for key in mapping:
        if str(key) == str(part) or (isinstance(key, bool) and part == int(key)):
            return key
    return _MISSING


_MISSING = object()


def _data_path(data, loc) -> tuple[tuple, int | None, str]:
    """The elements of `loc` found in `data` (keys, indexes), the line of the deepest, and
    the path as shown: `constants.sei real growth`, `checks[0].from`."""
    path, line, here, shown = [], None, data, ""
    for part in loc:
        if part == "[key]":
            break
        if isinstance(here, dict):
            key = _find(here, part)
            if key is _MISSING:
                continue  # a union member's tag, or a key that is missing
            line = line_of(here, key) or line
            path.append(key)
            shown += ("." if shown else "") + key_text(key)
            here = here[key]
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            try:
                line = here.lc.item(part)[0] + 1
            except (AttributeError, KeyError, TypeError):
                pass
            path.append(part)
            shown += f"[{part}]"
            here = here[part]
    return tuple(path), line, shown


def key_text(key) -> str:
    """A mapping key as YAML shows it (null, true), so that messages quote the file."""
    if key is None or isinstance(key, bool):
        return {None: "null", True: "true", False: "false"}[key]
    return str(key)


def _join(shown: str, name) -> str:
    return f"{shown}.{name}" if shown else str(name)


def _unwrap(tp):
    """(type, description) with Annotated and Optional taken off."""
    desc = None
    while True:
        if get_origin(tp) is Annotated:
            args = get_args(tp)
            for meta in args[1:]:
                if isinstance(meta, FieldInfo) and meta.description:
                    desc = meta.description
            tp = args[0]
        elif get_origin(tp) in (Union, getattr(typing, "UnionType", None)) and \
                type(None) in get_args(tp):
            tp = next(a for a in get_args(tp) if a is not type(None))
        else:
            return tp, desc


def _field(model, part):
    for name, field in model.model_fields.items():
        if part in (name, field.alias):
            return field
    return None


def _walk(schema, loc):
    """(type, description) that the schema expects at `loc`, or (None, None)."""
    if loc and loc[-1] == "[key]":
        loc = loc[:-2] + ("[key]",)
    tp, desc = schema, None
    for part in loc:
        tp, inner = _unwrap(tp)
        desc = inner or desc
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = _field(tp, part)
            if field is None:
                return None, None
            tp, desc = field.annotation, field.description
            for meta in field.metadata:
                desc = getattr(meta, "description", None) or desc
        elif get_origin(tp) is dict:
            key, value = get_args(tp)
            tp, desc = (key, None) if part == "[key]" else (value, None)
        elif get_origin(tp) in (list, tuple):
            tp, desc = get_args(tp)[0], None
        elif get_origin(tp) is Union:
            tp = next((m for m in get_args(tp) if part in _tags(m)), None)
            if tp is None:
                return None, None
        else:
            return None, None
    tp, inner = _unwrap(tp)
    return tp, inner or desc


def _tags(member, field: str | None = None) -> list:
    """The values that select `member` of a tagged union (its one-value Literal fields)."""
    member, _ = _unwrap(member)
    out = []
    for name, info in getattr(member, "model_fields", {}).items():
        args = get_args(info.annotation)
        if get_origin(info.annotation) is Literal and len(args) == 1 and field in (None, name):
            out.append(args[0])
    return out


def shown(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "nothing (null)"}[value]
    if isinstance(value, int) and len(str(value)) > 20:
        return f"a {len(str(abs(value)))}-digit number"
    if isinstance(value, (dict, list)):
        kind = "mapping" if isinstance(value, dict) else "list"
        return f"a {kind}" if value else f"an empty {kind}"
    if not isinstance(value, (str, int, float)):
        tag = getattr(getattr(value, "tag", None), "value", None)
        if tag:
            return f"a value tagged {tag}"
        if isinstance(value, (bytes, bytearray)):
            return "binary data"
        if isinstance(value, AbstractSet):
            return "a set"
        return "a date" if isinstance(value, (datetime.date, datetime.datetime)) else \
            f"a {type(value).__name__}"
    text = repr(value.strip() if isinstance(value, str) else value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 4] + "...'"


def _problem(schema, data, file: str, error: dict) -> Problem:
    loc, kind, value = error["loc"], error["type"], error.get("input")
    path, line, key = _data_path(data, loc)
    tp, desc = _walk(schema, loc)
    if kind in ("rule", "plain_int", "text"):
        if inner := (error.get("ctx") or {}).get("key"):  # a rule about one entry of a mapping
            deeper, inner_line, _ = _data_path(data, (*loc, inner))
            return Problem(file, _join(key, inner), error["msg"],
                           inner_line if len(deeper) > len(path) else line)
        return Problem(file, key, error["msg"], line)
    if kind in ("extra_forbidden", "invalid_key"):
        model, _ = _walk(schema, loc[:-1])
        allowed = [f.alias or n for n, f in model.model_fields.items()] if model else []
        if kind == "extra_forbidden" and not path:
            key = key_text(loc[-1])
        return Problem(file, key, f"unknown key. Allowed: {', '.join(allowed)}."
                                  f"{suggest(str(loc[-1]), allowed)}", line)
    if kind == "missing":
        what = f": {desc}" if desc else ""
        return Problem(file, _join(key, loc[-1]), f"missing. Add it{what}.", line)
    if loc and loc[-1] == "[key]":
        hint = "" if desc or not path else f" Quote it: '{key_text(path[-1])}':"
        return Problem(file, key, f"must be {desc or 'a name in text'}; got "
                                  f"{shown(path[-1] if path else value)}.{hint}", line)
    if kind == "literal_error":
        choices = [str(c) for c in get_args(tp)] if get_origin(tp) is Literal else []
        return Problem(file, key, f"must be one of {', '.join(choices)}; got {shown(value)}."
                                  f"{suggest(str(value), choices)}", line)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        field = error["ctx"]["discriminator"].strip("'")
        tags = [str(t) for m in get_args(tp) for t in _tags(m, field)] \
            if get_origin(tp) is Union else []
        if kind == "union_tag_not_found":
            return Problem(file, key, f"needs {field}: one of {', '.join(tags)}.", line)
        tag = value.get(field)
        near = suggest(tag, tags) if isinstance(tag, str) else ""
        return Problem(file, _join(key, field), f"unknown {field} {shown(tag)}. Use one of "
                                                f"{', '.join(tags)}.{near}", line)
    if desc:
        return Problem(file, key, f"must be {desc}; got {shown(value)}.", line)
    if kind in NUMBER_ERRORS:
        hint = number_hint(value) if isinstance(value, str) else "write a number, e.g. 0.05"
        return Problem(file, key, f"must be a number; got {shown(value)}. "
                                  f"{hint[0].upper()}{hint[1:]}.", line)
    if kind in MAPPING_ERRORS:
        return Problem(file, key, f"must be a mapping; got {shown(value)}.", line)
    if kind in ("string_type", "str_type"):
        return Problem(file, key, f"must be text; got {shown(value)}. Quote it.", line)
    if kind == "list_type":
        return Problem(file, key, f"must be a list, e.g. [1, 2]; got {shown(value)}.", line)
    return Problem(file, key, f"{error['msg'].rstrip('.')}; got {shown(value)}.", line)
