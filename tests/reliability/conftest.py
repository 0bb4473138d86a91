"""Shared pieces of the reliability suite: the installed `salesflow` run as a user runs it
(a subprocess, no SALESFLOW_DEBUG), seeded data sets, and checks on the SQLite file.

RELIABILITY_SCALE (default 1) multiplies processes, writes, kills and samples; run
`RELIABILITY_SCALE=10 python -m pytest tests/reliability -q` for a big run by hand."""

from __future__ import annotations

import contextlib
import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SCALE = max(1, int(os.environ.get("RELIABILITY_SCALE", "1") or "1"))
TODAY = "2024-10-08"
USER = "li.na"
# the console script installed beside the interpreter running the tests (the venv's bin)
SALESFLOW = str(Path(sys.executable).with_name("salesflow"))
SEED = 20241008


def figures(request: pytest.FixtureRequest, **values: object) -> None:
    """Keep the figures of a run (writers, writes, kills …) for the terminal summary."""
    request.config.stash.setdefault(FIGURES, []).append((request.node.name, values))
    if os.environ.get("RELIABILITY_FIGURES"):  # a file, kept line by line for long runs
        with open(os.environ["RELIABILITY_FIGURES"], "a", encoding="utf-8") as f:
            f.write(f"{request.node.name}: "
                    + ", ".join(f"{k}={v}" for k, v in values.items()) + "\n")


FIGURES = pytest.StashKey[list]()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    rows = config.stash.get(FIGURES, [])
    if rows:
        terminalreporter.section(f"reliability figures (RELIABILITY_SCALE={SCALE})")
        for name, values in rows:
            terminalreporter.write_line(
                f"{name}: " + ", ".join(f"{k}={v}" for k, v in values.items()))


# The suite's own runtime folder, so its warm server (salesflow.launcher) is its own and
# is stopped when the session ends (stop_servers below); a short idle limit besides.
RUNTIME = tempfile.mkdtemp(prefix="sfrel", dir="/tmp")


@pytest.fixture(scope="session", autouse=True)
def stop_servers() -> Iterator[None]:
    yield
    for pidfile in Path(RUNTIME, "salesflow").glob("*.pid"):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
    shutil.rmtree(RUNTIME, ignore_errors=True)


def user_env(db: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: the test's database, user and day, no debug."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
    env.update(SALESFLOW_DB=str(db), SALESFLOW_USER=USER, SALESFLOW_TODAY=TODAY,
               TZ="Asia/Shanghai", PYTHONIOENCODING="utf-8", XDG_RUNTIME_DIR=RUNTIME,
               SALESFLOW_SERVER_IDLE="120")
    env.update(extra)
    return env


def run(db: Path, *args: str | bytes, check: bool = True, timeout: float = 600,
        **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed salesflow once and wait for it."""
    result = subprocess.run([SALESFLOW, *args], env=user_env(db, **env), capture_output=True,
                            text=True, errors="replace", timeout=timeout,
                            stdin=subprocess.DEVNULL)
    if check:
        assert result.returncode == 0, (
            f"salesflow {' '.join(map(str, args))} exited {result.returncode}\n"
            f"stderr: {result.stderr}")
    return result


def spawn(db: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([SALESFLOW, *args], env=user_env(db, **env), text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)


def integrity(path: Path) -> str:
    """'ok', or what is wrong (a file that is not a database at all included)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return ", ".join(r[0] for r in con.execute("PRAGMA integrity_check"))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return f"{type(exc).__name__}: {exc}"


def query(path: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def count(path: Path, table: str, where: str = "1") -> int:
    return int(query(path, f'SELECT count(*) FROM "{table}" WHERE {where}')[0][0])


def copy_db(source: Path, dest: Path) -> Path:
    """A consistent copy (SQLite's backup API, so the WAL is folded in)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src, out = sqlite3.connect(source), sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        out.close()
        src.close()
    return dest


def customers_csv(path: Path, rows: int, *, prefix: str = "测试企业", seed: int = SEED) -> Path:
    """The 客户信息登记表 as a CSV: seeded companies with potentials and decision cycles
    spread over the A/B/C thresholds, so that a threshold change regrades many."""
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "industry", "region", "potential", "decision_days"])
        for i in range(rows):
            w.writerow([f"{prefix}{i:05d}有限公司", "制造业", rnd.choice(["华东", "华南", "华北"]),
                        f"{rnd.randint(5, 300)}万", rnd.randint(5, 150)])
    return path


def add_followups(db: Path, per_customer: int) -> None:
    """Bulk follow-ups straight into an up-to-date file (setup only, to fill pipes)."""
    con = sqlite3.connect(db)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM customer")]
        con.executemany(
            "INSERT INTO followup (customer_id, at, logged_at, by, channel, summary, feedback, "
            "objection) VALUES (?, '2024-09-01 02:00:00.000000', '2024-09-01 02:00:00.000000',"
            " 'li.na', 'phone', ?, 'neutral', 0)",
            [(i, f"第{n}次电话沟通，客户关注交期与价格") for i in ids for n in range(per_customer)])
        con.commit()
    finally:
        con.close()


def old_database(db: Path, customers: int, revision: str = "0001") -> Path:
    """A database file as an older salesflow left it (built as
    tests/services/test_migrations.py does), holding `customers` customers."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    import salesflow.migrations

    config = Config()
    config.set_main_option("script_location", str(Path(salesflow.migrations.__file__).parent))
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()
    con = sqlite3.connect(db)
    con.executemany(
        "INSERT INTO customer (code, name, name_key, industry, region, tier, stage, "
        "stage_changed_at, owner, created_at) VALUES (?, ?, ?, '制造业', '华东', 'B', 'lead', "
        "'2023-09-01 02:00:00.000000', 'li.na', '2023-09-01 02:00:00.000000')",
        [(f"MFG-EC-{i:03d}", f"旧客户{i:04d}", f"旧客户{i:04d}") for i in range(1, customers + 1)])
    con.execute("INSERT INTO code_sequence (prefix, last) VALUES ('MFG-EC', ?)", (customers,))
    con.commit()
    con.close()
    return db


@pytest.fixture(scope="session")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An up-to-date database holding 2,000 imported customers; copy it, never write it."""
    folder = tmp_path_factory.mktemp("template")
    db = folder / "big.db"
    run(db, "customer", "import", str(customers_csv(folder / "big.csv", 2000)))
    run(db, "customer", "list", "--format", "csv")  # settle the WAL into the file
    return db


@pytest.fixture
def fresh_big(big_db: Path, tmp_path: Path) -> Path:
    return copy_db(big_db, tmp_path / "work" / "salesflow.db")
