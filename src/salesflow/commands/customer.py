"""`salesflow customer add|list|show|edit|stage|reassign|forget` — the customer register
(客户信息登记表)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.commands._options import ExcelOpt, FormatOpt, RawOpt, check_format, state
from salesflow.i18n import _

app = typer.Typer(no_args_is_help=True,
                  help="Customer records: add, list, show, edit, stage, reassign, forget.")

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
    notes: Notes = None, force: Force = False, pain_points: PainPoints = None,
    budget: Budget = None, decision_process: DecisionProcess = None,
    timeline: Timeline = None, competitors: Competitors = None,
    past_cooperation: PastCooperation = None,
) -> None:
    """Register a customer; prints its new code (e.g. MFG-EC-001) on stdout.

    A name that duplicates an existing customer (spaces, case, full-width letters and
    suffixes like 有限公司 ignored) is refused unless --force. The tier is graded at once.

    Example: salesflow customer add 华东精密科技有限公司 --industry 制造业 --region 华东
    --contact 王强 --title 采购总监 --role decision-maker --phone 13800138000
    --source trade-show --need "数控机床升级" --potential 258万 --decision-days 25
    --budget 200万-300万 --decision-process 采购部→技术部→总经理
    """
    from salesflow.services import customers

    raw = _raw(name=name, industry=industry, region=region, size=size, founded=founded,
               website=website, contact_name=contact_name, contact_title=contact_title,
               contact_role=contact_role, phone=phone, email=email, source=source,
               source_detail=source_detail, need=need, potential=potential,
               decision_days=decision_days, owner=owner, tags=tags, notes=notes,
               pain_points=pain_points, budget=budget, decision_process=decision_process,
               timeline=timeline, competitors=competitors,
               past_cooperation=past_cooperation)
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
    notes: Notes = None, force: Force = False, pain_points: PainPoints = None,
    budget: Budget = None, decision_process: DecisionProcess = None,
    timeline: Timeline = None, competitors: Competitors = None,
    past_cooperation: PastCooperation = None,
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
               decision_days=decision_days, owner=owner, tags=tags, notes=notes,
               pain_points=pain_points, budget=budget, decision_process=decision_process,
               timeline=timeline, competitors=competitors,
               past_cooperation=past_cooperation)
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
    discovery, contacts, follow-ups, stage history, needs, solutions, and contracts with
    their approvals and payments.

    --format json is the whole record (a subject access request): the `export customers`
    keys, then each list with its export keys (contracts with `approvals` and `payments`).
    The table shows summaries of contracts and needs (details: contract show).

    Example: salesflow customer show MFG-EC-001 --format json
    """
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
                 "solutions": (columns.SOLUTION, data["solutions"])}
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
                extra["personal_data"] = (f"erased on {unit.env.local_date(forgotten)} "
                                          "(customer forget)")
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


OnDuplicate = Annotated[str, typer.Option(
    "--on-duplicate", metavar="fail|skip|update", case_sensitive=False,
    help="A row whose company already exists (or is on an earlier line): fail (default: "
         "a bad row), skip it, or update the existing customer with its non-empty cells.")]


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str | None, typer.Argument(
        metavar="[FILE]", help="A .csv (UTF-8, UTF-8 with BOM or GBK) or .xlsx file.",
        show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check every row and say what would happen; write nothing.")]
    = False,
    on_duplicate: OnDuplicate = "fail",
    undo: Annotated[str | None, typer.Option(
        "--undo", metavar="BATCH",
        help="Remove the customers an earlier import added (if nothing happened to them "
             "since).")] = None,
) -> None:
    """Import customers from the 客户信息登记表 spreadsheet (CSV or XLSX) as one batch;
    prints the batch id (e.g. 20241008-1) on stdout, a summary on stderr.

    Headers, in Chinese or as the columns of `export customers`: 客户名称/name,
    行业/所属行业/industry, 地区/区域/region, 企业规模/size, 成立时间/founded,
    网址/企业官网/website, 联系人/contact_name, 职务/contact_title, 角色/contact_role,
    电话/手机/phone, 邮箱/email, 联系方式 (phone and/or email), 线索来源/信息来源/source,
    来源说明/source_detail, 初步需求/need, 年合作潜力/potential, 决策周期/decision_days,
    线索等级/tier (kept as a manual tier, reason "imported"), 负责人/owner (default: you),
    标签/tags, 备注/notes, 最后跟进时间/last_contact_at. 序号 is ignored, and so are
    code/客户编号, stage, created_at and next_due_at (salesflow sets them). Any other header
    is refused. Title rows above the header are skipped.

    Every row is checked first, as `customer add` checks it; if any is bad, nothing is
    imported and each bad cell is listed as `line N: header: problem`. --undo BATCH removes
    what that batch added, unless something was recorded against one of its customers
    since (follow-up, contract, need, stage move, edit, grading, reassignment).

    Example: salesflow customer import 客户信息登记表.xlsx --on-duplicate skip --dry-run
    """
    from salesflow.output import message
    from salesflow.services import imports

    if undo is not None:
        if file is not None or dry_run:
            raise typer.BadParameter("give either FILE or --undo BATCH (without --dry-run)",
                                     param_hint="--undo")
        with state(ctx).unit("customer import --undo", write=True) as unit:
            done = imports.undo(unit.session, unit.env, undo)
        message(f"undid {done.batch} ({done.file}): removed {done.removed} "
                f"customer{'' if done.removed == 1 else 's'}; their codes are not reused")
        if done.updated:
            message(f"note: the {done.updated} update(s) it made to existing customers stay",
                    style="yellow")
        return
    if file is None:
        raise typer.BadParameter("name the FILE to import (or --undo BATCH)",
                                 param_hint="FILE")
    mode = on_duplicate.lower()
    if mode not in imports.ON_DUPLICATE:
        raise typer.BadParameter(f"'{on_duplicate}' is not accepted; use fail, skip or "
                                 "update", param_hint="--on-duplicate")
    sheet = imports.read(file)
    with _progress(len(sheet.rows), phases=1 if dry_run else 2) as advance, \
            state(ctx).unit("customer import", write=not dry_run) as unit:
        result = imports.run(unit.session, unit.env, sheet, on_duplicate=mode,
                             dry_run=dry_run, progress=advance)
    if result.batch:
        typer.echo(result.batch)  # committed by now: a script may rely on it
    if result.encoding and not result.encoding.startswith("UTF-8"):
        message(f"note: read {result.file} as {result.encoding}")
    for note in result.notes[:20]:  # plain lines, unwrapped, so that `grep ^line` works
        typer.echo(note, err=True)
    if len(result.notes) > 20:
        typer.echo(f"… and {len(result.notes) - 20} more", err=True)
    if result.batch:
        message(f"imported {result.file} as batch {result.batch}: added {result.added}, "
                f"updated {result.updated}, skipped {result.skipped}")
    else:
        message(f"dry run, nothing written: {result.file} would add {result.added}, "
                f"update {result.updated}, skip {result.skipped}")


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


@app.command("reassign")
def reassign(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", metavar="REP",
                                       help="The departing rep (owner of the customers).")],
    to: Annotated[str, typer.Option("--to", metavar="REP",
                                    help="The rep who takes them over.")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only list the customers that would move.")] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Hand a departing rep's customers, with all their open items, to another rep.

    One step: lists the customers moved and prints the count. Promised next actions,
    cadence follow-ups, open needs, payment reminders and contract approvals belong to
    the customer, so they appear under `due --owner` of the new rep at once. Who logged,
    drafted or approved what is history and stays: a contract keeps its creator, who
    still may not approve it. Once users exist, only a manager or gm may reassign, and
    --to must be a user. A rep without customers: nothing moves, exit 0.

    Example: salesflow --as wang.lei customer reassign --from li.na --to sun.li --dry-run
    """
    from salesflow import columns
    from salesflow.output import OutputOptions, message, render
    from salesflow.services import customers

    fmt = check_format(fmt)
    shown = tuple(c for c in columns.CUSTOMER
                  if c.name in ("code", "name", "tier", "stage", "next_due_at"))
    with state(ctx).unit("customer reassign", write=not dry_run) as unit:
        done = customers.reassign(unit.session, unit.env, from_, to, dry_run=dry_run)
    count = len(done.moved)
    render(done.moved, shown, OutputOptions(fmt), tz=unit.env.tz,
           title=f"{'Would move' if dry_run else 'Moved'} from {done.from_owner} to "
                 f"{done.to_owner}",
           empty=f"nothing to move: {done.from_owner} owns no customers")
    if count:
        noun = "customer" if count == 1 else "customers"
        message(f"would move {count} {noun} from {done.from_owner} to {done.to_owner} "
                "(dry run: nothing changed)" if dry_run else
                f"moved {count} {noun} from {done.from_owner} to {done.to_owner}")


def _on_terminal() -> bool:
    import sys

    return sys.stdin.isatty()


@app.command("forget")
def forget(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Customer code or company name.")],
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Erase without asking (required when not on a terminal).")]
    = False,
) -> None:
    """Erase a customer's personal data for good, keeping the anonymous counts.

    Erased: the contact's name, title, phone and email; the need, notes, tags and source
    detail; every follow-up's summary, reason and next action; needs' descriptions,
    responses and resolutions; stage-move reasons; contract terms and approval notes.
    Kept (for reports): the customer (code, company, tier, stage, owner, dates), each
    follow-up's time, channel, feedback and satisfaction, needs' status, stage moves,
    contracts, approvals and payments. `customer show` then says when it was erased.

    On SQLite the database file is rebuilt and its WAL emptied, so no old copy remains in
    them; migration backups (<db>.before-XXXX.bak) are named on stderr, and copies you
    made of the file yourself are yours to delete. On PostgreSQL the rows are overwritten; the
    server's (auto)VACUUM reclaims the old row versions. Asks first on a terminal.

    Example: salesflow customer forget MFG-EC-001 --yes
    """
    from salesflow.errors import InputError
    from salesflow.output import message
    from salesflow.services import customers, privacy

    if not yes:
        if not _on_terminal():
            raise InputError("yes: erasing personal data cannot be undone; add --yes to "
                             "confirm (there is no terminal to ask on)")
        with state(ctx).unit("customer forget", write=False) as unit:
            found = customers.resolve(unit.session, ref)
            who = f"{found.code} {found.name}"
        if not typer.confirm(f"Erase the personal data held on {who}? This cannot be "
                             "undone", default=False):
            raise InputError("yes: not confirmed; nothing was erased")
    with state(ctx).unit("customer forget", write=True, erase=True) as unit:
        done = privacy.forget(unit.session, unit.env, ref)
    message(f"erased the personal data of {done.customer.code}: contact, notes and the "
            f"texts of {done.followups} follow-up(s), {done.needs} need(s), "
            f"{done.stage_changes} stage move(s) and {done.contracts} contract(s); "
            "counts and amounts kept")
