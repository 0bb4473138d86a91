"""N writer processes × M writes each, with readers running the whole time: no write is
lost, no process is refused for a busy or locked database, and the file stays sound."""

from __future__ import annotations

import threading
from pathlib import Path

from .conftest import SCALE, count, figures, integrity, run

WRITERS = 3 * SCALE  # the scale multiplies the processes, and so the writes
WRITES = 3  # per writer: one customer add, one followup log, one need add


def test_concurrent_writers_and_readers_lose_nothing_and_never_fail(tmp_path: Path, request):
    db = tmp_path / "salesflow.db"
    source = tmp_path / "writers.csv"  # one customer per writer, for its follow-ups and needs
    source.write_text("name,industry\n" + "".join(
        f"并发基准{w:03d}有限公司,制造业\n" for w in range(WRITERS)), encoding="utf-8")
    run(db, "customer", "import", str(source))
    base = {t: count(db, t) for t in ("customer", "followup", "need")}
    codes = [r for r in run(db, "export", "customers").stdout.splitlines()[1:]]
    codes = [line.split(",")[0] for line in codes]
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

    def writer(w: int) -> None:
        for m in range(WRITES):
            kind = ("customer", "followup", "need")[m % 3]
            if kind == "customer":
                args = ["customer", "add", f"并发客户{w:03d}x{m:04d}有限公司", "--industry", "制造业"]
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
