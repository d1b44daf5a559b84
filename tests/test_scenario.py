"""Scenario loading: merging, precedence, names, and every kind of bad input."""

import pytest

from sim import scenario
from sim.errors import InputError

from .conftest import MODEL, SCENARIOS


def problems(path, constants=None):
    with pytest.raises(InputError) as err:
        scenario.load(path, constants)
    return [str(p) for p in err.value.problems]


def test_shipped_scenarios_load():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        s = scenario.load(path)
        assert s.title["zh"] and s.title["en"] and s.description["zh"] and s.description["en"]
        assert s.model == MODEL


def test_extends_overrides_and_merges_series_by_year(write_scenario, tmp_path):
    write_scenario("base.yaml", name="base", constants={"sei real growth": 0.07,
                                                        "hte exit rate": 0.05},
                   series={"sei real growth": {2022: 0.01, 2023: 0.02}})
    child = write_scenario("child.yaml", text="extends: base.yaml\nconstants:\n"
                           "  sei_real_growth: 0.09\nseries:\n  sei real growth: {2023: 0.05}\n")
    s = scenario.load(child)
    assert s.name == "child"
    assert s.constants == {"sei real growth": 0.09, "hte exit rate": 0.05}
    assert s.series == {"sei real growth": {2022: 0.01, 2023: 0.05}}
    assert s.files == [tmp_path / "base.yaml", tmp_path / "child.yaml"]


def test_given_constants_win_over_scenario_and_its_series(write_scenario):
    path = write_scenario(constants={"sei real growth": 0.07},
                          series={"sei real growth": {2022: 0.01}})
    s = scenario.load(path, {"sei_real_growth": 0.1})
    assert s.constants["sei real growth"] == 0.1
    assert s.series == {}


def test_resolved_constants_fill_in_model_defaults(write_scenario):
    from sim import model

    s = scenario.load(write_scenario(constants={"sei real growth": 0.07}))
    resolved = s.resolved_constants(model.info(MODEL))
    assert resolved["sei real growth"] == 0.07
    assert resolved["initial services va"] == 7613.59
    assert s.time == {"initial": 2020.0, "final": 2025.0, "step": 0.25, "saveper": 1.0}


def test_all_problems_are_reported_at_once(write_scenario):
    path = write_scenario(text=(f"model: {MODEL}\n"
                                "constants:\n"
                                "  servcies price growth: 0.03\n"
                                "  sei real growth: '8%'\n"
                                "  rd intensity growth: 0.9\n"
                                "  gdp: 3\n"
                                "seires: {}\n"))
    assert problems(path) == [
        "s.yaml:3: constants.servcies price growth | unknown parameter. Did you mean "
        "'services price growth'? Run 'sim params' for the list.",
        "s.yaml:4: constants.sei real growth | must be a number; got '8%'. Write a fraction "
        "(e.g. 0.08), not '8%'.",
        "s.yaml:5: constants.rd intensity growth | 0.9 is outside the model's range "
        "[-0.2, 0.3] for 'rd intensity growth' (1/Year). Choose a value inside it.",
        "s.yaml:6: constants.gdp | 'gdp' is computed by the model, not a constant; set one of "
        "its inputs instead.",
        "s.yaml:7: seires | unknown key. Allowed: name, title, description, extends, model, "
        "actuals, as_of, data, time, constants, series, targets, uncertainty. Did you mean 'series'?",
    ]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_duplicate_keys_are_rejected(write_scenario):
    path = write_scenario(text="constants:\n  sei real growth: 0.1\n  sei real growth: 0.2\n")
    assert problems(path) == ["s.yaml:3: sei real growth | duplicate key. Keep one of them."]


def test_malformed_yaml_names_the_line(write_scenario):
    path = write_scenario(text="title: x\nconstants:\n  a: [1\n")
    assert problems(path) == ["s.yaml:4: malformed YAML: expected ',' or ']', but got "
                              "'<stream end>'. Fix the syntax (indentation, colons, quotes) "
                              "on that line."]


def test_extends_cycle(write_scenario):
    write_scenario("a.yaml", text="extends: b.yaml\n")
    b = write_scenario("b.yaml", text="extends: a.yaml\n")
    assert problems(b) == ["a.yaml: extends | extends cycle (b.yaml -> a.yaml -> b.yaml). "
                           "Remove one of the 'extends:' keys."]


def test_missing_files(write_scenario, tmp_path):
    assert problems(tmp_path / "nope.yaml") == ["nope.yaml: file not found. Check the path."]
    path = write_scenario(text="extends: gone.yaml\n")
    assert problems(path) == ["s.yaml:1: extends | file not found: gone.yaml. Give a path "
                              "relative to this file."]
    path = write_scenario(text="model: gone.mdl\n")
    assert problems(path) == [f"s.yaml:1: model | model file not found: {tmp_path / 'gone.mdl'}"
                              ". Give a path relative to the scenario file."]


def test_wrong_types(write_scenario):
    path = write_scenario(text=(f"model: {MODEL}\nname: a b\ntime: {{final: soon}}\n"
                                "series:\n  sei real growth: {later: 0.1}\n"
                                "targets:\n  sei_va_growth: {tolerance: -1, measur: cagr}\n"))
    assert problems(path) == [
        "s.yaml:2: name | must be a short name of letters, digits, '-', '_' or '.', used as "
        "the output folder.",
        "s.yaml:3: time.final | must be a number of years from -9999 to 9999; got 'soon'.",
        "s.yaml:5: series.sei real growth.later | must be a year, a whole number such as 2022; "
        "got 'later'.",
        "s.yaml:7: targets.sei_va_growth.tolerance | must be a number >= 0, in the target's own "
        "unit; got -1.",
        "s.yaml:7: targets.sei_va_growth.measur | unknown key. Allowed: tolerance, measure, "
        "strict. Did you mean 'measure'?",
    ]


def test_series_years_must_fall_in_the_run(write_scenario):
    path = write_scenario(text=f"model: {MODEL}\nseries:\n  sei real growth: {{2020: 0.1, 2026: 0.1}}\n")
    assert problems(path) == [
        "s.yaml:3: series.sei real growth.2020 | year outside the run (2020, 2025]: a value "
        "for year Y sets the rate from Y-1 to Y.",
        "s.yaml:3: series.sei real growth.2026 | year outside the run (2020, 2025]: a value "
        "for year Y sets the rate from Y-1 to Y.",
    ]


def test_unknown_target_and_control_settings(write_scenario):
    path = write_scenario(text=(f"model: {MODEL}\nconstants:\n  TIME STEP: 1\n"
                                "targets:\n  sei_va_growht: {tolerance: 1}\n"))
    assert problems(path) == [
        "s.yaml:3: constants.TIME STEP | 'TIME STEP' is a control setting; use the time: "
        "section.",
        "s.yaml:5: targets.sei_va_growht | unknown target id. Did you mean 'sei_va_growth'? "
        "The ids are those of the model's targets.csv.",
    ]


def test_bad_given_constants_are_reported_with_the_files_problems(write_scenario):
    path = write_scenario(constants={"servcies price growth": 0.03})  # line 2, under constants:
    assert problems(path, {"sei real growth": float("inf"), "sei real growh": 0.1,
                           "hte exit rate": 1.5}) == [
        "s.yaml:2: constants.servcies price growth | unknown parameter. Did you mean "
        "'services price growth'? Run 'sim params' for the list.",
        "constants: sei real growth | must be a finite number; got inf. Write a number, "
        "e.g. 0.05.",
        "constants: sei real growh | unknown parameter. Did you mean 'sei real growth'? Run "
        "'sim params' for the list.",
        "constants: hte exit rate | 1.5 is outside the model's range [0, 1] for 'hte exit "
        "rate' (1/Year). Choose a value inside it.",
    ]
