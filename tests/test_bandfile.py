"""An uncertainty folder given to `sim review --uncertainty`: each damage is refused with one
line naming the file inside the folder, before anything is written."""

import csv
import io
import os
import shutil

import pytest
from click.testing import CliRunner

from sim.cli import main

from .test_uncertainty_folder_properties import ACTUALS, BASELINE, FILES, real_folder

RERUN = "Rerun 'sim uncertainty' on the scenario."


@pytest.fixture
def folder(tmp_path):
    """A copy of a real uncertainty folder of the reviewed scenario."""
    made = tmp_path / "unc"
    made.mkdir()
    for name in FILES:
        shutil.copy(real_folder() / name, made / name)
    return made


def _edit_row(folder, line: int, column: str, value: str) -> None:
    """Set `column` of the row on `line` (the header is line 1) of percentiles.csv."""
    path = folder / "percentiles.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _review(folder):
    out = folder.parent / "out"
    result = CliRunner().invoke(main, ["review", "--actuals", str(ACTUALS), str(BASELINE),
                                       "--uncertainty", str(folder), "--out", str(out)])
    assert not out.exists()
    return result


def _refused(folder, text: str) -> None:
    result = _review(folder)
    assert result.exit_code == 1, result.output
    assert result.output == f"Error: {text}\n"


@pytest.mark.parametrize("column, value, problem", [
    ("p50", "n/a", "p50 | not a finite number ('n/a')."),
    ("p95", "inf", "p95 | not a finite number ('inf')."),
    ("p5", "1e9", "percentiles of services_va 2025 are not in increasing order."),
    ("indicator", "services", "indicator | unknown indicator 'services'."),
    ("year", "2100", "year | 2100 is outside the scenario's time (2020 to 2025)."),
    ("year", "2024", "duplicate row for services_va 2024 (also line 6)."),
])
def test_a_damaged_row_is_refused_with_its_line(folder, column, value, problem):
    _edit_row(folder, 7, column, value)
    _refused(folder, f"{folder}/percentiles.csv:7: {problem} {RERUN}")


def test_a_missing_column_is_refused(folder):
    path = folder / "percentiles.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("p50,", "p51,", 1),
                    encoding="utf-8")
    _refused(folder, f"{folder}/percentiles.csv: missing column(s) p50. The header must be "
                     f"indicator,year,p5,p25,p50,p75,p95. {RERUN}")


def test_binary_percentiles_are_refused(folder):
    (folder / "percentiles.csv").write_bytes(b"\xff\xfe\x00indicator")
    _refused(folder, f"{folder}/percentiles.csv: not UTF-8 text. {RERUN}")


def test_a_manifest_that_is_not_an_object_is_refused(folder):
    (folder / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    _refused(folder, f"{folder}/manifest.json: scenario_sha256 | missing or not a text. {RERUN}")


def test_a_manifest_that_is_not_json_is_refused(folder):
    (folder / "manifest.json").write_text("{scenario: baseline", encoding="utf-8")
    _refused(folder, f"{folder}/manifest.json: not valid JSON. {RERUN}")


def test_a_missing_manifest_is_refused(folder):
    (folder / "manifest.json").unlink()
    _refused(folder, f"{folder}/manifest.json: not found. {RERUN}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_a_fifo_manifest_is_refused_without_waiting(folder):
    (folder / "manifest.json").unlink()
    os.mkfifo(folder / "manifest.json")
    _refused(folder, f"{folder}/manifest.json: is a pipe, not a file. Name a regular file.")


def test_a_header_only_file_is_refused(folder):
    path = folder / "percentiles.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").splitlines()[0] + "\n",
                    encoding="utf-8")
    _refused(folder, f"{folder}/percentiles.csv: no data rows. {RERUN}")
