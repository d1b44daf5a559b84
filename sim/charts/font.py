"""Widths and outlines of the bundled CJK font's glyphs, kept in a small cache on disk.

The font ships in sim/fonts/ (a GB 2312 subset of Noto Sans CJK SC, SIL Open Font License).
Reading its outlines with fontTools costs a fifth of a second, so the widths and SVG outlines
of the characters that charts have used are kept as JSON (data, never code) in the cache
folder, keyed by the font file's hash; a character seen for the first time is read from the
font and added. Outlines go into SVG files, so each is checked to be path data only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansCJKsc-Regular-subset.otf"
FAMILY = "Noto Sans CJK SC"
PATH_DATA = re.compile(r"[MLHVCSQTAZmlhvcsqtaz0-9eE.,+\- ]*")


def _table(data) -> tuple[int, dict]:
    """(units per em, table) from the cache file's JSON; ValueError if it is not one."""
    upem, table = data["units_per_em"], data["glyphs"]
    if not isinstance(upem, int) or not isinstance(table, dict):
        raise ValueError("wrong layout")
    out = {}
    for char, (width, outline) in table.items():
        if len(char) != 1 or not isinstance(width, (int, float)) or not (
                outline is None or (isinstance(outline, str) and PATH_DATA.fullmatch(outline))):
            raise ValueError(f"bad entry for {char!r}")
        out[char] = (float(width), outline)
    return upem, out


class Glyphs:
    """Advance widths (in em) and SVG outlines (in font units, y up) by character."""

    def __init__(self, path: Path = FONT_PATH, cache: Path | None = None):
        self.path = Path(path)
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]
        if cache is None:
            from .. import cache as cache_mod

            try:
                cache = cache_mod.subfolder("fonts")
            except OSError:  # a cache that cannot be written only costs speed
                cache = Path(os.devnull)
        self.cache = Path(cache) / f"{self.path.stem}-{digest}.json"
        self.units_per_em = 1000
        self.table: dict[str, tuple[float, str | None]] = {}
        try:
            text = self.cache.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            text = None
            problem = exc.strerror
        if text is not None:
            try:
                self.units_per_em, self.table = _table(json.loads(text))
                return
            except (ValueError, KeyError, TypeError) as exc:
                problem = str(exc)
        from ..cache import notice

        notice(f"{self.cache}: cached glyphs rejected ({problem}); reading them again.")

    def prepare(self, text: str) -> None:
        """Read from the font every character of `text` not yet known, and save the cache.

        A character the font lacks warns once and is drawn as a blank half an em wide."""
        wanted = sorted({c for c in text if c not in self.table})
        if not wanted:
            return
        from fontTools.pens.svgPathPen import SVGPathPen
        from fontTools.ttLib import TTFont

        with TTFont(str(self.path), lazy=True) as font:
            self.units_per_em = font["head"].unitsPerEm
            cmap, glyph_set = font.getBestCmap(), font.getGlyphSet()
            for char in wanted:
                name = cmap.get(ord(char))
                if name is None:
                    warnings.warn(f"Glyph {ord(char)} ({char!r}) missing from font {FAMILY}; "
                                  "it is drawn as a blank.", stacklevel=2)
                    self.table[char] = (0.5, None)
                    continue
                pen = SVGPathPen(glyph_set, ntos=lambda v: f"{v:g}")
                glyph_set[name].draw(pen)
                self.table[char] = (glyph_set[name].width / self.units_per_em,
                                    pen.getCommands() or None)
        self._save()

    def _save(self) -> None:
        try:
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache.with_suffix(f".tmp-{os.getpid()}")
            data = {"units_per_em": self.units_per_em,
                    "glyphs": {c: list(v) for c, v in sorted(self.table.items())}}
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.cache)
        except OSError:
            pass  # a read-only cache only costs speed

    def advance(self, char: str) -> float:
        self.prepare(char)
        return self.table[char][0]

    def outline(self, char: str) -> str | None:
        self.prepare(char)
        return self.table[char][1]

    def width(self, text: str, size: float) -> float:
        """Width of `text` set at `size` points, in points (no kerning)."""
        self.prepare(text)
        return sum(self.table[c][0] for c in text) * size


@lru_cache(maxsize=1)
def glyphs() -> Glyphs:
    """The bundled font's glyph table, shared within a process."""
    return Glyphs()
