"""How long a warm `sim run scenarios/baseline.yaml` takes, and where the time goes.

Run from the repository root: python benchmarks/run_speed.py [--repeat N]

Every figure is measured in this run, on this machine; the ratios compare them with each
other and with the goal of 2 s for a warm run, charts included. The machine is shared, so
the median of several runs is reported. The phases are timed one after another in one
process; `sim run` writes the charts in a forked child while it writes the tables, so the
run takes less than their sum.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline.yaml"
GOAL_SECONDS = 2.0


def wall(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def to_table(args: list[str], cwd: Path) -> float:
    """Seconds until the targets table has been printed (the line counting targets met)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, text=True)
    seconds = float("nan")
    for line in proc.stdout:
        if "modelled targets met" in line:
            seconds = time.perf_counter() - start
    proc.wait()
    return seconds


def phases(repeat: int) -> dict[str, float]:
    """Median seconds of each phase of a run, measured inside one process."""
    sys.path.insert(0, str(ROOT))
    from sim import outputs, runner, scenario

    times: dict[str, list[float]] = {"load scenario": [], "simulate": [], "tables": [],
                                     "charts": []}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            s = scenario.load(SCENARIO)
            t1 = time.perf_counter()
            sim = runner.simulate(s)
            t2 = time.perf_counter()
            outputs.write_csv(sim.results, Path(tmp) / "results.csv")
            outputs.write_csv(sim.indicators, Path(tmp) / "indicators.csv")
            outputs.write_xlsx({"results": sim.results}, Path(tmp) / "results.xlsx")
            t3 = time.perf_counter()
            runner._write_charts([sim], Path(tmp) / "charts", "zh")
            t4 = time.perf_counter()
        for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            times[key].append(value)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [py, "-m", "sim.cli", "run", str(SCENARIO), "--out", str(Path(tmp) / "o")]
        wall(cmd, ROOT)  # warm the translation cache
        runs = [wall(cmd, ROOT) for _ in range(args.repeat)]
        tables = [to_table(cmd + ["--lang", "en"], ROOT) for _ in range(args.repeat)]
        imports = [wall([py, "-c", "import gc; gc.disable(); import sim.runner"], ROOT)
                   for _ in range(args.repeat)]
        bare = [wall([py, "-c", "pass"], ROOT) for _ in range(args.repeat)]
    run_s, table_s, import_s, bare_s = (statistics.median(x)
                                        for x in (runs, tables, imports, bare))
    parts = phases(args.repeat)
    print(f"warm `sim run scenarios/baseline.yaml`: {run_s:.2f} s (median of {args.repeat})")
    print(f"  goal {GOAL_SECONDS:.1f} s; run / goal = {run_s / GOAL_SECONDS:.2f}")
    print(f"  targets table printed after {table_s:.2f} s "
          f"({table_s / run_s:.0%} of the run; goal: well under 3 s)")
    print(f"  python start-up:            {bare_s:.2f} s  ({bare_s / run_s:.0%} of the run)")
    print(f"  imports of sim.runner: {import_s - bare_s:.2f} s  "
          f"({(import_s - bare_s) / run_s:.0%})")
    for name, seconds in parts.items():
        print(f"  {name + ':':27s} {seconds:.2f} s  ({seconds / run_s:.0%})")
    print(f"  charts / simulate = {parts['charts'] / parts['simulate']:.0f}x")


if __name__ == "__main__":
    main()
