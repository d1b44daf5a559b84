"""Target texts and units in both languages, as the plan states them."""

import pytest

from sim import targets
from sim.charts.labels import fmt, indicator_name, target_text
from sim.units import unit_label

from ..conftest import MODEL


@pytest.fixture(scope="module")
def rows():
    return {t.id: t for t in targets.catalogue_for(MODEL).itertuples(index=False)}


def test_target_text_in_both_languages(rows):
    assert target_text(rows["high_tech_enterprises"], "zh") == "目标 2025：≥ 6,500 家"
    assert target_text(rows["high_tech_enterprises"], "en") == "target 2025: ≥ 6,500"
    assert target_text(rows["logistics_va"], "en") == "target 2025: ≥ 1,600 × 100m yuan"
    assert target_text(rows["sei_va_growth"], "zh") == "目标 2025：年均增长 约 8%（±0.5）"
    assert target_text(rows["logistics_va"], "zh") == "目标 2025：≥ 1,600 亿元"


def test_numbers_and_units():
    assert fmt(7613.59) == "7,614"
    assert fmt(2.9) == "2.9"
    assert unit_label("100 million yuan", "zh") == "亿元"
    assert unit_label("100 million yuan", "en") == "100 million yuan"


def test_english_names_lose_their_note_and_fit_the_width(rows):
    row = rows["services_employment_share"]
    assert indicator_name(row, "zh", 10) == row.indicator_zh
    name = indicator_name(row, "en", 30)
    assert len(name) <= 30 and "(" not in name
