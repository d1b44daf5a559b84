"""SVG output: valid XML, text as the font's outlines placed by their advances, stable bytes."""

import re
import xml.etree.ElementTree as ET

import pytest
from fontTools.ttLib import TTFont

from sim.charts.canvas import Canvas
from sim.charts.font import FONT_PATH, Glyphs
from sim.charts.svg import to_svg

NS = {"s": "http://www.w3.org/2000/svg"}
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture
def font(tmp_path):
    return Glyphs(cache=tmp_path)


def drawing() -> Canvas:
    canvas = Canvas(200, 100, title="物流业增加值 <test>")
    canvas.line([(10, 90), (100, 50), (190, 10)], "#0969da", 1.5)
    canvas.line([(10, 50), (190, 50)], "#57606a", 0.8, (1, 2))
    canvas.polygon([(10, 10), (20, 10), (20, 20)], "#57606a", 0.14)
    canvas.marker(100, 50, "o", 5, "#0969da")
    canvas.text(190, 95, "年份 2025", 10, "#24292f", "end")
    return canvas


def test_shapes_become_svg_elements(font):
    root = ET.fromstring(to_svg(drawing(), font))
    assert root.get("viewBox") == "0 0 200 100"
    assert root.get("width") == "200pt"
    assert root.find("s:title", NS).text == "物流业增加值 <test>"
    lines = root.findall("s:polyline", NS)
    assert lines[0].get("points") == "10,90 100,50 190,10"
    assert lines[1].get("stroke-dasharray") == "1 2"
    assert root.find("s:polygon", NS).get("fill-opacity") == "0.14"
    assert root.find("s:circle", NS).get("r") == "2.5"


def test_text_is_glyph_outlines_ending_at_its_anchor(font):
    root = ET.fromstring(to_svg(drawing(), font))
    defs = {p.get("id"): p.get("d") for p in root.find("s:defs", NS)}
    group = root.find("s:g", NS)
    uses = group.findall("s:use", NS)
    assert [u.get(XLINK) for u in uses] == ["#g5e74", "#g4efd", "#g32", "#g30", "#g32",
                                            "#g35"]
    assert set(defs) == {"g5e74", "g4efd", "g32", "g30", "g35"}
    with TTFont(str(FONT_PATH)) as f:
        cmap, metrics, upem = f.getBestCmap(), f["hmtx"].metrics, f["head"].unitsPerEm
    advances = [metrics[cmap[ord(c)]][0] for c in "年份 2025"]
    width = sum(advances) / upem * 10
    x, y = map(float, re.search(r"translate\(([-\d.]+) ([-\d.]+)\)",
                                group.get("transform")).groups())
    assert x == pytest.approx(190 - width, abs=0.01)
    assert y == 95
    # the space draws nothing but moves the pen: "2" starts after 年, 份 and the space
    assert float(uses[2].get("x")) == pytest.approx(sum(advances[:3]))


def test_a_drawing_without_text_is_exactly_this_document(font):
    """Numbers with at most two decimals and no trailing zeros; -0 as 0; the title escaped."""
    canvas = Canvas(20, 10, title="a < b")
    canvas.line([(1 / 3, 2.5), (20, -0.001)], "#000000", 1.25, (4, 2))
    canvas.marker(10, 5, "o", 4, "#ff0000")
    assert to_svg(canvas, font) == (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'version="1.1" width="20pt" height="10pt" viewBox="0 0 20 10"><title>a &lt; b</title>\n'
        "<defs></defs>\n"
        '<rect width="20" height="10" fill="#ffffff"/>\n'
        '<polyline points="0.33,2.5 20,0" fill="none" stroke="#000000" stroke-width="1.25" '
        'stroke-linejoin="round" stroke-dasharray="4 2"/>\n'
        '<circle cx="10" cy="5" r="2" fill="#ff0000"/>\n'
        "</svg>\n")
