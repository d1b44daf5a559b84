"""Units for display: one rule for the printed targets table, the review, the charts and the
tune page."""

import pandas as pd
import pytest

from sim.cli import format_targets
from sim.review_tables import unit_text, with_unit
from sim.units import short_unit


@pytest.mark.parametrize("unit, zh, en", [
    ("100 million yuan", "亿元", "100m yuan"),
    ("100 million yuan (2020 prices)", "亿元（2020年价格）", "100m yuan (2020 prices)"),
    ("100 million yuan/Year", "亿元/年", "100m yuan/Year"),
    ("10 thousand TEU", "万标准箱", "10,000 TEU"),
    ("10 thousand people", "万人", "10,000 people"),
    ("count", "家", ""),
    ("count/year", "场次", "a year"),
    ("%/year", "%", "%"),
    ("%", "%", "%"),
    ("1/Year", "1/年", "1/Year"),
])
def test_a_unit_reads_the_same_everywhere(unit, zh, en):
    assert short_unit(unit, "zh", zh) == zh
    assert short_unit(unit, "en", zh) == en


def test_without_its_own_chinese_unit_the_catalogue_gives_it():
    assert short_unit("100 million yuan/Year", "zh") == "亿元/年"
    assert short_unit("widgets", "zh") == "widgets"
    assert short_unit("widgets", "zh", "") == "widgets"


def test_the_printed_targets_table_and_the_review_agree():
    row = dict(id="a", indicator_zh="甲", indicator_en="a", unit="count", unit_zh="家",
               measure="level", comparator="at_least", target=6500.0, tolerance=float("nan"),
               projected=7000.0, gap=500.0, status="met")
    table = format_targets(pd.DataFrame([row]), "en").splitlines()
    assert table[2].split() == ["a", "a", "≥6500", "7,000.00", "500.00", "met"]
    assert (unit_text("count", "家", "en"), with_unit(6500, "count", "家", "en")) == ("", "6,500")
    assert with_unit(1300, "100 million yuan", "亿元", "en") == "1,300.00 100m yuan"
