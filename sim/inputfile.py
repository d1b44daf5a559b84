"""Reading an input file safely: a regular file only (never a FIFO or a device, which could
hang or never end), and no more than a size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

YAML_LIMIT = 4 * 1024 * 1024  # scenario files and specs are a few kB
CSV_LIMIT = 64 * 1024 * 1024  # observed data and actuals


class Unreadable(Exception):
    """An input that is not a regular file, or too large; the message says how to fix it."""


def read_bytes(path: Path, limit: int) -> bytes:
    """The content of the regular file `path`, refused if larger than `limit` bytes.

    FileNotFoundError and other OSErrors pass through for the caller to word."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)  # non-blocking, so that opening a FIFO does not wait
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) \
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" \
                if stat.S_ISSOCK(mode) else "not a regular file"
            raise Unreadable(f"is {kind}, not a file. Name a regular file.")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Unreadable(f"is larger than {limit // (1024 * 1024)} MB, the limit for "
                             "this kind of input. Check that it is the right file.")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int, encoding: str = "utf-8") -> str:
    """`read_bytes` decoded (UnicodeDecodeError passes through)."""
    return read_bytes(path, limit).decode(encoding)
