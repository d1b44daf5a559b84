"""The tuning page's API through an in-process client: runs equal `sim run`, bad values get
one-line messages, sessions are apart, saved files reproduce the page, uncertainty follows
the sliders."""

import shutil

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from scipy import stats

from sim.cli import main
from sim.tune import spread
from sim.tune.app import create_app
from sim.tune.session import Tuner

from .. import reference
from ..conftest import LOOPS_OFF, MODEL, REPO
from .conftest import cli_targets

testclient = pytest.importorskip("starlette.testclient")
ACTUALS = REPO / "calibration" / "data" / "actuals.csv"


def client_for(path, **kw):
    return testclient.TestClient(create_app(Tuner(path, **kw)), base_url="http://127.0.0.1")


def start(client):
    info = client.post("/api/session").json()
    return info, {"X-Session": info["session"]}


def assert_same_targets(page: dict, cli: pd.DataFrame):
    assert page["targets"], "no modelled target"
    for t in page["targets"]:
        assert t["projected"] == pytest.approx(cli.loc[t["id"], "projected"], rel=1e-8, abs=1e-6)
        assert t["status"] == cli.loc[t["id"], "status"]
    assert {t["id"] for t in page["tracked"]} == set(cli.index[cli["status"] == "tracked"])


def test_a_moved_slider_gives_what_sim_run_set_gives(opened, tmp_path):
    client = client_for(opened)
    info, session = start(client)
    sei = next(p for p in info["parameters"] if p["name"] == "sei real growth")
    assert (sei["zh"], sei["unit"], sei["value"], sei["min"], sei["max"], sei["sector"]) == \
        ("战略性新兴产业增加值实际年均增速", {"zh": "1/年", "en": "1/Year"}, 0.08, -0.2, 0.3,
         "industry")
    assert {p["name"] for p in info["loops"]} == set(LOOPS_OFF)
    body = {"constants": {"sei real growth": 0.1, "innovation loop strength": 0}}
    page = client.post("/api/run", json=body, headers=session).json()
    cli = cli_targets(tmp_path, opened, "--set", "sei real growth=0.1",
                      "--set", "innovation loop strength=0")
    assert_same_targets(page, cli)
    units = {t["id"]: t["unit"] for t in page["targets"] + page["tracked"]}
    assert units["high_value_patents_per_10k"] == {"zh": "件", "en": "count"}
    assert units["port_container_throughput"] == {"zh": "万标准箱", "en": "10 thousand TEU"}
    assert units["logistics_va"] == {"zh": "亿元", "en": "100m yuan"}
    projected = {t["id"]: t["projected"] for t in page["targets"]}
    assert projected["sei_va_growth"] == pytest.approx(10.0, abs=1e-9)  # exact, loop off
    sei_chart = next(c for c in page["charts"] if c["id"] == "sei_va_growth")
    # the path a CAGR target of 8% needs, from the 2020 level of 1016
    assert sei_chart["required"][-1] == [2025, pytest.approx(1016 * 1.08 ** 5)]


def test_series_by_year_match_a_scenario_file_with_them(opened, tmp_path):
    client = client_for(opened)
    _, session = start(client)
    body = {"series": {"services real shock": {"2022": -0.03, "2023": 0.01}}}
    page = client.post("/api/run", json=body, headers=session).json()
    file = opened.with_name("shocked.yaml")
    file.write_text("extends: baseline.yaml\nseries:\n  services real shock: "
                    "{2022: -0.03, 2023: 0.01}\n", encoding="utf-8")
    assert_same_targets(page, cli_targets(tmp_path, file))
    # the shock moves every producer-services sector: PySD with the same yearly values
    shock = reference.by_year("services real shock", {2022: -0.03, 2023: 0.01})
    expected = reference.run({"services real shock": shock}).loc[2025.0]
    projected = {t["id"]: t["projected"] for t in page["targets"]}
    assert projected["finance_va"] == pytest.approx(expected["finance va"], rel=1e-9)
    assert projected["logistics_va"] == pytest.approx(expected["logistics va"], rel=1e-9)


def test_bad_values_get_one_line_each_and_no_traceback(opened):
    client = client_for(opened)
    _, session = start(client)
    body = {"constants": {"sei real growth": "8%", "sei real growh": 0.1,
                          "hte exit rate": 1.5},
            "series": {"sei real shock": {"2019": 0.1}}, "time": {}}
    response = client.post("/api/run", json=body, headers=session)
    assert response.status_code == 422
    assert response.json() == {"problems": ["page: time | unknown key. Allowed: constants, "
                                            "series."]}
    del body["time"]
    problems = client.post("/api/run", json=body, headers=session).json()["problems"]
    assert problems == [
        "page: constants.sei real growth | must be a number; got '8%'. Write a fraction "
        "(e.g. 0.08), not '8%'.",
        "page: constants.sei real growh | unknown parameter. Did you mean 'sei real growth'? "
        "Run 'sim params' for the list.",
        "page: constants.hte exit rate | 1.5 is outside the model's range [0, 1] for "
        "'hte exit rate' (1/Year). Choose a value inside it.",
        "page: series.sei real shock.2019 | year outside the run (2020, 2025]: a value for "
        "year Y sets the rate from Y-1 to Y.",
    ]
    assert client.post("/api/run", content=b"{nope", headers=session).json() == \
        {"problems": ["page: the request is not JSON."]}
    assert client.post("/api/run", json={}, headers={"X-Session": "x"}).json() == \
        {"problems": ["page: session | unknown or expired session. Reload the page."]}


def test_sessions_keep_their_own_values_and_pins(opened):
    client = client_for(opened)
    _, a = start(client)
    _, b = start(client)
    assert client.post("/api/pin", headers=a).json() == \
        {"problems": ["page: pin | nothing to pin yet. Run the scenario first."]}
    fast = client.post("/api/run", json={"constants": {"hte formation rate": 0.3}},
                       headers=a).json()
    base = client.post("/api/run", json={}, headers=b).json()
    hte = {r["id"]: r["projected"] for r in fast["targets"]}["high_tech_enterprises"]
    assert hte > {r["id"]: r["projected"] for r in base["targets"]}["high_tech_enterprises"]
    assert client.post("/api/pin", headers=a).json() == fast
    assert client.post("/api/pin", headers=b).json() == base


def test_saved_scenario_extends_the_opened_one_and_runs_the_same(opened, tmp_path):
    client = client_for(opened)
    _, session = start(client)
    body = {"constants": {"sei real growth": 0.095, "services price growth": 0.025},
            "series": {"finance real shock": {"2023": 0.02}}}
    page = client.post("/api/run", json=body, headers=session).json()
    saved = client.post("/api/save", json={"name": "faster_sei"}, headers=session).json()
    path = opened.with_name("faster_sei.yaml")
    assert saved["name"] == "faster_sei" and path.is_file()
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    # only what changed: services price growth is the baseline's own value
    assert doc["extends"] == "baseline.yaml" and doc["name"] == "faster_sei"
    assert doc["constants"] == {"sei real growth": 0.095}
    assert doc["series"] == {"finance real shock": {2023: 0.02}}
    assert "uncertainty" not in doc and "model" not in doc
    assert_same_targets(page, cli_targets(tmp_path, path))
    again = client.post("/api/save", json={"name": "faster_sei"}, headers=session)
    assert again.json() == {"problems": [f"page: name | {saved['path']} already exists. "
                                         "Choose another name."]}
    for bad in ("../escape", "sub/dir", ".hidden", "", None, "a" * 101, "..", "CON"):
        response = client.post("/api/save", json={"name": bad}, headers=session)
        assert response.status_code == 422
        assert response.json()["problems"][0].startswith("page: name | ")
    assert sorted(p.name for p in opened.parent.iterdir()) == ["baseline.yaml",
                                                                "faster_sei.yaml"]
    assert not (tmp_path / "escape.yaml").exists()


def test_anchored_page_equals_sim_run_with_actuals(opened, tmp_path):
    client = client_for(opened, actuals=ACTUALS, as_of=2022)
    info, session = start(client)
    assert info["scenario"]["actuals"] == "actuals.csv" and info["scenario"]["as_of"] == 2022
    page = client.post("/api/run", json={"constants": {"sei real growth": 0.1}},
                       headers=session).json()
    assert page["as_of"] == 2022
    cli = cli_targets(tmp_path, opened, "--actuals", ACTUALS, "--as-of", "2022",
                      "--set", "sei real growth=0.1")
    assert_same_targets(page, cli)
    hte = next(c for c in page["charts"] if c["id"] == "high_tech_enterprises")
    assert [2021, 5554.0] in hte["actuals"]  # calibration/data/actuals.csv
    # anchored: the path goes through the actuals up to the as-of year (none for 2022)
    assert hte["years"][:2] == [2020, 2021]
    assert hte["values"][:2] == pytest.approx([4396.0, 5554.0], rel=1e-9)
    client.post("/api/save", json={"name": "anchored"}, headers=session)
    doc = yaml.safe_load(opened.with_name("anchored.yaml").read_text(encoding="utf-8"))
    assert doc["as_of"] == 2022 and doc["actuals"].endswith("calibration/data/actuals.csv")
    assert_same_targets(page, cli_targets(tmp_path, opened.with_name("anchored.yaml")))


@pytest.fixture
def hte_scenario(write_scenario):
    """HTE 2025 = 4396 (1 + f - 0.08)^5 with the formation rate f uniform on [0.10, 0.26]."""
    return write_scenario(model=str(MODEL), constants={**LOOPS_OFF, "hte formation rate": 0.18},
                          uncertainty={"samples": 4000, "seed": 5, "parameters": {
                              "hte formation rate": {"distribution": "uniform", "lower": 0.10,
                                                     "upper": 0.26}}})


def test_uncertainty_follows_the_slider(hte_scenario):
    client = client_for(hte_scenario)
    _, session = start(client)
    needed = 0.08 + (6500 / 4396) ** (1 / 5) - 1
    client.post("/api/run", json={}, headers=session)
    out = client.post("/api/uncertainty", json={}, headers=session).json()
    assert out["samples"] == 4000
    assert out["probabilities"]["high_tech_enterprises"] == \
        pytest.approx((0.26 - needed) / 0.16, abs=1e-3)
    client.post("/api/run", json={"constants": {"hte formation rate": 0.2}}, headers=session)
    out = client.post("/api/uncertainty", json={"samples": 2000}, headers=session).json()
    # the uniform moved with the slider to [0.12, 0.28]
    assert out["probabilities"]["high_tech_enterprises"] == \
        pytest.approx((0.28 - needed) / 0.16, abs=1e-3)
    band = out["bands"]["high_tech_enterprises"]
    assert band["years"][-1] == 2025
    assert band["low"][-1] == pytest.approx(4396 * (1 + 0.12 + 0.008 - 0.08) ** 5, rel=2e-3)
    assert band["high"][-1] == pytest.approx(4396 * (1 + 0.28 - 0.008 - 0.08) ** 5, rel=2e-3)
    assert client.post("/api/uncertainty", json={"samples": 5},
                       headers=session).json() == \
        {"problems": ["page: samples | must be a whole number from 10 to 20000."]}


def test_unchanged_values_give_the_scenarios_own_probabilities(opened, tmp_path):
    client = client_for(opened)
    _, session = start(client)
    client.post("/api/run", json={}, headers=session)
    page = client.post("/api/uncertainty", json={"samples": 2000}, headers=session).json()
    out = tmp_path / "unc"
    result = CliRunner().invoke(main, ["uncertainty", str(opened), "--samples", "2000",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    cli = pd.read_csv(out / "probabilities.csv", encoding="utf-8-sig").set_index("id")
    assert page["probabilities"] == pytest.approx(cli["p_met"].to_dict(), abs=1e-12)
    # services trade (848.9 in 2020, ≥ 1100 by 2025) depends on its growth alone, drawn from
    # N(0.05, 0.02) cut to [-0.02, 0.12]; a Latin hypercube of 2000 puts one draw in each
    # 1/2000 of that distribution, so its share above the rate needed is exact to 1/2000
    needed = (1100 / 848.9) ** (1 / 5) - 1
    growth = stats.truncnorm((-0.02 - 0.05) / 0.02, (0.12 - 0.05) / 0.02, loc=0.05,
                             scale=0.02)
    assert page["probabilities"]["services_trade"] == pytest.approx(growth.sf(needed),
                                                                    abs=1e-3)


def test_recentred_distributions_stay_inside_the_range():
    class P:
        minimum, maximum = 0.0, 1.0
    tri = {"distribution": "triangular", "lower": 0.17, "mode": 0.22, "upper": 0.3}
    assert spread.recentred(tri, 0.22, 0.03, P) == \
        {"distribution": "triangular", "lower": 0.0, "mode": pytest.approx(0.03),
         "upper": pytest.approx(0.11)}
    normal = {"distribution": "normal", "mean": 0.08, "sd": 0.015, "lower": 0.03, "upper": 0.13}
    assert spread.recentred(normal, 0.08, 0.1, P)["mean"] == pytest.approx(0.1)
    logn = {"distribution": "lognormal", "median": 0.2, "sigma": 0.4, "upper": 0.5}
    assert spread.recentred(logn, 0.2, 0.3, P) == \
        {"distribution": "lognormal", "median": pytest.approx(0.3), "sigma": 0.4,
         "upper": pytest.approx(0.75)}
    choice = {"distribution": "choice", "values": [0, 0.5, 1, 1.5]}
    assert spread.recentred(choice, 1, 1, P) == choice
    assert spread.recentred(choice, 1, 0, P) is None   # a loop switched off stays off


def test_requests_for_other_hosts_are_refused(opened):
    app = create_app(Tuner(opened))
    other = testclient.TestClient(app, base_url="http://example.com")
    assert other.get("/").status_code == 400
    local = testclient.TestClient(app, base_url="http://127.0.0.1:8765")
    page = local.get("/")
    assert page.status_code == 200 and "/static/echarts.min.js" in page.text
    assert local.get("/static/echarts.min.js").status_code == 200


def tune_on_a_taken_port(opened, host: str):
    """`sim tune` asked to serve on `host` at a port another socket holds."""
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        s.listen()
        port = s.getsockname()[1]
        return port, CliRunner().invoke(main, ["tune", str(opened), "--no-browser",
                                               "--host", host, "--port", str(port)])


def test_tune_command_reports_a_taken_port(opened):
    port, result = tune_on_a_taken_port(opened, "127.0.0.1")
    assert result.exit_code == 1
    assert result.output == (f"Error: cannot serve on 127.0.0.1:{port} (Address already in "
                             "use). Choose another port with --port (0: any free port).\n")


def test_tune_command_warns_before_serving_beyond_this_machine(opened):
    port, result = tune_on_a_taken_port(opened, "0.0.0.0")
    assert result.exit_code == 1
    assert result.stderr == (
        "warning: serving on 0.0.0.0: anyone who can reach this address can use the page "
        "and save scenarios here.\n"
        f"Error: cannot serve on 0.0.0.0:{port} (Address already in use). Choose another "
        "port with --port (0: any free port).\n")


def test_static_files_carry_echarts_and_its_licence():
    static = REPO / "sim" / "tune" / "static"
    assert "Apache License" in (static / "echarts.LICENSE").read_text(encoding="utf-8")
    for name in ("index.html", "tune.js", "tune.css"):
        text = (static / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, name
    shutil.rmtree(static / "__pycache__", ignore_errors=True)
