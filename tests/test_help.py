"""The command line's help: every command summarised in full, and the README's command
reference naming the same options with the same placeholders."""

import re

import click
import pytest
from click.testing import CliRunner

from sim.cli import main

from .conftest import REPO

SUMMARIES = {
    "backtest": "Fit SPEC before a year and score its projection after it.",
    "calibrate": "Fit the parameters named in SPEC to its observed data.",
    "compare": "Run several scenarios and compare their targets side by side.",
    "params": "List the model's tunable parameters.",
    "review": "Review the plan (mid-term or final) against the actuals.",
    "run": "Run SCENARIO and measure it against the 2025 targets.",
    "sensitivity": "Rank the uncertain parameters by their effect on the targets.",
    "tune": "Tune SCENARIO in the browser and see every target respond.",
    "uncertainty": "Estimate the probability of meeting each target.",
    "validate": "Check SCENARIO (and the files it extends) without running it.",
}


def test_the_command_list_shows_every_summary_whole():
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    listed = result.output.split("Commands:\n")[1].splitlines()
    assert listed == [f"  {name:<11}  {text}" for name, text in SUMMARIES.items()]


def reference() -> dict[str, str]:
    """The README's command reference: each command's synopsis, continuation lines joined."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Commands\n\n", 1)[1].split("\n\n", 1)[0]
    out: dict[str, str] = {}
    for line in block.splitlines():
        words = line.split()
        if words[:1] == ["sim"]:
            name = None if words[1].startswith("-") else words[1]  # `sim --debug ...`
            out[name] = ""
        out[name] += " " + line
    return out


def placeholder(param: click.Option) -> str:
    """How the help names an option's value: its metavar, or the choices as 'a|b'."""
    if isinstance(param.type, click.Choice):
        return "|".join(param.type.choices)
    return param.metavar


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_the_readme_names_each_option_as_the_help_does(name):
    synopsis = reference()[name]
    written = dict(re.findall(r"(--[a-z-]+)(?: ([A-Z=]+|[a-z_]+(?:\|[a-z_]+)+))?", synopsis))
    command = main.commands[name]
    options = {p.opts[0]: "" if p.is_flag else placeholder(p)
               for p in command.params if isinstance(p, click.Option)}
    assert written == options
    arguments = [p.metavar for p in command.params if isinstance(p, click.Argument)]
    assert [w for w in synopsis.split() if w.rstrip(".") in ("SCENARIO", "SPEC")] == arguments
