"""Shared fixtures: an isolated translation cache and helpers to write scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "models" / "qingdao_fyp.mdl"
SCENARIOS = REPO / "scenarios"
LOOPS_OFF = {"innovation loop strength": 0, "integration loop strength": 0,
             "structure loop strength": 0}


@pytest.fixture(scope="session", autouse=True)
def translation_cache(tmp_path_factory):
    """Translate models into a cache private to this test session."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SIM_CACHE_DIR", str(tmp_path_factory.mktemp("sim-cache")))
    yield
    mp.undo()


@pytest.fixture
def write_scenario(tmp_path):
    """Write a scenario YAML into tmp_path; `model:` defaults to the plan model."""
    import yaml

    def write(filename: str = "s.yaml", text: str | None = None, **data) -> Path:
        path = tmp_path / filename
        if text is None:
            data.setdefault("model", str(MODEL))
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write
