"""Hostile values in every option and argument of every writing command, discovered by
walking the real command tree (a new command is covered without touching this file).

Each case must end with exit 0 (the value was taken as literal data), 1 (refused: one
`Error:` line on stderr) or 2 (Typer's usage error); never a traceback or an internal
error; a refusal leaves the SQLite file (main + WAL) byte for byte as it was; and nothing
accepted echoes terminal control characters back. Most cases run in-process (CliRunner);
the environment-level ones (invalid UTF-8 argv, odd files and URLs) run the installed
program."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from salesflow.cli import app

from .conftest import SCALE, SEED, TODAY, copy_db, figures, run

HOSTILE = {
    "esc": "\x1b[31mred\x1b[0m",
    "bel": "ring\x07",
    "cr": "a\rb",
    "lf": "a\nb",
    "nul": "a\x00b",
    "bidi": "\u202eexe.txt",
    "zwsp": "\u200b",
    "1e30": "1" + "0" * 30,
    "minus1": "-1",
    "arabic3": "٣",
    "underscore": "1_000",
    "feb30": "2024-02-30",
    "year1": "0001-01-01",
    "year9999": "9999-12-31",
    "huge": "长" * 100_000,
    "markup": "[red]x[/red]",
    "close-tag": "[/]",
    "formula": "=cmd|' /C calc'!A0",
    "sql": "'; DROP TABLE customer;--",
    "empty": "",
    "blank": "   ",
}
# characters that drive a terminal: an accepted value must never be echoed with them raw
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\u202e")
SAMPLES = 2 * SCALE  # hostile values per option
READ_ONLY_GROUPS = {"export", "report"}
READ_ONLY = {"due", "demo"}  # demo only fills an empty database: nothing to feed
READ_ONLY_LEAVES = {"list", "show"}

# A valid invocation of each known writing command on the template database; the case
# replaces one parameter with the hostile value. Parameters are the Click names.
CODE = "MFG-EC-001"
BASE: dict[str, dict[str, str | bool]] = {
    "grade": {"ref": CODE},
    "customer add": {"name": "新客户{n}有限公司"},
    "customer edit": {"ref": CODE},
    "customer stage": {"ref": CODE, "to": "intent"},
    "customer import": {"file": "{csv}"},
    "customer reassign": {"from_": "li.na", "to": "wang.lei"},
    "customer forget": {"ref": CODE, "yes": True},
    "followup log": {"ref": CODE, "summary": "电话沟通"},
    "user add": {"name": "user{n}", "role": "rep"},
    "config set": {"key": "tier.a.potential", "value": "100万"},
    "contract add": {"customer": CODE, "amount": "10万"},
    "contract submit": {"number": "{contract}"},
    "contract approve": {"number": "{contract}"},
    "contract sign": {"number": "{contract}"},
    "payment record": {"number": "{contract}", "amount": "1万"},
    "need add": {"customer": CODE, "description": "对接ERP", "kind": "must",
                 "priority": "high"},
    "need respond": {"id_": "1", "note": "已安排"},
    "need resolve": {"id_": "1"},
    "target set": {"quarter": "2024Q4", "metric": "signed_amount", "value": "500万"},
}
# parameters that only make sense together
WITH = {("grade", "set_"): {"reason": "战略客户"}, ("grade", "reason"): {"set_": "A"},
        ("customer import", "undo"): {"file": None}}


def writing_commands() -> list[tuple[str, object]]:
    found = []

    def walk(cmd, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        if getattr(cmd, "commands", None):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
            return
        name = " ".join(path)
        if (path[0] in READ_ONLY_GROUPS or name in READ_ONLY
                or path[-1] in READ_ONLY_LEAVES):
            return
        found.append((name, cmd))

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = writing_commands()


def targets(cmd) -> list:  # type: ignore[no-untyped-def]
    return [p for p in cmd.params
            if p.name != "help" and not getattr(p, "is_flag", False)
            and not getattr(p, "count", False)]


def argv_for(name: str, cmd, values: dict[str, str | bool | None]) -> list[str]:  # type: ignore[no-untyped-def]
    options: list[str] = []
    arguments: list[str] = []
    for p in cmd.params:
        value = values.get(p.name)
        if value is None or value is False:
            continue
        if p.param_type_name == "argument":
            arguments.append(str(value))
        elif value is True:
            options.append(p.opts[0])
        else:
            options += [p.opts[0], str(value)]
    return [*name.split(), *options, "--", *arguments]


def digest(db: Path) -> str:
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = Path(str(db) + suffix)
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | Path]:
    """A small team: a customer, a manager and a legal reviewer, a draft contract and an
    open need, and a valid import file."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "template.db"
    runner = CliRunner(env={"SALESFLOW_DB": str(db), "SALESFLOW_USER": "li.na",
                            "SALESFLOW_TODAY": TODAY})

    def ok(*args: str) -> str:  # in-process: five process start-ups saved
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.stdout.strip()

    ok("user", "add", "wang.lei", "--role", "manager")
    ok("--as", "wang.lei", "user", "add", "li.na", "--role", "rep")
    ok("customer", "add", "华东精密科技有限公司", "--industry", "制造业", "--region", "华东")
    contract = ok("contract", "add", CODE, "--amount", "10万")
    ok("need", "add", CODE, "对接现有ERP", "--kind", "must", "--priority", "high")
    csv = folder / "import.csv"
    csv.write_text("name,industry\n导入一号有限公司,制造业\n导入二号有限公司,制造业\n",
                   encoding="utf-8")
    return {"db": copy_db(db, folder / "settled.db"), "contract": contract, "csv": str(csv)}


def check(argv: list[str], result, before: str, db: Path) -> str | None:  # type: ignore[no-untyped-def]
    """What is wrong with one case's outcome, or None."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"internal exception {type(result.exception).__name__}: {result.exception}"[:300]
    code, err = result.exit_code, result.stderr
    if code not in (0, 1, 2):
        return f"exit {code}: {err.strip()[:200]!r}"
    if "Traceback" in result.output or "internal error" in err:
        return f"exit {code} with a traceback/internal error: {err.strip()[:200]!r}"
    if code == 1 and (not err.strip().startswith("Error: ") or "\n" in err.strip()):
        return f"exit 1 without one `Error:` line: {err.strip()[:200]!r}"
    if code != 0 and digest(db) != before:
        return f"refused (exit {code}) but the database changed"
    if code == 0:
        echoed = [c for c in RAW_CONTROLS if c in result.stdout or c in err]
        if echoed:
            return f"accepted and echoed raw control characters {echoed!r}"
    return None


@pytest.mark.parametrize("name,cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_hostile_values_are_refused_cleanly_or_kept_literally(
        name, cmd, template, isolated, monkeypatch, request):  # type: ignore[no-untyped-def]
    db: Path = isolated
    shutil.copyfile(template["db"], db)  # type: ignore[arg-type]
    monkeypatch.delenv("SALESFLOW_DEBUG")  # as a user runs it: the handler, not a raise
    monkeypatch.setenv("SALESFLOW_TODAY", TODAY)
    monkeypatch.setenv("SALESFLOW_USER", "li.na")
    runner = CliRunner()
    rnd = random.Random(f"{SEED}-{name}")
    base = BASE.get(name)
    if base is None:  # a command this file does not know yet: its required slots
        base = {p.name: (CODE if p.param_type_name == "argument" else "x")
                for p in cmd.params if p.required}
    problems: list[str] = []
    cases = refused = 0
    for n, param in enumerate(targets(cmd)):
        for label in rnd.sample(sorted(HOSTILE), min(SAMPLES, len(HOSTILE))):
            values: dict[str, str | bool | None] = {
                k: (v.format(n=f"{n}{label}", csv=template["csv"], contract=template["contract"])
                    if isinstance(v, str) else v)
                for k, v in base.items()}
            values.update(WITH.get((name, param.name), {}))
            values[param.name] = HOSTILE[label]
            argv = argv_for(name, cmd, values)
            before = digest(db)
            result = runner.invoke(app, argv)
            cases += 1
            problem = check(argv, result, before, db)
            if result.exit_code == 0:  # accepted: start the next case from the template
                shutil.copyfile(template["db"], db)  # type: ignore[arg-type]
                Path(f"{db}-wal").unlink(missing_ok=True)
                Path(f"{db}-shm").unlink(missing_ok=True)
            if problem:
                problems.append(f"{param.opts[0]}={label}: {problem}")
            elif result.exit_code != 0:
                refused += 1
    figures(request, cases=cases, refused_unchanged=refused, problems=len(problems))
    assert not problems, f"{len(problems)} of {cases} cases of `{name}`:\n" + "\n".join(problems)


def test_markup_in_stored_text_is_printed_back_literally(cli):  # type: ignore[no-untyped-def]
    """Rich markup is legitimate data in a company name: stored and shown as typed."""
    for name in ("[red]x[/red]科技有限公司", "[/]贸易有限公司", "[bold]粗体有限公司"):
        cli("customer", "add", name, "--industry", "制造业")
    names = {row["name"] for row in cli.json("customer", "list")}
    assert {"[red]x[/red]科技有限公司", "[/]贸易有限公司", "[bold]粗体有限公司"} <= names
    for args in (("customer", "list"), ("due",), ("customer", "show", "[/]贸易有限公司")):
        out = cli(*args).stdout
        assert "[/]" in out, args
    assert "[red]x[/red]" in cli("customer", "list").stdout


def test_an_int_option_refuses_non_ascii_digits_and_underscores(cli, unchanged):  # type: ignore[no-untyped-def]
    cli("customer", "add", "甲公司")
    check_ = unchanged()
    for value in ("٣", "1_000", "1" + "0" * 30):
        cli.fails("customer", "add", "乙公司", "--decision-days", value)
        cli.fails("followup", "log", "甲公司", "-s", "x", "--satisfaction", value)
    check_()


def test_year_one_and_unknown_users_are_refused(cli, unchanged):  # type: ignore[no-untyped-def]
    cli("customer", "add", "甲公司")
    check_ = unchanged()
    cli.fails("followup", "log", "甲公司", "-s", "x", "--at", "0001-01-01")
    cli.fails("followup", "log", "甲公司", "-s", "x", "--next-due", "0001-01-01")
    cli("user", "add", "li.na", "--role", "manager")
    check_ = unchanged()
    cli.fails("customer", "add", "乙公司", "--owner", "nobody.here")
    cli.fails("customer", "add", "乙公司", user="nobody.here")
    check_()


# --- odd environments: the installed program for what only a real process carries
# (bytes that are not UTF-8 in argv), in-process for the rest (one start-up each saved)

ENVIRONMENT_CASES = {
    "invalid-utf8-argv": ("process", [b"customer", b"add", b"\xff\xfe\xfa"], {}),
    "control-chars-argv": ("process", ["customer", "add", "\x1b]0;pwned\x07有限公司"], {}),
    "int-over-64-bits": ("inprocess", ["followup", "log", CODE, "-s", "x", "--satisfaction",
                                       "9" * 30], {}),
    "cadence-out-of-range": ("inprocess", ["config", "set", "cadence.A.prospecting",
                                           "9" * 20], {}),
    "timezone-Asia": ("inprocess", ["config", "set", "timezone", "Asia"], {}),
    "today-9999-12-31": ("inprocess", ["due"], {"SALESFLOW_TODAY": "9999-12-31"}),
    "db-foo-url": ("inprocess", ["--db", "foo://bar", "due"], {}),
}


class Outcome:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def invoke(mode: str, db: Path, args: list, **env: str) -> Outcome:  # type: ignore[type-arg]
    if mode == "process":
        result = run(db, *args, check=False, **env)
        return Outcome(result.returncode, result.stdout, result.stderr)
    full = {"SALESFLOW_DB": str(db), "SALESFLOW_USER": "li.na", "SALESFLOW_TODAY": TODAY,
            "SALESFLOW_DEBUG": None, **env}
    outcome = CliRunner(env=full).invoke(app, args)  # type: ignore[arg-type]
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        return Outcome(99, outcome.stdout, f"internal error: {outcome.exception!r}")
    return Outcome(outcome.exit_code, outcome.stdout, outcome.stderr)


@pytest.mark.parametrize("label", sorted(ENVIRONMENT_CASES))
def test_odd_input_and_environments_are_refused_in_one_line(label, template, tmp_path):  # type: ignore[no-untyped-def]
    mode, args, env = ENVIRONMENT_CASES[label]
    db = copy_db(template["db"], tmp_path / "salesflow.db")  # type: ignore[arg-type]
    before = digest(db)
    result = invoke(mode, db, args, **env)
    err = result.stderr.strip()
    assert "Traceback" not in err and "internal error" not in err, err[:300]
    assert result.returncode in (0, 1, 2), (result.returncode, err)
    if result.returncode == 1:
        assert err.startswith("Error: ") and "\n" not in err, err[:300]
    if result.returncode != 0:
        assert digest(db) == before
    else:
        assert not any(c in result.stdout + result.stderr for c in RAW_CONTROLS), label


@pytest.mark.parametrize("kind", ["not-sqlite", "truncated"])
def test_a_file_that_is_not_a_sound_database_is_refused_and_left_alone(kind, template, tmp_path):  # type: ignore[no-untyped-def]
    db = tmp_path / "salesflow.db"
    if kind == "not-sqlite":
        db.write_text("name,phone\n甲,138\n", encoding="utf-8")
    else:
        data = Path(template["db"]).read_bytes()  # type: ignore[arg-type]
        db.write_bytes(data[: len(data) // 2])
    before = digest(db)
    for args in (["due"], ["customer", "add", "乙公司"]):
        result = invoke("inprocess", db, args)
        err = result.stderr.strip()
        assert "internal error" not in err, (args, err[:300])
        assert result.returncode == 1, (args, result.returncode, err[:300])
        assert err.startswith("Error: ") and "\n" not in err, err[:300]
        assert digest(db) == before


def test_a_read_command_on_a_mistyped_path_creates_nothing(tmp_path):  # type: ignore[no-untyped-def]
    db = tmp_path / "salesflwo.db"
    for args in (["due"], ["customer", "list"], ["export", "customers"]):
        result = invoke("inprocess", db, args)
        assert result.returncode == 1, (args, result.returncode, result.stderr[:300])
        assert result.stderr.strip().startswith("Error: ")
        assert not db.exists(), f"`{' '.join(args)}` created {db.name}"
