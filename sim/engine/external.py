"""Data read from files (GET XLS / GET DIRECT CONSTANTS, LOOKUPS and DATA) for the batch engine.

Each such equation is read once, when the model is translated, with PySD's own readers (so
cells, ranges, transposition and missing values are read exactly as PySD reads them), from
the folder of the .mdl. What it gives the generated code is numbers: a constant, a lookup
table (x, y), or a time series that a DATA variable follows with PySD's keyword semantics
(interpolate, look forward, hold backward, raw). The files read are recorded with their
hashes (sim/datafiles.py), so that a cached translation follows them.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from .. import datafiles
from ..errors import SimError

METHODS = ("interpolate", "look_forward", "hold_backward", "raw")
# the generated code's call for a DATA variable: its time series at time t
TIMED = {f"data_{m}": f"_data(t, {{}}, {m!r})" for m in METHODS}
COST = {name: 0 for name in TIMED}  # a scalar per step, not an operation over members


def data(t, times, values, method):
    """A DATA variable's value at time t, as PySD's Data object gives it: the value at t
    itself; otherwise NaN (raw), the end values outside the series, or between two points
    the linear interpolation, the next value (look forward) or the previous (hold
    backward)."""
    i = int(np.searchsorted(times, t))
    if i < len(times) and times[i] == t:
        return values[i]
    if method == "raw":
        return np.float64(np.nan)
    if i == len(times):
        return values[-1]
    if i == 0:
        return values[0]
    if method == "look_forward":
        return values[i]
    if method == "hold_backward":
        return values[i - 1]
    return np.interp(t, times[i - 1:i + 1], values[i - 1:i + 1])


ENV = {"_data": data}


def is_external(ast) -> bool:
    """Whether a component's equation reads a file (GET XLS / GET DIRECT)."""
    from pysd.translators.structures import abstract_expressions as ae

    return isinstance(ast, (ae.GetConstantsStructure, ae.GetLookupsStructure,
                            ae.GetDataStructure))


class Reader:
    """The model's external equations, each component read once, relative to the .mdl."""

    def __init__(self, mdl: Path, elements: dict[str, list[str]]):
        self.mdl = Path(mdl)
        self.elements = elements  # every subscript range's elements
        self.arrays: dict[tuple, object] = {}
        self.files: set[str] = set()

    def piece(self, name: str, component, binding: tuple) -> tuple:
        """One element of an external component of the variable `name`: ("constant",
        value), ("lookup", (x, y)) or ("data", tree), `binding` giving the element at each
        subscript position."""
        from pysd.translators.structures import abstract_expressions as ae

        subs = list(component.subscripts[0])
        coords = {f"dim{i}": self.elements.get(s, [s]) for i, s in enumerate(subs)}
        array = self._read(name, component, coords)
        at = {f"dim{i}": element for i, (_, element) in enumerate(binding)}
        ast = component.ast
        if isinstance(ast, ae.GetConstantsStructure):
            value = array.sel(at).item() if at else array
            return ("constant", float(value))
        picked = array.sel(at) if at else array
        x = np.asarray(picked[picked.dims[0]].values, dtype=float)
        y = np.asarray(picked.values, dtype=float)
        if isinstance(ast, ae.GetLookupsStructure):
            return ("lookup", (x, y))
        method = getattr(component, "keyword", None) or "interpolate"
        return ("data", ("call", f"data_{method}", (("table", tuple(x), tuple(y)),)))

    def _read(self, variable: str, component, coords: dict):
        """PySD's value of one external component over its own coordinates."""
        from pysd.py_backend import external as ext
        from pysd.translators.structures import abstract_expressions as ae

        from .translate import key as py_key

        ast = component.ast
        method = getattr(component, "keyword", None)
        key = (type(ast).__name__, ast.file, ast.tab, getattr(ast, "x_row_or_col", None),
               getattr(ast, "time_row_or_col", None), ast.cell, method,
               tuple((k, tuple(v)) for k, v in coords.items()))
        if key in self.arrays:
            return self.arrays[key]
        datafiles.path(self.mdl, ast.file)
        root = self.mdl.resolve().parent
        if isinstance(ast, ae.GetConstantsStructure):
            obj = ext.ExtConstant(ast.file, ast.tab, ast.cell, coords, root, coords,
                                  f"_ext_constant_{py_key(variable)}")
        elif isinstance(ast, ae.GetLookupsStructure):
            obj = ext.ExtLookup(ast.file, ast.tab, ast.x_row_or_col, ast.cell, coords, root,
                                coords, f"_ext_lookup_{py_key(variable)}")
        else:
            if method not in (None, *METHODS):
                from .translate import Unsupported

                raise Unsupported(f"DATA with the keyword {method}")
            obj = ext.ExtData(ast.file, ast.tab, ast.time_row_or_col, ast.cell, method,
                              coords, root, coords, f"_ext_data_{py_key(variable)}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PySD's notes on missing values it fills
            try:
                obj.initialize()
            except Exception as exc:  # a sheet, cell or range PySD cannot read
                raise SimError(datafiles.unreadable(self.mdl, exc)) from exc
            finally:
                ext.Excels.clean()  # read again next time: the file may change
        self.files.add(ast.file)
        self.arrays[key] = obj.data
        return obj.data

    def sources(self) -> dict[str, str]:
        """The files read, with their hashes."""
        return datafiles.hashes(self.mdl, self.files)


def data_series(model, mdl: Path, files) -> dict:
    """{name: its value as a function of time} for the DATA variables of a translated
    model, read with PySD's reader from `files` (a run's output, .tab or .csv)."""
    if not model.data:
        return {}
    if not files:
        names = dict.fromkeys(name for name, *_ in model.data.values())
        raise SimError(datafiles.no_data(mdl, names))
    from functools import partial

    from pysd.py_backend.data import Columns, TabData

    from .translate import key

    read: dict[tuple, object] = {}
    out = {}
    # in the order of their Python names, as PySD reads them
    for flat, (name, elements, element, keyword) in sorted(model.data.items()):
        if (name, elements) not in read:
            coords = {f"dim{i}": list(e) for i, e in enumerate(elements)}
            tab = TabData(name, key(name), coords, keyword or "interpolate")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    tab.load_data([str(f) for f in files])
                except Exception as exc:  # not in the files, or a file PySD cannot read
                    raise SimError(datafiles.unreadable_data(mdl, files, exc)) from exc
                finally:
                    Columns.clean()  # read again next time: the files may change
            read[(name, elements)] = tab.data
        picked = read[(name, elements)]
        if element:
            picked = picked.sel({f"dim{i}": e for i, e in enumerate(element)})
        out[flat] = partial(data, times=np.asarray(picked["time"].values, dtype=float),
                            values=np.asarray(picked.values, dtype=float),
                            method=keyword or "interpolate")
    return out
