"""Work in a forked child: done when waited for, failures raised, stopped when the caller fails."""

import os
import time

import pytest

from sim import background


def write(path, text):
    path.write_text(text)


def fail(message):
    raise ValueError(message)


def test_the_work_is_done_once_waited_for(tmp_path):
    with background.Job(write, tmp_path / "a.txt", "charts"):
        pass
    assert (tmp_path / "a.txt").read_text() == "charts"


def test_a_failure_in_the_work_is_raised_by_wait():
    job = background.Job(fail, "no font")
    with pytest.raises(RuntimeError, match="ValueError: no font"):
        job.wait()


def test_the_work_stops_when_the_caller_fails(tmp_path):
    with pytest.raises(KeyError):
        with background.Job(time.sleep, 30) as job:
            raise KeyError("tables")
    if job.process is not None:  # forked: the child is gone, not left sleeping
        assert job.process.exitcode is not None
        with pytest.raises(ProcessLookupError):
            os.kill(job.process.pid, 0)
