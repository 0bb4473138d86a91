"""A rep's `due` on PostgreSQL with row-level security on, against the same with it off
(SPEC §15; figure in bench/README.md).

Loads a database made by bench/generate.py into a fresh PostgreSQL database (the schema,
policies and group roles through salesflow's own migrations, then every table copied
with COPY, sequences set, ANALYZE), makes one rep a real login (`salesflow user add
--password-stdin`, as the administrator), and times, as that login, in fresh processes of
the installed `salesflow` exactly as run.py does (median of --runs after one warm-up):

  on        `salesflow due` with the policies on (the rep sees their own book)
  off       `salesflow due --owner REP` with row-level security disabled on every table:
            the same rows, chosen by the query instead of the policy (the reference)

and prints the plan of the main agenda query under the policy (EXPLAIN ANALYZE as the rep).

    python bench/pg_rls.py --pg postgresql+psycopg://postgres@127.0.0.1:54343/postgres \\
        --db bench/data/bench.db
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ORDER = ("user", "setting", "code_sequence", "import_batch", "customer", "solution",
         "contract", "approval", "payment", "followup", "stage_change", "need", "contact",
         "target", "kpi_note", "extension", "recovery_plan", "solution_review", "audit",
         "pool_move")


def salesflow(args: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[
        float, float, str]:
    """(wall seconds, cpu seconds) of one fresh `salesflow` process; stdout to /dev/null."""
    exe = str(Path(sys.executable).parent / "salesflow")
    start = time.perf_counter()
    proc = subprocess.Popen([exe, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    _out, err = proc.communicate(stdin)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 3):
        raise SystemExit(f"salesflow {' '.join(args)} failed: {err}")
    usage = os.times()
    return wall, usage.children_user + usage.children_system, err


def load(sqlite_db: Path, admin_url: str) -> None:
    """Copy every table, column by column, from the SQLite file into the migrated
    PostgreSQL database (as its owner, who bypasses row-level security)."""
    src = sqlite3.connect(sqlite_db)
    with psycopg.connect(admin_url) as pg:
        pg.execute("SET session_replication_role = replica")  # no FK checks, no triggers
        for table in ORDER:
            try:
                columns = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            except sqlite3.Error:
                continue
            if not columns:
                continue
            types = dict(pg.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = %s", (table,)).fetchall())
            keep = [c for c in columns if c in types]
            names = ", ".join(f'"{c}"' for c in keep)
            bools = [i for i, c in enumerate(keep) if types[c] == "boolean"]
            started = time.perf_counter()
            count = 0
            with pg.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in src.execute(f'SELECT {names} FROM "{table}"'):
                    if bools:
                        row = list(row)
                        for i in bools:
                            row[i] = None if row[i] is None else bool(row[i])
                    copy.write_row(row)
                    count += 1
            if types.get("id") in ("integer", "bigint"):
                pg.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"coalesce((SELECT max(id) FROM \"{table}\"), 0) + 1, false)")
            print(f"  {table}: {count:,} rows in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
        pg.execute("SET session_replication_role = origin")
        pg.commit()
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")


def set_rls(admin_url: str, on: bool) -> None:
    with psycopg.connect(admin_url, autocommit=True) as pg:
        tables = [r[0] for r in pg.execute(
            "SELECT relname FROM pg_class JOIN pg_namespace n ON n.oid = relnamespace "
            "WHERE nspname = 'public' AND relkind = 'r' AND EXISTS (SELECT 1 FROM "
            "pg_policies p WHERE p.tablename = relname)")]
        for table in tables:
            pg.execute(f'ALTER TABLE "{table}" {"ENABLE" if on else "DISABLE"} '
                       "ROW LEVEL SECURITY")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="the administrator's URL of a server")
    parser.add_argument("--db", type=Path, default=Path("bench/data/bench.db"))
    parser.add_argument("--name", default="sf_bench_rls", help="the database to (re)create")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    meta = json.loads(Path(f"{args.db}.json").read_text(encoding="utf-8"))
    today = meta["today"]
    server = make_url(args.pg)
    admin = server.set(database=args.name)
    admin_sa = admin.render_as_string(hide_password=False)
    admin_pg = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    # the rep with the biggest book: the most work for the policy
    src = sqlite3.connect(args.db)
    rep = src.execute("SELECT owner FROM customer GROUP BY owner ORDER BY count(*) DESC "
                      "LIMIT 1").fetchone()[0]
    book = src.execute("SELECT count(*) FROM customer WHERE owner = ?", (rep,)).fetchone()[0]
    manager = src.execute("SELECT name FROM user WHERE role IN ('manager', 'gm') "
                          "ORDER BY name LIMIT 1").fetchone()[0]
    src.close()
    base = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
    base.update(SALESFLOW_TODAY=today, SALESFLOW_LANG="en")
    if not args.skip_load:
        with psycopg.connect(server.set(drivername="postgresql").render_as_string(
                hide_password=False), autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {args.name} WITH (FORCE)")
            pg.execute(f"CREATE DATABASE {args.name}")
        t0 = time.perf_counter()
        salesflow(["--as", "bench", "config", "set", "timezone", "Asia/Shanghai"],
                  {**base, "SALESFLOW_DB": admin_sa})  # migrates: schema, roles, policies
        with psycopg.connect(admin_pg, autocommit=True) as pg:
            pg.execute("DELETE FROM setting")
            pg.execute("DELETE FROM audit")
        load(args.db, admin_pg)
        print(f"loaded in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        # the rep's login (the user row came with the data): created as the administrator
        with psycopg.connect(admin_pg, autocommit=True) as pg:
            pg.execute('DELETE FROM "user" WHERE name = %s', (rep,))
        salesflow(["--as", manager, "user", "add", rep, "--role", "rep", "--password-stdin"],
                  {**base, "SALESFLOW_DB": admin_sa}, stdin="bench-password\n")
    login = admin.set(username=rep, password="bench-password").render_as_string(
        hide_password=False)
    as_rep = {**base, "SALESFLOW_DB": login}

    def timed(label: str, argv: list[str]) -> float:
        salesflow(argv, as_rep)  # warm-up
        walls = []
        for _ in range(args.runs):
            wall, _cpu, _err = salesflow(argv, as_rep)
            walls.append(wall)
        median = statistics.median(walls)
        print(f"{label:8} {' '.join(argv):32} median {median:.3f} s  "
              f"(runs: {', '.join(f'{w:.3f}' for w in walls)})")
        return median

    print(f"database: {meta['customers']:,} customers, {meta['followups']:,} follow-ups; "
          f"rep {rep} owns {book:,}; today {today}; {args.runs} runs each")
    set_rls(admin_pg, True)
    on = timed("on", ["due"])
    set_rls(admin_pg, False)
    try:
        off = timed("off", ["due", "--owner", rep])
    finally:
        set_rls(admin_pg, True)
    print(f"ratio on/off = {on / off:.2f}")

    # the plan of the main agenda read under the policy, as the rep
    with psycopg.connect(make_url(login).set(drivername="postgresql").render_as_string(
            hide_password=False)) as pg:
        plan = pg.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "
            "SELECT customer.code, customer.name, customer.tier, customer.stage, "
            "customer.owner, customer.next_due_at, customer.next_due_kind, "
            "customer.last_contact_at, (SELECT followup.next_action FROM followup WHERE "
            "followup.customer_id = customer.id ORDER BY followup.at DESC, followup.id DESC "
            "LIMIT 1) FROM customer WHERE customer.next_due_at IS NOT NULL AND "
            "customer.next_due_at <= %s::date + 3 AND customer.owner IN (%s, '')",
            (today, rep)).fetchall()
    print("\nplan of the agenda's main read as the rep (row-level security on):")
    for (line,) in plan:
        print("   ", line)


if __name__ == "__main__":
    main()
