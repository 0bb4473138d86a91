"""Write a large, realistic salesflow database for the benchmark, fast.

    python bench/generate.py          # 100,000 customers, 1,000,000 follow-ups
    python bench/generate.py --customers 10000 --followups 100000 --db bench/data/small.db

The schema comes from the real code (salesflow.db.unit_of_work migrates a new file), the
rows are bulk-inserted with the sqlite3 module (executemany, one transaction per table,
secondary indexes dropped during the load and rebuilt after it), and finally every
customer's stored next_due_at/next_due_kind is computed by the real
salesflow.services.schedule.refresh_all, exactly as `salesflow config set` would.

Distributions (at the defaults): 50 reps with uneven books (750 to 2,850 customers);
customers created over three years (team in Asia/Shanghai, contacts in working hours);
stage by age (recent ones are mostly leads, older ones spread over the pipeline, a quarter
lost); potential and decision cycle drawn so that about 11% are tier A, 35% B, the rest C
(graded by the real tier rule); every customer older than ten days has at least one
follow-up, more for later stages and higher tiers; the last contact of an open customer
falls around its tier cadence, so that about a quarter of open customers are overdue;
six in ten latest contacts of the last two weeks promise a next action (a quarter of
earlier contacts did, since kept); half of the A-tier customers stalled for 14 days or
more have a recovery plan or two (their own random stream, so the rest of the data is as
before). A sidecar FILE.json records the planning date and the
reps for bench/run.py.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import random
import sqlite3
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE / "data" / "bench.db"
DEFAULT_TODAY = "2025-06-30"  # a Monday; SALESFLOW_TODAY for every benchmark run
TEAM_ZONE = "Asia/Shanghai"
SHANGHAI = 8 * 3600  # UTC+8 all year (no DST): working hours 09–18 are 01–10 UTC
DAY = 86400
CHUNK = 50_000

INDUSTRIES = ["制造业", "零售", "软件", "金融", "医疗", "教育", "物流", "能源", "电子", "化工",
              "汽车", "食品"]
INDUSTRY_WEIGHTS = [22, 12, 14, 6, 6, 5, 8, 5, 9, 4, 5, 4]
REGIONS = ["上海", "江苏", "浙江", "广东", "北京", "山东", "四川", "湖北", "陕西", "辽宁", "福建",
           "河南"]
REGION_WEIGHTS = [14, 13, 11, 14, 9, 7, 6, 6, 4, 4, 6, 6]
CITIES = ["上海", "苏州", "杭州", "宁波", "南京", "无锡", "深圳", "广州", "东莞", "佛山", "北京",
          "天津", "青岛", "济南", "成都", "重庆", "武汉", "长沙", "西安", "沈阳", "大连", "厦门",
          "福州", "郑州", "合肥", "南昌", "昆明", "贵阳", "南宁", "太原"]
BRAND_A = ["华", "恒", "启", "博", "远", "瑞", "鑫", "泰", "安", "盛", "达", "宏", "德", "信",
           "嘉", "海", "天", "金", "中", "新", "永", "隆", "凯", "明", "创", "联", "科", "丰",
           "航", "腾", "卓", "云", "佳", "森", "辰", "峰", "昊", "晟", "铭", "拓"]
BRAND_B = ["通", "达", "宇", "源", "力", "诚", "越", "发", "顺", "祥", "兴", "元", "恒", "光",
           "美", "鼎", "和", "成", "润", "邦", "益", "捷", "尚", "康", "智", "为", "邦", "锐",
           "驰", "立", "奥", "星", "泽", "晖", "聚", "升", "润", "耀", "弘", "胜"]
NOUNS = {"制造业": "精密机械", "零售": "商贸连锁", "软件": "软件科技", "金融": "金融信息服务",
         "医疗": "医疗器械", "教育": "教育科技", "物流": "供应链管理", "能源": "新能源",
         "电子": "电子科技", "化工": "化工材料", "汽车": "汽车零部件", "食品": "食品"}
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]
SIZES = ["1-50", "50-200", "200-500", "500-1000", "1000-5000", "5000+"]
ROLES = ["decision-maker", "influencer", "user"]
SOURCE_WEIGHTS = [22, 25, 18, 10, 15, 10]  # SOURCES of salesflow.services.demo
CHANNELS = ["phone", "im", "email", "visit", "meeting"]
CHANNEL_WEIGHTS = [45, 25, 12, 10, 8]
FEEDBACK = ["positive", "neutral", "negative", None]
FEEDBACK_WEIGHTS = [45, 35, 12, 8]
REASONS = ["价格偏高", "预算未批", "竞品对比中", "交付周期太长", "决策人变动"]
LOST_REASONS = ["选择了竞争对手", "项目取消", "预算冻结", "联系不上决策人"]
RECOVERY_PLANS = ["约决策人面谈，重新确认预算", "安排技术交流会", "提供试用方案", "由主管陪同拜访",
                  "调整报价方案"]
TAGS = [None, None, None, None, "重点客户", "展会2024", "老客户转介绍", "政府项目"]

OPEN = ("lead", "intent", "proposal", "negotiation")
PATH = ("lead", "intent", "proposal", "negotiation", "won", "repeat")
RECENT_STAGES = (["lead", "intent", "proposal", "lost"], [70, 20, 7, 3])
OLDER_STAGES = (["lead", "intent", "proposal", "negotiation", "won", "repeat", "lost"],
                [12, 14, 12, 8, 20, 8, 26])
STAGE_CONTACT_WEIGHT = {"lead": 2, "intent": 6, "proposal": 10, "negotiation": 14, "won": 16,
                        "repeat": 20, "lost": 5}
TIER_CONTACT_WEIGHT = {"A": 2.0, "B": 1.3, "C": 0.8}
PROSPECTING_DAYS = {"A": 7, "B": 14, "C": 30}  # the default cadences (rules/cadence.py)
CARE_DAYS = {"A": 30, "B": 45, "C": 182}


def stamp(seconds: int) -> str:
    """The text SQLModel's UTCDateTime stores in SQLite: naive UTC with microseconds."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def local_day(seconds: int) -> date:
    return datetime.fromtimestamp(seconds + SHANGHAI, UTC).date()


def work_time(rng: random.Random, day: int) -> int:
    """A moment in Shanghai working hours on the given day (days since the epoch)."""
    return day * DAY + 3600 + rng.randrange(9 * 3600)


def create_schema(db: Path) -> None:
    from salesflow.db import unit_of_work
    from salesflow.services import settings

    with unit_of_work(str(db), write=True) as session:
        settings.set_value(session, "timezone", TEAM_ZONE)


def drop_indexes(con: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of the tables; returns their DDL to rebuild them."""
    rows = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({','.join('?' * len(tables))})", tables).fetchall()
    for name, _ in rows:
        con.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def generate(db: Path, n_customers: int, n_followups: int, seed: int, today: date) -> dict:
    from salesflow.rules.codes import code_prefix, format_code
    from salesflow.rules.names import name_key
    from salesflow.rules.tier import tier_for
    from salesflow.services.demo import ACTIONS, CONTACTS, NEEDS, SOURCES, SUMMARIES, TITLES

    rng = random.Random(seed)
    today_day = (today - date(1970, 1, 1)).days
    start_day = today_day - 3 * 365
    reps = [f"rep{n:02d}" for n in range(1, 51)]
    rep_weights = [rng.uniform(0.4, 1.6) for _ in reps]  # uneven books

    # --- customers: the profile fields, and the shape of their history --------------
    t0 = time.perf_counter()
    industries = rng.choices(INDUSTRIES, INDUSTRY_WEIGHTS, k=n_customers)
    regions = rng.choices(REGIONS, REGION_WEIGHTS, k=n_customers)
    owners = rng.choices(reps, rep_weights, k=n_customers)
    name_space = len(CITIES) * len(BRAND_A) * len(BRAND_B) * len(SUFFIXES)
    if n_customers > name_space:
        sys.exit(f"at most {name_space} customers (distinct company names)")
    name_ids = rng.sample(range(name_space), n_customers)
    created = sorted(work_time(rng, rng.randrange(start_day, today_day))
                     for _ in range(n_customers))  # ids follow creation order, as in life
    stage, tier, last = [""] * n_customers, [""] * n_customers, [0] * n_customers
    potential: list[int | None] = [None] * n_customers
    cycle: list[int | None] = [None] * n_customers
    for i in range(n_customers):
        age = today_day - created[i] // DAY
        choices, weights = RECENT_STAGES if age < 30 else OLDER_STAGES
        stage[i] = rng.choices(choices, weights)[0]
        if rng.random() < 0.85:
            potential[i] = int(math.exp(rng.gauss(math.log(300_000), 1.2))) // 1000 * 1000 * 100
        if rng.random() < 0.8:
            cycle[i] = rng.choice([10, 15, 20, 25, 30, 30, 45, 60, 60, 90, 120, 180])
        tier[i] = tier_for(potential[i], cycle[i]).tier

    # --- how many follow-ups each customer gets: one for everyone past ten days, the
    #     rest in proportion to stage and tier ---------------------------------------
    counts = [0] * n_customers
    eligible = [i for i in range(n_customers) if today_day - created[i] // DAY > 10]
    for i in eligible[:n_followups]:
        counts[i] = 1
    extra = n_followups - sum(counts)
    if extra > 0:
        # nobody is contacted before the day after they were created
        weights = [STAGE_CONTACT_WEIGHT[stage[i]] * TIER_CONTACT_WEIGHT[tier[i]]
                   if today_day - created[i] // DAY > 1 else 0.0
                   for i in range(n_customers)]
        cum = []
        total = 0.0
        for w in weights:
            total += w
            cum.append(total)
        for _ in range(extra):
            counts[bisect.bisect(cum, rng.random() * total)] += 1

    # --- when: the last contact around the cadence, earlier ones spread since creation -
    keys: list[int] = []  # at * n_customers + customer index: sorts by time globally
    for i in range(n_customers):
        k = counts[i]
        if not k:
            continue
        first_day = created[i] // DAY
        span = today_day - first_day
        if stage[i] == "lost":
            gap = rng.randint(7, max(7, span))
        elif stage[i] in ("won", "repeat"):
            gap = 1 + int(rng.expovariate(1 / (0.55 * CARE_DAYS[tier[i]])))
        else:
            gap = 1 + int(rng.expovariate(1 / (0.55 * PROSPECTING_DAYS[tier[i]])))
        last_day = min(today_day - 1, max(first_day + 1, today_day - gap))
        moments = {work_time(rng, last_day)}
        while len(moments) < k:
            moments.add(work_time(rng, rng.randrange(first_day + 1, last_day + 1)))
        last[i] = max(moments)
        keys.extend(m * n_customers + i for m in moments)
    keys.sort()
    print(f"  planned in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-200000")
    indexes = drop_indexes(con, ("customer", "followup", "stage_change"))

    # --- insert customers, their stage history, users and code sequences ------------
    t0 = time.perf_counter()
    sequences: dict[str, int] = {}
    con.execute("BEGIN")
    batch: list[tuple] = []
    moves: list[tuple] = []
    plans: list[tuple] = []  # recovery_plan rows, from their own generator so that
    plan_rng = random.Random(seed + 1)  # every other row stays as before they existed
    signings: list[tuple[int, str, int]] = []  # (customer index, won|repeat, when)
    for i in range(n_customers):
        industry, region = industries[i], regions[i]
        prefix = code_prefix(industry, region)
        sequences[prefix] = sequences.get(prefix, 0) + 1
        n = name_ids[i]
        n, suffix = divmod(n, len(SUFFIXES))
        n, b = divmod(n, len(BRAND_B))
        city, a = divmod(n, len(BRAND_A))
        name = f"{CITIES[city]}{BRAND_A[a]}{BRAND_B[b]}{NOUNS[industry]}{SUFFIXES[suffix]}"
        # the stage history: forward one step at a time from lead, spread over the
        # customer's life; `lost` leaves from an open stage
        end = last[i] or created[i]
        target = stage[i]
        if target == "lost":
            path = [*PATH[:rng.randint(1, 4)], "lost"]
        else:
            path = list(PATH[:PATH.index(target) + 1])
        step = max(1, (end - created[i]) // len(path))
        moved = progressed = created[i]
        previous = None
        for position, to in enumerate(path):
            moved = created[i] + position * step
            if to != "lost":
                progressed = moved  # every move of this history but `lost` is progress
            if to in ("won", "repeat"):
                signings.append((i, to, moved))
            reason = ("created" if previous is None else rng.choice(LOST_REASONS)
                      if to == "lost" else "contract signed" if to in ("won", "repeat")
                      else None)
            moves.append((i + 1, previous, to, stamp(moved), owners[i], reason))
            previous = to
        # a recovery plan (挽回策略) or two for half of the stalled A-tier customers
        stalled_since = today_day * DAY - 14 * DAY
        if (tier[i] == "A" and target in OPEN and progressed < stalled_since
                and plan_rng.random() < 0.5):
            for _ in range(plan_rng.randint(1, 2)):
                plans.append((i + 1, plan_rng.choice(RECOVERY_PLANS), owners[i], stamp(
                    plan_rng.randint(progressed + 14 * DAY, today_day * DAY - 1))))
        contact = rng.choice(CONTACTS)
        batch.append((
            i + 1, format_code(prefix, sequences[prefix]), name, name_key(name), industry,
            region, rng.choice(SIZES),
            (date(1985, 1, 1) + timedelta(days=rng.randrange(13000))).isoformat()
            if rng.random() < 0.5 else None,
            f"https://www.c{i + 1}.com.cn" if rng.random() < 0.6 else None,
            contact, rng.choice(TITLES), rng.choice(ROLES),
            f"+86{rng.choice([138, 139, 158, 186, 135])}{rng.randrange(10**8):08d}"
            if rng.random() < 0.9 else None,
            f"c{i + 1}@example.cn" if rng.random() < 0.5 else None,
            rng.choices(SOURCES, SOURCE_WEIGHTS)[0], None,
            rng.choice(NEEDS) if rng.random() < 0.9 else None,
            potential[i], cycle[i], tier[i], None, None, target, stamp(moved),
            stamp(progressed), owners[i], rng.choice(TAGS), None, stamp(created[i]),
            stamp(last[i]) if last[i] else None, None, None, None,
        ))
        if len(batch) >= CHUNK:
            _insert(con, "customer", batch, columns=_CUSTOMER_COLUMNS)
            _insert(con, "stage_change", moves, columns=_STAGE_COLUMNS)
            batch, moves = [], []
    _insert(con, "customer", batch, columns=_CUSTOMER_COLUMNS)
    _insert(con, "stage_change", moves, columns=_STAGE_COLUMNS)
    _insert(con, "recovery_plan", plans, columns="customer_id, plan, by, at")
    con.executemany("INSERT INTO code_sequence (prefix, last) VALUES (?, ?)",
                    sorted(sequences.items()))
    con.executemany("INSERT INTO user (name, role, created_at) VALUES (?, ?, ?)",
                    [(r, "rep", stamp(start_day * DAY)) for r in reps]
                    + [(name, role, stamp(start_day * DAY)) for name, role in STAFF])
    con.execute("COMMIT")
    print(f"  customers in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    # --- insert follow-ups in time order (ids follow time, as when logged live) -------
    t0 = time.perf_counter()
    con.execute("BEGIN")
    batch = []
    previous_due: dict[int, date] = {}  # customer index → due date after its last contact
    for key in keys:
        at, i = divmod(key, n_customers)
        latest = at == last[i]
        # the due date at the time: screening (about 3 working days) before any contact,
        # then the tier cadence from the previous contact, or an earlier open promise
        due_then = previous_due.get(i) or local_day(created[i]) + timedelta(days=5)
        feedback = rng.choices(FEEDBACK, FEEDBACK_WEIGHTS)[0]
        promise = None
        # a promise on a recent latest contact is still open; older ones were kept
        # (a later contact closed them)
        if (latest and stage[i] != "lost" and today_day - at // DAY <= 14
                and rng.random() < 0.6) or (not latest and rng.random() < 0.25):
            promise = local_day(at) + timedelta(days=rng.randint(1, 14))
        late = rng.random() < 0.08
        logged = at + (rng.randint(DAY + 60, 5 * DAY) if late
                       else int(rng.expovariate(1 / 7200)))
        cadence = (CARE_DAYS if stage[i] in ("won", "repeat") else PROSPECTING_DAYS)[tier[i]]
        previous_due[i] = min(filter(None, (promise, local_day(at) + timedelta(days=cadence))))
        batch.append((
            i + 1, stamp(at), stamp(logged),
            owners[i] if rng.random() < 0.9 else rng.choice(reps),
            rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], rng.choice(SUMMARIES), feedback,
            rng.choice(REASONS) if feedback == "negative" else None,
            1 if (feedback == "negative" and rng.random() < 0.5) or rng.random() < 0.03
            else 0,
            rng.choice(ACTIONS) if promise else None,
            promise.isoformat() if promise else None,
            rng.choices([1, 2, 3, 4, 5], [2, 3, 10, 45, 40])[0]
            if stage[i] in ("won", "repeat") and rng.random() < 0.25 else None,
            due_then.isoformat(),
        ))
        if len(batch) >= CHUNK:
            _insert(con, "followup", batch, columns=_FOLLOWUP_COLUMNS)
            batch = []
    _insert(con, "followup", batch, columns=_FOLLOWUP_COLUMNS)
    con.execute("COMMIT")
    print(f"  follow-ups in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    t0 = time.perf_counter()
    con.execute("BEGIN")
    counts_by_table = contracts_and_needs(con, rng, signings, stage, created, last, potential,
                                          owners, today_day)
    con.execute("COMMIT")
    print(f"  contracts, payments, needs in {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)

    t0 = time.perf_counter()
    for sql in indexes:
        con.execute(sql)
    # the objection deadline from each customer's latest follow-up (as migration 0003
    # does), once the index (customer_id, at) is back
    con.execute(
        "UPDATE customer SET objection_at = (SELECT f.at FROM followup f WHERE f.customer_id "
        "= customer.id ORDER BY f.at DESC, f.id DESC LIMIT 1) WHERE stage <> 'lost' AND "
        "(SELECT f.feedback = 'negative' OR f.objection FROM followup f WHERE "
        "f.customer_id = customer.id ORDER BY f.at DESC, f.id DESC LIMIT 1)")
    con.close()
    print(f"  indexes in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    busiest = max(set(owners), key=owners.count)
    return {"today": today.isoformat(), "customers": n_customers, "followups": len(keys),
            "seed": seed, "reps": reps, **counts_by_table,
            "recovery_plans": len(plans), "busiest_rep": busiest, "timezone": TEAM_ZONE}


STAFF = (("zhang.manager", "manager"), ("li.legal", "legal"), ("wang.gm", "gm"))
NEED_TEXTS = ["需要对接现有ERP", "希望提供试用", "要求本地化部署", "需要分期付款",
              "关注售后响应时间", "希望增加培训", "需要定制报表"]
DEPARTMENTS = ["技术部", "产品部", "财务部", "售后部"]


def contracts_and_needs(con: sqlite3.Connection, rng: random.Random,
                        signings: list[tuple[int, str, int]], stage: list[str],
                        created: list[int], last: list[int], potential: list[int | None],
                        owners: list[str], today_day: int) -> dict[str, int]:
    """A signed contract (3 approvals, 2 installments) for every move to won/repeat; a
    pending one for a third of the customers in negotiation; a need for one customer in
    five, the older ones mostly resolved."""
    from salesflow.rules.contract import format_number

    month_seq: dict[str, int] = {}
    contracts, approvals, payments, needs = [], [], [], []

    def number(when: int) -> str:
        day = local_day(when)
        key = day.strftime("%Y%m")
        month_seq[key] = month_seq.get(key, 0) + 1
        return format_number(day, month_seq[key])

    def add_contract(i: int, drafted: int, status: str, signed: int | None,
                     approved_steps: int, pending: str | None) -> int:
        cid = len(contracts) + 1
        value = potential[i] or 20_000_000
        amount = max(5_000_000, int(value * rng.uniform(0.3, 1.0)) // 100_000 * 100_000)
        contracts.append((cid, number(drafted), i + 1, amount, None, None, None, owners[i],
                          stamp(drafted), status, 1, pending,
                          stamp(drafted + DAY) if pending else None,
                          stamp(signed) if signed else None))
        for n, (name, role) in enumerate(STAFF[:approved_steps]):
            approvals.append((cid, 1, role, "approve", name,
                              stamp(drafted + (n + 1) * 3600 * 5), None))
        if signed:
            for due_in, share in ((30, 0.5), (120, 0.5)):
                due = local_day(signed) + timedelta(days=due_in)
                part = int(amount * share)
                paid = (due - date(1970, 1, 1)).days < today_day - rng.choice([-30, 0, 5, 20])
                payments.append((cid, due.isoformat(), part, part if paid else 0,
                                 due.isoformat() if paid else None))
        return cid

    for i, _to, when in signings:
        add_contract(i, when - 10 * DAY, "signed", when, 3, None)
    for i, st in enumerate(stage):
        if st == "negotiation" and rng.random() < 1 / 3:
            drafted = (today_day - rng.randint(1, 12)) * DAY + 3 * 3600
            steps = rng.randint(0, 2)
            add_contract(i, drafted, "pending", None, steps, STAFF[steps][1])
        if rng.random() < 0.2:
            at = rng.randint(created[i], max(created[i], last[i] or created[i]))
            age = today_day - at // DAY
            status = (rng.choices(["open", "responded"], [1, 1])[0] if age < 10 else
                      rng.choices(["resolved", "responded", "open"], [80, 15, 5])[0])
            needs.append((i + 1, rng.choice(NEED_TEXTS), rng.choice(["must", "nice", "latent"]),
                          rng.choice(["high", "medium", "low"]), rng.choice(DEPARTMENTS),
                          status, stamp(at), owners[i],
                          stamp(at + DAY) if status != "open" else None,
                          owners[i] if status != "open" else None,
                          "已安排对接" if status != "open" else None,
                          stamp(at + 5 * DAY) if status == "resolved" else None,
                          owners[i] if status == "resolved" else None,
                          "已解决" if status == "resolved" else None))
    _insert(con, "contract", contracts, columns=(
        "id, number, customer_id, amount, start, \"end\", terms, created_by, created_at, "
        "status, round, pending_step, pending_since, signed_at"))
    _insert(con, "approval", approvals, columns="contract_id, round, step, decision, by, at, note")
    _insert(con, "payment", payments, columns="contract_id, due, amount, paid_amount, paid_at")
    _insert(con, "need", needs, columns=(
        "customer_id, description, kind, priority, department, status, created_at, "
        "created_by, responded_at, responded_by, response, resolved_at, resolved_by, "
        "resolution"))
    return {"contracts": len(contracts), "payments": len(payments), "needs": len(needs)}


_CUSTOMER_COLUMNS = (
    "id, code, name, name_key, industry, region, size, founded, website, contact_name, "
    "contact_title, contact_role, phone, email, source, source_detail, need, potential, "
    "decision_days, tier, tier_override, tier_reason, stage, stage_changed_at, progressed_at, "
    "owner, tags, notes, created_at, last_contact_at, next_due_at, next_due_kind, "
    "import_batch")
_STAGE_COLUMNS = "customer_id, from_stage, to_stage, at, by, reason"
_FOLLOWUP_COLUMNS = ("customer_id, at, logged_at, by, channel, summary, feedback, reason, "
                     "objection, next_action, next_action_due, satisfaction, due_at_time")


def _insert(con: sqlite3.Connection, table: str, rows: list[tuple],
            columns: str | None = None) -> None:
    if not rows:
        return
    names = f" ({columns})" if columns else ""
    marks = ",".join("?" * len(rows[0]))
    con.executemany(f'INSERT INTO "{table}"{names} VALUES ({marks})', rows)


def refresh_due_dates(db: Path, today: date) -> int:
    """Every customer's next_due_at through the real service (as `config set` does)."""
    os.environ["SALESFLOW_TODAY"] = today.isoformat()
    from salesflow.context import AppState
    from salesflow.services import schedule

    with AppState(db=str(db), user=STAFF[0][0]).unit("bench generate", write=True) as unit:
        return schedule.refresh_all(unit.session, unit.env)


def relationship_care(db: Path, today: date, seed: int) -> dict[str, int]:
    """SPEC §13 data on a generated (or migrated) database: the survey clock of every
    won/repeat customer (the same UPDATE as migration 0007), a key date for one customer
    in five (司庆 on a random day), and minutes still owed for one in three visits and
    meetings of the last 14 days (the others sent the same day)."""
    import importlib

    care = importlib.import_module("salesflow.migrations.versions.0007_relationship_care")
    rng = random.Random(seed + 13)
    con = sqlite3.connect(db)
    try:
        con.execute(care.SURVEY_FROM)
        ids = [r[0] for r in con.execute("SELECT id FROM customer ORDER BY id")]
        moment = stamp(int(time.mktime(today.timetuple())) - 400 * DAY)
        keys = [(cid, "司庆", f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", None,
                 "rep01", moment) for cid in ids if rng.random() < 0.2]
        _insert(con, "key_date", keys, "customer_id, name, month_day, year, created_by, "
                                        "created_at")
        since = (today - timedelta(days=14)).isoformat()
        recent = con.execute("SELECT id, at FROM followup WHERE channel IN ('visit', "
                             "'meeting') AND at >= ?", (since,)).fetchall()
        owed = [(fid, at) for fid, at in recent if rng.random() < 1 / 3]
        con.executemany(
            "UPDATE followup SET minutes_due_at = datetime(?, '+1 day') || '.000000' "
            "WHERE id = ?", [(at[:19], fid) for fid, at in owed])
        con.executemany(
            "UPDATE followup SET minutes_sent_at = datetime(?, '+5 hours') || '.000000' "
            "WHERE id = ?", [(at[:19], fid) for fid, at in recent if (fid, at) not in owed])
        con.commit()
        surveyed = con.execute("SELECT count(*) FROM customer WHERE survey_from IS NOT NULL"
                               ).fetchone()[0]
    finally:
        con.close()
    return {"key_dates": len(keys), "minutes_owed": len(owed), "survey_clocks": surveyed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--followups", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--seed", type=int, default=20250630)
    parser.add_argument("--today", default=DEFAULT_TODAY,
                        help="the planning date the data leads up to (SALESFLOW_TODAY)")
    parser.add_argument("--care-only", action="store_true",
                        help="only add the SPEC §13 data to an existing database (migrated "
                             "to 0007 by any salesflow command)")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    db: Path = args.db.expanduser()
    if args.care_only:
        print(relationship_care(db, today, args.seed), file=sys.stderr)
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", ".json"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    started = time.perf_counter()
    print(f"generating {args.customers:,} customers and {args.followups:,} follow-ups "
          f"into {db}", file=sys.stderr)
    create_schema(db)
    meta = generate(db, args.customers, args.followups, args.seed, today)
    t0 = time.perf_counter()
    refreshed = refresh_due_dates(db, today)
    print(f"  due dates of {refreshed:,} customers (schedule.refresh_all) in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    meta.update(relationship_care(db, today, args.seed))
    con = sqlite3.connect(db)
    meta["stage_changes"] = con.execute("SELECT count(*) FROM stage_change").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    meta["bytes"] = db.stat().st_size
    meta["seconds"] = round(time.perf_counter() - started, 1)
    Path(f"{db}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"done in {meta['seconds']} s: {meta['bytes'] / 2**20:.0f} MiB", file=sys.stderr)


if __name__ == "__main__":
    main()
