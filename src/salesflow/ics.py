"""`due --format ics`: the agenda as an iCalendar feed (RFC 5545) for a calendar app.

Overdue items are placed on the planned day, so a calendar shows them where they must
be done. Built with the icalendar library (escaping and line folding done right).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, date, timedelta
from typing import Any

from salesflow.i18n import Msg, _


def write_ics(items: Iterable[Mapping[str, Any]], plan: date) -> None:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//salesflow//due//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "salesflow due")
    for item in items:
        day = max(item["due_date"], plan)
        event = Event()
        # `ref` (a contract or installment) tells apart two items of one customer and kind
        ref = f"{item['ref']}-" if item.get("ref") else ""
        event.add("uid", f"{item['kind']}-{item['customer_code']}-{ref}{item['due_date']}"
                         "@salesflow")
        action = item["action"]
        text = action.translated() if isinstance(action, Msg) else action
        summary = _("{customer}: {action}").format(customer=item["customer"], action=text)
        if item["section"] == "overdue":
            summary = _("[overdue {days}d] {summary}").format(days=item["days_overdue"],
                                                               summary=summary)
        event.add("summary", summary)
        event.add("description", _("{code} · tier {tier} · {stage} · owner {owner} · "
                                   "{kind}").format(code=item["customer_code"],
                                                    tier=item["tier"], stage=item["stage"],
                                                    owner=item["owner"], kind=item["kind"]))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("dtstamp", _stamp(plan))
        cal.add_component(event)
    sys.stdout.write(cal.to_ical().decode("utf-8"))


def _stamp(plan: date):  # type: ignore[no-untyped-def]
    # A stable stamp (the planned day, midnight UTC) keeps the feed byte-identical for the
    # same data, so a cron job can diff it.
    from datetime import datetime

    return datetime(plan.year, plan.month, plan.day, tzinfo=UTC)
