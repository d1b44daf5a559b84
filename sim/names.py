"""Names that become files or folders, and the folders outputs may replace.

One rule for every output name (a scenario's, a calibration spec's, a report's): a single
path component that every common platform accepts, so that a name can never reach outside
the folder it is written into. An output folder is replaced as a whole, so it may never be
the current folder, one of its parents, or a folder that holds an input.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

MAX_BYTES = 100  # leaves room for suffixes and temporary prefixes within 255-byte names
# Windows reserves these names, with or without an extension, in any case.
RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
            *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")}
ALLOWED = re.compile(r"[\w.-]+")
RULE = "must be a short name of letters, digits, '-', '_' or '.', used as the output folder."
HOW = "Give a short name of letters, digits, '-', '_' or '.', e.g. my_scenario."


def check_output_name(name) -> str | None:
    """What is wrong with `name` as an output file or folder name, or None if nothing."""
    if not isinstance(name, str) or not ALLOWED.fullmatch(name) or not name.isprintable():
        return RULE
    if set(name) == {"."}:
        return f"{name!r} is the current or parent folder, not a name. {HOW}"
    if name.startswith(".") or name.endswith("."):
        return f"{name!r} starts or ends with '.', which hides or changes the file. {HOW}"
    if name.split(".")[0].upper() in RESERVED:
        return f"{name!r} is a reserved device name on Windows. {HOW}"
    if len(name.encode("utf-8")) > MAX_BYTES:
        return f"is longer than {MAX_BYTES} bytes. Use a shorter name."
    return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output_folder(dest: Path, inputs=()) -> str | None:
    """What is wrong with replacing `dest` by a run's output, or None if nothing.

    Refused: the current folder or a parent of it, the root, a folder holding any of
    `inputs`, and an existing file."""
    target = Path(os.path.abspath(dest))
    real = target.resolve()
    here = Path.cwd().resolve()
    if _inside(here, real):
        what = "the current folder" if real == here else "a parent of the current folder"
        return (f"the output folder is {what}, which the output would replace. "
                "Name a new folder, e.g. --out outputs/run1.")
    for item in inputs:
        item = Path(item).resolve()
        if _inside(item, real):
            return (f"the output folder holds the input {item}, which the output would "
                    "replace. Name a folder of its own, e.g. --out outputs/run1.")
    if target.exists() and not target.is_dir():
        return "exists and is not a folder. Name a folder, e.g. --out outputs/run1."
    if target.is_dir() and any(target.iterdir()) and not (target / "manifest.json").is_file():
        return ("exists and was not written by sim (no manifest.json); it is left alone. "
                "Name a new or empty folder, or remove this one first.")
    return None
