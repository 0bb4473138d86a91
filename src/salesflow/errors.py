"""The SalesflowError family: refusals a user can act on, each with its exit code.

One handler (cli.SalesflowGroup) prints `Error: <message>` on stderr and exits with the
code; the unit of work has rolled back by then, so a refused command writes nothing.
"""

from __future__ import annotations


class SalesflowError(Exception):
    """The input or the state forbids the command (exit code 1)."""

    exit_code = 1
    # One line, a value echoed in it escaped (a newline shows as \n); only a refusal that
    # lists one problem per line on purpose (an import's bad rows) keeps its newlines.
    multiline = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(SalesflowError):
    """A value is malformed: a date, an amount, a phone number, an unknown option value."""

    @classmethod
    def field(cls, field: str, error: Exception | str) -> InputError:
        """Name the field in front of a rule's message: `--next-due: 'x' is not a date…`."""
        return cls(f"{field}: {error}")


class NotFound(SalesflowError):
    """An unknown customer, user, contract …"""


class Conflict(SalesflowError):
    """A duplicate, or a state that forbids the change (a skipped stage, a wrong step)."""


class Forbidden(SalesflowError):
    """The acting user's role does not allow the change."""


class DatabaseBusy(SalesflowError):
    """Another command held the write lock for longer than the busy timeout."""


class DatabaseError(SalesflowError):
    """The database cannot be opened, or it is newer than this program."""


class Terminated(BaseException):
    """SIGTERM during a unit of work: raised like Ctrl-C's KeyboardInterrupt, so that the
    transaction rolls back and one line is printed (exit 143). A BaseException, so that
    no `except Exception` on the way swallows it."""

    exit_code = 143
