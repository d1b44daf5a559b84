"""Property-based: a damaged calibration data file stops `sim calibrate` while loading.

Each case takes the data file of a shipped spec and breaks it: a year or value that is not a
number, an unknown indicator, a duplicate row, a missing column, every row outside the
spec's time window. The spec is written beside the damaged copy; the run must fail cleanly
before any fitting. The spec fitted on actuals (likelihood: shocks) reads its data as
actuals, so its file gets the actuals file's breaks.
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
from . import test_actuals_properties as actuals_props

HISTORY = m.load(m.CALIBRATION / "history_2016_2020.yaml")
TREND = m.load(m.CALIBRATION / "trend_2016_2025.yaml")
TEXT = Path(HISTORY["data"]).read_text(encoding="utf-8-sig")
ROWS = list(csv.DictReader(io.StringIO(TEXT)))
COLUMNS = list(ROWS[0])
WINDOW = (HISTORY["time"]["initial"], HISTORY["time"]["final"])
QUICK = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


def _year(row, draw):
    row["year"] = draw(st.one_of(st.sampled_from(["", "2016.5", "twenty", "1e3", "2O18", "-"]),
                                 st.floats(allow_nan=True).filter(lambda f: f != int(f) if
                                                                  abs(f) < 1e300 else True)
                                 .map(repr)))


def _value(row, draw):
    row["value"] = draw(st.sampled_from(["", "n/a", "nan", "inf", "-inf", "1e999", "12,4",
                                         "—", "7.9%", "0x10"]))


def _indicator(row, draw):
    row["indicator"] = "zz" + draw(st.text(max_size=12))


BREAKS = [_year, _value, _indicator]


@st.composite
def damaged(draw) -> str:
    """The history spec's data with one to three rows broken, a duplicated row, a missing
    column or every year outside the window."""
    rows = [dict(r) for r in ROWS]
    columns = list(COLUMNS)
    kind = draw(st.sampled_from(["rows", "duplicate", "column", "outside"]))
    if kind == "rows":
        for index in draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3,
                                   unique=True)):
            draw(st.sampled_from(BREAKS))(rows[index], draw)
    elif kind == "duplicate":
        rows.insert(draw(st.integers(0, len(rows))),
                    dict(rows[draw(st.integers(0, len(rows) - 1))]))
    elif kind == "column":
        columns.remove(draw(st.sampled_from(["year", "indicator", "value"])))
    else:
        years = st.one_of(st.integers(-10**6, WINDOW[0]), st.integers(WINDOW[1] + 1, 10**9))
        for row in rows:
            row["year"] = str(draw(years))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def cases():
    """(spec, damaged data text): the history spec with its own breaks, the trend spec with
    the actuals file's."""
    return st.one_of(st.tuples(st.just(HISTORY), damaged()),
                     st.tuples(st.just(TREND), actuals_props.damaged()))


def attempt(spec: dict, text: str) -> None:
    """Write the spec and its damaged data to a fresh folder; calibrating must fail cleanly."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        data = folder / "data.csv"
        data.write_text(text, encoding="utf-8")
        path = folder / "spec.yaml"
        path.write_text(m.dump(dict(spec, data=str(data)), []), encoding="utf-8")
        out = folder / "out"
        result = CliRunner().invoke(main, ["calibrate", str(path), "--out", str(out)])
        m.check_failure(result, out, {str(data)})


@QUICK
@given(cases())
def test_no_damaged_calibration_data_passes(case):
    attempt(*case)


def test_rows_outside_the_window_only_is_refused():
    """Data whose every year lies outside (2015, 2020] leave nothing to fit."""
    text = "year,indicator,value\n2015,gdp_real_growth,7.0\n2021,gdp_real_growth,8.3\n"
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.csv"
        data.write_text(text, encoding="utf-8")
        path = Path(folder) / "spec.yaml"
        path.write_text(m.dump(dict(HISTORY, data=str(data)), []), encoding="utf-8")
        result = CliRunner().invoke(main, ["calibrate", str(path), "--out",
                                           str(Path(folder) / "out")])
    assert result.exit_code == 1
    assert result.output == (f"Error: {data}: no observations in the time window (2015, 2020]. "
                             "Widen time: or add data.\n")
