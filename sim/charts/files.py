"""Canvases written as PNG and SVG files, shared out between processes by the work they take."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from ..background import Job
from .canvas import Canvas
from .font import glyphs

PNG_DPI = 150


def write_all(canvases: list[tuple[str, Canvas]], folder: Path, workers: int = 1,
              dpi: float = PNG_DPI) -> list[Path]:
    """`stem.png` and `stem.svg` in `folder` for each (stem, canvas); PNGs at `dpi`.

    The glyphs are read here once; with `workers` > 1 the files are written by that many
    processes (forked, where the platform can), each taking an equal share of the pixels."""
    glyphs().prepare("".join(c.characters() for _, c in canvases))
    folder.mkdir(parents=True, exist_ok=True)
    files = [(folder / f"{stem}.{fmt}", canvas) for stem, canvas in canvases
             for fmt in ("png", "svg")]
    shares: list[list] = [[] for _ in range(max(1, workers))]
    loads = [0.0] * len(shares)
    for path, canvas in sorted(files, key=lambda f: -_cost(*f)):
        i = loads.index(min(loads))
        shares[i].append((path, canvas))
        loads[i] += _cost(path, canvas)
    with ExitStack() as others:
        for share in shares[1:]:
            others.enter_context(Job(_write, share, dpi))
        _write(shares[0], dpi)
    return [path for path, _ in files]


def safe_stem(name: str) -> str:
    """A file name stem from a series or parameter name: spaces and slashes become '_'."""
    return name.replace(" ", "_").replace("/", "_")


def _cost(path: Path, canvas: Canvas) -> float:
    """Rough relative time to write a file: PNG encoding dominates and grows with area."""
    return canvas.width * canvas.height * (4.0 if path.suffix == ".png" else 1.0)


def _write(files, dpi: float) -> None:
    from .png import to_png
    from .svg import to_svg

    for path, canvas in files:
        if path.suffix == ".png":
            path.write_bytes(to_png(canvas, dpi))
        else:
            path.write_text(to_svg(canvas), encoding="utf-8")
