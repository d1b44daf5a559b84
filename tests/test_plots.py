"""Charts render Chinese with the bundled font and never fall back to missing glyphs."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sim import plots, targets  # noqa: E402

from .conftest import MODEL  # noqa: E402


@pytest.fixture
def catalogue():
    return targets.catalogue_for(MODEL)


def test_every_target_label_renders_without_missing_glyphs(catalogue):
    series = pd.Series([1.0, 2, 3, 4, 5, 6], index=range(2020, 2026))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context(plots.style()):
            for lang in ("zh", "en"):
                for target in catalogue.itertuples(index=False):
                    fig = plots.figure_for_target(target, {"预测 projected": series}, lang,
                                                  "亿元 万人 家 %")
                    fig.canvas.draw()
                    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    assert plt.get_fignums() == []


def test_the_bundled_font_is_used_and_has_the_plan_characters():
    from matplotlib import ft2font

    style = plots.style()
    font = ft2font.FT2Font(str(plots.FONT_PATH))
    charmap = font.get_charmap()
    for char in "战略性新兴产业现代服务业增加值目标预测达标规划总览" + "≥±（）：%":
        assert ord(char) in charmap, char
    assert style["font.family"] == ["Noto Sans CJK SC"]


def test_target_text_in_both_languages(catalogue):
    row = next(t for t in catalogue.itertuples(index=False) if t.id == "high_tech_enterprises")
    assert plots.target_text(row, "zh") == "目标 2025：≥ 6,500 家"
    assert plots.target_text(row, "en") == "target 2025: ≥ 6,500 count"
    row = next(t for t in catalogue.itertuples(index=False) if t.id == "sei_va_growth")
    assert plots.target_text(row, "zh") == "目标 2025：年均增长 约 8%（±0.5）"


def test_svg_is_deterministic(catalogue, tmp_path):
    series = pd.Series([1.0, 2, 3], index=[2020, 2021, 2022])
    target = next(catalogue.itertuples(index=False))
    with plt.rc_context(plots.style()):
        for name in ("a", "b"):
            plots.save(plots.figure_for_target(target, {"x": series}, "zh", ""), tmp_path, name)
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
