"""Helpers to write calibration specs and data files."""

import pytest
import yaml

from ..conftest import SCENARIOS


@pytest.fixture
def write_spec(tmp_path):
    def write(data_rows, parameters, filename="spec.yaml", **extra):
        data = tmp_path / "data.csv"
        data.write_text("year,indicator,value\n" + "".join(f"{y},{i},{v}\n" for y, i, v in
                                                         data_rows), encoding="utf-8")
        spec = {"name": "t", "scenario": str(SCENARIOS / "baseline.yaml"), "data": "data.csv",
                "parameters": parameters, **extra}
        path = tmp_path / filename
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return path
    return write
