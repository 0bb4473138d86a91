"""A reader that leaves early is not an error: list, export and due commands whose stdout
is closed, or piped to `head -1` or `true`, with more rows than a pipe buffer holds, exit
0 with nothing on stderr. A writing command piped the same way commits its write."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import SALESFLOW, add_followups, copy_db, query, run, user_env

READERS = {
    "customer-list-csv": "customer list --format csv",
    "export-customers": "export customers",
    "export-followups-jsonl": "export followups --format jsonl",
    "due": "due",
    "due-csv": "due --format csv",
}
SHELL = {
    "head-1": "{cmd} 2>{err} | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}",
    "head-5": "{cmd} 2>{err} | head -5 >/dev/null; exit ${{PIPESTATUS[0]}}",
    "true": "{cmd} 2>{err} | true; exit ${{PIPESTATUS[0]}}",
    "closed": "{cmd} 2>{err} >&-",
}


@pytest.fixture(scope="module")
def piped_db(big_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 customers and 10,000 follow-ups: every output here is far beyond 64 KiB."""
    db = copy_db(big_db, tmp_path_factory.mktemp("pipes") / "salesflow.db")
    add_followups(db, 5)
    return db


def shell(db: Path, cmd: str, how: str, err: Path) -> int:
    line = SHELL[how].format(cmd=f"{SALESFLOW} {cmd}", err=err)
    return subprocess.run(["bash", "-c", line], env=user_env(db), timeout=120,
                          stdin=subprocess.DEVNULL).returncode


# each reader once, and each way of leaving early on more than one reader (a Rich table
# of 2,000 rows costs seconds of CPU, so the table readers are few)
CASES = [("export-customers", "head-1"), ("export-followups-jsonl", "head-1"),
         ("due-csv", "head-1"), ("due", "true"), ("export-followups-jsonl", "true"),
         ("due-csv", "closed"), ("customer-list-csv", "closed")]


@pytest.mark.parametrize("reader,how", CASES, ids=[f"{r}|{h}" for r, h in CASES])
def test_a_reader_that_leaves_early_is_not_an_error(reader, how, piped_db, tmp_path):  # type: ignore[no-untyped-def]
    err = tmp_path / "stderr"
    code = shell(piped_db, READERS[reader], how, err)
    stderr = err.read_text(errors="replace")
    assert "Traceback" not in stderr, stderr[-500:]
    if how == "closed":
        # no reader at all: the output is lost, and the exit code says so in one line
        # (a reader that leaves early is another matter: exit 0, silence)
        assert code == 1 and stderr.count("\n") == 1, f"exit {code}: {stderr[:300]}"
        assert stderr.startswith("Error: cannot write to standard output"), stderr[:300]
        return
    assert (code, stderr.strip()) == (0, ""), f"exit {code}: {stderr.strip()[:300]}"


def test_a_write_piped_to_head_is_committed(piped_db, tmp_path):  # type: ignore[no-untyped-def]
    db = copy_db(piped_db, tmp_path / "salesflow.db")
    run(db, "config", "set", "tier.b.potential", "150万")
    before = dict(query(db, "SELECT code, tier FROM customer"))

    err = tmp_path / "stderr"
    code = shell(db, "grade --all --format csv", "head-5", err)
    stderr = err.read_text(errors="replace")
    assert "Traceback" not in stderr, stderr[-500:]
    assert code == 0, stderr[:300]
    stored = dict(query(db, "SELECT code, tier FROM customer"))
    moved = sum(before[c] != stored[c] for c in before)
    pending = run(db, "grade", "--all", "--dry-run", "--format", "csv").stdout.splitlines()
    assert (moved > 100, pending[1:]) == (True, []), (
        f"exit {code} but {moved} moves stored and {len(pending) - 1} still pending")
