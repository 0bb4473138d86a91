from __future__ import annotations

from datetime import date

import pytest

from salesflow.rules import extension

D = date(2023, 10, 12)


@pytest.mark.parametrize(("due", "asked_for", "to", "expected"), [
    (D, D, date(2023, 10, 20), date(2023, 10, 20)),
    (D, None, None, D),
    (D, date(2023, 10, 5), date(2023, 10, 20), D),  # an older item of the same kind
], ids=["moves-its-item", "no-extension", "another-due-date"])
def test_moved(due, asked_for, to, expected):
    assert extension.moved(due, asked_for, to) == expected


@pytest.mark.parametrize(("status", "requester", "actor", "role", "users", "refused"), [
    ("pending", "li.na", "wang.qiang", "manager", True, None),
    ("pending", "li.na", "chen.gm", "gm", True, None),
    ("pending", "li.na", "li.na", "manager", True, "asked for this extension"),
    ("pending", "li.na", "sun.li", "rep", True, "only a manager or gm"),
    ("pending", "li.na", "sun.li", "rep", False, None),
    ("approved", "li.na", "wang.qiang", "manager", True, "already approved"),
], ids=["manager", "gm", "own-request", "rep", "no-users-trusted", "decided"])
def test_decision_refusal(status, requester, actor, role, users, refused):
    why = extension.decision_refusal(status=status, requester=requester, actor=actor,
                                     role=role, team_has_users=users)
    assert (why is None) if refused is None else (refused in why)


@pytest.mark.parametrize(("to", "ok"), [
    (date(2023, 10, 13), True), (D, False), (date(2023, 10, 1), False),
], ids=["later", "same-day", "earlier"])
def test_check_new_date(to, ok):
    if ok:
        extension.check_new_date(D, to)
    else:
        with pytest.raises(ValueError, match="is not after"):
            extension.check_new_date(D, to)


@pytest.mark.parametrize("text", ["new-lead", "PROPOSAL", "delivery", "minutes"])
def test_parse_kind_accepts_every_kind_of_the_form(text):
    assert extension.parse_kind(text) == text.lower()


def test_parse_kind_names_the_accepted_kinds():
    with pytest.raises(ValueError, match="new-lead, proposal, need, objection, delivery, "
                                         "minutes"):
        extension.parse_kind("stalled")
