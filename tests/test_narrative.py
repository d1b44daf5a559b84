"""The model's narrative file: loop texts beside the .mdl, checked line by line."""

import re

import pytest

from sim import narrative
from sim.errors import InputError

from .conftest import MODEL, REPO


def test_the_plan_model_brings_the_loops_its_readme_documents():
    headings = re.findall(r"^## Loop (\w+): .*\((?:.*, )?(reinforcing|balancing)\)$",
                          (REPO / "models" / "README.md").read_text(encoding="utf-8"),
                          flags=re.MULTILINE)
    assert [h[0] for h in headings] == ["R1", "B1", "B2"]
    en = narrative.loops(MODEL, "en")
    zh = narrative.loops(MODEL, "zh")
    assert [line.split()[0] for line in en] == [h[0] for h in headings]
    assert [line.split()[0] for line in zh] == [h[0] for h in headings]
    assert narrative.plan(MODEL, "zh").startswith("青岛市“十四五”")
    assert narrative.plan(MODEL, "en").startswith("Qingdao's 14th Five-Year Plan")
    for line, (_, polarity), zh_line in zip(en, headings, zh, strict=True):
        assert f"({polarity})" in line
        assert ("正反馈" if polarity == "reinforcing" else "负反馈") in zh_line


def test_another_model_brings_its_own_or_none(tmp_path):
    (tmp_path / "other.yaml").write_text(
        "plan: {zh: 某市规划, en: A city's plan}\nbasis: {zh: 以某口径为准。, en: On one basis.}\n"
        "loops:\n  - id: R9\n    zh: 甲\n    en: >-\n      one\n      line\n", encoding="utf-8")
    assert narrative.loops(tmp_path / "other.mdl", "en") == ["R9 one line"]
    assert narrative.by_language(tmp_path / "other.mdl") == {"zh": ["R9 甲"],
                                                            "en": ["R9 one line"]}
    assert narrative.plan(tmp_path / "other.mdl", "zh") == "某市规划"
    assert narrative.plan(tmp_path / "other.mdl", "en") == "A city's plan"
    assert narrative.basis(tmp_path / "other.mdl", "zh") == "以某口径为准。"
    assert narrative.basis(tmp_path / "other.mdl", "en") == "On one basis."
    assert narrative.basis(tmp_path / "bare.mdl", "zh") is None
    assert narrative.loops(tmp_path / "bare.mdl", "zh") == []
    assert narrative.plan(tmp_path / "bare.mdl", "en") is None


def test_a_bad_narrative_file_names_each_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.yaml").write_text(
        "loops:\n  - id: R1\n    zh: 甲\n  - id: B1\n    zh: 乙\n    en: b\n    note: x\n"
        "title: t\nplan: {zh: 规划}\nbasis: 口径\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        narrative.loops(tmp_path / "m.mdl")
    assert str(err.value).splitlines() == [
        "m.yaml:2: loops[0] | needs text for en. Give id, zh and en.",
        "m.yaml:4: loops[1] | unknown key note. Give id, zh and en.",
        "m.yaml:8: title | unknown key. A narrative file has plan:, basis: and loops:.",
        "m.yaml:9: plan | must give the plan's name as zh: and en:.",
        "m.yaml:10: basis | must give the rule as zh: and en:.",
    ]
