"""PySD's abstract model of a Vensim file, turned into small expression trees for the batch engine.

Trees are tuples, so that a translated model pickles: ("num", value), ("ref", name),
("time",), ("op", operators, arguments) for arithmetic and logic alike (PySD builds both the
same way), ("call", function, arguments). SMOOTH, DELAY and INITIAL become hidden states
exactly as PySD's stateful objects integrate them. Anything else raises Unsupported.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CONTROLS = ("initial_time", "final_time", "time_step", "saveper")

# Vensim functions (PySD's names) and their number of arguments
FUNCTIONS = {
    "abs": 1, "exp": 1, "ln": 1, "sqrt": 1, "sin": 1, "cos": 1, "tan": 1, "arcsin": 1,
    "arccos": 1, "arctan": 1, "sinh": 1, "cosh": 1, "tanh": 1, "integer": 1,
    "min": 2, "max": 2, "power": 2, "log": 2, "modulo": 2, "quantum": 2, "zidz": 2,
    "xidz": 3, "if_then_else": 3, "step": 2, "ramp": 3, "pulse": 2, "pulse_train": 4,
    "active_initial": 2,
}


AGGREGATES = ("sum", "prod", "vmin", "vmax")


class Unsupported(Exception):
    """The model uses a construct the batch engine does not implement."""


@dataclass
class State:
    """A value carried from step to step: a stock, a stage of SMOOTH or DELAY, INITIAL's
    value (kind "initial"), or DELAY FIXED's pipeline (kind "pipe": ddt is the pipeline's
    input, length its delay time). A DELAY stage's length is ("order", n, delay time): PySD
    lowers n when n * TIME STEP exceeds the delay time, which the batch engine declines."""

    name: str
    initial: tuple
    ddt: tuple
    kind: str = "euler"
    length: tuple | None = None


@dataclass
class Model:
    """Every equation of a model as a tree: constants, auxiliaries, states and lookups."""

    real_names: dict[str, str]
    constants: dict[str, float]
    aux: dict[str, tuple]
    states: list[State]
    lookups: dict[str, tuple[np.ndarray, np.ndarray]]


def key(name: str) -> str:
    """The name by which PySD's abstract model refers to a variable."""
    return " ".join(str(name).split()).lower().replace(" ", "_")


class _Translator:
    """Turns PySD's syntax trees into ours, collecting hidden states on the way."""

    def __init__(self, lookups: set[str], constants: dict[str, float], ranges=None,
                 names: set[str] = frozenset(), subscripted: set[str] = frozenset()):
        self.lookups = lookups
        self.constants = constants
        self.states: list[State] = []
        self.aux: dict[str, tuple] = {}
        self.count = 0
        self.ranges = ranges
        self.names = names  # every variable's name, subscripted ones per element
        self.subscripted = subscripted
        self.binding: tuple = ()
        self.bang: dict[str, str] = {}

    def instance(self, binding: tuple, ast) -> tuple:
        """The tree of `ast` for one element, its subscripts bound by `binding`."""
        self.binding = binding
        try:
            return self.expr(ast)
        finally:
            self.binding = ()

    def reference(self, node) -> str:
        name = node.reference
        if node.subscripts:
            if self.ranges is None:
                raise Unsupported("subscripted variables")
            subs = node.subscripts.subscripts
            name = f"{name}[{','.join(self.ranges.resolve(s, self.binding, self.bang) for s in subs)}]"
            if name not in self.names and name not in self.lookups:
                raise Unsupported(f"a reference to {name}, which has no equation")
        elif name in self.subscripted:
            raise Unsupported("a subscripted variable referenced without subscripts")
        return name

    def value(self, node) -> tuple:
        """A reference as a value: a variable, or a subscript range's element position."""
        if node.reference == "time":
            return ("time",)
        if (not node.subscripts and node.reference not in self.names
                and self.ranges is not None):
            position = self.ranges.position(node.reference, self.binding)
            if position is not None:
                return ("num", position)
        return ("ref", self.reference(node))

    def hidden(self, kind: str) -> str:
        self.count += 1
        return f"_{kind}_{self.count}"

    def expr(self, node) -> tuple:
        from pysd.translators.structures import abstract_expressions as ae

        if isinstance(node, bool):
            return ("num", int(node))
        if isinstance(node, (int, float)):
            return ("num", node)
        if isinstance(node, ae.ReferenceStructure):
            return self.value(node)
        if isinstance(node, (ae.ArithmeticStructure, ae.LogicStructure)):
            return ("op", tuple(node.operators), tuple(self.expr(a) for a in node.arguments))
        if isinstance(node, ae.CallStructure):
            return self.call(node)
        if isinstance(node, ae.InlineLookupsStructure):
            table = node.lookups
            return ("call", "inline_lookup", (self.expr(node.argument),
                                              ("table", tuple(table.x), tuple(table.y))))
        if isinstance(node, (ae.SmoothStructure, ae.SmoothNStructure)):
            return self.smooth(node)
        if isinstance(node, (ae.DelayStructure, ae.DelayNStructure)):
            return self.delay(node)
        if isinstance(node, ae.DelayFixedStructure):
            return self.delay_fixed(node)
        if isinstance(node, ae.InitialStructure):
            name = self.hidden("initial")
            self.states.append(State(name, self.expr(node.initial), ("num", 0), "initial"))
            return ("ref", name)
        raise Unsupported(type(node).__name__.replace("Structure", "").upper() or "construct")

    def call(self, node) -> tuple:
        name = self.reference(node.function)
        if name in AGGREGATES:
            return self.aggregate(name, node.arguments[0])
        if name == "elmcount" and self.ranges is not None:
            arg = node.arguments[0]
            dim = getattr(arg, "reference", arg)
            for r, els in self.ranges.elements.items():
                if dim in (r, key(r)):
                    return ("num", len(els))
            raise Unsupported("ELMCOUNT of an unknown range")
        args = tuple(self.expr(a) for a in node.arguments)
        if name in self.lookups:
            return ("call", "lookup", (args[0], ("ref", name)))
        if name == "ramp" and len(args) == 2:
            args += (None,)
        if FUNCTIONS.get(name) != len(args):
            raise Unsupported(f"the function {name.upper()}")
        return ("call", name, args)

    def aggregate(self, name: str, arg) -> tuple:
        """SUM, PROD, VMIN or VMAX over the ranges marked `Dim!`: one tree per element."""
        from itertools import product

        from .subscripts import bangs

        dims = bangs(arg)
        if not dims or self.ranges is None:
            raise Unsupported(f"the function {name.upper()} without a summed subscript")
        trees = []
        for combo in product(*(self.ranges.elements[d] for d in dims)):
            self.bang = dict(zip(dims, combo, strict=True))
            try:
                trees.append(self.expr(arg))
            finally:
                self.bang = {}
        return ("call", name, tuple(trees))

    def _order(self, node) -> int:
        from pysd.translators.structures import abstract_expressions as ae

        order = getattr(node, "order", 1)
        if isinstance(order, ae.ReferenceStructure) and order.reference in self.constants:
            order = self.constants[order.reference]
        if not isinstance(order, (int, float)) or order != int(order) or order < 1:
            raise Unsupported("a SMOOTH N or DELAY N whose order is not a fixed number")
        return int(order)

    def _fixed(self, node, what: str) -> tuple:
        """A delay time that cannot change during the run (PySD reads it once)."""
        tree = self.expr(node)
        if not _constant(tree, self.constants):
            raise Unsupported(f"a {what} whose delay time is not a constant")
        return tree

    def smooth(self, node) -> tuple:
        """PySD's Smooth: n stages, ddt = (target - stage) * n / smooth time."""
        n = self._order(node)
        inp, time_ = self.expr(node.input), self.expr(node.smooth_time)
        init = self.expr(node.initial) if node.initial is not None else inp
        names = [self.hidden("smooth") for _ in range(n)]
        targets = [inp] + [("ref", s) for s in names[:-1]]
        for name, target in zip(names, targets, strict=True):
            gap = ("op", ("-",), (target, ("ref", name)))
            self.states.append(State(name, init, ("op", ("*", "/"), (gap, ("num", n), time_))))
        return ("ref", names[-1])

    def delay(self, node) -> tuple:
        """PySD's Delay: n stages holding the delay time's worth of each stage's outflow."""
        from pysd.translators.structures import abstract_expressions as ae

        n = self._order(node)
        inp = self.expr(node.input)
        if isinstance(node, ae.DelayNStructure):
            time_ = self._fixed(node.delay_time, "DELAY N")
        else:
            time_ = self.expr(node.delay_time)
        init = self.expr(node.initial) if node.initial is not None else inp
        names = [self.hidden("delay") for _ in range(n)]
        outflows = [("op", ("/",), (("ref", s), time_)) for s in names]
        inflows = [inp] + outflows[:-1]
        for name, inflow, outflow in zip(names, inflows, outflows, strict=True):
            self.states.append(State(
                name, ("op", ("*",), (init, time_)),
                ("op", ("*",), (("op", ("-",), (inflow, outflow)), ("num", n))),
                length=("order", n, time_)))
        out = self.hidden("delay_out")
        self.aux[out] = outflows[-1]
        return ("ref", out)

    def delay_fixed(self, node) -> tuple:
        """PySD's DelayFixed: the input of round(delay time / TIME STEP) steps ago, the
        delay time read once, at the initial time."""
        time_ = self.expr(node.delay_time)
        name = self.hidden("delay_fixed")
        self.states.append(State(name, self.expr(node.initial), self.expr(node.input),
                                 kind="pipe", length=time_))
        return ("ref", name)


def _constant(tree, constants) -> bool:
    if tree[0] == "num":
        return True
    if tree[0] == "ref":
        return tree[1] in constants or tree[1] in CONTROLS
    if tree[0] in ("op", "call") and tree[1] not in ("step", "ramp", "pulse", "pulse_train"):
        return all(_constant(a, constants) for a in tree[2] if a is not None)
    return False


def refs(tree, stage: str | None = None) -> set[str]:
    """Names a tree refers to; at `stage` "init" or "run" only those ACTIVE INITIAL uses
    then (its initial value, or its expression)."""
    if tree is None or tree[0] in ("num", "time", "table"):
        return set()
    if tree[0] == "order":
        return refs(tree[2], stage)
    if tree[0] == "ref":
        return {tree[1]}
    args = tree[2]
    if tree[0] == "call" and tree[1] == "active_initial" and stage:
        args = args[1:] if stage == "init" else args[:1]
    return set().union(*(refs(a, stage) for a in args)) if args else set()


def abstract_model(mdl: Path):
    """PySD's abstract model of `mdl`."""
    from ..model import pysd_quietly

    pysd_quietly()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pysd.translators.vensim.vensim_file import VensimFile

        vensim = VensimFile(str(mdl))
        vensim.parse()
        return vensim.get_abstract_model()


def translate(mdl: Path) -> Model:
    """Translate `mdl` for the batch engine; raise Unsupported if it cannot."""
    abstract = abstract_model(mdl)
    from pysd.translators.structures import abstract_expressions as ae

    if len(abstract.sections) != 1:
        raise Unsupported("macros")
    from .subscripts import Ranges

    section = abstract.sections[0]
    ranges = Ranges(section)
    real, lookups, constants, stocks, exprs = {}, {}, {}, {}, {}
    subscripted = set()
    for element in section.elements:
        py = key(element.name)
        if len(element.components) == 1 and not element.components[0].subscripts[0]:
            pieces = [(py, element.name, (), element.components[0].ast, None)]
        else:
            subscripted.add(py)
            pieces = [(i.flat, i.real, i.binding, i.ast, i.index)
                      for i in ranges.instances(element, py)]
        for flat, name, binding, ast, index in pieces:
            real[flat] = name
            if isinstance(ast, np.ndarray):
                ast = ast[index] if index else ast.item()
                ast = float(ast)
            if isinstance(ast, ae.LookupsStructure):
                lookups[flat] = (np.array(ast.x, dtype=float), np.array(ast.y, dtype=float))
            elif isinstance(ast, (int, float)) and not isinstance(ast, bool):
                constants[flat] = ast
            elif isinstance(ast, ae.IntegStructure):
                if ast.non_negative:
                    raise Unsupported("non-negative stocks")
                stocks[flat] = (binding, ast)
            else:
                exprs[flat] = (binding, ast)
    tr = _Translator(set(lookups), constants, ranges, set(real), subscripted)
    aux = {py: tr.instance(b, ast) for py, (b, ast) in exprs.items()}
    dynamic = [real[n] for n in CONTROLS if n in aux and not _constant(aux[n], constants)]
    if dynamic:
        raise Unsupported(f"time settings that change during the run ({', '.join(dynamic)})")
    states = [State(py, tr.instance(b, ast.initial), tr.instance(b, ast.flow))
              for py, (b, ast) in stocks.items()]
    aux.update(tr.aux)
    return Model(real, constants, aux, states + tr.states, lookups)
