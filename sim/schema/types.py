"""Strict value types shared by every input schema, each with the wording of what it expects.

Strict means: a bool is not a number, text is not a number, and a count is written in plain
digits (YAML's `1_000`, `0x20` and `012` are refused, as are infinities and NaN).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      WithJsonSchema)
from pydantic_core import PydanticCustomError

from .. import timespan

NAME_RE = re.compile(r"^[\w.-]+$")


class Strict(BaseModel):
    """A mapping of known keys only; every value strictly typed."""

    model_config = ConfigDict(strict=True, extra="forbid")


def rule(check, message: str) -> AfterValidator:
    """A value check that fails with `message` (what is wrong and how to fix it)."""
    def validate(value):
        if not check(value):
            raise PydanticCustomError("rule", message)
        return value
    return AfterValidator(validate)


def _plain_int(value):
    """Refuse YAML integers written with '_', a 0x/0o/0b prefix or leading zeros."""
    width = getattr(value, "_width", None)
    if isinstance(value, int) and not isinstance(value, bool) and type(value) is not int and (
            getattr(value, "_underscore", None) or type(value).__name__ != "ScalarInt"
            or (width is not None and width != len(str(abs(int(value)))))):
        raise PydanticCustomError("plain_int", "write the whole number in plain digits, "
                                  "without '_', a 0x/0o prefix or leading zeros.")
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _plain_float(value):
    return float(value) if isinstance(value, float) else value


def number(description: str | None = None, **bounds):
    """A finite number (an int or a float, not a bool), within `bounds` (ge=, gt=, ...)."""
    return Annotated[float, Field(strict=True, allow_inf_nan=False, description=description,
                                  **bounds), BeforeValidator(_plain_float)]


Number = number()
NonNegative = number("a number >= 0", ge=0)
Positive = number("a positive number", gt=0)


def count(low: int, high: int, what: str = "a whole number"):
    """A whole number in [low, high], written in plain digits."""
    return Annotated[int, Field(strict=True, ge=low, le=high,
                                description=f"{what} from {low:,} to {high:,}"),
                     BeforeValidator(_plain_int)]


Year = Annotated[int, Field(strict=True, ge=-timespan.LIMIT, le=timespan.LIMIT,
                             description="a year, a whole number such as 2022"),
                 BeforeValidator(_plain_int)]
Years = number(f"a number of years from -{timespan.LIMIT} to {timespan.LIMIT}", ge=-timespan.LIMIT, le=timespan.LIMIT)
Text = Annotated[str, Field(strict=True, description="text")]
FilePath = Annotated[str, Field(strict=True, min_length=1,
                                description="a file path, relative to this file"),
                     rule(lambda s: s.strip() != "", "must be a file path, relative to this "
                          "file.")]
Name = Annotated[str, Field(strict=True, description="a short name of letters, digits, '-', "
                                                     "'_' or '.'"),
                 rule(NAME_RE.match, "must be a short name of letters, digits, '-', '_' or "
                      "'.', used as the output folder.")]


class Texts(Strict):
    """A text in each language."""

    zh: Text = None  # type: ignore[assignment]
    en: Text = None  # type: ignore[assignment]


def _text(value):
    if isinstance(value, str):
        return {"en": value, "zh": value}
    if not isinstance(value, dict):
        raise PydanticCustomError("text", "must be text or a mapping with zh: and en:.")
    return value


Bilingual = Annotated[Texts, BeforeValidator(_text), WithJsonSchema({
    "anyOf": [{"type": "string"},
              {"type": "object", "properties": {"zh": {"type": "string"},
                                                "en": {"type": "string"}},
               "additionalProperties": False}],
    "description": "text, or {zh: ..., en: ...}"})]


def join_text(texts: Texts | None) -> dict:
    """{lang: text} with runs of white space made single spaces."""
    if texts is None:
        return {}
    return {k: " ".join(v.split()) for k, v in (("zh", texts.zh), ("en", texts.en))
            if v is not None}
