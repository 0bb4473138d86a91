"""模板八's last two columns (主要影响因素, 改进措施): per period and metric, the factors
behind the figure and the actions taken (SPEC §14, `report note`). Setting one again
replaces it; a value not given is kept. Every change is audited."""

from __future__ import annotations

from sqlmodel import Session, col, select

from salesflow.errors import InputError
from salesflow.i18n import _
from salesflow.models import KpiNote
from salesflow.rules import kpi
from salesflow.services import audit
from salesflow.services.env import Env


def for_period(session: Session, period: str) -> dict[str, tuple[str | None, str | None]]:
    return {n.metric: (n.factors, n.actions)
            for n in session.exec(select(KpiNote).where(col(KpiNote.period) == period))}


def set_note(session: Session, env: Env, period: str, metric: str, *,
             factor: str | None, action: str | None) -> KpiNote:
    try:
        period = kpi.parse_period(period)
    except ValueError as exc:
        raise InputError.field("quarter", exc) from None
    try:
        name = kpi.parse_metric(metric).name
    except ValueError as exc:
        raise InputError.field("metric", exc) from None
    factor = factor.strip() if factor is not None else None
    action = action.strip() if action is not None else None
    if not factor and not action:
        raise InputError(_("factor: give --factor (主要影响因素) or --action (改进措施), or "
                           "both"))
    note = session.exec(select(KpiNote).where(col(KpiNote.period) == period,
                                              col(KpiNote.metric) == name)).first()
    if note is None:
        note = KpiNote(period=period, metric=name, set_by=env.actor, set_at=env.now)
    if factor:
        note.factors = factor
    if action:
        note.actions = action
    note.set_by, note.set_at = env.actor, env.now
    session.add(note)
    audit.record(session, env, f"report note {period} {name}")
    session.flush()
    return note
