"""Values the CLI must refuse in one line, or read right (issue 9): integers beyond 64
bits or in other scripts, settings out of range, time zones, dates outside the business's
years, owners and acting users naming nobody; and the cadence of a customer moved or won
without a logged contact."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

HUGE = "99999999999999999999999"
NAME = "华东精密科技有限公司"


def add(cli, name: str = NAME, *extra: str) -> str:  # type: ignore[no-untyped-def]
    return cli("customer", "add", name, "--industry", "制造业", "--region", "华东",
               "--potential", "258万", "--decision-days", "25", *extra).stdout.strip()


def team(cli) -> None:  # type: ignore[no-untyped-def]
    cli("user", "add", "wang.lei", "--role", "manager", user="wang.lei")
    for name, role in [("zhao.min", "legal"), ("chen.gang", "gm"), ("li.na", "rep")]:
        cli("user", "add", name, "--role", role, user="wang.lei")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


# --- integers -----------------------------------------------------------------------------

INTEGER_REFUSALS = [
    (["customer", "add", "甲公司", "--decision-days", HUGE], "decision-days:", "0 to 3660"),
    (["customer", "add", "甲公司", "--decision-days", "٣"], "decision-days:", "digits 0-9"),
    (["customer", "add", "甲公司", "--decision-days", "３"], "decision-days:", "digits 0-9"),
    (["customer", "add", "甲公司", "--decision-days", "1_000"], "decision-days:", "digits"),
    (["due", "--days", HUGE], "days:", "0 to 366"),
    (["due", "--days", "٣"], "days:", "digits 0-9"),
    (["due", "--days", "1_0"], "days:", "digits 0-9"),
    (["need", "respond", "99999999999999999999", "--note", "x"], "id:", "9223372036854775807"),
    (["followup", "log", "MFG-EC-001", "-s", "x", "--satisfaction", HUGE], "satisfaction:",
     "1 to 5"),
    (["followup", "log", "MFG-EC-001", "-s", "x", "--satisfaction", "٣"], "satisfaction:",
     "digits 0-9"),
    (["target", "set", "2024Q4", "new_leads", HUGE], "value:", "0 to 1000000000"),
    (["target", "set", "2024Q4", "avg_sales_cycle_days", HUGE], "value:", "0 to 3660 days"),
]


@pytest.mark.parametrize(("args", "field", "accepted"), INTEGER_REFUSALS,
                         ids=["decision-days-huge", "decision-days-arabic-indic",
                              "decision-days-full-width", "decision-days-underscore",
                              "days-huge", "days-arabic-indic", "days-underscore",
                              "need-id-huge", "satisfaction-huge",
                              "satisfaction-arabic-indic", "target-count-huge",
                              "target-days-huge"])
def test_integers_out_of_range_or_in_other_scripts_are_refused(cli, unchanged, args, field,
                                                               accepted):
    add(cli)
    check = unchanged()
    err = cli.fails(*args)
    assert err.startswith(f"Error: {field}"), err
    assert accepted in err
    check()


def test_an_import_cell_beyond_64_bits_is_a_bad_row(cli, unchanged, tmp_path):
    add(cli)
    path = write_csv(tmp_path / "r.csv", ["客户名称", "决策周期"],
                     [["甲公司", "30"], ["乙公司", HUGE]])
    check = unchanged()
    result = cli("customer", "import", path, code=1)
    assert "line 3: 决策周期 (decision_days):" in result.stderr
    assert "0 to 3660" in result.stderr and "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    check()


# --- settings --------------------------------------------------------------------------------

SETTING_REFUSALS = [
    ("cadence.a.prospecting", "0", "1 to 365"),
    ("cadence.A.care", "-3", "1 to 365"),
    ("cadence.B.prospecting", "1" + "0" * 30, "1 to 365"),
    ("tier.a.days", HUGE, "1 to 3660"),
    ("tier.a.potential", "20000000000000", "0 to 1000000000000 yuan"),
    ("gm_threshold", "20000000000000", "0 to 1000000000000 yuan"),
    ("timezone", "Asia", "Asia/Shanghai"),
]


@pytest.mark.parametrize(("key", "value", "accepted"), SETTING_REFUSALS,
                         ids=["cadence-zero-lower-case-key", "cadence-negative",
                              "cadence-10e30", "decision-cycle-huge", "potential-absurd",
                              "gm-threshold-absurd", "timezone-not-a-zone"])
def test_settings_out_of_range_are_refused(cli, unchanged, key, value, accepted):
    add(cli)
    check = unchanged()
    err = cli.fails("config", "set", key, "--", value)
    assert err.lower().startswith(f"error: {key.lower()}:"), err
    assert accepted in err
    check()


def test_a_lower_case_cadence_key_names_the_setting(cli):
    cli("config", "set", "cadence.a.prospecting", "10")
    shown = {s["key"]: s["value"] for s in cli.json("config", "show")}
    assert shown["cadence.A.prospecting"] == "10"


def test_a_bogus_machine_zone_falls_back_to_utc_with_a_warning(cli, monkeypatch):
    import tzlocal.unix

    add(cli)
    monkeypatch.setenv("TZ", "Bogus/Zone")
    monkeypatch.setattr(tzlocal.unix, "_cache_tz", None)
    monkeypatch.setattr(tzlocal.unix, "_cache_tz_name", None, raising=False)
    result = cli("due", "--days", "7")
    assert "warning: TZ: 'Bogus/Zone' is not a time zone" in result.stderr
    assert "config set timezone Asia/Shanghai" in result.stderr
    assert "Traceback" not in result.output
    cli("config", "set", "timezone", "Asia/Shanghai")  # the way out works
    assert "warning" not in cli("due").stderr


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"], ids=["year-9999", "year-1"])
def test_salesflow_today_outside_the_accepted_dates_is_refused(cli, unchanged, day):
    add(cli)
    check = unchanged()
    cli.today(day)
    err = cli.fails("due")
    assert err.startswith("Error: SALESFLOW_TODAY:")
    assert "2000-01-01 to 2099-12-31" in err
    check()


# --- dates -----------------------------------------------------------------------------------

def test_dates_in_year_1_are_refused_for_follow_ups_and_payments(cli, unchanged):
    cli.today("2024-01-10")
    team(cli)
    code = add(cli)
    # signing only from negotiation (不跳环节): a manager's skip with a reason
    cli("customer", "stage", code, "negotiation", "--reason", "老客户续约", user="wang.lei")
    number = cli("contract", "add", code, "--amount", "10万", "--start", "2024-01-01",
                 "--payment", "2024-01-15:10万", "--submit").stdout.strip()
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", number, user=approver)
    cli("contract", "sign", number)
    check = unchanged()
    for args, field in [
        (["followup", "log", code, "-s", "x", "--at", "0001-01-01 10:00"], "at"),
        (["followup", "log", code, "-s", "x", "--next-due", "0001-01-01"], "next-due"),
        (["payment", "record", number, "1万", "--date", "0001-01-01"], "date"),
        (["contract", "add", code, "--amount", "1万", "--start", "0001-01-01"], "start"),
        (["due", "--date", "2100-01-01"], "date"),
    ]:
        err = cli.fails(*args)
        assert err.startswith(f"Error: {field}:"), err
        assert "use a date from 2000-01-01 to 2099-12-31" in err
    check()


def test_an_installment_before_the_contract_start_is_refused(cli, unchanged):
    code = add(cli)
    check = unchanged()
    err = cli.fails("contract", "add", code, "--amount", "10万", "--start", "2023-11-01",
                    "--payment", "2023-01-01:10万")
    assert err.startswith("Error: payment:")
    assert "before the contract starts on 2023-11-01" in err
    check()


# --- owners and the acting user ---------------------------------------------------------------

def test_an_owner_naming_no_user_is_refused_once_users_exist(cli, unchanged):
    team(cli)
    code = add(cli)
    check = unchanged()
    for args in (["customer", "add", "乙公司", "--owner", "nobody"],
                 ["customer", "edit", code, "--owner", "nobody"],
                 ["customer", "list", "--owner", "nobody"],
                 ["due", "--owner", "nobody"],
                 ["customer", "reassign", "--from", "li.na", "--to", "nobody"]):
        err = cli.fails(*args, user="wang.lei")
        assert "no user 'nobody'" in err and "li.na" in err, err
    check()
    cli("customer", "edit", code, "--owner", "zhao.min")  # a user is accepted


def test_an_import_owner_naming_no_user_is_a_bad_row(cli, unchanged, tmp_path):
    team(cli)
    path = write_csv(tmp_path / "r.csv", ["客户名称", "负责人"],
                     [["甲公司", "li.na"], ["乙公司", "nobody"]])
    check = unchanged()
    result = cli("customer", "import", path, code=1)
    assert "line 3: 负责人 (owner): no user 'nobody'" in result.stderr
    assert "nothing was imported" in result.stderr
    check()


def test_without_users_any_owner_and_actor_is_accepted(cli):
    code = add(cli, NAME, "--owner", "sun.li")
    assert cli.json("customer", "list", "--owner", "sun.li")[0]["code"] == code
    cli("due", user="anyone")


@pytest.mark.parametrize(("actor", "expected"),
                         [("nobody", "no user 'nobody'"), ("", "is blank"), ("  ", "is blank")],
                         ids=["unknown", "empty", "spaces"])
def test_an_acting_user_naming_no_user_or_blank_is_refused(cli, unchanged, actor, expected):
    team(cli)
    code = add(cli)
    check = unchanged()
    for args in (["due"], ["followup", "log", code, "-s", "x"]):
        result = cli("--as", actor, *args, code=1)
        err = result.stderr.strip()
        assert err.startswith("Error: --as:") and expected in err, err
        assert "\n" not in err
    check()


# --- the cadence after a move or a signing (SPEC §4) -----------------------------------------

def due_items(cli, *args: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {i["customer_code"]: (i["kind"], i["due_date"])
            for i in cli.json("due", "--days", "366", "--kind", "followup",
                              "--kind", "new-lead", *args)}


def test_a_customer_moved_past_lead_without_contact_follows_its_cadence(cli):
    cli.today("2024-10-08")
    code = add(cli, NAME, "--need", "产线改造")  # tier A: 258万, 25 days; intent needs a need
    assert due_items(cli)[code][0] == "new-lead"
    cli.today("2024-10-09")
    cli("customer", "stage", code, "intent")
    assert due_items(cli)[code] == ("followup", "2024-10-16")  # the move + 7 days


def test_a_customer_won_without_a_logged_contact_gets_account_care(cli):
    cli.today("2024-10-08")
    team(cli)
    code = add(cli)
    # to negotiation without a contact: a manager's skip with a reason (SPEC §3, §11)
    cli("customer", "stage", code, "negotiation", "--reason", "老客户直接谈判", user="wang.lei")
    number = cli("contract", "add", code, "--amount", "10万", "--submit").stdout.strip()
    for approver in ("wang.lei", "zhao.min", "chen.gang"):
        cli("contract", "approve", number, user=approver)
    cli.today("2024-10-10")
    cli("contract", "sign", number)
    assert due_items(cli)[code] == ("followup", "2024-11-09")  # signed + 30 days (A care)
    cli("config", "set", "cadence.A.care", "20")  # recomputed for every customer
    assert due_items(cli)[code] == ("followup", "2024-10-30")
    show = cli.json("customer", "show", code)
    assert show["strategy"] == "account care: contact every 20 days (tier A)"


def test_a_lead_never_contacted_is_still_screened(cli):
    cli.today("2024-10-08")
    code = add(cli)
    assert due_items(cli)[code] == ("new-lead", "2024-10-11")


# --- channels ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "channel"), [("面谈", "visit"), ("线上会议", "meeting")],
                         ids=["face-to-face", "online-meeting"])
def test_chinese_channel_labels(cli, label, channel):
    code = add(cli)
    cli("followup", "log", code, "-s", "谈需求", "--channel", label)
    assert cli.json("followup", "list")[0]["channel"] == channel
