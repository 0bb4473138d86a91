"""What every service call needs to know besides the session: who acts, which command,
when (read once at the edge), and the team's settings and calendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo

from salesflow.errors import InputError
from salesflow.rules.dates import RECORD_RANGE, parse_date
from salesflow.rules.settings import Settings
from salesflow.rules.workdays import WorkCalendar, calendar_for


@dataclass
class Env:
    actor: str
    command: str
    now: datetime  # aware, UTC
    tz: tzinfo  # the team's time zone
    settings: Settings
    calendar: WorkCalendar
    zone_for: Callable[[str | None], tzinfo]  # resolves the `timezone` setting
    notices: list[str] = field(default_factory=list)  # one-time notes for stderr

    def with_settings(self, settings: Settings) -> Env:
        """The same moment and actor under changed settings (after `config set`)."""
        return replace(self, settings=settings, tz=self.zone_for(settings.timezone),
                       calendar=calendar_for(settings.calendar))

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def since_start(self, since: str | None) -> datetime | None:
        """The first moment of a `--since` day in the team's time zone (None: no limit)."""
        if not since:
            return None
        try:
            day = parse_date(since, self.today, within=RECORD_RANGE)
        except ValueError as exc:
            raise InputError.field("since", exc) from None
        return datetime.combine(day, time.min, tzinfo=self.tz)
