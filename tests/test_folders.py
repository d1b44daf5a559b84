"""Output folders: one atomic swap, leftovers of dead runs removed, a half swap repaired,
and of two runs into one folder, the later one told that the other won."""

import multiprocessing
import os

import pytest

from sim import folders, outputs


def write(dest, text, inputs=()):
    with outputs.atomic_folder(dest, inputs) as tmp:
        (tmp / "manifest.json").write_text(text)


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_the_swap_is_one_atomic_exchange_on_linux(tmp_path, monkeypatch):
    calls = []
    real = folders.exchange
    monkeypatch.setattr(folders, "exchange", lambda a, b: calls.append((a, b)) or real(a, b))
    write(tmp_path / "out", "first")
    write(tmp_path / "out", "second")
    assert (tmp_path / "out" / "manifest.json").read_text() == "second"
    assert len(calls) == 1 and calls[0][1] == tmp_path / "out"
    assert names(tmp_path) == ["out"]


def test_without_an_exchange_two_renames_give_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(folders, "exchange", lambda a, b: False)
    write(tmp_path / "out", "first")
    write(tmp_path / "out", "second")
    assert (tmp_path / "out" / "manifest.json").read_text() == "second"
    assert names(tmp_path) == ["out"]


def _killed_run(dest):
    with outputs.atomic_folder(dest) as tmp:
        (tmp / "manifest.json").write_text("half")
        os._exit(9)  # as if killed: no cleanup runs


def test_a_killed_run_leaves_a_folder_the_next_run_removes(tmp_path):
    dest = tmp_path / "out"
    child = multiprocessing.get_context("fork").Process(target=_killed_run, args=(dest,))
    child.start()
    child.join()
    assert child.exitcode == 9
    (left,) = tmp_path.glob(".out.tmp-*")
    write(dest, "whole")
    assert names(tmp_path) == ["out"] and not left.exists()
    assert (dest / "manifest.json").read_text() == "whole"


def test_a_live_run_s_folder_is_left_alone(tmp_path):
    dest = tmp_path / "out"
    live = tmp_path / ".out.tmp-live"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        write(dest, "mine")
        assert names(tmp_path) == [".out.tmp-live", "out"]
    finally:
        os.close(fd)
    write(dest, "again")
    assert names(tmp_path) == ["out"]


def test_a_crash_between_the_two_renames_is_repaired(tmp_path):
    dest = tmp_path / "out"
    old = tmp_path / ".out.old-12345"  # the state the fallback leaves if it dies half way
    old.mkdir()
    (old / "manifest.json").write_text("previous result")
    stray = tmp_path / ".out.tmp-abc"
    stray.mkdir()
    with pytest.raises(RuntimeError):
        with outputs.atomic_folder(dest):
            raise RuntimeError("this run fails too")
    assert names(tmp_path) == ["out"]
    assert (dest / "manifest.json").read_text() == "previous result"


def test_of_two_runs_into_one_folder_the_later_is_told(tmp_path):
    dest = tmp_path / "out"
    write(dest, "before")
    first = outputs.atomic_folder(dest)
    second = outputs.atomic_folder(dest)
    a, b = first.__enter__(), second.__enter__()
    (a / "manifest.json").write_text("first")
    (b / "manifest.json").write_text("second")
    first.__exit__(None, None, None)
    with pytest.raises(outputs.OutputError) as err:
        second.__exit__(None, None, None)
    assert str(err.value) == (f"{dest}: another sim command wrote this folder while this one "
                              "ran; its result is kept. Run again to replace it.")
    assert (dest / "manifest.json").read_text() == "first"
    assert names(tmp_path) == ["out"]


def _racer(dest, barrier, text):
    try:
        with outputs.atomic_folder(dest) as tmp:
            barrier.wait(timeout=30)  # both have started writing before either finishes
            (tmp / "manifest.json").write_text(text)
    except outputs.OutputError as exc:
        os._exit(3 if "another sim command wrote this folder" in str(exc) else 4)
    os._exit(0)


def test_two_processes_into_one_folder_give_one_whole_result(tmp_path):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    dest = tmp_path / "out"
    racers = [context.Process(target=_racer, args=(dest, barrier, text))
              for text in ("one", "two")]
    for p in racers:
        p.start()
    for p in racers:
        p.join()
    codes = sorted(p.exitcode for p in racers)
    assert codes == [0, 3]
    winner = ("one", "two")[[p.exitcode for p in racers].index(0)]
    assert (dest / "manifest.json").read_text() == winner
    assert names(tmp_path) == ["out"]
