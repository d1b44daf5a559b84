"""Calibration: fit growth parameters to observed data and report how well they fit."""

from .fit import Calibration, calibrate, calibrated_scenario
from .report import summary, write
from .spec import load

__all__ = ["Calibration", "calibrate", "calibrated_scenario", "load", "summary", "write"]
