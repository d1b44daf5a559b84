"""Helpers to write calibration specs and data files."""

import pandas as pd
import pytest
import yaml

from ..conftest import REPO, SCENARIOS


UNITS = dict(pd.read_csv(REPO / "models" / "indicators.csv", usecols=["id", "unit"],
                        keep_default_na=False).itertuples(index=False, name=None))


@pytest.fixture
def write_spec(tmp_path):
    """A spec and its data file (actuals format: each indicator's unit, a test source)."""
    def write(data_rows, parameters, filename="spec.yaml", **extra):
        data = tmp_path / "data.csv"
        data.write_text("year,indicator,value,unit,source\n" + "".join(
            f"{y},{i},{v},{UNITS.get(i, '')},test\n" for y, i, v in data_rows),
            encoding="utf-8")
        spec = {"name": "t", "scenario": str(SCENARIOS / "baseline.yaml"), "data": "data.csv",
                "parameters": parameters, **extra}
        path = tmp_path / filename
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return path
    return write
