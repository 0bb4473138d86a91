"""部门协作信息 (SPEC §14): the departments taking part, what the collaboration needs and
who leads it, on the customer, in its export and from the import; the new roles."""

from __future__ import annotations

import csv
import io
from pathlib import Path

TAIL = "departments,collaboration,lead_person"


def test_collaboration_fields_are_added_edited_and_exported_at_the_end(cli, unchanged):
    cli.today("2023-10-09")
    code = cli("customer", "add", "华东精密科技有限公司", "--industry", "制造业", "--region",
               "华东", "--departments", "技术部， 交付部、技术部", "--collaboration",
               "技术部出方案, 交付部评估工期", "--lead-person", "zhang.gong").stdout.strip()
    [row] = cli.json("customer", "list")
    assert (row["departments"], row["collaboration"], row["lead_person"]) == (
        "技术部,交付部", "技术部出方案, 交付部评估工期", "zhang.gong")
    out = cli("export", "customers", "--format", "csv").stdout
    assert out.splitlines()[0].endswith(",past_cooperation," + TAIL)  # after §11's columns
    [exported] = list(csv.DictReader(io.StringIO(out)))
    assert exported["departments"] == "技术部,交付部"

    cli("customer", "edit", code, "--departments", "售后部", "--lead-person", "")
    [row] = cli.json("customer", "list")
    assert (row["departments"], row["collaboration"], row["lead_person"]) == (
        "售后部", "技术部出方案, 交付部评估工期", None)


def test_the_import_maps_departments_collaboration_and_cooperation_value(cli, tmp_path: Path):
    cli.today("2023-10-09")
    path = tmp_path / "客户信息登记表.csv"
    path.write_text("客户名称,行业,地区,参与部门,协作需求,合作价值\n"
                    "华东精密科技有限公司,制造业,华东,技术部;交付部,需技术部评估兼容性,258万\n",
                    encoding="utf-8")
    cli("customer", "import", str(path))
    [row] = cli.json("customer", "list")
    assert (row["departments"], row["collaboration"], row["potential"]) == (
        "技术部,交付部", "需技术部评估兼容性", 2580000)


def test_the_new_roles(cli, unchanged):
    cli("user", "add", "wang.qiang", "--role", "manager")
    for role in ("presales", "delivery", "aftersales"):
        cli("user", "add", f"{role}.one", "--role", role, user="wang.qiang")
    roles = {u["name"]: u["role"] for u in cli.json("user", "list", user="wang.qiang")}
    assert roles["presales.one"] == "presales" and roles["aftersales.one"] == "aftersales"
    check = unchanged()
    err = cli.fails("user", "add", "x.y", "--role", "intern", user="wang.qiang")
    assert "presales" in err
    # a presales user decides no extension or target
    assert "only a manager or gm" in cli.fails("target", "set", "2023Q4", "new_leads", "5",
                                               user="presales.one")
    check()
