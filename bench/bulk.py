"""The bulk paths against what SQLite's own tools do with the same data, side by side.

    python bench/generate.py                     # once: bench/data/bench.db (100k / 1M)
    python bench/import_sheet.py                 # once: bench/data/import-10000.csv
    python bench/bulk.py                         # the table (3 runs of each, interleaved)
    python bench/bulk.py --runs 5 --only export

Pairs, each run as a fresh process with stdout to /dev/null (wall, CPU and peak RSS of
that very child, read with os.wait4), the pairs interleaved run by run so that both sides
of a ratio see the same machine:

- `salesflow export followups` (CSV, every follow-up) against `sqlite3 -csv -header`
  selecting the same columns in the same order; the SQL given to sqlite3 is the statement
  services/export.py builds, compiled for SQLite with its parameters inlined, so the two
  read the same rows through the same plan;
- `salesflow due --format csv` for the whole team against `python -c "import typer"` (the
  goal is absolute, under 1.5 s; the reference says how fast the machine was);
- `salesflow customer import FILE` (10,000 rows, full validation, into a copy of the
  database) against `sqlite-utils insert COPY imported FILE --csv` (into another copy).
  sqlite-utils is a bench-only tool: `pip install sqlite-utils`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE / "data" / "bench.db"
DEFAULT_SHEET = HERE / "data" / "import-10000.csv"


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one fresh process."""
    with open(os.devnull, "wb") as devnull:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=devnull, stderr=subprocess.PIPE, env=env)
        stderr = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):  # 3: `due` found overdue items, by design
        sys.exit(f"{' '.join(argv)} exited {code}: {stderr.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def export_sql(db: Path, today: str, user: str) -> str:
    """The SELECT `export followups` sends, with its parameters inlined (for sqlite3)."""
    os.environ["SALESFLOW_TODAY"] = today
    from salesflow import columns
    from salesflow.context import AppState
    from salesflow.services import export

    with AppState(db=str(db), user=user).unit("bench", write=False) as unit:
        query = export._of_customer(unit.env, export.FollowUp, columns.FOLLOWUP, None)
        dialect = unit.session.get_bind().dialect
        return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--sheet", type=Path, default=DEFAULT_SHEET)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", default=[],
                        help="export, due or import (repeatable)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from run import byte_compiled, start_server, stop_servers

    byte_compiled()
    db = args.db.expanduser().resolve()
    import json

    meta = json.loads(Path(f"{db}.json").read_text(encoding="utf-8"))
    today = meta["today"]
    exe = shutil.which("salesflow") or str(Path(sys.executable).with_name("salesflow"))
    sqlite_utils = shutil.which("sqlite-utils") or str(
        Path(sys.executable).with_name("sqlite-utils"))
    work = Path(tempfile.mkdtemp(prefix="salesflow-bulk-"))
    try:
        base = work / "bench.db"
        shutil.copyfile(db, base)
        # in-process (no warm server), so that CPU time and peak RSS are the command's
        # own, start-up included: through the server they would be the launcher's
        env = {**os.environ, "SALESFLOW_DB": str(base), "SALESFLOW_TODAY": today,
               "SALESFLOW_USER": meta["busiest_rep"], "SALESFLOW_NO_SERVER": "1"}
        env.pop("SALESFLOW_DEBUG", None)
        # and as a user runs them: through the warm server (its own runtime folder); the
        # CPU and RSS of those rows are the launcher's, the wall time is what one waits
        run = work / "run"
        run.mkdir(mode=0o700)
        log = work / "launcher.log"
        warm = {k: v for k, v in env.items() if k != "SALESFLOW_NO_SERVER"}
        warm.update(XDG_RUNTIME_DIR=str(run), SALESFLOW_LAUNCHER_LOG=str(log))
        sql = export_sql(base, today, meta["busiest_rep"])
        target = work / "target.db"

        def fresh_copy() -> list[str]:  # before each import: the database as generated
            shutil.copyfile(db, target)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            return []

        pairs = {
            "export": [
                ("salesflow export followups (csv)", [exe, "export", "followups"], None, env),
                ("sqlite3 -csv -header, same SELECT", ["sqlite3", "-csv", "-header",
                                                      str(base), sql], None, env),
            ],
            "due": [
                ("salesflow due --format csv (whole team)", [exe, "due", "--format", "csv"],
                 None, env),
                ("salesflow due --format csv (whole team, server)",
                 [exe, "due", "--format", "csv"], None, warm),
                ("python -c 'import typer'", [sys.executable, "-c", "import typer"], None, env),
            ],
            "import": [
                (f"salesflow customer import ({args.sheet.name})",
                 [exe, "customer", "import", str(args.sheet)], fresh_copy,
                 {**env, "SALESFLOW_DB": str(target)}),
                (f"salesflow customer import ({args.sheet.name}, server)",
                 [exe, "customer", "import", str(args.sheet)], fresh_copy,
                 {**warm, "SALESFLOW_DB": str(target)}),
                ("sqlite-utils insert --csv, same file",
                 [sqlite_utils, "insert", str(target), "imported", str(args.sheet), "--csv"],
                 fresh_copy, env),
            ],
        }
        chosen = [k for k in pairs if not args.only or k in args.only]
        if {"due", "import"} & set(chosen):
            start_server(exe, warm, log)
        load_before = os.getloadavg()
        results: dict[str, list[tuple[float, float, float]]] = {}
        for key in chosen:
            for _label, argv, prepare, run_env in pairs[key]:  # warm-up (page cache)
                if prepare:
                    prepare()
                run_once(argv, run_env)
            for _ in range(args.runs):
                for label, argv, prepare, run_env in pairs[key]:
                    if prepare:
                        prepare()
                    results.setdefault(label, []).append(run_once(argv, run_env))
                    print(f"  {label}: {results[label][-1][0]:.2f} s", file=sys.stderr)
        load_after = os.getloadavg()
        print(f"median of {args.runs} interleaved runs after one warm-up; "
              f"{meta['followups']:,} follow-ups, {meta['customers']:,} customers; "
              f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
              f"({os.cpu_count()} CPUs)\n")
        print("| command | wall, median (s) | CPU, median (s) | peak RSS (MiB) "
              "| × reference (wall) | × reference (CPU) |")
        print("|---|---:|---:|---:|---:|---:|")
        if log.exists():
            assert "in-process" not in log.read_text().split(), "a server case ran cold"
        for key in chosen:
            *ours, (ref, *_) = pairs[key]  # the reference last
            ref_wall = statistics.median(r[0] for r in results[ref])
            ref_cpu = statistics.median(r[1] for r in results[ref])
            for name in [label for label, *_ in ours] + [ref]:
                wall = statistics.median(r[0] for r in results[name])
                cpu = statistics.median(r[1] for r in results[name])
                peak = max(r[2] for r in results[name])
                ratio = ("1.00 | 1.00" if name == ref
                         else f"{wall / ref_wall:.2f} | {cpu / ref_cpu:.2f}")
                print(f"| `{name}` | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {ratio} |")
    finally:
        stop_servers(work / "run")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
