"""`salesflow customer import` through the real CLI: the 客户信息登记表 template in CSV
(UTF-8, UTF-8 with BOM, GBK) and XLSX, every bad row reported with nothing written,
duplicates (fail, skip, update; in the database and within the file), dry runs, and undo."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

TEMPLATE = ["序号", "客户名称", "行业", "企业规模(员工数/营收)", "联系人", "职务", "联系方式",
            "线索来源", "初步需求", "线索等级", "负责人", "最后跟进时间", "备注"]
ROWS = [
    ["1", "华东精密科技有限公司", "制造业", "500-1000人/5亿以上", "王强", "采购总监",
     "138 0013 8000", "行业展会", "采购自动化设备", "A类", "li.na", "2023-10-10", "需确认预算"],
    ["2", "YY商贸有限公司", "零售", "100-300人/1亿以下", "张总", "运营总监",
     "zhang@yy.cn", "客户转介绍-李*", "仓储管理系统升级", "B类", "sun.li", "2023-10-08",
     "决策人未明确"],
    ["3", "", "", "", "", "", "", "", "", "", "", "", ""],  # the template's empty numbered row
]


def write_csv(path: Path, rows: list[list[str]], *, header: list[str] = TEMPLATE,
              encoding: str = "utf-8", title: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if title:
        writer.writerow(["客户信息登记表"] + [""] * (len(header) - 1))
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path)


def customers(cli) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {c["name"]: c for c in cli.json("customer", "list")}


def imported(cli, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    return cli("customer", "import", *args, code=code)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"],
                         ids=["utf-8", "utf-8-bom", "gbk"])
def test_the_template_with_chinese_headers_imports_every_field(cli, tmp_path, encoding):
    cli.today("2023-10-12")
    path = write_csv(tmp_path / "客户信息登记表.csv", ROWS, encoding=encoding)
    result = imported(cli, path)
    assert result.stdout == "20231012-1\n"
    assert "added 2, updated 0, skipped 0" in result.stderr
    assert ("GB18030" in result.stderr) == (encoding == "gbk")

    found = customers(cli)
    assert sorted(found) == ["YY商贸有限公司", "华东精密科技有限公司"]
    hd, yy = found["华东精密科技有限公司"], found["YY商贸有限公司"]
    assert {k: hd[k] for k in ("code", "industry", "size", "contact_name", "contact_title",
                               "phone", "email", "source", "need", "tier", "stage",
                               "owner")} == {
        "code": "MFG-XX-001", "industry": "制造业", "size": "500-1000人/5亿以上",
        "contact_name": "王强", "contact_title": "采购总监", "phone": "+8613800138000",
        "email": None, "source": "trade-show", "need": "采购自动化设备", "tier": "A",
        "stage": "lead", "owner": "li.na"}
    # midnight of 2023-10-10 in Shanghai; tier A contacts weekly, so due a week later
    assert hd["last_contact_at"] == "2023-10-09T16:00:00Z"
    assert hd["next_due_at"] == "2023-10-17"
    assert (yy["code"], yy["phone"], yy["email"], yy["source"], yy["source_detail"],
            yy["tier"], yy["owner"], yy["next_due_at"]) == (
        "RET-XX-001", None, "zhang@yy.cn", "referral", "客户转介绍-李*", "B", "sun.li",
        "2023-10-22")

    shown = cli.json("customer", "show", "MFG-XX-001")
    assert (shown["tier_override"], shown["tier_reason"]) == ("A", "imported")
    assert shown["notes"] == "需确认预算" and shown["next_due_kind"] == "followup"
    assert [(s["from_stage"], s["to_stage"], s["reason"]) for s in shown["stage_changes"]] \
        == [(None, "lead", "created")]
    assert cli.query("SELECT id, file, by, added, updated, skipped, undone_at "
                     "FROM import_batch") == [
        ("20231012-1", "客户信息登记表.csv", "li.na", 2, 0, 0, None)]
    assert sorted(r[0] for r in cli.query(
        "SELECT import_batch FROM customer")) == ["20231012-1", "20231012-1"]
    audit = [r[0] for r in cli.query("SELECT what FROM audit ORDER BY id")]
    assert "customer MFG-XX-001 added" in audit
    assert audit[-1] == "import 20231012-1 from 客户信息登记表.csv: added 2, updated 0, skipped 0"


def test_an_xlsx_with_a_title_row_typed_cells_and_sheet_row_numbers(cli, tmp_path):
    from openpyxl import Workbook

    cli.today("2023-10-12")
    book = Workbook()
    sheet = book.active
    sheet.append(["客户信息登记表"])
    sheet.merge_cells("A1:M1")
    sheet.append(TEMPLATE)
    sheet.append([1, "华东精密科技有限公司", "制造业", "500-1000人", "王强", "采购总监",
                  13800138000.0, "行业展会", "采购自动化设备", "A", "li.na",
                  datetime(2023, 10, 10, 14, 30), None])
    sheet.append([2, "深圳启明电子有限公司", "电子", None, "陈工", "技术主管", 13912345678,
                  "官网", "检测设备", "C类", None, datetime(2023, 9, 1), None])
    path = tmp_path / "register.xlsx"
    book.save(path)

    assert imported(cli, str(path)).stdout == "20231012-1\n"
    found = customers(cli)
    hd, qm = found["华东精密科技有限公司"], found["深圳启明电子有限公司"]
    assert (hd["phone"], hd["last_contact_at"], hd["tier"]) == (
        "+8613800138000", "2023-10-10T06:30:00Z", "A")
    assert (qm["code"], qm["phone"], qm["source"], qm["tier"], qm["owner"],
            qm["last_contact_at"]) == (
        "ELE-XX-001", "+8613912345678", "website", "C", "li.na", "2023-08-31T16:00:00Z")

    sheet.append([3, "坏数据有限公司", None, None, None, None, "12345", None, None, "D类"])
    book.save(path)
    result = imported(cli, str(path), "--on-duplicate", "skip", code=1)
    assert "line 5: 联系方式 (phone): '12345' is not a valid phone number" in result.stderr
    assert "line 5: 线索等级 (tier): 'D类' is not a tier" in result.stderr


def test_one_bad_row_imports_nothing_and_names_the_line_and_field(cli, tmp_path, unchanged):
    cli("customer", "add", "已有客户有限公司")
    rows = [ROWS[0], [*ROWS[1][:6], "1380013", *ROWS[1][7:]]]
    path = write_csv(tmp_path / "bad.csv", rows)
    check = unchanged()
    result = imported(cli, path, code=1)
    lines = result.stderr.strip().splitlines()
    assert lines[0] == ("Error: bad.csv: 1 bad row; nothing was imported. "
                        "Fix them and run again:")
    assert lines[1].startswith("line 3: 联系方式 (phone): '1380013' is not a valid phone")
    assert len(lines) == 2 and result.stdout == ""
    check()


def test_several_bad_rows_are_all_reported_in_file_order(cli, tmp_path, unchanged):
    cli.today("2023-10-12")
    cli.create()
    rows = [
        ["1", "好公司有限公司", "制造业", "", "", "", "", "", "", "", "", "", ""],
        ["2", "", "零售", "", "王", "", "", "", "", "", "", "", ""],
        ["3", "甲有限公司", "", "", "", "", "wq@", "朋友圈", "", "Z", "", "2023-10-13", ""],
        ["4", "乙有限公司", "", "", "", "", "", "", "", "", "", "10/10/2023", ""],
    ]
    path = write_csv(tmp_path / "many.csv", rows)
    check = unchanged()
    stderr = imported(cli, path, code=1).stderr
    assert stderr.startswith("Error: many.csv: 3 bad rows; nothing was imported.")
    problems = [line for line in stderr.splitlines() if line.startswith("line ")]
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 4", "line 4",
                                                   "line 4", "line 5"]
    assert problems[0] == ("line 3: 客户名称 (name): a customer needs its full registered "
                           "company name")
    assert any(p.startswith("line 4: 联系方式 (email): ") for p in problems)
    assert any(p.startswith("line 4: 线索来源 (source): '朋友圈' is not accepted")
               for p in problems)
    assert any(p.startswith("line 4: 线索等级 (tier): 'Z' is not a tier") for p in problems)
    assert any("2023-10-13' is in the future" in p for p in problems)
    assert problems[-1].startswith("line 5: 最后跟进时间 (last_contact_at): '10/10/2023'")
    check()


def test_dry_run_checks_reports_and_writes_nothing(cli, tmp_path, unchanged):
    cli("customer", "add", "华东精密科技有限公司")
    path = write_csv(tmp_path / "t.csv", ROWS)
    check = unchanged()
    result = imported(cli, path, "--dry-run", "--on-duplicate", "skip")
    assert result.stdout == ""
    assert "line 2: would skip: '华东精密科技有限公司' duplicates GEN-XX-001" in result.stderr
    assert "would add 1, update 0, skip 1" in result.stderr
    check()
    bad = write_csv(tmp_path / "bad.csv", [[*ROWS[1][:6], "12", *ROWS[1][7:]]])
    assert "line 2: 联系方式 (phone)" in imported(cli, bad, "--dry-run", code=1).stderr
    check()


def test_a_duplicate_fails_by_default_naming_the_existing_code(cli, tmp_path, unchanged):
    cli("customer", "add", "华东精密科技 有限公司", "--industry", "制造业")
    path = write_csv(tmp_path / "t.csv", ROWS)
    check = unchanged()
    stderr = imported(cli, path, code=1).stderr
    assert ("line 2: 客户名称 (name): '华东精密科技有限公司' duplicates MFG-XX-001 "
            "(华东精密科技 有限公司); use --on-duplicate skip or update") in stderr
    check()


def test_skip_leaves_the_existing_customer_and_counts_it(cli, tmp_path):
    cli("customer", "add", "华东精密科技有限公司", "--phone", "13900139000")
    result = imported(cli, write_csv(tmp_path / "t.csv", ROWS), "--on-duplicate", "skip")
    assert "added 1, updated 0, skipped 1" in result.stderr
    found = customers(cli)
    assert found["华东精密科技有限公司"]["phone"] == "+8613900139000"
    assert found["华东精密科技有限公司"]["tier"] == "C"
    assert cli.query("SELECT added, updated, skipped FROM import_batch") == [(1, 0, 1)]


def test_update_writes_the_rows_non_empty_cells_onto_the_existing_customer(cli, tmp_path):
    cli.today("2023-10-12")
    cli("customer", "add", "华东精密科技股份有限公司", "--industry", "机械",
        "--email", "old@hdjm.cn", "--need", "旧需求", "--owner", "zhou.jie")
    rows = [["1", "华东精密科技有限公司", "制造业", "", "王强", "", "13800138000", "", "",
             "A", "", "2023-10-10", ""]]
    result = imported(cli, write_csv(tmp_path / "t.csv", rows), "--on-duplicate", "update")
    assert "added 0, updated 1, skipped 0" in result.stderr
    shown = cli.json("customer", "show", "MFG-XX-001")
    assert (shown["name"], shown["industry"], shown["contact_name"], shown["phone"],
            shown["email"], shown["need"], shown["owner"]) == (
        "华东精密科技股份有限公司", "制造业", "王强", "+8613800138000", "old@hdjm.cn",
        "旧需求", "zhou.jie")
    assert (shown["tier"], shown["tier_override"], shown["tier_reason"]) == ("A", "A",
                                                                             "imported")
    assert shown["last_contact_at"] == "2023-10-09T16:00:00Z"
    assert shown["next_due_at"] == "2023-10-17"
    assert cli.query("SELECT count(*) FROM customer WHERE import_batch IS NOT NULL") == [(0,)]


def test_duplicates_within_the_file(cli, tmp_path, unchanged):
    cli.today("2023-10-12")
    cli.create()
    rows = [["1", "华东精密科技有限公司", "制造业", "", "王强", "", "", "", "", "", "", "", ""],
            ["2", "华东精密科技", "", "", "", "", "13800138000", "", "", "B", "", "", ""]]
    path = write_csv(tmp_path / "t.csv", rows)
    check = unchanged()
    stderr = imported(cli, path, code=1).stderr
    assert "line 3: 客户名称 (name): '华东精密科技' duplicates line 2 of this file" in stderr
    check()

    result = imported(cli, path, "--on-duplicate", "skip")
    assert "line 3: skipped: '华东精密科技' duplicates line 2 of this file" in result.stderr
    [only] = cli.json("customer", "list")
    assert (only["name"], only["phone"], only["tier"]) == ("华东精密科技有限公司", None, "C")

    cli("customer", "import", "--undo", "20231012-1")
    result = imported(cli, path, "--on-duplicate", "update")
    assert "added 1, updated 1, skipped 0" in result.stderr
    [only] = cli.json("customer", "list")
    assert (only["code"], only["name"], only["contact_name"], only["phone"], only["tier"]) == (
        "MFG-XX-002", "华东精密科技有限公司", "王强", "+8613800138000", "B")


def test_undo_removes_what_the_batch_added_and_never_reuses_codes(cli, tmp_path, unchanged):
    cli.today("2023-10-12")
    cli("customer", "add", "华东精密科技有限公司", "--industry", "制造业")
    first = imported(cli, write_csv(tmp_path / "a.csv", ROWS), "--on-duplicate", "update")
    second = imported(cli, write_csv(tmp_path / "b.csv", [[
        "1", "新客户有限公司", "制造业", "", "", "", "", "", "", "", "", "", ""]]))
    assert (first.stdout, second.stdout) == ("20231012-1\n", "20231012-2\n")
    assert sorted(customers(cli)) == ["YY商贸有限公司", "华东精密科技有限公司", "新客户有限公司"]

    result = cli("customer", "import", "--undo", "20231012-1")
    assert "removed 1 customer" in result.stderr and "update(s)" in result.stderr
    assert sorted(customers(cli)) == ["华东精密科技有限公司", "新客户有限公司"]
    assert customers(cli)["华东精密科技有限公司"]["tier"] == "A"  # updates stay
    assert cli.query("SELECT count(*) FROM stage_change") == [(2,)]
    [(undone_at,)] = cli.query("SELECT undone_at FROM import_batch WHERE id = '20231012-1'")
    assert undone_at is not None
    assert "import 20231012-1 undone: removed 1 customers" in [
        r[0] for r in cli.query("SELECT what FROM audit")]

    check = unchanged()
    err = cli.fails("customer", "import", "--undo", "20231012-1")
    assert err == "Error: undo: batch 20231012-1 was already undone on 2023-10-12"
    err = cli.fails("customer", "import", "--undo", "20231012-9")
    assert "no import batch '20231012-9'" in err
    check()

    assert cli("customer", "add", "零售新客户", "--industry", "零售").stdout.strip() == \
        "RET-XX-002"


@pytest.mark.parametrize(
    "activity",
    [("followup", "log", "RET-XX-001", "-s", "电话沟通"),
     ("customer", "edit", "RET-XX-001", "--need", "新需求"),
     ("customer", "stage", "RET-XX-001", "intent"),
     ("grade", "RET-XX-001", "--set", "A", "--reason", "strategic")],
    ids=["follow-up", "edit", "stage", "grade"],
)
def test_undo_is_refused_once_something_happened_to_a_customer(cli, tmp_path, unchanged,
                                                                activity):
    cli.today("2023-10-12")
    batch = imported(cli, write_csv(tmp_path / "t.csv", ROWS)).stdout.strip()
    cli(*activity)
    check = unchanged()
    err = cli.fails("customer", "import", "--undo", batch)
    assert err.startswith("Error: undo: RET-XX-001 has ")
    assert err.endswith(f"since the import; nothing was removed (batch {batch} stays)")
    check()


def test_export_headers_read_back_and_computed_columns_are_noted(cli, tmp_path):
    cli.today("2023-10-12")
    header = ["code", "name", "industry", "region", "phone", "source", "potential",
              "decision_days", "stage", "tier", "owner"]
    rows = [["MFG-EC-007", "甲有限公司", "制造业", "华东", "13800138000", "trade-show",
             "60万", "20", "won", "", ""]]
    result = imported(cli, write_csv(tmp_path / "export.csv", rows, header=header,
                                     title=True))
    assert "note: column stage not imported" in result.stderr
    [row] = cli.json("customer", "list")  # a free code is kept (SPEC §14)
    assert (row["code"], row["stage"], row["tier"], row["potential"]) == (
        "MFG-EC-007", "lead", "A", 600000)
    assert cli.json("customer", "show", "MFG-EC-007")["tier_override"] is None
    # … and the counter continues after it: codes are never handed out twice
    assert cli("customer", "add", "乙有限公司", "--industry", "制造业", "--region", "华东"
               ).stdout.strip() == "MFG-EC-008"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("customers.xls", b"\xd0\xcf\x11\xe0", "Excel 97-2003 workbook (.xls)"),
     ("customers.txt", b"name\nACME\n", "use a .csv (UTF-8 or GBK) or an .xlsx"),
     ("missing.csv", None, "does not exist"),
     ("empty.csv", b"", "is empty"),
     ("renamed.xlsx", b"name\nACME\n", "not a readable .xlsx workbook"),
     ("wrong.csv", "客户名称,首次接触时间\n甲,2023-10-01\n".encode("gbk"),
      "column '首次接触时间' is not a customer field"),
     ("noname.csv", "行业,联系人\n制造业,王\n".encode(), "no company-name column"),
     ("bad-encoding.csv", "客戶名稱\n甲\n".encode("big5"), "read as GB18030")],
    ids=["xls", "unknown-extension", "missing", "empty", "not-a-zip", "unknown-header",
         "no-name-column", "garbled"],
)
def test_files_that_cannot_be_imported_are_refused(cli, tmp_path, unchanged, name, content,
                                                    message):
    cli("customer", "add", "已有客户有限公司")
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    check = unchanged()
    err = cli.fails("customer", "import", str(path))
    assert message in err
    check()


def test_a_value_in_a_column_without_header_is_a_bad_row(cli, tmp_path, unchanged):
    cli.create()
    path = write_csv(tmp_path / "t.csv", [["甲有限公司", "", "x"], ["乙有限公司", "", ""]],
                     header=["客户名称", "", ""])
    check = unchanged()
    assert "line 2: column C has a value but no header" in imported(cli, path, code=1).stderr
    check()
    cli("customer", "import", write_csv(tmp_path / "ok.csv", [["乙有限公司", "", ""]],
                                        header=["客户名称", "", ""]))


def test_usage_errors(cli, tmp_path):
    path = write_csv(tmp_path / "t.csv", ROWS)
    assert "merge" in cli("customer", "import", path, "--on-duplicate", "merge",
                          code=2).stderr
    cli("customer", "import", code=2)
    cli("customer", "import", path, "--undo", "20231012-1", code=2)


# every column a person fills in; the rest (stage, dates, the due date) salesflow computes
FILLED = ("name", "industry", "region", "size", "contact_name", "contact_title",
          "contact_role", "phone", "email", "source", "source_detail", "need", "potential",
          "decision_days", "tier", "owner", "tags", "pain_points", "budget_min", "budget_max",
          "decision_process", "timeline", "competitors", "past_cooperation", "departments",
          "collaboration", "lead_person")


@pytest.mark.parametrize("headers", ["en", "zh"])
def test_an_export_imported_into_an_empty_database_gives_the_same_customers(
        cli, tmp_path, monkeypatch, headers):
    """Every field a person fills in, discovery (需求调研表) and collaboration included,
    survives `export customers` → `customer import`, with either header row."""
    cli.today("2024-03-01")
    cli("customer", "add", "华东精密科技有限公司", "--industry", "制造业", "--region", "华东",
        "--size", "500-1000人", "--contact", "王强", "--title", "采购总监",
        "--role", "decision-maker", "--phone", "13800138000", "--email", "wq@hd.cn",
        "--source", "trade-show", "--source-detail", "2023工业展", "--need", "自动化产线",
        "--potential", "258万", "--decision-days", "45", "--tags", "重点,华东",
        "--pain-points", "人工分拣错误率高", "--budget", "200万-300万",
        "--decision-process", "采购部评估→总经理审批", "--timeline", "2024年Q2上线",
        "--competitors", "某德国品牌", "--past-cooperation", "2019年合作过一期",
        "--departments", "技术部,交付部", "--collaboration", "需技术部出方案",
        "--lead-person", "赵工")
    cli("customer", "add", "YY商贸有限公司", "--industry", "零售", "--region", "华南")
    sheet = tmp_path / f"customers-{headers}.csv"
    cli("export", "customers", "--headers", headers, "-o", str(sheet))
    before = {c["code"]: c for c in cli.json("customer", "list")}

    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "fresh.db"))
    cli("customer", "import", str(sheet))
    after = {c["code"]: c for c in cli.json("customer", "list")}
    assert after.keys() == before.keys()
    for code, was in before.items():
        assert {f: after[code][f] for f in FILLED} == {f: was[f] for f in FILLED}, code
    assert before["MFG-EC-001"]["budget_max"] == 3000000  # the test compares real values


def test_a_budget_upside_down_is_refused(cli, tmp_path, unchanged):
    cli.create()
    check = unchanged()
    path = write_csv(tmp_path / "b.csv", [["甲有限公司", "300万", "200万"]],
                     header=["客户名称", "预算下限", "预算上限"])
    err = imported(cli, path, code=1).stderr
    assert "budget" in err and "200万-300万" in err
    check()


def test_rows_checked_by_several_processes_report_and_import_as_by_one(cli, tmp_path,
                                                                       monkeypatch):
    # a long file's rows are checked in forked workers (salesflow.workers): the same
    # report, in file order, as one process gives, and the same customers
    from salesflow import workers

    cli.today("2023-10-12")
    cli.create()
    rows = [[str(i), f"并行{i:03d}贸易有限公司", "制造业", "", "王强", "经理",
             f"138{i:08d}", "行业展会", "", "", "", "2023-10-01", ""] for i in range(1, 121)]
    rows[5][6], rows[70][3], rows[118][9] = "12", "", "Z"  # a bad phone, a bad tier
    rows[70][1] = ""  # no name
    path = write_csv(tmp_path / "long.csv", rows)
    reports = []
    for count in (1, 4):
        monkeypatch.setattr(workers, "worker_count", lambda items, n=count: n)
        reports.append(imported(cli, path, code=1).stderr)
    assert reports[0] == reports[1]
    problems = [p.split(":")[0] for p in reports[1].splitlines() if p.startswith("line ")]
    assert problems == ["line 7", "line 72", "line 120"]
    rows[5][6], rows[70][1], rows[118][9] = "13800000006", "并行071贸易有限公司", "A类"
    path = write_csv(tmp_path / "long.csv", rows)
    assert "added 120, updated 0, skipped 0" in imported(cli, path).stderr
    found = customers(cli)
    assert len(found) == 120
    assert found["并行006贸易有限公司"]["phone"] == "+8613800000006"
    assert found["并行119贸易有限公司"]["tier"] == "A"
