"""The mid-term review: status rules by hand, bad actuals, and the report in a browser."""

import base64
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim import review
from sim.cli import main
from sim.errors import InputError

from .conftest import REPO, SCENARIOS

ACTUALS = REPO / "calibration" / "data" / "actuals.csv"


@pytest.fixture(scope="module")
def built():
    return review.build(ACTUALS, [SCENARIOS / "baseline.yaml", SCENARIOS / "downside.yaml"])


def test_status_and_required_growth_by_hand(built):
    s = built.summary.set_index("id")
    hte = s.loc["high_tech_enterprises"]  # 8683 in 2025 meets 6500; 4396 in 2020
    assert pd.isna(hte["required_growth"])
    assert hte["growth_needed_from_2020"] == pytest.approx(((6500 / 4396) ** (1 / 5) - 1) * 100)
    assert hte["status"] == "met"
    tech = s.loc["tech_contract_turnover_growth"]  # 15% a year from 286.6; 709.58 in 2024
    level = 286.6 * 1.15 ** 5
    assert tech["required_growth"] == pytest.approx((level / 709.58 - 1) * 100)
    assert tech["status"] == "on_track"
    port = s.loc["port_container_throughput"]  # 2100 in 2019, 2567 in 2022, 2580 by 2025
    assert port["required_growth"] == pytest.approx(((2580 / 2567) ** (1 / 3) - 1) * 100)
    assert port["growth_needed_from_2020"] == pytest.approx(((2580 / 2100) ** (1 / 6) - 1) * 100)
    assert port["status"] == "on_track"
    assert s.loc["rd_share_gdp", "status"] == "no_data"
    assert len(s) == 31
    base = built.sims[0].targets.set_index("id")
    assert s.loc["finance_va", "baseline:projected"] == base.loc["finance_va", "projected"]


def test_already_met_when_the_latest_actual_meets_it(tmp_path):
    path = tmp_path / "a.csv"
    shutil.copyfile(ACTUALS, path)
    with open(path, "a", encoding="utf-8") as f:
        f.write("2024,finance_va,1250,100 million yuan,D,,test\n")
    built = review.build(path, [SCENARIOS / "baseline.yaml"])
    assert built.summary.set_index("id").loc["finance_va", "status"] == "met"


def test_bad_actuals_rows_name_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("year,indicator,value,unit,source\n"
                                      "2021,high_tech_enterprises,many,count,x\n",
                                      encoding="utf-8")
    with pytest.raises(InputError) as err:
        review.build("bad.csv", [SCENARIOS / "baseline.yaml"])
    assert [str(p) for p in err.value.problems] == [
        "bad.csv:2: value | not a number ('many') for high_tech_enterprises 2021. Write the "
        "figure in the indicator's unit."]
    (tmp_path / "nosource.csv").write_text("year,indicator,value\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        review.build("nosource.csv", [SCENARIOS / "baseline.yaml"])
    result = CliRunner().invoke(main, ["review", "--actuals", "gone.csv",
                                       str(SCENARIOS / "baseline.yaml"), "--out", "r"])
    assert (result.exit_code, result.output) == (
        1, "Error: gone.csv: data file not found. Check the path.\n")
    assert not (tmp_path / "r").exists()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "review"
    result = CliRunner().invoke(main, ["review", "--actuals", str(ACTUALS),
                                       str(SCENARIOS / "baseline.yaml"),
                                       str(SCENARIOS / "downside.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_files_and_self_containment(report):
    assert {p.name for p in report.iterdir()} == {"index.html", "summary.csv",
                                                  "assumptions.csv", "sources.csv",
                                                  "review.xlsx", "manifest.json"}
    page = (report / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)|url\((https?:|//)""", page)
    assert page.count("data:image/svg+xml;base64,") == 13
    for rule in review.RULES["zh"]:
        assert rule in page
    summary = pd.read_csv(report / "summary.csv", encoding="utf-8-sig")
    assert len(summary) == 31


def _chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(path) if path else None


def test_report_in_headless_chromium(report, tmp_path):
    """Every chart loads, the page's font covers all its text, and it fits a phone."""
    sync_api = pytest.importorskip("playwright.sync_api")
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("no chromium on this machine (.ci/run installs it)")
    from fontTools.ttLib import TTFont

    page_html = (report / "index.html").read_text(encoding="utf-8")
    font_b64 = re.search(r"data:font/otf;base64,([A-Za-z0-9+/=]+)", page_html).group(1)
    font_file = tmp_path / "embedded.otf"
    font_file.write_bytes(base64.b64decode(font_b64))
    cmap = TTFont(str(font_file)).getBestCmap()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(browser_path),
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((report / "index.html").as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate("Array.from(document.images).map(i => "
                               "i.complete && i.naturalWidth > 0)")
        assert len(images) == 13 and all(images)
        assert page.evaluate("Array.from(document.fonts).map(f => f.status)") == ["loaded"]
        text = page.evaluate("document.body.innerText")
        missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
        assert missing == []
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        assert (tmp_path / "review.png").stat().st_size > 10_000
        figure_break = page.evaluate("getComputedStyle(document.querySelector('figure'))"
                                     ".breakInside")
        assert figure_break == "avoid"
        page.pdf(path=str(tmp_path / "review.pdf"), format="A4")
        phone = browser.new_page(viewport={"width": 390, "height": 800})
        phone.goto((report / "index.html").as_uri())
        phone.wait_for_load_state("load")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        widths = phone.evaluate("Array.from(document.images).map(i => "
                                "i.getBoundingClientRect().width)")
        assert max(widths) <= 390
        browser.close()


def test_uncertainty_bands_reach_the_charts(tmp_path, write_scenario):
    from sim import uncertainty

    result = uncertainty.run(SCENARIOS / "baseline.yaml", samples=50, seed=3)
    folder = uncertainty.write(result, tmp_path / "unc", "en")
    built = review.build(ACTUALS, [SCENARIOS / "baseline.yaml"], folder)
    row = next(r for r in built.summary.itertuples(index=False) if r.id == "services_trade")
    band = review.chart_data(built, row, "en")["band"]
    expected = result.percentiles.set_index(["indicator", "year"]).loc[("services_trade", 2025)]
    assert band.loc[2025, "p95"] == pytest.approx(expected["p95"])
    with pytest.raises(InputError, match="no percentiles.csv here"):
        review.build(ACTUALS, [SCENARIOS / "baseline.yaml"], tmp_path)
