"""Write a realistic 客户信息登记表 (customer register) CSV for `customer import` benchmarks.

    python bench/import_sheet.py                        # bench/data/import-10000.csv
    python bench/import_sheet.py --rows 1000 --out FILE --seed 7

The rows look like what a sales team exports from its spreadsheet: the template's Chinese
headers (序号, 客户名称, 行业, 所在地区, 企业规模, 联系人, 职务, 联系方式, 邮箱, 线索来源,
初步需求, 年合作潜力, 线索等级, 负责人, 最后跟进时间, 备注), company names that are new to the
generated database (a 导入 prefix, so no row is a duplicate), mobile and landline numbers,
e-mail addresses on several domains, the standard's lead sources and tiers, the 50 reps of
bench/generate.py as owners, and a last contact in the past three months on two rows out
of three. The same seed gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADERS = ["序号", "客户名称", "行业", "所在地区", "企业规模", "联系人", "职务", "联系方式", "邮箱",
           "线索来源", "初步需求", "年合作潜力", "线索等级", "负责人", "最后跟进时间", "备注"]
INDUSTRIES = ["制造业", "零售", "金融", "医疗", "教育", "物流", "能源", "建筑", "汽车", "化工",
              "电子", "食品", "通信", "软件", "咨询"]
REGIONS = ["上海", "江苏", "浙江", "北京", "广东", "深圳", "四川", "湖北", "山东", "天津",
           "重庆", "福建", "河南", "陕西", "辽宁"]
CITIES = ["沪", "苏", "杭", "京", "粤", "深", "蓉", "汉", "鲁", "津", "渝", "闽", "豫", "秦", "辽"]
SIZES = ["50人以下", "50-200", "200-500", "500-1000", "1000人以上"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
MOBILE = ["138", "139", "136", "137", "135", "158", "159", "186", "188", "189", "150", "152"]
TITLES = ["采购总监", "总经理", "IT经理", "财务总监", "技术总监", "采购专员", "运营经理", "董事长"]
SOURCES = ["行业展会", "官网咨询", "客户转介绍", "市场活动", "电话开发", "公开信息",
           "2024年3月行业展会"]
NEEDS = ["ERP升级", "数控机床升级", "仓储管理系统", "CRM选型", "数据中台建设", "产线自动化改造",
         "供应链协同", "财务共享中心", "", ""]
DOMAINS = ["163.com", "qq.com", "126.com", "sina.com", "example.com.cn", "aliyun.com"]
TIERS = ["A类", "B类", "C类", "", "", ""]
NOTES = ["", "", "", "展会现场交换名片", "老客户介绍", "需要尽快回访", "对价格敏感"]


def rows(count: int, seed: int, today: date) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for n in range(1, count + 1):
        city = rng.choice(CITIES)
        industry = rng.choice(INDUSTRIES)
        kind = rng.choice(["科技", "实业", "贸易", "机械", "信息技术"])
        name = f"导入{city}{n:05d}{kind}有限公司"
        person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else "")
        if n % 5 == 0:  # a landline with its area code
            area = rng.choice(["21", "10", "755", "571", "28"])
            phone = f"0{area}-{rng.randrange(5 * 10**7, 7 * 10**7)}"
        else:
            phone = f"{rng.choice(MOBILE)}{rng.randrange(10**8):08d}"
        email = (f"{rng.choice(['sales', 'info', 'li', 'wang', 'zhang'])}{n}@{rng.choice(DOMAINS)}"
                 if n % 4 else "")
        amount = f"{rng.randrange(5, 500)}万" if n % 3 else ""
        last = (today - timedelta(days=rng.randrange(1, 90))).isoformat() if n % 3 != 2 else ""
        out.append([str(n), name, industry, rng.choice(REGIONS), rng.choice(SIZES), person,
                    rng.choice(TITLES), phone, email, rng.choice(SOURCES), rng.choice(NEEDS),
                    amount, rng.choice(TIERS), f"rep{rng.randrange(1, 51):02d}", last,
                    rng.choice(NOTES)])
    return out


def write(path: Path, count: int, *, seed: int = 20250630, today: date = date(2025, 6, 30)
          ) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows(count, seed, today))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20250630)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or HERE / "data" / f"import-{args.rows}.csv"
    print(write(out, args.rows, seed=args.seed))


if __name__ == "__main__":
    main()
