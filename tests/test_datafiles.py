"""Models that read data files (GET DIRECT / GET XLS): found beside the .mdl, followed when
they change, a missing one named in one line, and the same numbers on both engines."""

import errno
import math

import numpy as np
import pytest
from click.testing import CliRunner

from sim import cache, model, scenario
from sim.cli import main
from sim.engine import batch, external, pysd_engine
from sim.errors import SimError

from .conftest import error_text, vensim_model

# a constant, a time series (interpolated between its points, held after the last) and a
# lookup table, each read from its own CSV file
EQUATIONS = {
    "k": "GET DIRECT CONSTANTS('data.csv', ',', 'B2')",
    "tbl": None,
    "y": "tbl(Time * 2) * k",
    "stock": "INTEG(x, 0)",
}
FILES = {
    "data.csv": "name,value\nk,3\n",
    "series.csv": "time,x\n0,10\n2,20\n4,15\n",
    "table.csv": "x,0,10\ny,0,100\n",
}


def data_model_text() -> str:
    text = vensim_model({"k": EQUATIONS["k"], "y": EQUATIONS["y"],
                         "stock": EQUATIONS["stock"]}, final=5)
    extra = ("x := GET DIRECT DATA('series.csv', ',', 'A', 'B2')\n\t~\t\n\t~\t\n\t|\n"
             "tbl(GET DIRECT LOOKUPS('table.csv', ',', '1', 'B2'))\n\t~\t\n\t~\t\n\t|\n")
    return text.replace("{UTF-8}\n", "{UTF-8}\n" + extra)


@pytest.fixture
def data_model(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    mdl = folder / "m.mdl"
    mdl.write_text(data_model_text(), encoding="utf-8")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "s.yaml").write_text("model: m.mdl\n", encoding="utf-8")
    return mdl


ENGINES = {"pysd": pysd_engine.run, "batch": batch.run}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_model_reading_csv_files_runs(data_model, engine):
    results = ENGINES[engine](scenario.load(data_model.parent / "s.yaml"))
    # x: 10 at 0, 20 at 2, 15 at 4, interpolated between and held after the last point
    assert list(results["x"]) == [10, 15, 20, 17.5, 15, 15]
    # stock: Euler sums of x with a step of 1
    assert list(results["stock"]) == [0, 10, 25, 45, 62.5, 77.5]
    # y: the table 0 -> 0, 10 -> 100 at 2 * Time, times k = 3
    assert list(results["y"]) == [0, 60, 120, 180, 240, 300]
    assert model.info(data_model).parameter("k").value == 3


def test_the_translation_reads_no_data_file(data_model):
    for name in FILES:
        (data_model.parent / name).unlink()
    py = model.translated(data_model)
    assert sorted(p.name for p in py.parent.iterdir()) == [
        ".signature", "m.mdl", "m.py", "sources.json"]


def test_a_changed_data_file_is_read_again(data_model):
    s = scenario.load(data_model.parent / "s.yaml")
    assert batch.run(s)["y"].iloc[1] == 2 * 10 * 3
    py = model.translated(data_model)
    (data_model.parent / "data.csv").write_text("name,value\nk,4.5\n", encoding="utf-8")
    assert model.info(data_model).parameter("k").value == 4.5
    for run in ENGINES.values():
        assert run(scenario.load(data_model.parent / "s.yaml"))["y"].iloc[1] == 2 * 10 * 4.5
    assert model.translated(data_model) == py


def test_a_missing_data_file_is_one_line_naming_model_and_file(data_model):
    (data_model.parent / "series.csv").unlink()
    assert error_text(model.load, data_model) == (
        f"{data_model}: data file 'series.csv' not found (the model reads it with GET XLS "
        f"or GET DIRECT, relative to {data_model.parent}). Put the file there, or correct "
        "its name in the model.")


def test_the_cli_reports_a_missing_data_file_and_exits_1(data_model, monkeypatch):
    (data_model.parent / "table.csv").unlink()
    monkeypatch.chdir(data_model.parent)
    result = CliRunner().invoke(main, ["run", "s.yaml"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: s.yaml:1: model | {data_model}: data file 'table.csv' not found (the model "
        f"reads it with GET XLS or GET DIRECT, relative to {data_model.parent}). Put the file "
        "there, or correct its name in the model.\n")


def test_only_a_failed_write_says_the_cache_folder_cannot_be_written(data_model, monkeypatch,
                                                                   tmp_path):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setenv("SIM_CACHE_DIR", str(tmp_path / "cache"))
    cache._secret.cache_clear()
    monkeypatch.setattr(cache, "sign_folder", full)
    try:
        with pytest.raises(SimError) as err:
            model.translated(data_model)
    finally:
        cache._secret.cache_clear()
    assert str(err.value) == (f"{tmp_path / 'cache'}: cannot write the cache folder (No space "
                              "left on device). Free some space, or set SIM_CACHE_DIR to a "
                              "folder you can write to.")


SUBSCRIPT_MODEL = vensim_model({
    "v[Region]": "GET DIRECT CONSTANTS('values.csv', ',', 'B2')",
    "total": "SUM(v[Region!])"}, final=1).replace(
    "{UTF-8}\n", "{UTF-8}\nRegion:\n\tGET DIRECT SUBSCRIPT('regions.csv', ',', 'B1', '', '')"
    "\n\t~\t\n\t~\t\n\t|\n")


def _subscript_scenario(folder, values: str):
    """A scenario of SUBSCRIPT_MODEL, its regions north and south, with `values` beside it."""
    (folder / "r.mdl").write_text(SUBSCRIPT_MODEL, encoding="utf-8")
    (folder / "regions.csv").write_text("region,north,south\n", encoding="utf-8")
    (folder / "values.csv").write_text(values, encoding="utf-8")
    (folder / "s.yaml").write_text("model: r.mdl\n", encoding="utf-8")
    return scenario.load(folder / "s.yaml")


def test_a_subscript_range_read_from_a_file_follows_the_file(tmp_path):
    results = pysd_engine.run(_subscript_scenario(tmp_path, "r,a,b,c\nv,2,5,1\n"))
    assert list(results.columns[-3:]) == ["v[north]", "v[south]", "total"]
    assert results["total"].iloc[0] == 2 + 5
    (tmp_path / "regions.csv").write_text("region,north,south,east\n", encoding="utf-8")
    results = pysd_engine.run(scenario.load(tmp_path / "s.yaml"))
    assert list(results.columns[-4:]) == ["v[north]", "v[south]", "v[east]", "total"]
    assert results["total"].iloc[0] == 2 + 5 + 1


def test_a_subscript_range_from_a_file_runs_on_the_batch_engine(tmp_path):
    results = batch.run(_subscript_scenario(tmp_path, "r,a,b\nv,2,5\n"))
    assert (results["v[north]"].iloc[0], results["v[south]"].iloc[0]) == (2, 5)
    assert results["total"].iloc[0] == 7


# the series 10, 20, 15 at times 0, 2, 4 read at times 0 to 5 with each DATA keyword
KEYWORDS = {
    "INTERPOLATE": [10, 15, 20, 17.5, 15, 15],
    "LOOK FORWARD": [10, 20, 20, 15, 15, 15],
    "HOLD BACKWARD": [10, 10, 20, 20, 15, 15],
    "RAW": [10, math.nan, 20, math.nan, 15, math.nan],
}
ARRAY_MODEL = vensim_model({
    "c[Region]": "GET DIRECT CONSTANTS('arrays.csv', ',', 'B2')",
    "tab_use[Region]": "tab[Region](Time)",
    "with_d[Region]": "d[Region] * c[Region]",
}, final=5).replace("{UTF-8}\n", "{UTF-8}\n" + "".join(
    f"s {word.lower()}:{word}::= GET DIRECT DATA('series.csv', ',', 'A', 'B2')"
    "\n\t~\t\n\t~\t\n\t|\n" for word in KEYWORDS) + (
    "Region: north, south\n\t~\t\n\t~\t\n\t|\n"
    "d[Region] := GET DIRECT DATA('down.csv', ',', 'A', 'B2')\n\t~\t\n\t~\t\n\t|\n"
    "tab[Region](GET DIRECT LOOKUPS('arrays.csv', ',', '4', 'B5'))\n\t~\t\n\t~\t\n\t|\n"))
ARRAY_FILES = {
    "series.csv": FILES["series.csv"],
    # c = 2, 3 across row 2; a table over x = 0, 10 for each region in rows 5 and 6
    "arrays.csv": "r,north,south\nc,2,3\n,,\nx,0,10\nnorth,0,10\nsouth,100,0\n",
    # one column per region, down from time 0
    "down.csv": "time,north,south\n0,1,5\n5,6,0\n",
}


@pytest.mark.parametrize("engine", ENGINES)
def test_data_keywords_and_subscripted_data_give_the_hand_values(tmp_path, engine):
    (tmp_path / "a.mdl").write_text(ARRAY_MODEL, encoding="utf-8")
    for name, text in ARRAY_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "s.yaml").write_text("model: a.mdl\n", encoding="utf-8")
    results = ENGINES[engine](scenario.load(tmp_path / "s.yaml"))
    for word, expected in KEYWORDS.items():
        np.testing.assert_array_equal(results[f"s {word.lower()}"], expected)
    times = np.arange(6.0)
    np.testing.assert_allclose(results["tab_use[north]"], times)  # 0 -> 0, 10 -> 10
    np.testing.assert_allclose(results["tab_use[south]"], 100 - 10 * times)
    np.testing.assert_allclose(results["with_d[north]"], 2 * (1 + times), rtol=1e-15)
    np.testing.assert_allclose(results["with_d[south]"], 3 * (5 - times), rtol=1e-15)


@pytest.mark.parametrize("t, method, expected", [
    (2.0, "raw", 20), (3.0, "raw", math.nan), (-1.0, "look_forward", 10),
    (9.0, "hold_backward", 15), (1.0, "interpolate", 15), (3.5, "look_forward", 15),
    (3.5, "hold_backward", 20), (4.0, "hold_backward", 15)])
def test_a_data_series_is_read_as_pysd_reads_it(t, method, expected):
    times, values = np.array([0.0, 2.0, 4.0]), np.array([10.0, 20.0, 15.0])
    got = external.data(t, times, values, method)
    assert got == expected or (math.isnan(expected) and math.isnan(got))


# DATA variables with no equation, read from a run's output named in the scenario
RUN_MODEL = vensim_model({"y": "x * 2", "z[Region]": "w[Region] + x"}, final=3).replace(
    "{UTF-8}\n", "{UTF-8}\nRegion: north, south\n\t~\t\n\t~\t\n\t|\n"
    "x:HOLD BACKWARD:\n\t~\t\n\t~\t\n\t|\nw[Region]:INTERPOLATE:\n\t~\t\n\t~\t\n\t|\n")
RUN_OUTPUT = "Time\tx\tw[north]\tw[south]\n0\t1\t10\t20\n2\t3\t30\t40\n"


@pytest.fixture
def run_model(tmp_path):
    (tmp_path / "m.mdl").write_text(RUN_MODEL, encoding="utf-8")
    (tmp_path / "run.tab").write_text(RUN_OUTPUT, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("engine", ENGINES)
def test_data_variables_are_read_from_the_files_a_scenario_names(run_model, engine):
    (run_model / "s.yaml").write_text("model: m.mdl\ndata: [run.tab]\n", encoding="utf-8")
    results = ENGINES[engine](scenario.load(run_model / "s.yaml"))
    assert list(results["x"]) == [1, 1, 3, 3]  # held from each point to the next
    assert list(results["y"]) == [2, 2, 6, 6]
    # interpolated, and held after the last point
    assert list(results["w[south]"]) == [20, 30, 40, 40]
    assert list(results["z[north]"]) == [11, 21, 33, 33]


@pytest.mark.parametrize("engine", ENGINES)
def test_data_variables_without_a_file_are_one_line(run_model, engine):
    (run_model / "s.yaml").write_text("model: m.mdl\n", encoding="utf-8")
    with pytest.raises(SimError) as err:
        ENGINES[engine](scenario.load(run_model / "s.yaml"))
    assert str(err.value) == (
        f"{run_model / 'm.mdl'}: the DATA variables w, x have no data. Name the files that "
        "hold them (a run's output, .tab or .csv) in the scenario's data: key.")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_run_output_without_the_variable_is_one_line(run_model, engine):
    (run_model / "other.tab").write_text("Time\tv\n0\t1\n", encoding="utf-8")
    (run_model / "s.yaml").write_text("model: m.mdl\ndata: [other.tab]\n", encoding="utf-8")
    with pytest.raises(SimError) as err:
        ENGINES[engine](scenario.load(run_model / "s.yaml"))
    assert str(err.value) == (
        f"{run_model / 'm.mdl'}: PySD cannot read its DATA variables from other.tab (_data_w "
        f"Data for w not found in {run_model / 'other.tab'}). Name the files that hold them in "
        "the scenario's data: key.")


def test_a_missing_run_output_is_a_scenario_problem(run_model, monkeypatch):
    monkeypatch.chdir(run_model)
    (run_model / "s.yaml").write_text("model: m.mdl\ndata: [gone.tab]\n", encoding="utf-8")
    with pytest.raises(scenario.InputError) as err:
        scenario.load(run_model / "s.yaml")
    assert str(err.value) == (f"s.yaml:2: data | file not found: {run_model / 'gone.tab'}. "
                              "Give a path relative to the scenario file.")


@pytest.mark.parametrize("load", [model.load, batch.compile_model], ids=["pysd", "batch"])
def test_a_cell_pysd_cannot_read_is_one_line(tmp_path, load):
    mdl = tmp_path / "m.mdl"
    mdl.write_text(vensim_model({"k": "GET DIRECT CONSTANTS('data.csv', ',', 'B9')"}),
                   encoding="utf-8")
    (tmp_path / "data.csv").write_text(FILES["data.csv"], encoding="utf-8")
    with pytest.raises(SimError) as err:
        load(mdl)
    assert str(err.value) == (
        f"{mdl}: PySD cannot read the model's data (_ext_constant_k The cells are empty. "
        f"File name: '{tmp_path / 'data.csv'}' Sheet name: ','). Check the files, sheets and "
        "cells its GET XLS / GET DIRECT calls name.")
