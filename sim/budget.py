"""How big a run may be: a step budget for one run (applied to the time settings by
sim/timespan.py) and a memory budget for ensembles, checked before anything runs so that a run too large is refused with the size it
would need rather than failing (or hanging) half way."""

from __future__ import annotations

import os
from pathlib import Path

MAX_STEPS = 100_000  # Euler steps of one run (about 15 s for the batch engine)
MAX_MEMBER_STEPS = 40_000_000  # members x steps of one ensemble (a few minutes)
MEMORY_SHARE = 0.8  # of the memory available now, what an ensemble may take
BYTES_PER_VALUE = 8 * 2  # float64, held twice: per chunk, then concatenated


def steps(time: dict) -> float:
    """Euler steps from time.initial to time.final."""
    return (time["final"] - time["initial"]) / time["step"]


def _cgroup_room() -> int | None:
    """Bytes left under this process's cgroup (v2) memory limit, if it has one."""
    try:
        limit, used = (Path("/sys/fs/cgroup", name).read_text(encoding="ascii").strip()
                       for name in ("memory.max", "memory.current"))
        return None if limit == "max" else max(0, int(limit) - int(used))
    except (OSError, ValueError):
        return None


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation now (None where unknown): the
    system's available memory, or less if a container limit leaves less."""
    found = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    found = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if found is None:
        try:
            found = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            pass
    room = _cgroup_room()
    return room if found is None else found if room is None else min(found, room)


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


def check_members(members: int, time: dict, variables: int) -> str | None:
    """What is wrong with running `members` at once, or None: their steps against the step
    budget, their saved values against the memory available."""
    n = steps(time)
    if members * n > MAX_MEMBER_STEPS:
        return (f"{members:,} members of {n:,.0f} steps each make {members * n:,.0f} model "
                f"steps; the limit is {MAX_MEMBER_STEPS:,}. Use at most "
                f"{max(1, int(MAX_MEMBER_STEPS // n)):,} members.")
    saves = int(round((time["final"] - time["initial"]) / time["saveper"])) + 1
    need = members * saves * variables * BYTES_PER_VALUE
    free = available_memory()
    if free is not None and need > free * MEMORY_SHARE:
        fits = max(1, int(free * MEMORY_SHARE // (saves * variables * BYTES_PER_VALUE)))
        return (f"{members:,} members need about {_size(need)} of memory; "
                f"{_size(free)} is available. Use at most {fits:,} members.")
    return None
