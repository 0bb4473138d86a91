"""Data care on the way out (issue 9): stored text is printed literally and safely, a
reader that leaves early changes neither the data nor the exit code, a broken stdout or
a full disk is one line, and an interrupted `export -o` leaves no personal data behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SALESFLOW = str(Path(sys.executable).parent / "salesflow")


def run(*args: str | bytes, stdout: int | None = subprocess.PIPE,
        timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """The installed `salesflow`, as a user runs it (environment of the test)."""
    return subprocess.run([SALESFLOW, *args], stdout=stdout, stderr=subprocess.PIPE,
                          timeout=timeout, check=False)


def run_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """stdout is a pipe whose reader has already left: every write meets EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return run(*args, stdout=write_end)
    finally:
        os.close(write_end)


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """A bash line; `salesflow` is the installed one."""
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                          timeout=120, check=False,
                          env={**os.environ, "PATH": f"{Path(SALESFLOW).parent}:"
                                                     f"{os.environ['PATH']}"})


def left_quietly(result: subprocess.CompletedProcess[bytes]) -> bool:
    """Exit 0 and no complaint (the usual messages on stderr may stay)."""
    return (result.returncode == 0 and b"Error" not in result.stderr
            and b"Traceback" not in result.stderr)


def names(cli) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["name"] for c in cli.json("customer", "list")]


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


# --- 1. stored text is never Rich markup -----------------------------------------------

MARKUP = ("华南[/]贸易有限公司", "[red]x[/red]贸易有限公司", "[bold]粗体[/bold]科技有限公司")


@pytest.fixture
def marked(cli, wide):  # type: ignore[no-untyped-def]
    """Customers, a need, a contract, a user and a setting whose text looks like markup."""
    cli.today("2024-10-08")
    cli("user", "add", "li.na[/]", "--role", "manager")
    cli.monkeypatch.setenv("SALESFLOW_USER", "li.na[/]")  # owner of all, a report column
    codes = [cli("customer", "add", name, "--industry", "[/]制造业", "--region", "华东",
                 "--potential", "80万", "--decision-days", "20").stdout.strip()
             for name in MARKUP]
    cli("need", "add", codes[0], "[/]数控机床[red]升级", "--kind", "刚性", "--priority", "high")
    number = cli("contract", "add", codes[0], "--amount", "10万", "--start", "2024-10-08",
                 "--end", "2025-10-08", "--terms", "[/]一次性付款[red]").stdout.strip()
    cli("config", "set", "code.industry.[/]矿业", "MIN")
    cli("followup", "log", codes[1], "-s", "[/]寄样品[red]")
    return codes, number


@pytest.mark.parametrize("command", [
    ("due",), ("due", "--owner", "li.na[/]"), ("customer", "list"), ("customer", "show", "{0}"),
    ("need", "list"), ("contract", "show", "{n}"), ("contract", "list"), ("user", "list"),
    ("config", "show"), ("followup", "list"), ("report", "quarter", "2024Q4", "--by", "owner"),
], ids=lambda c: " ".join(c))
def test_markup_in_stored_text_is_printed_literally(cli, marked, command):
    codes, number = marked
    args = [a.format(*codes, n=number) for a in command]
    out = cli(*args).stdout
    assert "Traceback" not in out
    if command[0] in ("customer", "due"):
        for name in MARKUP if command[:2] == ("customer", "list") else MARKUP[:1]:
            assert name in out, out
    expected = {"need": "[/]数控机床[red]升级", "contract": "[/]", "user": "li.na[/]",
                "config": "code.industry.[/]矿业", "followup": "[/]寄样品[red]",
                "report": "li.na[/]"}
    if command[0] in expected and command[:2] != ("contract", "list"):
        assert expected[command[0]] in out, out


# --- 5. control, bidi and zero-width characters -------------------------------------------

BAD = [
    ("\x1b]0;pwned\x07华东有限公司", "\\x1b]0;pwned\\x07"),
    ("华东\x1b[2J有限公司", "\\x1b[2J"),
    ("华东有限公司\r\n伪造的一行", "\\x0d\\x0a"),
    ("华东\u202e司公限有", "\\u202e"),
    ("华东\u200b有限公司", "\\u200b"),
]
BAD_IDS = ["osc-title", "clear-screen", "crlf", "bidi-override", "zero-width"]


@pytest.fixture
def customer(cli):  # type: ignore[no-untyped-def]
    cli.today("2024-10-08")
    return cli("customer", "add", "华东精密科技有限公司").stdout.strip()


def refusing(customer: str, value: str) -> list[tuple[str, list[str]]]:
    return [
        ("name", ["customer", "add", value]),
        ("region", ["customer", "add", "华北机械有限公司", "--region", value]),
        ("contact-name", ["customer", "edit", customer, "--contact", value]),
        ("notes", ["customer", "edit", customer, "--notes", value.replace("\n", "")]),
        ("summary", ["followup", "log", customer, "-s", value.replace("\n", "")]),
        ("next-action", ["followup", "log", customer, "-s", "ok", "--next-action", value,
                         "--next-due", "+3d"]),
        ("description", ["need", "add", customer, value.replace("\n", ""), "--kind", "刚性",
                         "--priority", "high"]),
        ("terms", ["contract", "add", customer, "--amount", "10万", "--start",
                   "2024-10-08", "--end", "2025-10-08", "--terms", value.replace("\n", "")]),
        ("name", ["user", "add", value, "--role", "rep"]),
        ("key", ["config", "set", "code.region." + value, "EC"]),
        ("timezone", ["config", "set", "timezone", value]),
        ("reason", ["grade", customer, "--set", "A", "--reason", value]),
    ]


@pytest.mark.parametrize(("value", "shown"), BAD, ids=BAD_IDS)
def test_control_characters_are_refused_in_every_free_text_field(
        cli, customer, unchanged, value, shown):
    for field, args in refusing(customer, value):
        check = unchanged()
        err = cli.fails(*args)
        assert field in err, (args, err)
        assert all(c.isprintable() for c in err), (args, repr(err))
        assert shown.split("\\x0a")[0] in err, (args, err)
        check()


def test_a_bad_cell_in_an_import_is_refused_and_named(cli, customer, tmp_path, unchanged):
    sheet = tmp_path / "客户.csv"
    sheet.write_text("客户名称,行业\n华东\x1b[2J有限公司,制造业\n", encoding="utf-8")
    check = unchanged()
    result = cli("customer", "import", str(sheet), code=1)
    assert "\x1b" not in result.stderr and "\\x1b[2J" in result.stderr
    assert "Traceback" not in result.output
    check()


def test_newlines_and_tabs_stay_where_a_field_has_lines(cli, customer):
    cli("followup", "log", customer, "-s", "第一行\n第二行\t备注")
    cli("customer", "edit", customer, "--notes", "一\n二")
    summary = cli.json("followup", "list")[0]["summary"]
    assert summary == "第一行\n第二行\t备注"
    assert cli.json("customer", "show", customer)["notes"] == "一\n二"


def test_invalid_utf8_in_an_argument_is_one_line(cli, customer, unchanged):
    check = unchanged()
    for args in ([b"customer", b"add", b"\xff\xfe"],
                 [b"customer", b"add", b"\xe5\x8d\x8e\xff", b"--industry", b"\xff"],
                 [b"followup", b"log", customer.encode(), b"-s", b"\xc3\x28"]):
        result = run(*args)
        err = result.stderr.decode()
        assert result.returncode in (1, 2), err
        assert err.startswith("Error: ") and err.count("\n") == 1, err
        assert "not UTF-8" in err and "Traceback" not in err, err
    check()


def test_an_unknown_reference_is_echoed_escaped(cli, customer):
    err = cli.fails("customer", "show", "X\x1b[2J\r\nError: 伪造")
    assert "\x1b" not in err and "\r" not in err and "\\x1b[2J\\x0d\\x0a" in err


def test_old_data_with_control_characters_is_printed_escaped(cli, customer, wide):
    from sqlalchemy import create_engine, text

    url = cli.location if not cli.is_sqlite else f"sqlite:///{cli.db}"
    engine = create_engine(url)
    with engine.begin() as conn:  # as an older version stored it, before the check
        conn.execute(text("UPDATE customer SET name = :n, region = :r"),
                     {"n": "华东\x1b]0;pwned\x07有限公司", "r": "华\u202e东"})
    engine.dispose()
    for args in (["customer", "list"], ["customer", "show", customer], ["due"]):
        out = cli(*args).stdout
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, args
        assert "\\x1b]0;pwned\\x07" in out, (args, out)
    assert cli.json("customer", "show", customer)["name"] == "华东\x1b]0;pwned\x07有限公司"


# --- 2 and 7. a reader that leaves early ----------------------------------------------------


def test_a_write_whose_reader_left_is_committed_and_exits_0(cli):
    cli.today("2024-10-08")
    result = run_closed_pipe("customer", "add", "华东精密科技有限公司")
    assert left_quietly(result), result
    assert names(cli) == ["华东精密科技有限公司"]


def test_grade_all_into_a_short_pipe_keeps_the_grades(cli):
    cli.today("2024-10-08")
    for i in range(8):
        cli("customer", "add", f"华东精密{i}有限公司", "--potential", "5万",
            "--decision-days", "20")
    assert {c["tier"] for c in cli.json("customer", "list")} == {"C"}
    cli("config", "set", "tier.b.potential", "1")
    result = shell("set -o pipefail; salesflow grade --all --format csv | head -2")
    assert result.returncode == 0 and "Error" not in result.stderr, result
    assert {c["tier"] for c in cli.json("customer", "list")} == {"B"}


def test_reassign_whose_reader_left_is_committed_and_exits_0(cli):
    cli.today("2024-10-08")
    cli("customer", "add", "华东精密科技有限公司")
    result = run_closed_pipe("customer", "reassign", "--from", "li.na", "--to", "sun.li")
    assert left_quietly(result), result
    assert [c["owner"] for c in cli.json("customer", "list")] == ["sun.li"]


@pytest.mark.parametrize("command", [
    ("due",), ("customer", "list"), ("export", "followups", "--format", "jsonl"),
    ("export", "customers"), ("customer", "show", "GEN-XX-001"), ("report", "quarter"),
], ids=lambda c: " ".join(c))
def test_a_reader_that_left_is_not_an_error(cli, command):
    cli.today("2024-10-08")
    cli("customer", "add", "华东精密科技有限公司")
    cli("followup", "log", "GEN-XX-001", "-s", "寄样品")
    cli.today("2024-12-20")  # overdue by now: `due` has rows to print
    result = run_closed_pipe(*command)
    assert left_quietly(result), result


def test_export_into_head_stops_quietly(cli):
    cli.today("2024-10-08")
    cli("customer", "add", "华东精密科技有限公司")
    for i in range(300):
        cli("followup", "log", "GEN-XX-001", "-s", f"第{i}次" + "很长的纪要" * 50)
    result = shell("salesflow export followups --format jsonl | head -1;"
                   " echo \"rc=${PIPESTATUS[0]}\"")
    assert result.stdout.endswith("rc=0\n") and result.stdout.count("\n") == 2, result
    assert result.stderr == ""


# --- 6. stdout closed, a full disk ------------------------------------------------------------


def test_closed_stdout_is_one_line_and_the_change_is_kept(cli):
    cli.today("2024-10-08")
    write = shell("salesflow customer add 华东精密科技有限公司 >&-")
    assert write.returncode == 1
    assert "Traceback" not in write.stderr
    assert write.stderr.splitlines()[-1].startswith("Error: cannot write to standard output")
    assert names(cli) == ["华东精密科技有限公司"]
    cli.today("2024-12-20")
    read = shell("salesflow due >&-")
    assert read.returncode == 1 and read.stderr.count("\n") == 1, read
    assert read.stderr.startswith("Error: cannot write to standard output"), read


def test_a_full_disk_is_one_line(cli, customer, unchanged):
    check = unchanged()
    err = cli.fails("export", "customers", "-o", "/dev/full")
    assert "/dev/full" in err and "No space left on device" in err
    with open("/dev/full", "wb") as full:
        result = run("export", "customers", stdout=full.fileno())
    err = result.stderr.decode()
    assert result.returncode == 1 and err.count("\n") == 1 and err.startswith("Error: "), err
    assert "No space left on device" in err
    check()


# --- 10. no temporary file outlives an export -------------------------------------------------


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_the_next_export_removes_what_a_dead_export_left(cli, customer, tmp_path):
    out = tmp_path / "f.csv"
    stale = tmp_path / f".f.csv.{dead_pid()}.abcd1234.tmp"
    legacy = tmp_path / ".f.csv.k2j4h5g6.tmp"
    running = tmp_path / f".f.csv.{os.getpid()}.efgh5678.tmp"
    other = tmp_path / f".g.csv.{dead_pid()}.abcd1234.tmp"
    for f in (stale, legacy, running, other):
        f.write_text("code,name\nGEN-XX-001,华东精密科技有限公司\n")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(legacy, (day_ago, day_ago))
    cli("export", "customers", "-o", str(out))
    assert temps(tmp_path) == sorted([running.name, other.name])
    assert "华东精密科技有限公司" in out.read_text()


SLOW_EXPORT = textwrap.dedent("""
    import sys, time
    import salesflow.output as output
    real = output.write_csv
    def slow(rows, columns, opts, out=None):
        def trickle():
            for row in rows:
                yield row
                out.flush()
                print("row", flush=True, file=sys.stderr)
                time.sleep(60)
        return real(trickle(), columns, opts, out)
    output.write_csv = slow
    from salesflow.cli import main
    sys.argv = ["salesflow", "export", "customers", "-o", sys.argv[1]]
    main()
""")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP],
                         ids=["SIGTERM", "SIGINT", "SIGHUP"])
def test_an_export_killed_midway_leaves_no_temporary_file(cli, customer, tmp_path, signum):
    out = tmp_path / "f.csv"
    env = {**os.environ, "SALESFLOW_DEBUG": "0"}
    child = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, str(out)],
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    assert child.stderr is not None
    assert child.stderr.readline() == b"row\n"  # one row written, the export sleeps
    assert len(temps(tmp_path)) == 1
    child.send_signal(signum)
    child.wait(timeout=60)
    assert child.returncode != 0
    assert temps(tmp_path) == [] and not out.exists()
