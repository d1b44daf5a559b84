"""The model file and its catalogue: translation cache, names, units, ranges, docs."""

import re
import warnings

import pytest

from sim import model
from sim.errors import SimError

from .conftest import MODEL, REPO


def test_translation_is_cached_outside_the_repo_by_hash():
    py = model.translated(MODEL)
    assert py.is_file()
    assert REPO not in py.parents
    assert py.parent.parent.name.startswith("qingdao_fyp-")
    assert model.translated(MODEL) == py
    assert not list((REPO / "models").glob("*.py"))


def test_each_load_is_a_fresh_model():
    first = model.load(MODEL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PySD's pandas deprecation notices
        first.run(params={"sei real growth": 0.2})
    second = model.load(MODEL)
    assert second.components.sei_real_growth() == pytest.approx(0.08)


def test_every_constant_has_units_range_and_a_chinese_comment():
    info = model.info(MODEL)
    assert len(info.parameters) > 40
    for p in info.parameters.values():
        assert p.unit, p.name
        assert p.minimum is not None, f"{p.name} has no declared range"
        assert re.search(r"[\u4e00-\u9fff]", p.description), f"{p.name}: no Chinese name"


def test_every_variable_is_documented_in_the_readme():
    readme = (REPO / "models" / "README.md").read_text(encoding="utf-8")
    names = [n for n in model.info(MODEL).variables if n not in ("Time", "TIME")]
    missing = [n for n in names if f"`{n}`" not in readme]
    assert not missing


def test_names_resolve_from_vensim_or_python_form():
    info = model.info(MODEL)
    assert info.canonical("sei_real_growth") == "sei real growth"
    assert info.canonical("SEI Real Growth") == "sei real growth"
    assert info.canonical("no such thing") is None


def test_parameters_table_lists_defaults_and_ranges():
    table = model.info(MODEL).table()
    row = table.set_index("name").loc["initial services va"]
    assert row["value"] == 7613.59
    assert row["unit"] == "100 million yuan"
    assert row["min"] == 0


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(SimError, match="model file not found"):
        model.info(tmp_path / "nope.mdl")


def test_a_range_with_an_increment_keeps_its_bounds(tmp_path):
    from .conftest import vensim_model

    mdl = tmp_path / "slider.mdl"
    mdl.write_text(vensim_model({"rate": ("0.5", "1/Year [-1, 2, 0.25]")}), encoding="utf-8")
    p = model.info(mdl).parameter("rate")
    assert (p.value, p.minimum, p.maximum) == (0.5, -1, 2)


def test_a_constant_without_units_or_comment_has_empty_text(tmp_path):
    from .conftest import vensim_model

    mdl = tmp_path / "bare.mdl"
    mdl.write_text(vensim_model({"rate": "0.5"}), encoding="utf-8")
    p = model.info(mdl).parameter("rate")
    assert (p.value, p.unit, p.description) == (0.5, "", "")
