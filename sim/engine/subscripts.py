"""Subscripted (array) variables, unrolled into one variable per element.

A variable `x[DimA, DimB]` becomes `x[a1,b1]`, `x[a1,b2]`, ... (PySD's column names), each with
the equation of the component that defines it, its subscript ranges bound to that element. A
reference inside resolves each range to an element: the element bound to the same range, or
(through a mapping, or a subrange) to the range on the left-hand side it corresponds to.
Every element keeps its own array over members, so members stay vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from .translate import Unsupported, key


@dataclass
class Instance:
    """One element of a subscripted variable: its flat name, binding and equation."""

    flat: str
    real: str
    binding: tuple  # ((range or None, element), ...) per position on the left-hand side
    ast: object
    index: tuple | None  # position in an array of numbers, for constants given as a table


class Ranges:
    """The model's subscript ranges, their mappings, and how references resolve."""

    def __init__(self, section):
        raw = {r.name: [r.subscripts] if isinstance(r.subscripts, str) else list(r.subscripts)
               for r in section.subscripts}  # a copy (Dim2 <-> Dim1) names its original

        def flat(name, seen=()):
            out = []
            for e in raw[name]:
                out += flat(e, seen + (name,)) if e in raw and e not in seen else [e]
            return out

        self.elements = {name: flat(name) for name in raw}
        # PySD's main ranges: the longest first; a range inside one already found is a
        # subrange of it (a copy, Dim2 <-> Dim1, always is)
        copies = {r.name for r in section.subscripts if isinstance(r.subscripts, str)}
        self.main: dict[str, str] = {}
        mains: list[str] = []
        for r in sorted(self.elements, key=lambda r: -len(self.elements[r])):
            parent = next((m for m in mains if set(self.elements[r]) <= set(self.elements[m])),
                          None)
            if parent is None and r not in copies:
                mains.append(r)
                parent = r
            self.main[r] = parent or r
        self.mappings = {r.name: [m for m in r.mapping if isinstance(m, str)]
                         for r in section.subscripts}

    def expand(self, subs) -> list[list[str]]:
        return [self.elements[s] if s in self.elements else [s] for s in subs]

    def final_range(self, used: set[str], declared: list[str]) -> list[str]:
        """Elements of the range a variable spans at one position, in the range's order:
        the smallest range covering them, a range its equations name first."""
        ranges = [r for r in declared if r in self.elements] + list(self.elements)
        wider = sorted((r for r in dict.fromkeys(ranges) if used <= set(self.elements[r])),
                       key=lambda r: len(self.elements[r]))
        if not wider:
            raise Unsupported("a subscripted variable over no single range")
        return self.elements[wider[0]]

    def instances(self, element, py: str) -> list[Instance]:
        """Every element of a subscripted variable, in PySD's column order."""
        defined = {}
        for comp in element.components:
            subs, excepts = comp.subscripts
            lists = self.expand(subs)
            excluded = set()
            for ex in excepts:
                excluded |= set(product(*self.expand(ex)))
            ranged = [i for i, s in enumerate(subs) if s in self.elements]
            ast = comp.ast
            shape = [len(lists[i]) for i in ranged]
            if hasattr(ast, "shape") and ast.ndim != len(shape) and ast.size == np.prod(shape):
                ast = ast.reshape(shape)  # a TABBED ARRAY comes as one row
            for combo in product(*lists):
                if combo in excluded:
                    continue
                binding = tuple((s if s in self.elements else None, e)
                                for s, e in zip(subs, combo, strict=True))
                index = tuple(lists[i].index(combo[i]) for i in ranged)
                defined[combo] = (binding, ast, index)
        if not defined:
            raise Unsupported("a subscripted variable with no elements")
        width = {len(c) for c in defined}
        if len(width) != 1:
            raise Unsupported("subscripted variables of uneven dimensions")
        axes = [self.final_range({c[i] for c in defined},
                                 [comp.subscripts[0][i] for comp in element.components])
                for i in range(width.pop())]
        if len(element.components) == 1 and not _filled(element.components[0].ast):
            # PySD widens a lone equation's elements to whole ranges only when it fills an
            # array (a number, or data read from a file); an expression, a table of numbers
            # or a stock keeps the elements it names
            axes = self.expand(element.components[0].subscripts[0])
        out = []
        for combo in product(*axes):
            # PySD gives the elements no equation defines a missing value
            binding, ast, index = defined.get(combo, ((), float("nan"), None))
            name = ",".join(combo)
            out.append(Instance(f"{py}[{name}]", f"{element.name}[{name}]", binding, ast,
                                index))
        return out

    def position(self, name: str, binding: tuple) -> int | None:
        """A range or an element named as a value: the (bound) element's position in its
        main range, counted from 1, as PySD numbers them."""
        for r, els in self.elements.items():
            if name in (r, key(r)):
                bound = [e for s, e in binding if s == r] + [e for _, e in binding if e in els]
                return self.elements[self.main[r]].index(bound[0]) + 1 if bound else None
        for r in dict.fromkeys(self.main.values()):
            for i, e in enumerate(self.elements[r], start=1):
                if name in (e, key(e)):
                    return i
        return None

    def resolve(self, sub: str, binding: tuple, bang: dict) -> str:
        """The element a subscript in a reference stands for, under `binding`."""
        if sub.endswith("!"):
            if sub in bang:  # a range marked within VECTOR SELECT
                return bang[sub]
            if sub[:-1] not in bang:
                raise Unsupported("a summed subscript outside SUM, PROD, VMIN or VMAX")
            return bang[sub[:-1]]
        if sub not in self.elements:
            return sub
        if sub in bang:
            return bang[sub]
        for r, e in binding:
            if r == sub:
                return e
        mine = self.elements[sub]
        for r, e in binding:
            if r and (r in self.mappings.get(sub, ()) or sub in self.mappings.get(r, ())):
                if len(self.elements[r]) == len(mine):
                    return mine[self.elements[r].index(e)]
        for r, e in binding:
            if e in mine:
                return e
        raise Unsupported(f"a reference to subscript {sub} it cannot resolve")


def _filled(ast) -> bool:
    from .external import is_external

    return isinstance(ast, (int, float)) or is_external(ast)


def bangs(node) -> list[str]:
    """Ranges summed over (written `Dim!`) in a syntax tree, in order of appearance."""
    from pysd.translators.structures import abstract_expressions as ae

    found: list[str] = []

    def walk(n):
        if isinstance(n, ae.ReferenceStructure):
            if n.subscripts:
                for s in n.subscripts.subscripts:
                    if s.endswith("!") and s[:-1] not in found:
                        found.append(s[:-1])
            return
        if isinstance(n, (list, tuple)):
            for x in n:
                walk(x)
            return
        if isinstance(n, ae.AbstractSyntax):
            for value in vars(n).values():
                walk(value)

    walk(node)
    return found
