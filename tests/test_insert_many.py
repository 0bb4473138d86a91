"""db.insert_many, the bulk writer of `customer import`: on SQLite it makes each row's
parameters itself; the database must then hold exactly the bytes SQLAlchemy's own
executemany stores for the same rows, and refuse what SQLAlchemy refuses."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, insert
from sqlmodel import Session, SQLModel

from salesflow import db
from salesflow.models import Audit, Contact, Customer, StageChange
from salesflow.services import customers

SHANGHAI = timezone(timedelta(hours=8))
MOMENTS = [datetime(2025, 6, 30, 1, 2, 3, tzinfo=UTC),
           datetime(2025, 6, 30, 9, 2, 3, 500, tzinfo=SHANGHAI),  # another zone, µs
           datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
           datetime(999, 1, 1, tzinfo=UTC)]  # a year written with fewer digits


def _customer(n: int, moment: datetime) -> dict[str, Any]:
    row = {**customers._defaults(), "code": f"MFG-EC-{n:03d}", "name": f"客户{n}有限公司",
           "name_key": f"客户{n}", "owner": "li.na", "stage": "lead", "tier": "B",
           "stage_changed_at": moment, "progressed_at": moment, "created_at": moment,
           "last_contact_at": None if n % 2 else moment, "potential": 10**12 + n,
           "founded": date(2001, 2, 3), "delivering": bool(n % 2), "notes": "=1+1\n第二行"}
    return row


def _stored(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("customer", "stage_change", "contact", "audit")}
    finally:
        con.close()


def _tables() -> list[tuple[Any, list[dict[str, Any]]]]:
    return [(Customer, [_customer(n, m) for n, m in enumerate(MOMENTS, 1)]),
            (StageChange, [{"customer_id": n, "from_stage": None, "to_stage": "lead",
                            "at": m, "by": "li.na", "reason": "created"}
                           for n, m in enumerate(MOMENTS, 1)]),
            (Contact, [{"customer_id": 1, "name": "王伟", "title": None, "role": "user",
                        "phone": "+8613800138000", "email": None, "primary": True,
                        "created_at": MOMENTS[1]}]),
            (Audit, [{"at": m, "user": "li.na", "command": "import", "what": f"line {n}"}
                     for n, m in enumerate(MOMENTS)])]


def _write(path: Path, fast: bool, tables: list[tuple[Any, list[dict[str, Any]]]]) -> None:
    """The rows written into a new database, by insert_many or by SQLAlchemy."""
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        for model, rows in tables:
            table = model.__table__
            if fast:
                db.insert_many(session, table, rows)
            else:
                session.execute(insert(table), rows)
        session.commit()
    engine.dispose()


def test_the_rows_stored_are_sqlalchemys_byte_for_byte(tmp_path: Path) -> None:
    _write(tmp_path / "fast.db", True, _tables())
    _write(tmp_path / "usual.db", False, _tables())
    fast, usual = _stored(tmp_path / "fast.db"), _stored(tmp_path / "usual.db")
    assert fast == usual
    assert all(len(rows) > 0 for rows in fast.values())
    stamp = fast["stage_change"][1][4]  # the Shanghai moment, stored in UTC with its µs
    assert stamp == "2025-06-30 01:02:03.000500"


def test_a_moment_without_a_zone_is_refused_as_sqlalchemy_refuses_it(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    SQLModel.metadata.create_all(engine)
    row = {"at": datetime(2025, 6, 30, 1, 2, 3), "user": "u", "command": "c", "what": "w"}
    with Session(engine) as session:
        with pytest.raises(Exception, match="timezone information") as usual:
            session.execute(insert(Audit.__table__), [row])  # type: ignore[attr-defined]
        session.rollback()
        with pytest.raises(ValueError, match="timezone information"):
            db.insert_many(session, Audit.__table__, [row])  # type: ignore[attr-defined]
    assert "timezone information" in str(usual.value)
    engine.dispose()


@pytest.mark.parametrize("rows", [
    [{"at": MOMENTS[0], "user": "u", "command": "c", "what": "one"},
     {"at": MOMENTS[1], "user": "u", "command": "c", "what": "two", "id": 7}],
    [{"customer_id": 1, "name": "王伟", "created_at": MOMENTS[0]}],  # `primary` left out
], ids=["keys-differ", "default-left-out"])
def test_rows_with_other_keys_go_sqlalchemys_way(tmp_path: Path, rows: list[dict]) -> None:
    """Rows whose keys differ, and rows that leave out a column with a Python-side
    default, are written by SQLAlchemy (which fills the default): the same result."""
    model = Audit if "what" in rows[0] else Contact
    stored = []
    for name, fast in (("fast.db", True), ("usual.db", False)):
        _write(tmp_path / name, fast, [(model, rows)])
        con = sqlite3.connect(tmp_path / name)
        stored.append(con.execute(f"SELECT * FROM {model.__tablename__}").fetchall())
        con.close()
    assert stored[0] == stored[1] and stored[0]


def test_objects_added_before_are_written_first(tmp_path: Path) -> None:
    """As Session.execute does, insert_many flushes what the session holds first: an audit
    line added before a bulk of them keeps its place in the trail."""
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Audit(at=MOMENTS[0], user="u", command="c", what="first"))
        db.insert_many(session, Audit.__table__,  # type: ignore[attr-defined]
                       [{"at": MOMENTS[1], "user": "u", "command": "c", "what": "then"}])
        session.commit()
    engine.dispose()
    con = sqlite3.connect(tmp_path / "x.db")
    assert con.execute("SELECT what FROM audit ORDER BY id").fetchall() == [
        ("first",), ("then",)]
    con.close()
