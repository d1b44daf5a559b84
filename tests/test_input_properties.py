"""Property-based: no bad input of any kind gives a traceback, a zero exit code or output.

A bounded run for every commit; benchmarks/fuzz_inputs.py runs the same properties long.
"""

import tempfile
from functools import lru_cache
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import model
from sim.cli import main

from . import mutations as m

QUICK = settings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SHIPPED = {p.name: m.load(p) for p in sorted(m.SCENARIOS.glob("*.yaml"))}
SPECS = {p.name: m.load(p) for p in sorted(m.CALIBRATION.glob("*.yaml"))}


@lru_cache(maxsize=1)
def info():
    """The plan model's catalogue, read when a test first needs it (not at collection)."""
    return model.info(m.MODEL)


def attempt(files: dict, *args, data=None):
    """Write `files` ({name: (data, raws)}) to a fresh folder and run the command on them;
    the result must be a clean failure."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        paths = {}
        for name, (content, raws) in files.items():
            paths[name] = folder / name
            paths[name].write_text(m.dump(content, raws), encoding="utf-8")
        out = folder / "out"
        argv = [str(paths.get(a, a)) for a in args] + ["--out", str(out)]
        result = CliRunner().invoke(main, argv)
        m.check_failure(result, out, {str(p) for p in paths.values()} | {"--set"})


def scenario_cases():
    """A shipped scenario with a wrongly typed value or unknown key, or a broken time span."""
    shipped = st.sampled_from(sorted(SHIPPED))
    typed = shipped.flatmap(lambda n: st.tuples(st.just(n), m.mutated(SHIPPED[n])))
    ruled = shipped.flatmap(lambda n: st.tuples(st.just(n), m.semantic(SHIPPED[n], "time")
                                                .map(lambda d: (d, []))))
    return st.one_of(typed, ruled)


@QUICK
@given(scenario_cases())
def test_no_mutated_scenario_passes(case):
    name, content = case
    attempt({name: content}, "run", name)


@QUICK
@given(st.one_of(m.mutated(SHIPPED["baseline.yaml"], ("uncertainty",)),
                 m.semantic(SHIPPED["baseline.yaml"], "distribution").map(lambda d: (d, []))))
def test_no_mutated_uncertainty_section_passes(content):
    attempt({"s.yaml": content}, "uncertainty", "s.yaml", "--samples", "10")


@QUICK
@given(st.lists(st.deferred(lambda: m.bad_sets(info())), min_size=1, max_size=3))
def test_no_bad_set_option_passes(sets):
    args = [a for s in sets for a in ("--set", s)]
    attempt({"s.yaml": (SHIPPED["baseline.yaml"], [])}, "run", "s.yaml", *args)


@QUICK
@given(st.sampled_from(sorted(SPECS)).flatmap(lambda n: m.mutated(SPECS[n])))
def test_no_mutated_calibration_spec_passes(content):
    attempt({"spec.yaml": content}, "calibrate", "spec.yaml")


@QUICK
@given(st.sampled_from(sorted(SPECS)).flatmap(lambda n: m.semantic(SPECS[n], "calibration")))
def test_no_calibration_spec_breaking_a_rule_passes(content):
    attempt({"spec.yaml": (content, [])}, "calibrate", "spec.yaml")


@settings(QUICK, max_examples=8)
@given(st.data())
def test_no_broken_model_passes(data):
    with tempfile.TemporaryDirectory() as folder:
        scenario = dict(SHIPPED["baseline.yaml"], model=data.draw(m.broken_models(Path(folder))))
        attempt({"s.yaml": (scenario, [])}, "run", "s.yaml")
