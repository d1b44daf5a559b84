"""Vensim macros, inlined: every call gets its own copy of the macro's equations.

PySD builds each macro as a model of its own, one instance per call, stepped with the
caller's clock. The batch engine copies the macro's equations into the calling model
instead, under names prefixed per call (`_macro_<n>_<name>`), its parameters replaced by the
call's arguments, so that a call is a few more arrays over members. Stocks, SMOOTHs and
DELAYs inside a macro become states of that copy. A call returns the macro's own variable,
as in PySD (whose parser reads no call with extra outputs, `NAME(a : out)`); the copies are
hidden, as PySD does not report a macro's variables either.
"""

from __future__ import annotations

import numpy as np

from .translate import State, Unsupported, _constant, key

DEPTH = 20  # nested calls beyond this are a macro calling itself


class Macros:
    """The macros of a model file, by PySD's name, and the expansion of a call."""

    def __init__(self, sections, lookups: dict):
        self.sections = {s.name: s for s in sections}
        self.lookups = lookups  # the model's lookup tables: a macro's own are added here
        self.depth = 0

    def __contains__(self, name: str) -> bool:
        return name in self.sections

    def call(self, tr, name: str, args: tuple) -> tuple:
        """The tree of one call of macro `name` with argument trees `args`, from
        translator `tr` (whose hidden states and auxiliaries receive the copy)."""
        section = self.sections[name]
        if len(args) != len(section.params):
            raise Unsupported(f"a call of the macro {name} with {len(args)} arguments "
                              f"for {len(section.params)} parameters")
        if tr.binding:
            raise Unsupported("a macro called from a subscripted variable")
        if section.subscripts:
            raise Unsupported("subscript ranges inside a macro")
        if self.depth >= DEPTH:
            raise Unsupported(f"a macro that calls itself ({name})")
        prefix = tr.hidden("macro")
        scope = {}
        for param, arg in zip(section.params, args, strict=True):
            if arg[0] in ("num", "ref", "time") or _constant(arg, tr.constants):
                scope[key(param)] = arg  # a name, or a constant expression (folded once)
            else:  # computed once per evaluation, as PySD's parameter is
                tr.aux[f"{prefix}_{key(param)}"] = arg
                scope[key(param)] = ("ref", f"{prefix}_{key(param)}")
        pieces = []
        for element in section.elements:
            if len(element.components) != 1 or element.components[0].subscripts[0]:
                raise Unsupported("a subscripted variable inside a macro")
            py, ast = key(element.name), element.components[0].ast
            local = f"{prefix}_{py}"
            if isinstance(ast, np.ndarray):
                ast = float(ast.item())
            if isinstance(ast, (int, float)) and not isinstance(ast, bool):
                scope[py] = ("num", ast)
            elif type(ast).__name__ == "LookupsStructure":
                self.lookups[local] = (np.array(ast.x, dtype=float),
                                       np.array(ast.y, dtype=float))
                tr.lookups.add(local)
                scope[py] = ("ref", local)
            else:
                scope[py] = ("ref", local)
                pieces.append((local, ast))
        if name not in scope:
            raise Unsupported(f"a macro with no variable named as the macro ({name})")
        outer, tr.scope = tr.scope, scope
        self.depth += 1
        try:
            for local, ast in pieces:
                if type(ast).__name__ == "IntegStructure":
                    if ast.non_negative:
                        raise Unsupported("non-negative stocks")
                    tr.states.append(State(local, tr.instance((), ast.initial),
                                           tr.instance((), ast.flow)))
                else:
                    tr.aux[local] = tr.instance((), ast)
        finally:
            tr.scope = outer
            self.depth -= 1
        return scope[name]
