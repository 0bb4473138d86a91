"""`salesflow demo` — fill an empty database with realistic data to try the tool."""

from __future__ import annotations

import typer

from salesflow.commands._options import state


def demo(ctx: typer.Context) -> None:
    """Fill an EMPTY database with a few dozen realistic customers and follow-ups dated
    around today, so `salesflow due` shows a real agenda. Refuses a database that
    already holds customers.

    Example: salesflow demo && salesflow due
    """
    from salesflow.output import message
    from salesflow.services import demo as demo_service

    app_state = state(ctx)
    with app_state.unit("demo", write=True) as unit:
        made, logged = demo_service.seed(unit.session, unit.env)
    message(f"demo: {made} customers and {logged} follow-ups in {app_state.location}")
    message("next: salesflow due · salesflow customer list · salesflow customer show "
            "MFG-EC-001")
