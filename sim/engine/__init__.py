"""Runners that turn a scenario into model results (a DataFrame of time by variable).

Two engines give the same numbers: `pysd` runs the model through PySD; `batch` evaluates the
same model, as PySD parses it, with numpy (and many members at once). `batch` is the default
and hands any model it does not support to PySD, with a notice saying why.
"""

from __future__ import annotations

from . import batch, pysd_engine

ENGINES = ("batch", "pysd")


def run_with(scenario, columns=None, engine: str = "batch"):
    """(results, engine used, notice or None) for one scenario."""
    if engine == "batch":
        try:
            return batch.run(scenario, columns), "batch", None
        except batch.Unsupported as exc:
            notice = (f"{scenario.model.name} uses {exc}, which the batch engine does not "
                      "support; it ran with PySD.")
            return pysd_engine.run(scenario, columns), "pysd", notice
    return pysd_engine.run(scenario, columns), "pysd", None


def run(scenario, columns=None, engine: str = "batch"):
    """Results of one scenario (see run_with)."""
    return run_with(scenario, columns, engine)[0]
