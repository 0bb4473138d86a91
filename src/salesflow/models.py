"""SQLModel tables (SPEC §1). Money is integer fen; timestamps are aware datetimes stored in UTC;
due dates are calendar dates in the team's time zone.

The schema is created and upgraded by the Alembic migrations in salesflow/migrations,
never by metadata.create_all: a test checks that the two agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    __tablename__ = "user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str  # rep | manager | legal | gm
    created_at: datetime


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class CodeSequence(SQLModel, table=True):
    """Last number handed out per INDUSTRY-REGION prefix, so a code is never reused."""

    __tablename__ = "code_sequence"
    prefix: str = Field(primary_key=True)
    last: int


class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    __table_args__ = (
        Index("ix_customer_owner_next_due", "owner", "next_due_at"),
        Index("ix_customer_stage_changed", "stage", "stage_changed_at"),
        Index("ix_customer_tier_progressed", "tier", "progressed_at"),
        # a rep's own stalled and proposal deadlines (migration 0011); its (owner, tier)
        # prefix: a rep's A and B customers (SPEC §13, holiday greetings)
        Index("ix_customer_owner_tier_progressed", "owner", "tier", "progressed_at"),
        Index("ix_customer_owner_stage_changed", "owner", "stage", "stage_changed_at"),
        # SPEC §13: the survey clock
        Index("ix_customer_owner_survey_from", "owner", "survey_from"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    name_key: str = Field(index=True)
    industry: str | None = None
    region: str | None = None
    size: str | None = None
    founded: date | None = None
    website: str | None = None
    contact_name: str | None = None
    contact_title: str | None = None
    contact_role: str | None = None  # decision-maker | influencer | technical | user
    phone: str | None = None
    email: str | None = None
    source: str | None = None
    source_detail: str | None = None
    need: str | None = Field(default=None, sa_column=Column(Text))
    potential: int | None = Field(default=None, sa_type=BigInteger)  # fen
    decision_days: int | None = None
    tier: str = "C"
    tier_override: str | None = None
    tier_reason: str | None = None
    stage: str = "lead"
    stage_changed_at: datetime  # entered its current stage (`proposal` deadline)
    # last forward move, or creation (`stalled` deadline); always set, nullable only
    # because migration 0003 added it to existing tables in place
    progressed_at: datetime | None = None
    owner: str = Field(index=True)
    tags: str | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(index=True)
    last_contact_at: datetime | None = None
    next_due_at: date | None = Field(default=None, index=True)
    next_due_kind: str | None = None  # next-action | followup | new-lead
    # the time of its latest follow-up while that one is negative or an objection, i.e. not
    # yet answered by another contact (`objection` deadline: 24 hours later)
    objection_at: datetime | None = Field(default=None, index=True)
    import_batch: str | None = Field(default=None, index=True)
    # 部门协作信息 (SPEC §14): departments taking part (a comma list), what is needed of
    # them, and the person leading the cross-department work (跨部门协作需指定牵头人)
    departments: str | None = None
    collaboration: str | None = Field(default=None, sa_column=Column(Text))
    lead_person: str | None = None
    forgotten_at: datetime | None = None  # personal data erased (customer forget)
    # discovery (需求调研表): SPEC §11
    pain_points: str | None = Field(default=None, sa_column=Column(Text))
    budget_min: int | None = Field(default=None, sa_type=BigInteger)  # fen
    budget_max: int | None = Field(default=None, sa_type=BigInteger)  # fen
    decision_process: str | None = None
    timeline: str | None = None
    competitors: str | None = None
    past_cooperation: str | None = Field(default=None, sa_column=Column(Text))
    # relationship care (SPEC §13): while in won/repeat, when the satisfaction-survey clock
    # started (the later of the last satisfaction answer and the first signing); the
    # `survey` item falls due cadence.survey days after it
    survey_from: datetime | None = Field(default=None, index=True)
    # SPEC §12: a signed contract of this customer has unfinished delivery phases, so its
    # cadence is `cadence.delivery` (kept by services/aftercare.py on every phase write)
    delivering: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # the shared pool (公海, SPEC §15): the day this idle customer of a rep returns to the
    # pool (kept by services/schedule.py like next_due_at; None: it does not), and when
    # its owner took it from the pool (that counts as contact)
    pool_on: date | None = Field(default=None, index=True)
    claimed_at: datetime | None = None


class PoolMove(SQLModel, table=True):
    """One move in or out of the shared pool (公海): `return` (idle, swept), `release` (given
    up by its owner) or `claim`; `owner` is the rep who lost or took it. The claim lockout
    reads a rep's latest loss of a customer through (customer_id, owner, at)."""

    __tablename__ = "pool_move"
    __table_args__ = (Index("ix_pool_move_customer_owner_at", "customer_id", "owner", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    action: str  # return | release | claim
    owner: str
    by: str
    at: datetime


class FollowUp(SQLModel, table=True):
    __tablename__ = "followup"
    __table_args__ = (Index("ix_followup_customer_at", "customer_id", "at"),
                      Index("ix_followup_customer_purpose_at", "customer_id", "purpose", "at"))

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    at: datetime = Field(index=True)
    logged_at: datetime
    by: str
    channel: str  # phone | email | visit | meeting | im
    summary: str = Field(sa_column=Column(Text, nullable=False))
    feedback: str | None = None  # positive | neutral | negative
    reason: str | None = None
    objection: bool = False
    next_action: str | None = None
    next_action_due: date | None = None
    satisfaction: int | None = None
    due_at_time: date | None = None  # the customer's next_due_at when this contact happened
    # whom the rep spoke to: the contact's name as it was then (a contact may be renamed
    # or removed later; the record of the conversation stays)
    contact: str | None = None
    # why the contact was made (SPEC §12): sales | aftersales | satisfaction | greeting |
    # event | delivery | recovery; an after-sales or greeting follow-up answers its item
    purpose: str = Field(default="sales", sa_column_kwargs={"server_default": "sales"})
    result: str | None = Field(default=None, sa_column=Column(Text))  # 处理结果
    # minutes (SPEC §13, 沟通纪要): a visit or meeting expects them; minutes_due_at is 24 hours
    # after it while none were sent (the `minutes` item), None otherwise
    minutes_due_at: datetime | None = Field(default=None, index=True)
    minutes_sent_at: datetime | None = None


class KeyDate(SQLModel, table=True):
    """A customer's key date (客户司庆、生日等重要日子; SPEC §13): a month and day, yearly, or
    once when `year` is set. `month_day` (MM-DD) is what the agenda's `greeting` read
    ranges over, so a yearly date is never rewritten."""

    __tablename__ = "key_date"
    __table_args__ = (UniqueConstraint("customer_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    name: str
    month_day: str = Field(index=True)  # MM-DD
    year: int | None = None
    created_by: str
    created_at: datetime


class StageChange(SQLModel, table=True):
    __tablename__ = "stage_change"
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    from_stage: str | None = None
    to_stage: str
    at: datetime = Field(index=True)
    by: str
    reason: str | None = None


class Audit(SQLModel, table=True):
    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    user: str
    command: str
    what: str = Field(sa_column=Column(Text, nullable=False))


class Contract(SQLModel, table=True):
    """合同审批表. `round` counts submissions: approvals of an earlier round are history.
    `pending_step`/`pending_since` are kept by the service (the step a pending contract waits
    for, and since when) so that `due` finds a role's approvals in one indexed lookup."""

    __tablename__ = "contract"
    __table_args__ = (Index("ix_contract_status_step", "status", "pending_step"),
                      # SPEC §12: the signed contracts in the order of each stored date
                      Index("ix_contract_status_aftersales", "status", "aftersales_due"),
                      Index("ix_contract_status_renewal", "status", "renewal_on"),
                      # a customer's signed contracts (first and last signing: the survey
                      # clock, the pool), migration 0011
                      Index("ix_contract_customer_status_signed", "customer_id", "status",
                            "signed_at"))

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    amount: int = Field(sa_type=BigInteger)  # fen
    start: date | None = None
    end: date | None = None
    terms: str | None = Field(default=None, sa_column=Column(Text))
    created_by: str
    created_at: datetime
    status: str = "draft"  # draft | pending | approved | signed | rejected | cancelled
    round: int = 0
    pending_step: str | None = None  # manager | legal | gm while pending
    pending_since: datetime | None = None
    signed_at: datetime | None = Field(default=None, index=True)
    solution_id: int | None = Field(default=None, foreign_key="solution.id")
    # SPEC §12, after the deal. `warranty` is '12m' or '90d' (rules/project.py);
    # `accepted_on` is set by a passed acceptance (项目验收报告). The agenda's stored,
    # indexed dates, kept by services/aftercare.py: the next after-sales visit within the
    # warranty, and the renewal item's day (end − renewal.days, while no later contract of
    # the customer is signed). A promise to pay keeps late installments off the agenda
    # until `promise_until`.
    warranty: str | None = None
    accepted_on: date | None = None
    aftersales_due: date | None = None
    renewal_on: date | None = None
    promise_until: date | None = None
    promise_note: str | None = Field(default=None, sa_column=Column(Text))


class Approval(SQLModel, table=True):
    __tablename__ = "approval"
    __table_args__ = (Index("ix_approval_contract_round", "contract_id", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    round: int
    step: str  # manager | legal | gm
    decision: str  # approve | reject
    by: str
    at: datetime
    note: str | None = Field(default=None, sa_column=Column(Text))


class Payment(SQLModel, table=True):
    """One installment. `paid_at` is the day it was paid in full (None while open), so the
    index (paid_at, due) is the open installments in due order."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_paid_due", "paid_at", "due"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    # None while it waits for an acceptance it is relative to (`after_acceptance` days)
    due: date | None = None
    amount: int = Field(sa_type=BigInteger)  # fen
    paid_amount: int = Field(default=0, sa_type=BigInteger)  # fen received so far
    paid_at: date | None = None
    after_acceptance: int | None = None  # due this many days after accepted_on


class Need(SQLModel, table=True):
    """需求反馈表: a customer's need, from open to responded to resolved. The index
    (status, created_at) is the open needs oldest first, for the 48-hour `need` deadline."""

    __tablename__ = "need"
    __table_args__ = (Index("ix_need_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    kind: str  # must | nice | latent
    priority: str  # high | medium | low
    department: str | None = None
    status: str = "open"  # open | responded | resolved
    created_at: datetime
    created_by: str
    responded_at: datetime | None = None
    responded_by: str | None = None
    response: str | None = Field(default=None, sa_column=Column(Text))
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = Field(default=None, sa_column=Column(Text))


class Target(SQLModel, table=True):
    """A quarter's target for one KPI. `value` is an integer in the metric's stored unit
    (rules/kpi.py): a count as is, money in fen, a rate or a number of days in 1/10000.
    A target is the team's, or one owner's (`owner`), or for new_leads one industry's
    and/or region's; '' (not NULL) means "any", so the unique constraint holds."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("quarter", "metric", "owner", "industry", "region"),)

    id: int | None = Field(default=None, primary_key=True)
    quarter: str  # 2024Q4
    metric: str
    owner: str = ""
    industry: str = ""
    region: str = ""
    value: int = Field(sa_type=BigInteger)
    set_by: str
    set_at: datetime


class Extension(SQLModel, table=True):
    """延期申请表: a request to move one agenda item to a later date. `due_date` is the
    item's date when it was asked for (rules/extension.moved); `ref` tells two items of one
    customer and kind apart (a need's id), '' otherwise. The index (customer_id, kind,
    status) is what the agenda joins on: each kind's read stays one indexed range read."""

    __tablename__ = "extension"
    __table_args__ = (
        Index("ix_extension_customer_kind_status", "customer_id", "kind", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    kind: str
    ref: str = ""
    due_date: date
    to_date: date
    reason: str = Field(sa_column=Column(Text, nullable=False))
    requested_by: str
    requested_at: datetime
    status: str = Field(default="pending", index=True)  # pending | approved | rejected
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))


class RecoveryPlan(SQLModel, table=True):
    """挽回策略: a rep's recovery plan for a stalled customer. Every plan is kept; the latest
    (by `at`) counts, read through the index (customer_id, at)."""

    __tablename__ = "recovery_plan"
    __table_args__ = (Index("ix_recovery_plan_customer_at", "customer_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    plan: str = Field(sa_column=Column(Text, nullable=False))
    by: str
    at: datetime


class KpiNote(SQLModel, table=True):
    """模板八 主要影响因素 / 改进措施 for one metric of a period (2024Q4 or 2024-11)."""

    __tablename__ = "kpi_note"
    __table_args__ = (UniqueConstraint("period", "metric"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str
    metric: str
    factors: str | None = Field(default=None, sa_column=Column(Text))
    actions: str | None = Field(default=None, sa_column=Column(Text))
    set_by: str
    set_at: datetime


class ImportBatch(SQLModel, table=True):
    """One `customer import`: the customers it added carry its id (customer.import_batch),
    so that `--undo` can find and remove them."""

    __tablename__ = "import_batch"
    id: str = Field(primary_key=True)
    file: str
    at: datetime
    by: str
    added: int = 0
    updated: int = 0
    skipped: int = 0
    undone_at: datetime | None = None


class Contact(SQLModel, table=True):
    """A person at the customer (决策层/技术层/使用层). Exactly one contact of a customer that
    has any is `primary`; its name, title, role, phone and email are mirrored on the
    customer's contact_* columns (services/contacts.py keeps the two in step)."""

    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("customer_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str
    title: str | None = None
    role: str | None = None  # decision-maker | influencer | technical | user
    phone: str | None = None
    email: str | None = None
    prefers: str | None = None  # a channel: phone | email | visit | meeting | im
    notes: str | None = Field(default=None, sa_column=Column(Text))
    primary: bool = False
    created_at: datetime


class Solution(SQLModel, table=True):
    """解决方案定制表: a quote for a customer, reviewed before it is sent (SPEC §11)."""

    __tablename__ = "solution"
    __table_args__ = (Index("ix_solution_customer_status", "customer_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    customer_id: int = Field(foreign_key="customer.id")
    name: str
    quote: int = Field(sa_type=BigInteger)  # fen
    list_price: int | None = Field(default=None, sa_type=BigInteger)  # fen
    config: str | None = Field(default=None, sa_column=Column(Text))
    days: int | None = None  # delivery period
    extras: str | None = Field(default=None, sa_column=Column(Text))
    highlights: str | None = Field(default=None, sa_column=Column(Text))
    status: str = "draft"  # draft | review | approved | sent | accepted | declined
    round: int = 0  # submissions: reviews of an earlier round are history
    author: str
    created_at: datetime
    sent_at: datetime | None = None
    accepted_at: datetime | None = None
    letter_date: date | None = None  # 合作意向书
    declined_at: datetime | None = None
    decline_reason: str | None = Field(default=None, sa_column=Column(Text))


class SolutionReview(SQLModel, table=True):
    __tablename__ = "solution_review"
    __table_args__ = (Index("ix_solution_review_solution_round", "solution_id", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    solution_id: int = Field(foreign_key="solution.id")
    round: int
    step: str  # manager | gm
    decision: str  # approve | reject
    by: str
    at: datetime
    note: str | None = Field(default=None, sa_column=Column(Text))


class Phase(SQLModel, table=True):
    """项目实施计划表: one phase of a signed contract's delivery plan. The index (done_on,
    end) holds the unfinished phases in end order: the `delivery` agenda kind reads it."""

    __tablename__ = "project_phase"
    __table_args__ = (Index("ix_project_phase_done_end", "done_on", "end"),
                      UniqueConstraint("contract_id", "name"))

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    name: str
    start: date
    end: date
    owner: str | None = None
    tasks: str | None = Field(default=None, sa_column=Column(Text))
    deliverable: str | None = None
    risk: str | None = Field(default=None, sa_column=Column(Text))
    mitigation: str | None = Field(default=None, sa_column=Column(Text))
    done_on: date | None = None
    created_by: str
    created_at: datetime


class ProjectChange(SQLModel, table=True):
    """需求变更确认单: a change the customer confirmed; its cost is an amendment."""

    __tablename__ = "project_change"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    cost: int = Field(default=0, sa_type=BigInteger)  # fen
    days: int = 0
    confirmed_by: str
    by: str
    at: datetime


class Acceptance(SQLModel, table=True):
    """项目验收报告: one acceptance of a contract's delivery (a fail may be followed by
    another; a pass closes the plan)."""

    __tablename__ = "acceptance"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    accepted_on: date
    by: str  # the customer's person who signed it, e.g. 王经理(采购总监)
    result: str  # pass | fail
    issues: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str
    recorded_at: datetime


class PaymentPromise(SQLModel, table=True):
    """A customer's promise to pay a contract's late installments by a date (催款流程)."""

    __tablename__ = "payment_promise"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    until: date
    note: str | None = Field(default=None, sa_column=Column(Text))
    by: str
    at: datetime


__all__ = [
    "Acceptance", "Approval", "Audit", "CodeSequence", "Contact", "Contract", "Customer",
    "Extension", "FollowUp", "ImportBatch", "KeyDate", "KpiNote", "Need", "Payment",
    "PaymentPromise", "Phase", "PoolMove", "ProjectChange", "RecoveryPlan", "Setting", "Solution",
    "SolutionReview", "StageChange", "Target", "User",
]
