"""Random Vensim models (hypothesis strategies) and the comparison of the batch engine with
PySD on them: every operator and function the batch engine supports, unary minus, powers,
nested IF THEN ELSE, negative and zero arguments, lookups, stocks, smooths, delays (some
shorter than their order times TIME STEP), TREND, FORECAST, SAMPLE IF TRUE, GET TIME VALUE,
GAME and macros."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

# integers above 1 are written as floats: PySD computes integer powers exactly, and a tower
# such as 7 ^ (7 ^ 10) would never finish
NUMBERS = ["0", "1", "2.0", "3.0", "0.5", "1.5", "2.5", "10.0", "0.1", "0.0000001", "7.0",
           "0.25"]
CONSTANTS = {"c1": "2.0", "c2": "-0.5", "c3": "0", "c4": "3.5"}
# PySD's clock starts with the type of INITIAL TIME's literal: an integer 0 has no sign,
# where numpy's -0.0 has one (x / -Time at the start is inf, not -inf); a float here
CONTROLS = {"INITIAL TIME": "0.0", "FINAL TIME": "3", "TIME STEP": "0.25",
            "SAVEPER": "TIME STEP"}
UNARY = ["ABS", "EXP", "LN", "SQRT", "SIN", "COS", "TAN", "ARCTAN", "ARCSIN", "ARCCOS",
         "SINH", "COSH", "TANH", "INTEGER"]
BINARY = ["MIN", "MAX", "MODULO", "QUANTUM", "ZIDZ", "POWER", "LOG"]
OPERATORS = ["+", "-", "*", "/", "^"]
# functions drawn by kind of call, and the number of arguments of those that take more than one
CALLS = {"unary": UNARY, "binary": BINARY, "xidz": ["XIDZ"], "lookup": ["tab"],
         "time": ["STEP", "RAMP", "PULSE", "PULSE TRAIN"]}
ARITY = {**dict.fromkeys(BINARY, 2), "XIDZ": 3, "STEP": 2, "RAMP": 3, "PULSE": 2,
         "PULSE TRAIN": 4}
# Python raises a negative number to a fractional power as a complex number, numpy gives
# NaN: a power's exponent is a whole number, or its base is ABS(...)
EXPONENTS = ["2", "3", "-1", "0", "1", "-2", "(-1)", "2.0"]
COMPARISONS = ["<", ">", "<=", ">=", "=", "<>"]
TABLE = "tab(\n\t[(-5,-5)-(5,5)],(-2,1),(0,0),(1,3),(4,-1))"


def _paren(text: str, wrap: bool) -> str:
    return f"({text})" if wrap else text


@st.composite
def expressions(draw, names: tuple[str, ...], depth: int = 3) -> str:
    """A Vensim expression over `names` (and Time), parenthesised only sometimes, so that
    the parser's precedence decides."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        leaf = draw(st.sampled_from(NUMBERS + list(names) + ["Time"]))
        return ("-" + leaf) if draw(st.integers(0, 5)) == 0 else leaf
    sub = expressions(names, depth - 1)
    kind = draw(st.sampled_from(
        ["op", "op", "op", "neg", "unary", "binary", "if", "xidz", "lookup", "inline",
         "time", "chain", "clock"]))
    wrap = st.booleans()
    if kind == "op":
        op = draw(st.sampled_from(OPERATORS))
        if op == "^" and draw(st.booleans()):  # any exponent, of a base that is not negative
            return f"ABS({draw(sub)}) ^ {_paren(draw(sub), draw(wrap))}"
        right = draw(st.sampled_from(EXPONENTS)) if op == "^" else \
            _paren(draw(sub), draw(wrap))
        return f"{_paren(draw(sub), draw(wrap))} {op} {right}"
    if kind == "chain":
        ops = draw(st.lists(st.sampled_from(OPERATORS), min_size=2, max_size=3))
        text = draw(sub)
        for op in ops:
            text += f" {op} {draw(st.sampled_from(EXPONENTS)) if op == '^' else draw(sub)}"
        return text
    if kind == "neg":
        return f"-{_paren(draw(sub), draw(wrap))}"
    if kind in CALLS:
        functions = CALLS[kind]
        fn = functions[0] if len(functions) == 1 else draw(st.sampled_from(functions))
        return f"{fn}({', '.join(draw(sub) for _ in range(ARITY.get(fn, 1)))})"
    if kind == "clock":  # the one case of GET TIME VALUE PySD computes, or a GAME
        if draw(st.booleans()):
            return f"GET TIME VALUE(0, {draw(sub)}, 0)"
        return f"GAME({draw(sub)})"
    if kind == "inline":
        return f"WITH LOOKUP({draw(sub)}, ([(-5,-5)-(5,5)],(-1,2),(0,-1),(2,2)))"
    return f"IF THEN ELSE({draw(conditions(names, depth - 1))}, {draw(sub)}, {draw(sub)})"


@st.composite
def conditions(draw, names, depth):
    sub = expressions(names, max(depth - 1, 0))
    one = f"{draw(sub)} {draw(st.sampled_from(COMPARISONS))} {draw(sub)}"
    kind = draw(st.sampled_from(["plain", "plain", "and", "or", "not", "number"]))
    if kind == "and":
        return f"{one} :AND: {draw(sub)} {draw(st.sampled_from(COMPARISONS))} {draw(sub)}"
    if kind == "or":
        return f"{one} :OR: {draw(sub)} {draw(st.sampled_from(COMPARISONS))} {draw(sub)}"
    if kind == "not":
        return f":NOT: ({one})"
    if kind == "number":
        return draw(sub)
    return one


@st.composite
def models(draw) -> str:
    """A whole model: constants, a lookup, auxiliaries each using the ones before, a stock
    and, sometimes, a SMOOTH, DELAY, DELAY FIXED, INITIAL, ACTIVE INITIAL, TREND, FORECAST
    or SAMPLE IF TRUE of an auxiliary."""
    names = list(CONSTANTS) + ["stock"]
    equations = dict(CONSTANTS)
    for i in range(draw(st.integers(1, 3))):
        equations[f"a{i}"] = draw(expressions(tuple(names)))
        names.append(f"a{i}")
    aux = [n for n in names if n.startswith("a")]
    kind = draw(st.sampled_from(["none", "SMOOTH", "SMOOTH3", "DELAY1", "DELAY3",
                                 "DELAY FIXED", "INITIAL", "SMOOTHI", "DELAY N",
                                 "ACTIVE INITIAL", "MACRO"]
                                + ["TREND", "FORECAST", "SAMPLE IF TRUE"] * 2))
    macro = ""
    source = draw(st.sampled_from(aux))
    if kind in ("SMOOTH", "SMOOTH3", "DELAY1", "DELAY3"):
        # 0.5 is shorter than 3 x TIME STEP: PySD lowers a DELAY3's order to 2
        times = ["1", "2.0", "c1", "0.5"]
        equations["late"] = f"{kind}({source}, {draw(st.sampled_from(times))})"
    elif kind == "DELAY FIXED":
        equations["late"] = f"DELAY FIXED({source}, {draw(st.sampled_from(['0.5', '1']))}, 3)"
    elif kind == "SMOOTHI":
        # PySD keeps a SMOOTH's stages in an integer array when the initial value is an
        # integer and then truncates the first input (a defect the batch engine does not
        # copy; see test_batch): initial values here are floats
        equations["late"] = (f"SMOOTHI({source}, 1.5, "
                             f"0.5 * ({draw(expressions(('c1', 'c2'), 1))}))")
    elif kind == "DELAY N":
        equations["late"] = f"DELAY N({source}, {draw(st.sampled_from(['2', '0.25']))}, 0, 2)"
    elif kind == "FORECAST":
        equations["late"] = (f"FORECAST({source}, {draw(st.sampled_from(['1', '0.5', 'c1']))}"
                             f", {draw(st.sampled_from(['0', '2.5', 'c2']))})")
    elif kind in ("TREND", "SAMPLE IF TRUE", "ACTIVE INITIAL"):
        leading = {"TREND": lambda: f"{source}, {draw(st.sampled_from(['1', '2.0', 'c4']))}",
                   "SAMPLE IF TRUE": lambda: f"{draw(conditions(tuple(names), 2))}, {source}",
                   "ACTIVE INITIAL": lambda: source}[kind]()
        # the last argument is an initial value: an expression of constants
        equations["late"] = f"{kind}({leading}, {draw(expressions(tuple(CONSTANTS), 1))})"
    elif kind == "INITIAL":
        equations["late"] = f"INITIAL({source})"
    elif kind == "MACRO":  # called twice: each call has its own copy (and stock)
        macro = draw(macros())
        equations["late"] = f"MAC({source}, c1) - MAC({draw(st.sampled_from(aux))}, c4)"
    flow_names = tuple(names + (["late"] if "late" in equations else []))
    equations["stock"] = (f"INTEG({draw(expressions(flow_names, 2))}, "
                          f"{draw(expressions(tuple(CONSTANTS), 2))})")
    equations.update(CONTROLS)
    body = "".join(f"{n} = {e}\n\t~\t\n\t~\t\n\t|\n" for n, e in equations.items())
    return "{UTF-8}\n" + macro + TABLE + "\n\t~\t\n\t~\t\n\t|\n" + body


@st.composite
def macros(draw) -> str:
    """A macro MAC(mx, my): an expression of its parameters, through a variable of its
    own, or a stock of its own."""
    # the model's lookup table is not a name inside the macro: a function of one argument
    inner = draw(expressions(("mx", "my"), 2)).replace("tab(", "ABS(")
    own = draw(expressions(("mx", "my", "part"), 2)).replace("tab(", "ABS(")
    body = f"INTEG({own}, my)" if draw(st.booleans()) else own
    return (":MACRO: MAC(mx, my)\n"
            f"MAC = {body}\n\t~\t\n\t~\t\n\t|\n"
            f"part = {inner}\n\t~\t\n\t~\t\n\t|\n"
            ":END OF MACRO:\n")


class PySDFailed(Exception):
    """PySD itself cannot run the model (it raises), so there is nothing to compare."""


def pysd_results(mdl: Path):
    """PySD's results for `mdl` as floats, or PySDFailed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd

        try:
            model = pysd.read_vensim(str(mdl))
            table = model.run()
        except Exception as exc:  # noqa: BLE001 - any failure of PySD means no comparison
            raise PySDFailed(f"{type(exc).__name__}: {exc}") from exc
    out = {}
    for column in table.columns:
        raw = table[column].to_numpy()
        if raw.dtype.kind == "c" or any(isinstance(x, complex) for x in raw):
            # Python raises a negative number to a fractional power as a complex number,
            # numpy gives NaN: no comparison
            raise PySDFailed(f"{column} went through complex numbers")
        try:
            values = np.array([complex(x) for x in table[column]], dtype=complex)
        except (TypeError, ValueError) as exc:
            raise PySDFailed(f"{column} is not numeric") from exc
        if np.any(values.imag != 0):
            raise PySDFailed(f"{column} is complex")
        out[column] = values.real
    return table.index.to_numpy(float), out


def disagreements(mdl: Path, rtol: float = 1e-12, atol: float = 1e-12) -> list[str]:
    """Where the batch engine differs from PySD on `mdl`, run as scalars and as two
    identical members; empty when they agree. Raises PySDFailed when PySD fails."""
    from sim.engine import batch

    times, theirs = pysd_results(mdl)
    c = batch.compile_model(mdl)
    time = {"initial": 0.0, "final": 3.0, "step": 0.25, "saveper": 0.25}
    scalar = batch.simulate(c, {}, time)
    pair = batch.simulate(c, {n: np.array([float(v)] * 2) for n, v in CONSTANTS.items()},
                          time)
    problems = []
    if not np.array_equal(scalar["time"], times):
        problems.append(f"time: {scalar['time']} against {times}")
    for py, real in c.real_names.items():
        if real not in theirs:
            continue
        expected = theirs[real]
        for label, got in (("scalar", scalar[py]), ("members", pair[py])):
            got = np.asarray(got, dtype=float)
            if got.ndim == 2:
                got = got.T
            else:
                got = got[None, :]
            for row in got:
                if not _close(row, expected, rtol, atol):
                    problems.append(f"{real} ({label}): {row.tolist()} against "
                                    f"{expected.tolist()}")
                    break
    return problems


def _close(a, b, rtol, atol) -> bool:
    with np.errstate(all="ignore"):
        return _close_quietly(a, b, rtol, atol)


def _close_quietly(a, b, rtol, atol) -> bool:
    same_nan = np.isnan(a) == np.isnan(b)
    finite = np.isfinite(a) & np.isfinite(b)
    infinite_same = (~np.isfinite(a) & ~np.isnan(a)) == (~np.isfinite(b) & ~np.isnan(b))
    equal_inf = np.where(np.isinf(a) & np.isinf(b), a == b, True)
    close = np.where(finite, np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b)),
                     True)
    return bool(np.all(same_nan & infinite_same & equal_inf & close))
