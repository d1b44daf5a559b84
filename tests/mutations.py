"""Bad inputs made from the shipped files, for property-based tests and benchmarks/fuzz_inputs.py.

Each strategy draws one invalid input of its kind: the shipped scenario files, `--set`
options, calibration specs, uncertainty sections and models given through `model:`. Every
mutation is invalid by construction (a value of the wrong type for its slot, a key that does
not exist, a broken time span or distribution, a broken model), so the only right answer is
exit code 1 with one `file:line: key | problem. how to fix` line per problem.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
from hypothesis import assume
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
CALIBRATION = REPO / "calibration"
MODEL = REPO / "models" / "qingdao_fyp.mdl"
RAW = "RAW{}RAW"  # a placeholder replaced by YAML text that safe_dump cannot write
LINE = re.compile(r"(Error: )?(?P<file>[^|]+?)(:\d+)?: (?:(?P<key>[^|]+) \| )?(?P<msg>\S.*)")

ALIAS_BOMB = "[" + ", ".join(["&a0 [" + ", ".join(["1"] * 10) + "]"] + [
    f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]) + "]"
RAW_NUMBERS = [".nan", ".inf", "-.inf", "9" * 400, "!custom 1", "[" * 300 + "]" * 300,
               "{a: " * 30 + "1" + "}" * 30, ALIAS_BOMB, "!!binary aGVsbG8=", "!!set {a, b}",
               "2022-01-01", "2022-01-01T10:00:00Z", "!!str 1"]
RAW_COUNTS = ["1_000", "0x20", "012", "0o17", "0b101"]
BILINGUAL = ("title", "description")
COUNT_KEYS = ("samples", "seed", "starts", "max_runs", "walkers", "steps", "burn", "from", "to")


def load(path: Path) -> dict:
    """A shipped file as plain data, with its relative paths made absolute."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("extends", "model", "scenario", "data"):
        if isinstance(data.get(key), str):
            data[key] = str((path.parent / data[key]).resolve())
    return data


def dump(data, raws: list[str]) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    for i, raw in enumerate(raws):
        text = text.replace(f"'{RAW.format(i)}'", raw).replace(RAW.format(i), raw)
    return text


def _slots(node, path=()):
    """Every (path, value) below `node`, mappings and lists included."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((path + (k,), v))
            out += _slots(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((path + (i,), v))
            out += _slots(v, path + (i,))
    return out


def _set(data, path, value):
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


texts = st.text(min_size=0, max_size=12)
wrong_scalars = st.one_of(st.booleans(), st.none(), st.lists(st.integers(), max_size=3),
                          st.dictionaries(texts, st.integers(), max_size=2))


def _wrong_for(value, key):
    """Values that cannot fill the slot that holds `value` (under `key`)."""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        numbers = st.one_of(texts, wrong_scalars, st.sampled_from(RAW_NUMBERS).map(_raw))
        if key in COUNT_KEYS:
            numbers = st.one_of(numbers, st.sampled_from(RAW_COUNTS).map(_raw),
                                st.floats(allow_nan=False).filter(lambda f: f != int(f)
                                                                  if abs(f) < 1e300 else True))
        return numbers
    if isinstance(value, str):
        return st.one_of(st.integers(), st.floats(), st.booleans(), st.none(),
                         st.lists(texts, max_size=2))
    if isinstance(value, dict) and key in BILINGUAL:
        return st.one_of(st.integers(), st.booleans(), st.none(), st.lists(texts, max_size=2))
    return st.one_of(st.integers(), texts.filter(lambda t: key not in BILINGUAL),
                     st.booleans(), st.none(),
                     st.lists(st.integers(), max_size=2) if isinstance(value, dict) else
                     st.dictionaries(texts, st.integers(), max_size=2))


class _Raw:
    def __init__(self, text):
        self.text = text


def _raw(text):
    return _Raw(text)


def _place(data, path, value, raws):
    if isinstance(value, _Raw):
        raws.append(value.text)
        value = RAW.format(len(raws) - 1)
    _set(data, path, value)


unknown_keys = st.one_of(texts.map(lambda t: "zz" + t.replace("\n", " ")),
                         st.sampled_from([123, None, True, 1.5]))


@st.composite
def mutated(draw, data: dict, under: tuple = ()):
    """`data` (or its subtree at `under`) with one invalid change: (data, raw texts)."""
    data = copy.deepcopy(data)
    raws: list[str] = []
    root = data
    for part in under:
        root = root[part]
    slots = [(under + p, v) for p, v in _slots(root)]
    how = draw(st.sampled_from(["wrong", "wrong", "key"]))
    if how == "wrong":
        path, value = draw(st.sampled_from(slots))
        key = path[-1] if isinstance(path[-1], str) else path[-2]
        if key in ("zh", "en"):
            key = "title"
        wrong = draw(_wrong_for(value, key))
        if key == "distribution" and isinstance(wrong, str):
            assume(wrong not in ("uniform", "normal", "triangular", "lognormal", "choice"))
        _place(data, path, wrong, raws)
    else:
        maps = [(p, v) for p, v in [(under, root)] + slots if isinstance(v, dict)]
        path, mapping = draw(st.sampled_from(maps))
        key = draw(unknown_keys)
        assume(key not in mapping)
        mapping[key] = draw(st.one_of(st.floats(0, 1), st.integers(2021, 2025), texts))
    return data, raws


@st.composite
def semantic(draw, data: dict, kind: str):
    """Well-typed values that break a rule: a time span, a distribution, a range, a
    calibration's prior or sampler."""
    data = copy.deepcopy(data)
    if kind == "calibration":
        return _broken_calibration(draw, data)
    if kind == "time":
        data.setdefault("time", {})
        choice = draw(st.sampled_from(["final", "step", "order", "saveper", "long"]))
        if choice == "final":
            data["time"]["final"] = draw(st.one_of(st.floats(10_000, 1e300),
                                                   st.integers(2321, 9999)))
        elif choice == "step":
            data["time"]["step"] = draw(st.floats(1e-300, 4e-5))
        elif choice == "order":
            data["time"]["final"] = draw(st.floats(1900, 2020))
        elif choice == "long":
            data["time"]["saveper"] = draw(st.integers(301, 10**6)) * 1.0
        else:
            data["time"]["saveper"] = draw(st.floats(0.01, 0.99).filter(
                lambda f: abs(f / 0.25 - round(f / 0.25)) > 1e-6))
        return data
    params = data["uncertainty"]["parameters"]
    name = draw(st.sampled_from(sorted(params)))
    spec = params[name]
    kind = spec["distribution"]
    if kind in ("uniform", "triangular") or ("lower" in spec and "upper" in spec):
        spec["lower"], spec["upper"] = spec["upper"], spec["lower"]
    elif kind == "normal":
        spec["sd"] = draw(st.sampled_from([0, -0.01, 1e-300]))
    elif kind == "choice":
        spec["weights"] = draw(st.lists(st.floats(0, 1), max_size=len(spec["values"]) + 3)
                               .filter(lambda w: len(w) != len(spec["values"]) or sum(w) == 0))
    else:
        spec["sigma"] = draw(st.sampled_from([0, -1, 1e-300, 1e3]))
    return data


def _broken_calibration(draw, data: dict) -> dict:
    """A calibration spec with priors and the mcmc method that breaks one of their rules."""
    params = data["parameters"]
    name = draw(st.sampled_from(sorted(params)))
    spec, method = params[name], data.setdefault("method", {})
    lower, upper = spec["bounds"]
    choice = draw(st.sampled_from(["walkers", "burn", "outside", "source", "historical",
                                   "no prior", "shocks"]))
    if choice == "walkers":
        method["walkers"] = draw(st.integers(0, 3) | st.integers(2, 500).map(lambda n: 2 * n + 1))
    elif choice == "burn":
        method["burn"] = method.get("steps", 1500) + draw(st.integers(0, 100))
    elif choice == "outside":
        spec["prior"] = {**spec["prior"], "distribution": "normal",
                         "mean": upper + draw(st.floats(0.001, 10)) * (upper - lower)}
    elif choice == "source":
        spec["prior"]["source"] = draw(st.sampled_from(["", "  ", "\t"]))
    elif choice == "historical":
        spec["historical"] = [upper, lower]
    elif choice == "no prior":
        del spec["prior"]
        method["name"] = "mcmc"
    else:
        data["likelihood"] = "shocks"
        method["name"] = draw(st.sampled_from(["least_squares", "differential_evolution"]))
    return data


@st.composite
def bad_sets(draw, info):
    """One bad `--set NAME=VALUE` option."""
    names = sorted(info.parameters)
    how = draw(st.sampled_from(["no_equals", "unknown", "not_number", "outside", "no_name"]))
    if how == "no_equals":
        return draw(texts.filter(lambda t: "=" not in t))
    if how == "unknown":
        return f"zz{draw(texts)}={draw(st.floats(0, 1))}".replace("\x00", "")
    if how == "no_name":
        return f"{draw(st.sampled_from(['', ' ', '  ']))}={draw(st.floats(0, 1))}"
    name = draw(st.sampled_from(names))
    if how == "not_number":
        value = draw(st.one_of(texts, st.sampled_from(["nan", "inf", "-inf", "1e999", "8%",
                                                       "0x20", "true", ""])))
        try:
            import math
            assume(not math.isfinite(float(value)))
        except ValueError:
            pass
        return f"{name}={value}"
    p = info.parameters[name]
    assume(p.maximum is not None)
    return f"{name}={p.maximum + draw(st.floats(1e-6, 1e6))!r}"


@st.composite
def broken_models(draw, folder: Path):
    """A `model:` value naming something that is not a working Vensim model."""
    how = draw(st.sampled_from(["missing", "folder", "suffix", "bytes", "text", "cut",
                                "empty"]))
    path = folder / "m.mdl"
    if how == "missing":
        return str(folder / "nowhere.mdl")
    if how == "folder":
        (folder / "d.mdl").mkdir(exist_ok=True)
        return str(folder / "d.mdl")
    text = MODEL.read_text(encoding="utf-8")
    if how == "suffix":
        path = folder / "m.txt"
        path.write_text(text, encoding="utf-8")
    elif how == "bytes":
        path.write_bytes(draw(st.binary(min_size=1, max_size=200)) + b"\xff\xfe")
    elif how == "text":
        path.write_text(draw(st.text(max_size=200)).replace("~", "") + "\n", encoding="utf-8")
    elif how == "cut":
        cut = draw(st.integers(text.index("\n") + 1, len(text) - 1))
        path.write_text(text[:cut] + "\nbroken = ((( ~ ~ |\n", encoding="utf-8")
    else:
        path.write_text("", encoding="utf-8")
    return str(path)


def check_failure(result, out: Path, files: set[str]) -> None:
    """Exit code 1, one well-formed line per problem naming an input, no traceback, no
    output folder."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines and lines[0].startswith("Error: "), result.output
    for line in lines:
        match = LINE.fullmatch(line)
        assert match, line
        named = match["file"].removeprefix("Error: ")
        if named not in files and named.startswith("--"):  # an option's value: its input
            named = match["key"]
        assert named in files, (line, files)
    assert not out.exists()
