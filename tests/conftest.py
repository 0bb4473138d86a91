"""Every test gets its own database, a fixed acting user and team time zone, and
SALESFLOW_DEBUG so that an unexpected exception fails the test with its traceback.

Command tests (the `cli` fixture) run once per backend: SQLite always, and PostgreSQL
too when SALESFLOW_TEST_PG_URL names a server (.ci/run starts one), each test on a fresh
database. Tests about SQLite itself are marked `sqlite_only`."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

# English unless a test asks for Chinese: cli.py reads the language when it is imported.
os.environ["SALESFLOW_LANG"] = "en"

import typer.testing  # noqa: E402

from salesflow import cli as _cli  # noqa: E402
from salesflow import i18n  # noqa: E402
from salesflow.cli import app  # noqa: E402

# typer's CliRunner builds the Click command from the app on every invoke (~0.1 s, once
# per command of every test); salesflow's main() and the warm server build it once per
# process (cli.command()), and so do the tests: the same command, built once.
_typer_command = typer.testing._get_command


def _built_once(typer_app):  # type: ignore[no-untyped-def]
    return _cli.command() if typer_app is app else _typer_command(typer_app)


typer.testing._get_command = _built_once


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "salesflow.db"
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    monkeypatch.setenv("SALESFLOW_USER", "li.na")
    monkeypatch.setenv("SALESFLOW_DEBUG", "1")
    monkeypatch.delenv("SALESFLOW_TODAY", raising=False)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    # tzlocal caches the machine's zone per process: a test that set a bogus TZ (the
    # hostile inputs) must not leave UTC behind for the tests after it
    import tzlocal

    tzlocal.reload_localzone()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    # a relative path a test passes (a backup named by a hostile value) lands here, never
    # in the repository the suite runs from
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SALESFLOW_LANG", "en")
    i18n.reset()
    monkeypatch.setattr(i18n, "_translation", None)  # and forget a test's language after it
    return db


PG_ADMIN_URL = os.environ.get("SALESFLOW_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_ADMIN_URL else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test about SQLite itself")
    config.addinivalue_line("markers", "server_only: a test of PostgreSQL's logins and "
                                       "policies (SPEC §15); skipped without a server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        only_server = metafunc.definition.get_closest_marker("server_only") is not None
        backends = (["sqlite"] if only_sqlite else
                    [b for b in BACKENDS if b == "postgresql"] if only_server else BACKENDS)
        metafunc.parametrize("backend", backends)


def _pg_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as con:
        con.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def database(isolated: Path, backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The location SALESFLOW_DB points at: a file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        yield str(isolated)
        return
    name = f"sf_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(f"CREATE DATABASE {name}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    monkeypatch.setenv("SALESFLOW_DB", url)
    try:
        yield url
    finally:
        _pg_admin(f"DROP DATABASE {name} WITH (FORCE)")


class Cli:
    """Runs the real command line in-process against the test's database."""

    def __init__(self, db: Path, monkeypatch: pytest.MonkeyPatch, location: str) -> None:
        self.db = db
        self.location = location
        self.is_sqlite = "://" not in location
        self.monkeypatch = monkeypatch
        self.runner = CliRunner()

    def today(self, day: str) -> None:
        self.monkeypatch.setenv("SALESFLOW_TODAY", day)

    def __call__(self, *args: str, user: str | None = None, code: int = 0,  # type: ignore[no-untyped-def]
                 input: str | None = None):
        argv = [*(["--as", user] if user else []), *args]
        result = self.runner.invoke(app, argv, input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, (
            f"salesflow {' '.join(args)} exited {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def create(self) -> None:
        """An empty database, as the first writing command leaves it (a read command
        never creates one): the team's time zone is the only row it writes."""
        self("config", "set", "timezone", "Asia/Shanghai")

    def json(self, *args: str, user: str | None = None):  # type: ignore[no-untyped-def]
        return json.loads(self(*args, "--format", "json", user=user).stdout)

    def fails(self, *args: str, user: str | None = None, code: int = 1,
              input: str | None = None) -> str:
        """Run a command that must be refused; return its one-line stderr."""
        result = self(*args, user=user, code=code, input=input)
        err = result.stderr.strip()
        assert err.startswith("Error: "), err
        assert "\n" not in err, f"expected one line, got: {err!r}"
        assert "Traceback" not in result.output
        return err

    def digest(self) -> str:
        """A fingerprint of the database: the file's bytes (main file + WAL) on SQLite,
        to prove nothing moved; every row on PostgreSQL."""
        h = hashlib.sha256()
        if not self.is_sqlite:
            h.update(repr(self.dump()).encode())
            return h.hexdigest()
        for suffix in ("", "-wal"):
            path = Path(str(self.db) + suffix)
            if path.exists():
                h.update(path.read_bytes())
        return h.hexdigest()

    def query(self, sql: str) -> list[tuple]:
        """Rows of a read-only SQL query, on either backend."""
        from sqlalchemy import create_engine, text

        url = self.location if not self.is_sqlite else f"sqlite:///{self.db}"
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql))]
        finally:
            engine.dispose()

    def dump(self) -> list[tuple]:
        """Every row of every table, for 'database unchanged' checks."""
        from sqlalchemy import create_engine, inspect

        url = self.location if not self.is_sqlite else f"sqlite:///{self.db}"
        if self.is_sqlite and not self.db.exists():
            return []
        engine = create_engine(url)
        try:
            tables = sorted(inspect(engine).get_table_names())
        finally:
            engine.dispose()
        out: list[tuple] = []
        for t in tables:
            out.extend((t, *row) for row in self.query(f'SELECT * FROM "{t}" ORDER BY 1'))
        return out


@pytest.fixture
def cli(isolated: Path, database: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(isolated, monkeypatch, database)


@pytest.fixture
def unchanged(cli: Cli) -> Callable[[], None]:
    """Call once to snapshot; the returned check asserts the database is the same."""
    def snapshot() -> Callable[[], None]:
        before_rows, before_bytes = cli.dump(), cli.digest()

        def check() -> None:
            assert cli.dump() == before_rows
            assert cli.digest() == before_bytes

        return check

    return snapshot  # type: ignore[return-value]
