"""`salesflow demo` — fill an empty database with realistic data to try the tool."""

from __future__ import annotations

import typer

from salesflow.commands._options import state
from salesflow.i18n import _


def demo(ctx: typer.Context) -> None:
    from salesflow.output import message
    from salesflow.services import demo as demo_service

    app_state = state(ctx)
    with app_state.unit("demo", write=True) as unit:
        made, logged = demo_service.seed(unit.session, unit.env)
    message(_("demo: {customers} customers and {followups} follow-ups in {location}").format(
        customers=made, followups=logged, location=app_state.location))
    message(_("next: salesflow due · salesflow customer list · salesflow customer show "
              "MFG-EC-001"))


demo.__doc__ = _(
    "Fill an EMPTY database with a few dozen realistic customers and follow-ups dated\n"
    "around today, so `salesflow due` shows a real agenda. Refuses a database that\n"
    "already holds customers.\n"
    "\n"
    "Example: salesflow demo && salesflow due"
)
