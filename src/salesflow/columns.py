"""The columns of every row the program prints, defined once.

`customer list`, `customer show` and `export customers` share CUSTOMER; the CSV header of
each list is the stable cron contract of SPEC §7: columns may only be appended.
A column's kind tells the renderer how to print its value in each format. Its label is
the header a person reads in a table (translated, SPEC §16); CSV and JSON keys are the
names, in every language.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.i18n import N_

# Table headers (and the keys of a `show`): one translatable label per column name. A name
# without a label shows as itself with spaces (add the label with the column).
LABELS: dict[str, str] = {
    "code": N_("code"), "name": N_("name"), "industry": N_("industry"),
    "region": N_("region"), "size": N_("size"), "contact_name": N_("contact"),
    "contact_title": N_("contact title"), "contact_role": N_("contact role"),
    "phone": N_("phone"), "email": N_("email"), "source": N_("source"),
    "source_detail": N_("source detail"), "need": N_("need"), "potential": N_("potential"),
    "decision_days": N_("decision days"), "tier": N_("tier"), "stage": N_("stage"),
    "owner": N_("owner"), "tags": N_("tags"), "created_at": N_("created at"),
    "last_contact_at": N_("last contact"), "next_due_at": N_("next due"),
    "customer_code": N_("code"), "at": N_("at"), "logged_at": N_("logged at"),
    "by": N_("by"), "channel": N_("channel"), "summary": N_("summary"),
    "feedback": N_("feedback"), "reason": N_("reason"), "objection": N_("objection"),
    "next_action": N_("next action"), "next_action_due": N_("next action due"),
    "satisfaction": N_("satisfaction"), "due_date": N_("due"), "days_overdue": N_("late"),
    "kind": N_("kind"), "customer": N_("customer"), "action": N_("action"),
    "last_contact": N_("last contact"), "section": N_("section"),
    "from_stage": N_("from stage"), "to_stage": N_("to stage"), "old_tier": N_("old tier"),
    "new_tier": N_("new tier"), "override": N_("override"), "rule": N_("rule"),
    "role": N_("role"), "key": N_("key"), "value": N_("value"), "default": N_("default"),
    "description": N_("description"), "missing": N_("missing"), "number": N_("number"),
    "amount": N_("amount"), "start": N_("start"), "end": N_("end"), "status": N_("status"),
    "created_by": N_("created by"), "signed_at": N_("signed at"), "step": N_("step"),
    "decision": N_("decision"), "note": N_("note"),
    "contract_number": N_("contract number"), "due": N_("due"), "paid_at": N_("paid at"),
    "paid_amount": N_("paid amount"), "id": N_("id"), "priority": N_("priority"),
    "department": N_("department"), "responded_at": N_("responded at"),
    "response": N_("response"), "resolved_at": N_("resolved at"),
    "resolution": N_("resolution"), "metric": N_("metric"), "target": N_("target"),
    "actual": N_("actual"), "completion": N_("completion"), "yoy": N_("yoy"),
    "qoq": N_("qoq"), "quarter": N_("quarter"), "from": N_("from"), "to": N_("to"),
    "entered": N_("entered"), "conversion": N_("conversion"), "set_by": N_("set by"),
    "set_at": N_("set at"),
    # the shared pool (公海)
    "pooled_at": N_("in pool since"), "last_owner": N_("last owner"),
    # keys of `customer show` beyond the columns
    "founded": N_("founded"), "website": N_("website"), "notes": N_("notes"),
    "tier_override": N_("tier override"), "tier_reason": N_("tier reason"),
    "tier_rule": N_("tier rule"), "strategy": N_("strategy"), "complete": N_("complete"),
    "next_due_kind": N_("next due kind"), "followups": N_("followups"),
    "stage_changes": N_("stage changes"), "needs": N_("needs"),
    # contacts, discovery, solutions, extensions, reviews, stalled leads, collaboration
    "contact": N_("contact"), "title": N_("title"), "primary": N_("primary"),
    "prefers": N_("prefers"), "decided_by": N_("decided by"),
    "decision_process": N_("decision process"), "pain_points": N_("pain points"),
    "budget_min": N_("budget min"), "budget_max": N_("budget max"),
    "timeline": N_("timeline"), "competitors": N_("competitors"),
    "past_cooperation": N_("past cooperation"), "collaboration": N_("collaboration"),
    "lead_person": N_("lead person"), "departments": N_("departments"),
    "author": N_("author"), "quote": N_("quote"), "list_price": N_("list price"),
    "discount": N_("discount"), "sent_at": N_("sent at"), "accepted_at": N_("accepted at"),
    "round": N_("round"), "requested_by": N_("requested by"),
    "days_stalled": N_("days stalled"), "plan": N_("plan"),
    "plan_age_days": N_("plan age days"), "bucket": N_("bucket"), "count": N_("count"),
    "customers": N_("customers"), "item": N_("item"), "mean": N_("mean"),
    "median": N_("median"), "rate": N_("rate"), "top": N_("top"), "won": N_("won"),
    "month": N_("month"), "factors": N_("factors"), "actions": N_("actions"),
    "purpose": N_("purpose"), "result": N_("result"),
    # relationship care (SPEC §13)
    "month_day": N_("date"), "year": N_("year"), "next_on": N_("next"),
    "minutes_due_at": N_("minutes due"), "minutes_sent_at": N_("minutes sent"),
    "key_dates": N_("key dates"), "holiday": N_("holiday"),
    # after the deal (SPEC §12): phases, changes, acceptance, warranty, promises
    "phase": N_("phase"), "done_on": N_("done on"), "risk": N_("risk"),
    "mitigation": N_("mitigation"), "tasks": N_("tasks"), "deliverable": N_("deliverable"),
    "accepted_on": N_("accepted on"), "warranty": N_("warranty"),
    "amendments": N_("amendments"), "cost": N_("cost"), "days": N_("days"),
    "confirmed_by": N_("confirmed by"), "issues": N_("issues"),
    "recorded_by": N_("recorded by"), "recorded_at": N_("recorded at"),
    "due_rule": N_("due rule"), "promised_until": N_("promised until"),
    "promise_note": N_("promise note"), "contract": N_("contract"),
    "amended_amount": N_("amended amount"), "promise": N_("promise"),
    "changes": N_("changes"), "phases": N_("phases"), "acceptances": N_("acceptances"),
}


def label(name: str) -> str:
    """The untranslated header of a column or key; the renderer translates it."""
    return LABELS.get(name, name.replace("_", " "))


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = "text"  # text | int | money | date | datetime | bool | ratio | days | list
    heading: str | None = None  # the header of this table when LABELS' would mislead

    @property
    def label(self) -> str:
        return self.heading or label(self.name)


def headed(columns: tuple[Col, ...], **headings: str) -> tuple[Col, ...]:
    """`columns` with the headers of some columns named for their table: a contact's or a
    user's `name` is not the 客户名称 the customer table's is. Names and keys stay."""
    return tuple(Col(c.name, c.kind, headings[c.name]) if c.name in headings else c
                 for c in columns)


def cols(spec: str, **kinds: str) -> tuple[Col, ...]:
    return tuple(Col(name, kinds.get(name, "text")) for name in spec.split(","))


CUSTOMER = cols(
    "code,name,industry,region,size,contact_name,contact_title,contact_role,phone,email,"
    "source,source_detail,need,potential,decision_days,tier,stage,owner,tags,created_at,"
    "last_contact_at,next_due_at",
    potential="money", decision_days="int", created_at="datetime",
    last_contact_at="datetime", next_due_at="date",
) + cols(
    # SPEC §11 discovery (需求调研表), appended: the earlier columns never move
    "pain_points,budget_min,budget_max,decision_process,timeline,competitors,"
    "past_cooperation",
    budget_min="money", budget_max="money",
) + cols(
    # SPEC §14 collaboration (部门协作信息), appended after §11's
    "departments,collaboration,lead_person",
)
DISCOVERY = CUSTOMER[-10:-3]
FOLLOWUP = cols(
    "customer_code,at,logged_at,by,channel,summary,feedback,reason,objection,next_action,"
    "next_action_due,satisfaction,contact,purpose,result",
    at="datetime", logged_at="datetime", objection="bool", next_action_due="date",
    satisfaction="int",
) + cols(
    # SPEC §13, appended: the follow-up's id (what `followup minutes ID` names), and its
    # minutes: due 24 hours after a visit or meeting until sent (then empty), and when sent
    "id,minutes_due_at,minutes_sent_at",
    id="int", minutes_due_at="datetime", minutes_sent_at="datetime",
)
# `customer date list` and `export key-dates` (SPEC §13): month_day is MM-DD, year is empty
# for a yearly date, next_on the next occasion (empty once a one-off date has passed)
KEY_DATE = cols("customer_code,name,month_day,year,next_on,created_by,created_at",
                year="int", next_on="date", created_at="datetime")
# `brief`'s key dates: the customer's own and the greeted holidays (year: a one-off date's,
# or the holiday's next occasion's)
BRIEF_KEY_DATE = cols("name,month_day,year,next_on,holiday", year="int", next_on="date",
                      holiday="bool")
DUE = cols(
    "due_date,days_overdue,kind,customer_code,customer,tier,stage,owner,action,"
    "last_contact,section",
    due_date="date", days_overdue="int", last_contact="date",
)
POOL = cols(
    "code,name,industry,region,tier,stage,potential,last_contact_at,pooled_at,last_owner",
    potential="money", last_contact_at="datetime", pooled_at="datetime",
)
STAGE_CHANGE = cols("customer_code,from_stage,to_stage,at,by,reason", at="datetime")
GRADE = cols("code,name,old_tier,new_tier,override,rule")
USER = headed(cols("name,role,created_at", created_at="datetime"), name=N_("user"))
SETTING = cols("key,value,default,description")
MISSING = Col("missing", "list")
CONTRACT = cols(
    "number,customer_code,amount,start,end,status,created_by,signed_at",
    amount="money", start="date", end="date", signed_at="datetime",
) + cols(
    # SPEC §12, appended: the acceptance day, the warranty (12m, 90d) and the total cost of
    # the confirmed change requests (amendments; `amount` stays the signed amount)
    "accepted_on,warranty,amendments", accepted_on="date", amendments="money",
)
APPROVAL = cols("step,decision,by,at,note", at="datetime")
PAYMENT = cols(
    "contract_number,due,amount,paid_at,paid_amount,status",
    due="date", amount="money", paid_at="date", paid_amount="money",
)
# `export payments`: PAYMENT with the customer's code appended (the cron contract only grows
# at the end), so a finance system need not join contracts to find whose money it is.
PAYMENT_EXPORT = (*PAYMENT, Col("customer_code")) + cols(
    # SPEC §12, appended: how the due date is set (acceptance+30 while it waits for the
    # acceptance; empty for a fixed date) and the contract's promise to pay
    "due_rule,promised_until,promise_note", promised_until="date",
)
PAYMENT_SHOW = (*PAYMENT, Col("due_rule"))
# SPEC §12 (模板五/六): `project show` (its JSON keys of SPEC §7) and `export phases`,
# `export changes`, `export acceptances`
PHASE = cols("phase,start,end,owner,status,done_on,risk,mitigation,tasks,deliverable",
             start="date", end="date", done_on="date")
PHASE_EXPORT = (*cols("contract_number,customer_code"), *PHASE)
CHANGE = cols("at,description,cost,days,confirmed_by,by", at="datetime", cost="money",
              days="int")
CHANGE_EXPORT = (*cols("contract_number,customer_code"), *CHANGE)
ACCEPTANCE = cols("accepted_on,by,result,issues,recorded_by,recorded_at",
                  accepted_on="date", recorded_at="datetime")
ACCEPTANCE_EXPORT = (*cols("contract_number,customer_code"), *ACCEPTANCE)
PROJECT = cols("contract,customer_code,customer,accepted_on,result,issues,warranty",
               accepted_on="date")
NEED = cols(
    "id,customer_code,description,kind,priority,department,status,created_at,created_by,"
    "responded_at,response,resolved_at,resolution",
    id="int", created_at="datetime", responded_at="datetime", resolved_at="datetime",
)
# `report quarter`: target and actual are in each metric's unit (a count, yuan, a rate as a
# decimal, days), so the command writes them per metric (rules/kpi.machine_value).
# `--by owner` appends `owner` (empty on the team's rows).
# SPEC §14 appends 模板八's `factors` and `actions` (report note); with --by owner they
# follow `owner`, which was appended first, so no column ever moves.
_KPI = cols("metric,target,actual,completion,yoy,qoq",
            completion="ratio", yoy="ratio", qoq="ratio")
_NOTES = cols("factors,actions")
REPORT = (*_KPI, *_NOTES)
REPORT_BY_OWNER = (*_KPI, Col("owner"), *_NOTES)
REPORT_HEADER = cols("quarter,from,to", **{"from": "date", "to": "date"})
# `report month`: the quarter's shape; yoy is against the same month a year earlier and
# qoq (kept as the name, so one parser reads both) against the previous month.
MONTH_HEADER = cols("month,from,to", **{"from": "date", "to": "date"})
FUNNEL = cols("stage,entered,conversion", entered="int", conversion="ratio")
FUNNEL_BY_OWNER = (*FUNNEL, Col("owner"))
# SPEC §14 appends the target's scope ('' = the team's)
TARGET = cols("quarter,metric,value,set_by,set_at,owner,industry,region", set_at="datetime")
CONTACT = headed(cols("name,title,role,phone,email,prefers,primary,notes", primary="bool"),
                 name=N_("contact"))
SOLUTION = headed(cols(
    "number,customer_code,name,quote,list_price,discount,status,author,sent_at,accepted_at",
    quote="money", list_price="money", discount="ratio", sent_at="datetime",
    accepted_at="datetime",
), name=N_("solution"))
SOLUTION_REVIEW = cols("round,step,decision,by,at,note", round="int", at="datetime")
# `extend list`: the stable columns of SPEC §7, then the decision's note.
EXTENSION = cols(
    "id,customer_code,kind,due_date,to,reason,requested_by,status,decided_by,note",
    id="int", due_date="date", to="date",
)
STALLED = cols(
    "customer_code,customer,tier,owner,potential,days_stalled,last_contact,plan,plan_age_days",
    potential="money", days_stalled="int", last_contact="date", plan_age_days="int",
)
# `report review` (SPEC §7): the JSON keys of each list; days and rates are decimals.
REVIEW_STAGE = cols("stage,median,mean,customers", median="days", mean="days",
                    customers="int")
REVIEW_STEP = cols("from,to,rate", rate="ratio")
REVIEW_REASON = cols("reason,count", count="int")
REVIEW_FREQUENCY = cols("bucket,customers,won,rate", customers="int", won="int",
                        rate="ratio")
REVIEW_HOTSPOT = cols("kind,department,count,top", count="int", top="list")
# its CSV: one row per figure, `section` naming the list it belongs to
REVIEW_CSV = cols("section,item,customers,count,median,mean,rate,won,top",
                  customers="int", count="int", median="days", mean="days", rate="ratio",
                  won="int", top="list")
