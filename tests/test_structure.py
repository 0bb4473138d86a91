"""House rules that keep the tool fast and the rules pure (STYLE.md)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from salesflow.cli import app

SRC = Path(__file__).resolve().parents[1] / "src" / "salesflow"
FORBIDDEN_IN_RULES = ("sqlmodel", "sqlalchemy", "typer", "rich", "alembic", "salesflow.services",
                      "salesflow.commands", "salesflow.db", "salesflow.models",
                      "salesflow.output", "salesflow.context")
CLOCK_CALLS = ("now", "today", "utcnow")


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted((SRC / "rules").glob("*.py")), ids=lambda p: p.name)
def test_rules_import_no_framework_and_read_no_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [n for n in _imports(tree) if n.startswith(FORBIDDEN_IN_RULES)]
    assert not bad, f"{path.name} imports {bad}"
    clock = [
        node.attr for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in CLOCK_CALLS
        and isinstance(node.value, ast.Name) and node.value.id in ("date", "datetime")
    ]
    assert not clock, f"{path.name} reads the clock: {clock}"


@pytest.mark.parametrize("path", sorted((SRC / "services").glob("*.py")), ids=lambda p: p.name)
def test_services_import_no_cli_and_read_no_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [n for n in _imports(tree) if n.startswith(("typer", "rich", "salesflow.commands",
                                                       "salesflow.cli", "salesflow.context"))]
    assert not bad, f"{path.name} imports {bad}"
    clock = [node.attr for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr in CLOCK_CALLS
             and isinstance(node.value, ast.Name) and node.value.id in ("date", "datetime")]
    assert not clock, f"{path.name} reads the clock: {clock}"


def _commands(group, prefix=()):  # type: ignore[no-untyped-def]
    click_group = typer.main.get_command(group) if isinstance(group, typer.Typer) else group
    for name, command in getattr(click_group, "commands", {}).items():
        if getattr(command, "commands", None):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


ALL_COMMANDS = sorted(_commands(app), key=lambda item: item[0])


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS,
                         ids=[" ".join(p) for p, _ in ALL_COMMANDS])
def test_every_command_has_help_with_an_example(path, command):
    assert command.help and "Example" in command.help, f"salesflow {' '.join(path)}"


def _run(code: str, env_extra: dict[str, str] | None = None) -> str:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True).stdout


@pytest.mark.parametrize("argv", [["--help"], ["customer", "--help"], ["due", "--help"],
                                  ["customer", "add", "--help"]], ids=" ".join)
def test_help_does_not_import_sqlalchemy(argv):
    out = _run(
        "import sys\n"
        "from salesflow.cli import app\n"
        f"try:\n    app({argv!r}, prog_name='salesflow')\n"
        "except SystemExit:\n    pass\n"
        "print('LOADED' if 'sqlalchemy' in sys.modules else 'CLEAN', file=sys.stderr)\n"
        "sys.stdout.flush()\n"
        "import os; os.write(1, ('\\n' + ('LOADED' if 'sqlalchemy' in sys.modules else 'CLEAN'))"
        ".encode())"
    )
    assert out.rstrip().endswith("CLEAN")


def test_shell_completion_does_not_import_sqlalchemy():
    out = _run(
        "import sys, os\n"
        "from salesflow.cli import app\n"
        "try:\n    app([], prog_name='salesflow')\n"
        "except SystemExit:\n    pass\n"
        "os.write(1, ('\\n' + ('LOADED' if 'sqlalchemy' in sys.modules else 'CLEAN')).encode())",
        {"_SALESFLOW_COMPLETE": "complete_bash", "COMP_WORDS": "salesflow cus",
         "COMP_CWORD": "1"},
    )
    assert "customer" in out
    assert out.rstrip().endswith("CLEAN")


def test_migrations_head_is_the_newest_revision():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from salesflow.migrations import HEAD

    config = Config()
    config.set_main_option("script_location", str(SRC / "migrations"))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD]


def test_migrations_build_exactly_the_models_schema(tmp_path):
    """The migrations, not create_all, make the schema; they must agree with models.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    import salesflow.models  # noqa: F401
    from salesflow.db import unit_of_work

    db = tmp_path / "m.db"
    with unit_of_work(str(db), write=True):
        pass
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    # a column's changes come as a list of tuples; SQLite declares INTEGER for BIGINT
    # (both 64-bit there), so a type difference is not significant on this backend
    flat = [c for d in diff for c in (d if isinstance(d, list) else [d])]
    significant = [d for d in flat if d[0] != "modify_type"]
    assert significant == []


def test_no_database_file_is_committed() -> None:
    """A test once wrote a backup into the working directory and it was committed: no
    tracked file may be an SQLite database (tests now run in their own directory)."""
    root = Path(__file__).resolve().parents[1]
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True,
                            check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    databases = []
    for name in filter(None, listed.stdout.split(b"\0")):
        path = root / os.fsdecode(name)
        if path.is_file():
            with path.open("rb") as file:
                if file.read(16) == b"SQLite format 3\0":
                    databases.append(str(path.relative_to(root)))
    assert databases == []
