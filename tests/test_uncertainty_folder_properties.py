"""Property-based: a damaged uncertainty folder given to `sim review --uncertainty` never
gives a traceback, a zero exit or output.

One real folder is made by `sim uncertainty` (anchored on the shipped actuals, as the review
is); each case copies its percentiles.csv and manifest.json and breaks one of them: a cell
that is not a finite number, percentiles out of order, an unknown indicator, a year outside
the scenario, a duplicate or short row, a missing column, a manifest that is not JSON, lacks
its hash or belongs to another scenario, a huge or binary file, a FIFO or folder in place
of a file.
"""

import atexit
import csv
import functools
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.bandfile import COLUMNS
from sim.inputfile import CSV_LIMIT, YAML_LIMIT

from . import mutations as m

ACTUALS = m.REPO / "calibration" / "data" / "actuals.csv"
BASELINE = m.SCENARIOS / "baseline.yaml"
AS_OF = "2025"
FILES = ("percentiles.csv", "manifest.json")
QUICK = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def real_folder() -> Path:
    """A folder written by `sim uncertainty` for the review's scenario (made once)."""
    parent = Path(tempfile.mkdtemp())
    atexit.register(shutil.rmtree, parent, True)
    out = parent / "unc"
    result = CliRunner().invoke(main, ["uncertainty", str(BASELINE), "--samples", "20",
                                       "--actuals", str(ACTUALS), "--as-of", AS_OF,
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _table(folder: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((folder / "percentiles.csv")
                                       .read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


def _write_table(path: Path, header, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header] + rows)
    path.write_text(out.getvalue(), encoding="utf-8")


NOT_NUMBERS = ["", "n/a", "nan", "inf", "-inf", "1e999", "12,4", "—", "p50", "0x10", "1%"]


def _cell(draw):
    column = draw(st.sampled_from(COLUMNS[1:]))
    text = draw(st.sampled_from(NOT_NUMBERS + (["2021.5", "twenty"] if column == "year"
                                                else [])))

    def apply(header, row):
        row[header.index(column)] = text
    return apply


def _order(draw):
    def apply(header, row):
        low, high = header.index("p5"), header.index("p95")
        row[low], row[high] = row[high], row[low]
    return apply


def _indicator(draw):
    name = "zz" + draw(st.text(max_size=12))
    return lambda header, row: row.__setitem__(0, name)


def _year(draw):
    year = str(draw(st.one_of(st.integers(-10**9, 2019), st.integers(2026, 10**20))))
    return lambda header, row: row.__setitem__(1, year)


def _short(draw):
    keep = draw(st.integers(1, len(COLUMNS) - 1))
    return lambda header, row: row.__delitem__(slice(keep, None))


def _long(draw):
    extra = draw(st.sampled_from(["1", "", "x"]))
    return lambda header, row: row.append(extra)


ROW_BREAKS = [_cell, _order, _indicator, _year, _short, _long]


@st.composite
def damage(draw):
    """A function breaking the copy of the real folder it is given, and its description."""
    how = draw(st.sampled_from(["rows", "duplicate", "column", "header only", "empty",
                                "manifest text", "manifest hash", "manifest other",
                                "missing", "huge", "binary", "fifo", "folder"]))
    name = draw(st.sampled_from(FILES))
    if how == "rows":
        kinds = draw(st.lists(st.sampled_from(ROW_BREAKS), min_size=1, max_size=3))
        breaks = [kind(draw) for kind in kinds]
        picks = draw(st.lists(st.integers(0, 10**6), min_size=len(kinds), max_size=len(kinds)))

        def apply(folder):  # distinct rows with a spread, so that no break undoes another
            header, rows = _table(folder)
            low, high = header.index("p5"), header.index("p95")
            spread = [r for r in rows if float(r[low]) < float(r[high])]
            for damage_row, pick in zip(breaks, picks, strict=True):
                damage_row(header, spread.pop(pick % len(spread)))
            _write_table(folder / "percentiles.csv", header, rows)
        return apply, ("rows", [k.__name__ for k in kinds], picks)
    if how == "duplicate":
        at, which = draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6))

        def apply(folder):
            header, rows = _table(folder)
            rows.insert(at % (len(rows) + 1), list(rows[which % len(rows)]))
            _write_table(folder / "percentiles.csv", header, rows)
        return apply, (how, at, which)
    if how == "column":
        column = draw(st.sampled_from(["indicator", "year", "p5", "p25", "p50", "p75", "p95"]))
        renamed = draw(st.sampled_from([None, column.upper(), column + " ", "p51"]))

        def apply(folder):
            header, rows = _table(folder)
            i = header.index(column)
            if renamed is None:
                header, rows = header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows]
            else:
                header[i] = renamed
            _write_table(folder / "percentiles.csv", header, rows)
        return apply, (how, column, renamed)
    if how == "header only":
        return (lambda folder: _write_table(folder / "percentiles.csv", _table(folder)[0],
                                            [])), (how,)
    if how == "empty":
        return (lambda folder: (folder / name).write_bytes(b"")), (how, name)
    if how == "manifest text":
        text = draw(st.one_of(st.text(max_size=40).filter(lambda t: not _is_object(t)),
                              st.sampled_from(["[1, 2]", "null", '"x"', "{", "{'a': 1}"])))
        return (lambda folder: (folder / "manifest.json").write_text(text, encoding="utf-8")
                ), (how, text)
    if how in ("manifest hash", "manifest other"):
        value = draw(st.one_of(st.none(), st.integers(), st.just(""), st.lists(st.integers()))
                     if how == "manifest hash" else
                     st.text("0123456789abcdef", min_size=64, max_size=64))
        drop = how == "manifest hash" and draw(st.booleans())

        def apply(folder):
            path = folder / "manifest.json"
            manifest = json.loads(path.read_text(encoding="utf-8"))
            if drop:
                del manifest["scenario_sha256"]
            else:
                manifest["scenario_sha256"] = value
                manifest["scenario"] = "downside"
            path.write_text(json.dumps(manifest), encoding="utf-8")
        return apply, (how, value, drop)
    if how == "missing":
        return (lambda folder: (folder / name).unlink()), (how, name)
    if how == "huge":
        limit = CSV_LIMIT if name == "percentiles.csv" else YAML_LIMIT
        return (lambda folder: os.truncate(folder / name, limit + 1)), (how, name)
    if how == "binary":
        data = draw(st.binary(min_size=1, max_size=300)) + b"\xff\xfe"
        return (lambda folder: (folder / name).write_bytes(data)), (how, name, data)
    if how == "fifo":
        def apply(folder):
            (folder / name).unlink()
            os.mkfifo(folder / name)
        return apply, (how, name)

    def apply(folder):
        (folder / name).unlink()
        (folder / name).mkdir()
    return apply, ("folder", name)


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def attempt(case) -> None:
    """Break a copy of the real folder; the review given it must fail cleanly."""
    apply, _ = case
    with tempfile.TemporaryDirectory() as parent:
        folder = Path(parent) / "unc"
        folder.mkdir()
        for name in FILES:
            shutil.copy(real_folder() / name, folder / name)
        apply(folder)
        out = Path(parent) / "out"
        result = CliRunner().invoke(main, ["review", "--actuals", str(ACTUALS), str(BASELINE),
                                           "--uncertainty", str(folder), "--out", str(out)])
        # a folder that does not fit the review is named by its option: --uncertainty: <folder>
        m.check_failure(result, out, {str(folder), "--uncertainty"} |
                        {str(folder / n) for n in FILES})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
@QUICK
@given(damage())
def test_no_damaged_uncertainty_folder_passes(made, case):
    attempt(case)


@pytest.fixture(scope="module")
def made():
    """The real folder, made before hypothesis draws (its sampling uses numpy's random)."""
    return real_folder()
