"""Where the data lives, how it is protected, and concurrent commands (SPEC §8)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SALESFLOW = shutil.which("salesflow") or str(Path(sys.executable).parent / "salesflow")


def run(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([SALESFLOW, *args], capture_output=True, text=True,
                          env={**os.environ, **env}, check=check, timeout=120)


@pytest.mark.sqlite_only
def test_default_database_is_private_in_the_platform_data_directory(cli, monkeypatch, tmp_path):
    monkeypatch.delenv("SALESFLOW_DB")
    cli("customer", "add", "甲公司")
    db = tmp_path / "xdg" / "salesflow" / "salesflow.db"
    assert db.exists()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_the_due_csv_is_the_same_whatever_the_machine_time_zone(tmp_path):
    db = tmp_path / "tz.db"
    base = {"SALESFLOW_DB": str(db), "SALESFLOW_USER": "li.na", "TZ": "Asia/Shanghai",
            "SALESFLOW_TODAY": "2024-03-05"}
    run("config", "set", "timezone", "Asia/Shanghai", env=base)
    code = run("customer", "add", "甲公司", "--potential", "60万", "--decision-days", "9",
               env=base).stdout.strip()
    # 23:30 on 03-04 in Shanghai is 03-04 there, but 15:30 UTC: a machine zone must not
    # move the contact to another day
    run("followup", "log", code, "-s", "late call", "--at", "2024-03-04 23:30",
        "--next-action", "send quote", "--next-due", "2024-03-06", env=base)
    run("customer", "add", "乙公司", env=base)
    outputs = {
        zone: run("due", "--format", "csv", "--days", "14",
                  env={**base, "TZ": zone}).stdout
        for zone in ("Asia/Shanghai", "America/Vancouver", "UTC", "Pacific/Kiritimati")
    }
    assert len(set(outputs.values())) == 1, outputs
    assert "2024-03-06" in outputs["UTC"] and "2024-03-04" in outputs["UTC"]


def test_a_reader_and_a_writer_at_the_same_moment_both_succeed(tmp_path):
    db = tmp_path / "busy.db"
    env = {"SALESFLOW_DB": str(db), "SALESFLOW_USER": "li.na"}
    run("customer", "add", "甲公司", env=env)
    # Hold the write lock for a second, as a long interactive command would.
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE customer SET notes = 'editing' WHERE id = 1")
    results: dict[str, subprocess.CompletedProcess] = {}

    def writer() -> None:
        results["write"] = run("customer", "add", "乙公司", env=env, check=False)

    thread = threading.Thread(target=writer)
    thread.start()
    results["read"] = run("due", "--format", "csv", env=env, check=False)  # WAL: not blocked
    time.sleep(1.0)
    holder.execute("COMMIT")
    holder.close()
    thread.join()
    assert results["read"].returncode == 0, results["read"].stderr
    assert results["write"].returncode == 0, results["write"].stderr
    names = run("customer", "list", "--format", "csv", env=env).stdout
    assert "甲公司" in names and "乙公司" in names


def test_a_lock_held_past_the_timeout_is_one_line_and_no_traceback(tmp_path):
    db = tmp_path / "locked.db"
    env = {"SALESFLOW_DB": str(db), "SALESFLOW_USER": "li.na"}
    run("customer", "add", "甲公司", env=env)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("customer", "add", "乙公司", env={**env, "SALESFLOW_BUSY_TIMEOUT": "0.3"},
                     check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: the database is busy")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_bad_salesflow_today_is_refused(cli, monkeypatch):
    cli.create()
    monkeypatch.setenv("SALESFLOW_TODAY", "2024-13-01")
    assert "SALESFLOW_TODAY" in cli.fails("due")


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_salesflow_database_is_refused(cli, isolated):
    con = sqlite3.connect(isolated)
    con.execute("CREATE TABLE other (x)")
    con.commit()
    con.close()
    assert "not a salesflow database" in cli.fails("due")


def test_opening_an_up_to_date_database_changes_nothing(cli, unchanged):
    cli("customer", "add", "甲公司")
    check = unchanged()
    cli("due")
    cli("customer", "list", "--format", "json")
    check()


@pytest.mark.parametrize("argv", [["--version"], ["due", "--help"]], ids=" ".join)
def test_the_installed_entry_point_runs(argv, tmp_path):
    result = run(*argv, env={"SALESFLOW_DB": str(tmp_path / "x.db")})
    assert result.returncode == 0 and result.stdout
    assert not (tmp_path / "x.db").exists()  # help and version never open the database
