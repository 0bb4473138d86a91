"""Data care (SPEC §10): `backup`, `restore`, `doctor`, and the backup before a migration."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import salesflow.migrations
from salesflow import i18n
from salesflow.rules.care import BACKUP_NAME
from salesflow.sqlite_copy import PARTIAL, check_file

SALESFLOW = shutil.which("salesflow") or str(Path(sys.executable).parent / "salesflow")
HEAD = salesflow.migrations.HEAD


def create_at(db: Path, revision: str) -> None:
    """A database file as an older salesflow left it (as tests/services/test_migrations)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    config = Config()
    config.set_main_option("script_location",
                           str(Path(salesflow.migrations.__file__).parent))
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def add(cli, name: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东"
               ).stdout.strip()


def book(cli) -> list[str]:  # type: ignore[no-untyped-def]
    cli.today("2024-05-06")
    codes = [add(cli, "华东精密科技"), add(cli, "苏州恒达机械"), add(cli, "杭州云帆")]
    cli("followup", "log", codes[0], "--summary", "报价沟通", "--channel", "phone",
        "--next-action", "send quote", "--next-due", "2024-05-10")
    cli("followup", "log", codes[1], "--summary", "初次拜访", "--channel", "visit")
    return codes


def execute(cli, sql: str) -> None:  # type: ignore[no-untyped-def]
    """A raw write on either backend, as a damaged or hand-edited database would be."""
    from sqlalchemy import create_engine, text

    url = cli.location if not cli.is_sqlite else f"sqlite:///{cli.db}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def backups(db: Path) -> list[Path]:
    folder = db.parent / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


def make_backup(cli) -> Path:  # type: ignore[no-untyped-def]
    return Path(cli("backup").stdout.strip())


# --- backup --------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_backup_then_restore_brings_every_row_back(cli, isolated):
    codes = book(cli)
    before = cli.dump()
    copy = make_backup(cli)

    assert copy.parent == isolated.parent / "backups"
    assert BACKUP_NAME.match(copy.name)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert check_file(copy).problem is None and check_file(copy).version == HEAD

    add(cli, "宁波海运")
    cli("followup", "log", codes[2], "--summary", "电话", "--channel", "phone")
    execute(cli, f"DELETE FROM followup WHERE customer_id = (SELECT id FROM customer "
                 f"WHERE code = '{codes[1]}')")
    assert cli.dump() != before

    result = cli("restore", str(copy), "--yes")
    assert cli.dump() == before
    assert not Path(f"{isolated}-wal").exists() or Path(f"{isolated}-wal").stat().st_size == 0
    # the database it replaced was backed up first, and is whole
    safety = [p for p in backups(isolated) if p != copy]
    assert len(safety) == 1 and "backed up to" in result.stderr
    con = sqlite3.connect(safety[0])
    assert con.execute("SELECT count(*) FROM customer").fetchone()[0] == 4
    con.close()
    assert stat.S_IMODE(isolated.stat().st_mode) == 0o600
    assert len(cli.json("customer", "list")) == 3  # and the restored database works


@pytest.mark.sqlite_only
def test_backup_to_a_named_file_and_never_over_an_existing_one(cli, isolated, tmp_path):
    book(cli)
    dest = tmp_path / "copy.db"
    assert cli("backup", str(dest)).stdout.strip() == str(dest)
    assert check_file(dest).problem is None
    before = dest.read_bytes()
    err = cli.fails("backup", str(dest))
    assert "already exists" in err
    assert dest.read_bytes() == before
    assert "does not exist" in cli.fails("backup", str(tmp_path / "nowhere" / "x.db"))


@pytest.mark.sqlite_only
def test_keep_rotates_default_backups_but_keeps_the_newest_and_others_files(cli, isolated):
    book(cli)
    folder = isolated.parent / "backups"
    folder.mkdir(mode=0o700)
    old = ["salesflow-20240101-090000.db", "salesflow-20240102-090000.db",
           "salesflow-20240102-090000-2.db"]
    for name in old:
        shutil.copy(isolated, folder / name)
    (folder / "mine.db").write_bytes(b"the user's own file")

    cli.today("2024-05-06")
    newest = make_backup(cli)
    cli("backup", "--keep", "2")
    names = sorted(p.name for p in folder.iterdir())
    kept = [n for n in names if BACKUP_NAME.match(n)]
    assert len(kept) == 2 and newest.name in kept
    assert "mine.db" in names
    assert "salesflow-20240101-090000.db" not in names

    # --keep 0 would delete the newest good copy: refused, nothing deleted
    assert "--keep" in cli.fails("backup", "--keep", "0")
    assert sorted(p.name for p in folder.iterdir()) == names


@pytest.mark.sqlite_only
def test_backup_while_another_process_writes(cli, isolated):
    book(cli)
    committed = cli.dump()
    writer = hold_write_lock(isolated)
    try:
        copy = make_backup(cli)
    finally:
        writer.kill()
        writer.wait()
    con = sqlite3.connect(copy)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM customer ORDER BY id")]
    finally:
        con.close()
    assert "未提交公司" not in names  # only what was committed
    assert len(names) == 3
    assert cli.dump() == committed


def test_backup_and_restore_on_postgresql_point_to_the_server_tools(cli, tmp_path):
    if cli.is_sqlite:
        pytest.skip("PostgreSQL only")
    add(cli, "华东精密科技")
    before = cli.dump()
    assert "pg_dump" in cli.fails("backup")
    (tmp_path / "x.db").write_bytes(b"")
    assert "pg_dump" in cli.fails("restore", str(tmp_path / "x.db"), "--yes")
    assert cli.dump() == before


# --- a kill during backup -----------------------------------------------------------------


def biggish(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(
        "INSERT INTO followup (customer_id, at, logged_at, by, channel, summary, objection) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80000) "
        "SELECT 1, '2024-05-06 02:00:00.000000', '2024-05-06 02:00:00.000000', 'li.na', "
        "'phone', hex(randomblob(300)), 0 FROM n")
    con.commit()
    con.close()


@pytest.mark.sqlite_only
def test_a_kill_during_backup_never_leaves_a_file_that_looks_like_a_backup(cli, isolated):
    book(cli)
    biggish(isolated)
    count = cli.query("SELECT count(*) FROM followup")[0][0]
    folder = isolated.parent / "backups"
    # in-process: the process killed is the one copying (through a warm server, its child
    # would end a moment after the launcher, and could still be alive for the next backup)
    env = {**os.environ, "SALESFLOW_DB": str(isolated), "SALESFLOW_NO_SERVER": "1"}
    proc = subprocess.Popen([SALESFLOW, "backup"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    seen: list[str] = []
    while proc.poll() is None and not seen:
        seen = os.listdir(folder) if folder.exists() else []
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the backup finished before the kill"
    assert seen and all(PARTIAL in name for name in seen), seen
    for path in folder.iterdir():
        if BACKUP_NAME.match(path.name):  # anything named like a backup is a whole one
            assert check_file(path).problem is None
            con = sqlite3.connect(path)
            assert con.execute("SELECT count(*) FROM followup").fetchone()[0] == count
            con.close()

    copy = make_backup(cli)  # the next run removes the killed run's temporary file
    assert [p.name for p in folder.iterdir()] == [copy.name]
    assert check_file(copy).problem is None


# --- restore refusals ----------------------------------------------------------------------


def damaged(copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    page = 4096
    for offset in range(page, len(data), 97):
        data[offset] = 0xA5
    copy.write_bytes(bytes(data))


def newer(copy: Path) -> None:
    con = sqlite3.connect(copy)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()


def truncated(copy: Path) -> None:
    copy.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])


def not_sqlite(copy: Path) -> None:
    copy.write_text("code,name\nMFG-EC-001,华东精密\n", encoding="utf-8")


def foreign(copy: Path) -> None:
    con = sqlite3.connect(copy)
    con.execute("DROP TABLE alembic_version")
    con.commit()
    con.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("spoil", "said"), [
    (damaged, "damaged"), (truncated, "damaged"), (not_sqlite, "not a SQLite database"),
    (newer, "newer salesflow"), (foreign, "not a salesflow database"),
], ids=["damaged", "truncated", "not-sqlite", "newer-schema", "no-schema-version"])
def test_restore_refuses_a_bad_file_and_changes_nothing(cli, isolated, tmp_path, unchanged,
                                                        spoil, said):
    book(cli)
    copy = tmp_path / "copy.db"
    cli("backup", str(copy))
    spoil(copy)
    add(cli, "宁波海运")
    check = unchanged()
    listed = backups(isolated)
    err = cli.fails("restore", str(copy), "--yes")
    assert said in err
    check()
    assert backups(isolated) == listed


@pytest.mark.sqlite_only
def test_restore_needs_yes_without_a_terminal(cli, isolated, unchanged):
    book(cli)
    copy = make_backup(cli)
    add(cli, "宁波海运")
    check = unchanged()
    assert "--yes" in cli.fails("restore", str(copy))
    check()
    assert backups(isolated) == [copy]


def on_a_terminal(db: Path, answer: str, *args: str) -> tuple[int, str]:
    """Run the installed salesflow with a terminal as stdin, typing `answer`."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "SALESFLOW_DB": str(db)}
    proc = subprocess.Popen([SALESFLOW, *args], env=env, stdin=slave, stdout=slave,
                            stderr=slave, close_fds=True)
    os.close(slave)
    os.write(master, answer.encode())
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    return proc.wait(), output.decode(errors="replace")


@pytest.mark.sqlite_only
def test_restore_asks_on_a_terminal(cli, isolated):
    book(cli)
    copy = make_backup(cli)
    add(cli, "宁波海运")
    before = cli.dump()
    code, output = on_a_terminal(isolated, "n\n", "restore", str(copy))
    assert code == 1 and "Replace" in output and "nothing restored" in output
    assert cli.dump() == before
    code, output = on_a_terminal(isolated, "y\n", "restore", str(copy))
    assert code == 0, output
    assert len(cli.json("customer", "list")) == 3


def hold_write_lock(db: Path) -> subprocess.Popen:
    """Another process in the middle of a write: BEGIN IMMEDIATE, a row, no commit."""
    code = (
        "import sqlite3, sys, time\n"
        f"con = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        "con.execute('BEGIN IMMEDIATE')\n"
        "con.execute(\"INSERT INTO customer (code, name, name_key, tier, stage, "
        "stage_changed_at, owner, created_at) VALUES ('X-1', '未提交公司', '未提交', 'C', "
        "'lead', '2024-05-06 02:00:00', 'li.na', '2024-05-06 02:00:00')\")\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


@pytest.mark.sqlite_only
def test_restore_is_refused_while_another_process_writes(cli, isolated, monkeypatch):
    book(cli)
    copy = make_backup(cli)
    add(cli, "宁波海运")
    rows = cli.dump()
    main_bytes = isolated.read_bytes()
    writer = hold_write_lock(isolated)
    try:
        err = cli.fails("restore", str(copy), "--yes")
    finally:
        writer.kill()
        writer.wait()
    assert "another salesflow command" in err
    assert isolated.read_bytes() == main_bytes
    assert cli.dump() == rows
    assert backups(isolated) == [copy]


@pytest.mark.sqlite_only
def test_restore_of_an_older_schema_upgrades_it(cli, isolated, tmp_path):
    old = tmp_path / "old.db"
    create_at(old, "0002")
    con = sqlite3.connect(old)
    con.execute(
        "INSERT INTO customer (id, code, name, name_key, tier, stage, stage_changed_at, owner, "
        "created_at) VALUES (1, 'MFG-EC-001', '华东精密', '华东精密', 'A', 'lead', "
        "'2023-09-01 02:00:00.000000', 'li.na', '2023-09-01 02:00:00.000000')")
    con.commit()
    con.close()
    add(cli, "宁波海运")
    result = cli("restore", str(old), "--yes")
    assert "upgraded" in result.stderr
    assert check_file(isolated).version == HEAD
    assert [c["code"] for c in cli.json("customer", "list")] == ["MFG-EC-001"]


# --- doctor --------------------------------------------------------------------------------


def findings(cli, *extra: str, code: int) -> list[dict]:  # type: ignore[no-untyped-def]
    out = json.loads(cli("doctor", "--format", "json", *extra, code=code).stdout)
    return [f for f in out if f["severity"] == "problem"]


def test_doctor_names_a_customer_whose_due_date_is_wrong_and_fix_mends_it(cli):
    codes = book(cli)
    good = cli.query("SELECT code, next_due_at, next_due_kind FROM customer ORDER BY code")
    assert findings(cli, code=0) == []

    execute(cli, f"UPDATE customer SET next_due_at = '2001-01-01', next_due_kind = 'new-lead' "
                 f"WHERE code = '{codes[1]}'")
    result = cli("doctor", code=1)
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("problem:")]
    assert codes[1] in line and codes[0] not in line and "2001-01-01" in line

    # the JSON is the cron contract: the same bytes in Chinese; the table is translated
    english = cli("doctor", "--format", "json", code=1).stdout
    cli.monkeypatch.setenv("SALESFLOW_LANG", "zh_CN")
    i18n.reset()
    assert cli("doctor", "--format", "json", code=1).stdout == english
    assert "按规则应为" in cli("doctor", code=1).stdout
    cli.monkeypatch.setenv("SALESFLOW_LANG", "en")
    i18n.reset()

    fixed = json.loads(cli("doctor", "--fix", "--format", "json").stdout)
    assert [f["fixed"] for f in fixed if f["check"] == "due-date"] == [True]
    assert cli.query("SELECT code, next_due_at, next_due_kind FROM customer "
                     "ORDER BY code") == good
    assert findings(cli, code=0) == []


def doctor_names_and_mends(cli, damage: str, check: str, stored: str,  # type: ignore[no-untyped-def]
                           *named: str) -> None:
    """A stored value that the rules do not give (`damage`, a raw UPDATE) is one `check`
    problem naming `named`, and `doctor --fix` puts back exactly what `stored` (a SELECT)
    read before; doctor is clean before and after."""
    good = cli.query(stored)
    assert findings(cli, code=0) == []
    execute(cli, damage)
    [problem] = findings(cli, code=1)
    assert problem["check"] == check
    assert all(text in problem["message"] for text in named), problem["message"]
    fixed = json.loads(cli("doctor", "--fix", "--format", "json").stdout)
    assert [f["fixed"] for f in fixed if f["check"] == check] == [True]
    assert cli.query(stored) == good
    assert findings(cli, code=0) == []


def test_doctor_names_a_customer_whose_pool_date_is_wrong_and_fix_mends_it(cli):
    """pool_on decides the day a rep loses a customer to the shared pool."""
    codes = book(cli)
    cli("config", "set", "pool.idle_days", "30", user="wang.lei")
    assert any(on is not None for _code, on in cli.query("SELECT code, pool_on FROM customer"))
    doctor_names_and_mends(
        cli, f"UPDATE customer SET pool_on = '2001-01-01' WHERE code = '{codes[0]}'",
        "pool-date", "SELECT code, pool_on FROM customer ORDER BY code", codes[0], "2001-01-01")


@pytest.mark.sqlite_only
def test_doctor_lists_open_file_modes_and_fix_tightens_them(cli, isolated):
    book(cli)
    os.chmod(isolated, 0o644)
    os.chmod(isolated.parent, 0o755)
    try:
        problems = findings(cli, code=1)
        assert [f["check"] for f in problems] == ["mode", "mode"]
        assert "644" in problems[0]["message"] and "755" in problems[1]["message"]
        cli("doctor", "--fix")
        assert stat.S_IMODE(isolated.stat().st_mode) == 0o600
        assert stat.S_IMODE(isolated.parent.stat().st_mode) == 0o700
        assert findings(cli, code=0) == []
    finally:
        os.chmod(isolated.parent, 0o700)


@pytest.mark.sqlite_only
def test_doctor_lists_migration_backups_that_hold_erased_data(cli, isolated):
    codes = book(cli)
    bak = isolated.with_name(f"{isolated.name}.before-{HEAD}.bak")
    shutil.copy(isolated, bak)
    assert findings(cli, code=0) == []  # nothing erased yet
    cli("customer", "forget", codes[0], "--yes")
    [problem] = findings(cli, code=1)
    assert problem["check"] == "erased-data" and str(bak) in problem["message"]
    bak.unlink()
    assert findings(cli, code=0) == []


@pytest.mark.sqlite_only
def test_doctor_reports_a_damaged_database_and_a_broken_foreign_key(cli, isolated, unchanged):
    codes = book(cli)
    con = sqlite3.connect(isolated)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute(f"DELETE FROM customer WHERE code = '{codes[1]}'")
    con.commit()
    con.close()
    check = unchanged()
    problems = findings(cli, code=1)
    assert {f["check"] for f in problems} == {"foreign-key"}
    assert any("followup" in f["message"] for f in problems)
    check()  # doctor without --fix writes nothing


@pytest.mark.sqlite_only
def test_doctor_reports_a_damaged_file_and_fix_changes_nothing(cli, isolated):
    book(cli)
    damaged(isolated)
    before = isolated.read_bytes()
    problems = findings(cli, "--fix", code=1)
    assert problems and {f["check"] for f in problems} == {"integrity"}
    assert all("salesflow restore" in f["message"] for f in problems)
    assert isolated.read_bytes() == before


@pytest.mark.sqlite_only
def test_doctor_on_a_missing_database_says_so_and_creates_nothing(cli, isolated):
    assert "no database" in cli.fails("doctor")
    assert not isolated.exists()


# --- the backup before a migration -------------------------------------------------------


def at_0002(db: Path) -> None:
    create_at(db, "0002")
    con = sqlite3.connect(db)
    con.execute(
        "INSERT INTO customer (id, code, name, name_key, tier, stage, stage_changed_at, owner, "
        "created_at) VALUES (1, 'MFG-EC-001', '华东精密', '华东精密', 'A', 'lead', "
        "'2023-09-01 02:00:00.000000', 'li.na', '2023-09-01 02:00:00.000000')")
    con.commit()
    con.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("left", [b"", b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * 30],
                         ids=["zero-bytes", "partial"])
def test_a_broken_pre_migration_backup_is_not_trusted(cli, isolated, left):
    at_0002(isolated)
    bak = isolated.with_name(f"{isolated.name}.before-{HEAD}.bak")
    bak.write_bytes(left)
    cli("customer", "list")
    assert check_file(isolated).version == HEAD
    assert check_file(bak).problem is None and check_file(bak).version == "0002"
    con = sqlite3.connect(bak)
    assert con.execute("SELECT code FROM customer").fetchall() == [("MFG-EC-001",)]
    con.close()
    assert stat.S_IMODE(bak.stat().st_mode) == 0o600
    assert not [p for p in isolated.parent.iterdir() if PARTIAL in p.name]


@pytest.mark.sqlite_only
def test_a_good_pre_migration_backup_is_kept(cli, isolated, tmp_path):
    at_0002(isolated)
    bak = isolated.with_name(f"{isolated.name}.before-{HEAD}.bak")
    shutil.copy(isolated, bak)
    before = bak.read_bytes()
    cli("customer", "list")
    assert bak.read_bytes() == before


@pytest.mark.sqlite_only
def test_a_kill_during_the_pre_migration_backup_leaves_no_trusted_bak(cli, isolated):
    at_0002(isolated)
    biggish(isolated)
    bak = isolated.with_name(f"{isolated.name}.before-{HEAD}.bak")
    env = {**os.environ, "SALESFLOW_DB": str(isolated)}
    proc = subprocess.Popen([SALESFLOW, "customer", "list"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[str] = []
    while proc.poll() is None and not seen:
        seen = [n for n in os.listdir(isolated.parent) if ".bak" in n]
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the command finished before the kill"
    assert not bak.exists()
    assert check_file(isolated).version == "0002"  # not migrated without a backup
    cli("customer", "list")
    assert check_file(bak).version == "0002" and check_file(isolated).version == HEAD
    assert not [p for p in isolated.parent.iterdir() if PARTIAL in p.name]


def no_room(limit: int):  # type: ignore[no-untyped-def]
    """A child process that may write at most `limit` bytes to any file: a full disk."""
    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.sqlite_only
def test_a_full_disk_during_the_pre_migration_backup_stops_the_migration(cli, isolated):
    at_0002(isolated)
    biggish(isolated)
    before = isolated.read_bytes()
    bak = isolated.with_name(f"{isolated.name}.before-{HEAD}.bak")
    env = {**os.environ, "SALESFLOW_DB": str(isolated)}
    env.pop("SALESFLOW_DEBUG")
    done = subprocess.run([SALESFLOW, "customer", "list"], env=env, capture_output=True,
                          text=True, preexec_fn=no_room(1 << 20))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: cannot copy") and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert not bak.exists()
    assert not [p for p in isolated.parent.iterdir() if PARTIAL in p.name]
    assert isolated.read_bytes() == before  # not migrated without a backup
