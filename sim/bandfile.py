"""An uncertainty folder read back (percentiles.csv and manifest.json written by
`sim uncertainty`), checked strictly: every bad row is reported with its line."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem
from .inputfile import CSV_LIMIT, YAML_LIMIT, Unreadable, read_text
from .uncertainty import PERCENTILES
from .yamlfile import display_path

COLUMNS = ["indicator", "year"] + [f"p{p}" for p in PERCENTILES]
RERUN = "Rerun 'sim uncertainty' on the scenario."


def _text(path: Path, limit: int, encoding: str) -> str:
    shown = display_path(path)
    try:
        return read_text(path, limit, encoding)
    except FileNotFoundError:
        raise InputError([Problem(shown, "", f"not found. {RERUN}")]) from None
    except Unreadable as exc:
        raise InputError([Problem(shown, "", str(exc))]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(shown, "", f"not UTF-8 text. {RERUN}")]) from None
    except OSError as exc:
        raise InputError([Problem(shown, "", f"cannot read the file ({exc.strerror}). "
                                  f"{RERUN}")]) from None


def scenario_hash(folder: Path) -> tuple[str, str]:
    """(scenario name, scenario_sha256) from the folder's manifest.json."""
    path = folder / "manifest.json"
    shown = display_path(path)
    try:
        manifest = json.loads(_text(path, YAML_LIMIT, "utf-8"))
    except ValueError:
        raise InputError([Problem(shown, "", f"not valid JSON. {RERUN}")]) from None
    drawn = manifest.get("scenario_sha256") if isinstance(manifest, dict) else None
    if not isinstance(drawn, str) or not drawn:
        raise InputError([Problem(shown, "scenario_sha256", f"missing or not a text. {RERUN}")])
    return str(manifest.get("scenario")), drawn


def percentiles(folder: Path, known: set[str], span: tuple[float, float]) -> pd.DataFrame:
    """percentiles.csv: one row per known indicator and year within `span`, every percentile
    a finite number, in increasing order."""
    path = folder / "percentiles.csv"
    shown = display_path(path)
    reader = csv.DictReader(io.StringIO(_text(path, CSV_LIMIT, "utf-8-sig"), newline=""))
    try:
        header, rows = reader.fieldnames or [], list(reader)
    except csv.Error as exc:
        raise InputError([Problem(shown, "", f"not a CSV file ({exc}). {RERUN}")]) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError([Problem(shown, "", f"missing column(s) {', '.join(missing)}. The "
                                  f"header must be {','.join(COLUMNS)}. {RERUN}")])
    problems, records, seen = [], [], {}
    for number, row in enumerate(rows, start=2):
        problem = _row(row, known, span, seen, number)
        if problem:
            problems.append(Problem(shown, problem[0], problem[1], number))
        else:
            records.append([row["indicator"], int(row["year"])] +
                           [float(row[c]) for c in COLUMNS[2:]])
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError([Problem(shown, "", f"no data rows. {RERUN}")])
    return pd.DataFrame(records, columns=COLUMNS)


def _row(row, known, span, seen, number) -> tuple[str, str] | None:
    """(key, problem) for a bad row, None for a good one."""
    if None in row or any(row[c] is None for c in COLUMNS):
        return "", f"not {len(COLUMNS)} fields. {RERUN}"
    name = row["indicator"]
    if name not in known:
        return "indicator", f"unknown indicator {name!r}. {RERUN}"
    try:
        year = int(row["year"])
    except ValueError:
        return "year", f"not a whole year ({row['year']!r}). {RERUN}"
    if not span[0] <= year <= span[1]:
        return "year", f"{year} is outside the scenario's time ({span[0]:g} to {span[1]:g}). " \
                       f"{RERUN}"
    values = []
    for column in COLUMNS[2:]:
        try:
            values.append(float(row[column]))
        except ValueError:
            values.append(math.nan)
        if not math.isfinite(values[-1]):
            return column, f"not a finite number ({row[column]!r}). {RERUN}"
    if any(b < a for a, b in zip(values, values[1:])):
        return "", f"percentiles of {name} {year} are not in increasing order. {RERUN}"
    if (name, year) in seen:
        return "", f"duplicate row for {name} {year} (also line {seen[(name, year)]}). {RERUN}"
    seen[(name, year)] = number
    return None
