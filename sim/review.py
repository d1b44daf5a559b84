"""The plan's review as of a year: actuals, projections and targets side by side.

With data up to a year before the target year it is the mid-term review (中期评估); with data
for the target year it is the final evaluation (总结评估). Every target is judged from the
series that measures it (sim.measures has the arithmetic):

- a level target from its own actuals; a growth target from the level it grows from, or,
  without levels, from yearly growth rows chained into an index (1 in the base year); a
  tracked 年均 rate from its yearly rates chained the same way;
- only actuals on the target's statistical basis count (the plan's targets stand on the 4th
  economic census, `census2018`); rows on another basis are listed but not used.

The status words and their rules are in the message catalogue (`review_status_<code>`,
`review_rule_<code>`; sim/messages.csv): the report prints the rules, and `judge` is the code
they describe.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import actuals as actuals_mod
from . import bandfile
from . import indicators as ind
from . import measures, messages
from . import model as model_mod
from . import outputs, runner
from . import scenario as scen
from . import targets as tgt
from .errors import InputError, Problem
from .yamlfile import display_path

PLAN_BASIS = "census2018"
OTHER_BASES = ("census2023", "pre2018")  # definite bases that differ from the plan's
HEADLINE = ("gdp_nominal", "gdp_real_growth", "services_va", "services_real_growth",
            "services_share_gdp")
HEADLINE_TARGET = "sei_va_growth"

MIDTERM = ("met", "exceeded", "above", "on_track", "behind", "one_year", "no_data")
FINAL = ("done", "exceeded", "not_done", "no_final")
STATUSES = tuple(dict.fromkeys(MIDTERM + FINAL))  # every status, in the order counts print


@dataclass
class Review:
    summary: pd.DataFrame
    headline: pd.DataFrame
    sims: list
    actuals: pd.DataFrame
    assumptions: dict
    bands: pd.DataFrame | None
    band_scenario: str | None
    catalogue: pd.DataFrame
    targets: pd.DataFrame
    indicators: pd.DataFrame
    as_of: int
    final: bool


def status_word(code: str, lang: str) -> str:
    """A review status (a code of STATUSES) in words."""
    return messages.text(f"review_status_{code}", lang)


def comparable(basis: str) -> bool:
    """Whether an actual on `basis` can be set against the plan's targets."""
    return basis not in OTHER_BASES


@dataclass
class Observed:
    """The series a target is judged on: levels, or an index (1 in the base year)."""

    values: pd.Series
    kind: str  # "level" or "index"


def observed(target, actuals: pd.DataFrame, catalogue: pd.DataFrame) -> Observed:
    """The actuals that measure `target`, on the plan's basis, as one yearly series: its own
    rows for a level target; for a growth target the level it grows from (the catalogue's
    `series`, or the modelled variable's level), else its yearly rates chained."""
    usable = actuals[np.array([comparable(b) for b in actuals["basis"]], dtype=bool)]

    def series(indicator_id):
        rows = usable[usable["indicator"] == indicator_id]
        return rows.set_index("year")["value"].astype(float).sort_index()

    if target.measure == "level":
        return Observed(series(target.id), "level")
    modelled = target.variable != tgt.TRACKED
    same = catalogue[(catalogue["variable"] == target.variable) & modelled]
    for ident in [target.series] + list(same[same["measure"] == "level"]["id"]):
        levels = series(ident) if ident else pd.Series(dtype=float)
        if target.base_year in levels.index and len(levels[levels.index > target.base_year]):
            return Observed(levels, "level")
    rates = series(target.id)
    for ident in same[same["measure"] == "yoy"]["id"]:
        if not len(rates):
            rates = series(ident)
    return Observed(_chain(rates, target.base_year), "index")


def level_series(target, catalogue: pd.DataFrame) -> str | None:
    """The indicator whose level actuals measure `target`: itself for a level target, else
    the level it grows from (its `series`, or its modelled variable's level indicator)."""
    if target.measure == "level":
        return target.id
    if getattr(target, "series", ""):
        return target.series
    same = catalogue[(catalogue["variable"] == target.variable) &
                     (catalogue["measure"] == "level")]
    return same["id"].iloc[0] if len(same) and target.variable != tgt.TRACKED else None


def _chain(rates: pd.Series, base_year: int) -> pd.Series:
    """Yearly rates in % chained into an index, 1 in `base_year`, as far as they run
    without a gap."""
    years = [base_year]
    while years[-1] + 1 in rates.index:
        years.append(years[-1] + 1)
    index = measures.index_from_rates(rates[years[1:]].to_numpy())
    return pd.Series(index, index=years)


def judge(target, obs: pd.Series, as_of: int) -> dict:
    """Status, required growth and the numbers behind them for one target.

    `obs` is the target's observed series (levels or index). From the target year on it is
    the final evaluation; a target without a value for that year keeps its progress on the
    latest actual as `interim`."""
    obs = obs[obs.index <= min(as_of, target.year)]
    final = as_of >= target.year
    if final and target.year in obs.index and target.base_year in obs.index or \
            final and target.measure == "level" and target.year in obs.index:
        return _final(target, obs)
    out = _progress(target, obs)
    if final:
        out.update(interim=out["status"], status="no_final")
    return out


def _blank(target, obs) -> dict:
    base = float(obs[target.base_year]) if target.base_year in obs.index else None
    return {"baseline": base, "latest_year": None, "latest": None, "target_level": None,
            "required": None, "needed_from_start": None, "start_year": None, "measured": None,
            "gap": None, "status": "no_data", "interim": None}


def _level(target, base):
    """The level the target stands for: itself, or what its growth implies from `base`."""
    if target.measure == "level":
        return target.target
    return measures.implied_level(target.measure, target.target,
                                  target.year - target.base_year, base)


def _final(target, obs: pd.Series) -> dict:
    """完成 / 超额完成 / 未完成 from the target year's value, with the gap."""
    out = _blank(target, obs)
    value = float(obs[target.year])
    how = "cumulative_growth" if target.measure == "cumulative_growth" else "cagr"
    measured = value if target.measure == "level" else float(measures.value(
        obs.to_numpy()[:, None], obs.index, how, target.year, target.base_year)[0])
    word = measures.status(measured, target.target, target.comparator, target.tolerance,
                           bool(target.strict)).item()
    out.update(latest_year=target.year, latest=value, measured=measured,
               target_level=_level(target, out["baseline"]), gap=measured - target.target,
               status={"met": "done", "exceeded": "exceeded"}.get(word, "not_done"))
    return out


def _progress(target, obs: pd.Series) -> dict:
    """已完成 / 超额完成 / 进度符合预期 / 滞后 ... from the latest actual."""
    out = _blank(target, obs)
    base = out["baseline"]
    points = measures.is_points(target.measure, target.unit)
    after = obs[obs.index > target.base_year]
    if (target.measure != "level" and base is None) or not len(after):
        return out
    lo, hi = measures.level_bounds(target.measure, target.target, target.comparator,
                                   target.tolerance, target.year - target.base_year,
                                   base if base is not None else 1.0)
    level = _level(target, base)
    latest_year = int(after.index.max())
    latest = float(after[latest_year])
    out.update(latest_year=latest_year, latest=latest, target_level=level)
    if target.measure != "level":
        out["measured"] = float(measures.cagr(latest, base, latest_year - target.base_year))
    word = measures.classify(latest, lo, hi, bool(target.strict)).item()
    if word in ("met", "exceeded", "above"):
        out["status"] = word
        return out
    before = obs[obs.index < target.base_year]
    start_year = target.base_year if base is not None else \
        int(before.index.max()) if len(before) else int(after.index.min())
    start = float(obs[start_year])
    out["start_year"] = start_year
    out["required"] = float(measures.required(latest, latest_year, level, target.year, points))
    if start_year >= latest_year:
        out["status"] = "one_year"
        return out
    out["needed_from_start"] = float(measures.required(start, start_year, level, target.year,
                                                       points))
    out["status"] = "on_track" if measures.on_track(start_year, start, latest_year, latest,
                                                    target.year, level, points) else "behind"
    return out


def as_of_year(actuals: pd.DataFrame, as_of: int | None) -> int:
    """The review's year: the one given, or the latest year with data."""
    return int(actuals["year"].max()) if as_of is None else int(as_of)


def build(actuals_path, scenario_paths, uncertainty_dir=None,
          as_of: int | None = None) -> Review:
    """Everything the report shows, as pandas objects."""
    scenarios = [p if isinstance(p, scen.Scenario) else scen.load(p)
                 for p in scenario_paths]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise InputError([Problem(display_path(s.path), "name", "two scenarios share this "
                                  "name. Give each a distinct name:.")
                          for s in scenarios if names.count(s.name) > 1])
    model_path = scenarios[0].model
    catalogue = ind.catalogue_for(model_path)
    targets = tgt.catalogue_for(model_path)
    if catalogue is None or targets is None:
        raise InputError([Problem(str(scenario_paths[0]), "model", "the review needs the plan "
                                  "model's indicators.csv and targets.csv beside the .mdl.")])
    targets = tgt.with_overrides(targets, scenarios[0].targets)
    first, last = int(targets["base_year"].min()) + 1, int(targets["year"].max())
    if as_of is not None and not first <= as_of <= last:
        raise InputError([Problem("as_of", str(as_of), f"outside the plan. Give a year from "
                                  f"{first} to {last} ({last} for the final evaluation).")])
    actuals = actuals_mod.load(Path(actuals_path), model_path)
    year = min(as_of_year(actuals, as_of), last)
    sims = [runner.simulate(s, actuals=Path(actuals_path), as_of=year) for s in scenarios]
    actuals = actuals[actuals["year"] <= year].reset_index(drop=True)
    final = year >= int(targets["year"].max())
    rows = []
    for t in targets.itertuples(index=False):
        obs = observed(t, actuals, catalogue)
        j = judge(t, obs.values, year)
        row = {"id": t.id, "indicator_zh": t.indicator_zh, "indicator_en": t.indicator_en,
               "unit": t.unit, "unit_zh": t.unit_zh,
               **dict(zip(("series_unit", "series_unit_zh"), _series_unit(t, obs, catalogue),
                          strict=True)),
               "modelled": t.variable != tgt.TRACKED, "measure": t.measure,
               "points": measures.is_points(t.measure, t.unit), "observed_as": obs.kind,
               "baseline_2020": j["baseline"], "latest_year": j["latest_year"],
               "latest_actual": j["latest"], "achieved": j["measured"],
               "target": t.target, "comparator": t.comparator, "tolerance": t.tolerance,
               "strict": bool(t.strict), "target_year": t.year,
               "target_level": j["target_level"], "required_growth": j["required"],
               "start_year": j["start_year"], "growth_needed_from_start": j["needed_from_start"],
               "gap": j["gap"], "status": j["status"], "status_zh": status_word(j["status"], "zh"),
               "interim": j["interim"] or ""}
        for sim in sims:
            row[f"{sim.scenario.name}:projected"] = \
                sim.targets.set_index("id").loc[t.id, "projected"]
        rows.append(row)
    summary = pd.DataFrame(rows)
    headline = _headline(sims, actuals, catalogue, summary)
    bands, band_scenario = _bands(uncertainty_dir, sims)
    info = model_mod.info(model_path)
    assumptions = {sim.scenario.name: _assumptions(sim.scenario, info) for sim in sims}
    return Review(summary, headline, sims, actuals, assumptions, bands, band_scenario,
                  catalogue, targets,
                  pd.concat([s.indicators.assign(scenario=s.scenario.name) for s in sims]),
                  year, final)


def _series_unit(target, obs: Observed, catalogue) -> tuple[str, str]:
    """The unit of the observed series (English, Chinese): the target's, or that of the
    level it grows from."""
    if target.measure == "level":
        return target.unit, target.unit_zh
    if obs.kind == "index":
        return messages.text("review_index_unit", "en"), messages.text("review_index_unit", "zh")
    same = catalogue[(catalogue["variable"] == target.variable) &
                     (catalogue["measure"] == "level")]
    return (same["unit"].iloc[0], same["unit_zh"].iloc[0]) if len(same) else ("", "")


def _headline(sims, actuals, catalogue, summary) -> pd.DataFrame:
    """The headline target, then GDP and services: the first table. Growth since 2020 is
    the CAGR of a level, the average of a rate, or percentage points a year of a share."""
    rows = []
    for ident in HEADLINE:
        c = catalogue.set_index("id").loc[ident]
        obs = actuals[(actuals["indicator"] == ident).to_numpy() &
                      np.array([comparable(b) for b in actuals["basis"]], dtype=bool)]
        obs = obs.set_index("year")["value"].astype(float).sort_index()
        latest_year = int(obs.index.max()) if len(obs) else None
        if c.measure == "yoy":
            chained = _chain(obs, 2020)
            since = float(measures.cagr(chained.iloc[-1], 1.0, len(chained) - 1)) \
                if len(chained) > 1 else None
        elif 2020 in obs.index and latest_year and latest_year > 2020:
            change = measures.points_per_year if c.unit == "%" else measures.cagr
            since = float(change(obs[latest_year], obs[2020], latest_year - 2020))
        else:
            since = None
        row = {"id": ident, "indicator_zh": c.indicator_zh, "indicator_en": c.indicator_en,
               "unit": c.unit, "unit_zh": c.unit_zh, "is_rate": c.measure == "yoy",
               "average": False,
               "points": c.unit == "%" and c.measure == "level",
               "baseline_2020": float(obs[2020]) if 2020 in obs.index else None,
               "latest_year": latest_year,
               "latest_actual": float(obs[latest_year]) if latest_year else None,
               "growth_since_2020": since, "target": None, "required_growth": None,
               "status": "", "interim": ""}
        for sim in sims:
            table = sim.indicators
            row[f"{sim.scenario.name}:projected"] = float(table[ident].get(2025, np.nan)) \
                if ident in table.columns else None
        rows.append(row)
    t = summary.set_index("id").loc[HEADLINE_TARGET]
    row = {"id": HEADLINE_TARGET, "indicator_zh": t.indicator_zh,
           "indicator_en": t.indicator_en, "unit": t.unit, "unit_zh": t.unit_zh,
           "is_rate": True, "points": False, "average": True, "baseline_2020": None,
           "latest_year": t.latest_year, "latest_actual": t.achieved,
           "growth_since_2020": t.achieved, "target": t.target,
           "required_growth": t.required_growth, "status": t.status, "interim": t.interim}
    for sim in sims:
        row[f"{sim.scenario.name}:projected"] = t[f"{sim.scenario.name}:projected"]
    rows.insert(0, row)
    return pd.DataFrame(rows)


def _bands(folder, sims):
    """The percentiles of an uncertainty folder and the scenario they belong to."""
    if folder is None:
        return None, None
    folder = Path(folder)
    where = display_path(folder)
    if not os.path.lexists(folder / "percentiles.csv"):
        raise InputError([Problem("uncertainty", where, "no percentiles.csv here. Give a "
                                  "folder written by 'sim uncertainty'.")])
    name, drawn = bandfile.scenario_hash(folder)
    for sim in sims:
        if scen.scenario_hash(sim.scenario) == drawn:
            span = (sim.scenario.time["initial"], sim.scenario.time["final"])
            return bandfile.percentiles(folder, set(ind.catalogue_for(sim.scenario.model)["id"]),
                                        span), sim.scenario.name
    names = ", ".join(s.scenario.name for s in sims)
    data, year = display_path(sims[0].scenario.actuals), sims[0].scenario.as_of
    raise InputError([Problem("uncertainty", where, f"drawn from '{name}' "
                              f"with other inputs than every scenario of this review ({names}, "
                              f"on {data} to {year}). Rerun 'sim uncertainty' on one of them "
                              f"with --actuals {data} --as-of {year}.")])


def _assumptions(scenario, info) -> pd.DataFrame:
    """The parameters a scenario changes from the model's defaults (the baseline)."""
    rows = []
    for name, value in sorted(scenario.constants.items()):
        p = info.parameters[name]
        if not math.isclose(value, p.value, rel_tol=1e-12, abs_tol=0):
            rows.append({"parameter": name, "year": "", "value": value, "baseline": p.value,
                         "unit": p.unit, "description": p.description})
    for name, by_year in sorted(scenario.series.items()):
        p = info.parameters[name]
        for year, value in sorted(by_year.items()):
            rows.append({"parameter": name, "year": year, "value": value, "baseline": p.value,
                         "unit": p.unit, "description": p.description})
    return pd.DataFrame(rows, columns=["parameter", "year", "value", "baseline", "unit",
                                       "description"])


def chart_data(review: Review, row, lang: str = "zh") -> dict:
    """What one target's chart shows: actual points, scenario paths, required path, band.

    Growth targets are drawn as an index, 2020 = 100, so that level rows, growth rows and
    the model's paths share one axis."""
    target = next(t for t in review.targets.itertuples(index=False) if t.id == row.id)
    obs = observed(target, review.actuals, review.catalogue)
    actual = obs.values[obs.values.index <= review.as_of]
    as_index = target.measure != "level"
    if as_index:
        actual = actual / actual[target.base_year] * 100 if target.base_year in actual.index \
            else actual.iloc[:0]
    paths = {}
    band, band_at = None, 0
    for i, sim in enumerate(review.sims):
        yearly = ind.annual(sim.results)[target.variable].astype(float)
        path = yearly / yearly[target.base_year] * 100 if as_index else yearly * target.scale
        paths[sim.scenario.title.get(lang) or sim.scenario.name] = path
        if review.bands is not None and sim.scenario.name == review.band_scenario:
            band, band_at = _band_for(review.bands, target, review.catalogue), i
    first = min(int(p.index.min()) for p in paths.values())
    actual = actual[actual.index >= first]  # history before the run stays in the sources
    required = None
    points = measures.is_points(target.measure, target.unit)
    if not pd.isna(row.latest_year) and row.target_level is not None and \
            not pd.isna(row.target_level) and row.latest_year < target.year and len(actual):
        start = float(actual[int(row.latest_year)])
        level = row.target_level if not as_index else \
            row.target_level / row.baseline_2020 * 100
        years, values = measures.required_path(int(row.latest_year), start, target.year,
                                                level, points)
        required = pd.Series(values, years)
    marker = None
    if target.measure == "level":
        marker = target.target
    elif not pd.isna(row.target_level) and row.baseline_2020:
        marker = row.target_level / row.baseline_2020 * 100
    unit = unit_label_for(target, lang)
    return {"target": target, "actual": actual, "paths": paths, "required": required,
            "band": band, "band_at": band_at, "index": as_index, "marker": marker, "unit": unit}


def unit_label_for(target, lang: str) -> str:
    """The y-axis unit of a target's review chart."""
    from .charts.labels import target_unit

    if target.measure != "level":
        return messages.text("review_index_axis", lang)
    return target_unit(target, lang)


def _band_for(bands, target, catalogue):
    """The 5-95% band of a target's series, on the chart's scale."""
    if target.measure == "level":
        b = bands[bands["indicator"] == target.id]
        return b.set_index("year") if len(b) else None
    same = catalogue[(catalogue["variable"] == target.variable) &
                     (catalogue["measure"] == "level")]
    for ident in same["id"]:
        b = bands[bands["indicator"] == ident].set_index("year")
        if len(b) and target.base_year in b.index:
            cols = [c for c in b.columns if c.startswith("p")]
            return b[cols] / float(b.loc[target.base_year, "p50"]) * 100
    return None


def write(review: Review, out: Path, lang: str = "zh") -> Path:
    """index.html (self-contained) and review.docx with summary.csv, headline.csv,
    assumptions.csv, sources.csv and review.xlsx beside them."""
    from . import report_docx, report_html, review_tables

    dest = Path(out)
    tables = review_tables.tables(review)
    data = review.sims[0].scenario.actuals
    inputs = [data] + [p for s in review.sims for p in (*s.scenario.files, s.scenario.model)]
    with outputs.atomic_folder(dest, inputs) as tmp:
        for name, table in tables.items():
            outputs.write_csv(review_tables.fixed(table), tmp / f"{name}.csv", index=False)
        review_tables.write_xlsx(tables, tmp / "review.xlsx")
        record = {"scenarios": [display_path(s.scenario.path) for s in review.sims],
                  "model": display_path(review.sims[0].scenario.model),
                  "actuals": {"path": display_path(data), "sha256": model_mod.file_sha256(data)},
                  "as_of": review.as_of, "final": review.final,
                  "uncertainty": review.band_scenario}
        outputs.write_manifest(record, tmp / "manifest.json")
        html = report_html.render(review, lang, outputs.versions())
        (tmp / "index.html").write_text(html, encoding="utf-8")
        report_docx.write(review, tmp / "review.docx", lang)
    return dest
