"""A wheel installs anywhere: built from the sources, installed into a fresh environment
outside the repository, it runs the plan model that ships inside it.

Marked `wheel` (about half a minute); deselect locally with `-m "not wheel"`. Nothing is
downloaded: the wheel is built with the setuptools already installed, and the environment
sees the already-installed dependencies (`--system-site-packages`), so only `sim` itself is
installed into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from .conftest import REPO

pytestmark = pytest.mark.wheel
SOURCES = ("sim", "models", "setup.py", "setup.cfg", "pyproject.toml", "README.md")


def _run(args, cwd, env=None):
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh environment with the wheel installed, a work folder)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.py[.]*"))
        else:
            shutil.copy2(REPO / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
          "--no-build-isolation", "--wheel-dir", root / "dist", src], cwd=root)
    wheel = next((root / "dist").glob("sim-*.whl"))
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv],
         cwd=root)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
          "--force-reinstall", wheel], cwd=root)
    work = root / "work"
    work.mkdir()
    return bindir, work


def _env():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def test_the_installed_package_holds_the_model(installed):
    bindir, work = installed
    python = next(p for p in bindir.iterdir() if p.name.startswith("python"))
    out = _run([python, "-c", "import sim.model as m; print(m.DEFAULT_MODEL)"], work, _env())
    model = Path(out.strip())
    assert model.is_file() and model.name == "qingdao_fyp.mdl"
    assert bindir.parent in model.parents  # inside the environment, not the repository
    assert (model.parent / "indicators.csv").is_file() and (model.parent / "targets.csv").is_file()


def test_sim_params_and_sim_run_work_outside_the_repository(installed):
    bindir, work = installed
    sim = bindir / ("sim.exe" if os.name == "nt" else "sim")
    params = _run([sim, "params"], work, _env())
    # the plan's 2020 services value added (plan_indicators.csv: 7613.59亿元)
    assert "initial services va = 7613.59" in params
    (work / "s.yaml").write_text("name: s\nconstants:\n  sei real growth: 0.08\n",
                                 encoding="utf-8")
    printed = _run([sim, "run", "s.yaml", "--out", "out", "--lang", "en"], work, _env())
    assert printed.rstrip().endswith("written to: out")
    indicators = pd.read_csv(work / "out" / "indicators.csv", encoding="utf-8-sig")
    first, last = indicators.iloc[0], indicators.iloc[-1]
    assert first["year"] == 2020 and first["services_va"] == pytest.approx(7613.59)
    assert indicators["year"].iloc[-1] == 2025 and last["services_va"] > first["services_va"]
