"""`salesflow grade` — compute, show and store a customer's tier (客户分级)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import FormatOpt, check_format, customer_ref, state
from salesflow.i18n import _


def grade(
    ctx: typer.Context,
    ref: Annotated[str | None, customer_ref(_("Customer code or name."))] = None,
    all_: Annotated[bool, typer.Option("--all", help=_("Regrade every customer; print the "
                                                     "moves (A→B …)."))] = False,
    set_: Annotated[str | None, typer.Option("--set", metavar="TIER",
                                             help=_("Set the tier by hand (needs --reason)."))]
    = None,
    reason: Annotated[str | None, typer.Option(help=_("Why the manual tier."))] = None,
    clear: Annotated[bool, typer.Option("--clear", help=_("Drop the manual tier; grade by "
                                                        "rule again."))] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Show, store nothing."))] = False,
    fmt: FormatOpt = "table",
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, message, render
    from salesflow.services import grading

    fmt = check_format(fmt)
    modes = sum([all_, set_ is not None, clear])
    if modes > 1:
        raise typer.BadParameter(_("use only one of --all, --set, --clear"))
    if not all_ and ref is None:
        raise typer.BadParameter(_("give a customer code, or --all"))
    if all_ and ref is not None:
        raise typer.BadParameter(_("give a customer or --all, not both"))
    with state(ctx).unit("grade", write=not dry_run) as unit:
        s, env = unit.session, unit.env
        if all_:
            results = list(grading.grade_all(s, env))
        elif set_ is not None:
            results = [grading.set_override(s, env, ref or "", set_, reason)]
        elif clear:
            results = [grading.clear_override(s, env, ref or "")]
        else:
            results = [grading.grade_one(s, env, ref or "")]
        render(results, columns.GRADE, OutputOptions(fmt), tz=env.tz,
               title=_("Tier changes") if all_ else _("Tier"),
               empty=_("No tier changes.") if all_ else _("No rows."))
    if dry_run:
        message(_("dry run: nothing stored"))
    elif all_:
        message(_("{count} tier change(s)").format(count=len(results)))


grade.__doc__ = _(
    "Grade a customer A/B/C from potential and decision cycle, print the rule that\n"
    "fired with the figures, and store it. A manual tier stays until --clear.\n"
    "\n"
    "Examples: salesflow grade MFG-EC-001 · salesflow grade --all --dry-run ·\n"
    "salesflow grade MFG-EC-001 --set A --reason \"strategic account\""
)
