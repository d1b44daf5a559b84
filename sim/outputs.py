"""Writing an output folder: all or nothing, one writer at a time, the same bytes for the
same inputs, and every text cell written as text.

Files are written into a temporary folder beside the destination, which then takes the
destination's place in one atomic exchange (renameat2 on Linux; elsewhere two renames, and
the next run repairs a swap that a crash cut in half). A lock file beside the destination
keeps concurrent runs into one folder apart and lets each run remove what killed runs left.
CSV files are UTF-8 with a BOM so that Excel shows their Chinese text.
"""

from __future__ import annotations

import errno
import io
import json
import os
import platform
import re
import zipfile
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd
import yaml

from . import __version__, folders, names
from .errors import SimError

PACKAGES = ("pysd", "numpy", "pandas", "scipy", "pillow", "fonttools", "click",
            "ruamel.yaml", "PyYAML", "openpyxl")
# OWASP's formula-injection guidance: a text cell starting with one of these is prefixed
# with an apostrophe, so that a spreadsheet shows it as text instead of evaluating it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the earliest time a zip can hold


class OutputError(SimError):
    """An output folder that cannot be written; the message names it."""


def source_date() -> datetime | None:
    """The build time from $SOURCE_DATE_EPOCH (reproducible builds), or None if unset."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise SimError(f"SOURCE_DATE_EPOCH={value!r}: not a time. Set it to whole seconds "
                       "since 1970, e.g. SOURCE_DATE_EPOCH=1700000000.") from None


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def created() -> str:
    """The time a run records in manifest.json: $SOURCE_DATE_EPOCH, else now."""
    return _stamp(source_date() or datetime.now(timezone.utc))


def report_date() -> str | None:
    """The time a report or workbook shows: $SOURCE_DATE_EPOCH, else none, so that the
    run's time is recorded once only (in manifest.json)."""
    when = source_date()
    return None if when is None else _stamp(when)


def _write_problem(dest: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC or exc.errno == getattr(errno, "EDQUOT", None):
        how = "Free some disk space, or write elsewhere with --out."
    else:
        how = "Choose a folder you can write to with --out."
    return OutputError(f"{dest}: cannot write the output folder ({reason}). {how}")


def check_folder(dest: Path, inputs=()) -> None:
    """Raise OutputError if `dest` may not be replaced by an output (see names.py)."""
    try:
        problem = names.check_output_folder(dest, inputs)
    except OSError as exc:  # e.g. a folder that cannot be listed
        raise _write_problem(dest, exc) from exc
    if problem:
        raise OutputError(f"{dest}: {problem}")


@contextmanager
def atomic_folder(dest: Path, inputs=()):
    """Yield a temporary folder that becomes `dest` when the block succeeds.

    `dest` is checked first (names.check_output_folder, with `inputs` the files the run
    read); any OSError while writing becomes one OutputError naming `dest`."""
    dest = Path(dest)
    check_folder(dest, inputs)
    target = Path(os.path.abspath(dest))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        claim = folders.Claim(target)
        try:
            yield claim.tmp
            claim.replace()
        finally:
            claim.close()
    except folders.Overtaken:
        raise OutputError(f"{dest}: another sim command wrote this folder while this one "
                          "ran; its result is kept. Run again to replace it.") from None
    except OSError as exc:
        raise _write_problem(dest, exc) from exc


def safe_text(value):
    """A text cell as text: control characters dropped, a formula start escaped."""
    if not isinstance(value, str):
        return value
    value = CONTROL.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every text cell, column name and index label passed through safe_text."""
    out = table.rename(index=safe_text, columns=safe_text)
    text = [c for c, kind in out.dtypes.items()
            if pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)]
    if text:
        out = out.copy()
        for column in text:
            out[column] = out[column].map(safe_text)
    return out


def write_csv(table: pd.DataFrame, path: Path, index: bool = True) -> None:
    """CSV as UTF-8 with BOM and '\\n' line ends; floats at full precision; text as text."""
    safe_table(table).to_csv(path, index=index, encoding="utf-8-sig", lineterminator="\n")


def sheet_names(names_: list[str]) -> list[str]:
    """Valid, distinct Excel sheet names (31 characters at most, compared in any case):
    a name cut to the same text as an earlier one gets a '~2', '~3', ... suffix."""
    out, seen = [], set()
    for name in names_:
        base = SHEET_BAD.sub("_", CONTROL.sub("", str(name))).strip("'") or "sheet"
        candidate, n = base[:31], 1
        while candidate.lower() in seen or candidate.lower() == "history":
            n += 1
            suffix = f"~{n}"
            candidate = base[:31 - len(suffix)] + suffix
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path, index: bool = True,
               number_format=None) -> None:
    """One sheet per table, every text cell as text, the same bytes for the same tables.
    `number_format(column, value)`, if given, names the Excel format of each number cell
    from the table's own value (an int stays distinct from a whole float)."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, table in zip(sheet_names(list(tables)), tables.values()):
            safe_table(table).to_excel(writer, sheet_name=sheet, index=index)
            if number_format is None:
                continue
            for column, cells in zip(table.columns, writer.sheets[sheet].iter_cols(
                    min_col=1 + (table.index.nlevels if index else 0), min_row=2)):
                for cell, value in zip(cells, table[column], strict=False):
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        cell.number_format = number_format(column, value) or "General"
    fix_office_times(path)


def fix_office_times(path: Path) -> None:
    """An Office file (xlsx, docx) dated $SOURCE_DATE_EPOCH, else 1980-01-01, throughout."""
    _fix_zip_times(path, source_date() or ZIP_EPOCH)


def _fix_zip_times(path: Path, when: datetime) -> None:
    """Give every member of the zip `path` (and an Office file's own properties) the time
    `when`, so that a workbook's bytes do not depend on when it was written."""
    stamp = _stamp(when)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + stamp.encode() + rb"\g<3>", data)
            info = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            info.compress_type = item.compress_type
            info.external_attr = item.external_attr
            dst.writestr(info, data)
    Path(path).write_bytes(buffer.getvalue())


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
    record = {"created": created(), "versions": versions(), **data}
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")
