"""The mid-term review: status rules by hand, bad actuals, and the report in a browser."""

import base64
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sim import messages, review
from sim.cli import main
from sim.errors import InputError
from sim.yamlfile import display_path

from .conftest import REPO, SCENARIOS

ACTUALS = REPO / "calibration" / "data" / "actuals.csv"


HEADER = "year,indicator,value,unit,grade,basis,source\n"
CASES = """2020,tech_contract_turnover,286.6,100 million yuan,A,census2018,plan
2021,tech_contract_turnover,320.1,100 million yuan,B,census2018,x
2024,tech_contract_turnover,709.6,100 million yuan,B,,x
2021,tourism_revenue_growth,12,%/year,B,,x
2021,sei_va_growth,8,%/year,B,,x
2022,sei_va_growth,8,%/year,B,,x
2023,sei_va_growth,8,%/year,B,,x
2023,finance_va,1100,100 million yuan,B,,x
2022,logistics_va,1300,100 million yuan,B,,x
2023,logistics_va,1350,100 million yuan,B,,x
2020,producer_services_share_of_services,53.7,%,A,census2018,plan
2022,producer_services_share_of_services,53.9,%,B,census2018,x
2023,digital_core_share_gdp,9.2,%,B,,x
2018,culture_industry_share_gdp,4.9,%,B,pre2018,x
2020,rd_share_gdp,2.43,%,D,census2018,x
2022,rd_share_gdp,2.5,%,B,census2018,x
2023,rd_share_gdp,2.6,%,B,census2023,x
2020,gdp_nominal,12400.56,100 million yuan,A,census2018,x
2023,gdp_nominal,15760.34,100 million yuan,A,,x
2020,services_share_gdp,61.4,%,A,census2018,x
2023,services_share_gdp,63.2,%,A,,x
"""


def _actuals(tmp_path, text=CASES):
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    path = _actuals(tmp_path_factory.mktemp("cases"))
    return path, review.build(path, [SCENARIOS / "baseline.yaml"], as_of=2023)


@pytest.fixture(scope="module")
def built():
    return review.build(ACTUALS, [SCENARIOS / "baseline.yaml", SCENARIOS / "downside.yaml"],
                        as_of=2022)


def test_status_and_required_growth_by_hand(built):
    s = built.summary.set_index("id")
    hte = s.loc["high_tech_enterprises"]  # 5554 in 2021, 6500 by 2025 from 4396 in 2020
    assert hte["required_growth"] == pytest.approx(((6500 / 5554) ** (1 / 4) - 1) * 100)
    assert hte["growth_needed_from_start"] == \
        pytest.approx(((6500 / 4396) ** (1 / 5) - 1) * 100)
    assert hte["status"] == "on_track"  # 4396 x (6500/4396)^(1/5) = 4765 < 5554
    tech = s.loc["tech_contract_turnover_growth"]  # 15% a year from 286.6; 320.1 in 2021
    level = 286.6 * 1.15 ** 5
    assert tech["required_growth"] == pytest.approx(((level / 320.1) ** (1 / 4) - 1) * 100)
    assert tech["status"] == "behind"  # 286.6 x 1.15 = 329.59 > 320.1
    port = s.loc["port_container_throughput"]  # 2100 in 2019, 2567 in 2022, 2580 by 2025
    assert port["required_growth"] == pytest.approx(((2580 / 2567) ** (1 / 3) - 1) * 100)
    assert port["start_year"] == 2019  # no 2020 value: the earliest actual
    assert port["growth_needed_from_start"] == \
        pytest.approx(((2580 / 2100) ** (1 / 6) - 1) * 100)
    assert port["status"] == "on_track"
    assert s.loc["rd_share_gdp", "status"] == "no_data"
    assert len(s) == 31
    # each scenario's projection: no services trade actual after 2020, so 848.9 grows at the
    # scenario's 5% a year, less 5% in the downside's 2022
    assert s.loc["services_trade", "baseline:projected"] == pytest.approx(848.9 * 1.05 ** 5)
    assert s.loc["services_trade", "downside:projected"] == \
        pytest.approx(848.9 * 1.05 ** 4 * 0.95)


def _target(**kw):
    from types import SimpleNamespace

    base = dict(id="t", measure="level", unit="count", target=100.0, comparator="at_least",
                tolerance=float("nan"), strict=False, year=2025, base_year=2020)
    return SimpleNamespace(**{**base, **kw})


HAND_CASES = {  # status: (target, observed series, as-of year), each worked out by hand
    "met": (_target(), {2020: 80.0, 2022: 101.0}, 2022),
    "exceeded": (_target(comparator="approx", tolerance=5.0), {2022: 106.0}, 2022),
    "above": (_target(comparator="approx", tolerance=5.0, strict=True), {2022: 106.0}, 2022),
    # path 80 -> 100 over five years passes 80 x 1.25^(2/5) = 87.47 in 2022
    "on_track": (_target(), {2020: 80.0, 2022: 88.0}, 2022),
    "behind": (_target(), {2020: 80.0, 2022: 87.0}, 2022),
    "one_year": (_target(), {2022: 90.0}, 2022),
    "no_data": (_target(), {2020: 80.0}, 2022),
    "done": (_target(), {2020: 80.0, 2025: 100.0}, 2025),
    "not_done": (_target(), {2020: 80.0, 2025: 99.0}, 2025),
    "no_final": (_target(), {2020: 80.0, 2024: 99.0}, 2025),
}


@pytest.mark.parametrize("status", sorted(HAND_CASES))
def test_every_rule_in_the_report_is_the_rule_the_code_applies(status):
    target, values, as_of = HAND_CASES[status]
    assert review.judge(target, pd.Series(values), as_of)["status"] == status
    shown = review.MIDTERM if as_of < 2025 else review.FINAL
    assert status in shown  # the report prints this status's rule with that review
    zh, en = review.status_word(status, "zh"), review.status_word(status, "en")
    assert messages.text(f"review_rule_{status}", "zh").startswith(zh + "：")
    assert messages.text(f"review_rule_{status}", "en").startswith(en[0].upper() + en[1:] + ":")
    assert set(HAND_CASES) == set(review.MIDTERM) | set(review.FINAL)


def test_growth_targets_are_met_at_the_level_they_imply(cases):
    path, _ = cases
    s = review.build(path, [SCENARIOS / "baseline.yaml"], as_of=2024).summary.set_index("id")
    # 709.6 in 2024 against 286.6 x 1.15^5 = 576.455: met, nothing more required
    assert s.loc["tech_contract_turnover_growth", "status"] == "met"
    assert s.loc["tech_contract_turnover_growth", "achieved"] == \
        pytest.approx(((709.6 / 286.6) ** (1 / 4) - 1) * 100)
    s = cases[1].summary.set_index("id")  # as of 2023 the 2024 row does not count
    assert s.loc["tech_contract_turnover_growth", "latest_actual"] == 320.1


def test_one_year_of_a_tracked_average_rate_is_not_the_average(cases):
    tour = cases[1].summary.set_index("id").loc["tourism_revenue_growth"]
    # +12% in 2021: index 1.12 above the 10% path's 1.10, but 1.1^5 = 1.61051 is far away
    assert tour["status"] == "on_track"
    assert tour["required_growth"] == pytest.approx(((1.61051 / 1.12) ** 0.25 - 1) * 100)
    assert tour["required_growth"] == pytest.approx(9.505, abs=1e-3)


def test_sei_growth_rows_give_the_headline_target_a_status(cases):
    sei = cases[1].summary.set_index("id").loc["sei_va_growth"]
    # three years of 8%: index 1.08^3, exactly on the 8% path; 8% still required
    assert sei["status"] == "on_track"
    assert sei["achieved"] == pytest.approx(8.0)
    assert sei["required_growth"] == pytest.approx(8.0)
    head = cases[1].headline.set_index("id")
    assert list(head.index[:2]) == ["sei_va_growth", "gdp_nominal"]
    assert head.loc["sei_va_growth", "status"] == "on_track"
    assert head.loc["gdp_nominal", "growth_since_2020"] == \
        pytest.approx(((15760.34 / 12400.56) ** (1 / 3) - 1) * 100)
    # a share moves in points: (63.2 - 61.4) / 3 = 0.6 a year
    assert head.loc["services_share_gdp", "growth_since_2020"] == pytest.approx(0.6)


def test_sei_growth_from_level_rows(tmp_path):
    # constant-price levels 1000 (2020) and 1000 x 1.07^2 = 1144.9 (2022): 7% a year so far,
    # below the 8% path (1166.4); 1000 x 1.08^5 = 1469.33 still needs (1469.33/1144.9)^(1/3)
    path = _actuals(tmp_path, "2020,sei_va_real,1000,100 million yuan (2020 prices),B,,x\n"
                              "2022,sei_va_real,1144.9,100 million yuan (2020 prices),B,,x\n")
    sei = review.build(path, [SCENARIOS / "baseline.yaml"]).summary.set_index("id").loc[
        "sei_va_growth"]
    assert (sei["observed_as"], sei["status"]) == ("level", "behind")
    assert sei["achieved"] == pytest.approx(7.0)
    assert sei["required_growth"] == pytest.approx(((1000 * 1.08 ** 5 / 1144.9) ** (1 / 3) - 1)
                                                   * 100)


def test_pace_without_a_2020_value_and_shares_in_points(cases):
    s = cases[1].summary.set_index("id")
    fin = s.loc["finance_va"]  # one value, 1100 in 2023, no 2020 value
    assert fin["status"] == "one_year"
    assert fin["required_growth"] == pytest.approx(((1200 / 1100) ** 0.5 - 1) * 100)
    log = s.loc["logistics_va"]  # from 1300 (2022) the path to 1600 passes 1393.2 in 2023
    assert log["start_year"] == 2022 and log["status"] == "behind"
    assert log["required_growth"] == pytest.approx(((1600 / 1350) ** (1 / 2) - 1) * 100)
    share = s.loc["producer_services_share_of_services"]
    # 53.7 -> 55 is 0.26 points a year; 53.9 in 2022 is below 53.7 + 0.52 = 54.22 (and
    # below the band's 54, so not met yet)
    assert share["points"] and share["status"] == "behind"
    assert share["growth_needed_from_start"] == pytest.approx(0.26)
    assert share["required_growth"] == pytest.approx(1.1 / 3)


def test_above_an_about_band_is_exceeded_unless_read_strictly(cases, write_scenario):
    path, built_ = cases
    assert built_.summary.set_index("id").loc["digital_core_share_gdp", "status"] == "exceeded"
    strict = write_scenario("strict.yaml", name="strict", extends=str(SCENARIOS /
                                                                        "baseline.yaml"),
                            targets={"digital_core_share_gdp": {"strict": True}})
    s = review.build(path, [strict], as_of=2023).summary.set_index("id")
    assert s.loc["digital_core_share_gdp", "status"] == "above"  # 9.2 > 8.5 + 0.5


def test_only_actuals_on_the_plans_basis_count(cases):
    s = cases[1].summary.set_index("id")
    assert s.loc["culture_industry_share_gdp", "status"] == "no_data"  # 2018 is pre2018
    rd = s.loc["rd_share_gdp"]  # 2023 is on the 2023 census: judged from 2022
    assert rd["latest_year"] == 2022
    assert rd["required_growth"] == pytest.approx((2.9 - 2.5) / 3)
    assert rd["status"] == "behind"  # 2.43 + 0.47 x 2/5 = 2.618 > 2.5
    rows = {r.id: r for r in cases[1].summary.itertuples(index=False)}
    chart = review.chart_data(cases[1], rows["rd_share_gdp"], "zh")
    assert chart["required"].index[0] == 2022 and chart["required"].iloc[0] == 2.5
    assert chart["required"].iloc[-1] == pytest.approx(2.9)
    assert list(chart["actual"].index) == [2020, 2022]  # the census-2023 value is not drawn
    culture = review.chart_data(cases[1], rows["culture_industry_share_gdp"], "zh")
    assert culture["required"] is None and culture["actual"].empty


def test_final_evaluation_with_target_year_data(tmp_path):
    path = _actuals(tmp_path, CASES + """2024,sei_va_growth,8,%/year,B,,x
2025,sei_va_growth,7,%/year,B,,x
2020,high_tech_enterprises,4396,count,A,,x
2025,high_tech_enterprises,6600,count,A,,x
2025,tech_smes,7500,count,A,,x
""")
    final = review.build(path, [SCENARIOS / "baseline.yaml"])
    assert final.final and final.as_of == 2025
    s = final.summary.set_index("id")
    sei = (1.08 ** 4 * 1.07) ** 0.2 * 100 - 100  # 7.80%: inside 8 ± 0.5
    assert s.loc["sei_va_growth", "achieved"] == pytest.approx(sei)
    assert s.loc["sei_va_growth", "status"] == "done"
    assert s.loc["sei_va_growth", "gap"] == pytest.approx(sei - 8)
    assert s.loc["high_tech_enterprises", "status"] == "done"
    assert (s.loc["tech_smes", "status"], s.loc["tech_smes", "gap"]) == ("not_done", -500)
    assert (s.loc["finance_va", "status"], s.loc["finance_va", "interim"]) == ("no_final",
                                                                                "one_year")
    # no 2025 value, but 709.6 in 2024 already passes 576.455
    tech = s.loc["tech_contract_turnover_growth"]
    assert (tech["status"], tech["interim"], tech["latest_year"]) == ("no_final", "met", 2024)
    midterm = review.build(path, [SCENARIOS / "baseline.yaml"], as_of=2022)
    assert not midterm.final and midterm.as_of == 2022


def test_two_scenarios_with_one_name_are_refused(tmp_path):
    base = SCENARIOS / "baseline.yaml"
    with pytest.raises(InputError) as err:
        review.build(ACTUALS, [base, base], as_of=2022)
    assert [str(p) for p in err.value.problems] == [
        f"{display_path(base)}: name | two scenarios share this name. Give each a distinct "
        "name:."] * 2


@pytest.mark.parametrize("year", ["2020", "2026"])
def test_as_of_outside_the_plan_is_refused(tmp_path, monkeypatch, year):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["review", "--actuals", str(ACTUALS), "--as-of", year,
                                       str(SCENARIOS / "baseline.yaml"), "--out", "r"])
    assert (result.exit_code, result.output) == (
        1, f"Error: --as-of: {year} | outside the plan. Give a year from 2021 to 2025 (2025 for "
           "the final evaluation).\n")
    assert not (tmp_path / "r").exists()


def test_already_met_when_the_latest_actual_meets_it(tmp_path):
    path = tmp_path / "a.csv"
    shutil.copyfile(ACTUALS, path)
    with open(path, "a", encoding="utf-8") as f:
        f.write("2022,high_tech_enterprises,6600,count,B,,test\n")
    built = review.build(path, [SCENARIOS / "baseline.yaml"], as_of=2022)
    assert built.summary.set_index("id").loc["high_tech_enterprises", "status"] == "met"


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
        1, "Error: gone.csv: actuals file not found. Give the path of a CSV file.\n")
    assert not (tmp_path / "r").exists()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review")
    actuals = folder / "actuals.csv"  # the shipped actuals and a share's second year
    actuals.write_text(ACTUALS.read_text(encoding="utf-8") +
                       "2022,producer_services_share_of_services,53.9,%,B,census2018,test\n",
                       encoding="utf-8")
    out = folder / "review"
    result = CliRunner().invoke(main, ["review", "--actuals", str(actuals), "--as-of", "2022",
                                       str(SCENARIOS / "baseline.yaml"),
                                       str(SCENARIOS / "downside.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_files_and_self_containment(report):
    assert {p.name for p in report.iterdir()} == {"index.html", "review.docx", "summary.csv",
                                                  "headline.csv", "assumptions.csv",
                                                  "sources.csv", "review.xlsx",
                                                  "manifest.json"}
    page = (report / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)|url\((https?:|//)""", page)
    assert page.count("data:image/svg+xml;base64,") == 13
    for code in review.MIDTERM:  # every status this review can give, with its rule
        assert messages.text(f"review_rule_{code}", "zh") in page
        assert messages.text(f"review_rule_{code}", "zh").startswith(
            review.status_word(code, "zh") + "：")
    assert messages.text("review_rule_done", "zh") not in page
    assert "统计口径：规划目标以第四次全国经济普查（2018年）口径为准" in page  # the model's own rule
    assert "中期评估" in page and "数据截至2022年" in page
    summary = pd.read_csv(report / "summary.csv", encoding="utf-8-sig", dtype=str,
                          keep_default_na=False)
    assert len(summary) == 31
    assert summary.columns[0] == "id"
    row = summary.set_index("id").loc["high_tech_enterprises"]
    assert (row["baseline_2020"], row["latest_actual"], row["target"]) == ("4396", "5554",
                                                                            "6500")
    assert row["required_growth"] == f"{((6500 / 5554) ** 0.25 - 1) * 100:.2f}"
    assert (row["latest_year"], row["target_year"], row["start_year"]) == ("2021", "2025",
                                                                         "2020")
    sources = (report / "sources.csv").read_text(encoding="utf-8-sig")
    assert "12400.56," in sources and "12400.56000" not in sources
    manifest = (report / "manifest.json").read_text(encoding="utf-8")
    assert str(REPO) not in manifest


def test_xlsx_has_no_index_column_and_number_formats(report):
    from openpyxl import load_workbook

    book = load_workbook(report / "review.xlsx")
    sheet = book["summary"]
    head = [c.value for c in sheet[1]]
    assert head[0] == "id"
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "high_tech_enterprises")
    cell = row[head.index("baseline_2020")]
    assert (cell.value, cell.number_format) == (4396, "#,##0")
    cell = row[head.index("required_growth")]
    assert cell.number_format == "#,##0.00"
    assert cell.value == round(((6500 / 5554) ** 0.25 - 1) * 100, 2)
    assert [c.value for c in book["sources"][1]][0] == "indicator"


def test_word_document_has_the_tables_and_charts(report):
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(report / "review.docx"))
    assert len(doc.inline_shapes) == 13  # one chart per modelled target
    first = doc.tables[0]
    assert first.rows[0].cells[0].text == "指标"
    assert first.rows[1].cells[0].text == "战略性新兴产业增加值年均增速"
    targets = doc.tables[1]
    names = [r.cells[0].text for r in targets.rows[1:]]
    hte = targets.rows[1 + names.index("高新技术企业")].cells
    assert hte[2].text == "4,396 家" and hte[3].text == "5,554 家 (2021)"
    assert hte[-1].text == "进度符合预期"
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    heading = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading.get(qn("w:eastAsia")) == "黑体"
    assert heading.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over 黑体
    png = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    blob = doc.part.related_parts[png].blob
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(blob)).info["dpi"][0] == pytest.approx(300, abs=1)


def test_terminal_prints_the_headline_table(tmp_path):
    result = CliRunner().invoke(main, ["review", "--actuals", str(_actuals(tmp_path)),
                                       "--as-of", "2023", str(SCENARIOS / "baseline.yaml"),
                                       "--out", str(tmp_path / "r"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["indicator", "latest", "actual", "(year)", "still", "required",
                                "per", "year", "status"]
    sei = lines[2]
    assert sei.startswith("strategic emerging industries value added average annual growth")
    assert "8.00% (2023)" in sei and "8.00%/year" in sei and sei.endswith("on track")
    result = CliRunner().invoke(main, ["review", "--actuals", str(_actuals(tmp_path)),
                                       "--as-of", "2023", str(SCENARIOS / "baseline.yaml"),
                                       "--out", str(tmp_path / "r")])
    lines = result.output.splitlines()
    assert lines[0].split() == ["指标", "最新实际值（年份）", "尚需年均增长", "状态"]
    assert lines[2].split() == ["战略性新兴产业增加值年均增速", "年均", "8.00%", "(2023)",
                                "8.00%/年", "进度符合预期"]


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
        tables = page.evaluate("Array.from(document.querySelectorAll('table')).map(t => "
                               "Array.from(t.querySelectorAll('td')).map(c => c.innerText))")
        cells = [c for table in tables[:-1] for c in table]  # all but the sources' quotes
        english = re.compile(r"yuan|count|TEU|/year|Year|Dmnl|enterprises|firms|\bpp\b")
        assert [c for c in cells if english.search(c)] == []
        assert "1/年" in cells  # a parameter's unit in the assumptions
        chinese = [c for c in cells if re.search(r"\d\s*(亿元|家|万标准箱|个|件|场次|%)", c)]
        assert any("亿元" in c for c in chinese) and any("家" in c for c in chinese)
        assert "0.37个百分点/年" in cells  # 55 - 53.9 = 1.1 points over 3 years
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

    result = uncertainty.run(SCENARIOS / "baseline.yaml", samples=50, seed=3, actuals=ACTUALS,
                             as_of=2022)
    folder = uncertainty.write(result, tmp_path / "unc", "en")
    built = review.build(ACTUALS, [SCENARIOS / "baseline.yaml"], folder, as_of=2022)
    row = next(r for r in built.summary.itertuples(index=False) if r.id == "services_trade")
    band = review.chart_data(built, row, "en")["band"]
    # no services trade actual after 2020: each member grows 848.9 at its own drawn rate
    growth = pd.read_csv(folder / "samples.csv", encoding="utf-8-sig")["services trade growth"]
    assert len(growth) == 50
    for year in (2021, 2025):
        trade = 848.9 * (1 + growth.to_numpy()) ** (year - 2020)
        assert [band.loc[year, "p5"], band.loc[year, "p95"]] == pytest.approx(
            np.percentile(trade, [5, 95]), rel=1e-9), year
    assert built.band_scenario == "baseline"
    with pytest.raises(InputError, match="no percentiles.csv here"):
        review.build(ACTUALS, [SCENARIOS / "baseline.yaml"], tmp_path)
    with pytest.raises(InputError) as err:  # drawn from the baseline, shown on the downside
        review.build(ACTUALS, [SCENARIOS / "downside.yaml"], folder, as_of=2022)
    data = display_path(ACTUALS)
    assert str(err.value.problems[0]) == (
        f"uncertainty: {display_path(folder)} | drawn from 'baseline' with other inputs than "
        f"every scenario of this review (downside, on {data} to 2022). Rerun 'sim uncertainty' on one of them "
        f"with --actuals {data} --as-of 2022.")
    with pytest.raises(InputError) as err:  # the baseline, but with data to another year
        review.build(ACTUALS, [SCENARIOS / "baseline.yaml"], folder, as_of=2023)
    assert f"(baseline, on {data} to 2023)" in str(err.value.problems[0])
