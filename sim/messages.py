"""Every text the command line prints, in Chinese and English: one catalogue, one lookup.

The catalogue is `messages.csv` beside this module (key, zh, en), a table a translator can
edit; texts that read the same in both languages (names, numbers, codes) repeat in both
columns. Templates use str.format fields.
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


def text(key: str, lang: str = "en", **values) -> str:
    """The message `key` in `lang` ("zh" or "en"), with `values` filled in."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    return catalogue()[key][lang].format(**values)
