"""The schema of a scenario file (scenarios/README.md), published as JSON Schema for editors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .. import targets
from .distribution import Distribution
from .types import Bilingual, FilePath, Name, Number, Strict, Year, Years, count, number

MEASURES = Literal[targets.MEASURES]  # type: ignore[valid-type]
SAMPLINGS = ("latin_hypercube", "random")
MAX_SAMPLES = 100_000
MAX_SEED = 2**32 - 1


StepYears = number("a positive number of years", gt=0)
SaveYears = number("a positive number of years, a whole multiple of step", gt=0)
Tolerance = number("a number >= 0, in the target's own unit", ge=0)
Members = count(1, MAX_SAMPLES, "a number of members")
Seed = count(0, MAX_SEED, "a seed")


class Time(Strict):
    """Simulation time in years; unset keys keep the model's control settings."""

    initial: Years = None
    final: Years = None
    step: StepYears = None  # type: ignore[assignment]
    saveper: SaveYears = None  # type: ignore[assignment]


class TargetOverride(Strict):
    """A target's tolerance (in its own unit), its reading, or a strict 左右 band."""

    tolerance: Tolerance = None  # type: ignore[assignment]
    measure: MEASURES = None
    strict: Annotated[bool, Field(description="true (above a 左右 band is not met) or false "
                                              "(above it is 超额, exceeded, and met)")] = None


class Uncertainty(Strict):
    """Distributions for `sim uncertainty` and `sim sensitivity`."""

    samples: Members = None  # type: ignore[assignment]
    sampling: Literal[SAMPLINGS] = None  # type: ignore[valid-type]
    seed: Seed = None  # type: ignore[assignment]
    parameters: dict[str, Distribution] = Field(
        default_factory=dict, description="a mapping of parameter names to distributions")


ParameterValues = dict[str, Number]


class ScenarioFile(Strict):
    """One scenario file; every key is optional and unknown keys are errors."""

    name: Name = None
    title: Bilingual = None
    description: Bilingual = None
    extends: FilePath = None
    model: FilePath = None
    actuals: FilePath = Field(None, description="a CSV file of observed values, "
                                                       "relative to this file")
    as_of: Year = None
    data: list[FilePath] = Field(None, description="files (.tab or .csv, a run's output) the "
                                                   "model's DATA variables are read from, "
                                                   "relative to this file")
    time: Time = Field(None, description="a mapping with initial, final, step, saveper")
    constants: ParameterValues = Field(None, description="a mapping of parameter "
                                                                "names to numbers")
    series: dict[str, Annotated[dict[Year, Number], Field(
        min_length=1, description="a mapping of years to values, e.g. {2022: 0.03}")]] = \
        Field(None, description="a mapping of parameter names to {year: value}")
    targets: dict[str, TargetOverride] = Field(
        None, description="a mapping of target ids to {tolerance:, measure:, strict:}")
    uncertainty: Uncertainty = Field(None, description="a mapping with samples, "
                                                              "sampling, seed, parameters")
