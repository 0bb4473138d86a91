"""`salesflow contact add|list|edit|remove` — the people at a customer (决策层 / 技术层 /
使用层, 沟通偏好). The primary contact is the customer's contact_* columns."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import (
    CustomerRef,
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    state,
)
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help=_("A customer's contacts: add, list, edit, remove."))

Ref = CustomerRef
Name = Annotated[str, typer.Argument(help=_("The contact's name."))]
Title = Annotated[str | None, typer.Option(help=_("Job title, e.g. 技术总监."))]
Role = Annotated[str | None, typer.Option(
    help=_("decision-maker, influencer, technical or user (决策者/影响者/技术层/使用层)."))]
Phone = Annotated[str | None, typer.Option(help=_("Phone; normalized to +86… (E.164)."))]
Email = Annotated[str | None, typer.Option(help=_("Email address."))]
Prefers = Annotated[str | None, typer.Option(
    help=_("Preferred channel: phone, email, visit, meeting or im (微信 → im)."))]
Notes = Annotated[str | None, typer.Option(help=_("Free-text notes on this person."))]


@app.command("add")
def add(
    ctx: typer.Context, ref: Ref, name: Name, title: Title = None, role: Role = None,
    phone: Phone = None, email: Email = None, prefers: Prefers = None, notes: Notes = None,
    primary: Annotated[bool, typer.Option(
        "--primary", help=_("Make this the primary contact (the customer's contact)."))]
    = False,
) -> None:
    from salesflow.output import message
    from salesflow.services import contacts

    raw = {"title": title, "role": role, "phone": phone, "email": email, "prefers": prefers,
           "notes": notes}
    with state(ctx).unit("contact add", write=True) as unit:
        contact, customer = contacts.add(unit.session, unit.env, ref, name, raw,
                                         primary=primary)
        text = _("added {name} to {code}{primary}").format(
            name=contact.name, code=customer.code,
            primary=_(" as the primary contact") if contact.primary else "")
    message(text)


add.__doc__ = _(
    "Add a contact to a customer; a customer's first contact is its primary one.\n"
    "\n"
    "Example: salesflow contact add MFG-EC-001 赵工 --title 技术总监 --role technical\n"
    "--phone 13900139000 --prefers im"
)


@app.command("list")
def list_(ctx: typer.Context, ref: Ref, fmt: FormatOpt = "table", excel: ExcelOpt = False,
          raw: RawOpt = False) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.services import contacts

    fmt = check_format(fmt)
    with state(ctx).unit("contact list", write=False) as unit:
        render(contacts.rows(unit.session, ref), columns.CONTACT,
               OutputOptions(fmt, excel, raw), tz=unit.env.tz, title=_("Contacts"),
               empty=_("No contacts."))


list_.__doc__ = _(
    "A customer's contacts, the primary first (columns name, title, role, phone, email,\n"
    "prefers, primary, notes).\n"
    "\n"
    "Example: salesflow contact list MFG-EC-001 --format csv"
)


@app.command("edit")
def edit(
    ctx: typer.Context, ref: Ref, name: Name,
    new_name: Annotated[str | None, typer.Option("--name", help=_("A new name."))] = None,
    title: Title = None, role: Role = None, phone: Phone = None, email: Email = None,
    prefers: Prefers = None, notes: Notes = None,
    primary: Annotated[bool, typer.Option(
        "--primary", help=_("Make this the primary contact."))] = False,
) -> None:
    from salesflow.output import message
    from salesflow.services import contacts

    raw = {"name": new_name, "title": title, "role": role, "phone": phone, "email": email,
           "prefers": prefers, "notes": notes}
    with state(ctx).unit("contact edit", write=True) as unit:
        contact, customer = contacts.edit(unit.session, unit.env, ref, name, raw,
                                          primary=primary)
        text = _("updated {name} of {code}").format(name=contact.name, code=customer.code)
    message(text)


edit.__doc__ = _(
    "Change a contact; an empty value (\"\") clears a field. Editing the primary contact\n"
    "updates the customer's contact fields too.\n"
    "\n"
    "Example: salesflow contact edit MFG-EC-001 赵工 --phone 13900139001 --primary"
)


@app.command("remove")
def remove(
    ctx: typer.Context, ref: Ref, name: Name,
    primary: Annotated[str | None, typer.Option(
        "--primary", metavar="NAME",
        help=_("The contact who becomes primary (required to remove the primary while "
               "others remain)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import contacts

    with state(ctx).unit("contact remove", write=True) as unit:
        customer, current = contacts.remove(unit.session, unit.env, ref, name,
                                            new_primary=primary)
        text = _("removed {name} from {code}; primary contact: {primary}").format(
            name=name, code=customer.code, primary=current.name if current else _("none"))
    message(text)


remove.__doc__ = _(
    "Remove a contact. The primary one goes only by naming its successor with\n"
    "--primary NAME while other contacts remain.\n"
    "\n"
    "Example: salesflow contact remove MFG-EC-001 王强 --primary 赵工"
)
