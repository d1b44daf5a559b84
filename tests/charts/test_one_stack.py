"""No module of the package needs matplotlib: each imports with matplotlib made unimportable."""

import subprocess
import sys

from ..conftest import REPO

SCRIPT = """
import importlib, pkgutil, sys
sys.modules["matplotlib"] = None  # any import of it now raises ImportError
import sim
names = [m.name for m in pkgutil.walk_packages(sim.__path__, "sim.")
         if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_module_imports_without_matplotlib():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 40
