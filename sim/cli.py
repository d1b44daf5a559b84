"""The `sim` command line: each command parses its options and calls one library function."""

from __future__ import annotations

import gc
import importlib
import json
import math
import sys
import unicodedata
from pathlib import Path

import click

from . import messages
from .bundled import default_model
from .errors import InputError, Problem, SimError

# The library is imported inside each command, so that `sim --help` answers at once.
DEFAULT_MODEL = default_model()

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="Language of chart labels and printed tables.")
ENGINE = click.option("--engine", "engine_name", type=click.Choice(["batch", "pysd"]),
                      default="batch", show_default=True,
                      help="batch: numpy, same results as PySD; models it does not support "
                           "run with PySD. pysd: always PySD.")
SEED = click.option("--seed", type=int, help="Random seed [default: the scenario's].")
ACTUALS = click.option("--actuals", type=click.Path(path_type=Path),
                       help="Anchor the run on these actuals (CSV: year,indicator,value,unit,"
                            "grade,basis,source): observed years are data, projections start "
                            "from the latest [default: the scenario's actuals:].")
AS_OF = click.option("--as-of", "as_of", type=int,
                     help="Use the actuals up to this year only [default: the latest year "
                          "with data].")


def _constants(ctx, param, sets) -> dict[str, float]:
    """`--set NAME=VALUE` options as {name: value}; every malformed one reported at once."""
    values, problems = {}, []
    for item in sets:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(Problem("--set", item, messages.text("set_malformed")))
            continue
        try:
            value = float(text)
        except ValueError:
            from .yamlfile import number_hint

            problems.append(Problem("--set", name, messages.text(
                "set_not_a_number", text=text, hint=number_hint(text).capitalize())))
            continue
        if not math.isfinite(value):
            problems.append(Problem("--set", name, messages.text("set_not_finite")))
            continue
        values[name] = value
    if problems:
        raise InputError(problems)
    return values


SET = click.option("--set", "constants", multiple=True, metavar="NAME=VALUE",
                   callback=_constants,
                   help="Override a model constant for this run (repeatable); wins over the "
                        "scenario files.")


def library(*modules: str):
    """The `sim` API, with the modules a command uses (and pandas) loaded while the cyclic
    garbage collector is paused; what they built is then frozen: those objects live as long
    as the process, and sparing the collector from walking them again and again saves a few
    tenths of a second per command."""
    gc.disable()
    try:
        for name in modules:
            importlib.import_module(f"{__package__}.{name}")
    finally:
        gc.freeze()
        gc.enable()
    return sys.modules[__package__]


# The library names a bad argument by its Python name in a problem's first place; on the
# command line it came from this option.
OPTION_OF = {"constants": "--set", "samples": "--samples", "seed": "--seed", "as_of": "--as-of",
             "uncertainty": "--uncertainty", "hold_out_from": "--hold-out-from",
             "posterior": "--posterior"}


class SimGroup(click.Group):
    """Turns every domain error into one clean message and exit code 1 (unless --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SimError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(exc, InputError):
                exc = InputError([Problem(OPTION_OF[p.file], p.key, p.message, p.line)
                                  if p.file in OPTION_OF else p for p in exc.problems])
            raise click.ClickException(str(exc)) from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _clip(text: str, width: int) -> str:
    return text if _width(text) <= width else text[:width - 1] + "…"


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.2f}" if abs(value) < 1e5 else f"{value:,.0f}"


def _check_out(out, *inputs) -> None:
    """Refuse a bad --out before any work is done (the writer checks it again)."""
    if out is not None:
        from .outputs import check_folder

        check_folder(out, [Path(p) for p in inputs])


def _notice(sim) -> None:
    """The engine's one-line note (a model run with PySD instead of the batch engine)."""
    if sim.notice:
        click.echo(messages.text("note", text=sim.notice), err=True)


def _anchor_notes(sim, lang: str) -> None:
    """One line on an anchored run's as-of year, then what the data overrode."""
    if sim.anchor is None:
        return
    click.echo(messages.text("anchored", lang, year=sim.anchor.as_of,
                             file=sim.scenario.actuals.name), err=True)
    for line in sim.anchor.notices:
        click.echo(messages.text("note", text=line), err=True)


def format_targets(targets, lang: str) -> str:
    """The modelled targets as an aligned text table."""
    from .charts.labels import short_unit

    rows = [tuple(messages.text(f"col_{c}", lang) for c in
                  ("id", "indicator", "target", "projected", "gap", "status"))]
    for t in targets.itertuples(index=False):
        if t.status == "tracked":
            continue
        name = getattr(t, f"indicator_{lang}")
        unit = short_unit(t.unit, lang, t.unit_zh)
        if t.measure != "level":
            unit = messages.text("unit_pct_a_year", lang)
        cmp_ = {"approx": "≈", "at_least": "≥", "reach": "≥"}[t.comparator]
        tol = f"±{t.tolerance:g}" if t.comparator == "approx" and not math.isnan(t.tolerance) \
            else ""
        status = messages.text(f"status_{t.status}", lang)
        rows.append((t.id, _clip(name, 30), f"{cmp_}{t.target:g}{tol} {unit}", _num(t.projected),
                     _num(t.gap), status))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = (False, False, False, True, True, False)
    lines = ["  ".join(_pad(c, w, r) for c, w, r in zip(row, widths, right)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@click.group(cls=SimGroup)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="sim")
@click.pass_context
def main(ctx, debug):
    """Scenario simulator for Qingdao's 14th Five-Year Plan (2021-2025)."""
    ctx.obj = {"debug": debug}


def _run_options(default_out: str):
    """The options of the commands that run and write scenarios: --out, the actuals, --set,
    the language and the engine."""
    def apply(command):
        for option in (ENGINE, LANG, SET, AS_OF, ACTUALS,
                       click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                                    help=f"Output folder [default: {default_out}].")):
            command = option(command)
        return command
    return apply


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@_run_options("outputs/<scenario name>")
def run(scenario_file, out, actuals, as_of, constants, lang, engine_name):
    """Run SCENARIO and write tables and charts; print every modelled 2025 target."""
    api = library("runner")
    _check_out(out, scenario_file, *([actuals] if actuals else []))
    sim = api.simulate(scenario_file, constants=constants, engine=engine_name, actuals=actuals,
                       as_of=as_of)
    _notice(sim)
    _anchor_notes(sim, lang)
    if sim.targets is not None:
        click.echo(format_targets(sim.targets, lang))
        modelled = sim.targets[~sim.targets["status"].isin(["tracked", "outside run"])]
        met = int(modelled["status"].isin(("met", "exceeded")).sum())  # 超额 counts
        click.echo("\n" + messages.text("targets_met", lang, met=met, n=len(modelled)))
    dest = sim.write(out or Path("outputs") / sim.scenario.name, lang)
    click.echo(messages.text("written_to", lang, path=dest))


@main.command()
@click.argument("scenario_files", nargs=-1, required=True, metavar="SCENARIO...")
@_run_options("outputs/compare")
def compare(scenario_files, out, actuals, as_of, constants, lang, engine_name):
    """Run several scenarios and compare their targets side by side."""
    api = library("runner")
    _check_out(out, *scenario_files, *([actuals] if actuals else []))
    comparison = api.compare(scenario_files, constants=constants, engine=engine_name,
                             actuals=actuals, as_of=as_of)
    for sim in comparison.simulations:
        _notice(sim)
        _anchor_notes(sim, lang)
    dest = comparison.write(out or Path("outputs") / "compare", lang)
    table = comparison.table
    if not table.empty:
        shown = table[table[table.columns[-1]] != "tracked"]
        cols = ["id"] + [c for c in table.columns if c.endswith(":projected")]
        click.echo(shown[cols].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    click.echo(messages.text("written_to", lang, path=dest))


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--samples", type=int, help="Members to run [default: the scenario's].")
@SEED
@click.option("--sampling", type=click.Choice(["latin_hypercube", "random"]),
              help="Sampling design [default: the scenario's, else latin_hypercube].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/uncertainty/<scenario name>].")
@click.option("--posterior", type=click.Path(path_type=Path),
              help="A 'sim calibrate' folder: its posterior draws replace the distributions "
                   "of the parameters it fitted.")
@ACTUALS
@AS_OF
@SET
@LANG
def uncertainty(scenario_file, samples, seed, sampling, out, posterior, actuals, as_of,
                constants, lang):
    """Probability of meeting each target, from the scenario's uncertainty: section."""
    api = library("uncertainty")
    _check_out(out, scenario_file)
    live = sys.stderr.isatty()

    def progress(done, total):
        click.echo(("\r" if live else "") + messages.text("members_done", done=done,
                                                          total=total), nl=not live, err=True)

    result = api.uncertainty_analysis(scenario_file, samples=samples, seed=seed,
                                      sampling=sampling, constants=constants, actuals=actuals,
                                      as_of=as_of, progress=progress, posterior=posterior)
    if live:
        click.echo("", err=True)
    if result.ensemble.notice:
        click.echo(messages.text("note", text=result.ensemble.notice), err=True)
    dest = api.write(result, out or Path("outputs") / "uncertainty" / result.scenario.name, lang)
    if not result.probabilities.empty:
        name = f"indicator_{lang}"
        table = result.probabilities[["id", name, "target", "p5", "p50", "p95", "p_met"]]
        click.echo(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    click.echo(messages.text("ensemble_summary", samples=result.settings["samples"],
                             sampling=result.settings["sampling"], seed=result.settings["seed"],
                             engine=result.ensemble.engine))
    click.echo(messages.text("written_to", lang, path=dest))


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--method", type=click.Choice(["sobol", "morris"]), default="sobol",
              show_default=True, help="Sobol indices or Morris screening (SALib).")
@click.option("--samples", type=int,
              help="Base samples: a power of two for Sobol [default 1024]; trajectories "
                   "for Morris [default 100].")
@SEED
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/sensitivity/<scenario name>_<method>].")
@ACTUALS
@AS_OF
@SET
@LANG
def sensitivity(scenario_file, method, samples, seed, out, actuals, as_of, constants, lang):
    """Rank the uncertain parameters by their effect on each 2025 target."""
    api = library("sensitivity")
    _check_out(out, scenario_file)
    result = api.sensitivity_analysis(scenario_file, method, samples=samples, seed=seed,
                                      constants=constants, actuals=actuals, as_of=as_of)
    dest = api.write(result, out or Path("outputs") / "sensitivity" /
                     f"{result.scenario.name}_{method}", lang)
    click.echo(result.ranking.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    click.echo(messages.text("sensitivity_summary", method=method, runs=result.runs,
                             seed=result.settings["seed"]))
    click.echo(messages.text("written_to", lang, path=dest))


@main.command()
@click.argument("scenario_files", nargs=-1, required=True, metavar="SCENARIO...")
@click.option("--actuals", type=click.Path(path_type=Path), required=True,
              help="Actual values in long form (year,indicator,value,unit,source).")
@click.option("--uncertainty", "uncertainty_dir", type=click.Path(path_type=Path),
              help="A folder written by 'sim uncertainty' on one of the scenarios, for its "
                   "band on the charts.")
@click.option("--as-of", "as_of", type=int, default=None,
              help="Review with the data up to this year [default: the latest year with "
                   "data]; the target year gives the final evaluation.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/review].")
@SET
@LANG
def review(scenario_files, actuals, uncertainty_dir, as_of, out, constants, lang):
    """The plan's review (mid-term or final): actuals, projections and targets."""
    api = library("review", "review_tables")
    from .review import STATUSES, status_word
    from .review_tables import headline_cells

    _check_out(out, actuals, *scenario_files)
    result = api.midterm_review(actuals, scenario_files, uncertainty=uncertainty_dir,
                                constants=constants, as_of=as_of)
    dest = api.write(result, out or Path("outputs") / "review", lang)
    head, rows, _ = headline_cells(result, lang)
    keep = [0, 2, 5, len(head) - 1]  # indicator, latest actual, required growth, status
    table = [[row[i] for i in keep] for row in [head] + rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(keep))]
    lines = ["  ".join(_pad(c, w, False) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    click.echo("\n".join(lines))
    counts = result.summary["status"].value_counts()
    click.echo(", ".join(f"{status_word(k, lang)}: {counts[k]}"
                         for k in STATUSES if k in counts))
    click.echo(messages.text("report_at", lang, path=dest / "index.html"))


@main.command()
@click.argument("spec_file", metavar="SPEC")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/calibration/<spec name>].")
@LANG
def calibrate(spec_file, out, lang):
    """Fit the parameters named in SPEC to its observed data."""
    api = library("calibration")
    from .calibration import summary

    _check_out(out, spec_file)
    spec = api.load_spec(spec_file)
    live = sys.stderr.isatty()

    def progress(runs, best):
        if runs % (10 if live else 100) == 0:
            click.echo(("\r" if live else "") + messages.text("fit_progress", runs=runs,
                                                              best=best), nl=not live, err=True)

    how = (messages.text("sampler", walkers=spec.walkers, steps=spec.steps)
           if spec.method == "mcmc" else messages.text("starts", starts=spec.starts))
    click.echo(messages.text("fitting", parameters=len(spec.parameters),
                             observations=len(spec.data), method=spec.method, how=how,
                             seed=spec.seed), err=True)
    cal = api.calibrate(spec, progress=progress)
    click.echo("", err=True)
    dest = api.write(cal, out or Path("outputs") / "calibration" / spec.name, lang)
    click.echo(summary(cal))
    click.echo("\n" + messages.text("written_to", lang, path=dest))
    click.echo(messages.text("calibrated_scenario", path=dest / (spec.name + ".yaml")))
    if not cal.converged:
        raise SimError(messages.text("fit_not_converged", spec=spec_file, reason=cal.message,
                                     dest=dest, fix=messages.text(
                                         "raise_steps" if spec.method == "mcmc"
                                         else "raise_max_runs")))


@main.command()
@click.argument("spec_file", metavar="SPEC")
@click.option("--hold-out-from", "hold_out_from", type=int, required=True, metavar="YEAR",
              help="Fit to the data before YEAR; compare with the data from YEAR on.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/backtest/<spec name>_from_<YEAR>].")
@LANG
def backtest(spec_file, hold_out_from, out, lang):
    """Fit SPEC before a year, project, and score against the years held out."""
    api = library("calibration")
    from .calibration.backtest import summary_text

    _check_out(out, spec_file)
    result = api.backtest(spec_file, hold_out_from)
    dest = api.write(result, out or Path("outputs") / "backtest" /
                     f"{result.spec.name}_from_{hold_out_from}", lang)
    click.echo(summary_text(result))
    click.echo("\n" + messages.text("written_to", lang, path=dest))


@main.command()
@click.option("--model", "model_path", type=click.Path(path_type=Path),
              default=DEFAULT_MODEL, show_default=True, help="Vensim model file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def params(model_path, as_json):
    """List every tunable parameter with value, unit, range and description."""
    api = library("model")
    table = api.parameters(model_path)
    if as_json:
        click.echo(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=2))
        return
    for p in table.itertuples(index=False):
        lo = "" if p.min is None or math.isnan(p.min) else f"{p.min:g}"
        hi = "" if p.max is None or math.isnan(p.max) else f"{p.max:g}"
        click.echo(messages.text("parameter", name=p.name, value=p.value, lo=lo, hi=hi,
                                 unit=p.unit, description=p.description))


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@SET
def validate(scenario_file, constants):
    """Check SCENARIO (and the files it extends) without running it."""
    api = library("scenario")
    s = api.load_scenario(scenario_file, constants=constants)
    click.echo(messages.text("validated", path=scenario_file, constants=len(s.constants),
                             series=len(s.series), model=s.model.name))


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@ACTUALS
@AS_OF
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on; anything but loopback exposes the page to others.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
def tune(scenario_file, actuals, as_of, port, host, no_browser):
    """Tune SCENARIO's assumptions in the browser and see every target respond."""
    server = library("tune.server").tune.server
    if not server.is_loopback(host):
        click.echo(messages.text("tune_exposed", host=host), err=True)
    server.serve(scenario_file, actuals, as_of, host, port, not no_browser,
                 announce=lambda url: click.echo(messages.text("tune_serving", url=url)))


def entry() -> None:
    """The `sim` console script: `main`, with everything alive at the end frozen so that
    the interpreter does not walk it once more on its way out."""
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    entry()
