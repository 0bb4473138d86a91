"""The stored due date is always what the rules say (services on an in-memory engine)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from salesflow.models import Customer
from salesflow.rules.settings import Settings
from salesflow.rules.workdays import calendar_for
from salesflow.services import customers, followups, schedule
from salesflow.services.env import Env

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def session():
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False},
                           poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def make_env(now: datetime, **changes) -> Env:  # type: ignore[no-untyped-def]
    s = Settings(timezone="Asia/Shanghai", **changes)
    return Env(actor="li.na", command="test", now=now, tz=SHANGHAI, settings=s,
               calendar=calendar_for(s.calendar), zone_for=lambda name: SHANGHAI)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["5万", "20万", "80万"]),
                            st.integers(0, 40), st.one_of(st.none(), st.integers(0, 10))),
                  min_size=1, max_size=6),
)
def test_refresh_all_agrees_with_the_per_customer_refresh(session, plan):
    start = datetime(2024, 1, 8, 2, 0, tzinfo=UTC)
    session.rollback()
    for c in session.exec(select(Customer)).all():
        session.delete(c)
    env = make_env(start)
    for index, (days_later, potential, cycle, promise) in enumerate(plan):
        env.now = start
        code = customers.add(session, env, {"name": f"客户{index}号", "potential": potential,
                                            "decision_days": str(cycle)}, force=True
                             ).customer.code
        env.now = start + timedelta(days=days_later)
        followups.log(session, env, code, summary="call",
                      next_due=f"+{promise}d" if promise is not None else None)
    stored = {c.code: (c.next_due_at, c.next_due_kind)
              for c in session.exec(select(Customer)).all()}
    session.expire_all()
    schedule.refresh_all(session, env.with_settings(env.settings))
    session.expire_all()
    recomputed = {c.code: (c.next_due_at, c.next_due_kind)
                  for c in session.exec(select(Customer)).all()}
    assert recomputed == stored
    session.rollback()
