"""`salesflow brief REF` — one customer on one screen before a call (沟通前准备)."""

from __future__ import annotations

import typer

from salesflow.commands._options import CustomerRef, FormatOpt, check_format, state
from salesflow.i18n import _


def brief(
    ctx: typer.Context,
    ref: CustomerRef,
    fmt: FormatOpt = "table",
) -> None:
    from salesflow import columns
    from salesflow.columns import Col
    from salesflow.output import OutputOptions, json_row, render_object, write_table
    from salesflow.services import brief as service

    fmt = check_format(fmt, ("table", "json"))
    with state(ctx).unit("brief", write=False) as unit:
        data = service.brief(unit.session, unit.env, ref)
        tz = unit.env.tz
    extra = data["extra"]
    if fmt == "json":
        import json
        import sys

        objection = data["objection"]
        customer = {**json_row(data["row"], columns.CUSTOMER),
                    "tier_rule": extra["tier_rule"], "tier_override": extra["tier_override"],
                    "tier_reason": extra["tier_reason"], "strategy": extra["strategy"],
                    "stage_since": extra["stage_since"].isoformat(),
                    "days_in_stage": extra["days_in_stage"], "missing": extra["missing"],
                    "open_objection": json_row(objection, columns.FOLLOWUP)
                    if objection else None}
        contract_cols = (*columns.CONTRACT, Col("waiting_for"))
        out = {
            "customer": customer,
            "contacts": [json_row(c, columns.CONTACT) for c in data["contacts"]],
            "followups": [json_row(f, columns.FOLLOWUP) for f in data["followups"]],
            "needs": [json_row(n, columns.NEED) for n in data["needs"]],
            "solutions": [json_row(s, columns.SOLUTION) for s in data["solutions"]],
            "contracts": [{**json_row(k, contract_cols),
                           "unpaid": [json_row(p, columns.PAYMENT) for p in k["unpaid"]]}
                          for k in data["contracts"]],
            "phases": [json_row(p, columns.PHASE_EXPORT) for p in data["phases"]],
            "key_dates": [json_row(k, columns.BRIEF_KEY_DATE) for k in data["key_dates"]],
            "due": [json_row(i, columns.DUE) for i in data["due"]],
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    row = data["row"]
    keep = ("code", "name", "industry", "region", "owner", "tier", "stage", "potential",
            "decision_days", "need", "last_contact_at", "next_due_at")
    render_object(row, tuple(c for c in columns.CUSTOMER if c.name in keep),
                  OutputOptions("table"), tz=tz, title=f"{row['code']} {row['name']}",
                  extra={_("tier rule"): _("manual: {reason}").format(
                             reason=extra["tier_reason"]) if extra["tier_override"]
                         else extra["tier_rule"],
                         _("strategy"): extra["strategy"],
                         _("in stage"): _("{days} days, since {day}").format(
                             days=extra["days_in_stage"], day=extra["stage_since"]),
                         _("missing"): ", ".join(extra["missing"]) or None})
    render_object(row, columns.DISCOVERY, OutputOptions("table"), tz=tz,
                  title=_("Discovery"))
    pick = lambda cols, names: tuple(c for c in cols if c.name in names)  # noqa: E731
    write_table(data["contacts"], pick(columns.CONTACT, ("name", "title", "role", "phone",
                                                         "email", "prefers", "primary")),
                tz=tz, title=_("Contacts"), empty=_("No contacts."))
    write_table(data["followups"], pick(columns.FOLLOWUP, (
        "at", "by", "channel", "contact", "summary", "feedback", "objection", "next_action",
        "next_action_due")), tz=tz, title=_("Last follow-ups"), empty=_("No follow-ups."))
    if data["objection"]:
        write_table([data["objection"]], pick(columns.FOLLOWUP, (
            "at", "summary", "feedback", "reason")), tz=tz, title=_("Unanswered objection"))
    write_table(data["needs"], pick(columns.NEED, ("id", "description", "kind", "priority",
                                                   "status", "created_at")),
                tz=tz, title=_("Open needs"), empty=_("No open needs."))
    write_table(data["solutions"], pick(columns.SOLUTION, (
        "number", "name", "quote", "discount", "status", "sent_at")),
        tz=tz, title=_("Open solutions"), empty=_("No open solutions."))
    write_table([{**k, "unpaid_amount": sum(p["amount"] - p["paid_amount"]
                                            for p in k["unpaid"])} for k in data["contracts"]],
                (*pick(columns.CONTRACT, ("number", "amount", "status", "signed_at")),
                 Col("waiting_for"), Col("unpaid_amount", "money")),
                tz=tz, title=_("Contracts"), empty=_("No contracts."))
    if data["phases"]:
        write_table(data["phases"], pick(columns.PHASE_EXPORT, (
            "contract_number", "phase", "start", "end", "owner", "status", "done_on")),
            tz=tz, title=_("Delivery phases"))
    write_table(data["key_dates"], columns.BRIEF_KEY_DATE, tz=tz, title=_("Key dates"),
                empty=_("No key dates."))
    write_table(data["due"], pick(columns.DUE, ("due_date", "days_overdue", "kind",
                                                "action")),
                tz=tz, title=_("Due now"), empty=_("Nothing due now."))


brief.__doc__ = _(
    "What to know before calling a customer: profile, tier with its rule and strategy,\n"
    "stage and days in it, contacts with roles and preferred channels, discovery, the last\n"
    "three follow-ups, open needs and objections, open solutions, contracts with their\n"
    "approval step and unpaid installments, the delivery phases, key dates (its own and\n"
    "the greeted holidays), and what is due for it now.\n"
    "\n"
    "--format json is one object: customer, contacts, followups, needs, solutions,\n"
    "contracts, phases, key_dates, due.\n"
    "\n"
    "Example: salesflow brief MFG-EC-001"
)
