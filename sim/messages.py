"""Every text a user reads, in Chinese and English: one catalogue, one lookup.

The catalogue is `messages.csv` beside this module (key, zh, en), a table a translator can
edit; texts that read the same in both languages (names, numbers, codes) repeat in both
columns. Templates use str.format fields. Keys share a prefix per place of use: none for the
command line, `chart_` for chart words, `review_` and `table_` and `report_` for the review,
`unit:` plus a Vensim unit for that unit's name. Wording about one model (its plan, its loops)
is in the model's narrative file instead (sim/narrative.py).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

LANGS = ("zh", "en")
CATALOGUE = Path(__file__).with_name("messages.csv")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """{key: {lang: template}} from messages.csv."""
    with open(CATALOGUE, encoding="utf-8", newline="") as f:
        return {row["key"]: {lang: row[lang] for lang in LANGS} for row in csv.DictReader(f)}


def known(key: str) -> bool:
    """Whether the catalogue has `key` (for look-ups with a fallback, such as units)."""
    return key in catalogue()


def text(key: str, lang: str = "en", **values) -> str:
    """The message `key` in `lang` ("zh" or "en"), with `values` filled in."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    return catalogue()[key][lang].format(**values)
