"""Time salesflow's everyday commands on a large database, and measure their memory.

    python bench/generate.py                 # once: bench/data/bench.db (100k / 1M)
    python bench/run.py                      # the table for that database
    python bench/run.py --db bench/data/small.db --only "export followups"

Each command runs as a user runs it: a fresh process of the installed `salesflow` entry
point, with SALESFLOW_DB and SALESFLOW_TODAY set and stdout to /dev/null. One warm-up run
(not counted: it also faults the file into the page cache), then --runs timed runs; the
table shows the median wall-clock time and the largest peak RSS (ru_maxrss of that very
child, read with os.wait4). Writes go to a private copy of the database, so the generated
file stays as generated and runs are repeatable. The query plans (due, the exports, report
stalled and every statement of report review for the latest quarter) are printed from the
statements the real services send (captured, then run under EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE / "data" / "bench.db"


def byte_compiled() -> None:
    """salesflow's modules byte-compiled, as pip leaves an installed package. An editable
    install run under PYTHONDONTWRITEBYTECODE=1 (set on the machine these figures come
    from) never writes them, so every cold start and every launcher would compile its
    modules from source, a cost no user's machine pays twice."""
    import compileall

    import salesflow

    compileall.compile_dir(os.path.dirname(salesflow.__file__), quiet=1)


def start_server(exe: str, env: dict[str, str], log: Path) -> None:
    """Until a command runs through the warm server (the first call starts it in the
    background; it warms for a few seconds). env must name SALESFLOW_LAUNCHER_LOG=log."""
    import contextlib

    deadline = time.monotonic() + 120
    while True:
        with contextlib.suppress(FileNotFoundError):
            log.unlink()
        subprocess.run([exe, "--version"], env=env, stdout=subprocess.DEVNULL, check=True)
        if log.read_text().split()[-1:] == ["server"]:
            return
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.5)


def stop_servers(run: Path) -> None:
    """The servers of the runtime folder `run` (XDG_RUNTIME_DIR) are told to stop."""
    import contextlib
    import signal

    for pidfile in (run / "salesflow").glob("*.pid"):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text()), signal.SIGTERM)


def salesflow_exe() -> str:
    exe = shutil.which("salesflow") or str(Path(sys.executable).with_name("salesflow"))
    if not Path(exe).exists():
        sys.exit("salesflow is not installed in this environment (pip install -e .)")
    return exe


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds (user + system) and peak RSS (KiB) of one fresh
    process. CPU time barely moves when other work shares the machine; wall time does."""
    with open(os.devnull, "wb") as devnull:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=devnull, stderr=subprocess.PIPE, env=env)
        stderr = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 3):  # 3: `due` found overdue items, by design
        sys.exit(f"{' '.join(argv)} exited {proc.returncode}: {stderr.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def facts(db: Path, today: str) -> dict[str, int]:
    """How many rows each command prints (read straight from the database)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        one = lambda sql, *args: con.execute(sql, args).fetchone()[0]  # noqa: E731
        return {
            "customers": one("SELECT count(*) FROM customer"),
            "followups": one("SELECT count(*) FROM followup"),
            "stage_changes": one("SELECT count(*) FROM stage_change"),
            "overdue": one("SELECT count(*) FROM customer WHERE next_due_at < ?", today),
            "contracts": one("SELECT count(*) FROM contract"),
            "payments": one("SELECT count(*) FROM payment"),
            "open_needs": one("SELECT count(*) FROM need WHERE status = 'open'"),
        }
    finally:
        con.close()


def output_rows(argv: list[str], env: dict[str, str]) -> int:
    out = subprocess.run(argv, env=env, capture_output=True, text=True).stdout
    return max(0, len(out.splitlines()) - 1)


def write_import_sheet(path: Path, rows: int) -> Path:
    """A 客户信息登记表 with the template's Chinese headers and new company names."""
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["序号", "客户名称", "行业", "企业规模", "联系人", "职务", "联系方式",
                         "线索来源", "初步需求", "线索等级", "负责人", "最后跟进时间", "备注"])
        for n in range(1, rows + 1):
            writer.writerow([n, f"导入测试{n}号科技有限公司", "制造业", "200-500", "王强",
                             "采购总监", f"139{n:08d}", "行业展会", "ERP升级",
                             "A类" if n % 10 == 0 else "", "rep01", "2025-06-20", ""])
    return path


def query_plans(db: Path, today: str, owner: str) -> list[tuple[str, str, list[str]]]:
    """(label, SQL, plan lines) of the statements the agenda and export services send."""
    os.environ["SALESFLOW_DB"] = str(db)
    os.environ["SALESFLOW_TODAY"] = today
    from datetime import date

    from sqlalchemy import event

    from salesflow.context import AppState
    from salesflow.services import agenda, export, recovery

    out = []
    with AppState(db=str(db), user=owner).unit("bench plans", write=False) as unit:
        engine = unit.session.get_bind()
        captured: list[tuple[str, tuple]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            captured.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        # (label, a word of the statement to show, the call that sends it)
        cases = [
            ("due", "next_due_at <=", lambda: agenda.items(
                unit.session, unit.env, agenda.Query(plan=unit.env.today))),
            (f"due --owner {owner}", "next_due_at <=", lambda: agenda.items(
                unit.session, unit.env, agenda.Query(plan=unit.env.today, owner=owner))),
            ("export customers", "FROM customer", lambda: next(iter(
                export.customers(unit.session, unit.env)), None)),
            ("export followups", "FROM followup", lambda: next(iter(
                export.followups(unit.session, unit.env)), None)),
            ("export followups --since 2025-06-01", "FROM followup", lambda: next(iter(
                export.followups(unit.session, unit.env, since="2025-06-01")), None)),
            ("report stalled", "recovery_plan", lambda: next(
                recovery.stalled(unit.session, unit.env, unit.env.today), None)),
            # SPEC §13: each kind of relationship care is one indexed read
            (f"due --kind greeting --owner {owner} (key dates)", "FROM key_date",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, owner=owner, kinds=["greeting"]))),
            ("due --kind greeting (key dates)", "FROM key_date",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, kinds=["greeting"]))),
            (f"due --kind greeting --owner {owner} --date 2025-09-28 (中秋节 2025-10-01)",
             "customer.tier IN", lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=date(2025, 9, 28), owner=owner, kinds=["greeting"]))),
            (f"due --kind survey --owner {owner}", "survey_from <",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, owner=owner, kinds=["survey"]))),
            ("due --kind survey", "survey_from <",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, kinds=["survey"]))),
            (f"due --kind minutes --owner {owner}", "minutes_due_at <",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, owner=owner, kinds=["minutes"]))),
            # SPEC §12: each after-the-deal kind through its own stored, indexed date
            (f"due --kind delivery --owner {owner}", "project_phase", lambda: agenda.items(
                unit.session, unit.env, agenda.Query(plan=unit.env.today, owner=owner,
                                                     kinds=["delivery"]))),
            (f"due --kind aftersales --owner {owner}", "aftersales_due <=",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, owner=owner, kinds=["aftersales"]))),
            (f"due --kind renewal --owner {owner}", "renewal_on <=", lambda: agenda.items(
                unit.session, unit.env, agenda.Query(plan=unit.env.today, owner=owner,
                                                     kinds=["renewal"]))),
            (f"due --kind payment --owner {owner} (promises)", "promise_until",
             lambda: agenda.items(unit.session, unit.env, agenda.Query(
                 plan=unit.env.today, owner=owner, kinds=["payment"]))),
        ]
        raw = unit.session.connection().connection.dbapi_connection
        for label, word, call in cases:
            captured.clear()
            call()
            statement, parameters = next((s, p) for s, p in captured if word in s)
            plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            out.append((label, statement, [_plan_line(row, plan) for row in plan]))
        event.remove(engine, "before_cursor_execute", capture)
    return out


def latest_periods(today: str) -> tuple[str, str]:
    """The quarter and the month the planning date falls in (2025Q2, 2025-06)."""
    year, month = int(today[:4]), int(today[5:7])
    return f"{year}Q{(month - 1) // 3 + 1}", f"{year}-{month:02d}"


def review_plans(db: Path, today: str, meta_owner: str) -> list[tuple[str, str, list[str]]]:
    """(label, SQL, plan lines) of every statement `report review` sends for the latest
    quarter, in the order it sends them."""
    from sqlalchemy import event

    from salesflow.context import AppState
    from salesflow.services import review

    quarter, _month = latest_periods(today)
    out = []
    with AppState(db=str(db), user=meta_owner).unit("bench plans", write=False) as unit:
        engine = unit.session.get_bind()
        captured: list[tuple[str, tuple]] = []

        def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            captured.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        review.review(unit.session, unit.env, quarter)
        event.remove(engine, "before_cursor_execute", capture)
        raw = unit.session.connection().connection.dbapi_connection
        for n, (statement, parameters) in enumerate(captured, 1):
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            out.append((f"report review {quarter}, statement {n}", statement,
                        [_plan_line(row, plan) for row in plan]))
    return out


def _plan_line(row: tuple, plan: list[tuple]) -> str:
    parents = {r[0]: r[1] for r in plan}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return "  " * depth + row[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", action="append", default=[],
                        help="run only commands whose label starts with this (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    db: Path = args.db.expanduser().resolve()
    meta = json.loads(Path(f"{db}.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="salesflow-bench-"))
    try:
        bench(args, db, meta, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(args: argparse.Namespace, db: Path, meta: dict, work: Path) -> None:
    today, owner = meta["today"], meta["busiest_rep"]
    exe = salesflow_exe()
    copy = work / "bench.db"
    shutil.copyfile(db, copy)  # writes go here; bench.db stays as generated
    env = {**os.environ, "SALESFLOW_DB": str(copy), "SALESFLOW_TODAY": today,
           "SALESFLOW_USER": owner}
    env.pop("SALESFLOW_DEBUG", None)
    con = sqlite3.connect(copy)
    code = con.execute("SELECT code FROM customer WHERE owner = ? AND stage != 'lost' "
                       "ORDER BY id LIMIT 1", (owner,)).fetchone()[0]
    con.close()
    counts = facts(copy, today)
    # the agenda's items of every kind, counted from the command's own output
    counts["due"] = output_rows([exe, "due", "--format", "csv"], env)
    counts["due_owner"] = output_rows([exe, "due", "--format", "csv", "--owner", owner], env)
    sheet = write_import_sheet(work / "import.csv", 1000)

    quarter, month = latest_periods(today)
    for period in (quarter, month):
        shown = json.loads(subprocess.run([exe, "report", "review", period, "--format", "json"],
                                          env=env, capture_output=True, text=True).stdout)
        counts[f"review_{period}"] = (
            f"won {shown['won']:,}, lost {shown['lost']:,} ({len(shown['lost_reasons'])} "
            f"reasons), {sum(h['count'] for h in shown['hotspots']):,} needs")
    counts["stalled"] = output_rows([exe, "report", "stalled", "--format", "csv"], env)

    serial = iter(range(1, 10_000))
    commands = [
        ("salesflow --help", lambda: [exe, "--help"], "—"),
        ("salesflow --version", lambda: [exe, "--version"], "—"),
        ("salesflow config show", lambda: [exe, "config", "show"], "the settings"),
        ("salesflow due --format csv", lambda: [exe, "due", "--format", "csv"],
         f"{counts['due']:,} items"),
        (f"salesflow due --format csv --owner {owner}",
         lambda: [exe, "due", "--format", "csv", "--owner", owner],
         f"{counts['due_owner']:,} items"),
        ("salesflow export customers --format csv",
         lambda: [exe, "export", "customers", "--format", "csv"],
         f"{counts['customers']:,} rows"),
        ("salesflow export customers --format xlsx",
         lambda: [exe, "export", "customers", "--format", "xlsx", "-o",
                  str(work / "customers.xlsx")],
         f"{counts['customers']:,} rows"),
        ("salesflow export followups --format jsonl",
         lambda: [exe, "export", "followups", "--format", "jsonl"],
         f"{counts['followups']:,} rows"),
        ("salesflow export contracts --format csv",
         lambda: [exe, "export", "contracts", "--format", "csv"],
         f"{counts['contracts']:,} rows"),
        ("salesflow export payments --format csv",
         lambda: [exe, "export", "payments", "--format", "csv"],
         f"{counts['payments']:,} rows"),
        ("salesflow report quarter --format json",
         lambda: [exe, "report", "quarter", "--format", "json"], "10 metrics × 3 quarters"),
        ("salesflow report quarter --by owner --format csv",
         lambda: [exe, "report", "quarter", "--by", "owner", "--format", "csv"],
         f"{len(meta['reps'])} owners"),
        (f"salesflow report review {quarter} --format json",
         lambda: [exe, "report", "review", quarter, "--format", "json"],
         counts[f"review_{quarter}"]),
        (f"salesflow report review {month} --format json",
         lambda: [exe, "report", "review", month, "--format", "json"],
         counts[f"review_{month}"]),
        ("salesflow report stalled --format csv",
         lambda: [exe, "report", "stalled", "--format", "csv"],
         f"{counts['stalled']:,} customers"),
        ("salesflow need list --status open --format csv",
         lambda: [exe, "need", "list", "--status", "open", "--format", "csv"],
         f"{counts['open_needs']:,} rows"),
        ("salesflow customer import 1,000 rows --dry-run",
         lambda: [exe, "customer", "import", str(sheet), "--dry-run"],
         "1,000 rows checked against the database"),
        ("salesflow customer add … (write)",
         lambda: [exe, "customer", "add", f"基准测试{next(serial)}号科技有限公司",
                  "--industry", "制造业", "--region", "上海", "--contact", "王强",
                  "--title", "采购总监", "--role", "decision-maker", "--phone",
                  "13800138000", "--source", "trade-show", "--need", "ERP升级",
                  "--potential", "60万", "--decision-days", "20"], "1 customer"),
        (f"salesflow followup log {code} … (write)",
         lambda: [exe, "followup", "log", code, "-s", "电话回访，确认报价",
                  "--next-action", "发送合同草稿", "--next-due", "+3d"], "1 follow-up"),
    ]
    if args.only:
        commands = [c for c in commands
                    if any(c[0].removeprefix("salesflow ").startswith(o) for o in args.only)]

    load_before = os.getloadavg()[0]
    results = []
    for label, argv, rows in commands:
        run_once(argv(), env)  # warm-up
        times, cpus, peaks = [], [], []
        for _ in range(args.runs):
            elapsed, cpu, peak = run_once(argv(), env)
            times.append(elapsed)
            cpus.append(cpu)
            peaks.append(peak)
        result = {"command": label, "rows": rows, "median_s": statistics.median(times),
                  "min_s": min(times), "max_s": max(times),
                  "cpu_s": statistics.median(cpus), "peak_rss_mib": max(peaks) / 1024}
        results.append(result)
        print(f"  {label}: {result['median_s']:.3f} s, {result['peak_rss_mib']:.0f} MiB",
              file=sys.stderr)

    size = db.stat().st_size
    print(f"\n### {meta['customers']:,} customers, {meta['followups']:,} follow-ups, "
          f"{counts['stage_changes']:,} stage changes — {db.name}, {size / 2**20:.0f} MiB\n")
    print(f"SALESFLOW_TODAY={today}; {counts['overdue']:,} customers overdue; "
          f"--owner {owner} (the largest book); median of {args.runs} runs after one "
          "warm-up; stdout to /dev/null.\n")
    print("| command | output | wall, median (s) | wall, min–max (s) | CPU, median (s) "
          "| peak RSS (MiB) |")
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| `{r['command']}` | {r['rows']} | {r['median_s']:.2f} | "
              f"{r['min_s']:.2f}–{r['max_s']:.2f} | {r['cpu_s']:.2f} | "
              f"{r['peak_rss_mib']:.0f} |")
    print(f"\nMachine: {os.cpu_count()} CPUs ({_cpu()}), Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")

    plans = [] if args.no_plans else (query_plans(copy, today, owner)
                                      + review_plans(copy, today, owner))
    for label, statement, plan in plans:
        print(f"\n`{label}`:\n\n```\n{' '.join(statement.split())}\n\nQUERY PLAN\n"
              + "\n".join(plan) + "\n```")
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "counts": counts, "bytes": size,
                                         "results": results,
                                         "plans": [list(p) for p in plans]},
                                        indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
