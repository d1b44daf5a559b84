"""Output names: one path component, the same rule on every platform."""

from sim.names import check_output_name


def test_output_name_rule():
    for good in ("baseline", "基线_2025", "v1.2-final"):
        assert check_output_name(good) is None
    for bad in (".", "..", "../x", "a/b", "a\\b", "", "x\n", "a b", "con", "Com1.txt",
                "LPT9", ".hidden", "trailing.", "x" * 101, None, 5):
        assert check_output_name(bad) is not None, bad



def test_output_folder_rule(tmp_path, monkeypatch):
    from sim.names import check_output_folder

    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "s.yaml").write_text("")
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "manifest.json").write_text("{}")
    (tmp_path / "empty").mkdir()
    for fine in ("new", "done", "empty", "in/new", "done/../new"):
        assert check_output_folder(tmp_path / fine, [tmp_path / "in" / "s.yaml"]) is None, fine
    for refused in (".", "..", "in", "in/..", str(tmp_path)):
        assert check_output_folder(refused, [tmp_path / "in" / "s.yaml"]) is not None, refused
