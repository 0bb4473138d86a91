"""db.plain_rows, the agenda's row reader: on SQLite it reads the driver's rows and parses
timestamps itself; every value must be what SQLAlchemy's own result gives (value and
type), for every statement `due` runs, and for every shape of stored timestamp."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from sqlalchemy.engine import processors

from salesflow import db
from salesflow.services import agenda

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

    monkeypatch.setattr(agenda, "plain_rows", both)
    for user, args in (("li.na", ()), ("li.na", ("--days", "30")), (None, ("--days", "30")),
                       (None, ("--date", "2025-12-30", "--days", "60"))):
        cli("due", *args, "--format", "json", user=user)
    assert len(compared) > 40
    assert sum(compared) > 100  # the kinds found rows to compare, not only empty reads


@pytest.mark.parametrize("stored", [
    "2024-05-03 23:30:15", "2024-05-03 23:30:15.123456", "2024-05-03 23:30:15.000000+08:00",
    "2024-05-03T23:30:15", "2024-05-03 23:30:15.5", "2024-05-03", "2024-05-03 23:30:15Z",
    "2024-12-31 23:59:59.999999-05:00",
])
def test_a_stored_timestamp_reads_as_sqlalchemy_and_sqlmodel_read_it(stored: str) -> None:
    from sqlmodel.sql.sqltypes import UTCDateTime

    parsed = processors.str_to_datetime(stored)
    expected = UTCDateTime().process_result_value(parsed, None)  # type: ignore[arg-type]
    got = db.utc_from_stored(stored)
    assert got == expected and got.tzinfo is UTC and expected.tzinfo is UTC
    assert (got.isoformat(), type(got)) == (expected.isoformat(), type(expected))
