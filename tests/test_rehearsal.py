"""The warm server's rehearsal (salesflow.server.rehearse): before it forks any child, the
server runs the daily commands once against a scratch database, so that every child
starts with their SQL compiled (db.SharedSQLite: one compiled-statement cache for every
SQLite engine of a process). It leaves nothing behind but caches: the environment,
sys.argv, the standard streams and the temporary folder are as they were.

Each case runs in a fresh interpreter (a subprocess), as the server does, and reports
what it saw in a JSON file. Whether the fast path prints what the cold path prints is
tests/test_launcher.py's business."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TODAY = "2024-10-08"
DAILY = [
    ("li.na", ["due"]),
    ("li.na", ["due", "--owner", "li.na"]),
    ("li.na", ["customer", "show", "MFG-EC-001"]),
    ("li.na", ["brief", "MFG-EC-001"]),
    ("li.na", ["customer", "list", "--owner", "li.na"]),
    ("li.na", ["followup", "log", "MFG-EC-001", "--summary", "x", "--next", "call",
               "--next-due", "tomorrow"]),
    ("wang.lei", ["due"]),
    ("wang.lei", ["due", "--owner", "li.na"]),
]

SCRIPT = """
import json, os, sys, tempfile
from salesflow import cli, db, server

out, rehearse, daily = sys.argv[1], sys.argv[2] == "rehearse", json.loads(sys.argv[3])
seen = {"env": dict(os.environ), "argv": list(sys.argv), "stdout": id(sys.stdout),
        "fd1": os.readlink("/proc/self/fd/1")}
if rehearse:
    server.rehearse()
report = {
    "env_kept": dict(os.environ) == seen["env"], "argv_kept": sys.argv == seen["argv"],
    "stdout_kept": id(sys.stdout) == seen["stdout"],
    "fd1_kept": os.readlink("/proc/self/fd/1") == seen["fd1"],
    "tmp_left": os.listdir(tempfile.gettempdir()),
    "compiled_after_rehearsal": len(db._compiled()), "commands": [],
}
for user, argv in daily:
    os.environ["SALESFLOW_USER"] = user
    size = len(db._compiled())
    keys = set(db._compiled().keys())
    sys.argv = ["salesflow", *argv]
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    report["commands"].append([" ".join(argv), user, code, len(db._compiled()) - size,
        [str(v.statement)[:300] for k, v in db._compiled().items() if k not in keys]])
with open(out, "w") as f:
    json.dump(report, f)
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
    env.update(SALESFLOW_NO_SERVER="1", SALESFLOW_TODAY=TODAY, SALESFLOW_LANG="en",
               TZ="Asia/Shanghai", **extra)
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rehearsal-demo")
    db = folder / "demo.db"
    done = subprocess.run([str(Path(sys.executable).with_name("salesflow")), "demo"],
                          env=_env(folder, SALESFLOW_DB=str(db), SALESFLOW_USER="wang.lei",
                                   HOME=str(folder)),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return db


def _run(tmp_path: Path, demo: Path, how: str) -> dict:  # type: ignore[type-arg]
    db = tmp_path / f"{how}.db"
    with sqlite3.connect(demo) as src, sqlite3.connect(db) as dest:
        src.backup(dest)
    tmp = tmp_path / f"tmp-{how}"
    tmp.mkdir()
    out = tmp_path / f"{how}.json"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), how, json.dumps(DAILY)],
        env=_env(tmp_path, SALESFLOW_DB=str(db), TMPDIR=str(tmp), HOME=str(tmp_path)),
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text())


def test_after_the_rehearsal_the_daily_commands_compile_nothing(tmp_path, demo):
    report = _run(tmp_path, demo, "rehearse")
    assert report["compiled_after_rehearsal"] > 50
    for argv, user, code, compiled, new in report["commands"]:
        assert code == 0, (argv, user)
        assert compiled == 0, (argv, user, new)


def test_without_it_they_compile_their_statements(tmp_path, demo):
    report = _run(tmp_path, demo, "cold")
    compiled = {(argv, user): n for argv, user, _code, n, _new in report["commands"]}
    assert compiled[("due", "li.na")] >= 10  # the agenda's kinds, one statement each
    assert compiled[("customer show MFG-EC-001", "li.na")] > 0


def test_the_rehearsal_leaves_nothing_behind_but_caches(tmp_path, demo):
    report = _run(tmp_path, demo, "rehearse")
    assert report["env_kept"] and report["argv_kept"]
    assert report["stdout_kept"] and report["fd1_kept"]
    assert report["tmp_left"] == []
