"""The page's controls: every tunable parameter with its sector, Chinese name and slider range.

Sectors follow the plan's chapters; a parameter belongs to the first sector whose words its
Vensim name contains. The feedback loops' strengths are switches, not sliders.
"""

from __future__ import annotations

import math
import re

from .. import messages
from ..charts.labels import unit_label

SECTORS = (  # (id, words in Vensim names); the names are `sector_<id>` in sim/messages.csv
    ("prices", ("price",)),
    ("labour", ("employment", "labour", "productivity")),
    ("innovation", ("rd ", "rd intensity", "innovation", "hte", "tech", "knowledge", "capacity",
                    "high tech")),
    ("industry", ("industry", "sei", "primary", "digital core")),
    ("services", ("services", "finance", "logistics", "culture", "online retail", "integration")),
    ("other", ()),
)
SECTOR_ORDER = ("services", "industry", "prices", "innovation", "labour", "other")
LOOP_SUFFIX = "loop strength"
PAGE = "tune_page_"  # the prefix of the page's words in the message catalogue
_ZH_NAME = re.compile(r"^[^\s:.(（:]+")


def sector_of(name: str) -> str:
    """The sector of a parameter, from the words of its Vensim name."""
    text = f" {name} "
    for key, words in SECTORS:
        if any(w in text for w in words):
            return key
    return "other"


def chinese_name(description: str) -> str:
    """The Chinese name that opens a parameter's description (the model's documentation)."""
    match = _ZH_NAME.match(description or "")
    return match.group(0) if match else ""


def slider_range(p) -> tuple[float, float, float]:
    """(low, high, step) of a parameter's slider: its declared range, an open end taken at
    three times the default (or 1), in about a thousand steps."""
    low = p.minimum if p.minimum is not None else min(0.0, -3 * abs(p.value))
    high = p.maximum if p.maximum is not None else max(3 * abs(p.value), low + 1.0)
    span = high - low
    step = 10 ** math.floor(math.log10(span / 1000)) if span > 0 else 0.001
    return low, high, step


def page_words() -> dict[str, dict[str, str]]:
    """The page's own words per language: the catalogue's `tune_page_<word>` entries, templates
    as they are (the page fills their fields)."""
    entries = messages.catalogue()
    return {lang: {key[len(PAGE):]: entry[lang] for key, entry in entries.items()
                   if key.startswith(PAGE)} for lang in messages.LANGS}


def describe(info, scenario) -> dict:
    """Controls and groups for the page: each parameter with the opened scenario's value."""
    resolved = scenario.resolved_constants(info)
    params, loops = [], []
    for p in sorted(info.parameters.values(), key=lambda p: p.name):
        low, high, step = slider_range(p)
        entry = {"name": p.name, "zh": chinese_name(p.description) or p.name,
                 "unit": {lang: unit_label(p.unit, lang) for lang in messages.LANGS},
                 "min": p.minimum, "max": p.maximum, "low": low, "high": high, "step": step,
                 "default": p.value, "value": resolved[p.name],
                 "series": {str(y): v for y, v in scenario.series.get(p.name, {}).items()},
                 "description": p.description, "sector": sector_of(p.name),
                 "shock": p.name.endswith("shock")}
        (loops if p.name.endswith(LOOP_SUFFIX) else params).append(entry)
    years = list(range(int(scenario.time["initial"]) + 1, int(scenario.time["final"]) + 1))
    return {"parameters": params, "loops": loops, "years": years, "words": page_words(),
            "sectors": [{"id": key, **{lang: messages.text(f"sector_{key}", lang)
                                       for lang in messages.LANGS}}
                        for key in SECTOR_ORDER]}
