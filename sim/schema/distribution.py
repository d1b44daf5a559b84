"""One parameter's probability distribution: the schema shared by a scenario's
`uncertainty:` parameters and anything else that needs a distribution (a prior)."""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .types import Number, Positive, Strict

SPREAD = 1e-9  # a spread below this fraction of the distribution's scale cannot be drawn from
NARROW = 1e-6  # truncation bounds closer than this many sd (sigma) cannot be drawn between


def _fail(message: str):
    raise PydanticCustomError("rule", message)


def _interval(lower: float, upper: float) -> None:
    """A drawable interval: lower below upper, and a finite width."""
    if not lower < upper:
        _fail("lower must be below upper.")
    if not math.isfinite(upper - lower):
        _fail("lower and upper are too far apart to draw from. Narrow them.")


class Uniform(Strict):
    distribution: Literal["uniform"]
    lower: Number
    upper: Number

    @model_validator(mode="after")
    def _order(self):
        _interval(self.lower, self.upper)
        return self


class Triangular(Strict):
    distribution: Literal["triangular"]
    lower: Number
    mode: Number
    upper: Number

    @model_validator(mode="after")
    def _order(self):
        _interval(self.lower, self.upper)
        if not self.lower <= self.mode <= self.upper:
            _fail("mode must lie between lower and upper.")
        if (self.upper - self.lower) <= SPREAD * max(abs(self.lower), abs(self.upper)):
            _fail("lower and upper are too close to draw from. Widen them, or set a constant.")
        return self


class _Truncated(Strict):
    """A law with optional truncation bounds."""

    lower: Number = None  # type: ignore[assignment]
    upper: Number = None  # type: ignore[assignment]

    def _span(self, floor: float) -> tuple[float, float]:
        """(lower, upper) with their defaults, refused unless lower < upper."""
        lo = floor if self.lower is None else self.lower
        hi = math.inf if self.upper is None else self.upper
        if not lo < hi:
            _fail("lower must be below upper.")
        return lo, hi


class Normal(_Truncated):
    distribution: Literal["normal"]
    mean: Number
    sd: Positive

    @model_validator(mode="after")
    def _order(self):
        lo, hi = self._span(-math.inf)
        if self.sd <= SPREAD * max(abs(self.mean), abs(lo) if self.lower is not None else 0,
                                   abs(hi) if self.upper is not None else 0, 1e-300):
            _fail("sd is too small to draw from. Widen it, or set a constant.")
        if (hi - lo) / self.sd < NARROW:
            _fail("lower and upper are too close together for this sd. Widen them, or set a "
                  "constant.")
        if (lo - self.mean) / self.sd > 30 or (self.mean - hi) / self.sd > 30:
            _fail("lower..upper lies more than 30 sd from the mean, where nothing can be "
                  "drawn. Move the mean or the bounds.")
        return self


class Lognormal(_Truncated):
    distribution: Literal["lognormal"]
    median: Positive
    sigma: Positive

    @model_validator(mode="after")
    def _order(self):
        lo, hi = self._span(0.0)
        if hi <= 0:
            _fail("upper must be positive: a lognormal draws positive values.")
        if self.sigma < SPREAD or self.sigma > 10:
            _fail("sigma must lie from 1e-9 to 10 to draw from. Change it.")
        z_lo = (math.log(lo) - math.log(self.median)) / self.sigma if lo > 0 else -math.inf
        z_hi = (math.log(hi) - math.log(self.median)) / self.sigma
        if z_hi - z_lo < NARROW:
            _fail("lower and upper are too close together for this sigma. Widen them, or set "
                  "a constant.")
        if z_lo > 30 or z_hi < -30:
            _fail("lower..upper lies more than 30 sigma from the median, where nothing can be "
                  "drawn. Move the median or the bounds.")
        return self


class Choice(Strict):
    distribution: Literal["choice"]
    values: list[Number] = Field(min_length=1, max_length=10_000,
                                 description="a list of numbers")
    weights: list[Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]] = \
        Field(None, max_length=10_000, description="a list of numbers >= 0, one per value")

    @model_validator(mode="after")
    def _weights(self):
        if self.weights is not None and (len(self.weights) != len(self.values)
                                         or not 0 < sum(self.weights) < math.inf):
            _fail("weights must be one non-negative number per value, not all zero.")
        return self


Distribution = Annotated[Union[Uniform, Normal, Triangular, Lognormal, Choice],
                         Field(discriminator="distribution")]
KINDS = ("uniform", "normal", "triangular", "lognormal", "choice")
# the parameters each distribution requires, in the order its text form names them
FIELDS = {get_args(m.model_fields["distribution"].annotation)[0]:
          tuple(n for n, f in m.model_fields.items() if f.is_required() and n != "distribution")
          for m in (Uniform, Normal, Triangular, Lognormal, Choice)}


def support(spec) -> tuple[float, float]:
    """The interval a distribution's draws fall in."""
    if isinstance(spec, (Uniform, Triangular)):
        return spec.lower, spec.upper
    if isinstance(spec, Choice):
        return min(spec.values), max(spec.values)
    low = -math.inf if isinstance(spec, Normal) else 0.0
    return (low if spec.lower is None else max(low, spec.lower),
            math.inf if spec.upper is None else spec.upper)


def as_dict(spec) -> dict:
    """The distribution as plain data (the form `distributions.ppf` reads and outputs save)."""
    return spec.model_dump(exclude_none=True)
