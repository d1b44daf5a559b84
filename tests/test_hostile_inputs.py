"""Hostile and broken inputs: each gives one exact line, exit code 1, and writes nothing."""

import errno
import os

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sim import budget
from sim.cli import main

from .conftest import REPO, SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def tree(folder):
    """Every path under `folder` with its bytes (None for folders), to prove nothing changed."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(folder.rglob("*"))}


def scenario(folder, filename="s.yaml", **data):
    path = folder / filename
    path.write_text(yaml.safe_dump({"extends": str(BASELINE), **data}), encoding="utf-8")
    return path


def test_a_spec_named_up_and_out_reaches_no_folder_outside(cli, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    spec = REPO / "calibration" / "history_2016_2020.yaml"
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    data.update(name="../../../victim", scenario=str(BASELINE),
                data=str(REPO / "calibration" / "data" / "history_2016_2020.csv"))
    (work / "spec.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                    encoding="utf-8")
    before = tree(tmp_path)
    result = cli("calibrate", work / "spec.yaml")
    assert (result.exit_code, result.output) == (1, (
        f"Error: {work / 'spec.yaml'}:1: name | must be a short name of letters, digits, "
        "'-', '_' or '.', used as the output folder.\n").replace(f"{tmp_path}/", ""))
    assert tree(tmp_path) == before


@pytest.mark.parametrize("name, what", [(".", "'.' is the current or parent folder, not a name"),
                                        ("..", "'..' is the current or parent folder, not a name"),
                                        ("CON", "'CON' is a reserved device name on Windows"),
                                        ("nul.txt", "'nul.txt' is a reserved device name on "
                                                    "Windows")])
def test_a_scenario_named_dot_dotdot_or_a_device_is_refused(cli, tmp_path, name, what):
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "keep.txt").write_text("mine")
    scenario(tmp_path, name=name)
    before = tree(tmp_path)
    result = cli("run", "s.yaml")
    assert (result.exit_code, result.output) == (1, (
        f"Error: s.yaml:2: name | {what}. Give a short name of letters, digits, '-', '_' or "
        "'.', e.g. my_scenario.\n"))
    assert tree(tmp_path) == before


def test_a_file_name_that_is_not_a_usable_name_is_refused(cli, tmp_path):
    (tmp_path / "a b.yaml").write_text(f"extends: {BASELINE}\n", encoding="utf-8")
    result = cli("validate", "a b.yaml")
    assert (result.exit_code, result.output) == (1, (
        "Error: a b.yaml: name | must be a short name of letters, digits, '-', '_' or '.', "
        "used as the output folder.\n"))


@pytest.mark.parametrize("out, what", [
    (".", "the current folder"), ("..", "a parent of the current folder"),
    ("/", "a parent of the current folder")])
def test_out_is_never_the_current_folder_or_a_parent(cli, tmp_path, out, what):
    before = tree(tmp_path)
    result = cli("run", BASELINE, "--out", out)
    assert (result.exit_code, result.output) == (1, (
        f"Error: {out}: the output folder is {what}, which the output would replace. Name a "
        "new folder, e.g. --out outputs/run1.\n"))
    assert tree(tmp_path) == before


def test_out_never_replaces_a_folder_that_holds_an_input(cli, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    path = scenario(inputs, name="x")
    before = tree(tmp_path)
    result = cli("uncertainty", SCENARIOS / "upside.yaml", "--out", REPO / "scenarios")
    assert (result.exit_code, result.output) == (1, (
        f"Error: {REPO / 'scenarios'}: the output folder holds the input "
        f"{SCENARIOS / 'upside.yaml'}, which the output would replace. Name a folder of its "
        "own, e.g. --out outputs/run1.\n"))
    result = cli("compare", BASELINE, path, "--out", "inputs")
    assert (result.exit_code, result.output) == (1, (
        f"Error: inputs: the output folder holds the input {SCENARIOS / 'baseline.yaml'}, "
        "which the output would replace. Name a folder of its own, e.g. --out "
        "outputs/run1.\n").replace(str(SCENARIOS / "baseline.yaml"), str(path)))
    assert tree(tmp_path) == before


def test_out_never_replaces_a_folder_sim_did_not_write(cli, tmp_path):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "letter.txt").write_text("mine")
    before = tree(tmp_path)
    result = cli("run", BASELINE, "--out", "documents")
    assert (result.exit_code, result.output) == (1, (
        "Error: documents: exists and was not written by sim (no manifest.json); it is left "
        "alone. Name a new or empty folder, or remove this one first.\n"))
    assert tree(tmp_path) == before


def test_devices_and_pipes_are_refused_as_input(cli, tmp_path):
    result = cli("validate", "/dev/zero")
    assert (result.exit_code, result.output) == (
        1, "Error: /dev/zero: is a device, not a file. Name a regular file.\n")
    result = cli("review", "--actuals", "/dev/zero", BASELINE, "--out", "r")
    assert (result.exit_code, result.output) == (
        1, "Error: /dev/zero: is a device, not a file. Name a regular file.\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    result = cli("validate", "pipe.yaml")
    assert (result.exit_code, result.output) == (
        1, "Error: pipe.yaml: is a pipe, not a file. Name a regular file.\n")


def test_a_huge_input_file_is_refused_unread(cli, tmp_path):
    with open(tmp_path / "big.yaml", "wb") as f:
        f.truncate(5 * 1024 * 1024)  # sparse: costs no disk
    result = cli("validate", "big.yaml")
    assert (result.exit_code, result.output) == (1, (
        "Error: big.yaml: is larger than 4 MB, the limit for this kind of input. Check that "
        "it is the right file.\n"))


@pytest.mark.parametrize("time, message", [
    ({"final": 1000000000}, "s.yaml:3: time.final | must be a number of years from -9999 to "
                            "9999; got 1000000000."),
    ({"step": 0.0000001}, "s.yaml:3: time.step | 5e+07 steps from 2020 to 2025; at most "
                          "100,000 are allowed. Use a larger step.")])
def test_time_settings_beyond_the_step_budget_fail_validation(cli, tmp_path, time, message):
    scenario(tmp_path, time=time)
    for command in ("validate", "run"):
        result = cli(command, "s.yaml")
        assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert not (tmp_path / "outputs").exists()


def test_huge_samples_are_refused_with_the_size_they_need(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "available_memory", lambda: 1024 ** 3)
    # 2020 to 2025 in steps of 1/128: 640 steps a member
    fine = scenario(tmp_path, extends=str(SCENARIOS / "upside.yaml"),
                    time={"step": 0.0078125, "saveper": 1})
    result = cli("uncertainty", fine, "--samples", 100_000)
    assert (result.exit_code, result.output) == (1, (
        "Error: --samples: 100000 | 100,000 members of 640 steps each make 64,000,000 "
        "model steps; the limit is 40,000,000. Use at most 62,500 members.\n"))
    # 6 saved years x every variable of the model x 16 bytes per value and member
    from sim import model

    variables = len(model.info(REPO / "models" / "qingdao_fyp.mdl").variables)
    need = 100_000 * 6 * variables * 16 / 1024 ** 3
    fits = int(1024 ** 3 * 0.8 // (6 * variables * 16))
    result = cli("uncertainty", SCENARIOS / "upside.yaml", "--samples", 100_000)
    assert (result.exit_code, result.output) == (1, (
        f"Error: --samples: 100000 | 100,000 members need about {need:,.1f} GB of "
        f"memory; 1.0 GB is available. Use at most {fits:,} members.\n"))
    assert not (tmp_path / "outputs").exists()


def test_a_full_disk_is_one_line_naming_the_folder(cli, tmp_path, monkeypatch):
    import pandas as pd

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "x.csv")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    message = ("Error: o: cannot write the output folder (No space left on device). Free some "
               "disk space, or write elsewhere with --out.")
    result = cli("compare", BASELINE, SCENARIOS / "downside.yaml", "--out", "o")
    assert (result.exit_code, result.output) == (1, message + "\n")
    result = cli("run", BASELINE, "--out", "o")  # run prints its targets before writing
    assert (result.exit_code, result.output.splitlines()[-1]) == (1, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_read_only_folder_is_one_line_naming_the_folder(cli, tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr("sim.folders.tempfile.mkdtemp", read_only)
    result = cli("sensitivity", SCENARIOS / "upside.yaml", "--samples", 64, "--out", "o")
    assert (result.exit_code, result.output) == (1, (
        "Error: o: cannot write the output folder (Read-only file system). Choose a folder "
        "you can write to with --out.\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_failure_in_the_chart_writer_process_is_one_line_too(cli, tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "charts")

    monkeypatch.setattr("sim.charts.targets.write_charts", denied)
    result = cli("compare", BASELINE, SCENARIOS / "downside.yaml", "--out", "c")
    assert (result.exit_code, result.output) == (1, (
        "Error: c: cannot write the output folder (Permission denied). Choose a folder you "
        "can write to with --out.\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_run_removes_what_killed_runs_left_and_repairs_a_half_swap(cli, tmp_path):
    for left in (".o.tmp-killed", ".o.old-4242"):
        (tmp_path / left).mkdir()
        (tmp_path / left / "manifest.json").write_text(left)
    result = cli("run", BASELINE, "--out", "o", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]
    # the folder is this run's: 848.9 grown 5% a year to 2025, printed and written
    trade = pd.read_csv(tmp_path / "o" / "indicators.csv", encoding="utf-8-sig",
                        index_col="year")["services_trade"]
    assert trade[2025] == pytest.approx(848.9 * 1.05 ** 5)
    line = next(s for s in result.output.splitlines() if s.startswith("services_trade"))
    assert f"{848.9 * 1.05 ** 5:,.2f}" in line.split()
