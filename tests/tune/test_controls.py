"""The page's controls: sectors, Chinese names and slider ranges, by hand."""

import pytest

from sim.model import Parameter
from sim.tune import controls


@pytest.mark.parametrize("name, sector", [
    ("consumer services real growth", "services"), ("finance real shock", "services"),
    ("integration deepening rate", "services"), ("sei real growth", "industry"),
    ("other industry real growth", "industry"), ("digital core real growth", "industry"),
    ("services price growth", "prices"), ("industry price shock", "prices"),
    ("hte formation rate", "innovation"), ("rd intensity growth", "innovation"),
    ("initial rd share of gdp", "innovation"), ("tech contract turnover growth", "innovation"),
    ("services productivity growth", "labour"), ("initial total employment", "labour"),
    ("something else", "other"),
])
def test_sectors_follow_the_words_of_the_name(name, sector):
    assert controls.sector_of(name) == sector


@pytest.mark.parametrize("description, zh", [
    ("R&D经费占GDP比重 at INITIAL TIME. 2020: 2.43%", "R&D经费占GDP比重"),
    ("创新反馈强度 (R1). 0 switches the innovation loop off", "创新反馈强度"),
    ("创新能力参考增速: the growth of real R&D spending", "创新能力参考增速"),
    ("生活性服务业实际年均增速. Assumption", "生活性服务业实际年均增速"),
    ("", ""),
])
def test_the_chinese_name_opens_the_description(description, zh):
    assert controls.chinese_name(description) == zh


def test_slider_ranges_take_the_declared_range_or_three_times_the_default():
    growth = Parameter("g", "g", 0.08, "1/Year", -0.2, 0.3, "")
    assert controls.slider_range(growth) == (-0.2, 0.3, 0.0001)   # 0.5 / 1000 = 0.0005
    level = Parameter("v", "v", 7613.59, "100 million yuan", 0.0, None, "")
    assert controls.slider_range(level) == (0.0, pytest.approx(22840.77), 10)
    free = Parameter("f", "f", 0.0, "", None, None, "")
    assert controls.slider_range(free) == (0.0, 1.0, 0.001)
