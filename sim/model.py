"""The model as PySD sees it: a translation cached by the .mdl's content, and its catalogue.

PySD writes its translation (.py) next to the .mdl it reads. To keep generated code out of
the repository, the .mdl is copied into a cache folder keyed by its SHA-256 (and the library
and code versions, see sim/cache.py) and translated there once; later runs load that file
once its signature is checked. Each run loads a fresh model object, because PySD
keeps parameter changes on the object between runs.

The translation depends on the .mdl alone (PySD translates without reading the model's data;
subscript ranges read from a file are resolved first, and the files recorded). The data files
a model reads (GET XLS / GET DIRECT) are read when it is loaded, relative to the .mdl's own
folder, so that they are always the files beside the model (sim/datafiles.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import shutil
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, datafiles, folders
from .bundled import default_model
from .errors import SimError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

DEFAULT_MODEL = default_model()
SOURCES = "sources.json"  # in a translation's folder: the data files it read, with hashes
CONTROL_NAMES = ("INITIAL TIME", "FINAL TIME", "TIME STEP", "SAVEPER")


def pysd_quietly():
    """Import PySD with its dependencies' deprecation warnings silenced (they are not ours)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd
    return pysd


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def model_folder(mdl: Path, sha: str) -> Path:
    """The cache folder of one model file's content (see sim/cache.py for the key)."""
    return cache.root() / f"{Path(mdl).stem}-{cache.key(sha)}"


def translated(mdl: Path) -> Path:
    """Return the cached PySD translation of `mdl`, translating it on first use.

    The translation is Python that PySD imports, so the folder is signed when written and
    checked before each use; one that fails the check is translated again."""
    mdl = Path(mdl)
    if not mdl.is_file():
        raise SimError(f"{mdl}: model file not found. Check the scenario's 'model:' path.")
    if mdl.suffix.lower() != ".mdl":
        raise SimError(f"{mdl}: not a Vensim .mdl file. Name a Vensim model in 'model:'.")
    folder = model_folder(mdl, file_sha256(mdl)) / "pysd"
    py = folder / (mdl.stem + ".py")
    if folder.exists():
        problem = cache.check_folder(folder)
        if problem is None and py.is_file():
            if not datafiles.changed(mdl, _sources(folder)):
                return py
        else:
            cache.notice(f"{folder}: cached translation rejected ({problem or 'incomplete'}); "
                         "translating the model again.")
        shutil.rmtree(folder, ignore_errors=True)
    try:
        _translate(mdl, folder)
    except OSError as exc:  # a full disk or a read-only cache
        reason = exc.strerror or str(exc)
        raise SimError(f"{cache.cache_dir()}: cannot write the cache folder ({reason}). Free "
                       "some space, or set SIM_CACHE_DIR to a folder you can write to.") from None
    return py


def _sources(folder: Path) -> dict[str, str]:
    """The data files a signed translation was made from, with their hashes."""
    try:
        return json.loads((folder / SOURCES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _translate(mdl: Path, folder: Path) -> None:
    """Translate `mdl` with PySD into a new folder, sign it, and move it to `folder`.

    Only writing raises OSError here: a problem PySD has with the model or its data is a
    SimError naming the model."""
    folder.parent.mkdir(mode=0o700, exist_ok=True)
    with folders.fresh_folder(folder.parent, ".translating-") as work:
        shutil.copyfile(mdl, work / mdl.name)
        pysd_quietly()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pysd.builders.python.python_model_builder import ModelBuilder
            from pysd.translators.vensim.vensim_file import VensimFile

            try:
                vensim = VensimFile(str(work / mdl.name))
                vensim.parse()
                abstract = vensim.get_abstract_model()
                sources = datafiles.resolve_subscripts(abstract, mdl)
                builder = ModelBuilder(abstract)
            except SimError:
                raise
            except Exception as exc:  # PySD raises many kinds on a bad model
                raise _untranslatable(mdl, exc) from exc
            try:
                builder.build_model()
            except OSError:
                raise
            except Exception as exc:
                raise _untranslatable(mdl, exc) from exc
        (work / SOURCES).write_text(json.dumps(sources, sort_keys=True), encoding="utf-8")
        cache.sign_folder(work)
        try:
            work.rename(folder)
        except OSError:  # another process finished first; its translation is as good
            if cache.check_folder(folder) is not None:
                raise


def _untranslatable(mdl: Path, exc: Exception) -> SimError:
    return SimError(f"{mdl}: PySD cannot translate this model ({datafiles.said(exc)}). "
                    "Open it in Vensim or check its syntax.")


def _externals(model) -> list:
    """PySD's external objects (GET XLS / GET DIRECT data) of a model and of its macros."""
    found = list(model._external_elements)
    for macro in model._macro_elements:
        found += _externals(macro)
    return found


def _initialize(model, mdl: Path):
    """Initialize a PySD model loaded without it, its data files read from the .mdl's own
    folder (PySD would look beside the translation, in the cache)."""
    root = Path(mdl).resolve().parent
    for ext in _externals(model):
        for name in ext.files:
            datafiles.path(mdl, name)
        ext.root = root
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.initialize_external_data()
        except Exception as exc:  # a sheet, cell or range PySD cannot read
            raise SimError(datafiles.unreadable(mdl, exc)) from exc
        try:
            model.initialize()
        except Exception as exc:  # an initial value PySD cannot compute
            raise SimError(f"{mdl}: PySD cannot initialize this model ({datafiles.said(exc)})."
                           " Check its initial values in Vensim.") from exc
    return model


def load(mdl: Path, data=()):
    """A fresh PySD model object for `mdl` (never one that has run before), its DATA
    variables read from the files `data`; a translation this PySD cannot load is made again
    once."""
    pysd = pysd_quietly()
    for attempt in (1, 2):
        py = translated(mdl)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = pysd.load(str(py), initialize=False)
            except Exception as exc:  # an old or damaged translation
                if attempt == 2:
                    raise SimError(f"{mdl}: PySD cannot load its translation ({exc}). "
                                   "Check the model in Vensim.") from exc
                cache.notice(f"{py.parent}: cached translation failed to load ({exc}); "
                             "translating the model again.")
                shutil.rmtree(py.parent, ignore_errors=True)
                continue
            if data:  # loaded again with them: what fails now is the data's
                try:
                    model = pysd.load(str(py), data_files=[str(p) for p in data],
                                      initialize=False)
                except Exception as exc:
                    raise SimError(datafiles.unreadable_data(mdl, data, exc)) from exc
        return _initialize(model, mdl)


def _text(value) -> str:
    """A cell of PySD's documentation table as one line of text; "" where it is empty (None,
    or NaN when PySD left it out)."""
    return "" if value is None or _isnan(value) else " ".join(str(value).split())


def _limit(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


@dataclass(frozen=True)
class Parameter:
    """A constant of the model that a scenario may set."""

    name: str
    py_name: str
    value: float
    unit: str
    minimum: float | None
    maximum: float | None
    description: str

    def range_text(self) -> str:
        lo = "-inf" if self.minimum is None else f"{self.minimum:g}"
        hi = "inf" if self.maximum is None else f"{self.maximum:g}"
        return f"[{lo}, {hi}]"

    def outside(self, lower: float, upper: float | None = None) -> bool:
        """Whether [lower, upper] (or the single value lower) reaches outside the range."""
        upper = lower if upper is None else upper
        return (self.minimum is not None and lower < self.minimum) or \
            (self.maximum is not None and upper > self.maximum)


class ModelInfo:
    """Names, units, ranges and defaults of one model file, read from PySD's `model.doc`."""

    def __init__(self, mdl: Path):
        self.path = Path(mdl).resolve()
        self.sha256 = file_sha256(self.path) if self.path.is_file() else ""
        model = load(self.path)
        # the data files its values come from, so that a cached catalogue follows them
        self.sources = {**_sources(translated(self.path).parent), **datafiles.hashes(
            self.path, [name for ext in _externals(model) for name in ext.files])}
        doc = model.doc
        self.doc = doc
        self.variables = list(doc["Real Name"])
        self._by_lower = {}
        for real, py in zip(doc["Real Name"], doc["Py Name"]):
            self._by_lower[real.lower()] = real
            self._by_lower[py.lower()] = real
        self.parameters: dict[str, Parameter] = {}
        for _, row in doc.iterrows():
            if row["Type"] != "Constant" or row["Real Name"] in CONTROL_NAMES:
                continue
            if row["Subscripts"] not in (None, []) and not _isnan(row["Subscripts"]):
                continue  # subscripted constants are not tunable from a scenario
            value = getattr(model.components, row["Py Name"])()
            try:
                value = float(value)
            except (TypeError, ValueError):
                continue
            # Vensim's [min, max] or [min, max, increment]; the increment is the slider's
            lo, hi = (row["Limits"][:2] if isinstance(row["Limits"], tuple) else (None, None))
            self.parameters[row["Real Name"]] = Parameter(
                row["Real Name"], row["Py Name"], value, _text(row["Units"]),
                _limit(lo), _limit(hi), _text(row["Comment"]))
        units = doc.set_index("Real Name")["Units"]
        self.time_unit = str(units.get("TIME STEP") or "") if "TIME STEP" in units else ""
        self.time = {
            "initial": float(model.components.initial_time()),
            "final": float(model.components.final_time()),
            "step": float(model.components.time_step()),
            "saveper": float(model.components.saveper()),
        }

    def canonical(self, name: str) -> str | None:
        """The Vensim name for `name` given in Vensim or Python form (any case), or None."""
        key = " ".join(str(name).split()).lower()
        return self._by_lower.get(key) or self._by_lower.get(key.replace(" ", "_"))

    def parameter(self, name: str) -> Parameter | None:
        """The tunable parameter called `name` (Vensim or Python form), or None."""
        return self.parameters.get(self.canonical(name) or "")

    def unknown_parameter(self, name: str) -> str:
        """The message for a name that is not a tunable parameter, with a near miss."""
        from .yamlfile import suggest

        hint = suggest(name, self.parameters) or suggest(name.replace("_", " "), self.parameters)
        return f"unknown parameter.{hint} Run 'sim params' for the list."

    def table(self) -> pd.DataFrame:
        """Every tunable parameter with value, unit, range and description."""
        import pandas as pd

        rows = [
            {"name": p.name, "py_name": p.py_name, "value": p.value, "unit": p.unit,
             "min": p.minimum, "max": p.maximum, "description": p.description}
            for p in sorted(self.parameters.values(), key=lambda p: p.name)
        ]
        return pd.DataFrame(rows, columns=["name", "py_name", "value", "unit", "min", "max",
                                           "description"])


def _isnan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def cached_object(mdl: Path, sha: str, name: str, build):
    """An object derived from `mdl`, pickled in the model's cache folder so that later
    processes skip PySD (and its import) entirely. The pickle is signed (sim/cache.py) and
    unpickled only if its signature holds; one that fails is rebuilt, with a notice. One
    built from data files that have changed since (its `sources`) is rebuilt silently."""
    path = model_folder(mdl, sha) / f"{name}.pickle"
    try:
        data = cache.fetch(path)
        if data is not None:
            obj = pickle.loads(data)
            if not datafiles.changed(mdl, getattr(obj, "sources", {})):
                return obj
    except Exception as exc:  # damaged, forged, or from classes that changed
        cache.notice(f"{path}: cached entry rejected ({exc}); rebuilding it.")
    obj = build()
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        cache.store(path, pickle.dumps(obj))
    except OSError as exc:
        cache.notice(f"{path.parent}: cannot store the cache entry ({exc.strerror}); "
                     "it is rebuilt each time.")
    return obj


@lru_cache(maxsize=8)
def _info_cached(path: str, sha: str) -> ModelInfo:
    return cached_object(Path(path), sha, "info", lambda: ModelInfo(Path(path)))


def info(mdl: Path) -> ModelInfo:
    """The catalogue of `mdl`, cached per file content (on disk and within a process)."""
    path = Path(mdl).resolve()
    if not path.is_file():
        raise SimError(f"{mdl}: model file not found. Check the scenario's 'model:' path.")
    found = _info_cached(str(path), file_sha256(path))
    if datafiles.changed(path, found.sources):  # a data file changed within this process
        _info_cached.cache_clear()
        found = _info_cached(str(path), file_sha256(path))
    return found
