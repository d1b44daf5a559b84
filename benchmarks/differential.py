"""Random Vensim models through PySD and the batch engine: how many agree.

Run from the repository root: python benchmarks/differential.py [--cases 500] [--seed S]

Each case is a model drawn by tests/engine/vensim_models.py. It prints the cases tried,
those PySD cannot run (not compared), and every disagreement with its model, and exits 1
if there was any disagreement.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--show", type=int, default=5, help="disagreements printed in full")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from hypothesis import HealthCheck, given, seed, settings

    from tests.engine import vensim_models as vm

    tally = {"tried": 0, "pysd failed": 0, "agree": 0, "disagree": 0, "batch failed": 0}
    shown = []
    folder = Path(tempfile.mkdtemp(prefix="differential-"))

    @settings(max_examples=args.cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(vm.models())
    def case(text):
        tally["tried"] += 1
        mdl = folder / f"case{tally['tried']}.mdl"
        mdl.write_text(text, encoding="utf-8")
        try:
            problems = vm.disagreements(mdl)
        except vm.PySDFailed:
            tally["pysd failed"] += 1
            return
        except Exception as exc:  # noqa: BLE001 - reported as a failure of the batch engine
            problems = [f"batch engine raised {type(exc).__name__}: {exc}"]
            tally["batch failed"] += 1
        if problems:
            tally["disagree"] += 1
            if len(shown) < args.show:
                shown.append((text, problems))
        else:
            tally["agree"] += 1

    if args.seed is not None:
        case = seed(args.seed)(case)
    start = time.perf_counter()
    case()
    elapsed = time.perf_counter() - start
    for text, problems in shown:
        print("---- disagreement ----")
        print(text)
        print("\n".join(problems[:3]))
    print(f"cases tried {tally['tried']}, compared {tally['agree'] + tally['disagree']}, "
          f"agree {tally['agree']}, disagree {tally['disagree']} (of which the batch engine "
          f"raised {tally['batch failed']}), PySD could not run {tally['pysd failed']}; "
          f"{elapsed:.0f} s")
    return 1 if tally["disagree"] else 0


if __name__ == "__main__":
    sys.exit(main())
