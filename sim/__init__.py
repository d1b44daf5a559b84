"""sim: a system-dynamics scenario simulator for Qingdao's 14th Five-Year Plan.

The library in a few calls; each returns pandas objects and writes nothing until `.write`:

    import sim

    run = sim.simulate("scenarios/baseline.yaml", constants={"sei real growth": 0.09})
    run.targets          # each 2025 target: projected value, gap, status
    run.indicators       # the plan's indicators by year
    run.write("outputs/faster_sei")

Each function imports what it needs when it is called, so `import sim` stays quick.
Constants are named as in the model (Vensim names, or their Python form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .calibration import Calibration
    from .calibration.backtest import Backtest
    from .calibration.spec import Spec
    from .review import Review
    from .runner import Comparison, Simulation
    from .scenario import Scenario
    from .sensitivity import Sensitivity
    from .uncertainty import Uncertainty

__version__ = "0.1.0"
__all__ = ["load_scenario", "simulate", "compare", "uncertainty_analysis",
           "sensitivity_analysis", "load_spec", "calibrate", "backtest", "midterm_review",
           "parameters", "load_actuals", "write", "default_model"]

PathLike = str | Path


def default_model() -> Path:
    """The plan model that ships with the package (models/qingdao_fyp.mdl)."""
    from .bundled import default_model as packaged

    return packaged()


def load_scenario(path: PathLike, constants: Mapping[str, float] | None = None,
                  **overrides: float) -> Scenario:
    """Load, merge (`extends`) and check a scenario file.

    `constants` ({name: value}) and keyword `overrides` (Python names, e.g.
    `sei_real_growth=0.09`) win over the files. Bad input raises `sim.errors.InputError`
    listing every problem."""
    from . import scenario as scen

    return scen.load(path, constants={**(constants or {}), **overrides})


def _scenario(scenario: PathLike | Scenario, constants: Mapping[str, float] | None) -> Scenario:
    """A loaded Scenario with `constants` applied (they fix a value for the whole run)."""
    from . import scenario as scen

    if not isinstance(scenario, scen.Scenario):
        return scen.load(scenario, constants=constants)
    return scen.with_constants(scenario, constants) if constants else scenario


def simulate(scenario: PathLike | Scenario, constants: Mapping[str, float] | None = None,
             members: pd.DataFrame | Mapping[str, Sequence[float]] | None = None, *,
             engine: str = "batch", actuals: PathLike | None = None,
             as_of: int | None = None) -> Simulation:
    """Run one scenario (a file or a loaded Scenario) and measure it against the targets.

    The result has `.results` (every variable), `.indicators` (the plan's indicators by
    year), `.targets` (each target with projected value, gap and status) and
    `.write(folder, lang)`. With `actuals` (CSV) the run reproduces the observed years up to
    `as_of` and projects from there. `engine` is "batch" (numpy) or "pysd".

    `members` ({constant: values} or a DataFrame, one row per parameter set) runs them all
    at once (batch engine, else PySD); the tables are then stacked by member."""
    from . import runner

    loaded = _scenario(scenario, constants)
    if members is not None:
        import pandas as pd

        from . import members as several

        table = members if isinstance(members, pd.DataFrame) else pd.DataFrame(members)
        return several.simulate(loaded, table, _path(actuals), as_of)
    return runner.simulate(loaded, engine_name=engine, actuals=_path(actuals), as_of=as_of)


def compare(scenarios: Iterable[PathLike | Scenario],
            constants: Mapping[str, float] | None = None, *, engine: str = "batch",
            actuals: PathLike | None = None, as_of: int | None = None) -> Comparison:
    """Run several scenarios; `.table` holds each target once with every scenario's
    projection and status, `.simulations` each run, `.write(folder, lang)` the overlay charts
    and tables."""
    from . import runner

    return runner.comparison([_scenario(s, constants) for s in scenarios],
                             engine_name=engine, actuals=_path(actuals), as_of=as_of)


def uncertainty_analysis(scenario: PathLike | Scenario, *, samples: int | None = None,
                         seed: int | None = None, sampling: str | None = None,
                         constants: Mapping[str, float] | None = None,
                         actuals: PathLike | None = None, as_of: int | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         posterior: PathLike | None = None) -> Uncertainty:
    """Draw the parameters of the scenario's `uncertainty:` section and run every member:
    `.probabilities` (chance of meeting each target), `.percentiles` (of each indicator by
    year), `.samples` (the draws). Arguments left None take the scenario's settings.
    `posterior` (a calibration's folder) draws the parameters it fitted from its posterior."""
    from . import uncertainty

    return uncertainty.run(_scenario(scenario, constants), samples, seed, sampling,
                           progress=progress, actuals=_path(actuals), as_of=as_of,
                           posterior=_path(posterior))


def sensitivity_analysis(scenario: PathLike | Scenario, method: str = "sobol", *,
                         samples: int | None = None, seed: int | None = None,
                         constants: Mapping[str, float] | None = None,
                         actuals: PathLike | None = None, as_of: int | None = None,
                         progress: Callable[[int, int], None] | None = None) -> Sensitivity:
    """Rank the scenario's uncertain parameters by their effect on each modelled target
    ("sobol" indices or "morris" screening): `.indices` and `.ranking`."""
    from . import sensitivity

    return sensitivity.run(_scenario(scenario, constants), method, samples, seed,
                           progress=progress, actuals=_path(actuals), as_of=as_of)


def load_spec(path: PathLike) -> Spec:
    """Load and check a calibration spec (calibration/*.yaml)."""
    from . import calibration

    return calibration.load(path)


def calibrate(spec: PathLike | Spec,
              progress: Callable[[int, float], None] | None = None) -> Calibration:
    """Fit the spec's parameters to its observed data: fitted values with intervals, fit
    statistics per series, and the calibrated scenario (`.scenario`)."""
    from . import calibration

    if isinstance(spec, (str, Path)):
        spec = calibration.load(spec)
    return calibration.calibrate(spec, progress=progress)


def backtest(spec: PathLike | Spec, hold_out_from: int,
             progress: Callable[[int, float], None] | None = None) -> Backtest:
    """Fit the spec to its data before `hold_out_from`, project from the last actual, and
    score the projection and two naive forecasts against the data from that year on:
    `.errors`, `.summary`, `.paths`, `.verdicts`."""
    from .calibration import backtest as bt

    if isinstance(spec, (str, Path)):
        spec = load_spec(spec)
    return bt.run(spec, hold_out_from, progress)


def midterm_review(actuals: PathLike, scenarios: Iterable[PathLike | Scenario], *,
                   uncertainty: PathLike | None = None,
                   constants: Mapping[str, float] | None = None,
                   as_of: int | None = None) -> Review:
    """The plan's review with the actuals up to `as_of` (default: the latest year with
    data): each target's baseline, latest actual, growth still required, status and every
    scenario's projection, anchored on the actuals (`.summary`, `.headline`); from the
    target year on, the final evaluation. `uncertainty` is a folder written by an
    uncertainty analysis of one of the scenarios, for its band on the charts."""
    from . import review

    given = [s if not constants and isinstance(s, (str, Path)) else _scenario(s, constants)
             for s in scenarios]
    return review.build(Path(actuals), given, _path(uncertainty), as_of=as_of)


def parameters(model: PathLike | None = None) -> pd.DataFrame:
    """Every tunable constant of a model (default: the plan model) with value, unit, range
    and description."""
    from . import model as model_mod

    return model_mod.info(Path(model) if model else default_model()).table()


def load_actuals(path: PathLike, model: PathLike | None = None) -> pd.DataFrame:
    """Observed values in long form (year, indicator, value, unit, grade, basis, source),
    checked against the model's indicators."""
    from . import actuals

    return actuals.load(Path(path), Path(model) if model else default_model())


def write(result, folder: PathLike, lang: str = "zh") -> Path:
    """Write any result of this library (a simulation, comparison, uncertainty or
    sensitivity analysis, calibration or review) to `folder`, in "zh" or "en". The folder
    is replaced only once everything is written."""
    if hasattr(result, "write"):
        result.write(folder, lang)
        return Path(folder)
    from . import calibration, review, sensitivity, uncertainty

    writers = {uncertainty.Uncertainty: uncertainty.write,
               sensitivity.Sensitivity: sensitivity.write,
               calibration.Calibration: calibration.write, review.Review: review.write}
    for kind, writer in writers.items():
        if isinstance(result, kind):
            writer(result, Path(folder), lang)
            return Path(folder)
    raise TypeError(f"sim.write cannot write a {type(result).__name__}")


def _path(value: PathLike | None) -> Path | None:
    return None if value is None else Path(value)
