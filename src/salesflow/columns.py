"""The columns of every row the program prints, defined once.

`customer list`, `customer show` and `export customers` share CUSTOMER; the CSV header of
each list is the stable cron contract of SPEC §7: columns may only be appended.
A column's kind tells the renderer how to print its value in each format.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = "text"  # text | int | money | date | datetime | bool | ratio | list


def cols(spec: str, **kinds: str) -> tuple[Col, ...]:
    return tuple(Col(name, kinds.get(name, "text")) for name in spec.split(","))


CUSTOMER = cols(
    "code,name,industry,region,size,contact_name,contact_title,contact_role,phone,email,"
    "source,source_detail,need,potential,decision_days,tier,stage,owner,tags,created_at,"
    "last_contact_at,next_due_at,"
    # SPEC §14, appended; §11's discovery columns go before them once they land
    "departments,collaboration,lead_person",
    potential="money", decision_days="int", created_at="datetime",
    last_contact_at="datetime", next_due_at="date",
)
FOLLOWUP = cols(
    "customer_code,at,logged_at,by,channel,summary,feedback,reason,objection,next_action,"
    "next_action_due,satisfaction",
    at="datetime", logged_at="datetime", objection="bool", next_action_due="date",
    satisfaction="int",
)
DUE = cols(
    "due_date,days_overdue,kind,customer_code,customer,tier,stage,owner,action,"
    "last_contact,section",
    due_date="date", days_overdue="int", last_contact="date",
)
STAGE_CHANGE = cols("customer_code,from_stage,to_stage,at,by,reason", at="datetime")
GRADE = cols("code,name,old_tier,new_tier,override,rule")
USER = cols("name,role,created_at", created_at="datetime")
SETTING = cols("key,value,default,description")
MISSING = Col("missing", "list")
CONTRACT = cols(
    "number,customer_code,amount,start,end,status,created_by,signed_at",
    amount="money", start="date", end="date", signed_at="datetime",
)
APPROVAL = cols("step,decision,by,at,note", at="datetime")
PAYMENT = cols(
    "contract_number,due,amount,paid_at,paid_amount,status",
    due="date", amount="money", paid_at="date", paid_amount="money",
)
# `export payments`: PAYMENT with the customer's code appended (the cron contract only grows
# at the end), so a finance system need not join contracts to find whose money it is.
PAYMENT_EXPORT = (*PAYMENT, Col("customer_code"))
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
REVIEW_STAGE = cols("stage,median,mean,customers", median="ratio", mean="ratio",
                    customers="int")
REVIEW_STEP = cols("from,to,rate", rate="ratio")
REVIEW_REASON = cols("reason,count", count="int")
REVIEW_FREQUENCY = cols("bucket,customers,won,rate", customers="int", won="int",
                        rate="ratio")
REVIEW_HOTSPOT = cols("kind,department,count,top", count="int", top="list")
# its CSV: one row per figure, `section` naming the list it belongs to
REVIEW_CSV = cols("section,item,customers,count,median,mean,rate,won,top",
                  customers="int", count="int", median="ratio", mean="ratio", rate="ratio",
                  won="int", top="list")
