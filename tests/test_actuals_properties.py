"""Property-based: a damaged actuals file never gives a traceback, a zero exit or output.

Each case takes the shipped actuals and breaks rows the way a careless or hostile edit
would: a wrong unit, a share written as a fraction, a year outside the model's time, a
duplicate row, an unknown indicator, a value that is not a number, a missing column.
"""

import csv
import io
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

from . import mutations as m

SHIPPED = (m.REPO / "calibration" / "data" / "actuals.csv").read_text(encoding="utf-8-sig")
ROWS = list(csv.DictReader(io.StringIO(SHIPPED)))
COLUMNS = list(ROWS[0])
SHARES = [i for i, r in enumerate(ROWS) if r["unit"] == "%"]
QUICK = settings(max_examples=40, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


def _unit(row, draw):
    row["unit"] = draw(st.sampled_from(["percent", "亿", "", "100 million yuan", "count"])
                       .filter(lambda u: u != row["unit"]))


def _year(row, draw):
    row["year"] = str(draw(st.one_of(st.integers(-10**6, 1989), st.integers(2026, 10**20))))


def _value(row, draw):
    row["value"] = draw(st.sampled_from(["n/a", "", "1e999", "nan", "inf", "12,400", "—"]))


def _indicator(row, draw):
    row["indicator"] = draw(st.text(min_size=1, max_size=12).filter(
        lambda t: t.strip() and t.strip() not in {r["indicator"] for r in ROWS}))


def _grade(row, draw):
    row["grade"] = draw(st.sampled_from(["E", "a+", "1", "AA"]))


BREAKS = [_unit, _year, _value, _indicator, _grade]


@st.composite
def damaged(draw) -> str:
    """The shipped actuals with one to three rows broken, or a share given as a fraction,
    a duplicated row or a missing column."""
    rows = [dict(r) for r in ROWS]
    kind = draw(st.sampled_from(["rows", "fraction", "duplicate", "column"]))
    columns = list(COLUMNS)
    if kind == "rows":  # distinct rows, so that no break undoes another
        for index in draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3,
                                   unique=True)):
            draw(st.sampled_from(BREAKS))(rows[index], draw)
    elif kind == "fraction":
        row = rows[draw(st.sampled_from(SHARES))]
        row["value"] = repr(float(row["value"]) / 100)
    elif kind == "duplicate":
        rows.insert(draw(st.integers(0, len(rows))), dict(rows[draw(st.integers(0,
                                                                           len(rows) - 1))]))
    else:
        columns.remove(draw(st.sampled_from(["year", "indicator", "value", "unit", "source"])))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@QUICK
@given(damaged())
def test_no_damaged_actuals_file_passes(text):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        actuals = folder / "actuals.csv"
        actuals.write_text(text, encoding="utf-8")
        out = folder / "out"
        result = CliRunner().invoke(main, ["run", str(m.SCENARIOS / "baseline.yaml"),
                                           "--actuals", str(actuals), "--out", str(out)])
        m.check_failure(result, out, {str(actuals)})
