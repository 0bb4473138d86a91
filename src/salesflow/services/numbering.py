"""Monthly document numbers (HT… contracts, FA… solutions), shared so that each kind is
numbered the same way: the kind's letters, the year and month, and the month's sequence
(rules.contract.format_number). The month's last sequence lives in code_sequence (keyed
e.g. 'HT202310', which no customer prefix INDUSTRY-REGION can equal), so a number is
never handed out twice, and numbers typed by hand are skipped."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from salesflow.models import CodeSequence
from salesflow.rules.contract import format_number, number_prefix
from salesflow.services.env import Env


def next_number(session: Session, env: Env, kind: str, taken: Callable[[str], bool]) -> str:
    prefix = number_prefix(env.today, kind)
    seq = session.get(CodeSequence, prefix, with_for_update=True) or CodeSequence(
        prefix=prefix, last=0)
    while True:
        seq.last += 1
        number = format_number(env.today, seq.last, kind)
        if not taken(number):
            break
    session.add(seq)
    return number
