"""Run a piece of work in a forked child while this process goes on with another.

`sim run` writes its charts this way while it writes its tables: the two take about as long
and the machine has more than one core. Where the platform cannot fork, or has one core, the
work runs at once in this process, so callers need not care which happened.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback


def _child(conn, fn, args) -> None:
    try:
        fn(*args)
        conn.send(None)
    except BaseException as exc:  # reported to the parent, which raises it
        if isinstance(exc, OSError) and exc.errno is not None:  # a full or read-only disk:
            conn.send(OSError(exc.errno, exc.strerror, exc.filename))  # the parent words it
        else:
            conn.send(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    finally:
        conn.close()


class Job:
    """`fn(*args)`, started now; `wait()` returns once it is done and raises if it failed.

    As a context manager it waits on leaving, or stops the child if the block raised."""

    def __init__(self, fn, *args):
        self.process = None
        can_fork = "fork" in multiprocessing.get_all_start_methods() and \
            (os.cpu_count() or 1) > 1
        if not can_fork:
            fn(*args)
            return
        context = multiprocessing.get_context("fork")
        self.conn, child_conn = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(child_conn, fn, args))
        self.process.start()
        child_conn.close()

    def __enter__(self) -> "Job":
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.wait()
        elif self.process is not None:
            self.process.terminate()
            self.process.join()
            self.conn.close()

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            error = self.conn.recv()
        except EOFError:
            error = "the worker process ended without reporting"
        finally:
            self.process.join()
            self.conn.close()
        if error is None and self.process.exitcode != 0:
            error = f"the worker process ended with exit code {self.process.exitcode}"
        if isinstance(error, OSError):
            raise error
        if error is not None:
            raise RuntimeError(f"writing in the background failed: {error}")
