"""`salesflow customer …` and `grade` through the real CLI against a real file."""

from __future__ import annotations

import pytest


def add(cli, name: str, *extra: str, user: str | None = None) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, *extra, user=user).stdout.strip()


def show(cli, ref: str) -> dict:  # type: ignore[no-untyped-def]
    return cli.json("customer", "show", ref)


def test_add_assigns_codes_per_industry_and_region_and_never_reuses_them(cli):
    assert add(cli, "华东精密科技有限公司", "--industry", "制造业", "--region", "华东") == \
        "MFG-EC-001"
    assert add(cli, "苏州恒达机械", "--industry", "manufacturing", "--region", "江苏") == \
        "MFG-EC-002"
    assert add(cli, "深圳启明电子", "--industry", "电子", "--region", "广东") == "ELE-SC-001"
    assert add(cli, "某某公司") == "GEN-XX-001"


@pytest.mark.parametrize(
    ("potential", "days", "tier"),
    [("500000", "30", "A"), ("499999.99", "30", "B"), ("100000", "90", "B"),
     ("100000", "91", "C"), ("50万", None, "C"), ("0.6m", "20", "A")],
    ids=["A-edge", "just-below-A", "B-edge", "cycle-too-long", "no-cycle", "millions"],
)
def test_tiers_at_the_edges(cli, potential, days, tier):
    code = add(cli, "边界测试有限公司", "--potential", potential,
               *(["--decision-days", days] if days else []))
    assert show(cli, code)["tier"] == tier
    [graded] = cli.json("grade", code)
    assert graded["new_tier"] == tier and graded["rule"].startswith(f"{tier}:")


def test_grade_prints_the_rule_with_its_figures(cli):
    code = add(cli, "甲公司", "--potential", "60万", "--decision-days", "20")
    [row] = cli.json("grade", code)
    assert "¥600,000.00" in row["rule"] and "20" in row["rule"]


def test_an_override_needs_a_reason_and_survives_grade_all(cli, unchanged):
    a = add(cli, "甲公司", "--potential", "5万")
    b = add(cli, "乙公司", "--potential", "60万", "--decision-days", "20")
    check = unchanged()
    err = cli.fails("grade", a, "--set", "A")
    assert "reason" in err
    check()
    cli("grade", a, "--set", "A", "--reason", "strategic logo")
    cli("config", "set", "tier.a.potential", "100万")  # b no longer qualifies for A
    moves = cli.json("grade", "--all")
    assert [(m["code"], m["old_tier"], m["new_tier"]) for m in moves] == [(b, "A", "B")]
    assert show(cli, a)["tier"] == "A"
    assert show(cli, a)["tier_reason"] == "strategic logo"
    [cleared] = cli.json("grade", a, "--clear")
    assert (cleared["old_tier"], cleared["new_tier"]) == ("A", "C")


def test_grade_dry_run_stores_nothing(cli, unchanged):
    code = add(cli, "甲公司", "--potential", "60万", "--decision-days", "20")
    cli("config", "set", "tier.a.potential", "100万")
    check = unchanged()
    [move] = cli.json("grade", "--all", "--dry-run")
    assert move["new_tier"] == "B"
    check()
    assert show(cli, code)["tier"] == "A"


@pytest.mark.parametrize(
    "variant",
    ["华东精密科技有限公司", "  华东精密科技  有限公司 ", "华东精密科技",
     "华东精密科技股份有限公司"],
    ids=["same", "extra-spaces", "no-suffix", "other-suffix"],
)
def test_a_duplicate_is_refused_with_the_existing_code_and_changes_nothing(
        cli, unchanged, variant):
    code = add(cli, "华东精密科技有限公司", "--industry", "制造业", "--region", "华东")
    check = unchanged()
    err = cli.fails("customer", "add", variant, "--industry", "制造业", "--region", "华东")
    assert code in err and "--force" in err
    check()


def test_full_width_letters_are_duplicates_too(cli, unchanged):
    code = add(cli, "ABC Trading Co., Ltd.")
    check = unchanged()
    assert code in cli.fails("customer", "add", "ＡＢＣ  trading")
    check()
    assert add(cli, "ＡＢＣ  trading", "--force") != code


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--potential", "12x"], "potential"),
        (["--potential", "1.234"], "potential"),
        (["--phone", "12345"], "phone"),
        (["--email", "li@@x"], "email"),
        (["--contact-role", "boss"], "contact-role"),
        (["--source", "magic"], "source"),
        (["--founded", "2024-02-30"], "founded"),
        (["--founded", "01/02/2024"], "founded"),
        (["--decision-days", "soon"], "decision-days"),
    ],
    ids=["potential-letters", "potential-decimals", "phone", "email", "role", "source",
         "impossible-date", "ambiguous-date", "days"],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(cli, unchanged, args, field):
    add(cli, "已有客户有限公司")
    check = unchanged()
    err = cli.fails("customer", "add", "新客户有限公司", *args)
    assert err.startswith(f"Error: {field}:")
    check()


def test_unknown_customer_is_one_line_and_changes_nothing(cli, unchanged):
    add(cli, "已有客户有限公司")
    check = unchanged()
    for argv in (["customer", "show", "MFG-EC-999"], ["customer", "edit", "nobody", "--need", "x"],
                 ["followup", "log", "XYZ-EC-001", "-s", "hi"], ["grade", "nobody"],
                 ["customer", "stage", "nobody", "intent"]):
        assert "no customer" in cli.fails(*argv)
    check()


def test_phone_is_normalized_and_a_customer_found_by_name(cli):
    code = add(cli, "华东精密科技有限公司", "--phone", "138 0013 8000", "--email", "WQ@Example.com")
    data = show(cli, "华东精密科技")
    assert (data["code"], data["phone"]) == (code, "+8613800138000")


def test_completeness_lists_what_is_missing(cli):
    code = add(cli, "甲公司", "--industry", "零售", "--contact", "王强", "--title", "经理",
               "--role", "decision-maker", "--email", "wq@example.com", "--source",
               "referral", "--need", "收银系统")
    add(cli, "乙公司", "--industry", "零售")
    data = show(cli, code)
    assert data["complete"] is True and data["missing"] == []
    rows = cli.json("customer", "list", "--incomplete")
    assert [r["name"] for r in rows] == ["乙公司"]
    assert rows[0]["missing"] == ["contact_name", "contact_title", "contact_role",
                                  "phone/email", "source", "need"]


def test_edit_regrades_and_keeps_the_code(cli):
    code = add(cli, "甲公司", "--industry", "零售", "--potential", "5万")
    cli("customer", "edit", code, "--potential", "80万", "--decision-days", "10",
        "--industry", "制造业")
    data = show(cli, code)
    assert (data["code"], data["tier"], data["industry"]) == (code, "A", "制造业")


def test_edit_refuses_a_name_that_duplicates_another_customer(cli, unchanged):
    a = add(cli, "甲公司")
    b = add(cli, "乙公司")
    check = unchanged()
    assert a in cli.fails("customer", "edit", b, "--name", "甲公司")
    check()


def test_stage_moves_forward_one_at_a_time_and_keeps_history(cli, unchanged):
    code = add(cli, "甲公司", "--need", "数控机床升级")
    cli("customer", "stage", code, "intent")
    check = unchanged()
    err = cli.fails("customer", "stage", code, "negotiation", "--reason", "urgent")
    assert "manager" in err
    assert "reason" in cli.fails("customer", "stage", code, "lead")
    assert "contract" in cli.fails("customer", "stage", code, "won")
    check()
    cli("user", "add", "li.na", "--role", "rep")
    cli("user", "add", "boss", "--role", "manager", user="li.na", code=1)
    # a manager may skip, with a reason
    cli("user", "list")
    history = show(cli, code)["stage_changes"]
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [(None, "lead"),
                                                                   ("lead", "intent")]


def test_a_manager_may_skip_a_stage_with_a_reason(cli, unchanged):
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    cli("user", "add", "li.na", "--role", "rep", user="wang.lei")  # the acting user
    code = add(cli, "甲公司")
    check = unchanged()
    assert "reason" in cli.fails("customer", "stage", code, "proposal", user="wang.lei")
    check()
    cli("customer", "stage", code, "proposal", "--reason", "RFP already written",
        user="wang.lei")
    last = show(cli, code)["stage_changes"][-1]
    assert (last["to_stage"], last["by"], last["reason"]) == (
        "proposal", "wang.lei", "RFP already written")


def test_list_csv_has_the_export_columns_and_is_formula_safe(cli):
    add(cli, "=HYPERLINK(\"x\")公司", "--phone", "+86 138 0013 8000")
    out = cli("customer", "list", "--format", "csv").stdout.splitlines()
    assert out[0] == ("code,name,industry,region,size,contact_name,contact_title,contact_role,"
                      "phone,email,source,source_detail,need,potential,decision_days,tier,"
                      "stage,owner,tags,created_at,last_contact_at,next_due_at,"
                      "pain_points,budget_min,budget_max,decision_process,timeline,"
                      "competitors,past_cooperation,"  # §11 appended
                      "departments,collaboration,lead_person")  # §14 appended
    assert ",'=HYPERLINK" in out[1].replace('"', "")
    assert ",+8613800138000," in out[1]
    raw = cli("customer", "list", "--format", "csv", "--raw").stdout.splitlines()
    assert "'=" not in raw[1]
    excel = cli("customer", "list", "--format", "csv", "--excel").stdout
    assert excel.startswith("\ufeffcode,")


def test_money_in_json_is_a_number_of_yuan(cli):
    code = add(cli, "甲公司", "--potential", "¥2,580,000.50")
    assert show(cli, code)["potential"] == 2580000.5
