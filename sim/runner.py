"""Run scenarios end to end: simulate, measure against targets, write the output folder.

`simulate` and `comparison` return pandas objects only; `write` and `write_comparison` (the
results' `.write`) write an output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import actuals as actuals_mod
from . import anchoring, background, engine, measures, messages, outputs
from . import indicators as ind
from . import model as model_mod
from . import scenario as scen
from . import targets as tgt
from .charts.labels import target_unit, unit_label
from .errors import InputError, Problem


@dataclass
class Simulation:
    """One scenario's results: every variable, the plan indicators and the targets table."""

    scenario: scen.Scenario
    results: pd.DataFrame
    indicators: pd.DataFrame | None
    targets: pd.DataFrame | None
    target_catalogue: pd.DataFrame | None
    engine: str = "batch"
    notice: str | None = None
    anchor: anchoring.Anchored | None = None
    members: pd.DataFrame | None = None  # the parameter sets of a run of several members

    def write(self, folder: str | Path, lang: str = "zh") -> Path:
        """Write the output folder: tables, charts, resolved scenario and manifest."""
        return write(self, folder, lang)


def simulate(scenario: scen.Scenario | str | Path, engine_name: str = "batch",
             actuals: Path | None = None, as_of: int | None = None) -> Simulation:
    """Run one scenario (a loaded Scenario or a YAML path) and measure it against targets.

    With actuals (the scenario's `actuals:` or the argument), the run is anchored on them up
    to the as-of year and projects from there (sim/anchoring.py)."""
    if not isinstance(scenario, scen.Scenario):
        scenario = scen.load(scenario)
    scenario = anchoring.configure(scenario, actuals, as_of)
    anchored = None
    used, notice = engine_name, None
    if scenario.actuals is not None:
        observed = actuals_mod.load(scenario.actuals, scenario.model)

        def run(anchored_scenario):
            nonlocal used, notice
            out, used, notice = engine.run_with(anchored_scenario, engine=engine_name)
            return out

        anchored = anchoring.anchor(scenario, observed, scenario.as_of, run)
        results = anchored.results
    else:
        results, used, notice = engine.run_with(scenario, engine=engine_name)
    ind_catalogue = ind.catalogue_for(scenario.model)
    tgt_catalogue = tgt.catalogue_for(scenario.model)
    indicators = ind.compute(results, ind_catalogue) if ind_catalogue is not None else None
    targets = None
    if tgt_catalogue is not None:
        tgt_catalogue = tgt.with_overrides(tgt_catalogue, scenario.targets)
        targets = tgt.evaluate(results, tgt_catalogue)
    return Simulation(scenario, results, indicators, targets, tgt_catalogue, used, notice,
                      anchored)


def indicator_table(sim: Simulation) -> pd.DataFrame | None:
    """The indicators by year; an anchored run adds, after each indicator, a column
    `<id>_status` saying whether each value is observed, filled, modelled or projected."""
    if sim.indicators is None or sim.anchor is None:
        return sim.indicators
    table = sim.indicators.copy()
    columns = []
    for name in sim.indicators.columns:
        columns.append(name)
        if name in sim.anchor.provenance.columns:
            table[f"{name}_status"] = sim.anchor.provenance[name].reindex(table.index)
            columns.append(f"{name}_status")
    return table[columns]


def _chart_inputs(sim: Simulation, target, lang: str):
    """The series to draw for one target, its required path and its axis unit."""
    yearly = ind.annual(sim.results)[target.variable].astype(float)
    info = model_mod.info(sim.scenario.model)
    if target.measure == "level":
        return yearly * target.scale, None, target_unit(target, lang)
    doc_units = info.doc.set_index("Real Name")["Units"].get(target.variable, "")
    return yearly, tgt.required_path(yearly, target), unit_label(doc_units, lang)


def _provenance_of(sim: Simulation, target) -> dict[int, str]:
    """Whether each year of a target's chart path is observed, filled, modelled or
    projected: the provenance of the level indicator of the target's variable."""
    catalogue = ind.catalogue_for(sim.scenario.model)
    levels = catalogue[(catalogue["variable"] == target.variable)
                       & (catalogue["measure"] == "level")]["id"]
    table = sim.anchor.provenance
    column = next((i for i in levels if i in table.columns), None)
    return {} if column is None else {int(y): v for y, v in table[column].items()}


def _title(scenario: scen.Scenario, lang: str) -> str:
    return scenario.title.get(lang) or scenario.title.get("en") or scenario.name


def _write_charts(sims: list[Simulation], folder: Path, lang: str) -> None:
    """One chart per modelled target with every scenario's path, and an overview."""
    first = sims[0]
    if any(s.targets is None for s in sims):
        return
    from .charts.targets import Panel, write_charts

    status = first.targets.set_index("id")["status"]
    panels = []
    for target in first.target_catalogue.itertuples(index=False):
        if status[target.id] not in measures.STATUSES:
            continue
        paths, required, unit, provenance, as_of = {}, None, "", {}, None
        for sim in sims:
            series, req, unit = _chart_inputs(sim, target, lang)
            label = messages.text("chart_projected", lang) if len(sims) == 1 else \
                _title(sim.scenario, lang)
            paths[label] = series
            required = required if required is not None else req
            if sim.anchor is not None:
                provenance[label] = _provenance_of(sim, target)
                as_of = sim.anchor.as_of
        panels.append(Panel(target, paths, required, unit,
                            status[target.id] if len(sims) == 1 else "", provenance, as_of))
    title = messages.text("chart_overview", lang)
    if len(sims) == 1:
        title = f"{title} · {_title(first.scenario, lang)}"
    write_charts(panels, folder, lang, title)


def _manifest(sims: list[Simulation]) -> dict:
    entries = []
    for sim in sims:
        info = model_mod.info(sim.scenario.model)
        entries.append({
            "scenario": sim.scenario.name,
            "files": {str(p): model_mod.file_sha256(p) for p in sim.scenario.files},
            "model": {"path": str(info.path), "sha256": info.sha256},
            "engine": sim.engine,
            "time": sim.scenario.time,
            "parameters": sim.scenario.resolved_constants(info),
            "series": {k: {str(y): v for y, v in s.items()} for k, s in
                       sim.scenario.series.items()},
            **({"actuals": {"path": str(sim.scenario.actuals),
                            "sha256": model_mod.file_sha256(sim.scenario.actuals),
                            "as_of": sim.anchor.as_of}} if sim.anchor is not None else {}),
        })
    return {"runs": entries}


def _inputs(scenarios: list[scen.Scenario]) -> list[Path]:
    """The files the runs read: an output folder must never hold one of them."""
    return [p for s in scenarios for p in (*s.files, s.model, *([s.actuals] if s.actuals
                                                                 else []))]


def _targets_for_output(targets: pd.DataFrame) -> pd.DataFrame:
    return targets.round({"projected": 6, "gap": 6})


def write(sim: Simulation, dest: str | Path, lang: str = "zh") -> Path:
    """Write one simulation's output folder, replacing it only once everything is written."""
    dest = Path(dest)
    if sim.members is not None:
        from .members import write as write_members

        return write_members(sim, dest)
    info = model_mod.info(sim.scenario.model)
    with outputs.atomic_folder(dest, _inputs([sim.scenario])) as tmp, \
            background.Job(_write_charts, [sim], tmp / "charts", lang):
        results = sim.results.copy()
        outputs.write_csv(results, tmp / "results.csv")
        tables = {"results": results}
        if sim.indicators is not None:
            table = indicator_table(sim)
            outputs.write_csv(table, tmp / "indicators.csv")
            tables = {"indicators": table, **tables}
        if sim.anchor is not None:
            _write_anchoring(sim.anchor, tmp, tables)
        if sim.targets is not None:
            targets = _targets_for_output(sim.targets)
            outputs.write_csv(targets, tmp / "targets.csv", index=False)
            tables = {"targets": targets.set_index("id"), **tables}
        outputs.write_xlsx(tables, tmp / "results.xlsx")
        outputs.write_yaml(sim.scenario.to_dict(info), tmp / "scenario.yaml")
        outputs.write_manifest(_manifest([sim]), tmp / "manifest.json")
    return dest


def _write_anchoring(anchor: anchoring.Anchored, folder: Path, tables: dict) -> None:
    """The solved shocks and every actual against the anchored run."""
    outputs.write_csv(anchor.shocks.round(12), folder / "shocks.csv")
    checks = anchor.checks.round({"model": 9, "gap_pct": 9})
    outputs.write_csv(checks, folder / "actuals_check.csv", index=False)
    tables["shocks"] = anchor.shocks
    tables["actuals_check"] = checks.set_index(["indicator", "year"])


def comparison_table(sims: list[Simulation]) -> pd.DataFrame:
    """Targets by scenario: each target once, with each scenario's projection and status."""
    base = sims[0].targets
    if base is None:
        return pd.DataFrame()
    table = base[["id", "indicator_zh", "indicator_en", "unit", "year", "target",
                  "comparator", "tolerance", "measure"]].copy()
    for sim in sims:
        t = sim.targets.set_index("id")
        table[f"{sim.scenario.name}:projected"] = table["id"].map(t["projected"]).round(6)
        table[f"{sim.scenario.name}:status"] = table["id"].map(t["status"])
    return table


@dataclass
class Comparison:
    """Several scenarios' simulations and their targets side by side."""

    simulations: list[Simulation]
    table: pd.DataFrame

    def write(self, folder: str | Path, lang: str = "zh") -> Path:
        """Write the comparison folder: tables, overlay charts and each resolved scenario."""
        return write_comparison(self, folder, lang)


def _configured(paths, actuals, as_of) -> list[scen.Scenario]:
    """Each scenario (a path or a Scenario) loaded and set to anchor on the actuals given."""
    return [anchoring.configure(p if isinstance(p, scen.Scenario) else scen.load(p),
                                actuals, as_of) for p in paths]


def _comparison(scenarios: list[scen.Scenario], paths, engine_name: str) -> Comparison:
    sims = [simulate(s, engine_name=engine_name) for s in scenarios]
    names = [s.scenario.name for s in sims]
    if len(set(names)) != len(names):
        raise InputError([Problem(str(p), "name", "two scenarios share this name. "
                                            "Give each a distinct name:.")
                               for p, n in zip(paths, names) if names.count(n) > 1])
    return Comparison(sims, comparison_table(sims))


def comparison(paths, engine_name: str = "batch", actuals: Path | None = None,
               as_of: int | None = None) -> Comparison:
    """Simulate several scenarios (paths or Scenarios), which must have distinct names."""
    return _comparison(_configured(paths, actuals, as_of), paths, engine_name)


def write_comparison(comp: Comparison, dest: str | Path, lang: str = "zh") -> Path:
    """Write a comparison's folder, replacing it only once everything is written."""
    dest = Path(dest)
    sims, table = comp.simulations, comp.table
    with outputs.atomic_folder(dest, _inputs([s.scenario for s in sims])) as tmp, \
            background.Job(_write_charts, sims, tmp / "charts", lang):
        if not table.empty:
            outputs.write_csv(table, tmp / "targets_by_scenario.csv", index=False)
        frames = [indicator_table(s).assign(scenario=s.scenario.name).reset_index()
                  for s in sims if s.indicators is not None]
        tables = {}
        if frames:
            long = pd.concat(frames).set_index(["scenario", "year"])
            outputs.write_csv(long, tmp / "indicators.csv")
            tables["indicators"] = long
        if not table.empty:
            tables = {"targets_by_scenario": table.set_index("id"), **tables}
        (tmp / "scenarios").mkdir()
        for sim in sims:
            tables[f"results_{sim.scenario.name}"] = sim.results
            outputs.write_yaml(sim.scenario.to_dict(model_mod.info(sim.scenario.model)),
                               tmp / "scenarios" / f"{sim.scenario.name}.yaml")
        outputs.write_xlsx(tables, tmp / "comparison.xlsx")
        outputs.write_manifest(_manifest(sims), tmp / "manifest.json")
    return dest
