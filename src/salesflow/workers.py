"""Pure CPU work over a long list, shared with forked copies of this process.

`customer import` checks every cell of every row (phone numbers, e-mail addresses,
money, dates, names): ~0.3 ms a row in Python, which no index or SQL can shorten. The
rows are independent, so `chunked(work, items)` runs `work` on consecutive chunks, the
first here and the others in children forked for it (one per further CPU, at most
MAX_WORKERS), and returns the results in chunk order: the same results as
`[work(items)]` would give, split.

A child only computes: it inherits the parent's memory (no arguments are sent), sends
its result back pickled over a pipe and leaves with os._exit, so it never touches the
database connection, the standard streams or the exit handlers it inherited. If a child
fails or dies, its chunk is done here instead; if this process is interrupted (Ctrl-C,
SIGTERM), its children are killed before the exception goes on, and if it is killed
outright (SIGKILL), Linux kills them with it. Where fork is missing
(Windows) or the list is short, everything runs here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4  # processes in all, this one included
LEAST_PER_WORKER = 1000  # items: fewer, and forking costs more than it saves


def worker_count(items: int) -> int:
    if not hasattr(os, "fork") or sys.platform == "win32":
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cpus, items // LEAST_PER_WORKER))


def chunked(work: Callable[[Sequence[T]], R], items: Sequence[T]) -> list[R]:
    """[work(chunk) for each consecutive chunk of items], the chunks after the first
    computed in forked children."""
    count = worker_count(len(items))
    size = -(-len(items) // count) if items else 0
    chunks = [items[i:i + size] for i in range(0, len(items), size)] if items else [items]
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    try:
        for chunk in chunks[1:]:
            children.append(_fork(work, chunk))
        results = [work(chunks[0])]
        for (pid, fd), chunk in zip(children, chunks[1:], strict=True):
            results.append(_collect(pid, fd, work, chunk))
        children.clear()
        return results
    finally:
        for pid, fd in children:  # interrupted: the children are of no more use
            _end(pid, fd)


def _fork(work: Callable[[Sequence[T]], R], chunk: Sequence[T]) -> tuple[int, int]:
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave (no cleanup of the parent's things)
        code = 0
        try:
            _die_with(parent)
            os.close(read)
            data = pickle.dumps(work(chunk), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(write, view):]
        except BaseException:  # noqa: BLE001 (the parent redoes the chunk)
            code = 1
        os._exit(code)
    os.close(write)
    return pid, read


def _die_with(parent: int) -> None:
    """On Linux, this child is killed when its parent dies (even by SIGKILL) rather than
    left to finish a chunk no one will read (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1: PDEATHSIG
    except Exception:  # noqa: BLE001 (not Linux: the child ends at its next write)
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _collect(pid: int, fd: int, work: Callable[[Sequence[T]], R], chunk: Sequence[T]) -> R:
    """The child's result; the chunk computed here when the child did not deliver."""
    parts = []
    try:
        while True:
            part = os.read(fd, 1 << 20)
            if not part:
                break
            parts.append(part)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        try:
            result: R = pickle.loads(b"".join(parts))
            return result
        except Exception:  # noqa: BLE001 (a truncated result: redo it)
            pass
    return work(chunk)


def _end(pid: int, fd: int) -> None:
    import signal

    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
