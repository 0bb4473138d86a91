"""`salesflow customer add|list|show|edit|stage|reassign|forget|date` — the customer
register (客户信息登记表); `customer date` (key dates) is commands/keydate.py."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands import keydate
from salesflow.commands._options import (
    CustomerRef,
    ExcelOpt,
    FormatOpt,
    RawOpt,
    check_format,
    state,
)
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help=_("Customer records: add, list, show, edit, stage, reassign, forget; "
                         "key dates (date)."))

Name = Annotated[str | None, typer.Option("--name", help=_("Full registered company name."))]
Industry = Annotated[str | None, typer.Option(help=_("Industry, e.g. 制造业 or manufacturing."))]
Region = Annotated[str | None, typer.Option(help=_("Region or province, e.g. 华东 or 上海."))]
Size = Annotated[str | None, typer.Option(help=_("Employees and/or revenue band, e.g. 500-1000."))]
Founded = Annotated[str | None, typer.Option(help=_("Founding date, YYYY-MM-DD."))]
Website = Annotated[str | None, typer.Option(help=_("Company website."))]
ContactName = Annotated[str | None, typer.Option("--contact-name", "--contact",
                                                 help=_("Contact person's name."))]
ContactTitle = Annotated[str | None, typer.Option("--contact-title", "--title",
                                                  help=_("Contact's job title."))]
ContactRole = Annotated[str | None, typer.Option(
    "--contact-role", "--role", help=_("decision-maker, influencer or user."))]
Phone = Annotated[str | None, typer.Option(help=_("Phone; normalized to +86… (E.164)."))]
Email = Annotated[str | None, typer.Option(help=_("Email address."))]
Source = Annotated[str | None, typer.Option(
    help=_("trade-show, website, referral, event, cold-call, public-info or other."))]
SourceDetail = Annotated[str | None, typer.Option(
    "--source-detail", help=_("e.g. '2024-03 Shanghai expo' or 'referred by Li'."))]
Need = Annotated[str | None, typer.Option(help=_("Initial need, free text."))]
Potential = Annotated[str | None, typer.Option(
    help=_("Estimated annual value in yuan: 600000, 60万, 0.6m."))]
DecisionDays = Annotated[str | None, typer.Option(
    "--decision-days", help=_("Expected decision cycle in days."))]
Owner = Annotated[str | None, typer.Option(help=_("Owning rep (default: you)."))]
Tags = Annotated[str | None, typer.Option(help=_("Comma-separated tags."))]
Notes = Annotated[str | None, typer.Option(help=_("Free-text notes."))]
Force = Annotated[bool, typer.Option("--force", help=_("Accept a duplicate company name."))]
# discovery (需求调研表, SPEC §11)
PainPoints = Annotated[str | None, typer.Option(
    "--pain-points", help=_("Pain points (痛点), free text."))]
Budget = Annotated[str | None, typer.Option(
    help=_("Purchase budget in yuan: a range 200万-300万, one figure 50万, or up to -80万."))]
DecisionProcess = Annotated[str | None, typer.Option(
    "--decision-process", help=_("Who decides in which order, e.g. 采购部→技术部→总经理."))]
Timeline = Annotated[str | None, typer.Option(
    help=_("When the customer plans to buy, e.g. 2024-12 or 2024-12-15."))]
Competitors = Annotated[str | None, typer.Option(help=_("Competitors in the deal."))]
PastCooperation = Annotated[str | None, typer.Option(
    "--past-cooperation", help=_("Earlier cooperation with us or others."))]
# collaboration (部门协作信息, SPEC §14)
Departments = Annotated[str | None, typer.Option(
    help=_("Departments taking part (参与部门), comma-separated, e.g. 技术部,交付部."))]
Collaboration = Annotated[str | None, typer.Option(
    help=_("What the collaboration needs (协作需求), free text."))]
LeadPerson = Annotated[str | None, typer.Option(
    "--lead-person", help=_("Who leads the cross-department work (牵头人)."))]


def _raw(**kwargs: str | None) -> dict[str, str | None]:
    return kwargs


def _report_saved(saved, added: bool) -> None:  # type: ignore[no-untyped-def]
    from salesflow.output import message

    c = saved.customer
    if c.tier_override is None:
        text = (_("added {code} {name} — tier {tier} ({rule})") if added
                else _("updated {code} {name} — tier {tier} ({rule})"))
    else:
        text = (_("added {code} {name} — tier {tier} (manual: {reason})") if added
                else _("updated {code} {name} — tier {tier} (manual: {reason})"))
    message(text.format(code=c.code, name=c.name, tier=c.tier, rule=saved.decision.rule,
                        reason=c.tier_reason))
    if saved.missing:
        message(_("incomplete: missing {fields}").format(fields=", ".join(saved.missing)),
                style="yellow")
    if c.next_due_at:
        message(_("next due {date} ({kind})").format(date=c.next_due_at,
                                                     kind=c.next_due_kind))


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Full registered company name."))],
    industry: Industry = None, region: Region = None, size: Size = None,
    founded: Founded = None, website: Website = None, contact_name: ContactName = None,
    contact_title: ContactTitle = None, contact_role: ContactRole = None,
    phone: Phone = None, email: Email = None, source: Source = None,
    source_detail: SourceDetail = None, need: Need = None, potential: Potential = None,
    decision_days: DecisionDays = None, owner: Owner = None, tags: Tags = None,
    notes: Notes = None, force: Force = False, pain_points: PainPoints = None,
    budget: Budget = None, decision_process: DecisionProcess = None,
    timeline: Timeline = None, competitors: Competitors = None,
    past_cooperation: PastCooperation = None, departments: Departments = None,
    collaboration: Collaboration = None, lead_person: LeadPerson = None,
) -> None:
    from salesflow.services import customers

    raw = _raw(name=name, industry=industry, region=region, size=size, founded=founded,
               website=website, contact_name=contact_name, contact_title=contact_title,
               contact_role=contact_role, phone=phone, email=email, source=source,
               source_detail=source_detail, need=need, potential=potential,
               decision_days=decision_days, owner=owner, tags=tags, notes=notes,
               pain_points=pain_points, budget=budget, decision_process=decision_process,
               timeline=timeline, competitors=competitors,
               past_cooperation=past_cooperation, departments=departments,
               collaboration=collaboration, lead_person=lead_person)
    with state(ctx).unit("customer add", write=True) as unit:
        saved = customers.add(unit.session, unit.env, raw, force=force)
        typer.echo(saved.customer.code)
    _report_saved(saved, added=True)


add.__doc__ = _(
    "Register a customer; prints its new code (e.g. MFG-EC-001) on stdout.\n"
    "\n"
    "A name that duplicates an existing customer (spaces, case, full-width letters and\n"
    "suffixes like 有限公司 ignored) is refused unless --force. The tier is graded at once.\n"
    "\n"
    "Example: salesflow customer add 华东精密科技有限公司 --industry 制造业 --region 华东\n"
    "--contact 王强 --title 采购总监 --role decision-maker --phone 13800138000\n"
    "--source trade-show --need \"数控机床升级\" --potential 258万 --decision-days 25\n"
    "--budget 200万-300万 --decision-process 采购部→技术部→总经理"
)


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: CustomerRef,
    name: Name = None, industry: Industry = None, region: Region = None, size: Size = None,
    founded: Founded = None, website: Website = None, contact_name: ContactName = None,
    contact_title: ContactTitle = None, contact_role: ContactRole = None,
    phone: Phone = None, email: Email = None, source: Source = None,
    source_detail: SourceDetail = None, need: Need = None, potential: Potential = None,
    decision_days: DecisionDays = None, owner: Owner = None, tags: Tags = None,
    notes: Notes = None, force: Force = False, pain_points: PainPoints = None,
    budget: Budget = None, decision_process: DecisionProcess = None,
    timeline: Timeline = None, competitors: Competitors = None,
    past_cooperation: PastCooperation = None, departments: Departments = None,
    collaboration: Collaboration = None, lead_person: LeadPerson = None,
) -> None:
    from salesflow.services import customers

    raw = _raw(name=name, industry=industry, region=region, size=size, founded=founded,
               website=website, contact_name=contact_name, contact_title=contact_title,
               contact_role=contact_role, phone=phone, email=email, source=source,
               source_detail=source_detail, need=need, potential=potential,
               decision_days=decision_days, owner=owner, tags=tags, notes=notes,
               pain_points=pain_points, budget=budget, decision_process=decision_process,
               timeline=timeline, competitors=competitors,
               past_cooperation=past_cooperation, departments=departments,
               collaboration=collaboration, lead_person=lead_person)
    with state(ctx).unit("customer edit", write=True) as unit:
        saved = customers.edit(unit.session, unit.env, ref, raw, force=force)
    _report_saved(saved, added=False)


edit.__doc__ = _(
    "Change fields of a customer; an empty value (\"\") clears a field.\n"
    "\n"
    "The tier is regraded when potential or decision cycle change (unless set by hand).\n"
    "The code never changes.\n"
    "\n"
    "Example: salesflow customer edit MFG-EC-001 --potential 80万 --email wq@hdjm.cn"
)


@app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[str | None, typer.Option(help=_("Only this owner's customers."))] = None,
    tier: Annotated[str | None, typer.Option(help=_("Only this tier: A, B or C."))] = None,
    stage: Annotated[str | None, typer.Option(help=_("Only this stage, e.g. intent."))] = None,
    search: Annotated[str | None, typer.Option(help=_("Name contains this text."))] = None,
    incomplete: Annotated[bool, typer.Option(
        "--incomplete", help=_("Only incomplete profiles, with what is missing."))] = False,
    industry: Annotated[str | None, typer.Option(
        help=_("Only this industry, e.g. 制造业."))] = None,
    region: Annotated[str | None, typer.Option(help=_("Only this region, e.g. 华东."))]
    = None,
    tag: Annotated[str | None, typer.Option(
        help=_("Only customers carrying this tag (one of their comma-separated tags)."))]
    = None,
    source: Annotated[str | None, typer.Option(
        help=_("Only this lead source, e.g. trade-show (or 行业展会)."))] = None,
    fmt: FormatOpt = "table", excel: ExcelOpt = False, raw: RawOpt = False,
) -> None:
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
    if source:
        source = customers.parse_source(source)
    cols = columns.CUSTOMER + ((columns.MISSING,) if incomplete else ())
    with state(ctx).unit("customer list", write=False) as unit:
        render(customers.rows(unit.session, owner=owner, tier=tier, stage=stage,
                              search=search, incomplete=incomplete, industry=industry,
                              region=region, tag=tag, source=source),
               cols if fmt != "table" else _table_cols(incomplete),
               OutputOptions(fmt, excel, raw), tz=unit.env.tz,
               title=_("Incomplete customers") if incomplete else _("Customers"),
               empty=_("No customers match."))


list_.__doc__ = _(
    "List customers (columns as `export customers`; --incomplete adds `missing`).\n"
    "Filters combine: --owner --tier --stage --industry --region --tag --source.\n"
    "\n"
    "Example: salesflow customer list --tier A --industry 制造业 --format csv > a.csv"
)


def _table_cols(incomplete: bool):  # type: ignore[no-untyped-def]
    from salesflow import columns

    keep = ("code", "name", "tier", "stage", "owner", "contact_name", "phone",
            "potential", "last_contact_at", "next_due_at")
    picked = tuple(c for c in columns.CUSTOMER if c.name in keep)
    return picked + ((columns.MISSING,) if incomplete else ())


@app.command("show")
def show(
    ctx: typer.Context,
    ref: CustomerRef,
    fmt: FormatOpt = "table",
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, iso_utc, json_row, render_object, write_table
    from salesflow.services import privacy

    fmt = check_format(fmt)
    with state(ctx).unit("customer show", write=False) as unit:
        data = privacy.held(unit.session, unit.env, ref)
        extra = dict(data["extra"])
        forgotten = data["forgotten_at"]
        lists = {"contacts": (columns.CONTACT, data["contacts"]),
                 "followups": (columns.FOLLOWUP, data["followups"]),
                 "stage_changes": (columns.STAGE_CHANGE, data["stage_changes"]),
                 "solutions": (columns.SOLUTION, data["solutions"]),
                 "key_dates": (columns.KEY_DATE, data["key_dates"])}
        if fmt == "json":
            extra["forgotten_at"] = iso_utc(forgotten) if forgotten else None
            extra["contracts"] = [
                {**json_row(k, columns.CONTRACT), "terms": k["terms"],
                 "approvals": [json_row(a, columns.APPROVAL) for a in k["approvals"]],
                 "payments": [json_row(p, columns.PAYMENT) for p in k["payments"]]}
                for k in data["contracts"]]
            lists["needs"] = (columns.NEED, data["needs"])
        else:
            if forgotten:
                extra["personal_data"] = _("erased on {date} (customer forget)").format(
                    date=unit.env.local_date(forgotten))
            lists["contracts"] = (_contract_summary_cols(), [
                {**k, "paid": sum(p["paid_amount"] for p in k["payments"])}
                for k in data["contracts"]])
            lists["needs"] = (_need_summary_cols(), data["needs"])
        title = f"{data['row']['code']} {data['row']['name']}"
        if fmt != "table":
            render_object(data["row"], columns.CUSTOMER, OutputOptions(fmt), extra=extra,
                          lists=lists, tz=unit.env.tz, title=title)
            return
        profile_cols = tuple(c for c in columns.CUSTOMER if c not in columns.DISCOVERY)
        render_object(data["row"], profile_cols, OutputOptions(fmt), extra=extra,
                      tz=unit.env.tz, title=title)
        render_object(data["row"], columns.DISCOVERY, OutputOptions(fmt), tz=unit.env.tz,
                      title=_("Discovery"))
        for key, (list_cols, items) in lists.items():
            write_table(items, list_cols, tz=unit.env.tz, title=key,
                        empty=_("No {what}.").format(what=key))


show.__doc__ = _(
    "Everything held on one customer: profile, tier and why, strategy, completeness,\n"
    "discovery, contacts, follow-ups, stage history, needs, solutions, key dates, and\n"
    "contracts with their approvals and payments.\n"
    "\n"
    "--format json is the whole record (a subject access request): the `export customers`\n"
    "keys, then each list with its export keys (contracts with `approvals` and `payments`).\n"
    "The table shows summaries of contracts and needs (details: contract show).\n"
    "\n"
    "Example: salesflow customer show MFG-EC-001 --format json"
)


def _contract_summary_cols():  # type: ignore[no-untyped-def]
    from salesflow import columns
    from salesflow.columns import Col

    picked = {c.name: c for c in columns.CONTRACT}
    return (picked["number"], picked["amount"], Col("paid", "money"), picked["status"],
            picked["start"], picked["end"], picked["signed_at"])


def _need_summary_cols():  # type: ignore[no-untyped-def]
    from salesflow import columns

    keep = ("id", "description", "kind", "priority", "status", "created_at")
    return tuple(c for c in columns.NEED if c.name in keep)


@app.command("stage")
def stage(
    ctx: typer.Context,
    ref: CustomerRef,
    to: Annotated[str, typer.Argument(
        help=_("lead, intent, proposal, negotiation or lost (won/repeat: sign a contract)."))],
    reason: Annotated[str | None, typer.Option(
        help=_("Why; required to skip a stage (manager only), go back, or mark lost."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import customers

    with state(ctx).unit("customer stage", write=True) as unit:
        customer, move = customers.change_stage(unit.session, unit.env, ref, to, reason)
    message(_("{code}: {from_stage} → {to_stage}").format(
        code=customer.code, from_stage=move.from_stage, to_stage=move.to_stage))


stage.__doc__ = _(
    "Move a customer along the pipeline, one stage at a time.\n"
    "\n"
    "Skipping a stage needs a manager and a reason; moving back or to lost needs a reason;\n"
    "won and repeat come only from signing a contract.\n"
    "\n"
    "Example: salesflow customer stage MFG-EC-001 intent"
)


OnDuplicate = Annotated[str, typer.Option(
    "--on-duplicate", metavar="fail|skip|update", case_sensitive=False,
    help=_("A row whose company already exists (or is on an earlier line): fail (default: "
         "a bad row), skip it, or update the existing customer with its non-empty cells."))]


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str | None, typer.Argument(
        metavar="[FILE]", help=_("A .csv (UTF-8, UTF-8 with BOM or GBK) or .xlsx file."),
        show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help=_("Check every row and say what would happen; write nothing."))]
    = False,
    on_duplicate: OnDuplicate = "fail",
    undo: Annotated[str | None, typer.Option(
        "--undo", metavar="BATCH",
        help=_("Remove the customers an earlier import added (if nothing happened to them "
             "since)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.services import imports

    if undo is not None:
        if file is not None or dry_run:
            raise typer.BadParameter(_("give either FILE or --undo BATCH (without --dry-run)"),
                                     param_hint="--undo")
        with state(ctx).unit("customer import --undo", write=True) as unit:
            done = imports.undo(unit.session, unit.env, undo)
        message((_("undid {batch} ({file}): removed {count} customer; their codes are not "
                   "reused") if done.removed == 1 else
                 _("undid {batch} ({file}): removed {count} customers; their codes are not "
                   "reused")).format(batch=done.batch, file=done.file, count=done.removed))
        if done.updated:
            message(_("note: the {count} update(s) it made to existing customers stay")
                    .format(count=done.updated), style="yellow")
        return
    if file is None:
        raise typer.BadParameter(_("name the FILE to import (or --undo BATCH)"),
                                 param_hint="FILE")
    mode = on_duplicate.lower()
    if mode not in imports.ON_DUPLICATE:
        raise typer.BadParameter(_("'{value}' is not accepted; use fail, skip or update")
                                 .format(value=on_duplicate), param_hint="--on-duplicate")
    sheet = imports.read(file)
    with _progress(len(sheet.rows), phases=1 if dry_run else 2) as advance, \
            state(ctx).unit("customer import", write=not dry_run) as unit:
        result = imports.run(unit.session, unit.env, sheet, on_duplicate=mode,
                             dry_run=dry_run, progress=advance)
    if result.batch:
        typer.echo(result.batch)  # committed by now: a script may rely on it
    if result.encoding and not result.encoding.startswith("UTF-8"):
        message(_("note: read {file} as {encoding}").format(file=result.file,
                                                             encoding=result.encoding))
    for note in result.notes[:20]:  # plain lines, unwrapped, so that `grep ^line` works
        typer.echo(note, err=True)
    if len(result.notes) > 20:
        typer.echo(_("… and {count} more").format(count=len(result.notes) - 20), err=True)
    if result.batch:
        message(_("imported {file} as batch {batch}: added {added}, updated {updated}, "
                  "skipped {skipped}").format(file=result.file, batch=result.batch,
                                              added=result.added, updated=result.updated,
                                              skipped=result.skipped))
    else:
        message(_("dry run, nothing written: {file} would add {added}, update {updated}, "
                  "skip {skipped}").format(file=result.file, added=result.added,
                                           updated=result.updated, skipped=result.skipped))


import_.__doc__ = _(
    "Import customers from the 客户信息登记表 spreadsheet (CSV or XLSX) as one batch;\n"
    "prints the batch id (e.g. 20241008-1) on stdout, a summary on stderr.\n"
    "\n"
    "Headers, in Chinese or as the columns of `export customers`: 客户名称/name,\n"
    "行业/所属行业/industry, 地区/区域/region, 企业规模/size, 成立时间/founded,\n"
    "网址/企业官网/website, 联系人/contact_name, 职务/contact_title, 角色/contact_role,\n"
    "电话/手机/phone, 邮箱/email, 联系方式 (phone and/or email), 线索来源/信息来源/source,\n"
    "来源说明/source_detail, 初步需求/need, 年合作潜力/potential, 决策周期/decision_days,\n"
    "线索等级/tier (kept as a manual tier, reason \"imported\"), 负责人/owner (default: you),\n"
    "标签/tags, 备注/notes, 最后跟进时间/last_contact_at. 序号 is ignored, and so are\n"
    "code/客户编号, stage, created_at and next_due_at (salesflow sets them). Any other header\n"
    "is refused. Title rows above the header are skipped.\n"
    "\n"
    "Every row is checked first, as `customer add` checks it; if any is bad, nothing is\n"
    "imported and each bad cell is listed as `line N: header: problem`. --undo BATCH removes\n"
    "what that batch added, unless something was recorded against one of its customers\n"
    "since (follow-up, contract, need, stage move, edit, grading, reassignment).\n"
    "\n"
    "Example: salesflow customer import 客户信息登记表.xlsx --on-duplicate skip --dry-run"
)


def _progress(rows: int, *, phases: int):  # type: ignore[no-untyped-def]
    """A progress bar on stderr for a long file (over 200 rows) on a terminal; otherwise
    nothing. Each row advances it once per phase (checking, importing)."""
    import sys
    from contextlib import contextmanager, nullcontext

    if rows <= 200 or not sys.stderr.isatty():
        return nullcontext(None)
    total = rows * phases

    @contextmanager
    def bar():  # type: ignore[no-untyped-def]
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("checking", total=total)

            def advance(phase: str) -> None:
                progress.update(task, advance=1, description=phase)

            yield advance

    return bar()


@app.command("recovery", help=_(
    "Record the recovery plan (挽回策略) for a stalled customer, for the weekly lead-risk "
    "report (salesflow report stalled). Every plan is kept; the latest counts, and the "
    "`stalled` agenda item asks for a new one once it is older than 7 days.\n\n"
    "Example: salesflow customer recovery MFG-EC-001 --plan \"约决策人面谈, 调整报价\""))
def recovery(
    ctx: typer.Context,
    ref: CustomerRef,
    plan: Annotated[str, typer.Option(help=_("The recovery plan (挽回策略)."))],
) -> None:
    from salesflow.output import message
    from salesflow.services import recovery as plans

    with state(ctx).unit("customer recovery", write=True) as unit:
        _row, found = plans.record(unit.session, unit.env, ref, plan)
    message(_("recovery plan recorded for {code}").format(code=found.code))


@app.command("reassign")
def reassign(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", metavar="REP",
                                       help=_("The departing rep (owner of the customers)."))],
    to: Annotated[str, typer.Option("--to", metavar="REP",
                                    help=_("The rep who takes them over."))],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help=_("Only list the customers that would move."))] = False,
    fmt: FormatOpt = "table",
) -> None:
    from salesflow import columns
    from salesflow.output import OutputOptions, message, render
    from salesflow.services import customers

    fmt = check_format(fmt)
    shown = tuple(c for c in columns.CUSTOMER
                  if c.name in ("code", "name", "tier", "stage", "next_due_at"))
    with state(ctx).unit("customer reassign", write=not dry_run) as unit:
        done = customers.reassign(unit.session, unit.env, from_, to, dry_run=dry_run)
    count = len(done.moved)
    names = {"source": done.from_owner, "target": done.to_owner}
    render(done.moved, shown, OutputOptions(fmt), tz=unit.env.tz,
           title=(_("Would move from {source} to {target}") if dry_run
                  else _("Moved from {source} to {target}")).format(**names),
           empty=_("nothing to move: {source} owns no customers").format(**names))
    if count:
        one = count == 1
        if dry_run:
            text = (_("would move {count} customer from {source} to {target} (dry run: "
                      "nothing changed)") if one else
                    _("would move {count} customers from {source} to {target} (dry run: "
                      "nothing changed)"))
        else:
            text = (_("moved {count} customer from {source} to {target}") if one else
                    _("moved {count} customers from {source} to {target}"))
        message(text.format(count=count, **names))


reassign.__doc__ = _(
    "Hand a departing rep's customers, with all their open items, to another rep.\n"
    "\n"
    "One step: lists the customers moved and prints the count. Promised next actions,\n"
    "cadence follow-ups, open needs, payment reminders and contract approvals belong to\n"
    "the customer, so they appear under `due --owner` of the new rep at once. Who logged,\n"
    "drafted or approved what is history and stays: a contract keeps its creator, who\n"
    "still may not approve it. Once users exist, only a manager or gm may reassign, and\n"
    "--to must be a user. A rep without customers: nothing moves, exit 0.\n"
    "\n"
    "Example: salesflow --as wang.lei customer reassign --from li.na --to sun.li --dry-run"
)


def _on_terminal() -> bool:
    import sys

    return sys.stdin.isatty()


@app.command("forget")
def forget(
    ctx: typer.Context,
    ref: CustomerRef,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help=_("Erase without asking (required when not on a terminal)."))]
    = False,
) -> None:
    from salesflow.errors import InputError
    from salesflow.output import message
    from salesflow.services import customers, privacy

    if not yes:
        if not _on_terminal():
            raise InputError(_("yes: erasing personal data cannot be undone; add --yes to "
                               "confirm (there is no terminal to ask on)"))
        with state(ctx).unit("customer forget", write=False) as unit:
            found = customers.resolve(unit.session, ref)
            who = f"{found.code} {found.name}"
        if not typer.confirm(_("Erase the personal data held on {who}? This cannot be "
                               "undone").format(who=who), default=False):
            raise InputError(_("yes: not confirmed; nothing was erased"))
    with state(ctx).unit("customer forget", write=True, erase=True) as unit:
        done = privacy.forget(unit.session, unit.env, ref)
    message(_("erased the personal data of {code}: contact, notes and the texts of "
              "{followups} follow-up(s), {needs} need(s), {stage_changes} stage move(s) and "
              "{contracts} contract(s); counts and amounts kept").format(
        code=done.customer.code, followups=done.followups, needs=done.needs,
        stage_changes=done.stage_changes, contracts=done.contracts))


forget.__doc__ = _(
    "Erase a customer's personal data for good, keeping the anonymous counts.\n"
    "\n"
    "Erased: the contact's name, title, phone and email; the need, notes, tags and source\n"
    "detail; every follow-up's summary, reason and next action; needs' descriptions,\n"
    "responses and resolutions; stage-move reasons; contract terms and approval notes.\n"
    "Kept (for reports): the customer (code, company, tier, stage, owner, dates), each\n"
    "follow-up's time, channel, feedback and satisfaction, needs' status, stage moves,\n"
    "contracts, approvals and payments. `customer show` then says when it was erased.\n"
    "\n"
    "On SQLite the database file is rebuilt and its WAL emptied, so no old copy remains in\n"
    "them; migration backups (<db>.before-XXXX.bak) are named on stderr, and copies you\n"
    "made of the file yourself are yours to delete. On PostgreSQL the rows are overwritten; the\n"
    "server's (auto)VACUUM reclaims the old row versions. Asks first on a terminal.\n"
    "\n"
    "Example: salesflow customer forget MFG-EC-001 --yes"
)

app.add_typer(keydate.app, name="date")
