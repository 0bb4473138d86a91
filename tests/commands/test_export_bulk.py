"""`export` writes CSV, JSON and JSON Lines in bulk (rows as tuples in batches; on SQLite
the timestamps and dates as stored text, converted by slicing). Its output is byte for
byte what the general way writes: every row as a dict of Python values through the
per-row writers, on both backends, over edge values (NULLs, microseconds, far dates,
money, booleans, formula-like text)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest

from salesflow import columns
from salesflow.context import AppState
from salesflow.output import OutputOptions, render
from salesflow.services import export

ENTITIES = {"customers": columns.CUSTOMER, "followups": columns.FOLLOWUP,
            "stage_changes": columns.STAGE_CHANGE, "contracts": columns.CONTRACT,
            "payments": columns.PAYMENT_EXPORT}
TEXTS = ["=HYPERLINK(\"http://x\",\"y\")", "+86 138", "-5", "@x", "\tx", "＝1", "﹦x", "≠1",
         "微信，确认", "a\u030a", "", "line\nbreak, \"quoted\""]


@pytest.fixture
def edges(cli):  # type: ignore[no-untyped-def]
    cli("config", "set", "timezone", "Asia/Shanghai")
    cli.today("2024-05-06")
    codes = [cli("customer", "add", f"边界{n}公司", "--industry", "制造业", "--region", "华东",
                 "--potential", potential).stdout.strip()
             # the largest potential is the most PostgreSQL's INTEGER column holds
             for n, potential in enumerate(["0", "0.01", "258万", "21474836.47"])]
    cli("followup", "log", codes[0], "-s", "first", "--next-action", "=cmd",
        "--next-due", "2024-05-10", "--objection")
    cli("contract", "add", codes[1], "--amount", "5万", "--payment", "2024-06-20:5万")
    from sqlalchemy import create_engine, update
    from sqlmodel import Session, select

    from salesflow.models import Customer, FollowUp

    url = cli.location if not cli.is_sqlite else f"sqlite:///{cli.db}"
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            customer_id = session.exec(select(Customer.id)
                                       .where(Customer.code == codes[0])).one()
            moments = [datetime(2024, 5, 4, 1, 2, 3, 999999, tzinfo=UTC),
                       datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59,
                                                               999999, tzinfo=UTC),
                       datetime(2024, 2, 29, 16, 0, 0, 1, tzinfo=UTC)]
            for n, text in enumerate(TEXTS):
                moment = moments[n % len(moments)]
                session.add(FollowUp(
                    customer_id=customer_id, at=moment, logged_at=moment, by=text or "x",
                    channel="phone", summary=text, feedback=None if n % 2 else "negative",
                    reason=text or None, objection=bool(n % 2), next_action=text or None,
                    next_action_due=[None, date(1, 1, 1), date(9999, 12, 31)][n % 3],
                    satisfaction=[None, 0, 5][n % 3], contact=text or None,
                    purpose="sales", result=text or None))
            session.execute(update(Customer).where(Customer.code == codes[2])
                            .values(tags=TEXTS[0], email=TEXTS[1], need=TEXTS[7],
                                    budget_min=1, budget_max=-1))
            session.commit()
    finally:
        engine.dispose()
    return codes


def _general(rows):  # type: ignore[no-untyped-def]
    """The rows as plain dicts through a generator: the writers' per-row way."""
    yield from rows


@pytest.mark.parametrize("fmt,excel,raw", [("csv", False, False), ("csv", True, True),
                                           ("json", False, False), ("jsonl", False, False)])
@pytest.mark.parametrize("entity", list(ENTITIES))
def test_bulk_output_equals_the_general_path(cli, edges, entity, fmt, excel, raw):
    opts = OutputOptions(fmt, excel, raw)
    with AppState(db=cli.location, user=None).unit("export", write=False) as unit:
        fast, slow = io.StringIO(), io.StringIO()
        fetch = getattr(export, entity)
        count = render(fetch(unit.session, unit.env), ENTITIES[entity], opts, out=fast)
        assert count == render(_general(fetch(unit.session, unit.env)), ENTITIES[entity],
                               opts, out=slow)
    assert count >= 1
    assert fast.getvalue() == slow.getvalue()


def test_the_command_writes_the_edge_values(cli, edges):
    out = cli("export", "followups").stdout
    assert "0001-01-01T00:00:00Z" in out and "9999-12-31T23:59:59Z" in out
    assert "2024-05-04T01:02:03Z" in out and "2024-02-29T16:00:00Z" in out
    assert "'=HYPERLINK" in out and "'＝1" in out and ",-5," in out
    customers = cli("export", "customers").stdout
    assert "21474836.47" in customers and ",0.01," in customers
