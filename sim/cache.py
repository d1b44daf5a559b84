"""The on-disk cache, trusted only as far as it can be checked.

Cached pickles and PySD's generated .py are code as soon as they are loaded, so each entry
carries an HMAC-SHA256 made with a random per-user secret (`secret.key`, mode 0600, in the
cache folder) and is loaded only when it matches. A cache folder that other users may write
to is refused. Entries are keyed by content: the model file's hash, the versions of PySD,
pandas and numpy, and a digest of the code that builds them. An entry that fails its check
or cannot be loaded is rebuilt, with a one-line notice on stderr.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import sys
from functools import lru_cache
from pathlib import Path

from .errors import SimError

MAGIC = b"sim-cache-1\n"
SIGNATURE = ".signature"  # a folder's signed list of files


class Damaged(Exception):
    """A cache entry that is truncated, altered or signed with another secret."""


def cache_dir() -> Path:
    """Where the cache lives: $SIM_CACHE_DIR, else $XDG_CACHE_HOME/sim, else ~/.cache/sim."""
    if os.environ.get("SIM_CACHE_DIR"):
        return Path(os.environ["SIM_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sim"


def notice(text: str) -> None:
    """One line on stderr about the cache (never an error: the entry is rebuilt)."""
    print(f"note: {text}", file=sys.stderr)


def _private(path: Path, what: str) -> None:
    """Refuse `path` if another user owns it or may write to it."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows has no such modes
        return
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode):
        st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise SimError(f"{path}: the {what} is writable by other users or owned by another "
                       f"user, so what it holds could run as code. Run 'chmod go-w {path}' "
                       "or set SIM_CACHE_DIR to a folder of your own.")


def root() -> Path:
    """The cache folder, created private (0700) and checked."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SimError(f"{folder}: cannot create the cache folder ({exc.strerror}). Set "
                       "SIM_CACHE_DIR to a folder you can write to.") from None
    _private(folder, "cache folder")
    return folder


def subfolder(name: str) -> Path:
    """A folder inside the cache, created private and checked."""
    folder = root() / name
    folder.mkdir(mode=0o700, exist_ok=True)
    _private(folder, "cache folder")
    return folder


@lru_cache(maxsize=4)
def _secret(folder: str) -> bytes:
    path = Path(folder) / "secret.key"
    for _ in range(3):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            _new_secret(path)
            continue
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            key = f.read(64)
        private = not hasattr(os, "getuid") or (
            st.st_uid == os.getuid() and not st.st_mode & 0o077)
        if private and stat.S_ISREG(st.st_mode) and len(key) == 32:
            return key
        notice(f"{path}: the cache secret was not private or not whole; made a new one "
               "(cached entries are rebuilt).")
        path.unlink()
    raise SimError(f"{path}: cannot create the cache secret. Set SIM_CACHE_DIR to a folder "
                   "of your own.")


def _new_secret(path: Path) -> None:
    """Create `path` holding 32 random bytes, mode 0600, without replacing another's."""
    tmp = path.with_name(f".secret-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, os.urandom(32))
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process made one first; theirs is kept
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def secret() -> bytes:
    """This user's cache secret, created on first use."""
    return _secret(str(root()))


def mac(data: bytes) -> bytes:
    return hmac.new(secret(), data, hashlib.sha256).digest()


def store(path: Path, data: bytes) -> None:
    """Write `data` to `path` with its HMAC, atomically (a reader sees all or nothing)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(MAGIC + mac(data) + data)
    tmp.replace(path)


def fetch(path: Path) -> bytes | None:
    """The data stored at `path`, None if there is none; Damaged if it fails its check."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    head = len(MAGIC) + 32
    if not raw.startswith(MAGIC) or len(raw) < head:
        raise Damaged("not a sim cache file")
    data = raw[head:]
    if not hmac.compare_digest(raw[len(MAGIC):head], mac(data)):
        raise Damaged("its signature does not match")
    return data


def _listing(folder: Path) -> bytes:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.name != SIGNATURE):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            lines.append(f"link {rel} {os.readlink(path)}")
        elif path.is_file():
            lines.append(f"file {rel} {hashlib.sha256(path.read_bytes()).hexdigest()}")
        else:
            lines.append(f"dir {rel}")
    return "\n".join(lines).encode("utf-8")


def sign_folder(folder: Path) -> None:
    """Sign the names and contents of every file in `folder`."""
    store(folder / SIGNATURE, _listing(folder))


def check_folder(folder: Path) -> str | None:
    """Why `folder` fails its signature (a file added, removed or changed), or None."""
    try:
        signed = fetch(folder / SIGNATURE)
    except Damaged as exc:
        return str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    if signed is None:
        return "it has no signature"
    return None if hmac.compare_digest(signed, _listing(folder)) else \
        "its files differ from the ones signed"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the code that builds cached entries, so a code change rebuilds them."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for source in ("cache.py", "model.py", "datafiles.py", "charts/font.py",
                   *sorted(f"engine/{p.name}" for p in (here / "engine").glob("*.py"))):
        digest.update((here / source).read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> str:
    """The versions of the libraries whose objects and translations the cache holds."""
    from importlib import metadata

    found = []
    for name in ("pysd", "pandas", "numpy"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ";".join(found)


def key(content_sha256: str) -> str:
    """A cache key for an entry derived from content with this hash by this code and these
    library versions."""
    text = f"{content_sha256}|{library_versions()}|{code_digest()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
