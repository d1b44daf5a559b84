"""Observed values of the plan's indicators (actuals), read and checked row by row.

An actuals file is long-form CSV: `year,indicator,value,unit,grade,basis,source`.
`indicator` is an id of the model's indicator or target catalogue, `unit` its unit (in English
or Chinese), `grade` the source's reliability (A-D), `basis` the statistical vintage of a
GDP-type figure (census2018, census2023, pre2018, preliminary) and `source` where it was
published. Every bad row is reported with its line and a fix; nothing is partly read.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import indicators as ind
from . import model as model_mod
from . import targets as tgt
from .errors import InputError, Problem
from .inputfile import CSV_LIMIT, Unreadable, read_text
from .yamlfile import display_path, suggest

REQUIRED = ("year", "indicator", "value", "unit", "source")
OPTIONAL = ("grade", "basis")
COLUMNS = ["year", "indicator", "value", "unit", "grade", "basis", "source", "line"]
GRADES = ("A", "B", "C", "D")
BASES = ("census2018", "census2023", "pre2018", "preliminary")
YEARS_BEFORE_START = 30  # history before the model's start that a file may carry
# plausible ranges by unit, for indicators whose catalogue gives none
UNIT_RANGES = {"%": (0.0, 100.0), "%/year": (-50.0, 100.0)}


@dataclass(frozen=True)
class Series:
    """What an actuals row may say about one indicator: its units and plausible range."""

    units: tuple[str, ...]
    lower: float
    upper: float


def known_series(model_path: Path) -> dict[str, Series]:
    """Every indicator id an actuals file may use with the model, with units and ranges."""
    out: dict[str, Series] = {}
    targets = tgt.catalogue_for(model_path)
    for row in (targets.itertuples(index=False) if targets is not None else ()):
        lower, upper = UNIT_RANGES.get(row.unit, (0.0, math.inf))
        out[row.id] = Series((row.unit,), lower, upper)
    catalogue = ind.catalogue_for(model_path)
    for row in (catalogue.itertuples(index=False) if catalogue is not None else ()):
        lower, upper = UNIT_RANGES.get(row.unit, (0.0, math.inf))
        lower = float(getattr(row, "lower", "") or lower)
        upper = float(getattr(row, "upper", "") or upper)
        out[row.id] = Series((row.unit, row.unit_zh), lower, upper)
    return out


def _read_rows(path: Path, shown: str) -> tuple[list[str], list[dict]]:
    """The header and rows of an actuals file, read as any input file is (sim.inputfile)."""
    try:
        text = read_text(path, CSV_LIMIT, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(shown, "", "actuals file not found. Give the path of a CSV "
                                             "file.")]) from None
    except Unreadable as exc:
        raise InputError([Problem(shown, "", str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(shown, "", f"cannot read the file ({exc}). Save it as "
                                             "UTF-8 CSV.")]) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        return list(reader.fieldnames or []), list(reader)
    except csv.Error as exc:
        raise InputError([Problem(shown, "", f"cannot read the file ({exc}). Save it as "
                                             "UTF-8 CSV.")]) from None


def _check_row(row: dict, number: int, shown: str, series: dict[str, Series],
               years: tuple[int, int]) -> tuple[dict | None, list[Problem]]:
    text = {k: (row.get(k) or "").strip() for k in (*REQUIRED, *OPTIONAL)}
    name = text["indicator"]
    out: list[Problem] = []

    def problem(key, message):
        out.append(Problem(shown, key, message, number))
        return None, out

    if name not in series:
        return problem("indicator", f"unknown indicator {name!r}."
                       f"{suggest(name, sorted(series))} Use an id of models/indicators.csv "
                       "or models/targets.csv.")
    try:
        year = int(text["year"])
    except ValueError:
        return problem("year", f"year missing or not a whole number ({text['year']!r}). "
                       "Give the calendar year, e.g. 2021.")
    if not years[0] <= year <= years[1]:
        return problem("year", f"{year} is outside the model's time ({years[0]}-{years[1]}). "
                       "Correct the year or drop the row.")
    try:
        value = float(text["value"])
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        return problem("value", f"not a number ({text['value']!r}) for {name} {year}. Write "
                       "the figure in the indicator's unit.")
    spec = series[name]
    if text["unit"] not in spec.units:
        return problem("unit", f"unit {text['unit']!r} does not match {name}'s "
                       f"{spec.units[0]!r}. Convert the value and write {spec.units[0]!r}.")
    if not spec.lower <= value <= spec.upper:
        hint = (" A share is written in percent (2.65 for 2.65%)." if spec.units[0] == "%"
                and 0 < abs(value) < 1 else "")
        return problem("value", f"{value:g} for {name} {year} is outside the plausible range "
                       f"{spec.lower:g} to {spec.upper:g} {spec.units[0]}.{hint} Check the "
                       "figure and its unit.")
    if text["grade"] and text["grade"] not in GRADES:
        return problem("grade", f"unknown grade {text['grade']!r}. Use one of "
                       f"{', '.join(GRADES)}.")
    if text["basis"] and text["basis"] not in BASES:
        return problem("basis", f"unknown basis {text['basis']!r}. Use one of "
                       f"{', '.join(BASES)}, or leave it empty.{suggest(text['basis'], BASES)}")
    record = {"year": year, "indicator": name, "value": value, "unit": spec.units[0],
              "grade": text["grade"], "basis": text["basis"], "source": text["source"],
              "line": number}
    return record, out


def load(path: str | Path, model_path: Path) -> pd.DataFrame:
    """The actuals of `path` for the model at `model_path`, every row checked.

    Raises InputError listing every bad row (unknown indicator, a unit that is not the
    indicator's, a value outside its plausible range, a year outside the model's time, two
    rows for one year and indicator)."""
    path = Path(path)
    shown = display_path(path)
    header, rows = _read_rows(path, shown)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError([Problem(shown, "", f"missing column(s) {', '.join(missing)}. The "
                                             f"header must be {','.join(COLUMNS[:-1])}.")])
    time = model_mod.info(model_path).time
    years = (int(time["initial"]) - YEARS_BEFORE_START, int(time["final"]))
    series = known_series(model_path)
    problems: list[Problem] = []
    records, seen = [], {}
    for number, row in enumerate(rows, start=2):
        record, found = _check_row(row, number, shown, series, years)
        problems.extend(found)
        if record is None:
            continue
        key = (record["year"], record["indicator"])
        if key in seen:
            problems.append(Problem(shown, "year", f"two rows for {key[1]} {key[0]} (the other "
                                    f"on line {seen[key]}). Keep one.", number))
            continue
        seen[key] = number
        records.append(record)
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError([Problem(shown, "", "no data rows. Add rows under the header.")])
    return pd.DataFrame(records, columns=COLUMNS).sort_values(
        ["indicator", "year"], kind="stable").reset_index(drop=True)


def latest_year(actuals: pd.DataFrame, until: int | None = None) -> int:
    """The latest year with any observation (up to `until`)."""
    years = actuals["year"] if until is None else actuals["year"][actuals["year"] <= until]
    return int(years.max())
