"""SIGKILL at seeded random moments during the long writes: afterwards the file passes
integrity_check, the interrupted command took effect wholly or not at all, and every write
acknowledged (exit 0) before the kill is still there. The delay of each kill is in the
assertion message, to replay it."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

import salesflow.migrations

from .conftest import (
    SCALE,
    SEED,
    copy_db,
    count,
    customers_csv,
    figures,
    integrity,
    old_database,
    query,
    run,
    spawn,
)

KILLS = 2 * SCALE


def kill_after(proc: subprocess.Popen[str], delay: float) -> int | None:
    """SIGKILL the process after `delay` seconds; its exit code if it finished first."""
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def delays(name: str, duration: float, n: int = KILLS) -> list[float]:
    """Seeded moments spread over a whole undisturbed run of the command (`duration`, timed
    on this machine now, start-up included), so the kills land in the write whatever the
    load; a few land after it, where the command must have finished whole."""
    rnd = random.Random(f"{SEED}-{name}")
    return [round(rnd.uniform(0.3, 1.05) * duration, 3) for _ in range(n)]


def timed(db: Path, *args: str) -> float:
    """Wall time of one undisturbed run (not asserted on: it only places the kills)."""
    start = time.monotonic()
    run(db, *args)
    return time.monotonic() - start


def test_a_killed_import_leaves_all_its_rows_or_none(fresh_big: Path, tmp_path: Path, request):
    db = fresh_big
    rows = 3000
    source = customers_csv(tmp_path / "import.csv", rows, prefix="导入企业", seed=SEED + 1)
    killed = 0
    duration = timed(copy_db(db, tmp_path / "timing" / "salesflow.db"),
                     "customer", "import", str(source))
    for i, delay in enumerate(delays("import", duration)):
        acked = f"确认写入{i:03d}有限公司"
        run(db, "customer", "add", acked)  # acknowledged before the kill
        before = count(db, "customer")
        code = kill_after(spawn(db, "customer", "import", str(source)), delay)
        killed += code is None
        where = f"seeded delay {delay}s (kill {i}), exit {code}"
        assert integrity(db) == "ok", where
        imported = count(db, "customer", "name LIKE '导入企业%'")
        assert imported in ((0, rows) if code is None else (rows,)), where
        assert count(db, "customer") == before + imported, where
        assert count(db, "customer", f"name = '{acked}'") == 1, where
        if imported:  # undo it, so that the next round imports again
            [(batch,)] = query(db, "SELECT DISTINCT import_batch FROM customer "
                                   "WHERE name LIKE '导入企业%'")
            run(db, "customer", "import", "--undo", batch)
            assert count(db, "customer", "name LIKE '导入企业%'") == 0
    figures(request, kills=KILLS, killed_mid_import=killed, rows=rows)


def _tiers(db: Path) -> dict[str, str]:
    return dict(query(db, "SELECT code, tier FROM customer"))


def test_a_killed_grade_all_moves_every_tier_or_none(fresh_big: Path, tmp_path: Path, request):
    db = fresh_big
    run(db, "config", "set", "tier.b.potential", "150万")  # acknowledged before every kill
    before = _tiers(db)
    expected_db = copy_db(db, tmp_path / "expected" / "salesflow.db")
    duration = timed(expected_db, "grade", "--all", "--format", "csv")
    after = _tiers(expected_db)
    moved = sum(before[c] != after[c] for c in before)
    assert moved > 100  # the threshold change really moves many
    killed = 0
    for i, delay in enumerate(delays("grade", duration)):
        work = copy_db(db, tmp_path / f"kill{i}" / "salesflow.db")
        code = kill_after(spawn(work, "grade", "--all", "--format", "csv"), delay)
        killed += code is None
        where = f"seeded delay {delay}s (kill {i}), exit {code}"
        assert integrity(work) == "ok", where
        now = _tiers(work)
        assert query(work, "SELECT value FROM setting WHERE key = 'tier.b.potential'") == \
            query(db, "SELECT value FROM setting WHERE key = 'tier.b.potential'") != [], where
        assert now in ((before, after) if code is None else (after,)), (
            f"{where}: {sum(now[c] != before[c] for c in now)} of {moved} moves stored")
    figures(request, kills=KILLS, killed_mid_grade=killed, moves=moved)


def test_a_killed_forget_erases_everything_or_nothing(fresh_big: Path, tmp_path: Path, request):
    killed = 0
    template = fresh_big
    code = run(template, "customer", "add", "待删除客户有限公司", "--contact-name", "王强",
               "--phone", "13800138000").stdout.strip()
    run(template, "followup", "log", code, "-s", "秘密内容")  # acknowledged before the kills
    duration = timed(copy_db(template, tmp_path / "timing" / "salesflow.db"),
                     "customer", "forget", code, "--yes")
    for i, delay in enumerate(delays("forget", duration)):
        db = copy_db(template, tmp_path / f"kill{i}" / "salesflow.db")
        code_ = kill_after(spawn(db, "customer", "forget", code, "--yes"), delay)
        killed += code_ is None
        where = f"seeded delay {delay}s (kill {i}), exit {code_}"
        assert integrity(db) == "ok", where
        [(contact, phone, forgotten)] = query(
            db, "SELECT contact_name, phone, forgotten_at FROM customer WHERE code = ?", code)
        secrets = count(db, "followup", "summary LIKE '秘密内容%'")
        erased = (contact is None, phone is None, forgotten is not None, secrets == 0)
        states = {(True,) * 4, (False,) * 4} if code_ is None else {(True,) * 4}
        assert erased in states, f"{where}: erased flags {erased}"
        assert count(db, "followup") == 1, where  # acknowledged rows stay (anonymised)
    figures(request, kills=KILLS, killed_mid_forget=killed)


def test_a_killed_migration_leaves_a_sound_database_and_backup(tmp_path: Path, request):
    killed = 0
    template = old_database(tmp_path / "old.db", 998)
    duration = timed(copy_db(template, tmp_path / "timing" / "salesflow.db"), "due")
    for i, delay in enumerate(delays("migration", duration)):
        db = copy_db(template, tmp_path / f"kill{i}" / "salesflow.db")
        code = kill_after(spawn(db, "due"), delay)
        killed += code is None
        where = f"seeded delay {delay}s (kill {i}), exit {code}"
        assert integrity(db) == "ok", where
        backup = db.with_name(f"{db.name}.before-{salesflow.migrations.HEAD}.bak")
        if backup.exists():
            assert integrity(backup) == "ok", f"{where}: partial backup {backup.name}"
            assert count(backup, "customer") == 998, f"{where}: partial backup"
        # the next command finishes the upgrade, with every row
        listed = run(db, "customer", "list", "--format", "csv", check=False)
        assert listed.returncode == 0, f"{where}: {listed.stderr.strip()}"
        assert len(listed.stdout.splitlines()) == 999, where
        assert query(db, "SELECT version_num FROM alembic_version") == [
            (salesflow.migrations.HEAD,)], where
        assert backup.exists() and integrity(backup) == "ok", where
        assert count(backup, "customer") == 998, where
    figures(request, kills=KILLS, killed_mid_migration=killed)


def test_a_killed_backup_never_leaves_a_partial_backup_file(fresh_big: Path, request):
    if run(fresh_big, "backup", "--help", check=False).returncode != 0:
        pytest.skip("`salesflow backup` does not exist yet (being built on another branch)")
    db = fresh_big
    killed = 0
    duration = timed(db, "backup")
    for i, delay in enumerate(delays("backup", duration)):
        run(db, "customer", "add", f"确认写入{i:03d}有限公司")
        code = kill_after(spawn(db, "backup"), delay)
        killed += code is None
        where = f"seeded delay {delay}s (kill {i}), exit {code}"
        assert integrity(db) == "ok", where
        assert count(db, "customer", f"name = '确认写入{i:03d}有限公司'") == 1, where
        backups = sorted((db.parent / "backups").glob("salesflow-*.db"))
        if code == 0:
            assert backups, f"{where}: exit 0 but no backups/salesflow-*.db"
        for b in backups:
            assert integrity(b) == "ok", f"{where}: {b.name} is partial"
            assert count(b, "customer") >= 2000, f"{where}: {b.name} is partial"
        time.sleep(1.1)  # backup names carry the second
    figures(request, kills=KILLS, killed_mid_backup=killed)
