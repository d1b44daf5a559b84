"""Vensim's array functions over numpy arrays, each giving the value PySD gives.

An argument that spans a range (the request of an allocation, the elements VECTOR SELECT
chooses from, a matrix) comes with that range on axis 0; the other axes (the elements of
the equation, members) broadcast as usual. Each call returns the value of the element its
equation defines (`k`, its position along the range). The allocations run PySD's own
one-dimensional algorithms for every element and member.
"""

from __future__ import annotations

import numpy as np


def _value(out: np.ndarray):
    """A result without elements or members as a number (as the other functions give)."""
    return out[()] if out.ndim == 0 else out[0] if out.shape == (1,) else out


def _along(*arrays) -> list[np.ndarray]:
    """Arguments spanning a range, broadcast together with axis 0 kept as the range's (an
    argument without members gains their axis after it, not before)."""
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    depth = max(a.ndim for a in arrays)
    arrays = [a.reshape(a.shape[:1] + (1,) * (depth - a.ndim) + a.shape[1:]) for a in arrays]
    return np.broadcast_arrays(*arrays)


def vec(*xs) -> np.ndarray:
    """An argument spanning a range, one value per element, the range on axis 0."""
    return np.stack(np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in xs)))


def span(value, shape, axis) -> np.ndarray:
    """An argument built over the range at `axis` of `shape` (and members), moved to axis 0."""
    value = np.asarray(value, dtype=float)
    depth = len(shape) + 1
    if value.ndim < depth:
        value = value.reshape((1,) * (depth - value.ndim) + value.shape)
    return np.moveaxis(np.broadcast_to(value, tuple(shape) + value.shape[-1:]), axis, 0)


def vector_select(selection, expression, missing, action, error):
    """VECTOR SELECT: the elements whose selection is not 0, combined by `action` (sum,
    product, minimum, maximum, mean of selection x expression, or of expression ^
    selection, or of the expression itself), `missing` where none is selected."""
    selection, expression = _along(selection, expression)
    action, error = _number(action, "action"), _number(error, "error action")
    zeros = np.all(selection == 0, axis=0)
    if error in (1, 3) and np.any(zeros):
        raise FloatingPointError("All the values of selection_array are 0...")
    if error in (2, 3) and np.any(np.sum(selection != 0, axis=0) > 1):
        raise FloatingPointError("More than one non-zero values in selection_array...")
    if action in range(5):
        values = selection * expression
    elif action == 5:
        values = expression ** selection
    elif action in range(6, 11):
        values = expression
    else:
        raise ValueError(f"Invalid argument value 'numerical_action={action}'.")
    action = int(action)
    values = np.where(selection == 0, np.nan, values)
    kind = action - 6 if action >= 6 else 1 if action == 5 else action
    if kind == 0:
        out = np.nansum(values, axis=0)
    elif kind == 1:
        out = np.nanprod(values, axis=0)
    elif kind == 2:
        out = np.fmin.reduce(values, axis=0)
    elif kind == 3:
        out = np.fmax.reduce(values, axis=0)
    else:
        out = np.nansum(values, axis=0) / np.sum(~np.isnan(values), axis=0)
    return _value(np.where(zeros, missing, out))


def _number(value, what: str) -> float:
    """An action of VECTOR SELECT: one number for every element and member."""
    values = np.unique(np.asarray(value, dtype=float))
    if values.size != 1:
        from .translate import Unsupported

        raise Unsupported(f"a VECTOR SELECT whose {what} differs between elements or members")
    return float(values[0])


def invert_matrix(matrix, n, k):
    """Element k (row-major) of the inverse of the n x n matrix on axis 0 (n * n values)."""
    a = np.asarray(matrix, dtype=float)
    a = np.moveaxis(a.reshape((n, n) + a.shape[1:]), (0, 1), (-2, -1))
    inverse = np.linalg.inv(a)
    return _value(_pick(inverse.reshape(inverse.shape[:-2] + (n * n,)), k))


def _pick(values: np.ndarray, k) -> np.ndarray:
    """values[..., k], with k a number or an array of positions per element."""
    k = np.asarray(k)
    if k.ndim == 0:
        return values[..., int(k)]
    shape = np.broadcast_shapes(k.shape, values.shape[:-1])
    values = np.broadcast_to(values, shape + values.shape[-1:])
    index = np.broadcast_to(k.astype(np.intp), shape)[..., None]
    return np.take_along_axis(values, index, axis=-1)[..., 0]


def _sort_order(vector, direction) -> np.ndarray:
    """PySD's sort order along axis 0: 0-based positions, smallest first where the direction
    is above 0, else the ascending order reversed (so tied elements come last to first);
    numpy's own argsort along a contiguous last axis, as PySD calls it."""
    values = np.ascontiguousarray(np.moveaxis(np.asarray(vector, dtype=float), 0, -1))
    ascending = np.argsort(values, axis=-1)
    down = np.asarray(direction, dtype=float)[..., None] <= 0
    return np.where(down, ascending[..., ::-1], ascending)


def vector_sort_order(vector, direction, k):
    """VECTOR SORT ORDER: the position (from 0) of the element that comes k-th."""
    return _value(_pick(_sort_order(vector, direction), k))


def vector_rank(vector, direction, k):
    """VECTOR RANK: element k's place (from 1) in the sort order."""
    order = _sort_order(vector, direction)
    return _value(_pick(np.argsort(order, axis=-1) + 1, k))


def vector_reorder(vector, order):
    """VECTOR REORDER: the element of the vector (range on axis 0) that `order` names (from
    0), per element and member."""
    vector = np.asarray(vector, dtype=float)
    n = vector.shape[0]
    index = np.trunc(np.asarray(order, dtype=float))
    if np.any(~np.isfinite(index)) or np.any((index < -n) | (index >= n)):
        from .translate import Unsupported

        raise Unsupported("a VECTOR REORDER whose order names no element")
    values = np.moveaxis(vector, 0, -1)
    return _value(_pick(values, np.mod(index, n).astype(np.intp)))


def _cells(first, *arrays):
    """The arrays broadcast over their shared shape, the first (a request) with its range
    on axis 0 before it."""
    shape = np.broadcast_shapes(first.shape[1:], *(np.shape(a) for a in arrays))
    first = first.reshape(first.shape[:1] + (1,) * (len(shape) + 1 - first.ndim)
                          + first.shape[1:])
    return shape, [np.broadcast_to(first, first.shape[:1] + shape)] + [
        np.broadcast_to(np.asarray(a, dtype=float), shape) for a in arrays]


def _declined(what: str):
    """An allocation PySD refuses: the batch engine declines the run, and PySD, taking it
    over, reports the problem."""
    from .translate import Unsupported

    raise Unsupported(f"an allocation with {what}")


def allocate_by_priority(request, priority, width, supply, k):
    """ALLOCATE BY PRIORITY: this element's share of the supply."""
    from pysd.py_backend.allocation import _allocate_by_priority_1d

    request, priority = _along(request, priority)
    if np.any(request < 0):
        _declined("a negative request")
    if np.any(np.asarray(width) <= 0):
        _declined("a width that is not positive")
    if np.any(np.asarray(supply) < 0):
        _declined("a negative supply")
    shape, (request, width, supply, k) = _cells(request, width, supply, k)
    priority = _along(priority, request)[0]
    out = np.empty(shape)
    for cell in np.ndindex(shape):
        at = (slice(None),) + cell
        shares = _allocate_by_priority_1d(request[at].copy(), priority[at].copy(),
                                          float(width[cell]), float(supply[cell]))
        out[cell] = np.asarray(shares, dtype=float)[int(k[cell])]
    return _value(out)


def allocate_available(request, profiles, size, available, k):
    """ALLOCATE AVAILABLE: this element's share of what is available; `profiles` holds
    each element's priority profile (`size` values) in turn."""
    from pysd.py_backend.allocation import _allocate_available_1d

    request = np.asarray(request, dtype=float)
    profiles = np.asarray(profiles, dtype=float)
    if np.any(request < 0):
        _declined("a negative request")
    if np.any(np.asarray(available) < 0):
        _declined("a negative supply")
    count = request.shape[0]
    shape, (request, available, k) = _cells(request, available, k)
    profiles = profiles.reshape((count, int(size)) + profiles.shape[1:])
    profiles = profiles.reshape(profiles.shape[:2] + (1,) * (len(shape) + 2 - profiles.ndim)
                                + profiles.shape[2:])
    profiles = np.broadcast_to(profiles, profiles.shape[:2] + shape)
    out = np.empty(shape)
    for cell in np.ndindex(shape):
        at = (slice(None),) + cell
        try:
            shares = _allocate_available_1d(request[at].copy(),
                                            profiles[(slice(None),) + at],
                                            float(available[cell]))
        except (NotImplementedError, ValueError) as exc:  # PySD refuses the profile too
            _declined(f"a priority profile PySD refuses ({exc})".replace(".)", ")"))
        out[cell] = np.asarray(shares, dtype=float)[int(k[cell])]
    return _value(out)


ENV = {"_vec": vec, "_span": span, "_vector_select": vector_select,
       "_invert_matrix": invert_matrix, "_vector_sort_order": vector_sort_order,
       "_vector_rank": vector_rank, "_vector_reorder": vector_reorder,
       "_allocate_by_priority": allocate_by_priority,
       "_allocate_available": allocate_available}
