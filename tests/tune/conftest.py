"""What the tuning page's tests share: a scenario opened from its own folder, and the
targets table `sim run` writes for it."""

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import main

from ..conftest import MODEL, SCENARIOS


@pytest.fixture
def opened(tmp_path):
    """A copy of the baseline scenario in its own folder, as the page opens it."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    text = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8")
    path = folder / "baseline.yaml"
    path.write_text(text.replace("model: ../models/qingdao_fyp.mdl", f"model: {MODEL}"),
                    encoding="utf-8")
    return path


def cli_targets(tmp_path, scenario, *args) -> pd.DataFrame:
    """The targets table of `sim run SCENARIO ARGS...`, indexed by id."""
    out = tmp_path / f"out-{len(list(tmp_path.iterdir()))}"
    result = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "targets.csv", encoding="utf-8-sig").set_index("id")
