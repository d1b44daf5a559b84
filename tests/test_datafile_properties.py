"""Property-based: a damaged data file stops `sim run` with one line, on both engines.

Two kinds of data file: the CSV files a model reads with GET DIRECT CONSTANTS / DATA /
LOOKUPS (beside the .mdl), and the run output (.tab or .csv) a scenario's `data:` key names
for the model's DATA variables. Each case starts from a small working model and its files
(the shapes of tests/test_datafiles.py) and breaks one file: emptied, binary, header only,
the cell, row or column read cut away, a read number replaced by text, NaN or infinity, the
file replaced by a folder or deleted, the variable missing. The run must fail cleanly,
naming the data file, the model or the scenario.
"""

import tempfile
from pathlib import Path

from click.testing import CliRunner
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

from . import mutations as m
from .test_datafiles import FILES, RUN_MODEL, RUN_OUTPUT, data_model_text

QUICK = settings(max_examples=30, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])
ENGINES = st.sampled_from(["batch", "pysd"])
NOT_NUMBERS = ["", "n/a", "twenty", "1 5", "1;5", "7.9%", "—", "0x10", "nan", "NaN", "inf",
               "-inf", "1e999", "Infinity"]
# the cells the model reads in each file: {file: [(row, column)]} (0-based, header row 0)
# (not the last time or x cell: PySD reads a series up to it, see the xfail test below)
READ = {"data.csv": [(1, 1)],
        "series.csv": [(r, c) for r in (1, 2, 3) for c in (0, 1) if (r, c) != (3, 0)],
        "table.csv": [(r, c) for r in (0, 1) for c in (1, 2) if (r, c) != (0, 2)]}
# (a row whose time cell is empty or text is left out by PySD's reader, as Vensim leaves it)
RUN_READ = [(r, c) for r in (1, 2) for c in range(1, 4)]
# the rows and columns whose loss leaves the model without what it reads ([] where every
# row is read as one more point of a series)
CUT = {"data.csv": ([1], [1]), "series.csv": ([], [0, 1]), "table.csv": ([0, 1], [0, 1]),
       "run": ([], [0, 1, 2, 3])}


def _cells(text: str, sep: str) -> list[list[str]]:
    return [line.split(sep) for line in text.splitlines()]


def _join(rows: list[list[str]], sep: str) -> str:
    return "".join(sep.join(row) + "\n" for row in rows)


@st.composite
def damage(draw, text: str, read: list, cut: tuple, sep: str):
    """One damage to a data file's text: ("text", new text), ("bytes", raw bytes),
    ("folder", None) or ("delete", None)."""
    rows = _cells(text, sep)
    cut_rows, cut_columns = cut
    how = draw(st.sampled_from(["empty", "binary", "header", "cell", "folder", "delete",
                                "cut column"] + ["cut row"] * bool(cut_rows)))
    if how == "empty":
        return ("text", draw(st.sampled_from(["", "\n", " \n\n"])))
    if how == "binary":
        return ("bytes", draw(st.binary(max_size=40)) + b"\xff\xfe\x00\x81"
                + draw(st.binary(max_size=40)))
    if how == "header":
        return ("text", _join(rows[:1], sep))
    if how in ("folder", "delete"):
        return (how, None)
    if how == "cut row":
        del rows[draw(st.sampled_from(cut_rows))]
    elif how == "cut column":
        column = draw(st.sampled_from(cut_columns))
        for line in rows:
            del line[column:]
    else:
        row, column = draw(st.sampled_from(read))
        rows[row][column] = draw(st.sampled_from(NOT_NUMBERS) | st.text(
            st.characters(blacklist_characters=",\t\n\r\"", blacklist_categories=["Cs"]),
            min_size=1, max_size=8).filter(_not_a_number))
    return ("text", _join(rows, sep))


def _not_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def _apply(path: Path, change) -> None:
    how, content = change
    if how == "text":
        path.write_text(content, encoding="utf-8")
    elif how == "bytes":
        path.write_bytes(content)
    elif how == "folder":
        path.unlink()
        path.mkdir()
    else:
        path.unlink()


def model_cases():
    """(engine, damaged file, damage) for the files the model reads with GET DIRECT."""
    return st.tuples(ENGINES, st.sampled_from(sorted(FILES))).flatmap(
        lambda pair: st.tuples(st.just(pair[0]), st.just(pair[1]),
                               damage(FILES[pair[1]], READ[pair[1]],
                                                      CUT[pair[1]], ",")))


def run_cases():
    """(engine, suffix, damage or "lacking") for the run output a scenario's data: names."""
    lacking = st.sampled_from(["x", "w[north]", "w[south]"]).map(lambda v: ("lacking", v))
    return st.tuples(ENGINES, st.sampled_from([".tab", ".csv"]),
                     st.one_of(damage(RUN_OUTPUT, RUN_READ, CUT["run"], "\t"), lacking))


def _run(folder: Path, engine: str, files: set[Path]) -> None:
    out = folder / "out"
    scenario = folder / "s.yaml"
    result = CliRunner().invoke(main, ["run", str(scenario), "--engine", engine,
                                       "--out", str(out)])
    m.check_failure(result, out, {str(p) for p in files | {scenario}})


def attempt_model(engine: str, name: str, change) -> None:
    """The GET DIRECT model with `name` damaged by `change`: the run must fail cleanly."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        mdl = folder / "m.mdl"
        mdl.write_text(data_model_text(), encoding="utf-8")
        for file, text in FILES.items():
            (folder / file).write_text(text, encoding="utf-8")
        (folder / "s.yaml").write_text(f"model: {mdl}\n", encoding="utf-8")
        _apply(folder / name, change)
        _run(folder, engine, {mdl, folder / name})


def attempt_run_output(engine: str, suffix: str, change) -> None:
    """The DATA-variable model with its data: file damaged: the run must fail cleanly."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        mdl = folder / "m.mdl"
        mdl.write_text(RUN_MODEL, encoding="utf-8")
        sep = "\t" if suffix == ".tab" else ","
        data = folder / f"run{suffix}"
        rows = _cells(RUN_OUTPUT, "\t")
        if change[0] == "lacking":
            keep = [i for i, h in enumerate(rows[0]) if h != change[1]]
            rows = [[row[i] for i in keep] for row in rows]
            change = ("text", _join(rows, sep))
        data.write_text(_join(rows, sep), encoding="utf-8")
        if change[0] == "text":
            change = ("text", change[1].replace("\t", sep))
        (folder / "s.yaml").write_text(f"model: {mdl}\ndata: [{data}]\n", encoding="utf-8")
        _apply(data, change)
        _run(folder, engine, {mdl, data})


@QUICK
@given(model_cases())
def test_no_damaged_get_direct_file_passes(case):
    attempt_model(*case)


@QUICK
@given(run_cases())
def test_no_damaged_data_file_passes(case):
    attempt_run_output(*case)


@pytest.mark.xfail(strict=True, reason="PySD ends a series or lookup at its first time or x "
                   "cell that is empty or not a number, so text in the last one drops that "
                   "point silently; refusing it needs the raw cells, not PySD's result")
@pytest.mark.parametrize("engine", ["batch", "pysd"])
@pytest.mark.parametrize("name, text", [("series.csv", "time,x\n0,10\n2,20\nfour,15\n"),
                                        ("table.csv", "x,0,ten\ny,0,100\n")])
def test_text_in_the_last_time_or_x_cell_is_refused(engine, name, text):
    attempt_model(engine, name, ("text", text))
