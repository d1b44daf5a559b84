"""Runners that turn a scenario into model results (a DataFrame of time by variable)."""

from .pysd_engine import run

__all__ = ["run"]
