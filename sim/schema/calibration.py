"""The schema of a calibration spec (calibration/README.md)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from . import distribution as dist
from .adapter import shown
from .scenario import Seed, Time
from .types import (Bilingual, FilePath, Name, NonNegative, Number, Positive, Strict, Text,
                    Year, count, rule)

METHODS = ("mcmc", "least_squares", "differential_evolution")
LIKELIHOODS = ("residuals", "shocks")
CHECK_MEASURES = ("cagr", "level", "change_per_year")
CONTINUOUS = ("normal", "uniform", "triangular", "lognormal")
CENTRE = {"normal": "mean", "lognormal": "median", "triangular": "mode"}
SAMPLER = {"walkers": 32, "steps": 1500, "burn": 500}  # defaults of the ensemble sampler


def _fail(message: str, key: str | None = None):
    """A rule broken; `key` names the entry of this mapping it is about."""
    raise PydanticCustomError("rule", message, {"key": key} if key else None)


class _Source(Strict):
    source: Text


class NormalPrior(dist.Normal, _Source):
    pass


class UniformPrior(dist.Uniform, _Source):
    pass


class TriangularPrior(dist.Triangular, _Source):
    pass


class LognormalPrior(dist.Lognormal, _Source):
    pass


def _prior_shape(value):
    """A prior is a continuous distribution of the uncertainty sections with its source."""
    if not isinstance(value, dict) or value.get("distribution") not in CONTINUOUS:
        got = value.get("distribution") if isinstance(value, dict) else value
        _fail(f"not a distribution ({shown(got)}). Write {{distribution: one of "
              f"{', '.join(CONTINUOUS)}, its parameters, source: where it comes from}}.")
    source = value.get("source")
    if not isinstance(source, str) or not source.strip():
        _fail("missing. Say where the prior comes from (the plan, the 2016-2020 record, the "
              "literature).", "source")
    return value


Prior = Annotated[Union[NormalPrior, UniformPrior, TriangularPrior, LognormalPrior],
                  Field(discriminator="distribution"), BeforeValidator(_prior_shape)]


class FitParameter(Strict):
    """A parameter to fit: its bounds, where the search starts, its prior (with the source
    it comes from) and the range seen in the record."""

    bounds: Annotated[list[Number], Field(min_length=2, max_length=2,
                                          description="[lower, upper], two numbers")]
    start: Number = None  # type: ignore[assignment]
    prior: Prior = None  # type: ignore[assignment]
    historical: Annotated[list[Number], Field(
        min_length=2, max_length=2,
        description="[lowest, highest] seen in the record")] = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _order(self):
        lower, upper = self.bounds
        if not lower < upper:
            _fail("needs bounds: [lower, upper] with lower < upper.")
        if self.start is not None and not lower <= self.start <= upper:
            _fail("start must lie within the bounds.")
        if self.historical is not None and not self.historical[0] <= self.historical[1]:
            _fail("must be [lowest, highest] seen in the record.", "historical")
        if self.prior is not None:
            _within(self.prior, lower, upper)
        return self


def _within(prior, lo: float, hi: float) -> None:
    """Truncate a normal or lognormal prior without limits at the bounds; refuse a prior
    that reaches outside them or is centred outside them."""
    if isinstance(prior, (NormalPrior, LognormalPrior)):
        prior.lower = lo if prior.lower is None else prior.lower
        prior.upper = hi if prior.upper is None else prior.upper
    low, high = dist.support(prior)
    centre = getattr(prior, CENTRE.get(prior.distribution, ""), (low + high) / 2)
    if low < lo or high > hi or not lo <= centre <= hi:
        _fail(f"lies outside the parameter's range: the prior reaches [{low:g}, {high:g}] "
              f"(centre {centre:g}), the bounds are [{lo:g}, {hi:g}]. Move the prior inside "
              "the bounds or widen the bounds.", "prior")


Starts = count(1, 1000, "a number of starts")
MaxRuns = count(1, 10_000_000, "a number of model runs")
Walkers = Annotated[count(4, 100_000, "an even number of walkers"),
                    rule(lambda n: n % 2 == 0, "must be an even number >= 4.")]
Steps = count(1, 10_000_000, "a number of steps")
Burn = count(0, 10_000_000, "a number of steps")


class Method(Strict):
    name: Literal[METHODS] = None  # type: ignore[valid-type]
    starts: Starts = None  # type: ignore[assignment]
    seed: Seed = None  # type: ignore[assignment]
    max_runs: MaxRuns = None  # type: ignore[assignment]
    walkers: Walkers = None  # type: ignore[assignment]
    steps: Steps = None  # type: ignore[assignment]
    burn: Burn = None  # type: ignore[assignment]


class CheckItem(Strict):
    """A summary figure of the plan that the fitted path should reproduce."""

    label: Text
    indicator: Text
    measure: Literal[CHECK_MEASURES]  # type: ignore[valid-type]
    from_: Year = Field(alias="from")
    to: Year
    plan: Number

    @model_validator(mode="after")
    def _order(self):
        if self.to < self.from_ or (self.to == self.from_ and self.measure != "level"):
            raise PydanticCustomError("rule", "to must be after from (or equal to it for a "
                                              "level).")
        return self


class SpecFile(Strict):
    """One calibration spec; scenario, data and parameters are required."""

    name: Name = None  # type: ignore[assignment]
    description: Bilingual = None  # type: ignore[assignment]
    scenario: FilePath
    data: FilePath
    time: Time = Field(None, description="a mapping with initial, final, step, saveper")
    initial: dict[str, Number] = Field(None, description="a mapping of parameter names to "
                                                          "numbers")
    parameters: dict[str, FitParameter] = Field(
        min_length=1, description="a mapping of parameter names to {bounds: [lower, upper]}")
    weights: dict[str, NonNegative] = Field(None, description="a mapping of series names to "
                                                               "numbers >= 0")
    method: Method = Field(None, description="a mapping with name, starts, seed, max_runs, "
                                             "walkers, steps, burn")
    checks: list[CheckItem] = Field(None, max_length=1000,
                                    description="a list of {label, indicator, measure, from, "
                                                "to, plan}")
    noise: dict[str, Annotated[Positive, Field(
        description="a number > 0 (a fraction of the series' mean level, e.g. 0.02)")]] = \
        Field(None, description="a mapping of series names to numbers > 0")
    skip_basis: list[Text] = Field(None, max_length=1000,
                                   description="a list of basis names, e.g. [pre2018]")
    likelihood: Literal[LIKELIHOODS] = None  # type: ignore[valid-type]
