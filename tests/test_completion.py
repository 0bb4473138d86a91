"""Shell completion of customer refs: one shared function, an indexed prefix range on the
code and on the name's key (never a scan), no SQLAlchemy import on SQLite, and the
stdlib statements are exactly the SQLAlchemy definitions compiled for SQLite."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from salesflow import compiled
from salesflow.completion import customer_refs


def test_the_stored_sqlite_statements_are_the_sqlalchemy_definitions_compiled():
    # When this fails, the models or services/customers.ref_completion_statements changed:
    # run `python scripts/compile_sql.py` and commit src/salesflow/compiled.py.
    from salesflow.services.customers import compiled_for_sqlite

    assert compiled_for_sqlite() == compiled.CUSTOMER_REFS


def test_codes_and_names_complete_from_their_beginning_on_either_backend(cli):
    cli("demo")
    refs = dict(customer_refs(cli.location, "mfg-ec"))
    assert refs and all(code.startswith("MFG-EC-") for code in refs)
    assert refs["MFG-EC-001"] == "华东精密科技有限公司"
    names = customer_refs(cli.location, "华东")
    assert ("华东精密科技有限公司", "MFG-EC-001") in names
    assert all(name.startswith("华东") for name, _code in names)
    assert customer_refs(cli.location, "NO-SUCH") == []
    assert len(customer_refs(cli.location, "")) == 20  # nothing typed: a page of codes


def test_completion_of_a_missing_or_foreign_file_completes_nothing(tmp_path):
    assert customer_refs(str(tmp_path / "none.db"), "MFG") == []
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    assert customer_refs(str(tmp_path / "junk.db"), "MFG") == []


@pytest.mark.sqlite_only
def test_each_completion_statement_reads_an_index_range(cli):
    cli("demo")
    con = sqlite3.connect(cli.db)
    try:
        for name, (sql, order, fixed) in compiled.CUSTOMER_REFS.items():
            values = {**fixed, "low": "A", "high": "B", "limit": 20}
            plan = " ".join(row[-1] for row in con.execute(
                "EXPLAIN QUERY PLAN " + sql, [values[p] for p in order]))
            assert "SEARCH customer USING" in plan and "INDEX" in plan, (name, plan)
            assert "SCAN" not in plan, (name, plan)
    finally:
        con.close()


def _complete(db, words: str, lang: str = "en") -> tuple[str, str]:
    """Bash completion as the shell asks for it, in a fresh process (no server)."""
    code = ("import sys\nfrom salesflow.launcher import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'light', file=sys.stderr)\n")
    env = {**os.environ, "SALESFLOW_DB": str(db), "SALESFLOW_NO_SERVER": "1",
           "SALESFLOW_LANG": lang, "_SALESFLOW_COMPLETE": "complete_bash",
           "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    env.pop("SALESFLOW_DEBUG", None)
    result = subprocess.run([sys.executable, "-c", code, "x"], env=env, capture_output=True,
                            text=True, timeout=60)
    return result.stdout, result.stderr


@pytest.mark.sqlite_only
def test_every_customer_ref_completes_without_importing_sqlalchemy(cli):
    cli("demo")
    for words in ("salesflow followup log MFG", "salesflow customer show MFG",
                  "salesflow brief MFG", "salesflow need add MFG",
                  "salesflow contract list --customer MFG", "salesflow grade MFG"):
        out, err = _complete(cli.db, words)
        assert "MFG-EC-001" in out.split(), (words, out, err)
        assert err.strip().endswith("light"), (words, err)
    out, err = _complete(cli.db, "salesflow customer show 华东", lang="zh_CN")
    assert out.split() == ["华东精密科技有限公司"], err
    assert err.strip().endswith("light"), err
