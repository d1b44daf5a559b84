"""Checks of input values against the model itself: parameter names (with a near miss) and
declared ranges. The second pass after a file's schema, shared by scenarios, the constants
given to them (`--set`), uncertainty sections and calibration specs."""

from __future__ import annotations

from . import model as model_mod
from .errors import Problem


def parameter(info: model_mod.ModelInfo, name: str, file: str, key: str, line: int | None,
              problems: list[Problem]) -> model_mod.Parameter | None:
    """The tunable parameter called `name` (Vensim or Python form, any case), or None with
    a problem saying what `name` is instead: unknown (did you mean), a control setting, or a
    variable the model computes."""
    real = info.canonical(name)
    if real is None:
        problems.append(Problem(file, key, info.unknown_parameter(name), line))
        return None
    if real not in info.parameters:
        kind = "a control setting; use the time: section" if real in model_mod.CONTROL_NAMES \
            else "computed by the model, not a constant; set one of its inputs instead"
        problems.append(Problem(file, key, f"'{real}' is {kind}.", line))
        return None
    return info.parameters[real]


def in_range(p: model_mod.Parameter, value: float, file: str, key: str, line: int | None,
             problems: list[Problem]) -> bool:
    """Whether `value` lies in the parameter's declared range; a problem if it does not."""
    if p.outside(value):
        problems.append(Problem(file, key, f"{value:g} is outside the model's range "
                                f"{p.range_text()} for '{p.name}' ({p.unit}). Choose a value "
                                "inside it.", line))
        return False
    return True
