"""The shared pool (公海, SPEC §15) through the real CLI, on both backends: a rep's customer
idle past pool.idle_days returns to the pool on the next write (or `pool sweep`) after a
`pool` warning pool.warn_days earlier; claims over pool.max_per_rep or inside the lockout
are refused with the database unchanged; every move is in the audit."""

from __future__ import annotations

import csv
import io

import pytest


def team(cli) -> None:  # type: ignore[no-untyped-def]
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name in ("li.na", "sun.li"):
        cli("user", "add", name, "--role", "rep", user="wang.lei")


def idle_customer(cli, name: str = "华东精密科技有限公司", owner: str = "li.na") -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               user=owner).stdout.strip()


@pytest.fixture
def pooled(cli):  # type: ignore[no-untyped-def]
    """li.na's customer created on 2024-01-02, pool.idle_days 30: it returns on 2024-02-01."""
    cli.today("2024-01-02")
    team(cli)
    code = idle_customer(cli)
    cli("config", "set", "pool.idle_days", "30", user="wang.lei")
    return code


def pool_items(cli, day: str, *extra: str, user: str = "li.na") -> list[dict]:  # type: ignore[no-untyped-def]
    cli.today(day)
    return cli.json("due", "--kind", "pool", "--days", "0", *extra, user=user)


def test_an_idle_customer_is_warned_then_returns_to_the_pool(cli, pooled):
    code = pooled
    assert pool_items(cli, "2024-01-24") == []  # 8 days before: no warning yet
    [item] = pool_items(cli, "2024-01-25")  # pool.warn_days (7) before
    assert (item["kind"], item["customer_code"], item["due_date"], item["owner"]) == (
        "pool", code, "2024-02-01", "li.na")
    assert "2024-02-01" in item["action"]
    # the same item in CSV and ICS
    rows = list(csv.DictReader(io.StringIO(cli("due", "--kind", "pool", "--days", "0",
                                               "--format", "csv", user="li.na").stdout)))
    assert [(r["kind"], r["customer_code"]) for r in rows] == [("pool", code)]
    assert f"pool-{code}" in cli("due", "--kind", "pool", "--format", "ics",
                                 user="li.na").stdout
    assert "pool" in cli("due", "--days", "0", user="li.na").stdout

    # the day before, a write does not take it yet; on the day, any write does
    cli.today("2024-01-31")
    cli("pool", "sweep", user="wang.lei")
    assert cli.json("customer", "show", code)["owner"] == "li.na"
    cli.today("2024-02-01")
    cli("customer", "add", "南方物流股份有限公司", user="sun.li")
    assert cli.json("customer", "show", code)["owner"] == ""
    [row] = cli.json("pool", "list", user="sun.li")
    assert (row["code"], row["last_owner"]) == (code, "li.na")
    assert pool_items(cli, "2024-02-01") == []  # nobody's warning any more
    assert any(f"customer {code} returned to the pool" in what for (what,) in cli.query(
        "SELECT what FROM audit"))


def test_a_follow_up_keeps_the_customer(cli, pooled):
    code = pooled
    cli.today("2024-01-28")
    cli("followup", "log", code, "--summary", "电话沟通", "--channel", "phone", user="li.na")
    assert pool_items(cli, "2024-01-28") == []
    cli.today("2024-02-05")
    assert "0 customer(s)" in cli("pool", "sweep", user="wang.lei").stderr
    assert cli.json("customer", "show", code)["owner"] == "li.na"
    [item] = pool_items(cli, "2024-02-20")
    assert item["due_date"] == "2024-02-27"


def test_a_manager_s_customer_and_a_recent_signing_never_return(cli, pooled):
    code = pooled
    mine = idle_customer(cli, "南方物流股份有限公司", owner="wang.lei")
    cli.today("2024-03-01")
    cli("pool", "sweep", user="wang.lei")
    assert cli.json("customer", "show", mine)["owner"] == "wang.lei"
    assert cli.json("customer", "show", code)["owner"] == ""


def test_the_pool_is_off_by_default(cli):
    cli.today("2024-01-02")
    team(cli)
    code = idle_customer(cli)
    cli.today("2025-01-02")
    cli("pool", "sweep", user="wang.lei")
    assert cli.json("customer", "show", code)["owner"] == "li.na"
    assert cli.json("due", "--kind", "pool", user="li.na") == []
    assert cli.json("pool", "list", user="li.na") == []


def test_claim_and_release_are_audited_and_release_locks_its_owner_out(cli, pooled,
                                                                       unchanged):
    code = pooled
    cli.today("2024-02-01")
    cli("pool", "sweep", user="wang.lei")
    # li.na lost it: locked out for pool.lockout_days (30)
    check = unchanged()
    err = cli.fails("pool", "claim", code, user="li.na")
    assert "2024-03-02" in err and "pool.lockout_days" in err
    check()
    cli("pool", "claim", code, user="sun.li")
    shown = cli.json("customer", "show", code)
    assert shown["owner"] == "sun.li" and shown["next_due_at"] is not None
    # claiming counts as contact: a full idle period again
    [item] = pool_items(cli, "2024-02-25", user="sun.li")
    assert item["due_date"] == "2024-03-02"
    cli("pool", "release", code, user="sun.li")
    assert cli.json("customer", "show", code)["owner"] == ""
    cli.fails("pool", "claim", code, user="sun.li")
    cli.today("2024-03-02")
    cli("pool", "claim", code, user="li.na")  # li.na's lockout is over
    whats = [w for (w,) in cli.query("SELECT what FROM audit ORDER BY id")]
    assert [w for w in whats if code in w and ("pool" in w)] == [
        f"customer {code} returned to the pool (no follow-up for 30 days, due 2024-02-01); "
        "was li.na's",
        f"customer {code} claimed from the pool by sun.li",
        f"customer {code} released to the pool; was sun.li's",
        f"customer {code} claimed from the pool by li.na"]


def test_a_claim_over_max_per_rep_is_refused_with_the_database_unchanged(cli, pooled,
                                                                         unchanged):
    code = pooled
    cli("config", "set", "pool.max_per_rep", "1", user="wang.lei")
    cli.today("2024-02-01")
    idle_customer(cli, "南方物流股份有限公司", owner="sun.li")  # a write: li.na's goes
    assert cli.json("customer", "show", code)["owner"] == ""
    check = unchanged()
    err = cli.fails("pool", "claim", code, user="sun.li")
    assert "pool.max_per_rep" in err
    check()
    # a manager holds no quota
    cli("pool", "claim", code, user="wang.lei")


def test_refusals(cli, pooled):
    code = pooled
    assert "not in the pool" in cli.fails("pool", "claim", code, user="sun.li")
    assert "li.na's" in cli.fails("pool", "release", code, user="sun.li")
    cli("pool", "release", code, user="wang.lei")  # a manager may release anyone's
    assert "already" in cli.fails("pool", "release", code, user="wang.lei")
    assert "pool.idle_days" in cli.fails("config", "set", "pool.idle_days", "soon",
                                         user="wang.lei")
    assert {r["key"]: r["value"] for r in cli.json("config", "show")}["pool.warn_days"] == "7"


def test_imported_leads_get_the_pool_date_an_added_one_gets(cli, pooled, tmp_path):
    """customer import writes its leads in bulk (schedule.fill_new): their pool_on is the
    one `customer add` stores, the owner's role included (a manager's never returns)."""
    sheet = tmp_path / "leads.csv"
    sheet.write_text("客户名称,负责人\n南方物流股份有限公司,li.na\n北方重工集团有限公司,wang.lei\n",
                     encoding="utf-8")
    cli("customer", "import", str(sheet), user="wang.lei")
    cli("customer", "add", "西部能源有限公司", user="li.na")
    stored = dict(cli.query("SELECT name, pool_on FROM customer"))
    assert str(stored["南方物流股份有限公司"])[:10] == "2024-02-01"
    assert str(stored["西部能源有限公司"])[:10] == "2024-02-01"
    assert stored["北方重工集团有限公司"] is None


@pytest.mark.sqlite_only
def test_a_customer_s_signings_are_one_index_probe(cli, pooled):
    """The last signing (the pool) and the first (the survey clock) of each customer are
    read through (customer_id, status, signed_at), not every signed contract of the team
    (migration 0011): the plans of what `doctor` sends for every customer."""
    import sqlite3

    from tests.commands.test_due import statements_of

    sent = statements_of(cli, "doctor", "--format", "json")
    reads = [(s, p) for s, p in sent if "contract.signed_at" in s and "FROM customer" in s]
    assert len(reads) >= 2  # the pool's recomputation and the survey clock's
    con = sqlite3.connect(cli.db)
    try:
        for sql, params in reads:
            plan = [row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
            contract = [step for step in plan if "contract" in step]
            assert contract and all("ix_contract_customer_status_signed" in step
                                    for step in contract), plan
    finally:
        con.close()
