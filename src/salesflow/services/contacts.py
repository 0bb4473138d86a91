"""Contacts (决策层 / 技术层 / 使用层; 沟通偏好): the people at a customer (SPEC §11).

A customer has any number of contacts and, once it has one, exactly one primary. The
customer's contact_name/contact_title/contact_role/phone/email columns are its primary
contact, so every export column, the import template and the completeness check keep
working: this module keeps the two in step in both directions — a write to the primary
contact is mirrored onto the customer (mirror), and a write to the customer's contact
columns (`customer add|edit`, an import) is mirrored onto the primary contact
(from_customer). A contact needs a name; a customer whose contact has only a phone or an
email is given a primary contact named after it (as migration 0004 did), so nothing held
is outside the contact list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import _
from salesflow.models import Contact, Customer
from salesflow.rules.choices import CHANNELS, CONTACT_ROLES, parse_choice
from salesflow.rules.contact import normalize_email, normalize_phone
from salesflow.services import audit
from salesflow.services.customers import contacts_of as of
from salesflow.services.customers import mirror, resolve
from salesflow.services.env import Env

FIELDS = ("title", "role", "phone", "email", "prefers", "notes")


def parse(raw: Mapping[str, str | None], env: Env) -> dict[str, Any]:
    """Typed contact fields (None: not given; '': clear it)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        text = value.strip() if key == "notes" else " ".join(value.split())
        if not text:
            if key == "name":
                raise InputError(_("name: a contact needs a name"))
            out[key] = None
            continue
        try:
            if key == "phone":
                out[key] = normalize_phone(text, env.settings.phone_region)
            elif key == "email":
                out[key] = normalize_email(text)
            elif key == "role":
                out[key] = parse_choice(text, CONTACT_ROLES, "contact_role")
            elif key == "prefers":
                out[key] = parse_choice(text, CHANNELS, "channel")
            else:
                out[key] = text
        except ValueError as exc:
            raise InputError.field(key, exc) from None
    return out


def find(session: Session, customer: Customer, name: str) -> Contact:
    wanted = " ".join(name.split())
    found = session.exec(select(Contact).where(col(Contact.customer_id) == customer.id,
                                               col(Contact.name) == wanted)).first()
    if found is None:
        names = [c.name for c in of(session, customer)]
        known = (_("its contacts are {names}").format(names=", ".join(names)) if names
                 else _("it has no contacts yet (salesflow contact add)"))
        raise NotFound(_("contact: {code} has no contact {name!r}; {known}").format(
            code=customer.code, name=name, known=known))
    return found


def _make_primary(session: Session, customer: Customer, contact: Contact) -> None:
    for other in of(session, customer):
        if other.primary and other.id != contact.id:
            other.primary = False
            session.add(other)
    session.flush()  # one primary at any moment
    contact.primary = True
    session.add(contact)


def add(session: Session, env: Env, ref: str, name: str, raw: Mapping[str, str | None], *,
        primary: bool = False) -> tuple[Contact, Customer]:
    customer = resolve(session, ref)
    assert customer.id is not None
    values = parse({"name": name, **raw}, env)
    existing = of(session, customer)
    if any(c.name == values["name"] for c in existing):
        raise Conflict(_("name: {code} already has a contact {name!r}; change them with "
                         "salesflow contact edit").format(code=customer.code,
                                                          name=values["name"]))
    contact = Contact(customer_id=customer.id, created_at=env.now, primary=False, **values)
    session.add(contact)
    session.flush()
    if primary or not existing:
        _make_primary(session, customer, contact)
        mirror(customer, contact)
        session.add(customer)
    _after_write(session, env, customer, "added")
    return contact, customer


def edit(session: Session, env: Env, ref: str, name: str, raw: Mapping[str, str | None], *,
         primary: bool = False) -> tuple[Contact, Customer]:
    customer = resolve(session, ref)
    contact = find(session, customer, name)
    values = parse(raw, env)
    if not values and not primary:
        raise InputError(_("edit: give at least one field to change, e.g. --phone or "
                           "--primary"))
    new_name = values.get("name")
    if new_name and new_name != contact.name and any(
            c.name == new_name for c in of(session, customer)):
        raise Conflict(_("name: {code} already has a contact {name!r}").format(
            code=customer.code, name=new_name))
    for field, value in values.items():
        setattr(contact, field, value)
    session.add(contact)
    if primary and not contact.primary:
        _make_primary(session, customer, contact)
    if contact.primary:
        mirror(customer, contact)
        session.add(customer)
    _after_write(session, env, customer, "edited")
    return contact, customer


def remove(session: Session, env: Env, ref: str, name: str, *,
           new_primary: str | None = None) -> tuple[Customer, Contact | None]:
    """Remove a contact; the primary only by naming the next one while others remain."""
    customer = resolve(session, ref)
    contact = find(session, customer, name)
    successor = find(session, customer, new_primary) if new_primary else None
    if successor is not None and successor.id == contact.id:
        raise InputError(_("primary: name another contact to become the primary one"))
    others = [c for c in of(session, customer) if c.id != contact.id]
    if contact.primary and others and successor is None:
        raise Conflict(_(
            "contact: {name!r} is the primary contact of {code}; name the next one with "
            "--primary NAME (one of {names})").format(
                name=contact.name, code=customer.code,
                names=", ".join(c.name for c in others)))
    was_primary = contact.primary
    session.delete(contact)
    session.flush()
    if successor is not None and (was_primary or new_primary):
        _make_primary(session, customer, successor)
    current = next((c for c in of(session, customer) if c.primary), None)
    if was_primary or successor is not None:
        mirror(customer, current)
        session.add(customer)
    _after_write(session, env, customer, "removed")
    return customer, current


def _after_write(session: Session, env: Env, customer: Customer, verb: str) -> None:
    # no contact name in the audit: it is personal data and the trail outlives `forget`
    audit.record(session, env, f"contact {verb} for {customer.code}")
    session.flush()


def row(c: Contact) -> dict[str, Any]:
    """columns.CONTACT keys."""
    return {"name": c.name, "title": c.title, "role": c.role, "phone": c.phone,
            "email": c.email, "prefers": c.prefers, "primary": c.primary, "notes": c.notes}


def rows(session: Session, ref: str) -> list[dict[str, Any]]:
    return [row(c) for c in of(session, resolve(session, ref))]


def check_spoken_to(session: Session, customer: Customer, name: str) -> str:
    """`followup log --contact NAME`: the name of one of the customer's contacts."""
    return find(session, customer, name).name
