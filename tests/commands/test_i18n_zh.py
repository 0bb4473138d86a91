"""The Chinese interface (SPEC §16): help, usage errors, the agenda, a customer, the KPI
table and a refused date read as Chinese under SALESFLOW_LANG=zh_CN or LANG=zh_CN.UTF-8;
LANG=C stays English; CSV and JSON are byte-for-byte the same in both languages; the
客户信息登记表 export reads back with the same codes; an xlsx export holds every row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from salesflow import i18n

LANG_VARS = ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """salesflow in a fresh process (Typer reads help texts when it imports the app)."""
    clean = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    clean.update(env, COLUMNS="200")
    return subprocess.run([sys.executable, "-c", "from salesflow.cli import main; main()",
                           *args], env=clean, capture_output=True, text=True, check=False)


def chinese(cli) -> None:  # type: ignore[no-untyped-def]
    cli.monkeypatch.setenv("SALESFLOW_LANG", "zh_CN")
    i18n.reset()


def english(cli) -> None:  # type: ignore[no-untyped-def]
    cli.monkeypatch.setenv("SALESFLOW_LANG", "en")
    i18n.reset()


def test_help_is_chinese_including_typers_own_words() -> None:
    out = run("--help", SALESFLOW_LANG="zh_CN").stdout
    for text in ("用法：salesflow", "选项", "命令", "显示此帮助信息并退出。",
                 "标准化的 B2B 销售流程", "显示版本号并退出。", "为当前 shell 安装命令补全。"):
        assert text in out, text
    assert "Usage:" not in out and "Show this message and exit." not in out
    assert "逾期、今日到期" in run("due", "--help", LANG="zh_CN.UTF-8").stdout


def test_usage_errors_are_chinese_under_lang() -> None:
    result = run("frobnicate", LANG="zh_CN.UTF-8")
    assert result.returncode == 2
    assert "未知命令“frobnicate”" in result.stderr and "错误" in result.stderr
    assert "运行 'salesflow --help' 查看帮助" in result.stderr
    assert "No such command" not in result.stderr
    assert "没有这个选项：--frob" in run("due", "--frob", LANG="zh_CN.UTF-8").stderr
    assert "缺少参数 'ref'" in run("customer", "show", LANG="zh_CN.UTF-8").stderr


def test_the_c_locale_stays_english() -> None:
    out = run("--help", LANG="C.UTF-8").stdout
    assert "Usage: salesflow" in out and "Show this message and exit." in out
    err = run("frobnicate", LANG="C.UTF-8").stderr
    assert "No such command 'frobnicate'" in err and "Try 'salesflow --help' for help." in err


HELP_OF_EVERY_COMMAND = """
import json, sys
from typer.testing import CliRunner
from salesflow.cli import app
runner = CliRunner()
print(json.dumps({" ".join(p): runner.invoke(app, [*p, "--help"], prog_name="salesflow",
                                             env={"COLUMNS": "200"}).output
                  for p in map(tuple, json.loads(sys.argv[1]))}))
"""


# Every command is wrapped now (issue 11); a command added unwrapped would go here.
NOT_WRAPPED_YET: set[tuple[str, ...]] = set()


def _command_paths(command, prefix=()):  # type: ignore[no-untyped-def]
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*prefix, name))


def test_the_help_of_every_command_reads_as_chinese() -> None:
    """Every group and command of the tree, its own --help (one process: help texts are
    read at import, in the language of the process): Chinese, the examples included."""
    import json
    import re

    import typer

    from salesflow.cli import app

    paths = [p for p in _command_paths(typer.main.get_command(app))
             if p[:1] not in NOT_WRAPPED_YET]
    assert len(paths) > 30
    clean = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    done = subprocess.run([sys.executable, "-c", HELP_OF_EVERY_COMMAND, json.dumps(paths)],
                          env={**clean, "SALESFLOW_LANG": "zh_CN"}, capture_output=True,
                          text=True, check=True)
    helps = json.loads(done.stdout)
    assert len(helps) == len(paths)
    for path, text in helps.items():
        assert re.search(r"[\u4e00-\u9fff]", text), f"salesflow {path} --help"
        assert "Example" not in text and "Usage:" not in text, f"salesflow {path} --help"


@pytest.fixture
def overdue(cli) -> str:  # type: ignore[no-untyped-def]
    """An A-tier customer whose new-lead screening is overdue on 2024-10-20."""
    cli.today("2024-10-08")
    code = cli("customer", "add", "甲有限公司", "--industry", "制造业", "--region", "华东",
               "--potential", "258万", "--decision-days", "25", "--phone", "13800138000",
               "--source", "行业展会", "--contact-role", "决策者").stdout.strip()
    cli.today("2024-10-20")
    return code


def test_due_reads_as_chinese_and_its_csv_json_stay_byte_identical(cli, overdue):
    english(cli)
    en = {fmt: cli("due", "--format", fmt).stdout for fmt in ("csv", "json")}
    ics_en = cli("due", "--format", "ics").stdout
    assert "screen the new lead (within 3 working days)" in en["csv"]
    chinese(cli)
    table = cli("due").stdout
    assert "逾期" in table and "筛选新线索" in table and "客户编号" in table
    assert {fmt: cli("due", "--format", fmt).stdout for fmt in ("csv", "json")} == en
    ics = cli("due", "--format", "ics").stdout
    assert "[逾期9天] 甲有限公司：筛选新线索" in ics.replace("\r\n ", "")
    assert "[overdue 9d] 甲有限公司: screen the new lead" in ics_en.replace("\r\n ", "")


def test_customer_show_reads_as_chinese(cli, overdue):
    chinese(cli)
    out = cli("customer", "show", overdue).stdout
    for text in ("客户编号", "客户名称", "客户等级", "沟通策略",
                 "销售经理负责；每周沟通；定制化方案"):
        assert text in out, text
    english(cli)
    assert cli.json("customer", "show", overdue)["strategy"] == (
        "sales manager owns it; weekly contact; custom solution")


def test_report_quarter_labels_are_chinese_and_its_json_is_unchanged(cli, overdue):
    english(cli)
    en = cli("report", "quarter", "2024Q4", "--format", "json").stdout
    chinese(cli)
    out = cli("report", "quarter", "2024Q4").stdout
    for text in ("季度KPI 2024Q4", "指标", "目标", "完成率", "同比", "环比", "新增线索",
                 "客户满意度", "销售漏斗"):
        assert text in out, text
    assert cli("report", "quarter", "2024Q4", "--format", "json").stdout == en


def test_a_refused_date_is_explained_in_chinese(cli, overdue):
    chinese(cli)
    err = cli("followup", "log", overdue, "-s", "x", "--next-due", "2024-02-30",
              code=1).stderr.strip()
    assert err.startswith("错误：") and "不是有效日期（2024年2月只有 29 天）" in err
    assert "\n" not in err


def test_the_register_export_reads_back_with_the_same_codes(cli, overdue, tmp_path,
                                                             monkeypatch):
    cli("customer", "add", "乙有限公司", "--industry", "软件", "--region", "北京",
        "--source", "referral", "--potential", "20万", "--decision-days", "60")
    sheet = tmp_path / "客户信息登记表.csv"
    cli("export", "customers", "--headers", "zh", "-o", str(sheet))
    header = sheet.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["客户编号", "客户名称", "行业", "企业规模(员工数/营收)"]
    assert "行业展会" in sheet.read_text(encoding="utf-8")
    before = {c["code"]: c for c in cli.json("customer", "list")}

    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "fresh.db"))  # an empty database
    cli("customer", "import", str(sheet))
    after = {c["code"]: c for c in cli.json("customer", "list")}
    assert after.keys() == before.keys() == {overdue, "TEC-NC-001"}
    for code, was in before.items():
        got = after[code]
        assert (got["tier"], got["source"], got["phone"], got["contact_role"]) == (
            was["tier"], was["source"], was["phone"], was["contact_role"]), code
    # the counter continues after the kept codes
    assert cli("customer", "add", "丙有限公司", "--industry", "制造业", "--region", "华东"
               ).stdout.strip() == "MFG-EC-002"


def test_an_xlsx_export_opens_and_holds_every_row(cli, overdue, tmp_path):
    from openpyxl import load_workbook

    for n in range(3):
        cli("customer", "add", f"丁{n}有限公司", "--industry", "制造业", "--region", "华东",
            "--potential", "1.5万")
    book = tmp_path / "customers.xlsx"
    cli("export", "customers", "--format", "xlsx", "-o", str(book))
    rows = list(load_workbook(book, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("code", "name", "industry")
    assert [r[0] for r in rows[1:]] == [overdue, "MFG-EC-002", "MFG-EC-003", "MFG-EC-004"]
    potential = rows[0].index("potential")
    assert rows[2][potential] == 15000
    assert not Path(str(book) + ".tmp").exists()


def test_a_code_in_the_register_identifies_an_existing_customer(cli, overdue, tmp_path):
    """SPEC §14: a 客户编号 naming a customer is that customer, whatever the name says;
    --on-duplicate decides, as for a duplicate name."""
    sheet = tmp_path / "register.csv"
    sheet.write_text("客户编号,客户名称,职务\n" + f"{overdue},甲公司（新名称）,采购总监\n",
                     encoding="utf-8")
    err = cli("customer", "import", str(sheet), code=1).stderr
    assert f"duplicates {overdue} (甲有限公司); use --on-duplicate skip or update" in err
    cli("customer", "import", str(sheet), "--on-duplicate", "update")
    [row] = cli.json("customer", "list")
    assert (row["code"], row["name"], row["contact_title"]) == (overdue, "甲有限公司", "采购总监")


def _seed_solution(cli) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A customer with a recorded need, in intent, and a drafted (unreviewed) solution."""
    cli.today("2023-10-08")
    code = cli("customer", "add", "华东精密科技有限公司", "--industry", "制造业", "--region",
               "华东", "--contact", "王强", "--title", "采购总监", "--role", "decision-maker",
               "--phone", "13800138000", "--source", "trade-show", "--potential", "258万",
               "--decision-days", "25", "--need", "智能分拣").stdout.strip()
    cli("customer", "stage", code, "intent")
    number = cli("solution", "add", code, "智能分拣解决方案", "--quote", "258万",
                 "--list-price", "280万").stdout.strip()
    return code, number


def test_sending_an_unreviewed_solution_is_refused_in_chinese(cli):
    _code, number = _seed_solution(cli)
    chinese(cli)
    err = cli("solution", "send", number, code=1).stderr
    assert err.startswith("错误：") and number in err and "draft" in err
    assert "只有已审批的方案可以发送" in err and "approved" not in err
    english(cli)
    assert "only an approved solution is sent" in cli.fails("solution", "send", number)


def test_the_brief_reads_as_chinese_and_solution_csv_brief_json_stay_byte_identical(cli):
    code, _number = _seed_solution(cli)
    english(cli)
    en = (cli("solution", "list", "--format", "csv").stdout,
          cli("brief", code, "--format", "json").stdout)
    assert "Contacts" in cli("brief", code).stdout
    chinese(cli)
    table = cli("brief", code).stdout
    for text in ("联系人", "需求挖掘", "进行中的解决方案", "当前阶段"):
        assert text in table, text
    assert "Contacts" not in table and "Open solutions" not in table
    assert (cli("solution", "list", "--format", "csv").stdout,
            cli("brief", code, "--format", "json").stdout) == en


def test_a_contact_or_a_user_is_not_headed_as_the_customers_name(cli, overdue):
    """`name` is 客户名称 in the customer table only; elsewhere its table's own word."""
    cli("contact", "add", overdue, "李娜", "--role", "influencer")
    cli("user", "add", "li.na", "--role", "manager")
    chinese(cli)
    contacts = cli("contact", "list", overdue).stdout
    assert "联系人" in contacts and "客户名称" not in contacts
    users = cli("user", "list").stdout
    assert "用户" in users and "客户名称" not in users
    assert "客户名称" in cli("customer", "list").stdout
    english(cli)
