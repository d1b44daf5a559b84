"""Vensim's built-in functions over numpy arrays (one value per member), each giving the value
PySD's scalar version gives, so that the batch engine and PySD agree to rounding."""

from __future__ import annotations

import math

import numpy as np

SMALL_VENSIM = 1e-6  # PySD's threshold in XIDZ, ZIDZ, QUANTUM and PULSE


def _plain(out):
    return out if np.ndim(out) else out[()]


def number(x):
    """A comparison's truth value as a number: numpy adds booleans as logical OR, Python as
    integers (True + True is 2), and PySD follows Python."""
    return np.multiply(x, 1.0) if isinstance(x, np.ndarray) else float(x)


def where(condition, yes, no):
    """IF THEN ELSE: PySD evaluates only the branch it takes; both give the same value."""
    if isinstance(condition, np.ndarray) and condition.ndim:
        return np.where(condition, yes, no)
    return yes if condition else no


def xidz(a, b, x):
    if isinstance(b, np.ndarray) and b.ndim:
        return np.where(np.abs(b) < SMALL_VENSIM, x, a / np.where(b == 0, 1, b))
    return x if abs(b) < SMALL_VENSIM else a / b


def zidz(a, b):
    return xidz(a, b, 0)


def integer(x):
    """INTEGER truncates towards zero, as Python's int() does in PySD: a zero has no sign
    (adding 0.0 turns numpy's -0.0 into 0.0), which shows when something is divided by it."""
    return np.trunc(x) + 0.0


def quantum(a, b):
    """b times the integer part of a / b, or a itself when b is below SMALL_VENSIM."""
    small = b < SMALL_VENSIM
    return _plain(np.where(small, a, b * integer(a / np.where(small, 1, b))))


def modulo(x, m):
    """MODULO as PySD (and Vensim) define it: x - QUANTUM(x, m), negative for negative x."""
    return x - quantum(x, m)


def step(t, dt, value, tstep):
    return value * (t + dt / 2 > tstep)


def ramp(t, slope, start, finish=None):
    final = t if finish is None else np.minimum(finish, t)
    return (t + SMALL_VENSIM > start) * slope * (final - start)


def pulse(t, start, width):
    return _plain(np.where((start - SMALL_VENSIM <= t) & (t < start + width), 1.0, 0.0))


def pulse_train(t, start, repeat, width, end):
    """PULSE TRAIN: 1 for `width` at start, start + repeat, ... until `end`."""
    if np.ndim(repeat) == 0 and repeat == 0:
        return pulse(t, start, width)
    with np.errstate(divide="ignore", invalid="ignore"):
        on = (t - start + SMALL_VENSIM) % np.where(repeat == 0, 1, repeat) < width
    on = np.where(repeat == 0, (start - SMALL_VENSIM <= t) & (t < start + width),
                  (start <= t) & (t < end) & on)
    return _plain(np.where(on, 1.0, 0.0))


def lookup(x, xs, ys):
    """A lookup table: linear between points, the end values outside them, and (as PySD's
    xarray interpolation gives) the first value at NaN. PySD's inline lookups (WITH LOOKUP)
    use np.interp itself, which gives NaN there."""
    out = np.interp(x, xs, ys)
    if np.ndim(out):
        nan = np.isnan(x)
        if nan.any():
            out[nan] = ys[0]
        return out
    return ys[0] if math.isnan(x) else out


def delay_order(n, dt, *delay_times):
    """A DELAY chain's order as PySD sets it at the start: n, lowered while order x TIME
    STEP exceeds the smallest delay time (per member, where members differ)."""
    least = delay_times[0]
    for other in delay_times[1:]:
        least = np.minimum(least, other)
    order = n
    for _ in range(n):
        shorter = order * dt > least
        if not np.any(shorter):
            break
        order = order - shorter
    if np.any(order * dt > least) or np.any(order < 1):
        from .translate import Unsupported

        raise Unsupported("a delay whose delay time is not positive at the start")
    if np.ndim(order) and np.all(order == order.flat[0]):
        order = order.flat[0]
    return int(order) if not np.ndim(order) else order


def stage(order, *stages):
    """The value of stage `order` (counted from 1) of a chain, per member where the order
    differs between members."""
    if not np.ndim(order):
        return stages[order - 1]
    return np.choose(order - 1, np.broadcast_arrays(*stages))


def check_stages(n, order):
    """A SMOOTH N's or DELAY N's order at the start of this run is the n its stages were
    built for (PySD reads it once and casts it to an integer)."""
    if np.ndim(order) or int(order) != n:
        from .translate import Unsupported

        raise Unsupported("a SMOOTH N or DELAY N whose order differs from the model's")
    return 0.0


def pipe_length(delay_time, dt):
    """Steps in DELAY FIXED's pipeline, as PySD rounds them (one length for all members
    and elements)."""
    if np.ndim(delay_time):
        times = np.unique(delay_time)
        if times.size != 1:
            from .translate import Unsupported

            raise Unsupported("a DELAY FIXED whose delay time differs between members or "
                              "elements")
        delay_time = times[0]
    return round(max(delay_time / dt, 1) + SMALL_VENSIM)


def _reduce(ufunc, xs):
    return _plain(ufunc.reduce(np.array(np.broadcast_arrays(*xs), dtype=float), axis=0))


def vsum(*xs):
    """SUM over a subscript range, each argument one element."""
    return _reduce(np.add, xs)


def vprod(*xs):
    return _reduce(np.multiply, xs)


def vmin(*xs):
    return _reduce(np.minimum, xs)


def vmax(*xs):
    return _reduce(np.maximum, xs)


def _rows(value) -> np.ndarray:
    """A value as rows: (rows, members) or (1, members), (1, 1) for a scalar."""
    value = np.asarray(value)
    return value if value.ndim == 2 else value.reshape(1, -1)


def full(n, value):
    """A block's value as an array of n rows (a read-only view where it repeats a row)."""
    value = _rows(value)
    return value if value.shape[0] == n else np.broadcast_to(value, (n, value.shape[1]))


def assemble(n, rows, *values):
    """A block from pieces, each written into its rows."""
    values = [_rows(v) for v in values]
    out = np.empty((n, max(v.shape[1] for v in values)))
    for index, value in zip(rows, values, strict=True):
        out[index] = value
    return out


def kstack(inputs, names):
    """A block of inputs (constants, or arrays over members), one row each."""
    rows = np.broadcast_arrays(*(np.asarray(inputs[n], dtype=float) for n in names))
    return np.stack(rows).reshape(len(names), -1)


def stack(shape, *rows):
    """Values from several blocks and variables, gathered into an array of `shape` rows."""
    return np.stack(np.broadcast_arrays(*rows)).reshape(tuple(shape) + (-1,))


def reduce_axis(ufunc, value, shape, axis):
    """SUM, PROD, VMIN or VMAX over `axis` of a value spanning `shape` (and members)."""
    value = np.asarray(value, dtype=float)  # comparisons count as numbers, as in PySD
    depth = len(shape) + 1
    if value.ndim < depth:
        value = value.reshape((1,) * (depth - value.ndim) + value.shape)
    out = ufunc.reduce(np.broadcast_to(value, tuple(shape) + value.shape[-1:]), axis=axis)
    return out[0] if out.shape == (1,) else out


def lookup_rows(x, tables):
    """Lookups with a table per element: `tables` is an array of (x, y) pairs."""
    x = np.asarray(x, dtype=float)
    shape = np.broadcast_shapes(tables.shape + (1,), x.shape)
    xs = np.broadcast_to(x, shape)
    pairs = np.broadcast_to(tables, shape[:-1])
    out = np.empty(shape)
    for index in np.ndindex(shape[:-1]):
        out[index] = lookup(xs[index], *pairs[index])
    return out


ENV = {"np": np, "_number": number, "_where": where, "_xidz": xidz, "_zidz": zidz,
       "_integer": integer, "_quantum": quantum, "_modulo": modulo, "_step": step,
       "_ramp": ramp, "_pulse": pulse, "_pulse_train": pulse_train, "_lookup": lookup,
       "_delay_order": delay_order, "_stage": stage,
       "_check_stages": check_stages, "_sum": vsum, "_prod": vprod, "_vmin": vmin,
       "_vmax": vmax, "_pipe_length": pipe_length,
       "_full": full, "_assemble": assemble, "_kstack": kstack, "_stack": stack,
       "_reduce_axis": reduce_axis, "_lookup_rows": lookup_rows}
