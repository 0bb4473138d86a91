"""`salesflow demo`: a realistic few dozen customers and follow-ups dated around today,
so a newcomer's first `salesflow due` shows a real agenda. Deterministic (seeded), and
it goes through the same services as the commands, so every rule applies."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, col, func, select

from salesflow.errors import Conflict, InputError
from salesflow.i18n import _
from salesflow.models import Customer, FollowUp
from salesflow.rules.dates import quarter_of
from salesflow.rules.money import parse_money
from salesflow.rules.pipeline import OPEN_STAGES
from salesflow.services import (
    config,
    contacts,
    contracts,
    customers,
    extensions,
    followups,
    needs,
    notes,
    payments,
    pool,
    projects,
    recovery,
    relationship,
    settings,
    solutions,
    targets,
    users,
)
from salesflow.services.env import Env

COMPANIES = [
    ("华东精密科技有限公司", "制造业", "华东"), ("苏州恒达机械股份有限公司", "制造业", "江苏"),
    ("杭州云帆软件有限公司", "软件", "浙江"), ("深圳启明电子有限公司", "电子", "广东"),
    ("广州优品零售连锁有限公司", "零售", "广东"), ("北京博远教育科技有限公司", "教育", "北京"),
    ("天津港联物流有限公司", "物流", "天津"), ("成都天府医疗器械有限公司", "医疗", "四川"),
    ("武汉长江汽车零部件有限公司", "汽车", "湖北"), ("西安秦川能源有限公司", "能源", "陕西"),
    ("沈阳北方重工有限公司", "制造业", "辽宁"), ("南京金陵化工有限公司", "化工", "江苏"),
    ("宁波海天塑业有限公司", "制造业", "浙江"), ("厦门鹭岛食品有限公司", "食品", "福建"),
    ("青岛海韵通信技术有限公司", "通信", "山东"), ("长沙湘江建设集团有限公司", "建筑", "湖南"),
    ("重庆山城百货有限公司", "零售", "重庆"), ("合肥科创新材料有限公司", "制造业", "安徽"),
    ("上海浦江金融信息服务有限公司", "金融", "上海"), ("昆明春城农业发展有限公司", "农业", "云南"),
    ("郑州中原仓储物流有限公司", "物流", "河南"), ("福州闽江电子科技有限公司", "电子", "福建"),
    ("大连海滨制药有限公司", "医药", "辽宁"), ("无锡太湖精工有限公司", "制造业", "江苏"),
    ("Shanghai Bright Path Trading Co., Ltd.", "wholesale", "上海"),
    ("Pacific Rim Components Inc.", "electronics", "overseas"),
    ("东莞新力五金制品有限公司", "制造业", "广东"), ("佛山美居家具有限公司", "零售", "广东"),
    ("济南泉城软件有限公司", "软件", "山东"), ("南昌赣江光电有限公司", "电子", "江西"),
    ("太原晋阳煤机有限公司", "能源", "山西"), ("贵阳数谷科技有限公司", "软件", "贵州"),
    ("哈尔滨冰城乳业有限公司", "食品", "黑龙江"), ("石家庄冀中医药有限公司", "医药", "河北"),
    ("南宁绿城物流有限公司", "物流", "广西"), ("兰州陇原化工有限公司", "化工", "甘肃"),
]
CONTACTS = ["王强", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴刚",
            "徐丽", "孙浩", "马超", "朱琳", "胡军", "郭芳"]
TITLES = ["采购总监", "总经理", "IT经理", "生产部经理", "财务总监", "技术负责人", "运营总监"]
NEEDS = ["产线数字化改造", "ERP升级", "仓储管理系统", "设备远程运维", "门店收银系统更换",
         "质量追溯平台", "能耗监测", "供应链协同平台", "数据中台建设"]
SUMMARIES = ["电话沟通需求，客户关注交付周期", "上门拜访，演示方案", "发送产品资料和案例",
             "与技术负责人开会讨论接口", "客户反馈预算需要内部审批", "微信确认下次会议时间",
             "报价已发送，等待反馈", "客户对售后服务提出疑问"]
ACTIONS = ["发送报价单", "安排技术交流会", "提交解决方案", "确认采购流程", "回访决策人",
           "提供客户案例"]
SOURCES = ["trade-show", "website", "referral", "event", "cold-call", "public-info"]
POTENTIALS = ["80万", "120万", "30万", "15万", "60万", "6万", "250万", "45万", "9万", None]
CYCLES = ["20", "25", "45", "60", "80", "120", None, "30"]
STAFF = (("zhao.legal", "legal"), ("chen.gm", "gm"))
# (name, quote, list price, config, days, extras): 解决方案定制表 rows; the first is the
# standard's own example, the last two are discounted beyond 10% (a gm review too)
SOLUTIONS = [
    ("智能分拣解决方案", "258万", "280万", "A型分拣机2台+管理系统", 45, "免费培训3次+1年质保"),
    ("产线数字化改造方案", "96万", "100万", "MES系统+数据采集网关20套", 60, "驻场实施2周"),
    ("仓储管理系统方案", "45万", "48万", "WMS标准版+PDA 10台", 30, "免费培训2次"),
    ("设备远程运维平台", "68万", "85万", "运维平台+传感器50套", 40, "首年免费运维"),
    ("ERP升级方案", "130万", "160万", "ERP企业版+接口开发", 90, "数据迁移服务"),
]
PAIN_POINTS = ["分拣效率低，人工错分率高", "设备停机无法提前预警", "库存数据不准，盘点耗时",
               "各系统数据孤岛，报表靠手工"]
BUDGETS = ["200万-300万", "50万-80万", "-100万", "30万", "100万-150万"]
PROCESSES = ["采购部→技术部→总经理", "IT部→财务部→董事会", "生产部→采购部→总经理"]
COMPETITORS = ["某德国品牌", "本地集成商", "两家国内厂商", None]
EXTRA_CONTACTS = [("赵工", "技术总监", "technical", "im"), ("孙会计", "财务经理", "influencer",
                                                           "email"),
                  ("钱主管", "仓储主管", "user", "visit")]


def seed(session: Session, env: Env, *, colleagues: tuple[str, ...] = ("li.na", "wang.fang"),
         rng_seed: int = 7) -> tuple[int, int]:
    """Fill an empty database; returns (customers, follow-ups) created."""
    if session.exec(select(func.count()).select_from(Customer)).one():
        raise Conflict(_("demo: the database already holds customers; the demo fills only "
                         "an empty one (use --db to point at a new file)"))
    rng = random.Random(rng_seed)
    me = env.actor
    colleagues = tuple(c for c in (*colleagues, "zhou.jie") if c != me)[:2]
    owners = (me, me, me, *colleagues)
    real_now = env.now
    negotiating: list[str] = []
    # the team first: solutions are reviewed by you (the manager) and, beyond the
    # discount limit, by the gm
    users.add(session, env, me, "manager")
    for name, role in ((colleagues[0], "rep"), (colleagues[1], "rep"), *STAFF):
        users.add(session, env, name, role)
    for index, (name, industry, region) in enumerate(COMPANIES):
        fresh_lead = index % 8 == 7
        touches = 0 if fresh_lead else rng.randint(1, 4)
        # Contacts are laid backwards from a recent last contact, so that due dates fall
        # around today: a few overdue, some today, some in the coming days.
        last_ago = timedelta(days=rng.choice([1, 2, 3, 5, 6, 7, 8, 10, 12, 13, 14, 16, 25,
                                              29, 31]), hours=rng.randint(1, 6))
        moments = sorted(real_now - last_ago - timedelta(days=k * rng.randint(4, 12))
                         for k in range(touches))
        created = (moments[0] if moments else real_now) - timedelta(
            days=rng.randint(0, 4) if fresh_lead else rng.randint(5, 40),
            hours=rng.randint(1, 8))
        env.now = created
        contact = CONTACTS[index % len(CONTACTS)]
        need = None if index % 11 == 7 else rng.choice(NEEDS)
        discovered = not fresh_lead and index % 3 != 2
        saved = customers.add(session, env, {
            "name": name, "industry": industry, "region": region,
            "size": rng.choice(["50-200", "200-500", "500-1000", "1000+"]),
            "contact_name": contact,
            "contact_title": None if index % 9 == 4 else rng.choice(TITLES),
            "contact_role": rng.choice(["decision-maker", "influencer", "user"]),
            "phone": f"1{rng.choice([38, 39, 58, 86])}{rng.randint(10000000, 99999999)}",
            "email": None if index % 3 else f"contact{index}@example.com",
            "source": rng.choice(SOURCES),
            "need": need,
            "potential": POTENTIALS[index % len(POTENTIALS)],
            "decision_days": CYCLES[index % len(CYCLES)],
            "owner": owners[index % len(owners)],
            "pain_points": rng.choice(PAIN_POINTS) if discovered else None,
            "budget": rng.choice(BUDGETS) if discovered else None,
            "decision_process": rng.choice(PROCESSES) if discovered else None,
            "timeline": (env.local_date(real_now) + timedelta(days=rng.randint(30, 120))
                         ).strftime("%Y-%m") if discovered else None,
            "competitors": rng.choice(COMPETITORS) if discovered else None,
        })
        code = saved.customer.code
        if not fresh_lead:
            for name, title, role, prefers in EXTRA_CONTACTS[:index % 3]:
                contacts.add(session, env, code, name, {
                    "title": title, "role": role, "prefers": prefers,
                    "phone": f"1{rng.choice([37, 59])}{rng.randint(10000000, 99999999)}"})
        for n, moment in enumerate(moments):
            env.now = min(moment + timedelta(hours=rng.randint(0, 20)), real_now)
            promise = None
            if n == len(moments) - 1 and rng.random() < 0.5:
                promise = max(env.local_date(real_now) + timedelta(days=rng.randint(-2, 4)),
                              env.local_date(moment))
            logged = followups.log(
                session, env, code, summary=rng.choice(SUMMARIES),
                channel=rng.choice(["phone", "email", "visit", "meeting", "im"]),
                at=moment.astimezone(env.tz).strftime("%Y-%m-%d %H:%M"),
                feedback=rng.choice(["positive", "neutral", "neutral", "negative"]),
                next_action=rng.choice(ACTIONS) if promise else None,
                next_due=promise.isoformat() if promise else None,
                satisfaction=rng.choice([None, None, 4, 5, 3]),
                contact=contact if n % 2 == 0 else None,
            )
            if logged.minutes_due_at is not None and moment < real_now - timedelta(days=2):
                # minutes sent the same day for every meeting but the last two days'
                env.now = min(moment + timedelta(hours=5), real_now)
                followups.record_minutes(session, env, str(logged.id))
        # stage moves in the last week, two days apart: a customer moved to intent a week
        # ago is now past its 5-working-day `proposal` deadline. Past intent, the way is a
        # solution: reviewed and sent (proposal), then accepted (negotiation). A fresh lead
        # stays a lead, so that it shows as a `new-lead` item (a moved customer is not
        # screened).
        solution = None
        stages = OPEN_STAGES[1:1 + index % 4] if need and not fresh_lead else ()
        for step, stage in enumerate(stages, start=1):
            env.now = min(max(real_now - timedelta(days=9 - 2 * step, hours=rng.randint(1, 6)),
                              created + timedelta(minutes=step)), real_now)
            if stage == "intent":
                customers.change_stage(session, env, code, stage, None)
                if len(stages) == 1:  # solutions still in the works: draft, review, approved
                    _solution(session, env, code, index, me, colleagues,
                              upto=("draft", "review", "approved")[index % 3])
            elif stage == "proposal":
                if index % 5 == 2:  # a first solution the customer turned down
                    first = _solution(session, env, code, index + 1, me, colleagues,
                                      upto="sent")
                    solutions.decline(session, env, first, "预算不足，要求调整配置")
                solution = _solution(session, env, code, index, me, colleagues, upto="sent")
            else:
                assert solution is not None
                env.actor = me
                solutions.accept(session, env, solution)
                negotiating.append(code)
            env.actor = me
    env.now = real_now
    _team_contracts_needs_targets(session, env, colleagues, negotiating, rng)
    env.now, env.actor = real_now, me
    _relationship_care(session, env, colleagues, negotiating)
    env.now, env.actor = real_now, me
    _shared_pool(session, env, colleagues)
    env.now, env.actor = real_now, me
    return (session.exec(select(func.count()).select_from(Customer)).one(),
            session.exec(select(func.count()).select_from(FollowUp)).one())


def _shared_pool(session: Session, env: Env, colleagues: tuple[str, ...]) -> None:
    """SPEC §15 in the demo: the pool on (30 idle days, warned 7 days before), so that a
    rep's customer about to return shows as a `pool` item; the rep's longest-idle
    customer is already back in the pool (公海), for anyone to claim."""
    config.set_value(session, env, "pool.idle_days", "30")
    env.settings = settings.load(session)
    if not pool.sweep(session, env):
        idle = session.exec(
            select(Customer.code, Customer.owner)
            .where(col(Customer.owner).in_(list(colleagues)), col(Customer.stage) == "lead")
            .order_by(col(Customer.last_contact_at), col(Customer.id))).first()
        if idle is not None:
            env.actor = idle[1]
            pool.release(session, env, idle[0])
    session.flush()


def _team_contracts_needs_targets(session: Session, env: Env, colleagues: tuple[str, ...],
                                  negotiating: list[str], rng: random.Random) -> None:
    """The rest of a team's quarter: you as the sales manager with two reps, legal and a
    general manager; two signed contracts (one installment due in two days, one 10 days
    late: an escalation) and one waiting for your approval; needs; quarterly targets."""
    me, real_now = env.actor, env.now
    legal, gm = (name for name, _ in STAFF)

    def at(days_ago: float, actor: str) -> None:
        env.now, env.actor = real_now - timedelta(days=days_ago), actor

    today = env.local_date(real_now)
    schedules = (  # (signed days ago, installment due in days from today, amount)
        (20, (2, 90), "120万"), (40, (-10, 60), "60万"))
    signed: list[str] = []
    for code, (ago, dues, amount) in zip(negotiating, schedules, strict=False):
        at(ago + 5, colleagues[0])
        half = str(parse_money(amount) // 2 // 100)  # yuan; both amounts are even
        accepted = next(s["number"] for s in solutions.rows(session, env, ref=code,
                                                             status="accepted"))
        added = contracts.add(session, env, code, amount=amount, submit=True, payments=[
            f"{today + timedelta(days=d)}:{half}" for d in dues], solution=accepted,
            warranty="12m")
        for days, approver in ((ago + 4, me), (ago + 3, legal), (ago + 2, gm)):
            at(days, approver)
            contracts.decide(session, env, added.contract.number)
        at(ago, colleagues[0])
        contracts.sign(session, env, added.contract.number)
        signed.append(added.contract.number)
    if len(negotiating) > len(schedules):
        at(1, colleagues[1])
        contracts.add(session, env, negotiating[len(schedules)], amount=None, submit=True,
                      solution=next(s["number"] for s in solutions.rows(
                          session, env, ref=negotiating[len(schedules)], status="accepted")))

    codes = session.exec(select(Customer.code).order_by(col(Customer.id))).all()
    for code, days_ago, text, kind, state in (
            (codes[1], 3, "需要对接现有ERP的接口说明", "must", "open"),
            (codes[2], 6, "希望提供两周试用", "nice", "responded"),
            (codes[5], 12, "关注售后响应时间", "latent", "resolved")):
        at(days_ago, me)
        need, _customer = needs.add(session, env, code, text, kind=kind, priority="high",
                            department="技术部")
        if state != "open":
            at(days_ago - 1, me)
            needs.respond(session, env, str(need.id), "已安排技术支持对接")
        if state == "resolved":
            needs.resolve_need(session, env, str(need.id), "已提供SLA说明")

    env.now, env.actor = real_now, me
    quarter = quarter_of(today)
    for metric, value in (("new_leads", "30"), ("won_deals", "4"), ("signed_amount", "300万"),
                          ("lead_conversion_rate", "15%"), ("followups", "60"),
                          ("on_time_rate", "80%")):
        targets.set_target(session, env, quarter, metric, value)
    _exceptions_and_review(session, env, quarter, today)
    _after_the_deal(session, env, colleagues, signed, today)


def _exceptions_and_review(session: Session, env: Env, quarter: str, today: date) -> None:
    """SPEC §14 in the demo: a rep's extension request waiting for you (the manager), a
    recovery plan on the first stalled A-tier customer, and 模板八's factor and action on
    the quarter's lead conversion."""
    me = env.actor
    leads = session.exec(select(Customer.code, Customer.owner).where(
        col(Customer.stage) == "lead", col(Customer.owner) != me)
        .order_by(col(Customer.id))).all()
    for code, owner in leads:
        env.actor = owner
        try:
            extensions.request(session, env, code, "new-lead",
                               (today + timedelta(days=7)).isoformat(),
                               "客户负责人出差，下周回来后再筛选")
            break
        except (Conflict, InputError):
            continue  # no new-lead item on the agenda for this one
    env.actor = me
    for row in recovery.stalled(session, env, today):
        recovery.record(session, env, row["customer_code"], "约决策人面谈，调整报价方案")
        break
    notes.set_note(session, env, quarter, "lead_conversion_rate", factor="需求挖掘深度不足",
                   action="加强销售培训")


def _solution(session: Session, env: Env, code: str, index: int, me: str,
              colleagues: tuple[str, ...], *, upto: str) -> str:
    """A solution for the customer, taken as far as `upto` (draft … sent): written by a
    rep, reviewed by you (the manager) and by the gm when the discount is beyond the
    limit, then sent (intent → proposal)."""
    name, quote, list_price, config, days, extras = SOLUTIONS[index % len(SOLUTIONS)]
    author = colleagues[index % 2]
    env.actor = author
    number = solutions.add(session, env, code, name, quote=quote, list_price=list_price,
                           config=config, days=days, extras=extras).number
    if upto == "draft":
        return number
    solutions.submit(session, env, number)
    if upto == "review":
        return number
    for reviewer in (me, STAFF[1][0]):
        if solutions.resolve(session, number).status != "review":
            break
        env.actor = reviewer
        solutions.review(session, env, number, approve=True,
                         note="通过，需补充案例" if reviewer == me else "同意特批折扣")
    if upto == "approved":
        return number
    env.actor = author
    solutions.send(session, env, number)
    return number


OLD_ACCOUNT = ("苏州工业园区华信自动化有限公司", "制造业", "江苏")


def _relationship_care(session: Session, env: Env, colleagues: tuple[str, ...],
                       negotiating: list[str]) -> None:
    """SPEC §13 in the demo: a long-standing account (signed over a year ago, last
    satisfaction answer 95 days ago: a `survey` item), customer anniversaries in the
    coming days (`greeting` items) and yesterday's meeting without minutes (a `minutes`
    item)."""
    me, real_now = env.actor, env.now
    today = env.local_date(real_now)

    def at(days_ago: float, actor: str) -> None:
        env.now, env.actor = real_now - timedelta(days=days_ago), actor

    rep = colleagues[0]
    name, industry, region = OLD_ACCOUNT
    at(420, rep)
    code = customers.add(session, env, {
        "name": name, "industry": industry, "region": region, "size": "500-1000",
        "contact_name": "钱伟", "contact_title": "设备部经理",
        "contact_role": "decision-maker", "phone": "13912345678", "source": "referral",
        "need": "产线自动化维护", "potential": "150万", "decision_days": "20",
        "owner": rep}).customer.code
    at(410, me)
    customers.change_stage(session, env, code, "negotiation", "老客户介绍，直接商务谈判")
    at(405, rep)
    number = contracts.add(session, env, code, amount="80万", submit=True).contract.number
    for days, approver in ((404, me), (403, STAFF[0][0]), (402, STAFF[1][0])):
        at(days, approver)
        contracts.decide(session, env, number)
    at(400, rep)
    contracts.sign(session, env, number)
    at(95, rep)
    visit = followups.log(session, env, code, summary="季度服务评价：设备运行稳定",
                          channel="visit", satisfaction=5, purpose="satisfaction",
                          feedback="positive")
    at(94.8, rep)
    followups.record_minutes(session, env, str(visit.id))
    at(30, rep)
    relationship.add(session, env, code, "司庆",
                     (today + timedelta(days=2)).strftime("%m-%d"))
    if negotiating:
        at(30, me)
        relationship.add(session, env, negotiating[0], "总经理生日",
                         (today + timedelta(days=5)).strftime("%m-%d"))
        at(1, rep)
        followups.log(session, env, negotiating[0], summary="技术交流会：确认接口方案",
                      channel="meeting", feedback="positive")


# SPEC §12 in the demo: an old customer whose contract was delivered, accepted and is in
# its warranty (a visit due in two days), ends in 50 days (a renewal item, 10 days
# overdue) and has an installment 35 days late (legal review)
OLD_CUSTOMER = {"name": "上海东方包装材料有限公司", "industry": "制造业", "region": "上海",
                "size": "500-1000", "contact_name": "刘建国", "contact_title": "总经理",
                "contact_role": "decision-maker", "phone": "13900139000", "source": "referral",
                "need": "包装线自动化改造", "potential": "150万", "decision_days": "40"}


def _after_the_deal(session: Session, env: Env, colleagues: tuple[str, ...],
                    signed: list[str], today: date) -> None:
    """The first signed contract gets a delivery plan with a late phase (owned by a
    delivery user), the second a promise to pay its late installment; then the old
    customer above, from its first contact to its after-sales visits."""
    me, real_now = env.actor, env.now
    owner = colleagues[0]

    def at(days_ago: float, actor: str) -> None:
        env.now, env.actor = real_now - timedelta(days=days_ago), actor

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    users.add(session, env, "he.jiaofu", "delivery")
    if signed:
        number = signed[0]
        at(19, owner)
        projects.add(session, env, number, "需求确认", start=day(18), end=day(12),
                     owner="he.jiaofu", deliverable="《需求确认书》", risk="客户需求变更",
                     mitigation="签署变更确认单")
        projects.add(session, env, number, "设备安装", start=day(10), end=day(2),
                     owner="he.jiaofu", tasks="设备调试，人员培训", deliverable="《安装调试报告》",
                     risk="设备到货延迟", mitigation="提前7天跟进物流")
        projects.add(session, env, number, "培训验收", start=day(-3), end=day(-15),
                     owner="he.jiaofu", deliverable="《项目验收报告》")
        at(12, owner)
        projects.done(session, env, number, "需求确认")
    if len(signed) > 1:
        at(1, owner)
        payments.promise(session, env, signed[1], (today + timedelta(days=5)).isoformat(),
                         "客户财务确认下周付款")

    legal, gm = (name for name, _ in STAFF)
    start = 420
    at(start, owner)
    code = customers.add(session, env, {**OLD_CUSTOMER, "owner": owner}).customer.code
    at(start - 1, me)
    customers.change_stage(session, env, code, "negotiation", "老客户推荐，直接商务谈判")
    at(start - 2, owner)
    added = contracts.add(session, env, code, amount="150万", start=day(start - 10),
                          end=(today + timedelta(days=50)).isoformat(), warranty="24m",
                          terms="分期付款，2年质保", submit=True,
                          payments=[f"{day(start - 10)}:100万", f"{day(35)}:50万"])
    number = added.contract.number
    for days_ago, approver in ((start - 3, me), (start - 4, legal), (start - 5, gm)):
        at(days_ago, approver)
        contracts.decide(session, env, number)
    at(start - 6, owner)
    contracts.sign(session, env, number)
    at(start - 7, owner)
    projects.add(session, env, number, "设备安装", start=day(start - 10), end=day(start - 30),
                 owner="he.jiaofu", risk="设备到货延迟", mitigation="提前7天跟进物流")
    at(start - 12, owner)
    payments.record(session, env, number, "100万")
    at(start - 28, owner)
    projects.done(session, env, number, "设备安装")
    at(start - 35, owner)
    projects.accept(session, env, number, when=day(start - 35), by="刘建国(总经理)")
    for days_ago, summary, result in (
            (271, "设备运行稳定，希望增加备件优惠", "已申请备件9折优惠"),
            (180, "一台封箱机偶发卡纸", "已派工程师上门处理"),
            (89, "运行良好，询问二期产线改造", "已转销售跟进二期需求")):
        at(days_ago, "he.jiaofu")
        followups.log(session, env, code, summary=summary, channel="phone",
                      purpose="aftersales", result=result, feedback="positive")
    env.now, env.actor = real_now, me
