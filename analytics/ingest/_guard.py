"""Reading files in worker processes that are watched: one that needs more memory or time than a disclosure ever
does is killed and its file reported, so that no input can take the machine (or the app's server) down.

The readers check the known bombs before any work (``_check_file``, the Excel and PDF limits); this is the bound
for what those checks do not foresee — a PDF whose page makes PDFium push millions of graphics states, a crash in
a native library. Each worker reads one file at a time; the parent polls its resident memory (Linux ``/proc``)
and its time on the file, kills it past ``READ_MEMORY_BYTES`` or ``READ_SECONDS`` and starts another for the files
left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from analytics.errors import ReaderError

__all__ = ["READ_MEMORY_BYTES", "READ_SECONDS", "read_watched"]

#: The resident memory a worker may use on one file (a published disclosure reads in about 150 MB); polled every
#: ``_POLL_SECONDS``, so that the peak stays under 1 GB even for memory that grows fast.
READ_MEMORY_BYTES = 900 * 1024 * 1024
#: The time a worker may spend on one file: a published disclosure reads in well under 5 s.
READ_SECONDS = 60.0
#: How often the parent looks at its workers' memory and time.
_POLL_SECONDS = 0.05
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    #: Tasks go out on ``requests``, results come back on ``replies`` (EOF there: the worker has ended).
    requests: Connection
    replies: Connection
    task: int | None = None
    started: float = 0.0


def _start(read_one: str, setup: str) -> _Worker:
    """A worker: a fresh interpreter (not a fork, and not multiprocessing's spawn, which imports the caller's main
    script again) that talks to this process over two pipes."""
    task_read, task_write = os.pipe()
    reply_read, reply_write = os.pipe()
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    worker = "analytics.ingest._worker"
    command = [sys.executable, "-m", worker, str(task_read), str(reply_write), str(os.getpid()), read_one, setup]
    try:
        process = subprocess.Popen(command, pass_fds=(task_read, reply_write), env=env, stdin=subprocess.DEVNULL)
    finally:
        os.close(task_read)
        os.close(reply_write)
    return _Worker(process, Connection(task_write, readable=False), Connection(reply_read, writable=False))


def _resident_bytes(pid: int) -> int | None:
    """The resident memory of process ``pid`` (Linux), or ``None`` where it cannot be known."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return None


def _stop(worker: _Worker) -> None:
    if worker.process.poll() is None:
        worker.process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):  # a killed process that does not end: leave it
        worker.process.wait(timeout=10)
    worker.requests.close()
    worker.replies.close()


def _ended(worker: _Worker, name: str) -> ReaderError:
    try:
        code: int | None = worker.process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        code = None
    if code is not None and code < 0:
        try:
            how = f"signal {-code} ({signal.Signals(-code).name})"
        except ValueError:
            how = f"signal {-code}"
    else:
        how = f"exit code {code}"
    return ReaderError(
        name, "", f"the reader stopped on this file with {how}; expected a file it can open (is the file damaged?)"
    )


def _over(worker: _Worker, label: str, memory_bytes: int, seconds: float) -> ReaderError | None:
    """The error for a busy worker past its memory or its time, or ``None``."""
    resident = _resident_bytes(worker.process.pid)
    if resident is not None and resident > memory_bytes:
        return ReaderError(
            label,
            "",
            f"reading it took more than {memory_bytes // (1024 * 1024)} MB of memory and was stopped; expected a "
            "disclosure (a published one reads in about 150 MB)",
        )
    if time.monotonic() - worker.started > seconds:
        return ReaderError(
            label,
            "",
            f"reading it took longer than {seconds:.0f} s and was stopped; expected a disclosure (a published one "
            "reads in a few seconds)",
        )
    return None


@dataclass
class _Pool:
    """The workers of one ``read_watched`` call and the files they have left to read."""

    tasks: list[tuple[Path, str | None]]
    read_one: str
    setup: str
    size: int
    progress: Callable[[Path], None] | None
    results: list[object] = field(default_factory=list)
    pending: deque[int] = field(default_factory=deque)
    workers: list[_Worker] = field(default_factory=list)

    def busy(self) -> list[_Worker]:
        return [worker for worker in self.workers if worker.task is not None]

    def hand_out(self) -> None:
        """Replace idle workers that died, start workers while files wait, and give each idle one a file."""
        for worker in [w for w in self.workers if w.task is None and w.process.poll() is not None]:
            _stop(worker)
            self.workers.remove(worker)
        while len(self.workers) < min(self.size, len(self.pending) + len(self.busy())):
            self.workers.append(_start(self.read_one, self.setup))
        for worker in self.workers:
            if worker.task is None and self.pending:
                worker.task = self.pending.popleft()
                path, name = self.tasks[worker.task]
                worker.started = time.monotonic()
                with contextlib.suppress(OSError):  # it ended before its first file: ``collect`` reports it
                    worker.requests.send((worker.task, path, name))

    def done(self, worker: _Worker, result: object) -> None:
        index = worker.task
        assert index is not None
        self.results[index] = result
        worker.task = None
        if self.progress:
            self.progress(self.tasks[index][0])

    def collect(self, memory_bytes: int, seconds: float) -> None:
        """Wait a moment for results; stop a worker that died or went past its memory or time."""
        busy = self.busy()
        ready = wait([w.replies for w in busy], timeout=_POLL_SECONDS)
        for worker in busy:
            assert worker.task is not None
            path, name = self.tasks[worker.task]
            label = name or path.name
            if worker.replies in ready:
                try:
                    _, result = worker.replies.recv()
                except (EOFError, OSError):  # the worker ended without a result: killed, or a crash
                    problem: ReaderError | None = _ended(worker, label)
                else:
                    self.done(worker, result)
                    continue
            else:
                problem = _over(worker, label, memory_bytes, seconds)
            if problem is not None:
                _stop(worker)
                self.done(worker, problem)
                self.workers.remove(worker)


def read_watched(
    tasks: list[tuple[Path, str | None]],
    read_one: str,
    setup: str,
    *,
    workers: int,
    progress: Callable[[Path], None] | None = None,
    memory_bytes: int = READ_MEMORY_BYTES,
    seconds: float = READ_SECONDS,
) -> list[object]:
    """``read_one(path, name)`` of every task, in up to ``workers`` watched processes, in the order of ``tasks``.

    A file whose worker passes ``memory_bytes`` of resident memory or ``seconds`` gets a ``ReaderError`` saying so
    in place of its result, as does one whose worker dies; the other files are read by a new worker.
    ``read_one`` and ``setup`` (run first in each worker, with this process's pid) name module-level functions as
    ``"package.module:function"``.
    """
    pool = _Pool(tasks, read_one, setup, max(1, workers), progress, [None] * len(tasks), deque(range(len(tasks))))
    try:
        while pool.pending or pool.busy():
            pool.hand_out()
            pool.collect(memory_bytes, seconds)
    except BaseException:  # interrupted (Ctrl-C, an error in ``progress``): the workers go at once
        for worker in pool.workers:
            _stop(worker)
        raise
    for worker in pool.workers:
        with contextlib.suppress(OSError):
            worker.requests.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=5)
        _stop(worker)
    return pool.results
