"""Bad calibration inputs: one clear line each."""

import pytest

from sim import calibration
from sim.errors import InputError

GOOD = {"hte formation rate": {"bounds": [0.0, 0.6]}}
ROWS = [(2021, "high_tech_enterprises", 5554)]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def problems(path):
    with pytest.raises(InputError) as err:
        calibration.load(path)
    return [str(p) for p in err.value.problems]


def test_a_good_spec_loads(write_spec):
    spec = calibration.load(write_spec(ROWS, GOOD))
    assert [p.name for p in spec.parameters] == ["hte formation rate"]
    assert spec.parameters[0].start == 0.22  # the model's default
    assert list(spec.data["value"]) == [5554.0]


def test_bad_data_rows(write_spec, tmp_path):
    path = write_spec([("", "high_tech_enterprises", 1), (2021, "high_tech_enterprises", "n/a"),
                       (2021, "high_tech_enterprizes", 1), (2022, "tech_smes", 1),
                       (2022, "tech_smes", 2)], GOOD)
    assert problems(path) == [
        "data.csv:2: year | year missing or not a whole number (''). Give the calendar year, "
        "e.g. 2021.",
        "data.csv:3: value | not a number ('n/a') for high_tech_enterprises 2021. Write the "
        "figure in the indicator's unit.",
        "data.csv:4: indicator | unknown indicator 'high_tech_enterprizes'. Did you mean "
        "'high_tech_enterprises'? Use a plan indicator id (models/indicators.csv) or a model "
        "variable name.",
        "data.csv:6: duplicate row for tech_smes 2022 (also line 5). Keep one.",
    ]


def test_parameters_need_bounds_inside_the_model_range(write_spec):
    path = write_spec(ROWS, {"hte formation rate": {"start": 0.2},
                             "hte exit rate": {"bounds": [-0.5, 0.5]}})
    assert problems(path) == [
        "spec.yaml:5: parameters.hte formation rate | needs bounds: [lower, upper] with lower "
        "< upper.",
        "spec.yaml:7: parameters.hte exit rate | bounds [-0.5, 0.5] reach outside the model's "
        "range [0, 1]. Narrow them.",
    ]


def test_no_data_in_the_window(write_spec):
    path = write_spec([(2030, "high_tech_enterprises", 1)], GOOD)
    assert problems(path) == ["data.csv: no observations in the time window (2020, 2025]. "
                              "Widen time: or add data."]


def test_unknown_keys_and_method(write_spec):
    path = write_spec(ROWS, GOOD, method={"name": "newton", "seed": 1.5}, wieghts={})
    assert problems(path) == [
        "spec.yaml:12: wieghts | unknown key. Allowed: name, description, scenario, data, time, "
        "initial, parameters, weights, method, checks. Did you mean 'weights'?",
    ]
    path = write_spec(ROWS, GOOD, method={"name": "newton", "seed": 1.5})
    assert problems(path) == [
        "spec.yaml:10: method.name | must be one of least_squares, differential_evolution.",
        "spec.yaml:11: method.seed | must be a whole number >= 0.",
    ]
