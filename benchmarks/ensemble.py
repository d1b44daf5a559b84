"""Runs per second of the batch engine against a loop of PySD runs, on the plan model.

Run from the repository root: python benchmarks/ensemble.py [--pysd-runs 200]

For N = 1,000 and 10,000 members drawn from baseline.yaml's uncertainty section, the batch
engine runs all N at once. A PySD loop costs the same for every member, so its rate is
measured on the first --pysd-runs members (a full loop of 10,000 would take many minutes).
Both are measured in this run. Goals: 10,000 members in at most 0.5 s, and at least 200
times the PySD loop's rate.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pysd-runs", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from sim import distributions, ensemble, scenario
    from sim.engine import pysd_engine

    base = scenario.load(ROOT / "scenarios" / "baseline.yaml")
    ensemble.run(base, distributions.sample(base.uncertainty["parameters"], 10,
                                            "latin_hypercube", 0))  # compile and cache
    for n in (1_000, 10_000):
        draws = distributions.sample(base.uncertainty["parameters"], n, "latin_hypercube", 1)
        start = time.perf_counter()
        ensemble.run(base, draws)
        batch_s = time.perf_counter() - start
        loop = draws.iloc[:min(n, args.pysd_runs)]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _, row in loop.iterrows():
                pysd_engine.run(scenario.with_values(base, "draw", constants=row.to_dict()))
        pysd_rate = len(loop) / (time.perf_counter() - start)
        batch_rate = n / batch_s
        print(f"N = {n:>6,}: batch {batch_s:.3f} s ({batch_rate:,.0f} runs/s); PySD loop "
              f"{pysd_rate:,.1f} runs/s (on {len(loop)} members, {n / pysd_rate:,.0f} s for "
              f"all N); batch / PySD = {batch_rate / pysd_rate:,.0f}x")
    print(f"goal: 10,000 members in <= 0.5 s (batch / goal = {batch_s / 0.5:.2f}), "
          f">= 200x the PySD loop")


if __name__ == "__main__":
    main()
