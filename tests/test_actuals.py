"""Actuals files: every bad row is one line with the file, line, key and fix."""

import pytest
from click.testing import CliRunner

from sim import actuals
from sim.cli import main
from sim.errors import InputError

from .conftest import MODEL, SCENARIOS

HEADER = "year,indicator,value,unit,grade,basis,source\n"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Files are named relative to the working folder, as a user types them."""
    monkeypatch.chdir(tmp_path)


def load(tmp_path, text, name="a.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return actuals.load(path, MODEL)


def problems(tmp_path, text):
    with pytest.raises(InputError) as info:
        load(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_a_good_file_loads_with_units_grades_and_lines(tmp_path):
    table = load(tmp_path, HEADER + "2021,services_va,8596.07,亿元,A,census2018,bulletin\n"
                                    "2021,rd_share_gdp,2.65,%,B,,report\n")
    row = table.set_index("indicator").loc["services_va"]
    assert (row["year"], row["value"], row["unit"], row["grade"], row["basis"],
            row["line"]) == (2021, 8596.07, "100 million yuan", "A", "census2018", 2)


@pytest.mark.parametrize("row, message", [
    ("2021,services_va,8596.07,%,A,,x",
     "a.csv:2: unit | unit '%' does not match services_va's '100 million yuan'. Convert the "
     "value and write '100 million yuan'."),
    ("2021,rd_share_gdp,0.0265,%,A,,x",
     "a.csv:2: value | 0.0265 for rd_share_gdp 2021 is outside the plausible range 0.3 to 10 "
     "%. A share is written in percent (2.65 for 2.65%). Check the figure and its unit."),
    ("2026,services_va,9000,100 million yuan,A,,x",
     "a.csv:2: year | 2026 is outside the model's time (1990-2025). Correct the year or drop "
     "the row."),
    ("2021,service_va,9000,100 million yuan,A,,x",
     "a.csv:2: indicator | unknown indicator 'service_va'. Did you mean 'services_va'? Use an "
     "id of models/indicators.csv or models/targets.csv."),
    ("2021,services_va,n/a,100 million yuan,A,,x",
     "a.csv:2: value | not a number ('n/a') for services_va 2021. Write the figure in the "
     "indicator's unit."),
    ("2021,services_va,9000,100 million yuan,E,,x",
     "a.csv:2: grade | unknown grade 'E'. Use one of A, B, C, D."),
    ("x,services_va,9000,100 million yuan,A,,x",
     "a.csv:2: year | year missing or not a whole number ('x'). Give the calendar year, e.g. "
     "2021."),
])
def test_each_bad_row_is_named_with_its_fix(tmp_path, row, message):
    assert problems(tmp_path, HEADER + row + "\n") == [message]


def test_two_rows_for_one_year_and_every_problem_at_once(tmp_path):
    text = (HEADER + "2021,services_va,8596.07,100 million yuan,A,,x\n"
            "2021,services_va,8600,100 million yuan,A,,y\n"
            "2022,rd_share_gdp,0.02,%,A,,z\n")
    found = problems(tmp_path, text)
    assert found[0] == ("a.csv:3: year | two rows for services_va 2021 (the other on line "
                        "2). Keep one.")
    assert found[1].startswith("a.csv:4: value | 0.02 for rd_share_gdp 2022")
    assert len(found) == 2


def test_missing_columns_and_empty_files(tmp_path):
    assert problems(tmp_path, "year,indicator,value\n") == [
        "a.csv: missing column(s) unit, source. The header must be year,indicator,value,unit,"
        "grade,basis,source."]
    assert problems(tmp_path, HEADER) == ["a.csv: no data rows. Add rows under the header."]


def test_the_shipped_actuals_load():
    table = actuals.load(SCENARIOS.parent / "calibration" / "data" / "actuals.csv", MODEL)
    assert not table.duplicated(["year", "indicator"]).any()
    services = table[table["indicator"] == "services_va"].set_index("year")["value"]
    assert services[2020] == 7613.59          # the plan's own baseline


def test_bad_actuals_stop_the_run_and_write_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2021,rd_share_gdp,2.65,percent,A,,x\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(SCENARIOS / "baseline.yaml"), "--actuals",
                                       str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == ("Error: bad.csv:2: unit | unit 'percent' does not match "
                             "rd_share_gdp's '%'. Convert the value and write '%'.\n")
    assert not out.exists()


def test_an_as_of_year_without_actuals_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["run", str(SCENARIOS / "baseline.yaml"), "--as-of",
                                       "2022", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.endswith("as_of | an as-of year needs actuals. Add actuals: FILE (or "
                                  "--actuals FILE).\n")
