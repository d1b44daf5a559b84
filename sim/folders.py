"""Replacing a folder in one step, cleaning up after killed runs, and telling concurrent
runs into one folder apart.

A run writes `out/.name.tmp-*` and holds an exclusive lock (flock) on that folder while it
lives; the kernel drops the lock when the process dies, however it dies. Changes to the
names beside the destination (cleaning up, swapping) happen under a short lock on the parent
folder, so whoever holds it can tell leftovers from live work: a `.name.tmp-*` folder that is
not locked belongs to a dead run and is removed; a `.name.old-*` folder is what a crash
between the two renames of the fallback swap left behind, and is put back if the
destination is missing. The swap itself is one atomic exchange where the platform has one
(renameat2 on Linux). If the destination changed while a run wrote, another run finished
first: its result is kept, and the later run is told so.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks; leftovers are kept
    fcntl = None

AT_FDCWD = -100
RENAME_EXCHANGE = 2


class Overtaken(Exception):
    """Another run replaced the destination while this one was writing."""


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths `a` and `b` atomically (Linux renameat2); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _lock(fd: int, wait: bool = True) -> bool | None:
    """Lock the open file or folder `fd` exclusively: True if locked, False if `wait` is
    off and another process holds it, None where the file system has no locks."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False
    except OSError:  # e.g. ENOLCK on some network file systems: go on without locks
        return None


@contextmanager
def _parent_locked(folder: Path):
    fd = os.open(folder, os.O_RDONLY)
    try:
        _lock(fd)
        yield
    finally:
        os.close(fd)


def _abandoned(path: Path) -> bool:
    """Whether no live process holds the folder `path` (its owner died)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return path.is_symlink() or path.is_file()
    try:
        return _lock(fd, wait=False) is True  # without locks, nothing counts as abandoned
    finally:
        os.close(fd)


def _identity(path: Path):
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _fresh(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new folder `parent/prefix*` and an open descriptor holding its lock; folders of the
    same prefix that no live process holds are removed first. Called with the parent
    locked, so that no one removes a folder between its creation and its lock."""
    for path in parent.glob(f"{prefix}*"):
        if _abandoned(path):
            _remove(path)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    fd = os.open(path, os.O_RDONLY)
    _lock(fd)
    return path, fd


@contextmanager
def fresh_folder(parent: Path, prefix: str):
    """Yield a new folder `parent/prefix*`, locked while the block runs, after removing
    what dead processes left under that prefix; the folder is removed at the end unless
    the block moved it away."""
    with _parent_locked(parent):
        path, fd = _fresh(parent, prefix)
    try:
        yield path
    finally:
        os.close(fd)
        if path.exists():
            _remove(path)


class Claim:
    """One run's temporary folder beside `target`, locked while the run lives."""

    def __init__(self, target: Path):
        self.target = target
        self.parent = target.parent
        self.prefix = f".{target.name}."
        with _parent_locked(self.parent):
            self.repair()
            self.before = _identity(target)
            self.tmp, self.fd = _fresh(self.parent, f"{self.prefix}tmp-")
        umask = os.umask(0)
        os.umask(umask)
        self.tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result should not be

    def _leftovers(self, kind: str) -> list[Path]:
        found = self.parent.glob(f"{self.prefix}{kind}-*")
        return sorted(found, key=lambda p: p.lstat().st_mtime_ns)

    def repair(self) -> None:
        """Put back an old folder that a crash left without its replacement and remove the
        other old ones (what dead runs wrote is removed by _fresh). Called with the parent
        locked."""
        old = self._leftovers("old")
        if old and not os.path.lexists(self.target):
            old.pop().rename(self.target)
        for path in old:
            _remove(path)

    def replace(self) -> None:
        """Make the temporary folder the target, in one step where the platform allows;
        raise Overtaken if another run replaced the target meanwhile."""
        with _parent_locked(self.parent):
            if _identity(self.target) != self.before:
                raise Overtaken(str(self.target))
            if not os.path.lexists(self.target):
                self.tmp.rename(self.target)
                return
            if exchange(self.tmp, self.target):
                old = self.tmp  # after the exchange, the old folder has the temporary name
            else:
                old = self.target.with_name(f"{self.prefix}old-{os.getpid()}")
                self.target.rename(old)
                self.tmp.rename(self.target)
        _remove(old)

    def close(self) -> None:
        os.close(self.fd)
        if self.tmp.exists() and _identity(self.tmp) != _identity(self.target):
            _remove(self.tmp)
