"""Shell completion of customer refs: `salesflow followup log MFG<TAB>`, `customer show
华东<TAB>`. Every customer REF argument completes through customer_refs() (commands wire
it with `_options.CustomerRef`).

Codes and names that begin with what was typed, each read as an indexed range (code >=
'MFG' AND code < 'MFG\\U0010ffff' on the code's unique index; the same on the name's
duplicate key, ix_customer_name_key), never a LIKE over every row. On SQLite the
statements run through the standard sqlite3 module, read-only, so completion never
imports SQLAlchemy: their SQL is the SQLite compilation of the one definition in
services/customers.py (salesflow/compiled.py, checked by a test). A PostgreSQL URL runs
that definition through SQLAlchemy. Any problem (no database yet, a locked or foreign
file, a server down) completes nothing: completion never prints an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

LIMIT = 20
_TOP = "\U0010ffff"  # sorts after every character a code or a name holds


def prefix_range(prefix: str) -> tuple[str, str]:
    """The [low, high) range of the strings that begin with `prefix`."""
    return prefix, prefix + _TOP


def bounds(incomplete: str) -> dict[str, tuple[str, str] | None]:
    """What to look for: codes are stored upper-case; names by their duplicate key (the
    key of a prefix is a prefix of the name's key)."""
    from salesflow.rules.names import _fold_and_mark

    text = incomplete.strip()
    key = _fold_and_mark(text)[0] if text else ""
    return {"codes": prefix_range(text.upper()), "names": prefix_range(key) if key else None}


def location_of(ctx: Any) -> str:
    """The database the command would open: --db / SALESFLOW_DB, else the default."""
    root = ctx.find_root() if ctx is not None else None
    value = root.params.get("db") if root is not None else None
    value = value or os.environ.get("SALESFLOW_DB")
    if value:
        return str(value)
    from salesflow.context import default_db_path

    return str(default_db_path())


def customer_refs(location: str, incomplete: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(value, help) pairs: codes (help: the name), then names (help: the code)."""
    try:
        if "://" in location:
            rows = _through_sqlalchemy(location, incomplete, limit)
        else:
            rows = _through_sqlite(Path(location).expanduser(), incomplete, limit)
    except Exception:  # completion must never fail loudly
        return []
    seen: set[str] = set()
    out = []
    for value, hint in rows:
        if value and value not in seen:
            seen.add(value)
            out.append((value, hint or ""))
    return out


def _through_sqlite(path: Path, incomplete: str, limit: int) -> list[tuple[str, str]]:
    import sqlite3

    from salesflow.compiled import CUSTOMER_REFS

    if not path.is_file():
        return []
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    try:
        rows: list[tuple[str, str]] = []
        for name, span in bounds(incomplete).items():
            if span is None:
                continue
            sql, order, fixed = CUSTOMER_REFS[name]
            values = {**fixed, "low": span[0], "high": span[1], "limit": limit}
            rows.extend(con.execute(sql, [values[p] for p in order]).fetchall())
        return rows
    finally:
        con.close()


def _through_sqlalchemy(location: str, incomplete: str, limit: int) -> list[tuple[str, str]]:
    from sqlalchemy import create_engine

    from salesflow.services.customers import ref_completion_statements

    statements = ref_completion_statements()
    engine = create_engine(location)
    try:
        with engine.connect() as conn:
            rows: list[tuple[str, str]] = []
            for name, span in bounds(incomplete).items():
                if span is None:
                    continue
                result = conn.execute(statements[name],
                                      {"low": span[0], "high": span[1], "limit": limit})
                rows.extend((r[0], r[1]) for r in result)
            return rows
    finally:
        engine.dispose()
