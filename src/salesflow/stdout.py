"""Standard output that can never abort a command.

A command writes its data to stdout, often inside its unit of work (a code printed by
`customer add`, the grades of `grade --all`). If a write could raise — the reader of a
pipe left (`| head -1`, `| true`), stdout was closed (`>&-`) or its disk is full — the
exception would roll the unit back: whether a change is kept would depend on who reads
the output. So the real stdout is replaced, once, in main(), by a stream whose writes
never raise; a failure is recorded instead, and the rest of the output is dropped:

- the reader left: not an error (exit code unchanged, nothing on stderr), as for any
  Unix filter; the row writers stop early (gone());
- any other failure (closed, full, I/O error): the command still finishes and commits,
  then main() reports one `Error:` line and exits 1, since the output was lost.

Only the standard library is imported: this runs before every command.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Any


class GuardedStdout(io.RawIOBase):
    """File descriptor 1, written with os.write; failures recorded, never raised."""

    def __init__(self, fd: int = 1, *, error: OSError | None = None) -> None:
        super().__init__()
        self._fd = fd
        self.reader_left = False
        self.error = error
        self.lost = 0  # bytes that could not be written because of `error`

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        try:
            return self.error is None and os.isatty(self._fd)
        except OSError:
            return False

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        while view and not self.reader_left and self.error is None:
            try:
                view = view[os.write(self._fd, view):]
            except InterruptedError:
                continue
            except BrokenPipeError:
                self.reader_left = True
            except OSError as exc:
                self.error = exc
        if self.error is not None:
            self.lost += len(view)
        return size


_guard: GuardedStdout | None = None


def install() -> GuardedStdout:
    """Replace sys.stdout by a guarded stream on fd 1 (a closed fd 1 becomes /dev/null,
    with the failure recorded for the first write)."""
    global _guard
    error: OSError | None = None
    try:
        os.fstat(1)
    except OSError as exc:
        error = exc
        devnull = os.open(os.devnull, os.O_WRONLY)
        if devnull != 1:
            os.dup2(devnull, 1)
            os.close(devnull)
    old = sys.stdout
    raw = GuardedStdout(1, error=error)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=getattr(old, "encoding", None) or "utf-8",
        errors=getattr(old, "errors", None) or "strict",
        line_buffering=raw.isatty(),
    )
    _guard = raw
    return raw


def gone(out: Any = None) -> bool:
    """True once nothing more written to `out` (default: stdout) can reach anyone."""
    if _guard is None or (out is not None and out is not sys.stdout):
        return False
    return _guard.reader_left or _guard.error is not None


def failure() -> str | None:
    """Why output was lost (strerror), when some was; None otherwise."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    if _guard is None or _guard.error is None or not _guard.lost:
        return None
    exc = _guard.error
    return exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
