"""Long run of the input properties: many bad inputs of each kind, none may pass or crash.

    SIM_CACHE_DIR=/tmp/simcache python3 benchmarks/fuzz_inputs.py [--cases 10000] [--kind K]

For each kind (scenarios, uncertainty sections, --set options, calibration specs, models
through model:, actuals files, calibration data files, uncertainty folders given to
`sim review --uncertainty`) prints the cases tried, the failures (a zero exit code, a
traceback, a malformed message or an output folder) and the first failing inputs. The goal
is none.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import mutations as m  # noqa: E402
from tests import test_actuals_properties as actuals_props  # noqa: E402
from tests import test_calibration_data_properties as data_props  # noqa: E402
from tests import test_input_properties as props  # noqa: E402
from tests import test_uncertainty_folder_properties as folder_props  # noqa: E402


def kinds():
    """{kind: (strategy, function running one case)}."""
    base = props.SHIPPED["baseline.yaml"]

    def scenario(case):
        name, content = case
        props.attempt({name: content}, "run", name)

    def uncertainty(content):
        props.attempt({"s.yaml": content}, "uncertainty", "s.yaml", "--samples", "10")

    def sets(values):
        props.attempt({"s.yaml": (base, [])}, "run", "s.yaml",
                      *[a for s in values for a in ("--set", s)])

    def spec(content):
        props.attempt({"spec.yaml": content}, "calibrate", "spec.yaml")

    def model(data):
        with tempfile.TemporaryDirectory() as folder:
            scenario = dict(base, model=data.draw(m.broken_models(Path(folder))))
            props.attempt({"s.yaml": (scenario, [])}, "run", "s.yaml")

    return {
        "scenario": (props.scenario_cases(), scenario),
        "uncertainty": (st.one_of(m.mutated(base, ("uncertainty",)),
                                  m.semantic(base, "distribution").map(lambda d: (d, []))),
                        uncertainty),
        "set": (st.lists(m.bad_sets(props.info()), min_size=1, max_size=3), sets),
        "spec": (st.sampled_from(sorted(props.SPECS)).flatmap(
            lambda n: st.one_of(m.mutated(props.SPECS[n]),
                                m.semantic(props.SPECS[n], "calibration").map(lambda d: (d, []))
                                )), spec),
        "model": (st.data(), model),
        "actuals": (actuals_props.damaged(),
                    actuals_props.test_no_damaged_actuals_file_passes.hypothesis.inner_test),
        "calibration_data": (data_props.cases(), lambda case: data_props.attempt(*case)),
        "uncertainty_folder": (folder_props.damage(), folder_props.attempt),
    }


def fuzz(kind: str, strategy, check, cases: int) -> tuple[int, list]:
    tried, failures = 0, []

    @settings(max_examples=cases, deadline=None, database=None, phases=["generate"],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case):
        nonlocal tried
        tried += 1
        try:
            check(case)
        except Exception as exc:  # every failure is counted, the run goes on
            failures.append((repr(case)[:300], f"{type(exc).__name__}: {str(exc)[:300]}"))

    run()
    return tried, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per kind")
    parser.add_argument("--kind", action="append", help="only these kinds (repeatable)")
    args = parser.parse_args()
    total = 0
    for kind, (strategy, check) in kinds().items():
        if args.kind and kind not in args.kind:
            continue
        if kind == "uncertainty_folder":
            folder_props.real_folder()  # made once, before any case is drawn
        start = time.perf_counter()
        tried, failures = fuzz(kind, strategy, check, args.cases)
        total += len(failures)
        print(f"{kind:18s} {tried:6d} cases  {len(failures):4d} failures  "
              f"{time.perf_counter() - start:7.1f} s", flush=True)
        for case, error in failures[:5]:
            print(f"    {error}\n      input: {case}")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
