"""Every kind of chart comes out byte-identical from two separate processes, the first with
an empty glyph cache; PNGs have the pixel size their dpi asks for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("target", "overview", "fan", "sensitivity", "fit", "prior", "shock", "backtest",
         "review")


def draw(folder: Path, cache: Path) -> None:
    env = {**os.environ, "SIM_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-m", "tests.charts.draw_all", str(folder)], cwd=ROOT,
                   env=env, check=True, timeout=300)


def test_two_processes_write_the_same_bytes_for_every_chart(tmp_path):
    cache = tmp_path / "cache"
    draw(tmp_path / "a", cache)
    assert list((cache / "fonts").glob("*.json"))  # the second run reads glyphs from here
    draw(tmp_path / "b", cache)
    names = sorted(p.relative_to(tmp_path / "a").as_posix()
                   for p in (tmp_path / "a").rglob("*.*"))
    assert names == sorted([f"{k}_{lang}.{fmt}" for k in KINDS for lang in ("zh", "en")
                            for fmt in ("png", "svg")] +
                           ["print/target_zh.png", "print/target_zh.svg"])
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), \
            name
    # 460.8 by 288 points: 6.4 by 4 inches, so 960 by 600 pixels at 150 dpi, 1920 by 1200
    # at 300 dpi
    with Image.open(tmp_path / "a" / "target_zh.png") as png:
        assert png.size == (960, 600)
    with Image.open(tmp_path / "a" / "print" / "target_zh.png") as png:
        assert png.size == (1920, 1200)
        assert png.info["dpi"] == pytest.approx((300, 300), abs=0.01)  # stored per metre
