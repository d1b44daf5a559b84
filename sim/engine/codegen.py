"""One Python function per (model, inputs, outputs) that runs every member through time.

Expressions are written as PySD writes them (same operators, same parentheses, so Python
evaluates them in the same order and the two engines agree to the last bit on the same
inputs). What cannot change during a run (constants, and any part of an equation built only
from constants) is computed once before the time loop; outputs go straight into
preallocated (saves,) or (saves, members) arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import arrays, external, functions, vectors
from .translate import CONTROLS, Model, Unsupported, refs

ENV = {**functions.ENV, **vectors.ENV, **external.ENV}  # what generated code may call
# PySD's python_expressions_builder: template and arithmetic order (0 binds tightest)
OPERATORS = {
    "^": ("{0}**{1}", 1), "*": ("{0}*{1}", 2), "/": ("{0}/{1}", 2),
    "+": ("{0} + {1}", 3), "-": ("{0} - {1}", 3),
    "=": ("{0} == {1}", 4), "<>": ("{0} != {1}", 4), ">=": ("{0} >= {1}", 4),
    ">": ("{0} > {1}", 4), "<=": ("{0} <= {1}", 4), "<": ("{0} < {1}", 4),
    ":NOT:": ("np.logical_not({0})", 0), ":AND:": ("np.logical_and({0}, {1})", 0),
    ":OR:": ("np.logical_or({0}, {1})", 0), "negative": ("-{0}", 3),
}
ARITHMETIC = {"^", "*", "/", "+", "-", "negative"}
NUMPY = {"abs": "np.abs", "exp": "np.exp", "ln": "np.log", "sqrt": "np.sqrt", "sin": "np.sin",
         "cos": "np.cos", "tan": "np.tan", "arcsin": "np.arcsin", "arccos": "np.arccos",
         "arctan": "np.arctan", "sinh": "np.sinh", "cosh": "np.cosh", "tanh": "np.tanh",
         "min": "np.minimum", "max": "np.maximum", "power": "np.power"}
OWN = {"integer": "_integer", "modulo": "_modulo", "quantum": "_quantum", "xidz": "_xidz",
       "zidz": "_zidz", "if_then_else": "_where", "lookup": "_lookup",
       "inline_lookup": "np.interp", "check_stages": "_check_stages", "sum": "_sum",
       "prod": "_prod", "vmin": "_vmin", "vmax": "_vmax", "delay_order": "_delay_order",
       "stage": "_stage", "vector_select": "_vector_select", "invert_matrix": "_invert_matrix",
       "vector_sort_order": "_vector_sort_order", "vector_rank": "_vector_rank",
       "vector_reorder": "_vector_reorder",
       "allocate_by_priority": "_allocate_by_priority",
       "allocate_available": "_allocate_available"}
TIMED = {"step": "_step(t, time_step, {})", "ramp": "_ramp(t, {})", "pulse": "_pulse(t, {})",
         "pulse_train": "_pulse_train(t, {})"}
TIMED.update(external.TIMED)  # DATA variables: a time series read at t
HEAVY = {"exp", "ln", "log", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh",
         "cosh", "tanh", "power"}
REDUCE = {"sum": "np.add", "prod": "np.multiply", "vmin": "np.minimum", "vmax": "np.maximum"}
ARRAY = {"nums", "gather", "kstack", "reduce", "rows", "assemble", "lookups", "vec", "span"}
# numpy array operations per call, for the benchmark's floor
COST = {"xidz": 6, "zidz": 6, "quantum": 5, "modulo": 6, "step": 3, "ramp": 5, "pulse": 5,
        "pulse_train": 12, "log": 3, "lookup": 3, **external.COST}


@dataclass
class Code:
    """An expression's source, its arithmetic order, and what it depends on."""

    src: str
    order: int = 0
    boolean: bool = False
    dynamic: bool = False  # changes during the run
    member: bool = False  # differs between members
    ops: int = 0  # array operations per evaluation (members only)
    plain: bool = True  # a name or a literal: nothing to hoist
    literal: bool = False  # built from literals only
    heavy: int = 0  # of the operations, powers, exponentials, logarithms and trigonometry


def _lower(code: Code, order: int) -> Code:
    """PySD's BuildAST.lower_order: parenthesise when precedence would otherwise differ."""
    if code.order >= order and code.order != 0 and order != 0:
        return Code(f"({code.src})", 0, code.boolean, code.dynamic, code.member, code.ops,
                    code.plain, code.literal, code.heavy)
    return code


class Generator:
    """Writes the run function's source for one model, one set of inputs and outputs."""

    def __init__(self, model: Model, inputs: set[str], series: set[str], member: set[str]):
        self.m = model
        self.inputs = inputs | set(CONTROLS) | (set(model.constants) - set(model.aux))
        self.series = series
        self.aux = {n: tree for n, tree in model.aux.items() if n not in inputs | series
                    and n not in CONTROLS}
        self.states = {s.name: s for s in model.states if s.name not in inputs | series}
        self.ids: dict[str, str] = {}
        self.hoisted: list[tuple[str, str]] = []
        self.folded: dict[str, object] = {}
        self.hoisting = False
        self.dynamic = self._closure(series | {s for s, st in self.states.items()
                                               if st.kind != "initial"}, timed=True)
        self.member = self._closure(member, timed=False)
        self.blocks = getattr(model, "blocks", {})
        self.location = getattr(model, "location", {})

    # --- dependency analysis -------------------------------------------------------------
    def _closure(self, seeds: set[str], timed: bool) -> set[str]:
        """Names that depend on any of `seeds` (and, if `timed`, on time itself)."""
        out = set(seeds)
        deps = {n: (refs(t), _uses_time(t)) for n, t in self.aux.items()}
        for s in self.states.values():
            extra = refs(s.ddt) if s.kind in ("euler", "pipe", "set") else set()
            deps[s.name] = (refs(s.initial) | extra | refs(s.length), False)
        changed = True
        while changed:
            changed = False
            for name, (uses, time_) in deps.items():
                if name not in out and ((timed and time_) or uses & out):
                    out.add(name)
                    changed = True
        return out

    def ident(self, name: str) -> str:
        if name not in self.ids:
            self.ids[name] = f"v{len(self.ids)}"
        return self.ids[name]

    # --- expressions ---------------------------------------------------------------------
    def emit(self, tree, init: bool) -> Code:
        kind = tree[0]
        if kind == "num":
            value = tree[1]
            if isinstance(value, float) and not math.isfinite(value):
                return self.constant(value)
            return Code(repr(value), literal=True)
        if kind == "time":
            return Code("t", dynamic=True)
        if kind == "ref":
            name = tree[1]
            if name in self.m.lookups:
                x, y = self.m.lookups[name]
                return Code(self.constant(x).src + ", " + self.constant(y).src)
            if not any(name in names for names in (self.inputs, self.series, self.aux,
                                                   self.states)):
                raise Unsupported(f"a reference to {name}, which has no equation")
            return Code(self.ident(name), dynamic=name in self.dynamic,
                        member=name in self.member)
        if kind == "table":
            return Code(self.constant(np.array(tree[1], float)).src + ", "
                        + self.constant(np.array(tree[2], float)).src)
        if kind == "op":
            return self.operation(tree, init)
        if kind in ARRAY:
            return self.array(tree, init)
        return self.call(tree, init)

    # --- subscripted variables as arrays (sim/engine/arrays.py) --------------------------
    def array(self, tree, init: bool) -> Code:
        """A block's definition, a gather from blocks, a column of numbers, a reduction."""
        kind = tree[0]
        if kind == "nums":
            return self.constant(tree[1].reshape(tree[1].shape + (1,)))
        if kind == "lookups":
            pairs = np.empty(tree[1].shape, dtype=object)
            for index, name in np.ndenumerate(tree[1]):
                pairs[index] = self.m.lookups[name]
            return self.constant(pairs)
        if kind == "kstack":
            return Code(f"_kstack(K, {self.constant(tree[1]).src})", plain=False,
                        member=any(n in self.member for n in tree[1]))
        if kind == "gather":
            deps = [self.emit(r, init) for r in tree[2]]
            src, plain = self.gather(tree[1])
            return Code(src, dynamic=any(d.dynamic for d in deps), plain=plain,
                        member=any(d.member for d in deps))
        args = [self.emit(a, init) for a in tree[2]]
        dynamic = any(a.dynamic for a in args)
        args = [self._hoist(a, dynamic) for a in args]
        joined = ", ".join(a.src for a in args)
        if kind == "reduce":
            src = f"_reduce_axis({REDUCE[tree[1]]}, {joined}, {tree[4]}, {tree[3]})"
        elif kind == "rows":
            src = f"_full({tree[1]}, {joined})"
        elif kind == "vec":
            src = f"_vec({joined})"
        elif kind == "span":
            src = f"_span({joined}, {tree[1][0]}, {tree[1][1]})"
        else:
            count, rows = tree[1]
            src = f"_assemble({count}, {self.constant(rows).src}, {joined})"
        return self._join(args, src, 0, 1)

    def gather(self, names: np.ndarray) -> tuple[str, bool]:
        """Source of the values of an array of elements: (source, whether a plain name)."""
        where = [self.location.get(n) for n in names.flat]
        blocks = {w[0] if w else None for w in where}
        if len(blocks) == 1 and None not in blocks:
            block = where[0][0]
            v = self.ident(block)
            rows = np.array([w[1] for w in where]).reshape(names.shape)
            if rows.size == 1:  # a row: members, or one number when the members share it
                return f"{v}[{rows.flat[0]}{'' if block in self.member else ', 0'}]", False
            if rows.shape[:-1] == (1,) * (rows.ndim - 1):  # leading axes broadcast
                rows = rows.reshape(-1)
            if rows.ndim == 1 and bool(np.all(np.diff(rows) == 1)):
                if rows[0] == 0 and len(rows) == len(self.blocks[block]):
                    return v, True
                return f"{v}[{rows[0]}:{rows[-1] + 1}]", False
            return f"{v}[{self.constant(rows).src}]", False
        items = [f"{self.ident(w[0])}[{w[1]}{'' if w[0] in self.member else ', 0'}]" if w
                 else self.ident(n)
                 for n, w in zip(names.flat, where, strict=True)]
        if len(items) == 1:
            return items[0], where[0] is None
        return f"_stack({names.shape}, {', '.join(items)})", False

    def constant(self, value) -> Code:
        if isinstance(value, (bool, np.bool_, int, float)):
            value = np.float64(value)  # as other values: division by zero gives inf
        name = f"k{len(self.folded)}"
        self.folded[name] = value
        return Code(name)

    def _hoist(self, code: Code, parent_dynamic: bool) -> Code:
        """A part of a changing expression that does not change: computed once."""
        if code.plain or code.dynamic:
            return code
        if code.literal:
            return self.fold(code)
        if not parent_dynamic or not self.hoisting:
            return code
        name = f"h{len(self.hoisted)}"
        self.hoisted.append((name, code.src))
        return Code(name, member=code.member, boolean=code.boolean)

    def _join(self, args: list[Code], src: str, order: int, ops: int, boolean=False,
              heavy: int = 0) -> Code:
        dynamic = any(a.dynamic for a in args)
        member = any(a.member for a in args)
        return Code(src, order, boolean, dynamic, member,
                    sum(a.ops for a in args) + (ops if member else 0), plain=False,
                    literal=all(a.literal for a in args),
                    heavy=sum(a.heavy for a in args) + (heavy if member else 0))

    def operation(self, tree, init: bool) -> Code:
        ops = list(tree[1])
        args = [self.emit(a, init) for a in tree[2]]
        dynamic = any(a.dynamic for a in args)
        args = [self._hoist(a, dynamic) for a in args]
        if ops[-1] in ARITHMETIC:
            args = [Code(f"_number({a.src})", 0, False, a.dynamic, a.member, a.ops + a.member,
                         False, heavy=a.heavy) if a.boolean else a for a in args]
        boolean = ops[-1] not in ARITHMETIC
        order = OPERATORS[ops[-1]][1]
        args[-1] = _lower(args[-1], 2 if ops[-1] == "^" else order)
        if len(args) == 1:
            if ops[0] == "negative":
                order = 1
            return self._join(args, OPERATORS[ops[0]][0].format(args[0].src), order, 1,
                              boolean)
        right = args[-1].src
        rest, count = args[:-1], len(ops)
        while rest:
            left = _lower(rest.pop(), order)
            right = OPERATORS[ops.pop()][0].format(left.src, right)
        return self._join(args, right, order, count, boolean, tree[1].count("^"))

    def call(self, tree, init: bool) -> Code:
        name, trees = tree[1], tree[2]
        if name == "active_initial":
            code = self.emit(trees[1] if init else trees[0], init)
            code.dynamic = True
            return code
        args = [self.emit(a, init) for a in trees if a is not None]
        dynamic = any(a.dynamic for a in args) or name in TIMED
        args = [self._hoist(a, dynamic) for a in args]
        joined = ", ".join(a.src for a in args)
        if name in TIMED:
            src = TIMED[name].format(joined)
        elif name == "log":
            src = f"(np.log({args[0].src})/np.log({args[1].src}))"
        elif name in NUMPY:
            src = f"{NUMPY[name]}({joined})"
        elif name == "lookup" and trees[1][0] == "lookups":
            src = f"_lookup_rows({joined})"
        else:
            src = f"{OWN[name]}({joined})"
        boolean = name in ("if_then_else", "min", "max") and all(
            a.boolean for a in args[-2:])
        code = self._join(args, src, 0, COST.get(name, 1), boolean, int(name in HEAVY))
        if name in TIMED:
            code.dynamic, code.literal = True, False
            code.ops += COST[name]
        return code

    def fold(self, code: Code) -> Code:
        """An expression of literals only, evaluated now (as Python, like PySD, or with
        numpy's rules where Python would raise)."""
        env = dict(ENV, **self.folded)
        with np.errstate(all="ignore"):
            try:
                value = eval(code.src, env)  # noqa: S307 - our own generated source
            except (ArithmeticError, ValueError):
                literal = {k: np.float64(v) for k, v in self.folded.items()
                           if isinstance(v, (int, float))}
                value = eval(_float_literals(code.src), dict(env, **literal))
        if isinstance(value, complex):
            value = math.nan
        return self.constant(value)

    def expression(self, tree, init: bool) -> Code:
        code = self.emit(tree, init)
        if code.literal and not code.plain:
            code = self.fold(code)
        if code.boolean:
            code = Code(f"_number({code.src})", 0, False, code.dynamic, code.member,
                        code.ops + code.member, False, heavy=code.heavy)
        return code


def _uses_time(tree) -> bool:
    if tree is None:
        return False
    if tree[0] == "time":
        return True
    if tree[0] in ("op", "call", "reduce", "rows", "assemble", "vec", "span"):
        return (tree[0] == "call" and (tree[1] in TIMED or tree[1] == "active_initial")) or any(
            _uses_time(a) for a in tree[2])
    return False


def _float_literals(src: str) -> str:
    import re

    return re.sub(r"(?<![\w.])(\d+\.?\d*(?:e[+-]?\d+)?)", r"np.float64(\1)", src)


class Program:
    """The generated run function with what the caller needs to call it."""

    def __init__(self, model: Model, inputs: set[str], series: set[str], member: set[str],
                 outputs: list[str], axis: bool = True):
        if axis and any("[" in n for n in model.real_names):  # subscripted variables as
            model = arrays.vectorise(model, inputs, series)  # blocks with an element axis
        g = Generator(model, inputs, series, member)
        self.generator = g
        # outputs by what holds them: a variable, or a block (rows: element -> (block, row))
        self.rows = {n: g.location[n] for n in outputs if n in g.location}
        self.sizes = {b: len(flats) for b, flats in g.blocks.items()}
        outputs = list(dict.fromkeys(g.location.get(n, (n,))[0] for n in outputs))
        self.nodes = outputs
        init_lines = self._init(g, outputs)
        g.hoisting = True
        loop_aux, save, euler, pipes, loop_ops = self._loop(g, outputs)
        self.member = {n for n in outputs if n in g.member}
        self.ops_per_step, self.heavy_per_step = loop_ops
        for n in outputs:
            g.ident(n)
        lines = ["def _run(K, F, S, OUT, T, J, last):"]
        lines += [f"    {g.ids[n]} = K[{n!r}]" for n in g.ids if n in g.inputs]
        lines += [f"    {k} = F[{k!r}]" for k in g.folded]
        lines.append("    time_step = K['time_step']")
        lines += [f"    {g.ids[n]}_s = S[{n!r}]" for n in g.ids if n in g.series]
        lines += ["    t = T[0]"]
        lines += [f"    {g.ids[n]} = {g.ids[n]}_s[0]" for n in g.ids if n in g.series]
        lines += ["    " + line for line in init_lines]
        lines += [f"    {h} = {src}" for h, src in g.hoisted]
        fixed = [n for n in outputs if n not in save]
        for n in fixed + save:
            lines.append(f"    o_{g.ident(n)} = OUT[{n!r}]")
        lines += [f"    o_{g.ident(n)}[:] = {g.ident(n)}" for n in fixed]
        lines.append("    for k in range(last + 1):")
        lines.append("        t = T[k]")
        lines += [f"        {g.ids[n]} = {g.ids[n]}_s[k]" for n in g.ids if n in g.series]
        if "time_step" in g.series:  # a TIME STEP that changes: this step's
            lines.append("        time_step = S['time_step'][k]")
        lines += ["        " + line for line in loop_aux]
        if save:
            lines.append("        j = J[k]")
            lines.append("        if j >= 0:")
            lines += [f"            o_{g.ident(n)}[j] = {g.ident(n)}" for n in save]
        lines.append("        if k == last:")
        lines.append("            break")
        lines += ["        " + line for line in euler]
        lines += ["        " + line for line in pipes]
        self.source = "\n".join(lines) + "\n"
        self.constants = dict(g.folded)
        self.names = {v: n for n, v in g.ids.items()}
        env = dict(ENV)
        exec(compile(self.source, "<batch model>", "exec"), env)  # noqa: S102 - generated
        self.function = env["_run"]

    @staticmethod
    def _init(g: Generator, outputs: list[str]) -> list[str]:
        """Initial values, in the order they depend on each other, at the initial time."""
        lines, done, visiting = [], set(), set()

        def visit(name):
            if name in done or name in g.inputs or name in g.series:
                return
            if name not in g.aux and name not in g.states:
                return  # a lookup table
            if name in visiting:
                real = g.m.real_names.get(name, name)
                raise Unsupported(f"a circular initial value ({real})")
            visiting.add(name)
            if name in g.states:
                st = g.states[name]
                deps = refs(st.initial, "init") | refs(st.length, "init")
            else:
                deps = refs(g.aux[name], "init")
            for dep in sorted(deps):
                visit(dep)
            visiting.discard(name)
            done.add(name)
            v = g.ident(name)
            if name in g.aux:
                lines.append(f"{v} = {g.expression(g.aux[name], True).src}")
                return
            st = g.states[name]
            lines.append(f"{v} = {g.expression(st.initial, True).src}")
            if st.kind == "pipe":
                length = g.expression(st.length, True).src
                lines.append(f"{v}_n = _pipe_length({length}, time_step)")
                lines.append(f"{v}_p = [{v}] * {v}_n")
                lines.append(f"{v}_q = 0")

        for name in list(g.states) + [n for n in g.aux if n not in g.dynamic] + [
                n for n in outputs if n not in g.dynamic]:
            visit(name)
        return lines

    @staticmethod
    def _loop(g: Generator, outputs: list[str]):
        """The equations evaluated at every step, and the Euler and pipeline updates."""
        needed, order, visiting = set(), [], set()

        def visit(name):
            if name in needed or name not in g.aux or name not in g.dynamic:
                return
            if name in visiting:
                raise Unsupported("a simultaneous (algebraic) loop")
            visiting.add(name)
            for dep in sorted(refs(g.aux[name], "run")):
                visit(dep)
            visiting.discard(name)
            needed.add(name)
            order.append(name)

        live = [s for s in g.states.values() if s.kind != "initial"]
        for s in live:
            for dep in sorted(refs(s.ddt, "run")):
                visit(dep)
        for name in outputs:
            visit(name)
        ops = heavy = 0
        aux_lines = []
        for name in order:
            code = g.expression(g.aux[name], False)
            ops += code.ops
            heavy += code.heavy
            aux_lines.append(f"{g.ident(name)} = {code.src}")
        save = [n for n in outputs if n in g.dynamic]
        ops += sum(1 for n in save if n in g.member)
        euler, updates, pipes = [], [], []
        for s in live:
            v = g.ident(s.name)
            code = g.expression(s.ddt, False)
            if s.kind == "pipe":
                pipes += [f"{v}_p[{v}_q] = {code.src}", f"{v}_q = ({v}_q + 1) % {v}_n",
                          f"{v} = {v}_p[{v}_q]"]
                continue
            ops += code.ops + 2 * (s.name in g.member)
            heavy += code.heavy
            euler.append(f"{v}_d = {code.src}")
            updates.append(f"{v} = {v}_d" if s.kind == "set" else f"{v} = {v} + {v}_d*time_step")
        return aux_lines, save, euler + updates, pipes, (ops, heavy)
