"""Replacing a folder in one step, one writer at a time, cleaning up after killed runs.

For a destination `out/name`, a run holds an exclusive lock on `out/.name.lock` while it
writes `out/.name.tmp-*` and swaps it with `out/name`. Whatever `.name.tmp-*` or
`.name.old-*` folder exists while the lock is held belongs to a run that died, so it is
removed; if a crash fell between the two renames of the fallback swap, the old folder is
put back. The lock file itself stays: removing it would let two runs lock different files.
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
except ImportError:  # pragma: no cover - Windows: no locking, renames as elsewhere
    fcntl = None

AT_FDCWD = -100
RENAME_EXCHANGE = 2


class Busy(OSError):
    """Another process holds the folder's lock."""


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


class Claim:
    """The right to replace `target`, held while the lock is."""

    def __init__(self, target: Path):
        self.target = target
        self.prefix = f".{target.name}."

    def leftovers(self, kind: str) -> list[Path]:
        return sorted(self.target.parent.glob(f"{self.prefix}{kind}-*"),
                      key=lambda p: p.lstat().st_mtime)

    def repair(self) -> None:
        """Put back an old folder a crash left without its replacement; remove the rest."""
        old = self.leftovers("old")
        if old and not os.path.lexists(self.target):
            old.pop().rename(self.target)
        for path in old + self.leftovers("tmp"):
            _remove(path)

    def new_temporary(self) -> Path:
        tmp = Path(tempfile.mkdtemp(prefix=f"{self.prefix}tmp-", dir=self.target.parent))
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result should not be
        return tmp

    def replace(self, tmp: Path) -> None:
        """Make `tmp` the target, in one step where the platform allows."""
        if not os.path.lexists(self.target):
            tmp.rename(self.target)
            return
        if exchange(tmp, self.target):
            _remove(tmp)  # now the old folder
            return
        old = self.target.with_name(f"{self.prefix}old-{os.getpid()}")
        self.target.rename(old)
        tmp.rename(self.target)
        _remove(old)


@contextmanager
def claim(target: Path):
    """Hold `target`'s lock (or raise Busy at once), repair, and yield a Claim."""
    target = Path(target)
    lock = target.with_name(f".{target.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(errno.EBUSY, "another sim command is writing this folder now",
                           str(target)) from None
        c = Claim(target)
        c.repair()
        yield c
    finally:
        os.close(fd)
