"""The schema of a calibration spec (calibration/README.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .scenario import Seed, Time
from .types import Bilingual, FilePath, Name, NonNegative, Number, Strict, Text, Year, count

METHODS = ("least_squares", "differential_evolution")
CHECK_MEASURES = ("cagr", "level", "change_per_year")


class FitParameter(Strict):
    """A parameter to fit: its bounds and where the search starts."""

    bounds: Annotated[list[Number], Field(min_length=2, max_length=2,
                                          description="[lower, upper], two numbers")]
    start: Number = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _order(self):
        lower, upper = self.bounds
        if not lower < upper:
            raise PydanticCustomError("rule", "needs bounds: [lower, upper] with lower < upper.")
        if self.start is not None and not lower <= self.start <= upper:
            raise PydanticCustomError("rule", "start must lie within the bounds.")
        return self


Starts = count(1, 1000, "a number of starts")
MaxRuns = count(1, 10_000_000, "a number of model runs")


class Method(Strict):
    name: Literal[METHODS] = None  # type: ignore[valid-type]
    starts: Starts = None  # type: ignore[assignment]
    seed: Seed = None  # type: ignore[assignment]
    max_runs: MaxRuns = None  # type: ignore[assignment]


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
    method: Method = Field(None, description="a mapping with name, starts, seed, max_runs")
    checks: list[CheckItem] = Field(None, max_length=1000,
                                    description="a list of {label, indicator, measure, from, "
                                                "to, plan}")
