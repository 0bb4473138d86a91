"""Extension requests (延期申请表): "超期需提交《延期申请表》".

A rep asks to move one agenda deadline to a later date, with a reason; a manager who is
not the requester approves or rejects it. An approved extension moves exactly the item it
was asked for: it names the item's due date at the time of the request, so a later
deadline of the same kind (the customer re-enters intent, a new objection) is not moved
by an old approval.

Kinds: the process deadlines of SPEC §14. `delivery` moves a late (or ending) phase of a
delivery plan (SPEC §12); `minutes` is the oldest visit or meeting of the customer still
waiting for its minutes (SPEC §13).
"""

from __future__ import annotations

from datetime import date

from salesflow.i18n import _

KINDS = ("new-lead", "proposal", "need", "objection", "delivery", "minutes")
STATUSES = ("pending", "approved", "rejected")
DECIDERS = ("manager", "gm")


def parse_kind(text: str) -> str:
    kind = text.strip().lower()
    if kind not in KINDS:
        raise ValueError(_("'{value}' is not an extendable kind; use {accepted}").format(
            value=text, accepted=", ".join(KINDS)))
    return kind


def parse_status(text: str) -> str:
    status = text.strip().lower()
    if status not in STATUSES:
        raise ValueError(_("'{value}' is not a status; use {accepted}").format(
            value=text, accepted=", ".join(STATUSES)))
    return status


def check_new_date(due: date, to: date) -> None:
    """An extension only moves an item later."""
    if to <= due:
        raise ValueError(_("{to} is not after the item's due date {due}; give a later "
                           "date").format(to=to.isoformat(), due=due.isoformat()))


def decision_refusal(*, status: str, requester: str, actor: str, role: str,
                     team_has_users: bool) -> str | None:
    """Why `actor` may not decide this request, or None. Only a pending request is
    decided; never by its requester (four eyes); once the team has users, only by a
    manager or gm (a database without users is one person's, as elsewhere)."""
    if status != "pending":
        return _("the request is already {status}").format(status=status)
    if actor == requester:
        return _("{actor} asked for this extension; another manager decides it").format(
            actor=actor)
    if team_has_users and role not in DECIDERS:
        return _("only a manager or gm may decide an extension ({actor} is {role})").format(
            actor=actor, role=role)
    return None


def moved(due: date, requested_for: date | None, to: date | None) -> date:
    """The item's date after an approved extension: `to` when the extension was asked
    for this very due date, else the due date as it is."""
    if requested_for is not None and to is not None and requested_for == due:
        return to
    return due
