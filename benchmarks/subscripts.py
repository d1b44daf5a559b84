"""Subscripted models on the batch engine: element axis against unrolled elements and PySD.

Run from the repository root: python benchmarks/subscripts.py [--elements 100 1000]
[--members 1 100] [--pysd-runs 1] [--unrolled-up-to 300]

A generated model over one range of E elements (stocks, a SUM that every element reads, a
SMOOTH per element, a range used as a value) and, when ../shared/sd-test-suite is there,
the suite's subscripted_delays model. For each, measured in this one run:
- runs/s of the batch engine with every subscripted variable as one array of shape
  (elements, members) (the default), and with each element unrolled into its own array
  (axis=False; up to --unrolled-up-to elements: its code grows with the square of the
  range, as every element's share sums the whole range), all members at once and every
  variable kept;
- the size of the generated code (characters) and the time to generate and compile it;
- runs/s of PySD, one run after another (the model loaded once).
Times are the best of repeated calls (the median beside it: on a shared machine the median
includes time other processes took).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SIM_SHARED_DIR", ROOT.parent / "shared"))
SUITE_MODEL = SHARED / "sd-test-suite" / "tests" / "subscripted_delays"


def generated(elements: int) -> str:
    """A Vensim model over a range of `elements` elements."""
    eq = "\n\t~\t\n\t~\t\n\t|\n"
    body = {
        "R": f"(r1-r{elements})",
        "growth[R]": f"0.01 + 0.02 * R / {elements}",
        "capacity[R]": "INTEG(investment[R] - capacity[R] / life, 100 + R)",
        "investment[R]": "share[R] * total output * saving",
        "share[R]": "capacity[R] / SUM(capacity[R!])",
        "output[R]": "capacity[R] * (1 + growth[R]) * MAX(0.5, 1 - Time / 100)",
        "total output": "SUM(output[R!])",
        "smoothed[R]": "SMOOTH(output[R], 3)",
        "largest": "VMAX(smoothed[R!])",
        "life": "12", "saving": "0.2",
        "INITIAL TIME": "0", "FINAL TIME": "20", "TIME STEP": "0.25", "SAVEPER": "1",
    }
    return "{UTF-8}\n" + "".join(
        f"{name}: {value}{eq}" if name == "R" else f"{name} = {value}{eq}"
        for name, value in body.items())


def _times(fn, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.min(times)), float(np.median(times))


def measure(label: str, mdl: Path, members: int, pysd_runs: int, params: dict | None,
            unrolled: bool = True) -> None:
    """Runs/s and code size with and without the element axis, and PySD's runs/s;
    `params` (name: value) are drawn per member (None: every constant of the model)."""
    from sim.engine import batch

    c = batch.compile_model(mdl)
    time_ = dict(zip(("initial", "final", "step"),
                     (c.constants[k] for k in batch.CONTROLS[:3]), strict=True))
    time_["saveper"] = c.constants.get("saveper") or time_["step"]
    if params is None:  # every constant of the model that is not a time setting
        params = {k: float(v) for k, v in c.constants.items()
                  if k not in batch.CONTROLS and np.isfinite(v) and v}
    rng = np.random.default_rng(1)
    draws = {k: v * (0.8 + 0.4 * rng.random(members)) for k, v in params.items()}
    print(f"{label}: {sum(1 for n in c.outputs() if '[' in n)} subscripted columns, "
          f"{members} members drawing {len(draws)} constants")
    rates = {}
    for axis in (True, False) if unrolled else (True,):
        start = time.perf_counter()
        batch.simulate(c, draws, time_, axis=axis)
        first = time.perf_counter() - start
        prog = batch.program(c, set(draws), set(), set(draws), c.outputs(), axis)
        repeats = 5 if first < 1 else 2 if first < 10 else 1
        best, median = _times(lambda a=axis: batch.simulate(c, draws, time_, axis=a), repeats)
        rates[axis] = members / best
        kind = "element axis" if axis else "unrolled    "
        print(f"  {kind}: best {best * 1e3:8.1f} ms, {rates[axis]:>11,.0f} runs/s (median "
              f"{median * 1e3:8.1f} ms); code {len(prog.source):>9,} characters; first call "
              f"(generate, compile, run) {first:.2f} s")
    if unrolled:
        print(f"  element axis / unrolled = {rates[True] / rates[False]:.1f}x")
    else:
        print("  unrolled: not run (more elements than --unrolled-up-to)")
    if pysd_runs:
        import pysd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = pysd.read_vensim(str(mdl))
            model.run()
            start = time.perf_counter()
            for _ in range(pysd_runs):
                model.run()
        pysd_rate = pysd_runs / (time.perf_counter() - start)
        print(f"  PySD: {pysd_rate:,.2f} runs/s ({pysd_runs} runs); element axis / PySD = "
              f"{rates[True] / pysd_rate:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--members", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--pysd-runs", type=int, default=1)
    parser.add_argument("--unrolled-up-to", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="subscripts-"))
    suite = next(SUITE_MODEL.glob("*.mdl"), None) if SUITE_MODEL.is_dir() else None
    for members in args.members:
        pysd_runs = args.pysd_runs if members == args.members[-1] else 0
        for n in args.elements:
            mdl = folder / f"range_{n}.mdl"
            mdl.write_text(generated(n), encoding="utf-8")
            measure(f"generated model, {n} elements", mdl, members, pysd_runs,
                    {"life": 12.0, "saving": 0.2}, n <= args.unrolled_up_to)
        if suite is not None:
            measure(f"suite model {suite.stem}", suite, members, pysd_runs, None)


if __name__ == "__main__":
    main()
