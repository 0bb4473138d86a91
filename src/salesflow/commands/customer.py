"""`salesflow customer add|list|show|edit|stage` — the customer register (客户信息登记表)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import ExcelOpt, FormatOpt, RawOpt, check_format, state

app = typer.Typer(no_args_is_help=True, help="Customer records: add, list, show, edit, stage.")

Name = Annotated[str | None, typer.Option("--name", help="Full registered company name.")]
Industry = Annotated[str | None, typer.Option(help="Industry, e.g. 制造业 or manufacturing.")]
Region = Annotated[str | None, typer.Option(help="Region or province, e.g. 华东 or 上海.")]
Size = Annotated[str | None, typer.Option(help="Employees and/or revenue band, e.g. 500-1000.")]
Founded = Annotated[str | None, typer.Option(help="Founding date, YYYY-MM-DD.")]
Website = Annotated[str | None, typer.Option(help="Company website.")]
ContactName = Annotated[str | None, typer.Option("--contact-name", "--contact",
                                                 help="Contact person's name.")]
ContactTitle = Annotated[str | None, typer.Option("--contact-title", "--title",
                                                  help="Contact's job title.")]
ContactRole = Annotated[str | None, typer.Option(
    "--contact-role", "--role", help="decision-maker, influencer or user.")]
Phone = Annotated[str | None, typer.Option(help="Phone; normalized to +86… (E.164).")]
Email = Annotated[str | None, typer.Option(help="Email address.")]
Source = Annotated[str | None, typer.Option(
    help="trade-show, website, referral, event, cold-call, public-info or other.")]
SourceDetail = Annotated[str | None, typer.Option(
    "--source-detail", help="e.g. '2024-03 Shanghai expo' or 'referred by Li'.")]
Need = Annotated[str | None, typer.Option(help="Initial need, free text.")]
Potential = Annotated[str | None, typer.Option(
    help="Estimated annual value in yuan: 600000, 60万, 0.6m.")]
DecisionDays = Annotated[str | None, typer.Option(
    "--decision-days", help="Expected decision cycle in days.")]
Owner = Annotated[str | None, typer.Option(help="Owning rep (default: you).")]
Tags = Annotated[str | None, typer.Option(help="Comma-separated tags.")]
Notes = Annotated[str | None, typer.Option(help="Free-text notes.")]
Force = Annotated[bool, typer.Option("--force", help="Accept a duplicate company name.")]


def _raw(**kwargs: str | None) -> dict[str, str | None]:
    return kwargs


def _report_saved(saved, verb: str) -> None:  # type: ignore[no-untyped-def]
    from salesflow.output import message

    c = saved.customer
    message(f"{verb} {c.code} {c.name} — tier {c.tier} ({saved.decision.rule})"
            if c.tier_override is None else
            f"{verb} {c.code} {c.name} — tier {c.tier} (manual: {c.tier_reason})")
    if saved.missing:
        message(f"incomplete: missing {', '.join(saved.missing)}", style="yellow")
    if c.next_due_at:
        message(f"next due {c.next_due_at} ({c.next_due_kind})")


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full registered company name.")],
    industry: Industry = None, region: Region = None, size: Size = None,
    founded: Founded = None, website: Website = None, contact_name: ContactName = None,
    contact_title: ContactTitle = None, contact_role: ContactRole = None,
    phone: Phone = None, email: Email = None, source: Source = None,
    source_detail: SourceDetail = None, need: Need = None, potential: Potential = None,
    decision_days: DecisionDays = None, owner: Owner = None, tags: Tags = None,
    notes: Notes = None, force: Force = False,
) -> None:
    """Register a customer; prints its new code (e.g. MFG-EC-001) on stdout.

    A name that duplicates an existing customer (spaces, case, full-width letters and
    suffixes like 有限公司 ignored) is refused unless --force. The tier is graded at once.

    Example: salesflow customer add 华东精密科技有限公司 --industry 制造业 --region 华东
    --contact 王强 --title 采购总监 --role decision-maker --phone 13800138000
    --source trade-show --need "数控机床升级" --potential 258万 --decision-days 25
    """
    from salesflow.services import customers

    raw = _raw(name=name, industry=industry, region=region, size=size, founded=founded,
               website=website, contact_name=contact_name, contact_title=contact_title,
               contact_role=contact_role, phone=phone, email=email, source=source,
               source_detail=source_detail, need=need, potential=potential,
               decision_days=decision_days, owner=owner, tags=tags, notes=notes)
    with state(ctx).unit("customer add", write=True) as unit:
        saved = customers.add(unit.session, unit.env, raw, force=force)
        typer.echo(saved.customer.code)
    _report_saved(saved, "added")


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Customer code or company name.")],
    name: Name = None, industry: Industry = None, region: Region = None, size: Size = None,
    founded: Founded = None, website: Website = None, contact_name: ContactName = None,
    contact_title: ContactTitle = None, contact_role: ContactRole = None,
    phone: Phone = None, email: Email = None, source: Source = None,
    source_detail: SourceDetail = None, need: Need = None, potential: Potential = None,
    decision_days: DecisionDays = None, owner: Owner = None, tags: Tags = None,
    notes: Notes = None, force: Force = False,
) -> None:
    """Change fields of a customer; an empty value ("") clears a field.

    The tier is regraded when potential or decision cycle change (unless set by hand).
    The code never changes.

    Example: salesflow customer edit MFG-EC-001 --potential 80万 --email wq@hdjm.cn
    """
    from salesflow.services import customers

    raw = _raw(name=name, industry=industry, region=region, size=size, founded=founded,
               website=website, contact_name=contact_name, contact_title=contact_title,
               contact_role=contact_role, phone=phone, email=email, source=source,
               source_detail=source_detail, need=need, potential=potential,
               decision_days=decision_days, owner=owner, tags=tags, notes=notes)
    with state(ctx).unit("customer edit", write=True) as unit:
        saved = customers.edit(unit.session, unit.env, ref, raw, force=force)
    _report_saved(saved, "updated")


@app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option(help="Only this owner's customers.")] = None,
    tier: Annotated[str | None, typer.Option(help="Only this tier: A, B or C.")] = None,
    stage: Annotated[str | None, typer.Option(help="Only this stage, e.g. intent.")] = None,
    search: Annotated[str | None, typer.Option(help="Name contains this text.")] = None,
    incomplete: Annotated[bool, typer.Option(
        "--incomplete", help="Only incomplete profiles, with what is missing.")] = False,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
    """List customers (columns as `export customers`; --incomplete adds `missing`).

    Example: salesflow customer list --tier A --format csv > a-customers.csv
    """
    from salesflow import columns
    from salesflow.output import OutputOptions, render
    from salesflow.rules.pipeline import parse_stage
    from salesflow.rules.tier import parse_tier
    from salesflow.services import customers

    fmt = check_format(fmt)
    try:
        tier = parse_tier(tier) if tier else None
        stage = parse_stage(stage) if stage else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    cols = columns.CUSTOMER + ((columns.MISSING,) if incomplete else ())
    with state(ctx).unit("customer list", write=False) as unit:
        render(customers.rows(unit.session, owner=owner, tier=tier, stage=stage,
                              search=search, incomplete=incomplete),
               cols if fmt != "table" else _table_cols(incomplete),
               OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title="Incomplete customers" if incomplete else "Customers",
               empty="No customers match.")


def _table_cols(incomplete: bool):  # type: ignore[no-untyped-def]
    from salesflow import columns

    keep = ("code", "name", "tier", "stage", "owner", "contact_name", "phone",
            "potential", "last_contact_at", "next_due_at")
    picked = tuple(c for c in columns.CUSTOMER if c.name in keep)
    return picked + ((columns.MISSING,) if incomplete else ())


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Customer code or company name.")],
    fmt: FormatOpt = "table",
) -> None:
    """Everything held on one customer: profile, tier and why, strategy, completeness,
    follow-ups and stage history.

    Example: salesflow customer show MFG-EC-001 --format json
    """
    from salesflow import columns
    from salesflow.output import OutputOptions, render_object
    from salesflow.services import customers

    fmt = check_format(fmt)
    with state(ctx).unit("customer show", write=False) as unit:
        data = customers.show(unit.session, unit.env, ref)
        render_object(
            data["row"], columns.CUSTOMER, OutputOptions(fmt), extra=data["extra"],
            lists={"followups": (columns.FOLLOWUP, data["followups"]),
                   "stage_changes": (columns.STAGE_CHANGE, data["stage_changes"])},
            tz=unit.env.tz, title=f"{data['row']['code']} {data['row']['name']}",
        )


@app.command("stage")
def stage(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Customer code or company name.")],
    to: Annotated[str, typer.Argument(
        help="lead, intent, proposal, negotiation or lost (won/repeat: sign a contract).")],
    reason: Annotated[str | None, typer.Option(
        help="Why; required to skip a stage (manager only), go back, or mark lost.")] = None,
) -> None:
    """Move a customer along the pipeline, one stage at a time.

    Skipping a stage needs a manager and a reason; moving back or to lost needs a reason;
    won and repeat come only from signing a contract.

    Example: salesflow customer stage MFG-EC-001 intent
    """
    from salesflow.output import message
    from salesflow.services import customers

    with state(ctx).unit("customer stage", write=True) as unit:
        customer, move = customers.change_stage(unit.session, unit.env, ref, to, reason)
    message(f"{customer.code}: {move.from_stage} → {move.to_stage}")
