"""The daily commands against their references, side by side in one run (issue 10):
`python -c "import typer"`, Taskwarrior's `task next` on 10,000 tasks, and `due`,
`customer show`, `brief`, `followup log`, `customer list --owner` and shell completion
on the 100,000-customer database — each through the warm server (the default) and cold
(SALESFLOW_NO_SERVER=1, every import paid).

    python bench/generate.py          # bench/data/bench.db (once, ~1.5 min)
    python bench/taskwarrior.py       # bench/data/task/: 10,000 tasks (once)
    python bench/daily.py             # the table; --runs N (default 7), --json FILE

Runs are interleaved (one of each case per round, so load changes hit every case alike);
the figure is the median wall-clock time of the whole user-visible process (the
launcher, or the cold process), stdout to /dev/null. The server runs in a private runtime
folder (bench/data/run/) and is stopped at the end. Writes go to bench/data/daily.db, a
copy of bench.db made at the start.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))

from run import byte_compiled, start_server, stop_servers  # noqa: E402
from taskwarrior import FOLDER as TASKS  # noqa: E402
from taskwarrior import environment as task_env  # noqa: E402

REP = "rep05"
CODE = "MFG-EC-001"
DAILY = {
    "due": ["due", "--owner", REP],
    "customer show": ["customer", "show", CODE],
    "brief": ["brief", CODE],
    "followup log": ["followup", "log", CODE, "--summary", "电话沟通，确认交期",
                     "--next", "发报价", "--next-due", "+3d"],
    "customer list --owner": ["customer", "list", "--owner", REP],
}
# The same reads without the Rich table (what the table itself costs): server only.
PLAIN = {
    "due --format csv": ["due", "--owner", REP, "--format", "csv"],
    "customer list --owner --format csv": ["customer", "list", "--owner", REP, "--format",
                                           "csv"],
}
COMPLETION = {
    "complete `followup log MFG<TAB>`": "salesflow followup log MFG",
    "complete `customer show 济南<TAB>`": "salesflow customer show 济南",
}


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.run(argv, env=env, stdout=devnull, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: "
                         f"{proc.stderr.decode(errors='replace')[-500:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default=str(DATA / "bench.db"))
    parser.add_argument("--json")
    args = parser.parse_args()
    byte_compiled()
    exe = shutil.which("salesflow") or str(Path(sys.executable).with_name("salesflow"))
    if not (TASKS / "data" / "pending.data").exists():
        raise SystemExit("no tasks yet: python bench/taskwarrior.py")
    meta = json.loads(Path(args.db + ".json").read_text())
    daily = DATA / "daily.db"
    src, dst = sqlite3.connect(args.db), sqlite3.connect(daily)
    src.backup(dst)
    src.close()
    dst.close()
    run = DATA / "run"
    run.mkdir(mode=0o700, exist_ok=True)
    os.chmod(run, 0o700)
    base = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
    base.update(SALESFLOW_DB=str(daily), SALESFLOW_TODAY=meta["today"], SALESFLOW_USER=REP,
                SALESFLOW_LANG="en", XDG_RUNTIME_DIR=str(run), TZ="Asia/Shanghai")
    warm, cold = dict(base), {**base, "SALESFLOW_NO_SERVER": "1"}
    log = DATA / "launcher.log"
    warm["SALESFLOW_LAUNCHER_LOG"] = str(log)

    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        'python -c "import typer"': ([sys.executable, "-c", "import typer"], base),
        "task next (10,000 tasks)": (["task", "next"], task_env()),
    }
    for name, argv in DAILY.items():
        cases[f"{name} (server)"] = ([exe, *argv], warm)
        cases[f"{name} (cold)"] = ([exe, *argv], cold)
    for name, argv in PLAIN.items():
        cases[f"{name} (server)"] = ([exe, *argv], warm)
    for name, words in COMPLETION.items():
        extra = {"_SALESFLOW_COMPLETE": "complete_bash", "COMP_WORDS": words,
                 "COMP_CWORD": str(len(words.split()) - 1)}
        cases[f"{name} (server)"] = ([exe], {**warm, **extra})
        cases[f"{name} (cold)"] = ([exe], {**cold, **extra})
    try:
        start_server(exe, warm, log)  # a warm server first
        times: dict[str, list[float]] = {name: [] for name in cases}
        for argv, env in cases.values():  # one warm-up round, not counted
            timed(argv, env)
        log.unlink()
        for _ in range(args.runs):
            for name, (argv, env) in cases.items():
                times[name].append(timed(argv, env))
        ways = log.read_text().split()
        assert set(ways) == {"server"}, "a warm case ran in-process"
    finally:
        stop_servers(run)
    # Ratios of medians, and of minimums: on a shared machine another tenant's load only
    # ever adds time, so the fastest of the runs is the least disturbed figure of each
    typer = statistics.median(times['python -c "import typer"'])
    task = statistics.median(times["task next (10,000 tasks)"])
    typer_min = min(times['python -c "import typer"'])
    task_min = min(times["task next (10,000 tasks)"])
    rows = []
    print(f"{'case':48} {'median':>9} {'min':>8} {'× typer':>8} {'× task':>7} "
          f"{'min × typer':>12} {'min × task':>11}")
    for name, values in times.items():
        median, least = statistics.median(values), min(values)
        rows.append({"case": name, "median_s": median, "min_s": least,
                     "x_typer": median / typer, "x_task": median / task,
                     "min_x_typer": least / typer_min, "min_x_task": least / task_min,
                     "runs": values})
        print(f"{name:48} {median * 1000:7.0f}ms {least * 1000:6.0f}ms "
              f"{median / typer:8.2f} {median / task:7.2f} {least / typer_min:12.2f} "
              f"{least / task_min:11.2f}")
    with contextlib.suppress(OSError):
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
