"""Runners that turn a scenario into model results.

Two engines give the same numbers: `pysd` runs the model through PySD; `batch` evaluates the
same model, as PySD parses it, with numpy (and many members at once). `batch` is the default
and hands any model it does not support to PySD, with a notice saying why. Every run goes
through one path, sim/ensemble.py: a single run is an ensemble of one.

The engines are imported on first use, so that `sim.engine.batch` with a model whose code is
cached needs numpy alone (no pandas, PySD or scipy).
"""

from __future__ import annotations

import importlib

ENGINES = ("batch", "pysd")
__all__ = ["ENGINES", "batch", "pysd_engine", "run", "run_with"]


def __getattr__(name: str):
    """`sim.engine.batch` and `sim.engine.pysd_engine`, imported when first asked for."""
    if name in ("batch", "pysd_engine"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_with(scenario, columns=None, engine: str = "batch"):
    """(results, engine used, notice or None) for one scenario: a `time` index and one
    column per variable (those of `columns`, all by default)."""
    from ..ensemble import run as run_members

    ens = run_members(scenario, outputs=columns, engine=engine)
    return ens.frame(0), ens.engine, ens.notice


def run(scenario, columns=None, engine: str = "batch"):
    """Results of one scenario (see run_with)."""
    return run_with(scenario, columns, engine)[0]
