"""Wall time of each shipped calibration spec, posterior and diagnostics included.

Run from the repository root: python benchmarks/calibration_speed.py

The goal is that each shipped fit finishes within 30 s on a 2-core machine; the ratio to
that goal is printed for each, measured in this run, with the sampler's diagnostics.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 30.0


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from sim import calibration

    for spec_path in sorted((ROOT / "calibration").glob("*.yaml")):
        spec = calibration.load(spec_path)
        start = time.perf_counter()
        cal = calibration.calibrate(spec)
        seconds = time.perf_counter() - start
        print(f"{spec_path.name}: {seconds:.1f} s, {spec.method}, {spec.likelihood}, "
              f"{cal.runs} {'members anchored' if spec.likelihood == 'shocks' else 'model runs'}"
              f"; time / goal = {seconds / GOAL_SECONDS:.2f}"
              f"{'' if cal.converged else ' (did not converge)'}\n    {cal.message}")


if __name__ == "__main__":
    main()
