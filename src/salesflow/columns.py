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
    "last_contact_at,next_due_at",
    potential="money", decision_days="int", created_at="datetime",
    last_contact_at="datetime", next_due_at="date",
) + cols(
    # SPEC §11 discovery (需求调研表), appended: the earlier columns never move
    "pain_points,budget_min,budget_max,decision_process,timeline,competitors,"
    "past_cooperation",
    budget_min="money", budget_max="money",
)
DISCOVERY = CUSTOMER[-7:]
FOLLOWUP = cols(
    "customer_code,at,logged_at,by,channel,summary,feedback,reason,objection,next_action,"
    "next_action_due,satisfaction,contact",
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
REPORT = cols("metric,target,actual,completion,yoy,qoq",
              completion="ratio", yoy="ratio", qoq="ratio")
REPORT_BY_OWNER = (*REPORT, Col("owner"))
REPORT_HEADER = cols("quarter,from,to", **{"from": "date", "to": "date"})
FUNNEL = cols("stage,entered,conversion", entered="int", conversion="ratio")
FUNNEL_BY_OWNER = (*FUNNEL, Col("owner"))
TARGET = cols("quarter,metric,value,set_by,set_at", set_at="datetime")
CONTACT = cols("name,title,role,phone,email,prefers,primary,notes", primary="bool")
SOLUTION = cols(
    "number,customer_code,name,quote,list_price,discount,status,author,sent_at,accepted_at",
    quote="money", list_price="money", discount="ratio", sent_at="datetime",
    accepted_at="datetime",
)
SOLUTION_REVIEW = cols("round,step,decision,by,at,note", round="int", at="datetime")
