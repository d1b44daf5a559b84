"""Glyph widths and outlines come from the bundled font and survive in the cache."""

import pytest
from fontTools.ttLib import TTFont

from sim.charts.font import FONT_PATH, Glyphs


@pytest.fixture(scope="module")
def hmtx():
    with TTFont(str(FONT_PATH)) as font:
        return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def test_widths_are_the_fonts_advances(tmp_path, hmtx):
    cmap, metrics, upem = hmtx
    font = Glyphs(cache=tmp_path)
    text = "服务业增加值 2025：≥ 1,600 亿元"
    expected = sum(metrics[cmap[ord(c)]][0] for c in text) / upem * 10
    assert font.width(text, 10) == pytest.approx(expected)
    assert font.advance("中") == pytest.approx(metrics[cmap[ord("中")]][0] / upem)


def test_outlines_are_svg_paths_and_spaces_have_none(tmp_path):
    font = Glyphs(cache=tmp_path)
    assert font.outline("值").startswith("M")
    assert font.outline(" ") is None


def test_a_character_outside_the_font_warns_and_is_a_blank(tmp_path):
    font = Glyphs(cache=tmp_path)
    with pytest.warns(UserWarning, match=r"Glyph 128512 \('😀'\) missing from font"):
        assert font.width("😀", 10) == 5


def test_known_glyphs_are_read_back_from_the_cache(tmp_path, monkeypatch):
    Glyphs(cache=tmp_path).prepare("规划目标")
    assert len(list(tmp_path.glob("*.json"))) == 1

    def no_font(*args, **kwargs):
        raise AssertionError("the font file was opened")

    monkeypatch.setattr("fontTools.ttLib.TTFont", no_font)
    again = Glyphs(cache=tmp_path)
    again.prepare("目标规划")
    assert again.outline("规").startswith("M")
