"""Every test gets its own database file, a fixed acting user and team time zone, and
SALESFLOW_DEBUG so that an unexpected exception fails the test with its traceback."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salesflow.cli import app


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "salesflow.db"
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    monkeypatch.setenv("SALESFLOW_USER", "li.na")
    monkeypatch.setenv("SALESFLOW_DEBUG", "1")
    monkeypatch.delenv("SALESFLOW_TODAY", raising=False)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return db


class Cli:
    """Runs the real command line in-process against the test's database file."""

    def __init__(self, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = db
        self.monkeypatch = monkeypatch
        self.runner = CliRunner()

    def today(self, day: str) -> None:
        self.monkeypatch.setenv("SALESFLOW_TODAY", day)

    def __call__(self, *args: str, user: str | None = None, code: int = 0):  # type: ignore[no-untyped-def]
        argv = [*(["--as", user] if user else []), *args]
        result = self.runner.invoke(app, argv)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, (
            f"salesflow {' '.join(args)} exited {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str, user: str | None = None):  # type: ignore[no-untyped-def]
        return json.loads(self(*args, "--format", "json", user=user).stdout)

    def fails(self, *args: str, user: str | None = None, code: int = 1) -> str:
        """Run a command that must be refused; return its one-line stderr."""
        result = self(*args, user=user, code=code)
        err = result.stderr.strip()
        assert err.startswith("Error: "), err
        assert "\n" not in err, f"expected one line, got: {err!r}"
        assert "Traceback" not in result.output
        return err

    def digest(self) -> str:
        """A fingerprint of the database file (main file + WAL), to prove nothing moved."""
        h = hashlib.sha256()
        for suffix in ("", "-wal"):
            path = Path(str(self.db) + suffix)
            if path.exists():
                h.update(path.read_bytes())
        return h.hexdigest()

    def dump(self) -> list[tuple]:
        """Every row of every table, for 'database unchanged' checks that survive WAL
        checkpoints."""
        import sqlite3

        con = sqlite3.connect(self.db)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            out: list[tuple] = []
            for t in tables:
                out.extend((t, *row) for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'))
            return out
        finally:
            con.close()


@pytest.fixture
def cli(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(isolated, monkeypatch)


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
