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


def vensim_model(equations: dict, final: float = 2, step: float = 1, saveper: float = 1,
                 units: str = "") -> str:
    """The text of a small Vensim model: {name: "expression" or ("expression", "units")}
    and the control section, starting at time 0."""
    lines = ["{UTF-8}"]
    controls = {"INITIAL TIME": 0, "FINAL TIME": final, "TIME STEP": step, "SAVEPER": saveper}
    for name, body in {**equations, **{k: (str(v), units) for k, v in controls.items()}}.items():
        expression, unit = body if isinstance(body, tuple) else (body, "")
        lines.append(f"{name} = {expression}\n\t~\t{unit}\n\t~\t\n\t|")
    return "\n".join(lines) + "\n"


# a stock draining at a rate: the smallest model with a stock, a flow and a ranged constant
DECAY = vensim_model({"stock": ("INTEG(-outflow, 100)", "units"),
                      "outflow": ("stock * rate", "units/Year"),
                      "rate": ("0.5", "1/Year [0,1]")}, units="Year")


def error_text(call, *args, **kwargs) -> str:
    """The message of the SimError that `call(*args, **kwargs)` raises (fails if none)."""
    from sim.errors import SimError

    with pytest.raises(SimError) as err:
        call(*args, **kwargs)
    return str(err.value)
