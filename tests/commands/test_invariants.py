"""Invariants over many inputs, through the real CLI: bad input never changes anything."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from salesflow.rules.dates import parse_date
from salesflow.rules.money import parse_money

# Each example runs the real command against a database and snapshots it: a dozen keeps
# the suite fast on PostgreSQL; tests/rules try hundreds of inputs on the parsers alone.
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
garbage = st.text(alphabet=st.sampled_from("0123456789,./-+万wmM¥ abc年月日:"), max_size=12)


def _refused(parse, text: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        parse(text)
    except ValueError:
        return True
    return False


@SETTINGS
@given(text=garbage)
def test_a_refused_amount_never_changes_the_database(cli, unchanged, text):
    assume(text.strip() and _refused(parse_money, text))
    if not cli.dump():
        cli("customer", "add", "已有客户有限公司")
    check = unchanged()
    err = cli.fails("customer", "add", "新客户有限公司", "--potential", text)
    assert err.startswith("Error: potential:")
    check()


@SETTINGS
@given(text=garbage)
def test_a_refused_date_never_changes_the_database(cli, unchanged, text):
    from datetime import date

    assume(text.strip() and _refused(lambda t: parse_date(t, date(2024, 5, 6)), text))
    cli.today("2024-05-06")
    if not cli.dump():
        cli("customer", "add", "已有客户有限公司")
    check = unchanged()
    err = cli.fails("followup", "log", "已有客户有限公司", "-s", "call", "--next-due", text)
    assert err.startswith("Error: next-due:")
    check()
