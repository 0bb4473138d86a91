"""The edge: where the clock is read, the acting user named and the database located.

Everything below (services, rules) receives `now`, `today` and the settings as values.
SALESFLOW_TODAY=YYYY-MM-DD fixes the date (at the current time of day); the team's
`timezone` setting, not the machine's, decides what "today" is.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.errors import InputError, Terminated
from salesflow.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.services.env import Env


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("salesflow", appauthor=False) / "salesflow.db"


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


class LocalZoneUnknown(InputError):
    """The team's zone is `local` and the machine's (TZ, /etc/localtime) is no IANA zone."""


def team_zone(name: str | None) -> tzinfo:
    if name:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    from tzlocal import get_localzone

    try:
        return get_localzone()
    except Exception:  # tzlocal raises ZoneInfoNotFoundError, ValueError … for a bogus TZ
        value = os.environ.get("TZ", "")
        problem = (_("TZ: '{value}' is not a time zone").format(value=value) if value
                   else _("timezone: the machine's time zone is not an IANA zone"))
        raise LocalZoneUnknown(
            _("{problem}; set TZ to an IANA name such as Asia/Shanghai, or the team's "
              "zone: salesflow config set timezone Asia/Shanghai").format(problem=problem)
        ) from None


def unit_zone(name: str | None, notices: list[str]) -> tzinfo:
    """The team's zone for a command; UTC, with a warning, when the team's zone is `local`
    and the machine's cannot be read — so that `config set timezone` can still fix it."""
    try:
        return team_zone(name)
    except LocalZoneUnknown as exc:
        notices.append(_("warning: {problem}; using UTC meanwhile").format(problem=exc.message))
        return UTC


def today_override() -> date | None:
    from salesflow.rules.dates import RECORD_RANGE

    text = os.environ.get("SALESFLOW_TODAY", "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(_(
            "SALESFLOW_TODAY: '{value}' is not a date; use YYYY-MM-DD, e.g. 2024-10-08"
        ).format(value=text)) from None
    first, last = RECORD_RANGE
    if not first <= day <= last:
        raise InputError(_("SALESFLOW_TODAY: '{value}' is outside the accepted dates; use a "
                           "date from {first} to {last}").format(value=text, first=first,
                                                                   last=last))
    return day


def read_clock(tz: tzinfo) -> datetime:
    """Now, in UTC; on SALESFLOW_TODAY's date (in the team's zone) when it is set."""
    real = datetime.now(tz)
    fixed = today_override()
    if fixed is not None:
        real = datetime.combine(fixed, real.timetz().replace(tzinfo=None), tzinfo=tz)
    return real.astimezone(UTC)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a unit of work is open, SIGTERM unwinds it like Ctrl-C (rollback, one line)
    instead of killing the process mid-transaction."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(_signum, _frame):  # type: ignore[no-untyped-def]
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Unit:
    session: Session
    env: Env
    swept: list[str]  # codes the shared pool took back as this writing command began


@dataclass
class AppState:
    """Set once by the root callback; opens the database only when a command needs it."""

    db: str | None = None
    user: str | None = None

    @property
    def location(self) -> str:
        return self.db or str(default_db_path())

    @property
    def actor(self) -> str:
        """--as / SALESFLOW_USER, else the login name; a blank name is refused."""
        if self.user is None:
            return login_name()
        name = self.user.strip()
        if not name:
            raise InputError(_("--as: '{value}' is blank; name a user, e.g. --as li.na")
                             .format(value=self.user))
        return name

    @property
    def named(self) -> str | None:
        """The user --as / SALESFLOW_USER names (None: not given)."""
        return None if self.user is None else self.actor

    @contextmanager
    def unit(self, command: str, *, write: bool, erase: bool = False,
             mapped: bool = False) -> Iterator[Unit]:
        """One transaction for one command, with the clock read once. erase=True: the
        command erases personal data, and the database files are scrubbed after the
        commit; mapped=True: it reads rows scattered over the whole database (db.
        unit_of_work)."""
        from salesflow.db import unit_of_work
        from salesflow.rules.workdays import calendar_for
        from salesflow.services import server, users
        from salesflow.services import settings as settings_service
        from salesflow.services.env import Env

        actor = self.actor  # a blank --as is refused before the database opens
        notices: list[str] = []
        with _terminate_as_interrupt(), unit_of_work(
                self.location, write=write, erase=erase, mapped=mapped,
                notes=notices) as session:
            if server.is_server(session):
                # the server, not the command line, says who one is (SPEC §15)
                actor = server.acting_user(session, self.named)
            settings = settings_service.load(session)
            users.require_user(session, "--as", actor)
            tz = unit_zone(settings.timezone, notices)
            env = Env(actor=actor, command=command, now=read_clock(tz), tz=tz,
                      settings=settings, calendar=calendar_for(settings.calendar),
                      zone_for=team_zone, notices=notices)
            swept: list[str] = []
            if write and command != "doctor":
                from salesflow.services import pool

                # idle customers return to the pool on the next write (SPEC §15); not
                # before `doctor --fix` has mended the stored days the sweep reads
                swept = pool.sweep(session, env)
            yield Unit(session=session, env=env, swept=swept)
            years = sorted(getattr(env.calendar, "uncovered_years", ()))
            if years:
                env.notices.append(
                    "note: the installed Chinese holiday calendar does not cover "
                    f"{', '.join(map(str, years))}; counted Monday–Friday there"
                )
        from salesflow.output import message

        for notice in env.notices:
            message(notice)
