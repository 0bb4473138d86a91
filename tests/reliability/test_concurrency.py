"""N writer processes × M writes each, with readers running the whole time: no write is
lost, no process is refused for a busy or locked database, and the file stays sound."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from .conftest import SALESFLOW, SCALE, count, figures, integrity, old_database, run, user_env

WRITERS = 3 * SCALE  # the scale multiplies the processes, and so the writes
WRITES = 3  # per writer: one customer add, one followup log, one need add


def test_concurrent_writers_and_readers_lose_nothing_and_never_fail(tmp_path: Path, request):
    db = tmp_path / "salesflow.db"
    source = tmp_path / "writers.csv"  # one customer per writer, for its follow-ups and needs
    source.write_text("name,industry\n" + "".join(
        f"并发基准{w:03d}有限公司,制造业\n" for w in range(WRITERS)), encoding="utf-8")
    run(db, "customer", "import", str(source))
    base = {t: count(db, t) for t in ("customer", "followup", "need")}
    codes = [line.split(",")[0] for line in run(db, "export", "customers").stdout.splitlines()[1:]]
    assert len(codes) == WRITERS

    failures: list[str] = []
    done = threading.Event()
    acknowledged = {"customer": 0, "followup": 0, "need": 0}
    reads = [0]
    lock = threading.Lock()

    def record(what: str, result) -> bool:  # type: ignore[no-untyped-def]
        bad = result.returncode != 0 or result.stderr.strip() and (
            "busy" in result.stderr or "locked" in result.stderr
            or "Traceback" in result.stderr or "Error:" in result.stderr)
        if bad:
            with lock:
                failures.append(f"{what}: exit {result.returncode}: {result.stderr.strip()[:300]}")
        return not bad

    def guarded(body):  # type: ignore[no-untyped-def]
        def run_it(*args):  # type: ignore[no-untyped-def]
            try:
                body(*args)
            except Exception as exc:  # a thread's exception would vanish: count it
                with lock:
                    failures.append(f"{body.__name__}{args}: {exc!r}"[:300])
        return run_it

    @guarded
    def writer(w: int) -> None:
        for m in range(WRITES):
            kind = ("customer", "followup", "need")[m % 3]
            if kind == "customer":
                args = ["customer", "add", f"并发客户{w:03d}x{m:04d}有限公司",
                        "--industry", "制造业"]
            elif kind == "followup":
                args = ["followup", "log", codes[w], "-s", f"writer {w} write {m}",
                        "--channel", "phone"]
            else:
                args = ["need", "add", codes[w], f"需求 {w}/{m}", "--kind", "must",
                        "--priority", "high"]
            result = run(db, *args, check=False)
            if record(" ".join(args[:2]), result):
                with lock:
                    acknowledged[kind] += 1

    @guarded
    def reader(args: list[str]) -> None:
        while not done.is_set():
            result = run(db, *args, check=False)
            record(" ".join(args), result)
            with lock:
                reads[0] += 1
            done.wait(0.5)  # leave the two cores to the writers now and then

    writers = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    readers = [threading.Thread(target=reader, args=(a,)) for a in
               (["due", "--format", "csv"], ["export", "customers"])]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()

    lost = {t: base[t] + acknowledged[t] - count(db, t) for t in base}
    figures(request, writers=WRITERS, writes_each=WRITES, reads=reads[0],
            failed_processes=len(failures), lost_writes=sum(lost.values()))
    assert not failures, f"{len(failures)} processes failed:\n" + "\n".join(failures[:10])
    assert lost == {"customer": 0, "followup": 0, "need": 0}
    assert sum(acknowledged.values()) == WRITERS * WRITES
    assert integrity(db) == "ok"


def _all_at_once(db: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    procs = [subprocess.Popen([SALESFLOW, *args], env=user_env(db), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL) for args in commands]
    out = []
    for args, p in zip(commands, procs, strict=True):
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(args, p.returncode, stdout, stderr))
    return out


def test_writers_racing_to_create_the_database_all_succeed(tmp_path: Path, request):
    """The first commands on a new file create and migrate it while the others wait for
    the lock: each must be told nothing but its own result."""
    db = tmp_path / "new" / "salesflow.db"
    n = 3 * SCALE
    results = _all_at_once(db, [["customer", "add", f"首批客户{i:03d}有限公司"] for i in range(n)])
    failed = [f"exit {r.returncode}: {r.stderr.strip()[:200]}" for r in results
              if r.returncode != 0]
    figures(request, racing_writers=n, failed_processes=len(failed))
    assert not failed, "\n".join(failed)
    assert count(db, "customer") == n
    assert integrity(db) == "ok"


def test_readers_wait_for_a_migration_and_succeed(tmp_path: Path, request):
    """Readers started while another command upgrades an old database wait for it (up to
    the busy timeout) and then read every row; none is refused."""
    db = old_database(tmp_path / "salesflow.db", 1000)
    readers = 2 * SCALE
    results = _all_at_once(db, [["due"]] + [["customer", "list", "--format", "csv"]] * readers)
    failed = [f"{' '.join(r.args)}: exit {r.returncode}: {r.stderr.strip()[:200]}"
              for r in results if r.returncode != 0]
    figures(request, readers_during_migration=readers, failed_processes=len(failed))
    assert not failed, "\n".join(failed)
    for r in results[1:]:
        assert len(r.stdout.splitlines()) == 1001
    assert integrity(db) == "ok"
