"""The words on charts, in Chinese and English: units, target texts, titles, colours."""

from __future__ import annotations

import math
import textwrap

UNIT_ZH = {"100 million yuan": "亿元", "%": "%", "%/year": "%", "enterprises": "家",
           "10 thousand people": "万人", "10 thousand TEU": "万标准箱", "Dmnl": "",
           "1/Year": "1/年", "Year": "年", "enterprises/Year": "家/年",
           "100 million yuan/Year": "亿元/年", "100 million yuan/(10 thousand people)": "亿元/万人"}
COMPARATOR_TEXT = {
    "zh": {"approx": "约 {v}（±{tol}）", "at_least": "≥ {v}", "reach": "达到 {v}"},
    "en": {"approx": "about {v} (±{tol})", "at_least": "≥ {v}", "reach": "reach {v}"},
}
WORDS = {
    "zh": {"projected": "预测", "target": "目标", "required": "目标所需路径", "year": "年份",
           "cagr": "年均增长", "cumulative_growth": "累计增长",
           "average_growth": "年均增长", "overview": "规划目标总览",
           "met": "达标", "exceeded": "超额", "below": "未达标", "above": "高于区间",
           "unit": "单位：", "observed": "实际值", "filled": "插补值",
           "as_of": "实际数据截至{year}年"},
    "en": {"projected": "projected", "target": "target", "required": "path the target needs",
           "year": "year", "cagr": "average annual growth", "cumulative_growth": "total growth",
           "average_growth": "average annual growth",
           "overview": "Plan targets at a glance", "met": "met", "exceeded": "exceeded",
           "below": "below target", "above": "above band", "unit": "unit: ",
           "observed": "observed", "filled": "filled (interpolated)",
           "as_of": "actuals to {year}"},
}
STATUS_COLOURS = {"met": "#1a7f37", "exceeded": "#1a7f37", "below": "#cf222e",
                  "above": "#9a6700"}
PALETTE = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83", "#6e7781"]
INK = "#24292f"
GREY = "#57606a"
GRID = "#d0d7de"


def fmt(value: float) -> str:
    """A target value as the plan writes it: thousands separated, no needless decimals."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def is_nan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def unit_label(unit: str, lang: str) -> str:
    """A unit as charts print it: Chinese units in Chinese, English ones unchanged."""
    return UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def target_unit(target, lang: str) -> str:
    """A catalogue row's unit (target or indicator): its own Chinese unit in Chinese."""
    return getattr(target, "unit_zh", None) or UNIT_ZH.get(target.unit, target.unit) \
        if lang == "zh" else target.unit


def target_text(target, lang: str) -> str:
    """The target in words, e.g. '目标 2025：≥ 6,500 家' or '目标 2025：年均增长 约 8%（±0.5）'."""
    words = WORDS[lang]
    unit = target_unit(target, lang)
    if target.measure != "level" or unit.startswith("%"):
        unit = "%"
    else:  # "1,100 × 100 million yuan" reads better than "1,100 100 million yuan"
        unit = f" × {unit}" if unit[:1].isdigit() else f" {unit}"
    value = COMPARATOR_TEXT[lang][target.comparator].format(
        v=fmt(target.target) + unit,
        tol=fmt(target.tolerance) if not is_nan(target.tolerance) else "")
    if target.measure != "level":
        value = f"{words[target.measure]} {value}"
    sep = "：" if lang == "zh" else ": "
    return f"{words['target']} {target.year}{sep}{value}"


def indicator_name(target, lang: str, width: int, fits=None) -> str:
    """The indicator's name; English names lose their bracketed note and are cut to `width`
    characters, or to the longest cut that `fits(text)` accepts."""
    if lang == "zh":
        return target.indicator_zh
    name = textwrap.shorten(target.indicator_en.split(" (")[0], width, placeholder="…")
    while fits is not None and not fits(name) and len(name) > 10:
        width = len(name) - 2
        name = textwrap.shorten(name.rstrip("…"), width, placeholder="…")
    return name
