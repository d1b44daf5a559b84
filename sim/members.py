"""One scenario run for several parameter sets at once, measured member by member.

The members run as one ensemble (sim/ensemble.py); each member's results go through the
same indicator and target functions as a single run, and the tables are stacked by member.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import anchoring, ensemble, outputs, runner
from . import indicators as ind
from . import model as model_mod
from . import scenario as scen
from . import targets as tgt
from .errors import InputError, Problem


def simulate(scenario: scen.Scenario, members: pd.DataFrame, actuals: Path | None = None,
             as_of: int | None = None) -> runner.Simulation:
    """Run one scenario for several parameter sets at once (one row of `members` each, one
    column per constant) and measure every member against the targets.

    The tables are stacked by member (the index of `members`): `results` and `indicators`
    are indexed by (member, time or year), `targets` has a `member` column first. With
    actuals, every member is anchored on them up to the as-of year."""
    scenario = anchoring.configure(scenario, actuals, as_of)
    info = model_mod.info(scenario.model)
    problems, columns = [], {}
    for name in members.columns:
        p = info.parameter(str(name))
        values = pd.to_numeric(members[name], errors="coerce")
        if p is None:
            problems.append(Problem("members", str(name), info.unknown_parameter(str(name))))
        elif not np.isfinite(values.to_numpy(float)).all():
            problems.append(Problem("members", str(name), "every value must be a number."))
        elif p.outside(values.min(), values.max()):
            problems.append(Problem("members", str(name), f"values {values.min():g} to "
                                    f"{values.max():g} reach outside the model's range "
                                    f"{p.range_text()} ({p.unit}). Keep them inside it."))
        else:
            columns[p.name] = values.to_numpy(float)
    if not len(members):
        problems.append(Problem("members", "", "no members. Give one row per parameter set."))
    if problems:
        raise InputError(problems)
    ens = ensemble.run(scenario, pd.DataFrame(columns, index=members.index))
    time = pd.Index(ens.times, name="time")
    ind_catalogue = ind.catalogue_for(scenario.model)
    tgt_catalogue = tgt.catalogue_for(scenario.model)
    if tgt_catalogue is not None:
        tgt_catalogue = tgt.with_overrides(tgt_catalogue, scenario.targets)
    results, indicators, targets = {}, {}, []
    for i, label in enumerate(members.index):
        one = pd.DataFrame({k: v[:, i] for k, v in ens.values.items()}, index=time)
        results[label] = one
        if ind_catalogue is not None:
            indicators[label] = ind.compute(one, ind_catalogue)
        if tgt_catalogue is not None:
            targets.append(tgt.evaluate(one, tgt_catalogue).assign(member=label))
    names = [members.index.name or "member"]
    stacked = pd.concat(results, names=names)
    table = pd.concat(indicators, names=names) if indicators else None
    evaluated = None
    if targets:
        evaluated = pd.concat(targets, ignore_index=True).rename(columns={"member": names[0]})
        evaluated = evaluated[[names[0]] + [c for c in evaluated.columns if c != names[0]]]
    return runner.Simulation(scenario, stacked, table, evaluated, tgt_catalogue, ens.engine,
                      ens.notice, members=members)


def write(sim: runner.Simulation, dest: Path) -> Path:
    """The stacked tables of a run of several members, with the members' parameter sets."""
    info = model_mod.info(sim.scenario.model)
    with outputs.atomic_folder(dest, runner._inputs([sim.scenario])) as tmp:
        tables = {"members": sim.members, "results": sim.results}
        outputs.write_csv(sim.members, tmp / "members.csv")
        outputs.write_csv(sim.results, tmp / "results.csv")
        if sim.indicators is not None:
            outputs.write_csv(sim.indicators, tmp / "indicators.csv")
            tables = {"indicators": sim.indicators, **tables}
        if sim.targets is not None:
            targets = runner._targets_for_output(sim.targets)
            outputs.write_csv(targets, tmp / "targets.csv", index=False)
            tables = {"targets": targets, **tables}
        outputs.write_xlsx(tables, tmp / "results.xlsx")
        outputs.write_yaml(sim.scenario.to_dict(info), tmp / "scenario.yaml")
        outputs.write_manifest(runner._manifest([sim]), tmp / "manifest.json")
    return dest
