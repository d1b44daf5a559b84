"""The batch engine on the SDXorg test-models suite: equal to PySD, and to Vensim's own
output wherever PySD matches it. Each model outside the batch engine's subset is skipped
with its reason (pytest -rs lists them by name)."""

import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import engine, scenario
from sim.engine import batch

from ..conftest import REPO

SHARED = Path(os.environ.get("SIM_SHARED_DIR", REPO.parent / "shared"))
SUITE = SHARED / "sd-test-suite"
# the run outputs a model's DATA variables are read from, as the suite's README names them
DATA = {"test_data_from_other_model": ["data.tab"]}


def _reference(folder: Path) -> pd.DataFrame | None:
    """Vensim's output beside a model, time as the index; None when there is none."""
    for name, sep in (("output.csv", ","), ("output.tab", "\t")):
        path = folder / name
        if path.is_file():
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:  # some references are written in Latin-1
                text = raw.decode("latin-1")
            from io import StringIO

            table = pd.read_csv(StringIO(text), sep=sep)
            first = table.columns[0]
            if str(first).strip().lower() != "time":  # transposed: one row per variable
                table = table.set_index(first).T.reset_index().rename(columns={"index": "Time"})
            table = table.rename(columns={table.columns[0]: "Time"})
            table["Time"] = pd.to_numeric(table["Time"], errors="coerce")
            return table.set_index("Time").apply(pd.to_numeric, errors="coerce")
    return None


def _models():
    if not SUITE.is_dir():
        return []
    return sorted(SUITE.glob("*/*/*.mdl"))


def _matches(got, expected) -> np.ndarray:
    scale = float(np.nanmax(np.abs(expected))) if len(expected) else 1.0
    scale = scale if np.isfinite(scale) and scale else 1.0
    return np.isclose(got, expected, rtol=1e-3, atol=1e-5 * scale, equal_nan=True)


@pytest.mark.skipif(not SUITE.is_dir(),
                    reason=f"the SDXorg test-models suite is not at {SUITE}")
@pytest.mark.parametrize("mdl", _models(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_suite_model_matches_pysd_and_vensim(mdl, tmp_path):
    name = f"{mdl.parent.name}/{mdl.stem}"
    folder = tmp_path / mdl.parent.name
    shutil.copytree(mdl.parent, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    (folder / "s.yaml").write_text(f"model: {mdl.name}\ndata: {DATA.get(mdl.stem, [])}\n",
                                   encoding="utf-8")
    try:
        s = scenario.load(folder / "s.yaml")
    except scenario.InputError as exc:  # the model's own problem, or one with sim's limits
        line = str(exc).splitlines()[0]
        problem = line.split(".mdl: ")[-1] if ".mdl: " in line else line.split(": ", 1)[-1]
        pytest.skip(f"{name}: sim cannot load it: {problem[:160]}")
    try:
        ours = batch.run(s)
    except batch.Unsupported as exc:
        pytest.skip(f"{name}: outside the batch engine's subset: {exc}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theirs = engine.pysd_engine.run(s)
        except Exception as exc:  # noqa: BLE001 - PySD's own failure: nothing to compare
            pytest.skip(f"{name}: PySD cannot run it ({type(exc).__name__})")
    assert list(ours.columns) == list(theirs.columns)
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-9,
                               atol=1e-12)
    reference = _reference(mdl.parent)
    if reference is None:
        return
    by_key = {batch.key(c): c for c in ours.columns}
    for column in reference.columns:
        name = by_key.get(batch.key(column))
        if name is None:
            continue
        expected = reference[column].dropna()
        times = [t for t in expected.index if np.isclose(ours.index, t).any()]
        if not times:
            continue
        rows = [int(np.flatnonzero(np.isclose(ours.index, t))[0]) for t in times]
        want = expected.loc[times].to_numpy(float)
        pysd_ok = _matches(theirs[name].to_numpy(float)[rows], want)
        ours_ok = _matches(ours[name].to_numpy(float)[rows], want)
        assert np.all(ours_ok[pysd_ok]), column
