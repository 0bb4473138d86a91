"""salesflow.workers.chunked: a list's chunks worked on by forked children, the results in
chunk order, whatever happens to a child; and no child left behind when the parent is
interrupted."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from salesflow import workers

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32",
                                reason="the workers are forked")


@pytest.fixture
def four(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "worker_count", lambda items: min(4, max(1, items)))


def test_the_chunks_results_come_back_in_order_from_other_processes(four):
    parent = os.getpid()

    def work(chunk):  # type: ignore[no-untyped-def]
        return os.getpid(), [x * x for x in chunk]

    results = workers.chunked(work, list(range(1001)))
    assert [x for _pid, part in results for x in part] == [x * x for x in range(1001)]
    pids = [pid for pid, _part in results]
    assert pids[0] == parent and len(set(pids)) == 4  # three children, one chunk each


def test_a_child_that_fails_or_dies_has_its_chunk_done_here(four):
    parent = os.getpid()

    def work(chunk):  # type: ignore[no-untyped-def]
        if os.getpid() != parent and chunk[0] == 2:
            raise ValueError("a child's failure")
        if os.getpid() != parent and chunk[0] == 3:
            os._exit(0)  # died without a word: its result is empty
        return list(chunk)

    assert workers.chunked(work, [0, 1, 2, 3]) == [[0], [1], [2], [3]]


def test_few_items_or_one_cpu_stay_in_this_process(monkeypatch: pytest.MonkeyPatch):
    assert workers.worker_count(workers.LEAST_PER_WORKER * 2 - 1) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert workers.worker_count(10**6) == 1
    assert workers.chunked(lambda chunk: os.getpid(), list(range(10**4))) == [os.getpid()]


def test_an_interrupted_parent_leaves_no_child(four, tmp_path: Path):
    parent = os.getpid()

    def work(chunk):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            deadline = time.monotonic() + 30
            while len(list(tmp_path.iterdir())) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)  # every child has started
            raise KeyboardInterrupt
        (tmp_path / str(os.getpid())).write_text("")
        time.sleep(60)
        return chunk

    with pytest.raises(KeyboardInterrupt):
        workers.chunked(work, [1, 2, 3, 4])
    children = [int(p.name) for p in tmp_path.iterdir()]
    assert len(children) == 3
    for pid in children:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # killed and reaped already
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl PR_SET_PDEATHSIG")
def test_a_parent_killed_outright_takes_its_children_with_it(tmp_path: Path):
    import signal
    import subprocess

    script = f"""
import os, signal, time
from pathlib import Path
from salesflow import workers
workers.worker_count = lambda items: 3
folder, parent = Path({str(tmp_path)!r}), os.getpid()
def work(chunk):
    if os.getpid() == parent:
        while len(list(folder.iterdir())) < 2:
            time.sleep(0.01)
        os.kill(parent, signal.SIGKILL)  # as kill -9 of the command would
    (folder / str(os.getpid())).write_text("")
    time.sleep(60)
workers.chunked(work, [1, 2, 3])
"""
    done = subprocess.run([sys.executable, "-c", script], timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL
    children = [int(p.name) for p in tmp_path.iterdir()]
    assert len(children) == 2

    def gone(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
        except (OSError, IndexError):
            return True
        return state == "Z"

    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in children)  # not left sleeping for a minute
