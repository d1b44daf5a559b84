"""The mid-term review (中期评估): actuals, projections and targets side by side.

For every plan target: the 2020 baseline, the latest actual, the growth now required to
reach the target, each scenario's projection and a status word:

- 已完成 (already met): the latest actual already meets the target;
- 进度符合预期 (on track): the growth now required is no higher than the growth the target
  needed from 2020 (or, without a 2020 value, from the last actual before the latest), i.e.
  the indicator is at or ahead of the constant-growth path from that value to the target;
- 滞后 (behind): the growth now required is higher than that;
- 暂无新数据 (no data since 2020): no actual after 2020 to judge by.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators as ind
from . import model as model_mod
from . import narrative, outputs, runner
from . import targets as tgt
from .calibration.spec import load_data
from .errors import InputError, Problem

STATUS = {
    "met": ("已完成", "already met"),
    "on_track": ("进度符合预期", "on track"),
    "behind": ("滞后", "behind"),
    "no_data": ("暂无新数据", "no data since 2020"),
}
RULES = {
    "zh": ["已完成：最新实际值已达到目标（“左右”类目标在容差范围内）。",
           "进度符合预期：按最新实际值计算，实现目标尚需的年均增速不高于从2020年基数出发所需的年均增速，"
           "即实际值位于由2020年基数（无2020年数据时取此前最近一年的实际值）到目标值的等速增长路径上或其上方。",
           "滞后：尚需的年均增速高于从2020年基数出发所需的年均增速。",
           "暂无新数据：2020年以后没有实际值，无法判断。"],
    "en": ["Already met: the latest actual already meets the target (within the tolerance for "
           "'about' targets).",
           "On track: the annual growth still required from the latest actual is no higher than "
           "the growth the target needed from 2020, i.e. the actual is on or above the "
           "constant-growth path from the 2020 value (without one, the last earlier actual) to the "
           "target.",
           "Behind: the growth still required is higher than the growth needed from 2020.",
           "No data since 2020: no actual after 2020 to judge by."],
}
# The plan model's feedback loops, for the report (the text lives beside the .mdl).
LOOPS = narrative.by_language(model_mod.DEFAULT_MODEL)


@dataclass
class Review:
    summary: pd.DataFrame
    sims: list
    actuals: pd.DataFrame
    assumptions: dict
    bands: pd.DataFrame | None
    catalogue: pd.DataFrame
    targets: pd.DataFrame
    indicators: pd.DataFrame


def load_actuals(path: Path, model_path: Path) -> pd.DataFrame:
    """Actuals in long form (year, indicator, value, unit, source), checked line by line."""
    catalogue = ind.catalogue_for(model_path)
    targets = tgt.catalogue_for(model_path)
    known = set(catalogue["id"]) | set(targets["id"]) | set(model_mod.info(model_path).variables)
    return load_data(Path(path), known, columns=("year", "indicator", "value", "unit", "source"))


def _level_series(target, catalogue) -> str | None:
    """The indicator whose actuals measure the target: itself, or the level it grows from."""
    if target.measure == "level":
        return target.id
    rows = catalogue[(catalogue["variable"] == target.variable) & (catalogue["measure"] == "level")]
    return rows["id"].iloc[0] if len(rows) else None


def _target_level(target, base: float | None) -> float | None:
    """The level the target stands for: itself, or the 2020 base grown at the target rate."""
    if target.measure == "level":
        return target.target
    if base is None:
        return None
    years = target.year - target.base_year
    if target.measure == "cagr":
        return base * (1 + target.target / 100) ** years
    return base * (1 + target.target / 100)


def _status(target, level, start, latest_year, latest, required, plan_rate,
            start_year) -> str:
    if latest is None or latest_year is None:
        return "no_data"
    if target.measure == "level" and tgt.status(latest, target.target, target.comparator,
                                                target.tolerance) in ("met", "above"):
        return "met"
    if latest_year <= target.base_year or required is None or plan_rate is None \
            or start_year >= latest_year:
        return "no_data"
    return "on_track" if required <= plan_rate + 1e-9 else "behind"


def build(actuals_path, scenario_paths, uncertainty_dir=None, sets=()) -> Review:
    """Everything the report shows, as pandas objects."""
    sims = [runner.simulate(p, sets) for p in scenario_paths]
    model_path = sims[0].scenario.model
    catalogue = ind.catalogue_for(model_path)
    targets = tgt.catalogue_for(model_path)
    if catalogue is None or targets is None:
        raise InputError([Problem(str(scenario_paths[0]), "model", "the review needs the plan "
                                  "model's indicators.csv and targets.csv beside the .mdl.")])
    targets = tgt.with_overrides(targets, sims[0].scenario.targets)
    actuals = load_actuals(Path(actuals_path), model_path)
    rows = []
    for t in targets.itertuples(index=False):
        series_id = _level_series(t, catalogue)
        obs = actuals[actuals["indicator"] == series_id].set_index("year")["value"] \
            if series_id else pd.Series(dtype=float)
        base = float(obs[t.base_year]) if t.base_year in obs.index else None
        upto = obs[obs.index <= t.year]
        latest_year = int(upto.index.max()) if len(upto) else None
        latest = float(upto[latest_year]) if latest_year is not None else None
        level = _target_level(t, base)
        required = plan_rate = None
        if level is not None and latest is not None and latest_year is not None \
                and latest_year < t.year and latest > 0:
            required = ((level / latest) ** (1 / (t.year - latest_year)) - 1) * 100
        start_year, start = (t.base_year, base)
        earlier = obs[obs.index < (latest_year or 0)]
        if base is None and t.measure == "level" and len(earlier):
            start_year = int(earlier.index.max())  # no 2020 value: the last one before
            start = float(earlier[start_year])
        if level is not None and start:
            plan_rate = ((level / start) ** (1 / (t.year - start_year)) - 1) * 100
        status = _status(t, level, start, latest_year, latest, required, plan_rate,
                         start_year)
        row = {"id": t.id, "indicator_zh": t.indicator_zh, "indicator_en": t.indicator_en,
               "unit": t.unit, "modelled": t.variable != tgt.TRACKED,
               "baseline_2020": base, "latest_year": latest_year, "latest_actual": latest,
               "target": t.target, "comparator": t.comparator, "tolerance": t.tolerance,
               "measure": t.measure, "target_year": t.year, "target_level": level,
               "required_growth": required, "growth_needed_from_2020": plan_rate,
               "status": status, "status_zh": STATUS[status][0]}
        for sim in sims:
            projected = sim.targets.set_index("id").loc[t.id, "projected"]
            row[f"{sim.scenario.name}:projected"] = projected
        rows.append(row)
    summary = pd.DataFrame(rows)
    bands = None
    if uncertainty_dir is not None:
        path = Path(uncertainty_dir) / "percentiles.csv"
        if not path.is_file():
            raise InputError([Problem(str(uncertainty_dir), "--uncertainty", "no "
                                      "percentiles.csv here. Give a folder written by "
                                      "'sim uncertainty'.")])
        bands = pd.read_csv(path, encoding="utf-8-sig")
    info = model_mod.info(model_path)
    assumptions = {sim.scenario.name: _assumptions(sim.scenario, info) for sim in sims}
    return Review(summary, sims, actuals, assumptions, bands, catalogue, targets,
                  pd.concat([s.indicators.assign(scenario=s.scenario.name) for s in sims]))


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


def write(review: Review, out: Path, lang: str = "zh") -> Path:
    """index.html (self-contained) with summary.csv, assumptions.csv, sources.csv and
    review.xlsx beside it."""
    from . import report_html

    dest = Path(out)
    summary = review.summary.round(6)
    assumptions = pd.concat([a.assign(scenario=name) for name, a in review.assumptions.items()],
                            ignore_index=True)
    sources = review.actuals[["indicator", "year", "value", "unit", "source"]]
    inputs = [p for s in review.sims for p in (*s.scenario.files, s.scenario.model)]
    with outputs.atomic_folder(dest, inputs) as tmp:
        outputs.write_csv(summary, tmp / "summary.csv", index=False)
        outputs.write_csv(assumptions, tmp / "assumptions.csv", index=False)
        outputs.write_csv(sources, tmp / "sources.csv", index=False)
        outputs.write_xlsx({"summary": summary.set_index("id"), "assumptions": assumptions,
                            "sources": sources}, tmp / "review.xlsx")
        record = {"scenarios": [str(s.scenario.path) for s in review.sims],
                  "model": str(review.sims[0].scenario.model)}
        outputs.write_manifest(record, tmp / "manifest.json")
        html = report_html.render(review, lang, outputs.versions())
        (tmp / "index.html").write_text(html, encoding="utf-8")
    return dest


def chart_data(review: Review, row, lang: str = "zh") -> dict:
    """What one target's chart shows: actual points, scenario paths, required path, band."""
    target = next(t for t in review.targets.itertuples(index=False) if t.id == row.id)
    series_id = _level_series(target, review.catalogue)
    actual = review.actuals[review.actuals["indicator"] == series_id].set_index("year")["value"]
    paths = {}
    for sim in review.sims:
        yearly = ind.annual(sim.results)[target.variable].astype(float)
        paths[sim.scenario.title.get(lang) or sim.scenario.name] = \
            yearly * (target.scale if target.measure == "level" else 1.0)
    required = None
    if row.latest_year is not None and not pd.isna(row.latest_year) and \
            row.target_level is not None and not pd.isna(row.target_level) and \
            row.latest_year < target.year:
        years = np.arange(int(row.latest_year), target.year + 1)
        ratio = row.target_level / row.latest_actual
        required = pd.Series(row.latest_actual * ratio ** ((years - years[0]) /
                                                            (target.year - years[0])), years)
    band = None
    if review.bands is not None and series_id is not None:
        b = review.bands[review.bands["indicator"] == series_id].set_index("year")
        band = b if len(b) else None
    marker = required.iloc[-1] if required is not None else (
        target.target if target.measure == "level" else None)
    return {"target": target, "actual": actual, "paths": paths, "required": required,
            "band": band, "band_at": 0, "marker": marker, "unit": ""}
