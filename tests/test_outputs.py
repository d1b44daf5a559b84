"""Output folders are written all at once, CSVs with a BOM, manifests with versions."""

import json

import pandas as pd
import pytest

from sim import outputs


def test_atomic_folder_replaces_only_on_success(tmp_path):
    dest = tmp_path / "out"
    with outputs.atomic_folder(dest) as tmp:
        (tmp / "manifest.json").write_text("first")
    assert (dest / "manifest.json").read_text() == "first"
    with pytest.raises(RuntimeError):
        with outputs.atomic_folder(dest) as tmp:
            (tmp / "manifest.json").write_text("second")
            raise RuntimeError("boom")
    assert (dest / "manifest.json").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_csv_has_bom_and_unix_line_ends(tmp_path):
    path = tmp_path / "t.csv"
    outputs.write_csv(pd.DataFrame({"指标": ["服务业"], "v": [0.1]}), path, index=False)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == "指标,v\n服务业,0.1\n"


def test_manifest_records_versions(tmp_path):
    path = tmp_path / "manifest.json"
    outputs.write_manifest({"runs": []}, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["versions"]["pysd"] != "not installed"
    assert data["runs"] == []


def test_source_date_epoch_sets_the_manifest_time_and_must_be_a_number(tmp_path,
                                                                      monkeypatch):
    from sim.errors import SimError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    outputs.write_manifest({}, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text())["created"] == "1970-01-02T00:00:00Z"
    assert outputs.report_date() == "1970-01-02T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(SimError) as err:
        outputs.created()
    assert str(err.value) == ("SOURCE_DATE_EPOCH='yesterday': not a time. Set it to whole "
                              "seconds since 1970, e.g. SOURCE_DATE_EPOCH=1700000000.")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert outputs.report_date() is None
