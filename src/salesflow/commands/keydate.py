"""`salesflow customer date add|list|remove` — a customer's key dates (客户司庆、生日等重要
日子, SPEC §13): each is a `greeting` item on the agenda `greeting.lead_days` before it."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import (
    CustomerRef,
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    customer_ref,
    state,
    whole_number,
)
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True, help=_(
    "Key dates (客户司庆、生日): add, list, remove; greeted on the agenda before each.\n\n"
    "Example: salesflow customer date add MFG-EC-001 司庆 --on 05-18"))

Ref = CustomerRef
KeyName = Annotated[str, typer.Argument(help=_("The key date's name, e.g. 司庆."))]


@app.command("add")
def add(
    ctx: typer.Context, ref: Ref, name: KeyName,
    on: Annotated[str, typer.Option("--on", metavar="MM-DD",
                                    help=_("Month and day, e.g. 05-18."))],
    year: Annotated[int | None, typer.Option(
        parser=whole_number("year", 1900, 2999),
        help=_("Only in this year (default: every year)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import relationship

    with state(ctx).unit("customer date add", write=True) as unit:
        key, code = relationship.add(unit.session, unit.env, ref, name, on, year)
        row = relationship.key_row(unit.env, key, code)
    when = row["next_on"].isoformat() if row["next_on"] else _("passed")
    message(_("key date {name} ({md}) added for {code}; next {when}").format(
        name=row["name"], md=row["month_day"], code=code, when=when))


add.__doc__ = _(
    "Add a key date, yearly unless --year is given. A `greeting` item falls due\n"
    "greeting.lead_days (default 3) days before it; a follow-up with --purpose greeting\n"
    "answers it for that year.\n"
    "\n"
    "Example: salesflow customer date add MFG-EC-001 司庆 --on 05-18"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    ref: Annotated[str | None, customer_ref(_("Only this customer."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import relationship

    fmt = check_format(fmt)
    with state(ctx).unit("customer date list", write=False) as unit:
        render(relationship.rows(unit.session, unit.env, ref=ref), columns.KEY_DATE,
               OutputOptions(fmt, excel, raw), tz=unit.env.tz, title=_("Key dates"),
               empty=_("No key dates."))


list_.__doc__ = _(
    "List key dates with their next occasion (one customer's by date; all, oldest first;\n"
    "columns as `export key-dates`). Greeted holidays are a setting (greeting.holidays).\n"
    "\n"
    "Example: salesflow customer date list MFG-EC-001"
)


@app.command("remove")
def remove(ctx: typer.Context, ref: Ref, name: KeyName) -> None:
    from salesflow.output import message
    from salesflow.services import relationship

    with state(ctx).unit("customer date remove", write=True) as unit:
        code = relationship.remove(unit.session, unit.env, ref, name)
    message(_("key date {name} removed for {code}").format(name=name.strip(), code=code))


remove.__doc__ = _(
    "Remove a key date by its name.\n"
    "\n"
    "Example: salesflow customer date remove MFG-EC-001 司庆"
)
