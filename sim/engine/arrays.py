"""Subscripted equations as arrays: one block per variable, the element axis first.

The translator gives one tree per element (x[a1], x[a2], ...). Here the elements of one
variable become one block, an array of shape (elements, members), or (elements, 1) when the
members share it; elements whose trees are equal up to the element they are bound to become
one piece, one numpy expression: references become gathers (the whole block, a slice or an
index array), numbers that differ a column of numbers, SUM, PROD, VMIN and VMAX reductions
over an extra axis. Pieces of one block (EXCEPT, several equations) are assembled by index.
Members stay on the last axis, so that a value common to the elements (a scalar, or an
array over members) broadcasts against a block as it is. A block that its own elements
depend on (x[a2] = x[a1] + 1) stays one equation per element.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .translate import AGGREGATES, Model, State, refs


@dataclass
class Arrays(Model):
    """A model whose subscripted variables are blocks: `blocks` names each block's flat
    elements in order, `location` maps a flat element to (block, row)."""

    blocks: dict[str, list[str]] = field(default_factory=dict)
    location: dict[str, tuple[str, int]] = field(default_factory=dict)


def signature(tree):
    """A tree's shape with names and numbers left out: equal for elements of one piece."""
    if tree is None:
        return None
    kind = tree[0]
    if kind in ("num", "ref"):
        return (kind,)
    if kind in ("time", "table"):
        return tree
    if kind == "order":
        return ("order", tree[1], signature(tree[2]))
    return (kind, tree[1], tuple(signature(a) for a in tree[2]))


def _squeeze(values: np.ndarray, axes: int | None = None) -> np.ndarray:
    """Size 1 along every axis (of the first `axes`) the values do not change on (they
    broadcast there)."""
    for axis in range(values.ndim if axes is None else axes):
        first = values.take([0], axis=axis)
        if values.shape[axis] > 1 and bool(np.all(values == first)):
            values = first
    return values


def _objects(items, shape) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):  # one object each, whatever its shape
        out[i] = item
    return out.reshape(shape)


class _Vectoriser:
    """Builds the array model for one set of inputs."""

    def __init__(self, model: Model, inputs: set[str], series: set[str], dissolved: set[str]):
        self.m = model
        self.inputs = inputs
        self.series = series
        self.dissolved = dissolved
        self.aux = {n: t for n, t in model.aux.items() if n not in inputs | series}
        self.states = {s.name: s for s in model.states if s.name not in inputs | series}
        self.blocks: dict[str, list[str]] = {}
        self.location: dict[str, tuple[str, int]] = {}
        self.queue: list[str] = []
        variables: dict[str, list[str]] = {}
        for flat in model.real_names:
            if "[" in flat and flat not in series:
                variables.setdefault(flat[:flat.index("[")], []).append(flat)
        for py, flats in variables.items():
            stocks = [f for f in flats if f in self.states]
            if stocks and len(stocks) != len(flats) or any(f in model.lookups for f in flats):
                continue  # stocks beside other equations: one equation per element
            self._block(f"{py}[*]", flats)

    def _block(self, name: str, flats: list[str]) -> None:
        if name in self.dissolved or len(flats) < 2:
            return
        self.blocks[name] = flats
        self.location.update((f, (name, i)) for i, f in enumerate(flats))
        self.queue.append(name)

    # --- trees ---------------------------------------------------------------------------
    def merge(self, trees: np.ndarray):
        """One tree for an array of trees of one signature (the context's shape)."""
        first = trees.flat[0]
        kind = first[0]
        if kind == "num":
            values = np.array([t[1] for t in trees.flat], dtype=float).reshape(trees.shape)
            if np.array_equal(values, np.full(values.shape, float(first[1])), equal_nan=True):
                return first
            return ("nums", _squeeze(values), ())
        if kind in ("time", "table"):
            return first
        if kind == "ref":
            return self.reference(_objects([t[1] for t in trees.flat], trees.shape))
        if kind == "order":
            return ("order", first[1], self.merge(self._sub(trees, None)))
        if kind == "op":
            return ("op", first[1], tuple(self.merge(self._sub(trees, k))
                                          for k in range(len(first[2]))))
        if kind == "vec":  # an array function's argument: the range on an axis of its own
            count = len(first[2])
            inner = _objects([a for t in trees.flat for a in t[2]], trees.shape + (count,))
            inner = _squeeze(inner, trees.ndim)
            return ("span", (inner.shape, trees.ndim), (self.merge(inner),))
        name = first[1]
        if name in AGGREGATES:
            count = len(first[2])
            inner = _objects([a for t in trees.flat for a in t[2]], trees.shape + (count,))
            inner = _squeeze(inner, trees.ndim)  # a sum every element shares: computed once
            return ("reduce", name, (self.merge(inner),), trees.ndim, inner.shape)
        if name == "lookup":
            tables = _squeeze(_objects([t[2][1][1] for t in trees.flat], trees.shape))
            table = first[2][1] if tables.size == 1 else ("lookups", tables, ())
            return ("call", name, (self.merge(self._sub(trees, 0)), table))
        return ("call", name, tuple(None if a is None else self.merge(self._sub(trees, k))
                                    for k, a in enumerate(first[2])))

    @staticmethod
    def _sub(trees: np.ndarray, k: int | None) -> np.ndarray:
        return _objects([t[2] if k is None else t[2][k] for t in trees.flat], trees.shape)

    def reference(self, names: np.ndarray):
        names = _squeeze(names)
        flat = list(names.flat)
        if len(flat) > 1 and not any(n in self.location for n in flat):
            self._hidden(flat)
        if len(flat) == 1 and flat[0] not in self.location:
            return ("ref", flat[0])
        nodes = dict.fromkeys(self.location.get(n, (n,))[0] for n in flat)
        return ("gather", names, tuple(("ref", n) for n in nodes))

    def _hidden(self, flat: list[str]) -> None:
        """Hidden variables (a SMOOTH's stages, a DELAY's output) of each element: a block
        when they are distinct and of one kind."""
        if len(set(flat)) != len(flat) or any(n in self.m.real_names for n in flat):
            return
        if all(n in self.aux for n in flat):
            self._block(f"{flat[0]}[*]", flat)
        elif all(n in self.states for n in flat):
            kinds = {(self.states[n].kind, signature(self.states[n].length)) for n in flat}
            if len(kinds) == 1:
                self._block(f"{flat[0]}[*]", flat)

    def single(self, tree):
        """One element's tree, its references resolved to rows of blocks."""
        if tree is None:
            return None
        return self.merge(_objects([tree], ()))

    # --- blocks --------------------------------------------------------------------------
    def pieces(self, flats: list[str], tree_of) -> tuple:
        """The block's tree from its elements' trees, grouped into pieces by signature."""
        groups: dict[object, list[int]] = {}
        for i, f in enumerate(flats):
            tree = tree_of(f)
            groups.setdefault(tree if tree == ("input",) else signature(tree), []).append(i)
        count = len(flats)
        trees, rows = [], []
        for sig, index in groups.items():
            if sig == ("input",):
                names = tuple(flats[i] for i in index)
                trees.append(("kstack", names, tuple(("ref", n) for n in names)))
            else:
                trees.append(self.merge(_objects([tree_of(flats[i]) for i in index],
                                                 (len(index),))))
            rows.append(np.array(index))
        if len(trees) == 1:
            return ("rows", count, (trees[0],))
        return ("assemble", (count, tuple(rows)), tuple(trees))

    def build(self) -> Arrays:
        """Every block's equations, then the loose ones (again while they find blocks)."""
        aux: dict[str, tuple] = {}
        states: dict[str, State] = {}
        done: set[str] = set()
        while True:
            while self.queue:
                name = self.queue.pop(0)
                flats = self.blocks[name]
                done.update(flats)
                if flats[0] in self.states:
                    st = [self.states[f] for f in flats]
                    length = None
                    if st[0].length is not None:
                        length = self.merge(_objects([s.length for s in st], (len(st),)))
                    states[name] = State(name, self.pieces(flats, lambda f: self.states[f].initial),
                                         self.pieces(flats, lambda f: self.states[f].ddt),
                                         st[0].kind, length)
                else:
                    aux[name] = self.pieces(flats, self._definition)
            # the loose equations, again if they find hidden blocks
            loose_aux = {n: self.single(t) for n, t in self.aux.items() if n not in done}
            loose = {n: State(n, self.single(s.initial), self.single(s.ddt), s.kind,
                              self.single(s.length))
                     for n, s in self.states.items() if n not in done}
            if not self.queue:
                break
        aux.update(loose_aux)
        states.update(loose)
        return Arrays(self.m.real_names, self.m.constants, aux, list(states.values()),
                      self.m.lookups, sources=self.m.sources, data=self.m.data,
                      blocks=dict(self.blocks), location=dict(self.location))

    def _definition(self, flat: str):
        """An element's equation, or ("input",) for a constant or a value given per run."""
        if flat in self.aux:
            return self.aux[flat]
        return ("input",)


def cycles(model: Arrays) -> set[str]:
    """Nodes on a cycle of the initial or of the running equations (Tarjan)."""
    states = {s.name: s for s in model.states}
    init = {n: refs(t, "init") for n, t in model.aux.items()}
    init.update({n: refs(s.initial, "init") | refs(s.length, "init") for n, s in states.items()})
    run = {n: refs(t, "run") & set(model.aux) for n, t in model.aux.items()}
    found: set[str] = set()
    for graph in (init, run):
        found |= _strong(graph)
    return found


def _strong(graph: dict[str, set[str]]) -> set[str]:
    """Nodes of the strongly connected components that hold a cycle (Tarjan's algorithm,
    without recursion: a model may chain thousands of equations)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: set[str] = set()
    counter = [0]

    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for dep in it:
                if dep not in graph:
                    continue
                if dep not in index:
                    index[dep] = low[dep] = counter[0]
                    counter[0] += 1
                    stack.append(dep)
                    on.add(dep)
                    work.append((dep, iter(sorted(graph.get(dep, ())))))
                    advanced = True
                    break
                if dep in on:
                    low[node] = min(low[node], index[dep])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    n = stack.pop()
                    on.discard(n)
                    members.append(n)
                    if n == node:
                        break
                if len(members) > 1 or node in graph.get(node, ()):
                    out.update(members)
    return out


def vectorise(model: Model, inputs: set[str], series: set[str]) -> Arrays:
    """The array model of `model` for these inputs and series (which stay one name each)."""
    dissolved: set[str] = set()
    while True:
        arrays = _Vectoriser(model, inputs, series, dissolved).build()
        looped = cycles(arrays) & set(arrays.blocks)
        if not looped:
            return arrays
        dissolved |= looped
