"""`salesflow need add|respond|resolve|list` (需求反馈表) through the real CLI."""

from __future__ import annotations

import csv
import io

import pytest

NEED_HEADER = ("id,customer_code,description,kind,priority,department,status,created_at,"
               "created_by,responded_at,response,resolved_at,resolution")


def customer(cli, name: str = "华东精密科技有限公司") -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东"
               ).stdout.strip()


def add_need(cli, code: str, *extra: str, description: str = "数控机床升级") -> str:  # type: ignore[no-untyped-def]
    return cli("need", "add", code, description, *extra).stdout.strip()


def needs(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return cli.json("need", "list", *args)


def test_a_need_is_added_in_chinese_responded_to_and_resolved(cli):
    cli.today("2024-09-27")
    code = customer(cli)
    result = cli("need", "add", code, "数控机床升级", "--kind", "刚性", "--priority", "高",
                 "--department", "技术部")
    assert result.stdout == "1\n"
    assert "respond by 2024-09-29" in " ".join(result.stderr.split())
    [row] = needs(cli)
    assert {k: row[k] for k in ("id", "customer_code", "description", "kind", "priority",
                                "department", "status", "created_by", "responded_at",
                                "response", "resolved_at", "resolution")} == {
        "id": 1, "customer_code": code, "description": "数控机床升级", "kind": "must",
        "priority": "high", "department": "技术部", "status": "open", "created_by": "li.na",
        "responded_at": None, "response": None, "resolved_at": None, "resolution": None}
    assert row["created_at"].startswith("2024-09-2")

    cli.today("2024-09-28")
    cli("need", "respond", "1", "--note", "技术部已评估, 下周给出方案", user="wang.lei")
    [row] = needs(cli)
    assert (row["status"], row["response"]) == ("responded", "技术部已评估, 下周给出方案")
    assert row["responded_at"] is not None and row["resolved_at"] is None

    cli.today("2024-10-10")
    cli("need", "resolve", "#1", "--note", "已交付定制模块")
    [row] = needs(cli)
    assert (row["status"], row["response"], row["resolution"]) == (
        "resolved", "技术部已评估, 下周给出方案", "已交付定制模块")
    assert row["resolved_at"] > row["responded_at"]
    assert cli.query("SELECT responded_by, resolved_by FROM need") == [("wang.lei", "li.na")]
    assert [w for (w,) in cli.query("SELECT what FROM audit WHERE command LIKE 'need %' "
                                    "ORDER BY id")] == [
        "need #1 added for MFG-EC-001 (must, high)", "need #1 responded", "need #1 resolved"]


def test_resolving_an_open_need_counts_as_its_response(cli):
    cli.today("2024-09-27")
    code = customer(cli)
    add_need(cli, code, "--kind", "nice", "--priority", "low")
    cli("need", "resolve", "1", "--note", "已满足")
    [row] = needs(cli)
    assert row["status"] == "resolved"
    assert row["responded_at"] == row["resolved_at"]
    assert row["response"] == row["resolution"] == "已满足"
    assert cli.json("due", "--kind", "need", "--date", "2024-10-10") == []


@pytest.mark.parametrize(("kind", "priority", "expected"), [
    ("刚性", "高", ("must", "high")), ("弹性需求", "中", ("nice", "medium")),
    ("潜在", "低", ("latent", "low")), ("MUST", "Medium", ("must", "medium")),
], ids=["rigid", "elastic", "latent", "english-any-case"])
def test_kinds_and_priorities_in_english_or_chinese(cli, kind, priority, expected):
    cli.today("2024-09-27")
    code = customer(cli)
    add_need(cli, code, "--kind", kind, "--priority", priority)
    [row] = needs(cli)
    assert (row["kind"], row["priority"]) == expected


def test_list_filters_by_customer_and_status_and_has_the_stable_csv_columns(cli):
    cli.today("2024-09-27")
    a = customer(cli, "甲公司")
    b = customer(cli, "乙公司")
    add_need(cli, a, "--kind", "must", "--priority", "high", description="=cmd|' /C calc'!A0")
    add_need(cli, b, "--kind", "nice", "--priority", "low")
    add_need(cli, b, "--kind", "latent", "--priority", "medium")
    cli("need", "respond", "3", "--note", "ok")
    assert [r["id"] for r in needs(cli, "--customer", b)] == [2, 3]
    assert [r["id"] for r in needs(cli, "--customer", "乙公司")] == [2, 3]
    assert [r["id"] for r in needs(cli, "--status", "open")] == [1, 2]
    assert [r["id"] for r in needs(cli, "--status", "已响应")] == [3]
    assert needs(cli, "--customer", a, "--status", "resolved") == []
    out = cli("need", "list", "--format", "csv").stdout
    assert out.splitlines()[0] == NEED_HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["description"].startswith("'=")  # formula-safe
    assert "Needs" in cli("need", "list").stdout


REFUSALS = [
    (["need", "add", "{code}", "x", "--kind", "urgent", "--priority", "high"],
     "Error: kind:", "must, nice, latent"),
    (["need", "add", "{code}", "x", "--kind", "must", "--priority", "asap"],
     "Error: priority:", "high, medium, low"),
    (["need", "add", "{code}", "  ", "--kind", "must", "--priority", "high"],
     "Error: description:", "cannot be empty"),
    (["need", "add", "NOPE-XX-999", "x", "--kind", "must", "--priority", "high"],
     "Error: customer:", "no customer"),
    (["need", "respond", "99", "--note", "x"], "Error: id:", "no need #99"),
    (["need", "respond", "abc", "--note", "x"], "Error: id:", "not a need id"),
    (["need", "respond", "1", "--note", " "], "Error: note:", "cannot be empty"),
    (["need", "respond", "2", "--note", "again"], "Error: id:", "already responded"),
    (["need", "respond", "3", "--note", "again"], "Error: id:", "already resolved"),
    (["need", "resolve", "3"], "Error: id:", "already resolved"),
    (["need", "resolve", "0"], "Error: id:", "not a need id"),
    (["need", "list", "--status", "closed"], "Error: status:", "open, responded, resolved"),
    (["need", "list", "--customer", "nobody"], "Error: customer:", "no customer"),
]


@pytest.mark.parametrize(("argv", "start", "says"), REFUSALS,
                         ids=["kind", "priority", "blank-description", "unknown-customer",
                              "unknown-id", "bad-id", "blank-note", "respond-responded",
                              "respond-resolved", "resolve-resolved", "zero-id", "list-status",
                              "list-customer"])
def test_refusals_name_the_field_and_change_nothing(cli, unchanged, argv, start, says):
    cli.today("2024-09-27")
    code = customer(cli)
    for _ in range(3):
        add_need(cli, code, "--kind", "must", "--priority", "high")
    cli("need", "respond", "2", "--note", "answered")
    cli("need", "resolve", "3", "--note", "done")
    check = unchanged()
    err = cli.fails(*[a.replace("{code}", code) for a in argv])
    assert err.startswith(start) and says in err, err
    check()


def test_missing_kind_or_priority_is_a_usage_error(cli, unchanged):
    cli.today("2024-09-27")
    code = customer(cli)
    check = unchanged()
    cli("need", "add", code, "x", "--priority", "high", code=2)
    cli("need", "add", code, "x", "--kind", "must", code=2)
    check()
