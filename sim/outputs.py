"""Writing an output folder: all or nothing, and the same bytes for the same inputs.

Files are written into a temporary folder beside the destination, which replaces the
destination only once everything is written, so a failed run never leaves half a folder.
CSV files are UTF-8 with a BOM so that Excel shows their Chinese text.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd
import yaml

from . import __version__

PACKAGES = ("pysd", "numpy", "pandas", "scipy", "matplotlib", "click", "ruamel.yaml",
            "PyYAML", "openpyxl")


@contextmanager
def atomic_folder(dest: Path):
    """Yield a temporary folder that becomes `dest` when the block succeeds."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the result should not be
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
        tmp.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(dest)


def write_csv(table: pd.DataFrame, path: Path, index: bool = True) -> None:
    """CSV as UTF-8 with BOM and '\\n' line ends; floats at full precision."""
    table.to_csv(path, index=index, encoding="utf-8-sig", lineterminator="\n")


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per table."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            table.to_excel(writer, sheet_name=name[:31])


def write_yaml(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def versions() -> dict[str, str]:
    """Versions of Python, sim and the packages that shape the results."""
    found = {"python": platform.python_version(), "sim": __version__}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def write_manifest(data: dict, path: Path) -> None:
    """manifest.json: what was run, with which files and packages, and when."""
    record = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "versions": versions(), **data}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
