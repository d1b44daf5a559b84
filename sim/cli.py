"""The `sim` command line: each command parses its options and calls one library function."""

from __future__ import annotations

import gc
import json
import math
import sys
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import click

from .errors import SimError

# The library is imported inside each command, so that `sim --help` answers at once.
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "qingdao_fyp.mdl"

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
SET = click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                   help="Override a model constant for this run (repeatable); wins over the "
                        "scenario files.")


@contextmanager
def library_loading():
    """Pause the cyclic garbage collector while the library and pandas load, then freeze
    what they built: those objects live as long as the process, and sparing the collector
    from walking them again and again saves a few tenths of a second per command."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class SimGroup(click.Group):
    """Turns every domain error into one clean message and exit code 1 (unless --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SimError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
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
        click.echo(f"note: {sim.notice}", err=True)


def _anchor_notes(sim, lang: str) -> None:
    """One line on an anchored run's as-of year, then what the data overrode."""
    if sim.anchor is None:
        return
    click.echo((f"以{sim.anchor.as_of}年及以前的实际数据为起点" if lang == "zh" else
                f"anchored on actuals to {sim.anchor.as_of}") + f" ({sim.scenario.actuals.name})",
               err=True)
    for line in sim.anchor.notices:
        click.echo(f"note: {line}", err=True)


def format_targets(targets, lang: str) -> str:
    """The modelled targets as an aligned text table."""
    from .targets import STATUS_ZH as ZH_STATUS

    rows = [("id", "指标" if lang == "zh" else "indicator", "目标" if lang == "zh" else "target",
             "预测" if lang == "zh" else "projected", "差距" if lang == "zh" else "gap",
             "状态" if lang == "zh" else "status")]
    for t in targets.itertuples(index=False):
        if t.status == "tracked":
            continue
        name = t.indicator_zh if lang == "zh" else t.indicator_en
        unit = t.unit_zh if lang == "zh" else t.unit.replace("100 million yuan", "100m yuan")
        if t.measure != "level":
            unit = "%/年" if lang == "zh" else "%/year"
        cmp_ = {"approx": "≈", "at_least": "≥", "reach": "≥"}[t.comparator]
        tol = f"±{t.tolerance:g}" if t.comparator == "approx" and not math.isnan(t.tolerance) \
            else ""
        status = ZH_STATUS.get(t.status, t.status) if lang == "zh" else t.status
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


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/<scenario name>].")
@ACTUALS
@AS_OF
@SET
@LANG
@ENGINE
def run(scenario_file, out, actuals, as_of, sets, lang, engine_name):
    """Run SCENARIO and write tables and charts; print every modelled 2025 target."""
    with library_loading():
        from . import runner

    def show(sim):
        _notice(sim)
        _anchor_notes(sim, lang)
        if sim.targets is not None:
            click.echo(format_targets(sim.targets, lang))
            modelled = sim.targets[~sim.targets["status"].isin(["tracked", "outside run"])]
            met = int(modelled["status"].isin(("met", "exceeded")).sum())  # 超额 counts
            click.echo(("\n{met}/{n} 个建模目标达标" if lang == "zh" else
                        "\n{met} of {n} modelled targets met").format(met=met, n=len(modelled)))

    sim = runner.run(scenario_file, sets=sets, out=out, lang=lang, on_simulated=show,
                     engine_name=engine_name, actuals=actuals, as_of=as_of)
    dest = out or Path("outputs") / sim.scenario.name
    click.echo(f"{'输出' if lang == 'zh' else 'written to'}: {dest}")


@main.command()
@click.argument("scenario_files", nargs=-1, required=True, metavar="SCENARIO...")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/compare].")
@ACTUALS
@AS_OF
@SET
@LANG
@ENGINE
def compare(scenario_files, out, actuals, as_of, sets, lang, engine_name):
    """Run several scenarios and compare their targets side by side."""
    with library_loading():
        from . import runner

    def show(sim):
        _notice(sim)
        _anchor_notes(sim, lang)

    table = runner.compare(scenario_files, sets=sets, out=out, lang=lang,
                           engine_name=engine_name, on_simulated=show, actuals=actuals,
                           as_of=as_of)
    if not table.empty:
        shown = table[table[table.columns[-1]] != "tracked"]
        cols = ["id"] + [c for c in table.columns if c.endswith(":projected")]
        click.echo(shown[cols].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    click.echo(f"{'输出' if lang == 'zh' else 'written to'}: {out or Path('outputs') / 'compare'}")


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--samples", type=int, help="Members to run [default: the scenario's].")
@SEED
@click.option("--sampling", type=click.Choice(["latin_hypercube", "random"]),
              help="Sampling design [default: the scenario's, else latin_hypercube].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/uncertainty/<scenario name>].")
@ACTUALS
@AS_OF
@SET
@LANG
def uncertainty(scenario_file, samples, seed, sampling, out, actuals, as_of, sets, lang):
    """Probability of meeting each target, from the scenario's uncertainty: section."""
    with library_loading():
        from . import uncertainty as unc

    _check_out(out, scenario_file)
    live = sys.stderr.isatty()

    def progress(done, total):
        click.echo(f"{chr(13) if live else ''}  {done}/{total} members", nl=not live, err=True)

    result = unc.run(scenario_file, samples, seed, sampling, sets, progress, actuals, as_of)
    if live:
        click.echo("", err=True)
    if result.ensemble.notice:
        click.echo(f"note: {result.ensemble.notice}", err=True)
    dest = out or Path("outputs") / "uncertainty" / result.scenario.name
    unc.write(result, dest, lang)
    if not result.probabilities.empty:
        name = "indicator_zh" if lang == "zh" else "indicator_en"
        table = result.probabilities[["id", name, "target", "p5", "p50", "p95", "p_met"]]
        click.echo(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    click.echo(f"{result.settings['samples']} members, {result.settings['sampling']}, seed "
               f"{result.settings['seed']}, engine {result.ensemble.engine}")
    click.echo(f"{'输出' if lang == 'zh' else 'written to'}: {dest}")


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
def sensitivity(scenario_file, method, samples, seed, out, actuals, as_of, sets, lang):
    """Rank the uncertain parameters by their effect on each 2025 target."""
    with library_loading():
        from . import sensitivity as sens

    _check_out(out, scenario_file)
    result = sens.run(scenario_file, method, samples, seed, sets, actuals=actuals, as_of=as_of)
    dest = out or Path("outputs") / "sensitivity" / f"{result.scenario.name}_{method}"
    sens.write(result, dest, lang)
    click.echo(result.ranking.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    click.echo(f"{method}: {result.runs} model runs, seed {result.settings['seed']}")
    click.echo(f"{'输出' if lang == 'zh' else 'written to'}: {dest}")


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
def review(scenario_files, actuals, uncertainty_dir, as_of, out, sets, lang):
    """The plan's review (mid-term or final): actuals, projections and targets."""
    with library_loading():
        from . import review as rev
        from .review_tables import headline_cells

    _check_out(out, actuals, *scenario_files)
    result = rev.build(actuals, scenario_files, uncertainty_dir, sets, as_of)
    dest = out or Path("outputs") / "review"
    rev.write(result, dest, lang)
    head, rows, _ = headline_cells(result, lang)
    keep = [0, 2, 5, len(head) - 1]  # indicator, latest actual, required growth, status
    table = [[row[i] for i in keep] for row in [head] + rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(keep))]
    lines = ["  ".join(_pad(c, w, False) for c, w in zip(r, widths)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    click.echo("\n".join(lines))
    counts = result.summary["status"].value_counts()
    click.echo(", ".join(f"{rev.STATUS[k][0 if lang == 'zh' else 1]}: {counts[k]}"
                         for k in rev.STATUS if k in counts))
    click.echo(f"{'报告' if lang == 'zh' else 'report'}: {dest / 'index.html'}")


@main.command()
@click.argument("spec_file", metavar="SPEC")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: outputs/calibration/<spec name>].")
@LANG
def calibrate(spec_file, out, lang):
    """Fit the parameters named in SPEC to its observed data."""
    with library_loading():
        from . import calibration

    _check_out(out, spec_file)
    spec = calibration.load(spec_file)
    dest = out or Path("outputs") / "calibration" / spec.name

    live = sys.stderr.isatty()

    def progress(runs, best):
        if runs % (10 if live else 100) == 0:
            click.echo(f"{chr(13) if live else ''}  {runs} model runs, best objective "
                       f"{best:.6g}", nl=not live, err=True)

    click.echo(f"fitting {len(spec.parameters)} parameters to {len(spec.data)} observations "
               f"({spec.method}, {spec.starts} starts, seed {spec.seed})", err=True)
    cal = calibration.calibrate(spec, progress=progress)
    click.echo("", err=True)
    calibration.write(cal, dest, lang)
    click.echo(calibration.summary(cal))
    click.echo(f"\n{'输出' if lang == 'zh' else 'written to'}: {dest}")
    click.echo(f"calibrated scenario: {dest / (spec.name + '.yaml')}")
    if not cal.converged:
        raise SimError(f"{spec_file}: the fit did not converge ({cal.message}); its best point "
                       f"is kept in {dest}. Raise method.max_runs or narrow the bounds.")


@main.command()
@click.option("--model", "model_path", type=click.Path(path_type=Path),
              default=DEFAULT_MODEL, show_default=True, help="Vensim model file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def params(model_path, as_json):
    """List every tunable parameter with value, unit, range and description."""
    with library_loading():
        from . import model as model_mod

    table = model_mod.info(model_path).table()
    if as_json:
        click.echo(json.dumps(table.to_dict(orient="records"), ensure_ascii=False, indent=2))
        return
    for p in table.itertuples(index=False):
        lo = "" if p.min is None or math.isnan(p.min) else f"{p.min:g}"
        hi = "" if p.max is None or math.isnan(p.max) else f"{p.max:g}"
        click.echo(f"{p.name} = {p.value:g} [{lo}, {hi}] {p.unit}\n    {p.description}")


@main.command()
@click.argument("scenario_file", metavar="SCENARIO")
@SET
def validate(scenario_file, sets):
    """Check SCENARIO (and the files it extends) without running it."""
    with library_loading():
        from . import scenario as scen

    s = scen.load(scenario_file, sets)
    click.echo(f"{scenario_file}: ok ({len(s.constants)} constants, {len(s.series)} series, "
               f"model {s.model.name})")


def entry() -> None:
    """The `sim` console script: `main`, with everything alive at the end frozen so that
    the interpreter does not walk it once more on its way out."""
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    entry()
