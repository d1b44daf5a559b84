"""PySD's abstract model of a Vensim file, turned into small expression trees for the batch engine.

Trees are tuples, so that a translated model pickles: ("num", value), ("ref", name),
("time",), ("op", operators, arguments) for arithmetic and logic alike (PySD builds both the
same way), ("call", function, arguments). SMOOTH, DELAY and INITIAL (and, in memory.py,
TREND, FORECAST and SAMPLE IF TRUE) become hidden states exactly as PySD's stateful objects
integrate them; a macro call becomes a hidden copy of the macro's equations (macros.py).
Data read from files (GET XLS / GET DIRECT CONSTANTS, LOOKUPS, DATA) becomes constants,
tables and time series (external.py); DATA variables are series that each run supplies.
Anything else raises Unsupported.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CONTROLS = ("initial_time", "final_time", "time_step", "saveper")

# Vensim functions (PySD's names) and their number of arguments
FUNCTIONS = {
    "abs": 1, "exp": 1, "ln": 1, "sqrt": 1, "sin": 1, "cos": 1, "tan": 1, "arcsin": 1,
    "arccos": 1, "arctan": 1, "sinh": 1, "cosh": 1, "tanh": 1, "integer": 1,
    "min": 2, "max": 2, "power": 2, "log": 2, "modulo": 2, "quantum": 2, "zidz": 2,
    "xidz": 3, "if_then_else": 3, "step": 2, "ramp": 3, "pulse": 2, "pulse_train": 4,
    "active_initial": 2, "check_stages": 2,
}


AGGREGATES = ("sum", "prod", "vmin", "vmax")
# PySD draws random numbers from numpy's global generator, never seeded, and drops the seed
# argument: no two PySD runs draw the same numbers, so no other engine can equal them
RANDOM = ("random numbers ({}: PySD draws them from numpy's unseeded global generator and "
          "ignores the seed, so its draws cannot be reproduced)")
ORDERING = ("vector_sort_order", "vector_rank", "vector_reorder")  # along a range, by rank


class Unsupported(Exception):
    """The model uses a construct the batch engine does not implement."""


@dataclass
class State:
    """A value carried from step to step: a stock, a stage of SMOOTH or DELAY, INITIAL's
    value (kind "initial"), a value replaced at every step (kind "set": ddt is the new
    value), or DELAY FIXED's pipeline (kind "pipe": ddt is the pipeline's
    input, length its delay time)."""

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
    sources: dict[str, str] = field(default_factory=dict)  # data files read: their hashes
    # DATA variables, read from a run's output at each run: (name, elements, element, keyword)
    data: dict[str, tuple] = field(default_factory=dict)


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
        self.pending: dict[str, tuple] = {}  # auxiliaries' (binding, syntax tree)
        self.delay_orders: dict[int, State] = {}  # a DELAY's order, per syntax tree
        self.macros = None  # the file's macros (sim/engine/macros.py), if any
        self.scope: dict[str, tuple] | None = None  # inside a macro: its names' trees

    def instance(self, binding: tuple, ast) -> tuple:
        """The tree of `ast` for one element, its subscripts bound by `binding`."""
        outer, self.binding = self.binding, binding
        try:
            return self.expr(ast)
        finally:
            self.binding = outer

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
        if self.scope is not None:
            if node.reference not in self.scope or node.subscripts:
                raise Unsupported(f"a macro's reference to {node.reference}, which is not "
                                  "one of its parameters or variables")
            return self.scope[node.reference]
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

        from . import memory

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
        if type(node).__name__ in memory.STRUCTURES:
            return memory.STRUCTURES[type(node).__name__](self, node)
        if isinstance(node, ae.GameStructure):  # PySD plays no game: GAME(x) is x
            return self.expr(node.expression)
        if isinstance(node, ae.AllocateByPriorityStructure):
            return self.allocate_by_priority(node)
        if isinstance(node, ae.AllocateAvailableStructure):
            return self.allocate_available(node)
        if isinstance(node, ae.InitialStructure):
            name = self.hidden("initial")
            self.states.append(State(name, self.expr(node.initial), ("num", 0), "initial"))
            return ("ref", name)
        raise Unsupported(type(node).__name__.replace("Structure", "").upper() or "construct")

    def call(self, node) -> tuple:
        if self.macros is not None:
            local = (self.scope or {}).get(node.function.reference)
            if local and local[0] == "ref" and local[1] in self.lookups:
                return ("call", "lookup", (self.expr(node.arguments[0]), local))
            if node.function.reference in self.macros:
                return self.macros.call(self, node.function.reference,
                                        tuple(self.expr(a) for a in node.arguments))
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
        if name == "vector_select" and self.ranges is not None:
            return self.vector_select(node)
        if name == "invert_matrix" and self.ranges is not None:
            return self.invert_matrix(node)
        if name in ORDERING and self.ranges is not None:
            return self.vector_order(node, name)
        args = tuple(self.expr(a) for a in node.arguments)
        if name in self.lookups:
            return ("call", "lookup", (args[0], ("ref", name)))
        if name == "get_time_value":
            return _time_value(args)
        if name == "ramp" and len(args) == 2:
            args += (None,)
        if name.startswith("random"):
            raise Unsupported(RANDOM.format(name.upper().replace("_", " ")))
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

    # --- array functions: arguments spanning a range, ("vec", None, one tree per element) --
    def vector(self, node, dims: list[str], marked: bool = False) -> tuple:
        """`node` at every element of the ranges `dims` (in the order of their product);
        `marked`: only where a reference marks the range `Dim!`."""
        from itertools import product

        outer = self.bang
        trees = []
        keys = [f"{d}!" for d in dims] if marked else dims
        for combo in product(*(self.ranges.elements[d] for d in dims)):
            self.bang = {**outer, **dict(zip(keys, combo, strict=True))}
            try:
                trees.append(self.expr(node))
            finally:
                self.bang = outer
        return ("vec", None, tuple(trees))

    def _last_range(self, node, what: str) -> tuple[str, list[str]]:
        """The range of a reference's last subscript (what an array function works along)."""
        subs = node.subscripts.subscripts if getattr(node, "subscripts", None) else ()
        if not subs or subs[-1] not in self.ranges.elements:
            raise Unsupported(f"{what} of an argument without a range as its last subscript")
        return subs[-1], self.ranges.elements[subs[-1]]

    def _position(self, dim: str, elements: list[str]) -> int:
        return elements.index(self.ranges.resolve(dim, self.binding, self.bang))

    def vector_select(self, node) -> tuple:
        """VECTOR SELECT over the ranges marked `Dim!` in its first two arguments."""
        from .subscripts import bangs

        sel, expr = node.arguments[:2]
        dims = list(dict.fromkeys(bangs(sel) + bangs(expr)))
        if not dims:
            raise Unsupported("VECTOR SELECT without a summed subscript")
        rest = tuple(self.expr(a) for a in node.arguments[2:])
        if len(rest) != 3:
            raise Unsupported("the function VECTOR SELECT")
        return ("call", "vector_select", (self.vector(sel, dims, True),
                                          self.vector(expr, dims, True)) + rest)

    def invert_matrix(self, node) -> tuple:
        """INVERT MATRIX: this element of the inverse of the matrix over the last two ranges
        of the argument (a reference), or else of the equation."""
        arg = node.arguments[0]
        subs = arg.subscripts.subscripts if getattr(arg, "subscripts", None) else ()
        dims = list(subs[-2:])
        if len(dims) != 2 or any(d not in self.ranges.elements for d in dims):
            dims = [r for r, _ in self.binding[-2:]]
        if (len(dims) != 2 or dims[0] == dims[1]
                or any(d not in self.ranges.elements for d in dims)):
            raise Unsupported("INVERT MATRIX of an argument without two ranges last")
        rows, cols = (self.ranges.elements[d] for d in dims)
        if len(rows) != len(cols):
            raise Unsupported("INVERT MATRIX of a matrix that is not square")
        k = self._position(dims[0], rows) * len(cols) + self._position(dims[1], cols)
        return ("call", "invert_matrix", (self.vector(arg, dims), ("num", len(rows)),
                                          ("num", k)))

    def vector_order(self, node, name: str) -> tuple:
        """VECTOR SORT ORDER, VECTOR RANK or VECTOR REORDER along the last range of the first
        argument (a reference): PySD sorts along the equation's last range, so that range
        must be it, or one mapped to it."""
        what = name.upper().replace("_", " ")
        dim, elements = self._last_range(node.arguments[0], what)
        last = self.binding[-1][0] if self.binding else None
        maps = self.ranges.mappings
        if not last or not (last == dim or last in maps.get(dim, ())
                            or dim in maps.get(last, ())):
            raise Unsupported(f"{what} along a range other than its equation's last")
        args = (self.vector(node.arguments[0], [dim]), self.expr(node.arguments[1]))
        if name == "vector_reorder":
            return ("call", name, args)
        return ("call", name, args + (("num", self._position(dim, elements)),))

    def allocate_by_priority(self, node) -> tuple:
        """ALLOCATE BY PRIORITY along the request's last range: this element's share."""
        dim, elements = self._last_range(node.request, "ALLOCATE BY PRIORITY")
        return ("call", "allocate_by_priority", (
            self.vector(node.request, [dim]), self.vector(node.priority, [dim]),
            self.expr(node.width), self.expr(node.supply),
            ("num", self._position(dim, elements))))

    def allocate_available(self, node) -> tuple:
        """ALLOCATE AVAILABLE along the request's last range; the priority profile is the
        priority variable's last range, whatever its reference names there."""
        from dataclasses import replace

        from pysd.translators.structures import abstract_expressions as ae

        dim, elements = self._last_range(node.request, "ALLOCATE AVAILABLE")
        pp = node.pp
        prefix = f"{pp.reference}["
        last = {n[len(prefix):-1].split(",")[-1] for n in self.names if n.startswith(prefix)}
        profile = next((els for els in self.ranges.elements.values() if set(els) == last), [])
        if not pp.subscripts or not profile:
            raise Unsupported("ALLOCATE AVAILABLE with an unsubscripted priority profile")
        outer = self.bang
        trees = []
        for e in elements:
            for q in profile:
                subs = tuple(pp.subscripts.subscripts[:-1]) + (q,)
                ref = replace(pp, subscripts=ae.SubscriptsReferenceStructure(subs))
                self.bang = {**outer, dim: e}
                try:
                    trees.append(self.expr(ref))
                finally:
                    self.bang = outer
        return ("call", "allocate_available", (
            self.vector(node.request, [dim]), ("vec", None, tuple(trees)),
            ("num", len(profile)), self.expr(node.avail), ("num", self._position(dim, elements))))

    def _order(self, node) -> int:
        """A SMOOTH N's or DELAY N's order: PySD reads it once, at the initial time, so an
        expression is worked out at the model's initial time and checked again at the start
        of every run (which the batch engine declines if it differs)."""
        from pysd.translators.structures import abstract_expressions as ae

        order = getattr(node, "order", 1)
        if isinstance(order, ae.ReferenceStructure) and order.reference in self.constants:
            order = self.constants[order.reference]
        if not isinstance(order, (int, float)):
            tree = self.expr(order)
            value = self._at_start(tree)
            if value is None or value < 1:
                raise Unsupported("a SMOOTH N or DELAY N whose order is not a fixed number")
            n = int(value)
            self.states.append(State(self.hidden("order"), (
                "call", "check_stages", (("num", n), tree)), ("num", 0), "initial"))
            return n
        if order != int(order) or order < 1:
            raise Unsupported("a SMOOTH N or DELAY N whose order is not a fixed number")
        return int(order)

    def _at_start(self, tree, depth: int = 0):
        """A tree's value at the model's initial time, when it is built from constants,
        Time, STEP, RAMP, MIN, MAX, INTEGER and arithmetic; None otherwise."""
        t0 = self.constants.get("initial_time", 0)
        dt = self.constants.get("time_step", 1)
        kind = tree[0]
        if kind == "num":
            return tree[1]
        if kind == "time":
            return t0
        if kind == "ref":
            if tree[1] in self.constants:
                return self.constants[tree[1]]
            if tree[1] in self.pending and depth < 20:
                binding, ast = self.pending[tree[1]]
                kept = (list(self.states), dict(self.aux), self.count, self.scope)
                self.scope = None  # a variable of the model, even when read from a macro
                try:  # translated only to be evaluated: leave no hidden states behind
                    return self._at_start(self.instance(binding, ast), depth + 1)
                finally:
                    self.states, self.aux, self.count, self.scope = kept
            return None
        args = [self._at_start(a, depth + 1) if a is not None else None for a in tree[2]]
        if any(a is None for a in args if a is not None) or None in args[:2]:
            return None
        if kind == "op" and len(tree[1]) == len(args) - 1:
            out = args[0]
            for op, arg in zip(tree[1], args[1:], strict=True):
                if op not in "+-*/":
                    return None
                out = {"+": out + arg, "-": out - arg, "*": out * arg,
                       "/": out / arg if arg else None}[op]
                if out is None:
                    return None
            return out
        functions = {"step": lambda v, ts: v * (t0 + dt / 2 > ts), "min": min, "max": max,
                     "integer": int}
        if kind == "call" and tree[1] in functions:
            return functions[tree[1]](*args)
        return None

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

        from . import memory

        n = self._order(node)
        inp = self.expr(node.input)
        time_ = self.expr(node.delay_time)
        init = self.expr(node.initial) if node.initial is not None else inp
        names = [self.hidden("delay") for _ in range(n)]
        order = memory.delay_order(self, node, n, time_)
        if isinstance(node, ae.DelayNStructure) and not _constant(time_, self.constants):
            return self.delay_n(order, inp, time_, init, names)
        outflows = [("op", ("/",), (("ref", s), time_)) for s in names]
        self._stages(names, [inp] + outflows[:-1], outflows, init, time_, order)
        out = self.hidden("delay_out")
        self.aux[out] = ("op", ("/",), (memory.last_stage(order, names), time_))
        return ("ref", out)

    def _stages(self, names, inflows, outflows, init, time_, order) -> None:
        """The n stocks of a DELAY3 / DELAY N chain, each starting at init x delay time;
        those past the order PySD lowers it to are carried along and never read."""
        for name, inflow, outflow in zip(names, inflows, outflows, strict=True):
            self.states.append(State(
                name, ("op", ("*",), (init, time_)),
                ("op", ("*",), (("op", ("-",), (inflow, outflow)), order))))

    def delay_n(self, order, inp, time_, init, names) -> tuple:
        """PySD's DelayN with a changing delay time: stage i flows out over the delay time
        of i steps before (a shift register of delay times, moved on at every step)."""
        from . import memory

        taus = [self.hidden("delay_time") for _ in names]
        shifted = [time_] + [("ref", tau) for tau in taus[:-1]]  # the times after the shift
        for tau, new in zip(taus, shifted, strict=True):
            self.states.append(State(tau, time_, new, kind="set"))
        outflows = [("op", ("/",), (("ref", s), d)) for s, d in zip(names, shifted,
                                                                     strict=True)]
        self._stages(names, [inp] + outflows[:-1], outflows, init, time_, order)
        out = self.hidden("delay_out")
        self.aux[out] = ("op", ("/",), (memory.last_stage(order, names), ("ref", taus[0])))
        return ("ref", out)

    def delay_fixed(self, node) -> tuple:
        """PySD's DelayFixed: the input of round(delay time / TIME STEP) steps ago, the
        delay time read once, at the initial time."""
        time_ = self.expr(node.delay_time)
        name = self.hidden("delay_fixed")
        self.states.append(State(name, self.expr(node.initial), self.expr(node.input),
                                 kind="pipe", length=time_))
        return ("ref", name)


def _time_value(args) -> tuple:
    """GET TIME VALUE as PySD computes it: the current time plus the offset (relative to
    the current time, in the model's units of time). PySD implements no other case but
    the computer's clock, which no two runs share."""
    relative, _, measure = args
    if relative != ("num", 0) or measure != ("num", 0):
        raise Unsupported("GET TIME VALUE other than the current time in model units")
    return ("op", ("+",), (("time",), args[1]))


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

    from .subscripts import Ranges

    from .. import datafiles
    from .external import Reader, is_external

    section = abstract.sections[0]
    read = datafiles.resolve_subscripts(abstract, mdl)
    ranges = Ranges(section)
    reader = Reader(mdl, ranges.elements)
    real, lookups, constants, stocks, exprs, timed, data = {}, {}, {}, {}, {}, {}, {}
    subscripted = set()
    for element in section.elements:
        py = key(element.name)
        owner = {id(c.ast): c for c in element.components}
        if len(element.components) == 1 and not element.components[0].subscripts[0]:
            pieces = [(py, element.name, (), element.components[0].ast, None)]
        else:
            subscripted.add(py)
            pieces = [(i.flat, i.real, i.binding, i.ast, i.index)
                      for i in ranges.instances(element, py)]
        tables = all(isinstance(c.ast, (ae.LookupsStructure, ae.GetLookupsStructure))
                     for c in element.components)
        for flat, name, binding, ast, index in pieces:
            if tables and isinstance(ast, float):  # an element no table defines
                continue
            real[flat] = name
            if is_external(ast):  # read from a file: a constant, a table or a time series
                kind, found = reader.piece(element.name, owner[id(ast)], binding)
                if kind == "constant":
                    constants[flat] = found
                elif kind == "lookup":
                    lookups[flat] = found
                else:
                    timed[flat] = found
                continue
            if isinstance(ast, ae.DataStructure):  # its series comes with each run
                subs = owner[id(ast)].subscripts[0]
                data[flat] = (element.name, tuple(tuple(ranges.elements.get(s, [s]))
                                                  for s in subs),
                              tuple(e for _, e in binding), owner[id(ast)].keyword)
                continue
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
    tr.pending = exprs
    if len(abstract.sections) > 1:  # the main section first, then one per macro
        from .macros import Macros

        tr.macros = Macros(abstract.sections[1:], lookups)
    aux = {py: tr.instance(b, ast) for py, (b, ast) in exprs.items()}
    states = [State(py, tr.instance(b, ast.initial), tr.instance(b, ast.flow))
              for py, (b, ast) in stocks.items()]
    aux.update(tr.aux)
    aux.update(timed)
    return Model(real, constants, aux, states + tr.states, lookups,
                 {**read, **reader.sources()}, data)
