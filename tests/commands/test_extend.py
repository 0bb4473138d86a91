"""Extension requests (延期申请表, SPEC §14): asked by the rep, decided by a manager who is
not the requester; an approved one moves its agenda item to the new date with the reason."""

from __future__ import annotations

A_TIER = ("--potential", "258万", "--decision-days", "25")


def add(cli, name: str, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               *extra).stdout.strip()


def team(cli) -> None:  # type: ignore[no-untyped-def]
    cli("user", "add", "wang.qiang", "--role", "manager")
    cli("user", "add", "zhao.min", "--role", "manager", user="wang.qiang")
    cli("user", "add", "li.na", "--role", "rep", user="wang.qiang")


def items(cli, day: str, kind: str, days: int = 0) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(i["customer_code"], i["due_date"], i["action"])
            for i in cli.json("due", "--date", day, "--days", str(days), "--kind", kind)]


def test_an_approved_extension_moves_the_new_lead_deadline_with_its_reason(cli, unchanged):
    cli.today("2023-10-09")  # Monday after the National Day holiday
    team(cli)
    code = add(cli, "华东精密科技有限公司")
    screen = "screen the new lead (within 3 working days)"
    assert items(cli, "2023-10-12", "new-lead") == [(code, "2023-10-12", screen)]

    cli.today("2023-10-11")
    assert cli("extend", code, "new-lead", "--to", "2023-10-20", "--reason",
               "客户负责人出差").stdout.strip() == "1"
    [row] = cli.json("extend", "list")
    assert row == {"id": 1, "customer_code": code, "kind": "new-lead",
                   "due_date": "2023-10-12", "to": "2023-10-20", "reason": "客户负责人出差",
                   "requested_by": "li.na", "status": "pending", "decided_by": None,
                   "note": None}
    # pending: the item keeps its date
    assert items(cli, "2023-10-12", "new-lead") == [(code, "2023-10-12", screen)]

    check = unchanged()
    assert "li.na" in cli.fails("extend", "approve", "1")  # the requester (and a rep)
    check()

    cli("extend", "approve", "1", user="wang.qiang")
    assert items(cli, "2023-10-12", "new-lead") == []
    assert items(cli, "2023-10-20", "new-lead") == [
        (code, "2023-10-20", f"{screen} (extended from 2023-10-12: 客户负责人出差)")]
    assert items(cli, "2023-10-12", "new-lead", days=8)[0][1] == "2023-10-20"
    csv = cli("extend", "list", "--status", "approved", "--format", "csv").stdout
    assert csv.splitlines()[0] == \
        "id,customer_code,kind,due_date,to,reason,requested_by,status,decided_by,note"
    assert csv.splitlines()[1].endswith(",approved,wang.qiang,")
    assert cli.json("extend", "list", "--status", "pending") == []
    # the agenda's CSV keeps its stable columns
    assert cli("due", "--date", "2023-10-20", "--format", "csv").stdout.splitlines()[0] \
        .startswith("due_date,days_overdue,kind,customer_code,customer,tier,stage,owner,"
                    "action,last_contact")


def test_a_manager_may_not_approve_their_own_request_and_a_rejection_keeps_the_date(
        cli, unchanged):
    cli.today("2023-10-09")
    team(cli)
    code = add(cli, "苏州恒达机械", *A_TIER)
    cli("customer", "edit", code, "--need", "分拣线改造")  # intent needs a recorded need
    cli("customer", "stage", code, "intent")  # proposal due 5 working days later: 10-16
    [(_, due, _action)] = items(cli, "2023-10-16", "proposal")
    assert due == "2023-10-16"
    cli("extend", code, "proposal", "--to", "2023-10-23", "--reason", "客户需求变更",
        user="wang.qiang")
    check = unchanged()
    err = cli.fails("extend", "approve", "1", user="wang.qiang")
    assert "wang.qiang asked for this extension" in err
    assert "note" in cli.fails("extend", "reject", "1", "--note", " ", user="zhao.min")
    check()
    cli("extend", "reject", "1", "--note", "请按期提交", user="zhao.min")
    assert [r["status"] for r in cli.json("extend", "list")] == ["rejected"]
    assert items(cli, "2023-10-16", "proposal")[0][1] == "2023-10-16"
    check = unchanged()
    assert "already rejected" in cli.fails("extend", "approve", "1", user="zhao.min")
    check()


def test_a_need_extension_moves_only_that_need(cli):
    cli.today("2023-10-09")
    code = add(cli, "杭州云图")
    cli("need", "add", code, "数据看板", "--kind", "must", "--priority", "high")
    cli.today("2023-10-10")
    cli("need", "add", code, "移动端", "--kind", "nice", "--priority", "low")
    cli("extend", code, "need", "--to", "2023-10-25", "--reason", "技术部评估中")
    cli("extend", "approve", "1", user="wang.qiang")  # a database without users
    got = [(d, a) for _c, d, a in items(cli, "2023-10-09", "need", days=30)]
    assert got == [("2023-10-12", "respond to need #2 (low, 48h)"),
                   ("2023-10-25", "respond to need #1 (high, 48h) "
                                  "(extended from 2023-10-11: 技术部评估中)")]


def test_bad_requests_are_refused_and_write_nothing(cli, unchanged):
    cli.today("2023-10-09")
    code = add(cli, "华东精密科技有限公司")
    cli("followup", "log", code, "-s", "初次电话")  # screened: no new-lead item any more
    check = unchanged()
    assert "kind" in cli.fails("extend", code, "later", "--to", "2023-10-20", "--reason", "x")
    assert "minutes" in cli.fails("extend", code, "later", "--to", "2023-10-20",
                                  "--reason", "x")
    assert "no new-lead item" in cli.fails("extend", code, "new-lead", "--to", "2023-10-20",
                                           "--reason", "x")
    assert "no delivery item" in cli.fails("extend", code, "delivery", "--to", "2023-10-20",
                                           "--reason", "x")
    assert "to:" in cli.fails("extend", code, "new-lead", "--to", "someday", "--reason", "x")
    assert "reason" in cli.fails("extend", code, "new-lead", "--to", "2023-10-20",
                                 "--reason", "  ")
    assert "customer" in cli.fails("extend", "NOPE-XX-999", "new-lead", "--to",
                                   "2023-10-20", "--reason", "x")
    assert "id" in cli.fails("extend", "approve", "x")
    assert "no extension #9" in cli.fails("extend", "approve", "9")
    assert "status" in cli.fails("extend", "list", "--status", "done")
    check()


def test_an_extension_must_move_the_item_later(cli, unchanged):
    cli.today("2023-10-09")
    code = add(cli, "华东精密科技有限公司")
    check = unchanged()
    err = cli.fails("extend", code, "new-lead", "--to", "2023-10-12", "--reason", "x")
    assert err.startswith("Error: to: 2023-10-12 is not after the item's due date 2023-10-12")
    check()
