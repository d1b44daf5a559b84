"""What the page shows for one set of values, and each browser session's own state.

A `Tuner` holds the opened scenario (and actuals, if any) for the whole server; a `Session`
holds one browser's current values and its pinned run. `Tuner.run` turns a request into the
targets table and the chart series, with the same engine, anchoring and target rules as
`sim run`.
"""

from __future__ import annotations

import math
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from .. import actuals as actuals_mod
from .. import indicators as ind
from .. import model as model_mod
from .. import anchoring, engine, measures
from ..messages import LANGS
from .. import scenario as scen
from .. import targets as tgt
from ..charts.labels import short_unit
from ..errors import InputError, Problem
from ..review import level_series
from . import controls, request

MODELLED = measures.STATUSES
MAX_SESSIONS = 64


def _number(value):
    """A float for JSON: None for NaN and infinities."""
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass
class Session:
    """One browser's values (the scenario of its last valid request), that run and its pin."""

    scenario: scen.Scenario | None = None
    result: dict | None = None
    pinned: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Tuner:
    """The opened scenario, run on request with a browser's values."""

    def __init__(self, path, actuals: Path | None = None, as_of: int | None = None):
        self.base = anchoring.configure(scen.load(path), actuals, as_of)
        self.info = model_mod.info(self.base.model)
        self.catalogue = tgt.catalogue_for(self.base.model)
        if self.catalogue is not None:
            self.catalogue = tgt.with_overrides(self.catalogue, self.base.targets)
        self.indicators = ind.catalogue_for(self.base.model)
        self.units = dict(zip(self.info.doc["Real Name"], self.info.doc["Units"]))
        self.observed = (actuals_mod.load(self.base.actuals, self.base.model)
                         if self.base.actuals is not None else None)
        self._actuals = {}  # indicator id -> [[year, value], ...], read once
        if self.observed is not None:
            for r in self.observed.sort_values(["indicator", "year"]).itertuples():
                self._actuals.setdefault(r.indicator, []).append([int(r.year), _number(r.value)])
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self._sessions_lock = threading.Lock()

    # -- sessions -------------------------------------------------------------------------
    def new_session(self) -> str:
        """A fresh session id; the oldest session is dropped beyond MAX_SESSIONS."""
        key = secrets.token_urlsafe(16)
        with self._sessions_lock:
            self.sessions[key] = Session()
            while len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return key

    def session(self, key) -> Session:
        with self._sessions_lock:
            found = self.sessions.get(key) if isinstance(key, str) else None
            if found is not None:
                self.sessions.move_to_end(key)
        if found is None:
            raise InputError([Problem(request.WHERE, "session", "unknown or expired session. "
                                      "Reload the page.")])
        return found

    # -- what the page shows --------------------------------------------------------------
    def describe(self) -> dict:
        """The scenario, its controls and the static parts of the charts."""
        base = self.base
        return {"scenario": {"name": base.name, "path": scen.display_path(base.path),
                             "title": base.title, "description": base.description,
                             "actuals": base.actuals.name if base.actuals else None,
                             "as_of": base.as_of,
                             "samples": base.uncertainty.get("samples") if base.uncertainty
                             else None},
                **controls.describe(self.info, base)}

    def run(self, session: Session, body) -> dict:
        """Check and run the request's values; they become the session's current values."""
        scenario = request.scenario_with(self.base, body)
        result = self.simulate(scenario)
        with session.lock:
            session.scenario, session.result = scenario, result
        return result

    def results(self, scenario: scen.Scenario):
        """(results, Anchored or None, notes) of `scenario`, composed as runner.simulate
        composes them, with the catalogues and actuals read once; the page shows no
        indicator table. The notes say when the model ran with PySD instead."""
        notes = []

        def run(s):
            out, _, notice = engine.run_with(s)
            if notice and notice not in notes:
                notes.append(notice)
            return out

        if scenario.actuals is None:
            return run(scenario), None, notes
        anchored = anchoring.anchor(scenario, self.observed, scenario.as_of, run)
        return anchored.results, anchored, notes

    def simulate(self, scenario: scen.Scenario) -> dict:
        """Targets, tracked targets and chart series of one run of `scenario`."""
        results, anchor, notes = self.results(scenario)
        out = {"targets": [], "tracked": [], "charts": [], "notices": notes}
        if anchor is not None:
            out["notices"] += list(anchor.notices)
            out["as_of"] = anchor.as_of
        if self.catalogue is None:
            return out
        yearly = ind.annual(results)
        status = tgt.evaluate(results, self.catalogue).set_index("id")
        ind_catalogue = self.indicators
        for t in self.catalogue.itertuples(index=False):
            row = status.loc[t.id]
            entry = {"id": t.id, "zh": t.indicator_zh, "en": t.indicator_en,
                     "unit": {lang: short_unit(t.unit, lang, t.unit_zh) for lang in LANGS},
                     "year": int(t.year), "target": _number(t.target),
                     "comparator": t.comparator, "tolerance": _number(t.tolerance),
                     "measure": t.measure}
            if row["status"] not in MODELLED:
                out["tracked"].append(entry)
                continue
            out["targets"].append({**entry, "projected": _number(row["projected"]),
                                   "gap": _number(row["gap"]), "status": row["status"]})
            out["charts"].append(self._chart(yearly, t, ind_catalogue))
        return out

    def _chart(self, yearly, target, ind_catalogue) -> dict:
        """One target's path, the path it needs and its actuals, in the chart's unit."""
        series = yearly[target.variable].astype(float)
        if target.measure == "level":
            series = series * target.scale
            unit = target.unit
        else:  # growth targets are drawn as the level that grows
            unit = self.units.get(target.variable, "")
        required = tgt.required_path(series, target)
        chart = {"id": target.id, "unit": {lang: short_unit(unit, lang) for lang in LANGS},
                 "years": [int(y) for y in series.index],
                 "values": [_number(v) for v in series],
                 "required": None if required is None else
                 [[int(y), _number(v)] for y, v in required.items()],
                 "target": _number(target.target) if target.measure == "level" else None,
                 "actuals": []}
        if self.observed is not None and ind_catalogue is not None:
            chart["actuals"] = self._actuals.get(level_series(target, ind_catalogue), [])
        return chart

    def pin(self, session: Session) -> dict:
        """Keep the session's current run as its reference."""
        with session.lock:
            if session.result is None:
                raise InputError([Problem(request.WHERE, "pin", "nothing to pin yet. Run "
                                          "the scenario first.")])
            session.pinned = session.result
            return session.pinned


    def uncertainty(self, session: Session, samples: int | None = None) -> dict:
        """The uncertainty section around the session's current values (sim/tune/spread.py)."""
        from . import spread

        with session.lock:
            scenario, result = session.scenario, session.result
        if scenario is None or result is None:
            raise InputError([Problem(request.WHERE, "uncertainty", "nothing to run yet. Run "
                                      "the scenario first.")])
        if not self.base.uncertainty.get("parameters"):
            raise InputError([Problem(scen.display_path(self.base.path), "uncertainty",
                                      "this scenario has no uncertainty: section. Add one "
                                      "(see scenarios/README.md).")])
        return spread.run(self.base, scenario, self.info, self.catalogue, result["charts"],
                          samples)

    def save(self, session: Session, name) -> Path:
        """Write the session's values as a scenario file beside the opened one."""
        from . import saving

        with session.lock:
            scenario = session.scenario
        if scenario is None:
            raise InputError([Problem(request.WHERE, "save", "nothing to save yet. Run the "
                                      "scenario first.")])
        return saving.save(self.base, scenario, self.info, name)
