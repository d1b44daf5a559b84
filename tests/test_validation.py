"""Input checks: the published JSON Schema, and inputs that once slipped through or crashed.

Every bad input gives exit code 1, one `file:line: key | problem. how to fix` line per
problem, no traceback, and no output folder.
"""

import json

import pytest
import yaml
from click.testing import CliRunner

from sim import schema
from sim.cli import main

from .conftest import REPO, SCENARIOS
from .mutations import ALIAS_BOMB

BASE = SCENARIOS / "baseline.yaml"
DATA = REPO / "calibration" / "data" / "history_2016_2020.csv"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_the_committed_json_schema_is_the_generated_one():
    committed = (SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == schema.scenario_json_schema_text(), \
        "regenerate it: python3 -m sim.schema > scenarios/scenario.schema.json"


def test_shipped_scenarios_pass_the_json_schema_and_bad_ones_fail():
    import jsonschema

    published = json.loads((SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8"))

    def as_json(node):  # YAML keys as JSON sees them (years become text)
        if isinstance(node, dict):
            return {str(k): as_json(v) for k, v in node.items()}
        return [as_json(v) for v in node] if isinstance(node, list) else node

    for path in sorted(SCENARIOS.glob("*.yaml")):
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        jsonschema.validate(data, published)
    for bad in ({"seires": {}}, {"time": 2015}, {"constants": {"a": "8%"}},
                {"uncertainty": {"samples": 0}},
                {"uncertainty": {"parameters": {"a": {"distribution": "normall"}}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, published)


def fails(result, out, *lines):
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == ["Error: " + lines[0], *lines[1:]]
    assert "Traceback" not in result.output
    assert not out.exists()


SCENARIO_CASES = [
    ("uncertainty: {samples: 1_000}\n", "s.yaml:2: uncertainty.samples | write the whole "
     "number in plain digits, without '_', a 0x/0o prefix or leading zeros."),
    ("uncertainty: {seed: 0x20}\n", "s.yaml:2: uncertainty.seed | write the whole number in "
     "plain digits, without '_', a 0x/0o prefix or leading zeros."),
    ("uncertainty:\n", "s.yaml:2: uncertainty | must be a mapping with samples, sampling, seed, "
     "parameters; got nothing (null)."),
    ("uncertainty:\n  parameters:\n    tech contract turnover growth: {distribution: lognormal, "
     "median: 0.1, sigma: 0.4, lower: 0.3, upper: 0.2}\n", "s.yaml:4: uncertainty.parameters."
     "tech contract turnover growth | lower must be below upper."),
    ("uncertainty:\n  parameters:\n    sei real growth: {distribution: normal, mean: 0.08, "
     "sd: 1e-300, lower: 0.03, upper: 0.13}\n", "s.yaml:4: uncertainty.parameters.sei real "
     "growth | sd is too small to draw from. Widen it, or set a constant."),
    ("constants:\n  123: 0.1\n", "s.yaml:3: constants.123 | must be a name in text; got 123. "
     "Quote it: '123':"),
    ("constants:\n  null: 0.1\n", "s.yaml:3: constants.null | must be a name in text; got "
     "nothing (null). Quote it: 'null':"),
    ("constants:\n  true: 0.1\n", "s.yaml:3: constants.true | must be a name in text; got "
     "true. Quote it: 'true':"),
    ("uncertainty:\n  parameters:\n    sei real growth: {distribution: [normal]}\n",
     "s.yaml:4: uncertainty.parameters.sei real growth.distribution | unknown distribution a "
     "list. Use one of uniform, normal, triangular, lognormal, choice."),
    ("constants:\n  sei real growth: " + "9" * 400 + "\n", "s.yaml:3: constants.sei real "
     "growth | must be a number; got a 400-digit number. Write a number, e.g. 0.05."),
    ("constants:\n  sei real growth: " + "[" * 300 + "]" * 300 + "\n", "s.yaml:3: nested more "
     "than 20 levels deep. Flatten the structure."),
    ("constants:\n  sei real growth: " + ALIAS_BOMB + "\n", "s.yaml:3: more than 100,000 "
     "values once its aliases (*name) are expanded. Write the values out, or use fewer "
     "aliases."),
    ("constants:\n  sei real growth: 2022-01-01\n  hte exit rate: !!set {a}\n", "s.yaml:3: "
     "constants.sei real growth | must be a number; got a date. Write a number, e.g. 0.05.\n"
     "s.yaml:4: constants.hte exit rate | must be a number; got a set. Write a number, e.g. "
     "0.05."),
    ("time: {final: 1000000000}\n", "s.yaml:2: time.final | must be a number of years from "
     "-9999 to 9999; got 1000000000."),
    ("time: {final: 2400}\n", "s.yaml:2: time.final | a run of 380 years; at most 300 years "
     "are allowed. Bring time.final closer to time.initial."),
    ("time: {step: 0.0000001}\n", "s.yaml:2: time.step | 5e+07 steps from 2020 to 2025; at "
     "most 100,000 are allowed. Use a larger step."),
    ("title: {zh: , en: x}\n", "s.yaml:2: title.zh | must be text; got nothing (null)."),
    ("time: {saveper: 1e300}\n", "s.yaml:2: time.saveper | 1e+300 is longer than the run (5 "
     "years), so nothing after the start would be saved. Make it shorter."),
    ("as_of: twenty\n", "s.yaml:2: as_of | must be a year, a whole number such as 2022; got "
     "'twenty'."),
]


@pytest.mark.parametrize("text, message", SCENARIO_CASES)
def test_bad_scenarios_fail_cleanly_before_anything_runs(cli, tmp_path, text, message):
    (tmp_path / "s.yaml").write_text(f"extends: {BASE}\n{text}", encoding="utf-8")
    fails(cli("run", "s.yaml", "--out", "out"), tmp_path / "out", *message.split("\n"))


def test_a_zero_seed_is_saved_with_the_run(cli, tmp_path):
    (tmp_path / "s.yaml").write_text(f"extends: {BASE}\nuncertainty: {{seed: 0}}\n",
                                     encoding="utf-8")
    result = cli("run", "s.yaml", "--out", "out")
    assert result.exit_code == 0, result.output
    saved = yaml.safe_load((tmp_path / "out" / "scenario.yaml").read_text(encoding="utf-8"))
    assert saved["uncertainty"]["seed"] == 0 and saved["uncertainty"]["samples"] == 1000


def test_actuals_and_as_of_are_inherited_and_kept_with_given_constants(tmp_path):
    from sim import scenario

    (tmp_path / "base.yaml").write_text(f"extends: {BASE}\nactuals: data/a.csv\nas_of: 2022\n",
                                        encoding="utf-8")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("year,indicator,value\n", encoding="utf-8")
    s = scenario.load(tmp_path / "child.yaml", {"sei real growth": 0.1})
    assert (s.actuals, s.as_of) == (tmp_path / "data" / "a.csv", 2022)
    assert scenario.load(BASE).actuals is None and scenario.load(BASE).as_of is None


def test_unknown_set_names_are_reported_with_the_files_problems(cli, tmp_path):
    (tmp_path / "s.yaml").write_text(f"extends: {BASE}\nconstants:\n  hte exit rate: 2\n",
                                     encoding="utf-8")
    fails(cli("run", "s.yaml", "--out", "out", "--set", "sei real growh=0.1", "--set",
              "TIME STEP=1"), tmp_path / "out",
          "s.yaml:3: constants.hte exit rate | 2 is outside the model's range [0, 1] for 'hte "
          "exit rate' (1/Year). Choose a value inside it.",
          "--set: sei real growh | unknown parameter. Did you mean 'sei real growth'? Run "
          "'sim params' for the list.",
          "--set: TIME STEP | 'TIME STEP' is a control setting; use the time: section.")


@pytest.mark.parametrize("command", ["run", "compare", "uncertainty", "sensitivity", "review",
                                     "validate"])
def test_a_malformed_set_is_reported_with_the_files_and_the_other_set_problems(cli, tmp_path,
                                                                                command):
    (tmp_path / "s.yaml").write_text(f"extends: {BASE}\nconstants:\n  hte exit rate: 2\n",
                                     encoding="utf-8")
    given = ["s.yaml", "s.yaml"] if command == "compare" else ["s.yaml"]  # once each problem
    extra = ["--actuals", DATA] if command == "review" else []
    fails(cli(command, *given, *extra, "--out", "out", "--set", "noequals", "--set",
              "sei real growh=0.1")
          if command != "validate" else
          cli(command, *given, "--set", "noequals", "--set", "sei real growh=0.1"),
          tmp_path / "out",
          "s.yaml:3: constants.hte exit rate | 2 is outside the model's range [0, 1] for 'hte "
          "exit rate' (1/Year). Choose a value inside it.",
          "--set: sei real growh | unknown parameter. Did you mean 'sei real growth'? Run "
          "'sim params' for the list.",
          "--set: noequals | expected NAME=VALUE, e.g. --set 'services price growth=0.03'.")


def test_a_missing_actuals_file_is_named(cli, tmp_path):
    (tmp_path / "s.yaml").write_text(f"extends: {BASE}\nactuals: gone.csv\n", encoding="utf-8")
    fails(cli("run", "s.yaml", "--out", "out"), tmp_path / "out",
          f"s.yaml:2: actuals | file not found: {tmp_path / 'gone.csv'}. Give a path relative "
          "to the scenario file.")


@pytest.mark.parametrize("option, message", [
    (("--samples", "1000001"), "--samples: 1000001 | too many members: use at most 100,000."),
    (("--seed", "-1"), "--seed: -1 | must be a whole number from 0 to 4,294,967,295."),
])
def test_uncertainty_options_are_bounded(cli, tmp_path, option, message):
    fails(cli("uncertainty", BASE, *option, "--out", "out"), tmp_path / "out", message)


SPEC = ("scenario: {base}\ndata: {data}\ntime: {{initial: 2015, final: 2020}}\nparameters:\n"
        "  hte formation rate: {{bounds: [0.0, 1.0]}}\n"
        "  services price growth: {{bounds: [-0.05, 0.15]}}\n")

SPEC_CASES = [
    ("weights: [x]\n", ["spec.yaml:7: weights | must be a mapping of series names to numbers "
                        ">= 0; got a list."]),
    ("weights: [1, 2]\n", ["spec.yaml:7: weights | must be a mapping of series names to "
                           "numbers >= 0; got a list."]),
    ("checks: 5\n", ["spec.yaml:7: checks | must be a list of {label, indicator, measure, from, "
                     "to, plan}; got 5."]),
    ("checks:\n  - {label: a, indicator: services va real, measure: cagr, from: abc, to: 2020, "
     "plan: n/a}\n", ["spec.yaml:8: checks[0].from | must be a year, a whole number such as "
                      "2022; got 'abc'.",
                      "spec.yaml:8: checks[0].plan | must be a number; got 'n/a'. Write a "
                      "number, e.g. 0.05."]),
    ("checks:\n  - {label: a, indicator: services va real, measure: cagr, from: x, to: 2020, "
     "plan: 1}\n  - {label: b, indicator: nonsense, measure: level, from: 2020, to: 2020, "
     "plan: 1}\n", ["spec.yaml:8: checks[0].from | must be a year, a whole number such as "
                    "2022; got 'x'.",
                    "spec.yaml:9: checks[1].indicator | unknown series 'nonsense'. Use a plan "
                    "indicator id or a model variable name."]),
    ("method: {name: differential_evolution, max_runs: 20}\n", [
        "spec.yaml:7: method.max_runs | differential evolution's first population and one "
        "Jacobian take 33 runs for 2 parameters; raise max_runs to at least that."]),
    ("initial: {initial services va: 4710, initial sei va: x}\n", [
        "spec.yaml:7: initial.initial sei va | must be a number; got 'x'. Write a number, e.g. "
        "0.05."]),
]


@pytest.mark.parametrize("extra, messages", SPEC_CASES)
def test_bad_specs_fail_cleanly(cli, tmp_path, extra, messages):
    (tmp_path / "spec.yaml").write_text(SPEC.format(base=BASE, data=DATA) + extra,
                                        encoding="utf-8")
    fails(cli("calibrate", "spec.yaml", "--out", "out"), tmp_path / "out", *messages)


def test_a_time_that_is_not_a_mapping_is_not_ignored(cli, tmp_path):
    text = SPEC.format(base=BASE, data=DATA).replace("{initial: 2015, final: 2020}", "2015")
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    fails(cli("calibrate", "spec.yaml", "--out", "out"), tmp_path / "out",
          "spec.yaml:3: time | must be a mapping with initial, final, step, saveper; got 2015.")


def test_differential_evolution_at_its_smallest_budget_keeps_a_best_point(tmp_path):
    from sim import calibration

    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.format(base=BASE, data=DATA) + "method: {name: differential_evolution,"
                    " max_runs: 33, seed: 1}\n", encoding="utf-8")
    spec = calibration.load(path)
    cal = calibration.calibrate(spec)
    assert not cal.converged and cal.runs <= 33  # the search stays within max_runs
    assert all(p.lower <= v <= p.upper for p, v in zip(spec.parameters,
                                                       cal.parameters["estimate"]))


@pytest.mark.parametrize("time, unit, expected", [
    ({"initial": 0, "final": 571, "step": 1, "saveper": 1}, "Day", []),  # 1.6 years
    ({"initial": 0, "final": 4000, "step": 1, "saveper": 1}, "Months",
     [("time.final", "a run of 4000 Months (333 years); at most 300 years are allowed. Bring "
                     "time.final closer to time.initial.")]),
    ({"initial": 0, "final": 4000, "step": 1, "saveper": 1}, "widgets", []),  # steps only
])
def test_a_span_is_counted_in_years_of_the_models_time_unit(time, unit, expected):
    from sim import timespan

    assert timespan.problems(time, unit) == expected


@pytest.mark.parametrize("time, expected", [
    ({"initial": 2020, "final": 2025, "step": 0.25, "saveper": 1}, []),
    ({"initial": 0, "final": 2, "step": 0.5, "saveper": 0.5}, []),  # time need not be a year
    ({"initial": 2020, "final": 2019, "step": 1, "saveper": 1},
     [("time.final", "must be after time.initial.")]),
    ({"initial": 2020, "final": 2025, "step": 1e-7, "saveper": 1},
     [("time.step", "5e+07 steps from 2020 to 2025; at most 100,000 are allowed. Use a larger "
                    "step.")]),
    ({"initial": 2020, "final": 2025, "step": 0.25, "saveper": 0.3},
     [("time.saveper", "must be a whole multiple of time.step.")]),
    ({"initial": 1e9, "final": 2025, "step": 1, "saveper": 1},
     [("time.initial", "1e+09 is not a year; give one from -9999 to 9999, such as 2025.")]),
])
def test_time_spans(time, expected):
    from sim import timespan

    assert timespan.problems(time) == expected
