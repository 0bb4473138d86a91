"""db.plain_rows, the agenda's row reader: on SQLite it reads the driver's rows and parses
timestamps itself; every value must be what SQLAlchemy's own result gives (value and
type), for every statement `due` runs, and for every shape of stored timestamp."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from sqlalchemy.engine import processors

from salesflow import db
from salesflow.services import agenda, customers

pytestmark = pytest.mark.sqlite_only


def test_every_agenda_read_equals_sqlalchemys_rows(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cli.today("2025-09-29")  # the demo's data, with 中秋节 2025 and 国庆节 in the window
    cli("demo")
    compared: list[int] = []

    def both(session: Any, query: Any) -> list[Any]:
        fast = db.plain_rows(session, query)
        usual = [tuple(row) for row in session.execute(query).all()]
        assert [tuple(row) for row in fast] == usual
        assert [[type(v) for v in row] for row in fast] == [
            [type(v) for v in row] for row in usual]
        compared.append(len(usual))
        return fast

    def both_in_batches(session: Any, query: Any, size: int | None) -> Any:
        yield both(session, query)

    monkeypatch.setattr(agenda, "plain_rows", both)
    monkeypatch.setattr(customers, "plain_batches", both_in_batches)
    for user, args in (("li.na", ()), ("li.na", ("--days", "30")), (None, ("--days", "30")),
                       (None, ("--date", "2025-12-30", "--days", "60"))):
        cli("due", *args, "--format", "json", user=user)
    assert len(compared) > 40
    assert sum(compared) > 100  # the kinds found rows to compare, not only empty reads
    before = len(compared)
    cli("customer", "list", "--format", "json")
    cli("customer", "list", "--owner", "li.na", "--incomplete", "--format", "json")
    assert len(compared) == before + 2 and compared[-2] > 10


def test_batches_are_the_rows_in_order(cli) -> None:  # type: ignore[no-untyped-def]
    """plain_batches in batches of 7 gives the rows plain_rows gives, in order."""
    from sqlalchemy import select

    from salesflow.context import AppState
    from salesflow.models import FollowUp

    cli.today("2025-09-29")
    cli("demo")
    with AppState(db=str(cli.db), user="li.na").unit("test", write=False) as unit:
        query = select(FollowUp.__table__).order_by(FollowUp.__table__.c.id)
        whole = db.plain_rows(unit.session, query)
        batches = list(db.plain_batches(unit.session, query, 7))
    assert len(whole) > 20 and all(0 < len(b) <= 7 for b in batches)
    assert [row for b in batches for row in b] == whole


@pytest.mark.parametrize("stored", [
    "2024-05-03 23:30:15", "2024-05-03 23:30:15.123456", "2024-05-03 23:30:15.000000+08:00",
    "2024-05-03T23:30:15", "2024-05-03 23:30:15.5", "2024-05-03", "2024-05-03 23:30:15Z",
    "2024-12-31 23:59:59.999999-05:00", "2024-05-03 23:30+08", "2024-05-03 23:30:15.123+08",
])
def test_a_stored_timestamp_reads_as_sqlalchemy_and_sqlmodel_read_it(stored: str) -> None:
    from sqlmodel.sql.sqltypes import UTCDateTime

    parsed = processors.str_to_datetime(stored)
    expected = UTCDateTime().process_result_value(parsed, None)  # type: ignore[arg-type]
    got = db.utc_from_stored(stored)
    assert got == expected and got.tzinfo is UTC and expected.tzinfo is UTC
    assert (got.isoformat(), type(got)) == (expected.isoformat(), type(expected))


def test_only_a_mapped_unit_maps_the_file(cli) -> None:  # type: ignore[no-untyped-def]
    """`due` (unit(mapped=True)) reads through a memory map; other commands do not (an
    export's resident memory would grow with the file)."""
    from sqlalchemy import text

    from salesflow.context import AppState

    cli.today("2025-09-29")
    cli("demo")
    sizes = []
    for mapped in (True, False):
        with AppState(db=str(cli.db), user="li.na").unit("t", write=False,
                                                         mapped=mapped) as unit:
            sizes.append(unit.session.execute(text("PRAGMA mmap_size")).scalar())
    assert sizes == [db.MAPPED_BYTES, 0] or (sizes[0] > 0 and sizes[1] == 0)
