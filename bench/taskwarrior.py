"""The reference for the daily commands: Taskwarrior's `task next` on 10,000 tasks, in a
private TASKRC/TASKDATA under bench/data/task/ (your own ~/.task is never touched).

    python bench/taskwarrior.py            # creates the 10,000 tasks (once; --force redoes)
    TASKRC=bench/data/task/taskrc TASKDATA=bench/data/task/data task next

The tasks look like a rep's: a project per customer, due dates spread over the two
months around today (a quarter overdue), priorities H/M/L, a few tags. They are loaded
with one `task import` of a JSON file (Taskwarrior 2.6: `apt-get install taskwarrior`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "data" / "task"


def environment(folder: Path = FOLDER) -> dict[str, str]:
    return {**os.environ, "TASKRC": str(folder / "taskrc"), "TASKDATA": str(folder / "data")}


def create(count: int, folder: Path = FOLDER, seed: int = 20250630) -> None:
    if shutil.which("task") is None:
        sys.exit("Taskwarrior is not installed (apt-get install taskwarrior)")
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "data").mkdir(parents=True)
    (folder / "taskrc").write_text(
        f"data.location={folder / 'data'}\nconfirmation=off\nverbose=nothing\n"
        "gc=on\nhooks=off\nnews.version=2.6.0\n", encoding="utf-8")
    rnd = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    tasks = []
    for i in range(count):
        due = now + timedelta(days=rnd.randint(-15, 45), hours=rnd.randint(0, 23))
        tasks.append({
            "description": f"回访客户 {i:05d}：确认交期与报价",
            "status": "pending",
            "entry": (now - timedelta(days=rnd.randint(1, 900))).strftime("%Y%m%dT%H%M%SZ"),
            "due": due.strftime("%Y%m%dT%H%M%SZ"),
            "project": f"cust{i % 2000:04d}",
            "priority": rnd.choice(["H", "M", "L"]),
            "tags": rnd.sample(["call", "visit", "quote", "contract", "payment"], 2),
        })
    source = folder / "tasks.json"
    source.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    subprocess.run(["task", "import", str(source)], env=environment(folder), check=True,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    if (FOLDER / "data" / "pending.data").exists() and not args.force:
        print(f"{FOLDER}: already there (--force to redo)")
        return
    create(args.tasks)
    pending = (FOLDER / "data" / "pending.data").read_text(encoding="utf-8").count("\n")
    print(f"{FOLDER}: {pending} pending tasks")


if __name__ == "__main__":
    main()
