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
        "spec.yaml:5: parameters.hte formation rate.bounds | missing. Add it: [lower, upper], "
        "two numbers.",
        "spec.yaml:7: parameters.hte exit rate | bounds [-0.5, 0.5] reach outside the model's "
        "range [0, 1]. Narrow them.",
    ]


def test_no_data_in_the_window(write_spec):
    path = write_spec([(2030, "high_tech_enterprises", 1)], GOOD)
    assert problems(path) == ["data.csv: no observations in the time window (2020, 2025]. "
                              "Widen time: or add data."]


def test_unknown_keys_and_method_all_at_once(write_spec):
    path = write_spec(ROWS, GOOD, method={"name": "newton", "seed": 1.5}, wieghts={})
    assert problems(path) == [
        "spec.yaml:10: method.name | must be one of mcmc, least_squares, differential_evolution; "
        "got 'newton'.",
        "spec.yaml:11: method.seed | must be a seed from 0 to 4,294,967,295; got 1.5.",
        "spec.yaml:12: wieghts | unknown key. Allowed: name, description, scenario, data, time, "
        "initial, parameters, weights, method, checks, noise, skip_basis, likelihood. Did "
        "you mean 'weights'?",
    ]


PRIOR = {"distribution": "normal", "mean": 0.2, "sd": 0.05, "source": "the record"}


def test_priors_and_the_default_method(write_spec):
    spec = calibration.load(write_spec(ROWS, {"hte formation rate": {
        "bounds": [0.0, 0.6], "prior": PRIOR, "historical": [0.1, 0.3]}}))
    p = spec.parameters[0]
    assert spec.method == "mcmc"  # every parameter has a prior
    assert p.prior == {"distribution": "normal", "mean": 0.2, "sd": 0.05, "lower": 0.0,
                       "upper": 0.6}  # truncated at the bounds
    assert (p.source, p.historical) == ("the record", (0.1, 0.3))
    assert calibration.load(write_spec(ROWS, GOOD)).method == "least_squares"


def test_bad_priors(write_spec):
    path = write_spec(ROWS, {
        "hte formation rate": {"bounds": [0.0, 0.6], "prior": 0.05},
        "hte exit rate": {"bounds": [0.0, 0.5], "prior": {**PRIOR, "mean": 0.7}},
        "tech sme formation rate": {"bounds": [0.0, 0.5], "prior": {
            "distribution": "uniform", "lower": 0.1, "upper": 0.9, "source": "x"}},
        "tech sme exit rate": {"bounds": [0.0, 0.5], "prior": {
            "distribution": "normal", "mean": 0.1, "sd": 0.02}},
        "online retail growth": {"bounds": [0.0, 0.5], "prior": {
            "distribution": "choice", "values": [0.1, 0.2], "source": "x"}}})
    assert problems(path) == [
        "spec.yaml:9: parameters.hte formation rate.prior | not a distribution (0.05). Write "
        "{distribution: one of normal, uniform, triangular, lognormal, its parameters, source: "
        "where it comes from}.",
        "spec.yaml:14: parameters.hte exit rate.prior | lies outside the parameter's range: "
        "the prior reaches [0, 0.5] (centre 0.7), the bounds are [0, 0.5]. Move the prior "
        "inside the bounds or widen the bounds.",
        "spec.yaml:23: parameters.tech sme formation rate.prior | lies outside the parameter's "
        "range: the prior reaches [0.1, 0.9] (centre 0.5), the bounds are [0, 0.5]. Move the "
        "prior inside the bounds or widen the bounds.",
        "spec.yaml:32: parameters.tech sme exit rate.prior.source | missing. Say where the "
        "prior comes from (the plan, the 2016-2020 record, the literature).",
        "spec.yaml:40: parameters.online retail growth.prior | not a distribution ('choice'). "
        "Write {distribution: one of normal, uniform, triangular, lognormal, its parameters, "
        "source: where it comes from}.",
    ]


def test_mcmc_needs_a_prior_for_every_parameter(write_spec):
    path = write_spec(ROWS, {"hte formation rate": {"bounds": [0.0, 0.6], "prior": PRIOR},
                             "hte exit rate": {"bounds": [0.0, 0.5]}},
                      method={"name": "mcmc", "walkers": 5, "steps": 10, "burn": 10})
    assert problems(path) == [
        "spec.yaml:14: parameters.hte exit rate | mcmc needs a prior. Add prior: "
        "{distribution: ..., source: ...}.",
        "spec.yaml:20: method.walkers | must be an even number >= 4.",
        "spec.yaml:22: method.burn | must be below steps (10). Lower burn or raise steps.",
    ]


def test_a_refused_prior_is_reported_once(write_spec):
    path = write_spec(ROWS, {"hte formation rate": {"bounds": [0.0, 0.6], "prior": {
        "distribution": "normal", "mean": 0.2, "sd": 0.05, "source": " "}}},
                      method={"name": "mcmc"})
    assert problems(path) == [
        "spec.yaml:13: parameters.hte formation rate.prior.source | missing. Say where the "
        "prior comes from (the plan, the 2016-2020 record, the literature).",
    ]
