"""Distributions: quantiles by hand, Latin hypercube strata, seeds, and bad sections."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from sim import distributions, scenario
from sim.schema import distribution as schema_dist
from sim.errors import InputError


def test_quantiles_by_hand():
    u = np.array([0.5])
    assert distributions.ppf({"distribution": "uniform", "lower": 1, "upper": 3}, u)[0] == 2
    tri = {"distribution": "triangular", "lower": 0.0, "mode": 0.0, "upper": 1.0}
    assert distributions.ppf(tri, u)[0] == pytest.approx(1 - np.sqrt(0.5))
    norm = {"distribution": "normal", "mean": 0.08, "sd": 0.01, "lower": 0.07, "upper": 0.09}
    assert distributions.ppf(norm, u)[0] == pytest.approx(0.08)
    assert distributions.ppf(norm, np.array([1e-12]))[0] >= 0.07
    logn = {"distribution": "lognormal", "median": 0.1, "sigma": 0.4}
    assert distributions.ppf(logn, u)[0] == pytest.approx(0.1)
    choice = {"distribution": "choice", "values": [0.0, 1.0], "weights": [3.0, 1.0]}
    draws = distributions.ppf(choice, np.linspace(0.001, 0.999, 1000))
    assert draws.mean() == pytest.approx(0.25, abs=0.002)


def test_latin_hypercube_puts_one_member_in_each_stratum():
    spec = {"a": {"distribution": "uniform", "lower": 0.0, "upper": 1.0},
            "b": {"distribution": "uniform", "lower": 10.0, "upper": 20.0}}
    table = distributions.sample(spec, 50, "latin_hypercube", 3)
    assert sorted(np.floor(table["a"] * 50).astype(int)) == list(range(50))
    assert sorted(np.floor((table["b"] - 10) / 10 * 50).astype(int)) == list(range(50))
    again = distributions.sample(spec, 50, "latin_hypercube", 3)
    assert table.equals(again)
    assert not table.equals(distributions.sample(spec, 50, "random", 3))


def problems(write_scenario, section):
    path = write_scenario(uncertainty=section)
    with pytest.raises(InputError) as err:
        scenario.load(path)
    return [str(p).split(" | ", 1)[1] for p in err.value.problems]


def test_bad_uncertainty_sections(write_scenario, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems(write_scenario, {"parameters": {"sei real growth": {
        "distribution": "normall", "mean": 0.08, "sd": 0.01}}}) == [
        "unknown distribution 'normall'. Use one of uniform, normal, triangular, lognormal, "
        "choice. Did you mean 'normal'?"]
    assert problems(write_scenario, {"parameters": {"sei growth": {
        "distribution": "uniform", "lower": 0, "upper": 0.1}}}) == [
        "unknown parameter. Did you mean 'sei real growth'? Run 'sim params' for the list."]
    assert problems(write_scenario, {"parameters": {"hte exit rate": {
        "distribution": "uniform", "lower": -0.1, "upper": 0.1}}}) == [
        "the distribution reaches [-0.1, 0.1], outside the model's range [0, 1] for 'hte exit "
        "rate'. Set lower and upper inside it."]
    assert problems(write_scenario, {"parameters": {"hte exit rate": {
        "distribution": "normal", "mean": 0.1, "sd": 0.02}}}) == [
        "the distribution reaches [-inf, inf], outside the model's range [0, 1] for 'hte exit "
        "rate'. Set lower and upper inside it."]
    assert problems(write_scenario, {"seed": 1.5, "parameters": {}}) == [
        "must be a seed from 0 to 4,294,967,295; got 1.5."]


def test_the_baseline_section_is_valid():
    from .conftest import SCENARIOS

    import yaml

    s = scenario.load(SCENARIOS / "baseline.yaml")
    written = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text(encoding="utf-8"))
    assert s.uncertainty == written["uncertainty"]  # every spread as the file gives it
    assert s.uncertainty["seed"] == 1 and len(s.uncertainty["parameters"]) == 18
    assert scenario.load(SCENARIOS / "downside.yaml").uncertainty == s.uncertainty


numbers = st.one_of(st.floats(-1e6, 1e6), st.floats(-1e-300, 1e-300),
                    st.sampled_from([0.0, 1e-300, 1e-12, 1e300, -1e300, 5e-324]))
specs = st.one_of(
    st.fixed_dictionaries({"distribution": st.just("uniform"), "lower": numbers,
                           "upper": numbers}),
    st.fixed_dictionaries({"distribution": st.just("triangular"), "lower": numbers,
                           "mode": numbers, "upper": numbers}),
    st.fixed_dictionaries({"distribution": st.just("normal"), "mean": numbers, "sd": numbers},
                          optional={"lower": numbers, "upper": numbers}),
    st.fixed_dictionaries({"distribution": st.just("lognormal"), "median": numbers,
                           "sigma": numbers}, optional={"lower": numbers, "upper": numbers}),
    st.fixed_dictionaries({"distribution": st.just("choice"),
                           "values": st.lists(numbers, min_size=1, max_size=4)},
                          optional={"weights": st.lists(numbers, min_size=1, max_size=4)}))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(specs)
def test_every_accepted_distribution_draws_finite_values_inside_its_support(spec):
    """Whatever the schema accepts, scipy's quantiles of it are finite and inside [lower,
    upper] (a degenerate spread once gave NaN draws with exit code 0)."""
    try:
        parsed = TypeAdapter(schema_dist.Distribution).validate_python(spec)
    except ValidationError:
        return
    lo, hi = schema_dist.support(parsed)
    u = np.array([1e-12, 1e-6, 0.25, 0.5, 0.75, 1 - 1e-6, 1 - 1e-12])
    with np.errstate(all="ignore"):
        draws = distributions.ppf(schema_dist.as_dict(parsed), u)
    assert np.all(np.isfinite(draws)), (spec, draws)
    slack = 1e-9 * max(1.0, abs(lo) if np.isfinite(lo) else 0, abs(hi) if np.isfinite(hi) else 0)
    assert np.all(draws >= lo - slack) and np.all(draws <= hi + slack), (spec, draws)
