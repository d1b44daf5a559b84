"""Runs per second of the batch engine on the plan model, against a floor set by numpy.

Run from the repository root: python benchmarks/ensemble.py [--pysd-runs 50]

Measured in this one run:
- N = 1,000 and 10,000 members drawn from baseline.yaml's uncertainty section, all at once,
  keeping the variables `sim uncertainty` reads (indicators and targets): runs/s.
- The floor: the numpy array operations the generated step function performs on member
  arrays (counted by the code generator: powers, exponentials, logarithms and trigonometry
  apart) times the time numpy takes for one such operation on arrays of the same size
  (a product, a power; measured here), and the engine's time over it.
- Peak memory of the 10,000-member run: numpy's allocations (tracemalloc) and the peak
  resident size of a fresh process that does only that run.
- One member (scalar parameters, every variable): milliseconds per run.
- A loop of PySD runs on the first --pysd-runs members.
Times are the best of repeated calls (with the median beside it: on a shared machine the
median includes time other processes took).
Goals: >= 3e5 runs/s at N = 10,000, within 2x of the floor, <= 100 MiB, <= 0.3 ms per run.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def _setup():
    sys.path.insert(0, str(ROOT))
    from sim import distributions, indicators, scenario, targets

    base = scenario.load(ROOT / "scenarios" / "baseline.yaml")
    wanted = set(indicators.catalogue_for(base.model)["variable"])
    wanted |= {v for v in targets.catalogue_for(base.model)["variable"] if v != targets.TRACKED}
    return base, sorted(wanted), distributions


def _draws(base, distributions, n):
    return distributions.sample(base.uncertainty["parameters"], n, "latin_hypercube", 1)


def _times(fn, repeats: int) -> tuple[float, float]:
    """Best and median seconds of `repeats` calls (the best is the machine's capacity when
    other processes share it; the median shows what sharing costs)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.min(times)), float(np.median(times))


def _op_times(size: int) -> tuple[float, float]:
    """Seconds for one numpy operation on `size` floats (a fresh result array): a product,
    and a power with a scalar exponent (the cost of powers, logarithms and the like)."""
    a, b = np.random.default_rng(0).random((2, size)) + 1.0
    exponent = np.float64(0.25)
    for _ in range(200):
        a * b
    plain = _times(lambda: [a * b for _ in range(100)], 21)[0] / 100
    power = _times(lambda: [a ** exponent for _ in range(20)], 21)[0] / 20
    return plain, power


def memory_child() -> None:
    """Peak resident size of a process that runs the 10,000 members once (printed)."""
    base, wanted, distributions = _setup()
    from sim import ensemble

    draws = _draws(base, distributions, 10_000)
    ensemble.run(base, draws.iloc[:10], outputs=wanted)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ensemble.run(base, draws, outputs=wanted)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{before / 1024:.1f} {after / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pysd-runs", type=int, default=50)
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child()
        return
    base, wanted, distributions = _setup()
    from sim import ensemble
    from sim.engine import batch, pysd_engine

    c = batch.compiled(base.model)
    ensemble.run(base, _draws(base, distributions, 10), outputs=wanted)  # generate code
    rate = {}
    for n in (1_000, 10_000):
        draws = _draws(base, distributions, n)
        ensemble.run(base, draws, outputs=wanted)
        seconds, median = _times(lambda d=draws: ensemble.run(base, d, outputs=wanted), 15)
        rate[n] = n / seconds
        print(f"N = {n:>6,}: best {seconds * 1e3:.1f} ms, {rate[n]:,.0f} runs/s (median "
              f"{median * 1e3:.1f} ms, {n / median:,.0f} runs/s)")

    # the floor: array operations per chunk times numpy's time per operation
    draws = _draws(base, distributions, 10_000)
    members = set(batch.key(k) for k in draws.columns)
    chunk = min(ensemble.CHUNK, len(draws))
    grid = batch.time_grid(base.time)[0]
    prog = next(p for key, p in c.__dict__["programs"].items()
                if key[3] == tuple(batch.key(w) for w in wanted if batch.key(w) in c.real_names)
                and members <= key[2])
    plain, power = _op_times(chunk)
    light = prog.ops_per_step - prog.heavy_per_step
    per_step = light * plain + prog.heavy_per_step * power
    floor = per_step * len(grid) * (len(draws) / chunk)
    engine_s = len(draws) / rate[10_000]
    print(f"floor: ({light} array operations x {plain * 1e6:.2f} us + "
          f"{prog.heavy_per_step} powers and logarithms x {power * 1e6:.2f} us) per step x "
          f"{len(grid)} steps x {len(draws) // chunk} chunks of {chunk} members = "
          f"{floor * 1e3:.1f} ms ({len(draws) / floor:,.0f} runs/s); engine / floor = "
          f"{engine_s / floor:.2f}")

    tracemalloc.start()
    ensemble.run(base, draws, outputs=wanted)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    child = subprocess.run([sys.executable, __file__, "--memory-child"], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout.split()
    print(f"memory, N = 10,000: numpy peak {peak / MIB:.1f} MiB; a fresh process "
          f"{float(child[1]):.1f} MiB peak resident ({float(child[0]):.1f} MiB before the "
          f"run)")

    params = {batch.key(k): float(v) for k, v in base.constants.items()}
    batch.simulate(c, params, base.time)
    single, single_median = _times(lambda: batch.simulate(c, params, base.time), 300)
    print(f"one member, every variable: best {single * 1e3:.3f} ms per run (median "
          f"{single_median * 1e3:.3f} ms)")

    if args.pysd_runs:
        from sim import scenario

        loop = draws.iloc[:args.pysd_runs]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _, row in loop.iterrows():
                pysd_engine.run(scenario.with_values(base, "draw", constants=row.to_dict()))
        pysd_rate = len(loop) / (time.perf_counter() - start)
        print(f"PySD loop: {pysd_rate:,.1f} runs/s on {len(loop)} members; "
              f"batch / PySD = {rate[10_000] / pysd_rate:,.0f}x")
    print(f"goals: >= 300,000 runs/s ({rate[10_000] / 3e5:.2f} of it), engine / floor <= 2 "
          f"({engine_s / floor:.2f}), peak <= 100 MiB, one run <= 0.3 ms "
          f"({single * 1e3:.3f})")


if __name__ == "__main__":
    main()
