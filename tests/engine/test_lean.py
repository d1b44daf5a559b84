"""With the model's code cached, the batch engine runs in a process that imports numpy alone."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd

from sim import ensemble, scenario
from sim.engine import batch

from ..conftest import MODEL, REPO, SCENARIOS

CHILD = """
import json, sys
import numpy as np
from sim.engine import batch
c = batch.compiled(sys.argv[1])
growth = np.array([0.05, 0.08, 0.11])
out = batch.simulate(c, {"sei_real_growth": growth}, json.loads(sys.argv[2]),
                     outputs=["sei_va_real"])
print(json.dumps({"libraries": sorted(m for m in ("pandas", "scipy", "pysd", "xarray")
                                      if m in sys.modules),
                  "sei_va_real": out["sei_va_real"].tolist()}))
"""


def test_a_cached_model_runs_without_pandas_scipy_or_pysd():
    base = scenario.load(SCENARIOS / "baseline.yaml")
    draws = {"sei real growth": [0.05, 0.08, 0.11]}
    expected = ensemble.run(base, pd.DataFrame(draws), outputs=["sei va real"])
    batch.compiled(MODEL)  # cached by this process; the child only loads it
    proc = subprocess.run([sys.executable, "-c", CHILD, str(MODEL), json.dumps(base.time)],
                          capture_output=True, text=True, cwd=REPO, check=True)
    got = json.loads(proc.stdout)
    assert got["libraries"] == []
    np.testing.assert_array_equal(np.array(got["sei_va_real"]),
                                  expected.values["sei va real"])
