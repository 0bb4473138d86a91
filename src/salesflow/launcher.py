"""The `salesflow` entry point: hand the command to the user's warm server, or run it here.

Importing SQLAlchemy, SQLModel and pydantic costs ~0.4 s, and a daily command's own work
a few milliseconds. So, as Mercurial's chg does, a per-user server (salesflow.server)
keeps those modules imported and forks a child for each command; this launcher, which
imports only the standard library (tests/test_launcher.py checks it with
`python -X importtime`), connects to it over a Unix socket and sends the command line,
the environment, the working directory, the umask and the standard streams (the file
descriptors themselves, SCM_RIGHTS). The child runs exactly what `salesflow.cli.main`
runs in-process; the launcher forwards SIGINT/SIGTERM/SIGHUP to it and exits with its
status (128 + the signal when it was killed).

Where the socket lives: `$XDG_RUNTIME_DIR/salesflow/`, else `<tmp>/salesflow-<uid>/`; the
folder must be ours and 0700 (created so), and the server must be ours (SO_PEERCRED), or
the command runs in-process. The socket's name is a hash of the interpreter, the package
version and location, the sizes and mtimes of the package's files and of the
site-packages folders, and the language: an upgrade, an edit or another language gets a
new server, and the old one notices and exits. A server also exits after 15 idle minutes
(SALESFLOW_SERVER_IDLE, seconds).

No server yet, or one that cannot be reached or dies before the command starts: the
launcher starts one in the background and runs this command in-process (the cold path,
which the in-process test suite exercises). Once a child has started a command, the
command is never run a second time. SALESFLOW_NO_SERVER=1 turns the server off; Windows
and platforms without fork always run in-process.
"""

from __future__ import annotations

import _socket as socket  # socket.py's own core: its wrapper's enums cost ~6 ms a command
import os
import stat
import struct
import sys

IDLE_DEFAULT = 15 * 60.0
# Read by Typer and Rich when they are imported (the server imports them once): their
# values are part of the server's key, and the server is started with them (and so are
# the PYTHON* variables, which the interpreter reads as it starts).
IMPORT_TIME_ENV = ("TYPER_USE_RICH", "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL",
                   "GITHUB_ACTIONS", "FORCE_COLOR", "PY_COLORS", "TYPER_STANDARD_TRACEBACK",
                   "_TYPER_STANDARD_TRACEBACK")
# What the server's own process needs of the environment; a command's child gets the
# client's whole environment.
_SERVER_ENV = ("PATH", "HOME", "TMPDIR", "XDG_RUNTIME_DIR", "SALESFLOW_SERVER_IDLE",
               "LD_LIBRARY_PATH", "VIRTUAL_ENV", "SYSTEMROOT")
_FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP")


def disabled() -> bool:
    return (os.environ.get("SALESFLOW_NO_SERVER", "") not in ("", "0")
            or sys.platform == "win32" or not hasattr(os, "fork")
            or not hasattr(socket, "AF_UNIX") or not hasattr(socket, "SO_PEERCRED")
            or limited())


def limited() -> bool:
    """A caller that set resource limits (ulimit -f, -v, -t …) runs in-process: a child
    forked by the server would not inherit them, and they must hold for the command."""
    import resource

    for name in ("RLIMIT_FSIZE", "RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_CPU"):
        which = getattr(resource, name, None)
        if which is not None and resource.getrlimit(which)[0] != resource.RLIM_INFINITY:
            return True
    return False


def package_dir() -> str:
    return os.path.dirname(os.path.abspath(__file__))


def _stamp(parts: list[str], folder: str) -> None:
    """Name, size and mtime of every file under `folder` (caches left out)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _stamp(parts, entry.path)
                continue
            st = entry.stat()
        except OSError:
            continue
        parts.append(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}")


def server_key(language: str) -> str:
    """What a server was started from; any change means another server."""
    from salesflow import __version__

    parts = [os.path.realpath(sys.executable), sys.prefix, sys.version, __version__,
             package_dir(), language]
    parts += [f"{name}={value}" for name, value in sorted(os.environ.items())
              if name in IMPORT_TIME_ENV or name.startswith("PYTHON")]
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")):
            try:  # noqa: SIM105 (not contextlib here: importing it costs ~4 ms a command)
                parts.append(f"{entry}:{os.stat(entry).st_mtime_ns}")
            except OSError:
                pass
    _stamp(parts, package_dir())
    import zlib

    text = "\n".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(parts):x}"


def runtime_dir() -> str | None:
    """The user's private folder for the socket; None when it is not safely ours."""
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    if base and os.path.isabs(base) and os.path.isdir(base):
        folder = os.path.join(base, "salesflow")
    else:
        tmp = os.environ.get("TMPDIR", "")
        tmp = tmp if tmp and os.path.isabs(tmp) and os.path.isdir(tmp) else "/tmp"
        folder = os.path.join(tmp, f"salesflow-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    if (not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid()
            or st.st_mode & 0o077):
        return None
    return folder


def socket_path(language: str | None = None) -> str | None:
    if language is None:
        from salesflow.i18n import language as resolve

        language = resolve()
    folder = runtime_dir()
    if folder is None:
        return None
    path = os.path.join(folder, f"{server_key(language)}-{language}.sock")
    return path if len(path.encode()) < 100 else None  # sun_path holds 108 bytes


def peer_uid(sock: socket.socket) -> int:
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def _streams() -> tuple[list[int], list[bool], list[tuple[str | None, str | None]]]:
    """fds 0, 1, 2 that are open (to send), which are, and their text encodings."""
    fds, present, encodings = [], [], []
    for fd, stream in ((0, sys.stdin), (1, sys.stdout), (2, sys.stderr)):
        try:
            os.fstat(fd)
        except OSError:
            present.append(False)
        else:
            present.append(True)
            fds.append(fd)
        encodings.append((getattr(stream, "encoding", None), getattr(stream, "errors", None)))
    return fds, present, encodings


def request() -> tuple[bytes, list[int]]:
    """The command as the server receives it: a length-prefixed marshal of argv, env,
    cwd, umask and stdio; and the fds to pass."""
    import marshal

    fds, present, encodings = _streams()
    umask = os.umask(0o077)
    os.umask(umask)
    body = marshal.dumps({
        "argv": list(sys.argv), "env": dict(os.environ), "cwd": os.getcwd(),
        "umask": umask, "present": present, "encodings": encodings,
    })
    return struct.pack("!I", len(body)) + body, fds


class _Forwarder:
    """Signals that arrive while the command runs go to the child (pending ones once its
    pid is known)."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.pending: list[int] = []

    def __call__(self, signum: int, _frame: object) -> None:
        if self.pid is None:
            self.pending.append(signum)
        else:
            try:  # noqa: SIM105 (no contextlib in the launcher)
                os.kill(self.pid, signum)
            except OSError:
                pass

    def started(self, pid: int) -> None:
        self.pid = pid
        for signum in self.pending:
            self(signum, None)
        self.pending.clear()


def via_server(path: str) -> int | None:
    """The command's exit status once the server's child ran it; None when no child
    started it (then it is safe, and right, to run it in-process)."""
    import _signal as signal  # signal.py's core, without its enums (enum: ~2 ms)

    # which of fds 0-2 are open is read before the socket exists: with stdout closed
    # (`>&-`), the socket would take fd 1
    data, fds = request()
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except OSError:
        return None
    try:
        try:
            sock.connect(path)
            if peer_uid(sock) != os.getuid():
                return None
            sent = sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                          struct.pack(f"{len(fds)}i", *fds))])
            if sent < len(data):
                sock.sendall(data[sent:])
        except OSError:
            return None
        forward = _Forwarder()
        previous = {}
        for name in _FORWARDED:
            signum = getattr(signal, name)
            previous[signum] = signal.signal(signum, forward)
        try:
            return _wait(sock, forward)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    finally:
        sock.close()


def _wait(sock: socket.socket, forward: _Forwarder) -> int | None:
    buffer = b""
    while True:
        try:
            chunk = sock.recv(256)
        except InterruptedError:
            continue
        except OSError:
            chunk = b""
        if not chunk:
            if forward.pid is None:
                return None  # the server went away before a child took the command
            return _lost(forward.pid)
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            kind, value = line[:1], int(line[1:] or b"0")
            if kind == b"P":
                forward.started(value)
            elif forward.pid is None:
                return None  # a status without a start: the child never ran it
            elif kind == b"E":
                return value
            elif kind == b"S":
                return _killed(value)


def _killed(signum: int) -> int:
    import signal

    if signum not in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = str(signum)
        from salesflow.i18n import _

        message = _("Error: the command was killed by signal {number} ({name})").format(
            number=signum, name=name)
        os.write(2, f"{message}\n".encode(errors="replace"))
    return 128 + signum


def _lost(pid: int) -> int:
    """Child and server both gone without a status: wait for the child to be gone."""
    import time

    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        except OSError:
            break
        time.sleep(0.02)
    from salesflow.i18n import _

    message = _("Error: the command ended without reporting its exit status (its server "
                "stopped); check whether its change was saved")
    os.write(2, f"{message}\n".encode(errors="replace"))
    return 1


def start_server(path: str) -> None:
    """The server, in the background, in its own session, reading nothing of ours. One
    at a time: `<socket>.starting` (O_EXCL) is held while a server warms up; a stale
    one (older than a minute: its server died warming up) is taken over."""
    import subprocess
    import time

    from salesflow.i18n import language

    marker = f"{path}.starting"
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        try:
            if time.time() - os.stat(marker).st_mtime < 60:
                return  # another launcher is starting it
            os.utime(marker)
        except OSError:
            return
    except OSError:
        return

    env = {name: value for name, value in os.environ.items()
           if name in _SERVER_ENV or name in IMPORT_TIME_ENV
           or (name.startswith("PYTHON") and name != "PYTHONSTARTUP")}
    env["SALESFLOW_LANG"] = language()
    try:  # noqa: SIM105 (no contextlib in the launcher)
        subprocess.Popen(
            [sys.executable, "-c", "from salesflow.server import serve; serve()", path],
            env=env, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        pass


def in_process() -> None:
    from salesflow.cli import main as cli_main

    cli_main()


# Typer finds the user's shell by walking up from its own process (shellingham): only
# the launcher's parent is that shell, so these run in-process.
_LOCAL_OPTIONS = ("--install-completion", "--show-completion")


def main() -> None:
    if disabled() or any(arg.startswith(_LOCAL_OPTIONS) for arg in sys.argv[1:]):
        _report("in-process")
        in_process()
        return
    try:
        path = socket_path()
    except OSError:
        path = None
    if path is not None:
        code = via_server(path)
        if code is not None:
            _report("server")
            os._exit(code & 0xFF if code >= 0 else 1)
        start_server(path)
    _report("in-process")
    in_process()


def _report(how: str) -> None:
    """SALESFLOW_LAUNCHER_LOG=FILE: append which path ran the command (tests, bench)."""
    log = os.environ.get("SALESFLOW_LAUNCHER_LOG")
    if log:
        try:
            with open(log, "a", encoding="utf-8") as f:
                f.write(how + "\n")
        except OSError:
            pass


if __name__ == "__main__":
    main()
