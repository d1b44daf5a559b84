"""Units as every table, chart and page shows them: the one rule for shortening a unit."""

from __future__ import annotations

from . import messages

# English units shown whole as another text; a count is a plain number
WHOLE_EN = {"count": "", "count/year": "a year", "%/year": "%"}
# and parts of English units written shorter wherever they occur
PARTS_EN = (("100 million yuan", messages.text("unit_100m_yuan", "en")),
            ("10 thousand ", "10,000 "))


def unit_label(unit: str, lang: str) -> str:
    """A Vensim unit in `lang`: its catalogue entry (`unit:<unit>`), else the unit as it is."""
    return messages.text(f"unit:{unit}", lang) if messages.known(f"unit:{unit}") else unit


def short_unit(unit: str, lang: str, unit_zh: str | None = None) -> str:
    """`unit` for display: in Chinese `unit_zh` (a target's or indicator's own) or the
    catalogue's; in English shortened ("100m yuan", "10,000 TEU"), nothing for a count."""
    if lang == "zh":
        return unit_zh if isinstance(unit_zh, str) and unit_zh else unit_label(unit, lang)
    text = unit_label(unit, lang)
    if text in WHOLE_EN:
        return WHOLE_EN[text]
    for long, short in PARTS_EN:
        text = text.replace(long, short)
    return text
