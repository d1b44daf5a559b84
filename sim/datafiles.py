"""The data files a Vensim model reads (GET XLS / GET DIRECT ... CONSTANTS, DATA, LOOKUPS and
SUBSCRIPT), named as the model writes them and found relative to the model's own folder, as
Vensim finds them.

Whatever is derived from them and cached (PySD's subscript ranges, the catalogue's values,
the batch engine's tables) records the SHA-256 of each file it read, so that a cached entry
is rebuilt as soon as a file changes; a file that is not there is one line naming the model,
the file and what to do.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

from .errors import SimError


def missing_message(mdl: Path, name: str) -> str:
    """The one line for a data file the model reads that is not there."""
    folder = Path(mdl).resolve().parent
    return (f"{mdl}: data file '{name}' not found (the model reads it with GET XLS or GET "
            f"DIRECT, relative to {folder}). Put the file there, or correct its name in the "
            "model.")


def said(exc: Exception) -> str:
    """What PySD said in an exception, on one line and cut short."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def unreadable(mdl: Path, exc: Exception) -> str:
    """The one line for data PySD cannot read (a sheet, cell or range that is not there)."""
    return (f"{mdl}: PySD cannot read the model's data ({said(exc)}). Check the files, sheets "
            "and cells its GET XLS / GET DIRECT calls name.")


def no_data(mdl: Path, names) -> str:
    """The one line for DATA variables a run has no file for."""
    return (f"{mdl}: the DATA variables {', '.join(sorted(names))} have no data. Name the "
            "files that hold them (a run's output, .tab or .csv) in the scenario's data: key.")


def unreadable_data(mdl: Path, files, exc: Exception) -> str:
    """The one line for DATA variables PySD cannot find or read in the files given."""
    names = ", ".join(Path(f).name for f in files)
    return (f"{mdl}: PySD cannot read its DATA variables from {names} ({said(exc)}). Name the "
            "files that hold them in the scenario's data: key.")


def path(mdl: Path, name: str) -> Path:
    """Where the model's data file `name` is, checked to exist (SimError otherwise)."""
    found = Path(mdl).resolve().parent / name
    if not found.is_file():
        raise SimError(missing_message(mdl, name))
    return found


def _sha256(found: Path) -> str:
    """A file's SHA-256, remembered while its size and modification time stay the same (so
    that checking a model's data files again within a process reads nothing)."""
    st = found.stat()
    stamp = (str(found), st.st_size, st.st_mtime_ns, st.st_ino)
    if stamp not in _SEEN:
        _SEEN[stamp] = hashlib.sha256(found.read_bytes()).hexdigest()
    return _SEEN[stamp]


_SEEN: dict[tuple, str] = {}


def hashes(mdl: Path, names) -> dict[str, str]:
    """{name: SHA-256 of its content} for data files of `mdl` (SimError for a missing one)."""
    return {name: _sha256(path(mdl, name)) for name in sorted(set(names))}


def changed(mdl: Path, recorded: dict[str, str]) -> bool:
    """Whether any file recorded with its hash is gone or differs now."""
    folder = Path(mdl).resolve().parent
    for name, sha in recorded.items():
        try:
            if _sha256(folder / name) != sha:
                return True
        except OSError:
            return True
    return False


def resolve_subscripts(abstract, mdl: Path) -> dict[str, str]:
    """Replace every subscript range read from a file (GET ... SUBSCRIPT) in PySD's abstract
    model by its elements, read relative to the folder of `mdl` with PySD's own reader;
    return the files read, with their hashes."""
    read = []
    for section in abstract.sections:
        for sub in section.subscripts:
            if isinstance(sub.subscripts, dict):
                spec = sub.subscripts
                path(mdl, spec["file"])
                from pysd.py_backend.external import Excels, ExtSubscript

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # pandas' notes on the readers it uses
                    try:
                        sub.subscripts = ExtSubscript(
                            file_name=spec["file"], tab=spec["tab"],
                            firstcell=spec["firstcell"], lastcell=spec["lastcell"],
                            prefix=spec["prefix"], root=Path(mdl).resolve().parent).subscript
                    except Exception as exc:  # a sheet or cell PySD cannot read
                        raise SimError(unreadable(mdl, exc)) from exc
                    finally:
                        Excels.clean()  # read again next time: the file may change
                if not sub.subscripts:
                    raise SimError(f"{mdl}: subscript range '{sub.name}' read from "
                                   f"'{spec['file']}' has no elements. Check the cells "
                                   "its GET SUBSCRIPT names.")
                read.append(spec["file"])
    return hashes(mdl, read)
