"""The cache runs nothing it did not write: signed entries, private folder, content keys."""

import os
import pickle
import stat

import pytest
from click.testing import CliRunner

from sim import cache, model
from sim.charts.font import Glyphs
from sim.cli import main
from sim.errors import SimError

from .conftest import DECAY, SCENARIOS, error_text



@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A cache folder of this test's own, and a small model."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SIM_CACHE_DIR", str(folder))
    cache._secret.cache_clear()
    model._info_cached.cache_clear()
    mdl = tmp_path / "decay.mdl"
    mdl.write_text(DECAY, encoding="utf-8")
    yield folder, mdl
    cache._secret.cache_clear()
    model._info_cached.cache_clear()


class Planted:
    """Unpickling this creates a file: proof that a planted pickle ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def test_a_planted_pickle_is_never_loaded_and_the_entry_heals(private_cache, tmp_path, capsys):
    folder, mdl = private_cache
    sha = model.file_sha256(mdl)
    assert model.cached_object(mdl, sha, "probe", lambda: {"value": 1}) == {"value": 1}
    entry = model.model_folder(mdl, sha) / "probe.pickle"
    marker = tmp_path / "ran"
    for planted, why in [(pickle.dumps(Planted(marker)), "not a sim cache file"),
                         (cache.MAGIC + b"\0" * 32 + pickle.dumps(Planted(marker)),
                          "its signature does not match")]:
        entry.write_bytes(planted)
        capsys.readouterr()
        assert model.cached_object(mdl, sha, "probe", lambda: {"value": 2}) == {"value": 2}
        assert not marker.exists()
        assert capsys.readouterr().err == (
            f"note: {entry}: cached entry rejected ({why}); rebuilding it.\n")
        assert model.cached_object(mdl, sha, "probe", lambda: {"value": 3}) == {"value": 2}
        assert capsys.readouterr().err == ""


def test_a_truncated_entry_is_rebuilt(private_cache, capsys):
    folder, mdl = private_cache
    sha = model.file_sha256(mdl)
    model.cached_object(mdl, sha, "probe", lambda: list(range(100)))
    entry = model.model_folder(mdl, sha) / "probe.pickle"
    entry.write_bytes(entry.read_bytes()[:-5])
    assert model.cached_object(mdl, sha, "probe", lambda: ["rebuilt"]) == ["rebuilt"]
    assert "cached entry rejected (its signature does not match)" in capsys.readouterr().err


def test_code_added_to_the_translation_is_never_run(private_cache, tmp_path, capsys):
    folder, mdl = private_cache
    py = model.translated(mdl)
    marker = tmp_path / "ran"
    with open(py, "a", encoding="utf-8") as f:
        f.write(f"\nopen({str(marker)!r}, 'w').close()\n")
    loaded = model.load(mdl)
    assert not marker.exists()
    assert capsys.readouterr().err == (
        f"note: {py.parent}: cached translation rejected (its files differ from the ones "
        "signed); translating the model again.\n")
    assert loaded.components.rate() == 0.5
    model.load(mdl)
    assert capsys.readouterr().err == ""
    (py.parent / "extra.py").write_text("x = 1\n")
    model.translated(mdl)
    assert "its files differ from the ones signed" in capsys.readouterr().err


def test_a_cache_folder_others_can_write_to_is_refused(private_cache):
    folder, mdl = private_cache
    folder.mkdir()
    folder.chmod(0o777)
    assert error_text(model.translated, mdl) == (
        f"{folder}: the cache folder is writable by other users or owned by another user, so "
        f"what it holds could run as code. Run 'chmod go-w {folder}' or set SIM_CACHE_DIR to "
        "a folder of your own.")


def test_the_secret_is_private_and_a_readable_one_is_replaced(private_cache, capsys):
    folder, mdl = private_cache
    first = cache.secret()
    key = folder / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(first) == 32
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key.chmod(0o644)
    cache._secret.cache_clear()
    assert cache.secret() != first
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert "the cache secret was not private" in capsys.readouterr().err


def test_keys_change_with_library_versions_and_code(private_cache, monkeypatch):
    folder, mdl = private_cache
    sha = model.file_sha256(mdl)
    before = model.model_folder(mdl, sha)
    monkeypatch.setattr(cache, "library_versions", lambda: "pysd=99;pandas=9;numpy=9")
    upgraded = model.model_folder(mdl, sha)
    monkeypatch.setattr(cache, "code_digest", lambda: "another")
    changed = model.model_folder(mdl, sha)
    assert len({before, upgraded, changed}) == 3
    assert sha[:16] not in before.name  # the key is a digest of all three, not the file hash


def test_damaged_glyphs_are_read_again(tmp_path, capsys):
    Glyphs(cache=tmp_path).prepare("规划")
    (entry,) = tmp_path.glob("*.json")
    entry.write_text('{"units_per_em": 1000, "glyphs": {"规": [1.0, "M0 0\\"/><script>"]}}')
    font = Glyphs(cache=tmp_path)
    assert capsys.readouterr().err == (
        f"note: {entry}: cached glyphs rejected (bad entry for '规'); reading them again.\n")
    assert "<" not in font.outline("规")


def test_a_damaged_catalogue_heals_on_the_next_command(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(SCENARIOS / "baseline.yaml")]).exit_code == 0
    mdl = SCENARIOS.parent / "models" / "qingdao_fyp.mdl"
    entry = model.model_folder(mdl, model.file_sha256(mdl)) / "info.pickle"
    entry.write_bytes(b"garbage")
    model._info_cached.cache_clear()
    first = runner.invoke(main, ["validate", str(SCENARIOS / "baseline.yaml")])
    assert first.exit_code == 0, first.output
    assert first.stderr == (f"note: {entry}: cached entry rejected (not a sim cache file); "
                            "rebuilding it.\n")
    model._info_cached.cache_clear()
    second = runner.invoke(main, ["validate", str(SCENARIOS / "baseline.yaml")])
    assert (second.exit_code, second.stderr) == (0, "")
    assert os.path.getsize(entry) > 1000


def test_a_full_cache_disk_is_one_line_naming_the_cache_folder(private_cache, monkeypatch):
    import errno

    folder, mdl = private_cache

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sim.folders.tempfile.mkdtemp", full)
    with pytest.raises(SimError) as err:
        model.translated(mdl)
    assert str(err.value) == (f"{folder}: cannot write the cache folder (No space left on "
                              "device). Free some space, or set SIM_CACHE_DIR to a folder you "
                              "can write to.")


def test_a_translation_a_killed_process_left_is_removed(private_cache):
    folder, mdl = private_cache
    parent = model.model_folder(mdl, model.file_sha256(mdl))
    parent.mkdir(parents=True)
    left = parent / ".translating-dead"
    left.mkdir()
    (left / "decay.py").write_text("half written")
    model.translated(mdl)
    assert sorted(p.name for p in parent.iterdir()) == ["pysd"]
