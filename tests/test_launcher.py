"""The warm server behind the `salesflow` entry point (salesflow.launcher, salesflow.server)
survives what a user's machine does to it, and its output is the cold path's, byte for
byte. Each test runs the installed entry point in subprocesses, with its own runtime
folder (so its own server), and stops that server at teardown. No timings are asserted;
waits only bound how long a test may hang."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32",
                                reason="the server needs fork and Unix sockets")

SALESFLOW = str(Path(sys.executable).with_name("salesflow"))
SRC = Path(__file__).resolve().parents[1] / "src"
TODAY = "2024-10-08"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        return state != "Z"
    return True


def wait_for(condition, timeout: float = 60.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Launch:
    """`salesflow …` as a user runs it, against this test's runtime folder and database."""

    def __init__(self, tmp_path: Path, argv: list[str] | None = None, **env: str) -> None:
        # a short folder: a Unix socket's path holds at most 107 bytes
        self.runtime = Path(tempfile.mkdtemp(prefix="sf", dir="/tmp"))
        self.folder = self.runtime / "salesflow"
        self.log = tmp_path / f"launcher-{self.runtime.name}.log"
        self.db = tmp_path / "salesflow.db"
        self.argv = argv or [SALESFLOW]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
        self.env.update(XDG_RUNTIME_DIR=str(self.runtime), SALESFLOW_DB=str(self.db),
                        SALESFLOW_USER="li.na", SALESFLOW_TODAY=TODAY, TZ="Asia/Shanghai",
                        SALESFLOW_LANG="en", SALESFLOW_SERVER_IDLE="120",
                        SALESFLOW_LAUNCHER_LOG=str(self.log))
        self.env.update(env)
        self.cwd = tmp_path

    def environ(self, cold: bool = False, **env: str) -> dict[str, str]:
        out = {**self.env, **env}
        if cold:
            out["SALESFLOW_NO_SERVER"] = "1"
        return out

    def __call__(self, *args: str, cold: bool = False, input: str | None = None,
                 **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.argv, *args], env=self.environ(cold, **env),
                              capture_output=True, text=True, input=input,
                              stdin=None if input is not None else subprocess.DEVNULL,
                              cwd=self.cwd, timeout=300)

    def popen(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen([*self.argv, *args], env=self.environ(**env), text=True,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=self.cwd)

    def ways(self) -> list[str]:
        """Which path ran each command since the last call: 'server' or 'in-process'."""
        if not self.log.exists():
            return []
        lines = self.log.read_text().split()
        self.log.unlink()
        return lines

    def servers(self) -> list[int]:
        pids = []
        for pidfile in self.folder.glob("*.pid"):
            with contextlib.suppress(OSError, ValueError):
                pid = int(pidfile.read_text())
                if alive(pid):
                    pids.append(pid)
        return pids

    def warm(self, **env: str) -> int:
        """Call until a command is served by a warm server; that server's pid."""
        def served() -> bool:
            self("--version", **env)
            return self.ways()[-1:] == ["server"]

        wait_for(served, what="a warm server")
        self.ways()
        return self.serving(**env)

    def serving(self, **env: str) -> int:
        """The pid of the server that answers on the socket (SO_PEERCRED)."""
        import struct

        code = ("import os, sys\nfrom salesflow.launcher import socket_path\n"
                "print(socket_path())")
        path = subprocess.run([sys.executable, "-c", code], env=self.environ(**env),
                              capture_output=True, text=True, check=True).stdout.strip()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            creds = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                 struct.calcsize("3i"))
            return struct.unpack("3i", creds)[0]
        finally:
            s.close()

    def stop(self) -> None:
        pids = self.servers()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.runtime, ignore_errors=True)


@pytest.fixture
def launch(tmp_path: Path):  # type: ignore[no-untyped-def]
    made: list[Launch] = []

    def make(**kwargs) -> Launch:  # type: ignore[no-untyped-def]
        one = Launch(tmp_path, **kwargs)
        made.append(one)
        return one

    yield make
    for one in made:
        one.stop()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database, made once (cold); tests work on copies of it."""
    folder = tmp_path_factory.mktemp("demo")
    one = Launch(folder)
    try:
        result = one("demo", cold=True)
        assert result.returncode == 0, result.stderr
    finally:
        one.stop()
    return one.db


def copy_of(db: Path, dest: Path) -> Path:
    src = sqlite3.connect(db)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        src.close()
        out.close()
    return dest


def count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def test_the_launcher_imports_only_the_standard_library(launch, demo_db):
    one = launch()
    copy_of(demo_db, one.db)
    one.warm()
    base = set(sys.stdlib_module_names) | {"salesflow", "salesflow.launcher",
                                           "salesflow.i18n"}

    def imported_by(code: str, *args: str) -> set[str]:
        result = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args],
                                env=one.environ(), capture_output=True, text=True,
                                cwd=one.cwd, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        names = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
                 if line.startswith("import time:") and "|" in line}
        return names - {"imported package"}  # the header line

    # what the interpreter imports before any code runs (site, a virtualenv's .pth hooks,
    # a distribution's sitecustomize and what it pulls in, e.g. Ubuntu's apport hook)
    startup = imported_by("pass")
    for args in (["--version"], ["due"], ["customer", "show", "MFG-EC-001"]):
        imported = imported_by("from salesflow.launcher import main; main()", *args)
        assert one.ways() == ["server"]
        own = imported - startup
        foreign = {m for m in own if m.split(".")[0] not in base and m not in base}
        assert not foreign, (args, sorted(foreign))
        # nor the heavier standard modules it has no need of (socket.py's enums,
        # contextlib's collections): a few milliseconds on every command
        assert not own & {"socket", "contextlib", "enum", "subprocess"}, args


# Read and write commands, a failing one, help in Chinese, completion: the server's output
# must be the cold process's, byte for byte, and so must the exit code.
SAME = [
    ("--version",),
    ("--help",),
    ("customer", "--help"),
    ("due",),
    ("due", "--format", "csv"),
    ("due", "--format", "json", "--owner", "wang.fang"),
    ("customer", "list"),
    ("customer", "list", "--owner", "wang.fang", "--format", "csv"),
    ("customer", "show", "MFG-EC-001"),
    ("customer", "show", "华东精密科技有限公司", "--format", "json"),
    ("brief", "MFG-EC-001"),
    ("followup", "list", "MFG-EC-001"),
    ("export", "customers"),
    ("export", "followups", "--format", "jsonl"),
    ("config", "show"),
    ("contract", "list"),
    ("need", "list"),
    ("report", "quarter", "--format", "json"),
    ("customer", "show", "NO-SUCH"),
    ("due", "--format", "xml"),
    ("no-such-command",),
    ("followup", "log"),
    ("followup", "log", "MFG-EC-001", "--summary", "电话沟通，确认交期", "--at",
     f"{TODAY} 10:00", "--next", "发报价", "--next-due", "2024-10-10"),
    ("customer", "add", "新星精密机械有限公司", "--industry", "制造业", "--region", "华东"),
    ("followup", "log", "MFG-EC-001", "--summary", "x", "--feedback", "maybe"),
    ("grade", "--all"),
]


def test_the_fast_path_prints_what_the_cold_path_prints(launch, demo_db, tmp_path):
    cold_db, fast_db = tmp_path / "cold.db", tmp_path / "fast.db"
    copy_of(demo_db, cold_db)
    copy_of(demo_db, fast_db)
    one = launch()
    one.warm()
    cases = [(args, {}) for args in SAME] + [
        (("--help",), {"SALESFLOW_LANG": "zh_CN"}),
        (("due",), {"SALESFLOW_LANG": "zh_CN"}),
        (("customer", "show", "NO-SUCH"), {"LANG": "zh_CN.UTF-8", "SALESFLOW_LANG": ""}),
        (("due", "--format", "xml"), {"SALESFLOW_LANG": "zh_CN"}),
        ((), {"_SALESFLOW_COMPLETE": "complete_bash", "COMP_WORDS": "salesflow brief MFG",
              "COMP_CWORD": "2"}),
    ]
    for args, env in cases:
        if env.get("SALESFLOW_LANG", "en") != "en" or "LANG" in env:
            one.warm(**env)  # the Chinese server, warm too
        cold = one(*args, cold=True, SALESFLOW_DB=str(cold_db), **env)
        fast = one(*args, SALESFLOW_DB=str(fast_db), **env)
        assert one.ways() == ["in-process", "server"], args
        assert (fast.returncode, fast.stdout, fast.stderr) == (
            cold.returncode, cold.stdout, cold.stderr), (args, env)
    assert count(cold_db, "followup") == count(fast_db, "followup")
    assert count(cold_db, "customer") == count(fast_db, "customer")
    # Typer finds the shell from its own parent process: only the launcher's is the shell
    shown = one("--show-completion", "bash")
    assert shown.returncode == 0 and "_salesflow_completion" in shown.stdout
    assert one.ways() == ["in-process"]


def test_today_zone_language_and_database_are_read_afresh_each_call(launch, demo_db, tmp_path):
    one = launch()
    other = copy_of(demo_db, tmp_path / "other.db")
    copy_of(demo_db, one.db)
    one("config", "set", "timezone", "local", cold=True)
    one.warm()
    calls = [
        (("due", "--format", "csv"), {"SALESFLOW_TODAY": "2024-10-08"}),
        (("due", "--format", "csv"), {"SALESFLOW_TODAY": "2025-03-01"}),
        (("followup", "log", "MFG-EC-001", "-s", "x", "--at", "2024-10-07 23:30"),
         {"TZ": "UTC"}),
        (("followup", "list", "MFG-EC-001"), {"TZ": "America/New_York"}),
        (("followup", "list", "MFG-EC-001"), {"TZ": "Asia/Tokyo"}),
        (("due",), {"SALESFLOW_LANG": "zh_CN"}),
        (("due",), {"SALESFLOW_LANG": "en"}),
        (("due",), {"LANG": "zh_CN.UTF-8", "SALESFLOW_LANG": ""}),
        (("customer", "add", "只在另一个库有限公司"), {"SALESFLOW_DB": str(other)}),
        (("customer", "show", "只在另一个库有限公司"), {"SALESFLOW_DB": str(other)}),
        (("customer", "show", "只在另一个库有限公司"), {}),
    ]
    outputs = []
    for args, env in calls:
        fast = one(*args, **env)
        cold = one(*args, cold=True, **env) if args[0:2] not in (
            ("followup", "log"), ("customer", "add")) else fast
        assert (fast.returncode, fast.stdout, fast.stderr) == (
            cold.returncode, cold.stdout, cold.stderr), (args, env)
        outputs.append(fast)
    assert outputs[0].stdout != outputs[1].stdout  # another day, another agenda
    assert outputs[2].returncode == 0
    assert outputs[3].stdout != outputs[4].stdout  # the team's zone is the machine's: TZ
    assert outputs[5].stdout != outputs[6].stdout and outputs[5].stdout == outputs[7].stdout
    assert outputs[9].returncode == 0 and outputs[10].returncode == 1
    assert "server" in one.ways()


def test_an_upgrade_while_it_runs_gets_a_new_server_and_the_old_one_exits(launch, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(SRC / "salesflow", package / "salesflow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    one = launch(argv=[sys.executable, "-c", "from salesflow.launcher import main; main()"],
                 PYTHONPATH=str(package))
    old = one.warm()
    assert one("--version").stdout == "salesflow 0.1.0\n"
    init = package / "salesflow" / "__init__.py"
    init.write_text(init.read_text().replace('"0.1.0"', '"0.1.1"'))
    wait_for(lambda: not alive(old), timeout=30, what="the old server to exit")
    assert one("--version").stdout == "salesflow 0.1.1\n"  # the new code, at once
    new = one.warm()
    assert new != old
    assert one("--version").stdout == "salesflow 0.1.1\n"


def _import_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "industry", "region", "potential", "decision_days"])
        for i in range(rows):
            w.writerow([f"中断测试企业{i:05d}有限公司", "制造业", "华东", "50万", 30])
    return path


def _children_of(pid: int) -> list[int]:
    """The live children of a process (Linux /proc: each process's parent pid)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(") ", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds the command's child through /proc")


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_interrupts_the_command_and_keeps_the_database_whole(launch, demo_db, tmp_path,
                                                                    signum):
    one = launch()
    copy_of(demo_db, one.db)
    server = one.warm()
    before = count(one.db, "customer")
    rows = 20000  # checked by the child and its workers when the signal comes
    proc = one.popen("customer", "import", str(_import_csv(tmp_path / "in.csv", rows)),
                     SALESFLOW_DEBUG="1")
    found: list[int] = []
    wait_for(lambda: found.extend(_children_of(server)) or found, timeout=30,
             what="the command's child")
    child = found[0]
    time.sleep(0.3)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    wait_for(lambda: not alive(child), timeout=30, what="the child to end")
    after = count(one.db, "customer")
    if proc.returncode == 0:  # it had finished before the signal came
        assert after == before + rows
    else:
        assert proc.returncode == 128 + signum, (proc.returncode, err)
        assert after == before, "an interrupted import must leave nothing"
        assert "interrupted" in err, err


def test_a_reader_that_leaves_early_is_not_an_error(launch, demo_db):
    one = launch()
    copy_of(demo_db, one.db)
    one.warm()
    result = subprocess.run(
        ["bash", "-c", f"{SALESFLOW} export followups --format jsonl | head -1; "
                       "exit ${PIPESTATUS[0]}"],
        env=one.environ(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 and result.stderr == ""
    assert one.ways() == ["server"]
    # stdout closed outright: the output is lost, and both paths say so alike
    closed = {}
    for cold in (True, False):
        closed[cold] = subprocess.run(
            ["bash", "-c", f"{SALESFLOW} export customers >&-"],
            env=one.environ(cold), capture_output=True, text=True, timeout=120)
    assert one.ways() == ["in-process", "server"]
    assert (closed[False].returncode, closed[False].stderr) == (
        closed[True].returncode, closed[True].stderr)
    assert closed[False].returncode == 1
    assert closed[False].stderr.startswith("Error: cannot write to standard output")


def test_another_user_can_neither_reach_nor_impersonate_the_server(launch, demo_db):
    one = launch()
    copy_of(demo_db, one.db)
    one.warm()
    folder_mode = os.stat(one.folder).st_mode & 0o777
    assert folder_mode == 0o700
    sock = next(one.folder.glob("*.sock"))
    assert os.stat(sock).st_mode & 0o077 == 0
    if os.getuid() == 0:
        # a second uid on the same machine cannot even connect
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(sock))
                    code = 1
                except PermissionError:
                    code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    # a runtime folder another user could write to is not used at all
    shared = Launch(one.cwd)
    try:
        shared.folder.mkdir(mode=0o755)
        os.chmod(shared.folder, 0o755)
        for _ in range(3):
            assert shared("--version").returncode == 0
        assert shared.ways() == ["in-process"] * 3
        assert not list(shared.folder.iterdir())
    finally:
        shared.stop()


@needs_proc
def test_a_killed_server_or_child_is_survived(launch, demo_db, tmp_path):
    one = launch()
    copy_of(demo_db, one.db)
    server = one.warm()
    os.kill(server, signal.SIGKILL)
    wait_for(lambda: not alive(server), what="the server to die")
    result = one("customer", "show", "MFG-EC-001")  # a stale socket: falls back, works
    assert result.returncode == 0 and "MFG-EC-001" in result.stdout
    assert one.ways() == ["in-process"]
    server = one.warm()  # and a new server took over
    # the command's child killed: the client says so and exits 128 + 9 (a file long
    # enough that the child is still checking it, on every CPU, when it is killed)
    proc = one.popen("customer", "import", str(_import_csv(tmp_path / "in.csv", 20000)))
    found: list[int] = []
    wait_for(lambda: found.extend(_children_of(server)) or found, timeout=30,
             what="the command's child")
    os.kill(found[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGKILL
    assert "killed by signal 9 (SIGKILL)" in err
    assert alive(server)
    assert one("due").returncode == 0 and one.ways()[-1] == "server"
    # the client killed (kill -9): its command dies with it, as a cold process would
    before = count(one.db, "customer")
    proc = one.popen("customer", "import", str(_import_csv(tmp_path / "in2.csv", 20000)))
    found.clear()
    wait_for(lambda: found.extend(_children_of(server)) or found, timeout=30,
             what="the command's child")
    child = found[0]
    proc.kill()
    proc.wait()
    wait_for(lambda: not alive(child), timeout=30, what="the orphaned child to die")
    assert count(one.db, "customer") in (before, before + 20000)


def test_no_server_is_used_when_disabled(launch, demo_db):
    one = launch()
    copy_of(demo_db, one.db)
    for _ in range(2):
        assert one("--version", SALESFLOW_NO_SERVER="1").returncode == 0
    assert one.ways() == ["in-process", "in-process"]
    assert one.servers() == []
