"""The words on charts, in Chinese and English (from sim/messages.csv): units, target texts,
titles; and the charts' colours."""

from __future__ import annotations

import math
import textwrap

from .. import messages
from ..units import short_unit

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


def target_unit(target, lang: str) -> str:
    """A catalogue row's unit (target or indicator) for display: its own Chinese unit in
    Chinese."""
    return short_unit(target.unit, lang, getattr(target, "unit_zh", None))


def target_text(target, lang: str) -> str:
    """The target in words, e.g. '目标 2025：≥ 6,500 家' or '目标 2025：年均增长 约 8%（±0.5）'."""
    unit = target_unit(target, lang)
    if target.measure != "level" or unit.startswith("%"):
        unit = "%"
    elif unit:  # "1,100 × 100m yuan" reads better than "1,100 100m yuan"
        unit = f" × {unit}" if unit[:1].isdigit() else f" {unit}"
    value = messages.text(f"chart_cmp_{target.comparator}", lang, v=fmt(target.target) + unit,
                          tol=fmt(target.tolerance) if not is_nan(target.tolerance) else "")
    if target.measure != "level":
        value = f"{messages.text(f'chart_{target.measure}', lang)} {value}"
    return messages.text("chart_goal", lang, year=target.year, value=value)


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
