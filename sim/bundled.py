"""The plan model that ships with the package, and the files beside it.

A wheel installs the repository's models/ folder as package data (sim/models/, see setup.py);
a clone or an editable install reads models/ in place. Only the standard library is imported,
so the command line can name the default model without loading pandas.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

MODEL_FILE = "qingdao_fyp.mdl"


def models_dir() -> Path:
    """The folder holding the default model: inside the installed package, else the
    repository's models/."""
    packaged = Path(str(files(__package__).joinpath("models")))
    if (packaged / MODEL_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "models"


def default_model() -> Path:
    """The plan model run when a scenario names no `model:`."""
    return models_dir() / MODEL_FILE
