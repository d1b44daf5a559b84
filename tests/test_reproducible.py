"""Every command, run twice on the same inputs, writes the same bytes in every file."""

import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from sim.cli import main

from .conftest import REPO, SCENARIOS

BASE, DOWN = SCENARIOS / "baseline.yaml", SCENARIOS / "downside.yaml"
COMMANDS = {
    "run": ["run", BASE],
    "compare": ["compare", BASE, DOWN],
    "calibrate": ["calibrate", REPO / "calibration" / "trend_2016_2025.yaml"],
    "review": ["review", "--actuals", REPO / "calibration" / "data" / "actuals.csv", BASE],
    "uncertainty": ["uncertainty", BASE, "--samples", 50],
    "sensitivity": ["sensitivity", BASE, "--method", "morris", "--samples", 10],
}


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_rerun_writes_identical_bytes(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    args = [str(a) for a in COMMANDS[command]] + ["--out", "out"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    kept = files(tmp_path / "out")
    shutil.rmtree(tmp_path / "out")
    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    again = files(tmp_path / "out")
    assert sorted(again) == sorted(kept)
    assert [name for name in kept if kept[name] != again[name]] == []
    assert b'"created": "2023-11-14T22:13:20Z"' in kept["manifest.json"]


def test_without_source_date_epoch_the_time_is_in_the_manifest_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    runner = CliRunner()
    args = [str(a) for a in COMMANDS["review"]]
    assert runner.invoke(main, [*args, "--out", "a"]).exit_code == 0
    assert runner.invoke(main, [*args, "--out", "b"]).exit_code == 0
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert {n for n in a if a[n] != b[n]} <= {"manifest.json"}  # the clock may not tick
    with zipfile.ZipFile(tmp_path / "a" / "review.xlsx") as book:
        core = book.read("docProps/core.xml").decode()
        assert {i.date_time for i in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert re.findall(r"<dcterms:\w+[^>]*>([^<]*)<", core) == ["1980-01-01T00:00:00Z"] * 2
    assert "1980-01-01" not in a["index.html"].decode()
