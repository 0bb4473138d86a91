"""The per-user warm server behind salesflow.launcher (Mercurial's chg, for salesflow).

It imports the whole command line and what the commands use (SQLAlchemy, SQLModel, the
models, the services, Rich) once, rehearses the daily commands against a scratch database
of demo data (rehearse: so that their SQL is compiled once, not in every child; the
user's database is never opened), and then, for each connection, forks a child from that
state. The child receives the client's request
(launcher.request: argv, environment, working directory, umask, and the client's fds 0,
1 and 2), becomes that process — the fds as its standard streams, `os.environ` replaced,
`time.tzset()`, the working directory and umask set — runs `salesflow.cli.main()`
exactly as the in-process path does, and reports its exit status. So nothing a command
computes from the environment (language, time zone, SALESFLOW_TODAY, the database) can
leak from one command into another: no module computes such state at import, except the
language, which is part of the server's key (one server per language).

Protocol on the connection, one line each: the child writes `P<pid>` once it holds the
command (before that, the client may run the command itself), and `E<code>` as it
exits; the server writes `S<signal>` when the child was killed (or `E<code>` if the
child could not). If the client goes away while the child runs (it was killed, even by
SIGKILL), the child kills itself, as the cold process would have died.

The server exits after SALESFLOW_SERVER_IDLE seconds (default 15 minutes) without a
command, and within a second once its socket is no longer the one a launcher would use
(the package changed: its key moved) or was taken over by another server.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import marshal
import os
import pkgutil
import select
import signal
import socket
import struct
import sys
import time

from salesflow import launcher

# Imported by the commands inside functions (so that --help stays light); the server has
# them ready. None of them reads the environment when imported.
_WARM = (
    "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.sqlite", "sqlalchemy.sql.default_comparator", "sqlmodel",
    "rich.console", "rich.table", "rich.text", "rich.markup", "rich.box", "rich.panel",
    "typer.rich_utils", "typer.completion", "typer._completion_classes",
    "platformdirs", "tzlocal", "zoneinfo", "dateutil.relativedelta", "chinese_calendar",
    "csv", "json", "decimal", "uuid", "hashlib", "sqlite3", "getpass", "locale",
    "threading", "io", "phonenumbers", "email_validator", "charset_normalizer",
)
_SKIP = ("salesflow.migrations", "salesflow.server", "salesflow.launcher")


def warm() -> None:
    """Import everything a command may need; build the ORM mappers; rehearse."""
    import salesflow

    for name in _WARM:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    for info in pkgutil.walk_packages(salesflow.__path__, "salesflow."):
        if info.name.startswith(_SKIP):
            continue
        with contextlib.suppress(Exception):
            importlib.import_module(info.name)
    with contextlib.suppress(Exception):
        from sqlalchemy.orm import configure_mappers

        configure_mappers()
    from salesflow import cli

    cli.command()  # Typer's Click command, built once for every child
    from salesflow.rules import workdays

    workdays.warm()  # the official calendar's answer for every day it covers
    with contextlib.suppress(Exception):
        rehearse()
    gc.collect()
    gc.freeze()  # the children share these pages instead of copying them on the first GC


# The commands a rep and a manager run all day, rehearsed once by the server before it
# forks any child (rehearse), against the demo data (its rep li.na, its manager the user
# who made it) on a scratch database: the agenda's kinds then find rows to read, and a
# greeted holiday (中秋节 2025) falls in the window of the dated `due`.
_REHEARSAL_MANAGER = "rehearsal"
_REHEARSAL = (
    ("due",), ("due", "--owner", "li.na"), ("due", "--date", "2025-10-03"),
    ("customer", "show", "MFG-EC-001"), ("brief", "MFG-EC-001"),
    ("customer", "list", "--owner", "li.na"), ("customer", "list"),
    ("followup", "list", "MFG-EC-001"),
    ("followup", "log", "MFG-EC-001", "--summary", "rehearsal", "--feedback", "positive",
     "--next", "call", "--next-due", "tomorrow"),
)


def rehearse() -> None:
    """Run the daily commands once, in this process, against a scratch database in a
    private temporary folder, their output discarded, so that what they compute once per
    process is ready in every child: SQLAlchemy's compiled statements (shared by every
    SQLite engine: db.SharedSQLite) and the ORM's per-statement state. Only such caches
    stay: the environment, the standard streams, sys.argv and the language are restored
    afterwards, and a child sets them from its client before its command runs
    (_child, _fresh_state). A command that fails here is skipped."""
    import tempfile

    from salesflow import cli, i18n, stdout

    saved_env = dict(os.environ)
    saved_argv = list(sys.argv)
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    null = os.open(os.devnull, os.O_RDWR)
    saved_fds = [os.dup(fd) for fd in (0, 1, 2)]
    try:
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        with tempfile.TemporaryDirectory(prefix="salesflow-rehearsal-") as folder:
            os.environ["SALESFLOW_DB"] = os.path.join(folder, "rehearsal.db")
            os.environ.pop("SALESFLOW_TODAY", None)
            for user, argv in [(_REHEARSAL_MANAGER, ("demo",))] + [
                    (user, a) for user in ("li.na", _REHEARSAL_MANAGER) for a in _REHEARSAL]:
                os.environ["SALESFLOW_USER"] = user
                sys.argv = ["salesflow", *argv]
                with contextlib.suppress(Exception, SystemExit):
                    cli.main()
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
    finally:
        for fd, saved in zip((0, 1, 2), saved_fds, strict=True):
            os.dup2(saved, fd)
            os.close(saved)
        os.close(null)
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        os.environ.clear()
        os.environ.update(saved_env)
        stdout._guard = None  # noqa: SLF001 (the rehearsal's guard is forgotten)
        i18n.reset()


def idle_limit() -> float:
    try:
        return float(os.environ.get("SALESFLOW_SERVER_IDLE", launcher.IDLE_DEFAULT))
    except ValueError:
        return launcher.IDLE_DEFAULT


def serve() -> None:
    path = sys.argv[1]
    language = os.environ.get("SALESFLOW_LANG", "en")
    warm()
    temporary = f"{path}.{os.getpid()}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    listener.bind(temporary)
    os.chmod(temporary, 0o600)
    listener.listen(64)
    os.replace(temporary, path)  # a stale socket of a dead server is replaced whole
    inode = os.stat(path).st_ino
    pidfile = f"{path}.{os.getpid()}.pid"  # which servers run (tests stop them by it)
    with contextlib.suppress(OSError), open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    with contextlib.suppress(OSError):
        os.unlink(f"{path}.starting")
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: None)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    children: dict[int, socket.socket] = {}
    last = time.monotonic()
    checked = last
    stopping = False
    limit = idle_limit()
    while True:
        try:
            ready, _, _ = select.select([listener, wake_r], [], [], 1.0)
        except InterruptedError:
            ready = []
        if wake_r in ready:
            with contextlib.suppress(BlockingIOError, InterruptedError):
                signums = os.read(wake_r, 512)
                if signal.SIGTERM in signums:
                    stopping = True
        _reap(children)
        if listener in ready and not stopping:
            try:
                conn, _ = listener.accept()
            except OSError:
                conn = None
            if conn is not None:
                last = time.monotonic()
                _dispatch(conn, listener, children, (wake_r, wake_w))
        now = time.monotonic()
        if children:
            last = now
        if not stopping and now - checked >= 1.0:
            checked = now
            stopping = (now - last > limit or not _still_ours(path, inode, language))
        if stopping:
            with contextlib.suppress(OSError):
                if os.stat(path).st_ino == inode:
                    os.unlink(path)
            with contextlib.suppress(OSError):
                os.unlink(pidfile)
            listener.close()
            # a command in flight is finished and reported before the server goes
            while children:
                with contextlib.suppress(InterruptedError, OSError):
                    select.select([wake_r], [], [], 0.5)
                with contextlib.suppress(OSError):
                    os.read(wake_r, 512)
                _reap(children)
            return


def _still_ours(path: str, inode: int, language: str) -> bool:
    """The socket is still ours and still the one a launcher would connect to."""
    try:
        if os.stat(path).st_ino != inode:
            return False
        return launcher.socket_path(language) == path
    except OSError:
        return False


def _reap(children: dict[int, socket.socket]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        if os.WIFSIGNALED(status):
            line = f"S{os.WTERMSIG(status)}\n"
        else:
            line = f"E{os.waitstatus_to_exitcode(status)}\n"
        with contextlib.suppress(OSError):
            conn.sendall(line.encode())
        conn.close()


def _dispatch(conn: socket.socket, listener: socket.socket,
              children: dict[int, socket.socket], wake: tuple[int, int]) -> None:
    try:
        if launcher.peer_uid(conn) != os.getuid():
            conn.close()
            return
    except OSError:
        conn.close()
        return
    pid = os.fork()
    if pid:
        children[pid] = conn
        return
    # the child: nothing of the server's stays open or installed
    code = 1
    try:
        listener.close()
        for other in children.values():
            other.close()
        signal.set_wakeup_fd(-1)
        for fd in wake:
            os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = _child(conn)
    except BaseException:  # noqa: B036 - whatever happens, the child must not return
        code = 1
    finally:
        os._exit(code)


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    conn.settimeout(10.0)
    fds: list[int] = []
    data = b""
    space = socket.CMSG_SPACE(3 * struct.calcsize("i"))
    while len(data) < 4 or len(data) < 4 + struct.unpack("!I", data[:4])[0]:
        chunk, ancillary, _flags, _addr = conn.recvmsg(1 << 16, space)
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                usable = len(payload) - len(payload) % 4
                fds.extend(struct.unpack(f"{usable // 4}i", payload[:usable]))
        if not chunk:
            raise ConnectionError("the client left")
        data += chunk
    conn.settimeout(None)
    size = struct.unpack("!I", data[:4])[0]
    return marshal.loads(data[4:4 + size]), fds


def _child(conn: socket.socket) -> int:
    """Become the client's process, run the command, report. Returns the exit code."""
    request, fds = _receive(conn)
    present = list(request["present"])
    if len(fds) != sum(present):
        return 1  # not what we expected: exit without a start, the client runs it itself
    os.chdir(request["cwd"])  # a failure here, too, leaves the command to the client
    conn.sendall(f"P{os.getpid()}\n".encode())
    # the standard streams: the client's fds, or closed where the client's were
    incoming = iter(fds)
    targets = [fd for fd, there in zip((0, 1, 2), present, strict=True) if there]
    for fd, target in zip(incoming, targets, strict=True):
        if fd != target:
            os.dup2(fd, target)
    for fd in fds:
        if fd not in targets:
            os.close(fd)
    for target, there in zip((0, 1, 2), present, strict=True):
        if not there:
            with contextlib.suppress(OSError):
                os.close(target)
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    with contextlib.suppress(Exception):
        import locale

        locale.setlocale(locale.LC_CTYPE, "")
    sys.argv = list(request["argv"])
    _standard_streams(present, request["encodings"])
    _fresh_state()
    _watch(conn)
    code = _run()
    with contextlib.suppress(OSError):
        conn.sendall(f"E{code}\n".encode())
    return code


def _standard_streams(present: list[bool], encodings: list) -> None:
    """sys.stdin/stdout/stderr as Python would have made them for the client."""
    import io

    made = []
    for fd, there, (encoding, errors) in zip((0, 1, 2), present, encodings, strict=True):
        if not there:
            made.append(None)
            continue
        raw = io.FileIO(fd, "rb" if fd == 0 else "wb", closefd=False)
        tty = raw.isatty()
        if fd == 0:
            buffered: io.BufferedIOBase = io.BufferedReader(raw)
        else:
            buffered = io.BufferedWriter(raw)
        made.append(io.TextIOWrapper(
            buffered, encoding=encoding or "utf-8", errors=errors or "strict",
            line_buffering=(fd == 2 or tty), write_through=(fd == 2)))
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made


def _fresh_state() -> None:
    """Whatever a library cached from the server's environment is forgotten."""
    from salesflow import i18n

    i18n.reset()
    tzlocal = sys.modules.get("tzlocal.unix")
    if tzlocal is not None and hasattr(tzlocal, "_cache_tz"):
        tzlocal._cache_tz = None  # type: ignore[attr-defined]
        if hasattr(tzlocal, "_cache_tz_name"):
            tzlocal._cache_tz_name = None  # type: ignore[attr-defined]


def _watch(conn: socket.socket) -> None:
    """The client went away (killed) while the command runs: end as it would have."""
    import threading

    def watch() -> None:
        try:
            while conn.recv(64):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def _run() -> int:
    from salesflow.cli import main

    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        code = 130
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        with contextlib.suppress(Exception):
            print(code, file=sys.stderr)
        code = 1
    _flush()
    import atexit

    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    return code & 0xFF


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None:
                stream.flush()
