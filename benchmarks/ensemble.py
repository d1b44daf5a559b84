"""Runs per second of the batch engine on the plan model, against a floor set by numpy.

Run from the repository root: python benchmarks/ensemble.py [--pysd-runs 50]

Measured in this one run:
- N = 1,000 and 10,000 members drawn from baseline.yaml's uncertainty section, all at once,
  keeping the variables `sim uncertainty` reads (indicators and targets): runs/s, through
  sim.ensemble (chunks of 2,500) and through the lean path, sim.engine.batch.simulate on
  numpy arrays (every member in one call).
- The floor: the numpy array operations the generated step function performs on member
  arrays (counted by the code generator: powers, exponentials, logarithms and trigonometry
  apart) times the time numpy takes for one such operation on arrays of the same size
  (a product, a power; measured here), and the engine's time over it. Every operation is
  timed as one on two arrays; many of the engine's have a scalar operand and cost less, so
  the engine can come in under this floor.
- Peak memory of the 10,000-member run: numpy's allocations (tracemalloc), and the peak
  resident size (ru_maxrss) of two fresh processes, with its increase over the interpreter's
  at start: one that loads the scenario, draws and runs through sim.ensemble (pandas, scipy),
  and one that imports only sim.engine.batch (numpy, and the model's code from the cache)
  and runs the same draws, saved by this process; the two results must be equal. (This
  file imports only the standard library at the top, so that a child's first reading is the
  interpreter's.)
- One member (scalar parameters, every variable): milliseconds per run.
- A loop of PySD runs on the first --pysd-runs members.
Times are the best of repeated calls (with the median beside it: on a shared machine the
median includes time other processes took).
Goals: >= 3e5 runs/s at N = 10,000, within 2x of the floor, <= 100 MiB, <= 0.3 ms per run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
HEAVY = ("pandas", "scipy", "pysd", "xarray")


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
    return min(times), statistics.median(times)


def _op_times(size: int) -> tuple[float, float]:
    """Seconds for one numpy operation on `size` floats (a fresh result array): a product,
    and a power with a scalar exponent (the cost of powers, logarithms and the like)."""
    import numpy as np

    a, b = np.random.default_rng(0).random((2, size)) + 1.0
    exponent = np.float64(0.25)
    for _ in range(200):
        a * b
    plain = _times(lambda: [a * b for _ in range(100)], 21)[0] / 100
    power = _times(lambda: [a ** exponent for _ in range(20)], 21)[0] / 20
    return plain, power


def _peak_mib() -> float:
    """This process's peak resident size so far (ru_maxrss, KiB on Linux), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _heavy() -> list[str]:
    """The large libraries this process has imported (of those the lean path avoids)."""
    return [m for m in HEAVY if m in sys.modules]


def _digest(values: dict, names: list[str], members: int) -> str:
    """A hash of the results, each as a (times, members) array, to compare two runs."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for name in names:
        value = np.asarray(values[name], dtype=float)
        value = value.reshape(len(value), -1)
        digest.update(np.ascontiguousarray(np.broadcast_to(value, (len(value), members))))
    return digest.hexdigest()[:16]


def full_child() -> dict:
    """Peaks of a process that loads the scenario, draws and runs the 10,000 members through
    sim.ensemble (the path `sim uncertainty` takes), after each stage."""
    peaks = [("the interpreter", _peak_mib())]
    base, wanted, distributions = _setup()
    from sim import ensemble
    from sim.engine import batch

    peaks.append(("sim and the scenario", _peak_mib()))
    draws = _draws(base, distributions, 10_000)
    peaks.append(("the draws", _peak_mib()))
    ensemble.run(base, draws.iloc[:10], outputs=wanted)
    peaks.append(("the model's code and a first call", _peak_mib()))
    ens = ensemble.run(base, draws, outputs=wanted)
    peaks.append(("the 10,000 members", _peak_mib()))
    kept = [batch.key(w) for w in wanted if w in ens.values]
    return {"peaks": peaks, "heavy": _heavy(), "digest": _digest(
        {batch.key(k): v for k, v in ens.values.items()}, kept, len(draws))}


def lean_child(model: str, draws_file: str, time_json: str, outputs: str) -> dict:
    """Peaks of a process that imports only sim.engine.batch (numpy, and the model's code
    from the cache) and runs the members of `draws_file` in one call of batch.simulate."""
    peaks = [("the interpreter", _peak_mib())]
    sys.path.insert(0, str(ROOT))
    import numpy as np

    peaks.append(("numpy", _peak_mib()))
    from sim.engine import batch

    peaks.append(("sim.engine.batch", _peak_mib()))
    with np.load(draws_file) as saved:
        params = {name: saved[name] for name in saved.files}
    time_ = json.loads(time_json)
    wanted = outputs.split(",")
    c = batch.compiled(Path(model))
    batch.simulate(c, {k: v[:10] for k, v in params.items()}, time_, outputs=wanted)
    peaks.append(("the draws, the model's code and a first call", _peak_mib()))
    out = batch.simulate(c, params, time_, outputs=wanted)
    peaks.append(("the 10,000 members", _peak_mib()))
    members = len(next(iter(params.values())))
    return {"peaks": peaks, "heavy": _heavy(), "digest": _digest(out, wanted, members)}


def _fresh(args: list[str]) -> dict:
    """Run this script with `args` in a fresh process and return what it prints (JSON).

    On Linux a process's ru_maxrss starts from the peak of the process image it replaced,
    so a child started from this (large) process would report at least this process's
    peak. A shell that starts the child in the background gives it a fresh account."""
    command = [sys.executable, __file__, *args]
    proc = subprocess.run(["/bin/sh", "-c", '"$0" "$@" & wait $!', *command],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def _memory_line(label: str, m: dict) -> str:
    """One process's peak, its increase over the interpreter's, and each stage's part."""
    (_, start), *stages = m["peaks"]
    last = stages[-1][1]
    parts = [f"{name} +{peak - before:.1f}"
             for (name, peak), (_, before) in zip(stages, m["peaks"])]
    return (f"{label}: peak resident {last:.1f} MiB, {last - start:.1f} MiB over the "
            f"interpreter's {start:.1f} MiB ({', '.join(parts)}); libraries: "
            f"{', '.join(m['heavy']) or 'numpy only'}")


def _floor(prog, chunk: int, members: int, steps: int) -> tuple[float, str]:
    """Seconds for the array operations of `members` run in chunks of `chunk`, and how."""
    plain, power = _op_times(chunk)
    light = prog.ops_per_step - prog.heavy_per_step
    per_step = light * plain + prog.heavy_per_step * power
    chunks = members / chunk
    floor = per_step * steps * chunks
    how = (f"({light} array operations x {plain * 1e6:.2f} us + {prog.heavy_per_step} powers "
           f"and logarithms x {power * 1e6:.2f} us) per step x {steps} steps x {chunks:g} "
           f"chunks of {chunk} members = {floor * 1e3:.1f} ms ({members / floor:,.0f} runs/s)")
    return floor, how


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pysd-runs", type=int, default=50)
    parser.add_argument("--memory-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        kind, *rest = args.memory_child
        print(json.dumps(full_child() if kind == "full" else lean_child(*rest)))
        return
    import numpy as np

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

    # the lean path: batch.simulate on numpy arrays, every member in one call
    draws = _draws(base, distributions, 10_000)
    params = {batch.key(k): draws[k].to_numpy(float) for k in draws.columns}
    kept = [batch.key(w) for w in wanted if batch.key(w) in c.real_names]
    batch.simulate(c, params, base.time, outputs=kept)
    lean, lean_median = _times(lambda: batch.simulate(c, params, base.time, outputs=kept), 15)
    print(f"lean path, N = 10,000 in one batch.simulate call: best {lean * 1e3:.1f} ms, "
          f"{len(draws) / lean:,.0f} runs/s (median {lean_median * 1e3:.1f} ms, "
          f"{len(draws) / lean_median:,.0f} runs/s)")

    # the floor: array operations per chunk times numpy's time per operation
    members = set(params)
    steps = len(batch.time_grid(base.time)[0])
    prog = next(p for key, p in c.__dict__["programs"].items()
                if key[3] == tuple(kept) and members <= key[2])
    floor, how = _floor(prog, min(ensemble.CHUNK, len(draws)), len(draws), steps)
    engine_s = len(draws) / rate[10_000]
    print(f"floor, sim.ensemble: {how}; engine / floor = {engine_s / floor:.2f}")
    lean_floor, how = _floor(prog, len(draws), len(draws), steps)
    print(f"floor, lean path: {how}; engine / floor = {lean / lean_floor:.2f}")

    tracemalloc.start()
    ensemble.run(base, draws, outputs=wanted)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"memory, N = 10,000: numpy's allocations peak at {peak / MIB:.1f} MiB in this "
          f"process (tracemalloc); fresh processes:")
    full = _fresh(["--memory-child", "full"])
    print("  " + _memory_line("sim.ensemble.run (scenario, draws, pandas)", full))
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "draws.npz"
        np.savez(saved, **params)
        lean_mem = _fresh(["--memory-child", "lean", str(base.model), str(saved),
                           json.dumps(base.time), ",".join(kept)])
    print("  " + _memory_line("sim.engine.batch.simulate (numpy arrays in and out)",
                              lean_mem))
    same = "equal" if lean_mem["digest"] == full["digest"] else "DIFFERENT"
    print(f"  the two processes' results are {same}")

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
    full_peak, lean_peak = full["peaks"][-1][1], lean_mem["peaks"][-1][1]

    def goal(text: str, ensemble_value: float, lean_value: float, unit: str, ok) -> None:
        verdicts = [f"{path} {value:{unit}} ({'met' if ok(value) else 'NOT met'})"
                    for path, value in (("sim.ensemble", ensemble_value),
                                        ("lean path", lean_value))]
        print(f"  {text}: {', '.join(verdicts)}")

    print("goals:")
    goal(">= 300,000 runs/s at N = 10,000", rate[10_000], len(draws) / lean, ",.0f",
         lambda v: v >= 3e5)
    goal("engine / floor <= 2", engine_s / floor, lean / lean_floor, ".2f", lambda v: v <= 2)
    goal("peak resident size <= 100 MiB", full_peak, lean_peak, ".1f", lambda v: v <= 100)
    print(f"  one run <= 0.3 ms: {single * 1e3:.3f} ms "
          f"({'met' if single <= 3e-4 else 'NOT met'})")


if __name__ == "__main__":
    main()
