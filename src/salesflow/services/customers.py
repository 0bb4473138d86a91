"""Customers (客户信息登记表): add, edit, find, list, stage moves, and reassigning a rep's
customers. (Everything held on one customer, and erasing it: services/privacy.py.)

Every value a user types is parsed here through the rules, and a bad one is refused with
the field's name before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, literal, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salesflow.db import plain_batches
from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import N_, _
from salesflow.models import CodeSequence, Contact, Customer, Need, StageChange, User
from salesflow.rules import pipeline
from salesflow.rules.choices import CONTACT_ROLES, SOURCES, parse_choice
from salesflow.rules.codes import code_prefix, format_code
from salesflow.rules.completeness import missing_fields
from salesflow.rules.contact import normalize_email, normalize_phone
from salesflow.rules.dates import parse_date
from salesflow.rules.money import parse_money, parse_money_range
from salesflow.rules.names import name_key, validate_company_name
from salesflow.rules.numbers import parse_int
from salesflow.rules.text import escape_text
from salesflow.rules.tier import TierDecision, tier_for
from salesflow.services import audit, schedule, users
from salesflow.services.env import Env
from salesflow.services.text import field_text

MAX_DECISION_DAYS = 3660  # ten years: a longer decision cycle is a typing mistake

PROFILE_FIELDS = (
    "name", "industry", "region", "size", "founded", "website", "contact_name",
    "contact_title", "contact_role", "phone", "email", "source", "source_detail", "need",
    "potential", "decision_days", "owner", "tags", "notes", "departments", "collaboration",
    "lead_person",
)
# 需求调研表 (SPEC §11); `budget` is typed as one range and stored as budget_min/max
DISCOVERY_FIELDS = ("pain_points", "budget_min", "budget_max", "decision_process",
                    "timeline", "competitors", "past_cooperation")
_MULTILINE = ("need", "notes", "pain_points", "past_cooperation", "collaboration")


def departments_list(text: str) -> str:
    """'技术部， 交付部、技术部' → '技术部,交付部': the departments taking part, each once,
    comma-separated whatever separator was typed."""
    seen: list[str] = []
    for part in re.split(r"[,，、;；]", text):
        name = part.strip()
        if name and name not in seen:
            seen.append(name)
    return ",".join(seen)


def label(field: str) -> str:
    return field.replace("_", "-")


def parse_fields(raw: Mapping[str, str | None], env: Env) -> dict[str, Any]:
    """Typed values for the given fields (None in `raw`: not given; '': clear it)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        multiline = key in _MULTILINE
        field_text(label(key), value, multiline=multiline)  # before spaces are collapsed
        text = value.strip() if multiline else " ".join(value.split())
        if not text:
            if key in ("name", "owner"):
                raise InputError(_("{field}: cannot be empty").format(field=label(key)))
            if key == "budget":
                out["budget_min"] = out["budget_max"] = None
            else:
                out[key] = None
            continue
        if key == "budget":
            try:
                out["budget_min"], out["budget_max"] = parse_money_range(text)
            except ValueError as exc:
                raise InputError.field("budget", exc) from None
            continue
        try:
            out[key] = _parse(key, text, env)
        except ValueError as exc:
            raise InputError.field(label(key), exc) from None
    check_budget(out)
    return out


def check_budget(values: Mapping[str, Any]) -> None:
    """The budget's bounds in order (two columns of an import, or one typed range)."""
    low, high = values.get("budget_min"), values.get("budget_max")
    if low is not None and high is not None and low > high:
        raise InputError(_("budget: the lower bound is above the upper one; write it as "
                           "200万-300万"))


def _parse(key: str, text: str, env: Env) -> Any:
    if key == "name":
        return validate_company_name(text)
    if key == "phone":
        return normalize_phone(text, env.settings.phone_region)
    if key == "email":
        return normalize_email(text)
    if key == "contact_role":
        return parse_choice(text, CONTACT_ROLES, "contact_role")
    if key == "source":
        return parse_choice(text, SOURCES, "source")
    if key in ("potential", "budget_min", "budget_max"):
        return parse_money(text)
    if key == "departments":
        return departments_list(text)
    if key == "decision_days":
        return parse_int(text, 0, MAX_DECISION_DAYS, what=N_("a number of days"))
    if key == "founded":
        founded = parse_date(text, env.today)
        if founded > env.today:
            raise ValueError(_("'{text}' is in the future").format(text=text))
        return founded
    return text


def resolve(session: Session, ref: str) -> Customer:
    """A customer by code (MFG-EC-001, any case) or by its name (duplicate key)."""
    text = ref.strip()
    shown = escape_text(ref)  # echoed in a refusal: no raw newline or escape sequence
    found = session.exec(select(Customer).where(Customer.code == text.upper())).first()
    if found:
        return found
    if text:
        matches = session.exec(
            select(Customer).where(Customer.name_key == name_key(text)).limit(2)
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise Conflict(
                _("customer: '{ref}' names more than one customer; use the code "
                  "({codes})").format(ref=shown, codes=", ".join(m.code for m in matches))
            )
    raise NotFound(
        _("customer: no customer '{ref}'; use a code such as MFG-EC-001 or the company "
          "name (see salesflow customer list)").format(ref=shown)
    )


def find_duplicate(session: Session, key: str, *, exclude: int | None = None) -> Customer | None:
    query = select(Customer).where(Customer.name_key == key)
    if exclude is not None:
        query = query.where(Customer.id != exclude)
    found = session.exec(query.limit(1)).first()
    if found is None and session.get_bind().dialect.name == "postgresql":
        # row-level security hides other reps' customers from this query; the server's
        # definer function sees them all (migration 0008) and names only the code
        from sqlalchemy import text

        row = session.execute(text("SELECT code, name FROM salesflow_duplicate(:k, :x)"),
                              {"k": key, "x": exclude}).first()
        if row is not None:
            found = Customer(code=row[0], name=row[1])  # for the refusal; never added
    return found


def _next_code(session: Session, env: Env, industry: str | None, region: str | None) -> str:
    return next_codes(session, env, [(industry, region)])[0]


def next_codes(session: Session, env: Env,
               places: Sequence[tuple[str | None, str | None]]) -> list[str]:
    """New codes for customers of these (industry, region) pairs, in order, in one query
    (`customer import` draws thousands at once)."""
    prefix_of: dict[tuple[str | None, str | None], str] = {}  # few distinct pairs
    for place in places:
        if place not in prefix_of:
            prefix_of[place] = code_prefix(*place, env.settings.industry_codes,
                                           env.settings.region_codes)
    prefixes = [prefix_of[place] for place in places]
    # FOR UPDATE: on PostgreSQL two concurrent adds must not draw the same number (SQLite
    # already serializes writers with BEGIN IMMEDIATE and ignores it).
    seqs = {seq.prefix: seq for seq in session.exec(
        select(CodeSequence).where(col(CodeSequence.prefix).in_(set(prefixes)))
        .with_for_update())}
    codes = []
    for prefix in prefixes:
        seq = seqs.get(prefix)
        if seq is None:
            seq = seqs[prefix] = CodeSequence(prefix=prefix, last=0)
        seq.last += 1
        codes.append(format_code(prefix, seq.last))
    session.add_all(seqs.values())
    return codes


def decide_tier(customer: Customer, env: Env) -> TierDecision:
    return tier_for(customer.potential, customer.decision_days, env.settings.tiers)


@dataclass
class Saved:
    customer: Customer
    decision: TierDecision
    missing: list[str]


def add(session: Session, env: Env, raw: Mapping[str, str | None], *, force: bool = False,
        import_batch: str | None = None) -> Saved:
    values = parse_fields(raw, env)
    if "name" not in values:
        raise InputError(_("name: a customer needs its full registered company name"))
    if values.get("owner"):
        users.require_user(session, "owner", values["owner"])
    key = name_key(values["name"])
    existing = find_duplicate(session, key)
    if existing and not force:
        raise Conflict(
            _("name: '{name}' duplicates {code} ({existing}); "
              "use --force to add it anyway").format(name=values["name"], code=existing.code,
                                                     existing=existing.name)
        )
    code = _next_code(session, env, values.get("industry"), values.get("region"))
    customer = build(env, values, code=code, import_batch=import_batch)
    session.add(customer)
    session.flush()
    assert customer.id is not None
    session.add(StageChange(**creation(env, customer.id)))
    primary_from_columns(session, env, customer)
    schedule.refresh(session, env, customer)
    audit.record(session, env, f"customer {customer.code} added")
    session.flush()
    return Saved(customer, decide_tier(customer, env), missing_fields(profile(customer)))


def build(env: Env, values: dict[str, Any], *, code: str,
          import_batch: str | None = None) -> Customer:
    """A new customer from parsed values (parse_fields): a lead, owned by the acting user
    unless `owner` is given, graded at once (a `tier_override` among the values is kept).
    Not added to the session. `customer add` and
    `customer import` both make customers here, so they obey the same rules."""
    customer = Customer(**new_row(env, values, code=code, import_batch=import_batch))
    values.pop("owner", None)
    return customer


def new_row(env: Env, values: Mapping[str, Any], *, code: str,
            import_batch: str | None = None) -> dict[str, Any]:
    """Every column of a new customer (the model's defaults, the parsed values, then what a
    new customer always is), graded: what build() makes the model from, and what
    `customer import` writes for thousands at once with one Core INSERT of the model's
    table. `id` is left out (the database assigns it)."""
    row = {**_defaults(), **values}
    row.update(code=code, name_key=name_key(values["name"]),
               owner=values.get("owner") or env.actor, stage="lead",
               stage_changed_at=env.now, progressed_at=env.now, created_at=env.now,
               import_batch=import_batch)
    row["tier"] = row["tier_override"] or tier_for(row["potential"], row["decision_days"],
                                                   env.settings.tiers).tier
    return row


_DEFAULTS: dict[str, Any] = {}


def _defaults() -> dict[str, Any]:
    """The model's default for each column of the customer table (not `id`)."""
    if not _DEFAULTS:
        fields = Customer.model_fields
        for column in Customer.__table__.columns:  # type: ignore[attr-defined]
            field = fields.get(column.key)
            if column.key != "id" and field is not None and not field.is_required():
                _DEFAULTS[column.key] = field.get_default(call_default_factory=True)
    return _DEFAULTS


def creation(env: Env, customer_id: int) -> dict[str, Any]:
    """The stage history's first row for a new customer, as StageChange fields (a dict,
    so that `customer import` can insert thousands in one statement)."""
    return {"customer_id": customer_id, "from_stage": None, "to_stage": "lead",
            "at": env.now, "by": env.actor, "reason": "created"}


def edit(session: Session, env: Env, ref: str, raw: Mapping[str, str | None], *,
         force: bool = False) -> Saved:
    customer = resolve(session, ref)
    values = parse_fields(raw, env)
    if not values:
        raise InputError(_("edit: give at least one field to change, e.g. --phone or --need"))
    if values.get("owner"):
        users.require_user(session, "owner", values["owner"])
    saved = change(session, env, customer, values, force=force)
    session.flush()
    return saved


def change(session: Session, env: Env, customer: Customer, values: Mapping[str, Any], *,
           force: bool = False) -> Saved:
    """Write parsed values (parse_fields) onto a customer: a new name is checked for
    duplicates, the tier is regraded unless set by hand, the due date recomputed, the edit
    audited. Not flushed (`customer import` updates thousands, then flushes once)."""
    if "name" in values:
        key = name_key(values["name"])
        existing = find_duplicate(session, key, exclude=customer.id)
        if existing and not force:
            raise Conflict(
                _("name: '{name}' duplicates {code} ({existing}); "
                  "use --force to keep it anyway").format(
                    name=values["name"], code=existing.code, existing=existing.name)
            )
        customer.name_key = key
    for field, value in values.items():
        setattr(customer, field, value)
    if any(column in values for column in MIRRORED.values()):
        primary_from_columns(session, env, customer)
    decision = decide_tier(customer, env)
    if customer.tier_override is None and decision.tier != customer.tier:
        customer.tier = decision.tier
    schedule.refresh(session, env, customer)
    audit.record(session, env, f"customer {customer.code} edited: {', '.join(sorted(values))}")
    return Saved(customer, decision, missing_fields(profile(customer)))


def change_stage(session: Session, env: Env, ref: str, to_stage: str,
                 reason: str | None) -> tuple[Customer, pipeline.Move]:
    reason = field_text("reason", reason)
    customer = resolve(session, ref)
    try:
        target = pipeline.parse_stage(to_stage)
        move = pipeline.check_move(customer.stage, target, reason=reason,
                                   actor_role=users.role_of(session, env.actor),
                                   has_need=has_need(session, customer))
    except ValueError as exc:
        raise Conflict(f"stage: {exc}") from None
    record_move(session, env, customer, move, reason)
    return customer, move


def has_need(session: Session, customer: Customer) -> bool:
    """A recorded need: the customer's `need` field or an open need item (SPEC §11)."""
    if customer.need and customer.need.strip():
        return True
    return session.exec(select(Need.id).where(col(Need.customer_id) == customer.id,
                                              col(Need.status) == "open").limit(1)
                        ).first() is not None


def record_move(session: Session, env: Env, customer: Customer, move: pipeline.Move,
                reason: str | None) -> None:
    """Apply a checked move: the stage, its history row, the due date, the audit."""
    assert customer.id is not None
    customer.stage = move.to_stage
    customer.stage_changed_at = env.now
    if move.kind in pipeline.PROGRESS_KINDS:
        customer.progressed_at = env.now
    session.add(StageChange(customer_id=customer.id, from_stage=move.from_stage,
                            to_stage=move.to_stage, at=env.now, by=env.actor,
                            reason=(reason or "").strip() or None))
    schedule.refresh(session, env, customer)
    audit.record(session, env,
                 f"customer {customer.code} stage {move.from_stage} → {move.to_stage}")
    session.flush()


# --- the primary contact (SPEC §11; the contact list itself is services/contacts.py) ---

# contact field → the customer column that mirrors it on the primary contact
MIRRORED = {"name": "contact_name", "title": "contact_title", "role": "contact_role",
            "phone": "phone", "email": "email"}


def contacts_of(session: Session, customer: Customer) -> list[Contact]:
    """The customer's contacts: the primary first, then in the order they were added."""
    return list(session.exec(
        select(Contact).where(col(Contact.customer_id) == customer.id)
        .order_by(col(Contact.primary).desc(), col(Contact.id))))


def mirror(customer: Customer, primary: Contact | None) -> None:
    """The customer's contact columns from its primary contact (all empty without one)."""
    for field, column in MIRRORED.items():
        setattr(customer, column, getattr(primary, field) if primary else None)


def primary_from_columns(session: Session, env: Env, customer: Customer) -> None:
    """After the customer's contact columns were written: the primary contact takes them
    (created when the customer had none; removed when they were all cleared)."""
    assert customer.id is not None
    values = {field: getattr(customer, column) for field, column in MIRRORED.items()}
    name = _contact_name(values)
    primary = session.exec(select(Contact).where(col(Contact.customer_id) == customer.id,
                                                 col(Contact.primary))).first()
    if name is None:
        if primary is not None:
            session.delete(primary)
            session.flush()
            _promote_next(session, customer)
        return
    clash = session.exec(select(Contact).where(
        col(Contact.customer_id) == customer.id, col(Contact.name) == name,
        col(Contact.primary).is_(False))).first()
    if clash is not None:
        raise Conflict(_(
            "contact-name: {name!r} is already another contact of {code}; make them the "
            "primary contact with salesflow contact edit {code} {name} --primary").format(
                name=name, code=customer.code))
    if primary is None:
        primary = Contact(customer_id=customer.id, name=name, primary=True,
                          created_at=env.now)
    primary.name = name
    for field in ("title", "role", "phone", "email"):
        setattr(primary, field, values[field])
    session.add(primary)


def _contact_name(values: Mapping[str, Any]) -> str | None:
    """The primary contact's name: the contact name, else (a contact known only by a
    phone, email, title or role) that, as migration 0004 names it."""
    return (values["name"] or values["phone"] or values["email"] or values["title"]
            or values["role"])


def primary_contact_row(env: Env, customer_id: int,
                        row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A new customer's primary contact as Contact fields, for a bulk insert (import),
    from the customer's columns (new_row)."""
    values = {field: row[column] for field, column in MIRRORED.items()}
    name = _contact_name(values)
    if name is None:
        return None
    return {**values, "name": name, "customer_id": customer_id, "primary": True,
            "created_at": env.now}


def _promote_next(session: Session, customer: Customer) -> Contact | None:
    """The earliest remaining contact becomes primary (and is mirrored)."""
    rest = contacts_of(session, customer)
    if rest:
        rest[0].primary = True
        session.add(rest[0])
    mirror(customer, rest[0] if rest else None)
    session.add(customer)
    return rest[0] if rest else None



def profile(c: Customer | Any) -> dict[str, Any]:
    return {f: getattr(c, f) for f in PROFILE_FIELDS}


def row(c: Customer | Any) -> dict[str, Any]:
    """The export/list/show keys (columns.CUSTOMER), of a Customer or of a result row
    holding the _LISTED columns."""
    return {
        "code": c.code, "name": c.name, "industry": c.industry, "region": c.region,
        "size": c.size, "contact_name": c.contact_name, "contact_title": c.contact_title,
        "contact_role": c.contact_role, "phone": c.phone, "email": c.email,
        "source": c.source, "source_detail": c.source_detail, "need": c.need,
        "potential": c.potential, "decision_days": c.decision_days, "tier": c.tier,
        "stage": c.stage, "owner": c.owner, "tags": c.tags, "created_at": c.created_at,
        "last_contact_at": c.last_contact_at, "next_due_at": c.next_due_at,
        **discovery(c),
        "departments": c.departments, "collaboration": c.collaboration,
        "lead_person": c.lead_person,
    }


_LISTED = tuple(dict.fromkeys((
    "code", *PROFILE_FIELDS, "tier", "stage", "created_at", "last_contact_at", "next_due_at",
    *DISCOVERY_FIELDS)))


def parse_source(text: str) -> str:
    try:
        return parse_choice(text, SOURCES, "source")
    except ValueError as exc:
        raise InputError.field("source", exc) from None


def discovery(c: Customer) -> dict[str, Any]:
    """The 需求调研表 fields, as columns.DISCOVERY."""
    return {field: getattr(c, field) for field in DISCOVERY_FIELDS}


def rows(session: Session, *, owner: str | None = None, tier: str | None = None,
         stage: str | None = None, search: str | None = None,
         incomplete: bool = False, industry: str | None = None, region: str | None = None,
         tag: str | None = None, source: str | None = None) -> Iterator[dict[str, Any]]:
    """columns.CUSTOMER's keys of each customer; `incomplete`: only incomplete ones, with
    `missing` (columns.MISSING) added."""
    # the columns row() and profile() read, not whole Customer objects: a rep's book is
    # thousands of rows, and an ORM instance each cost half of `customer list`
    table = Customer.__table__  # type: ignore[attr-defined]
    query = sa_select(*[table.c[name] for name in _LISTED]).order_by(table.c.code)
    if source and source.strip():  # checked by the caller (parse_source)
        query = query.where(col(Customer.source) == source)
    for column, value in ((Customer.industry, industry), (Customer.region, region)):
        if value and value.strip():
            query = query.where(col(column) == value.strip())
    if tag and tag.strip():
        # one of the comma-separated tags, whole: ',展会,重点,' contains ',展会,'
        tags = func.replace(func.replace(func.coalesce(col(Customer.tags), ""), "，", ","),
                            " ", "")
        query = query.where((literal(",") + tags + literal(",")).contains(
            "," + tag.strip().replace(" ", "") + ","))
    if owner:
        users.require_user(session, "owner", owner.strip())
        query = query.where(Customer.owner == owner.strip())
    if tier:
        query = query.where(Customer.tier == tier)
    if stage:
        query = query.where(Customer.stage == stage)
    if search:
        query = query.where(col(Customer.name).contains(search.strip()))
    for batch in plain_batches(session, query, 500):
        for values in batch:
            c = SimpleNamespace(**dict(zip(_LISTED, values, strict=True)))  # attributes
            if not incomplete:
                yield row(c)
                continue
            missing = missing_fields(profile(c))
            if missing:
                yield {**row(c), "missing": missing}


@dataclass
class Reassigned:
    moved: list[dict[str, Any]]  # code, name, tier, stage, next_due_at of each customer
    from_owner: str
    to_owner: str
    dry_run: bool


def reassign(session: Session, env: Env, from_owner: str, to_owner: str, *,
             dry_run: bool = False) -> Reassigned:
    """A departing rep's book moves to another rep in one step (SPEC §10).

    Every customer owned by `from_owner` gets `to_owner`, in one UPDATE. Everything open
    that hangs off a customer follows it, because it belongs to the customer and the
    agenda reads the customer's owner: promised next actions and cadence follow-ups, open
    needs, payment reminders and approvals of its contracts (`due --owner`). What records
    who did something stays as it was: follow-ups' and stage moves' `by`, needs'
    `created_by`, and contracts' `created_by`, on which separation of duties rests (the
    drafter of a contract may never approve it, whoever owns the customer now).

    Once users exist, only a manager or gm may reassign, and `to_owner` must be one of
    them. A rep without customers is not an error: nothing moves (so a retried script
    succeeds). The audit gets one line per customer, so each customer's history shows
    when it changed hands.
    """
    source, target = from_owner.strip(), to_owner.strip()
    if not source:
        raise InputError(_("from: name the rep whose customers move, e.g. --from li.na"))
    if not target:
        raise InputError(_("to: name the rep who takes the customers over, e.g. --to sun.li"))
    if source == target:
        raise InputError(_("to: '{target}' is also --from; name the rep who takes "
                           "over").format(target=target))
    names = session.exec(select(User.name).order_by(User.name)).all()
    users.require_admin(session, env, "reassign", _("reassign customers"))
    if names and target not in names:
        raise NotFound(_("to: no user '{target}'; use one of {names} "
                         "(or add them first: salesflow user add NAME)").format(
                             target=target, names=", ".join(names)))
    shown = (col(Customer.code), col(Customer.name), col(Customer.tier),
             col(Customer.stage), col(Customer.next_due_at))
    if dry_run:
        result = session.execute(sa_select(*shown).where(col(Customer.owner) == source))
    else:
        result = session.execute(
            update(Customer).where(col(Customer.owner) == source).values(owner=target)
            .returning(*shown).execution_options(synchronize_session=False))
    keys = ("code", "name", "tier", "stage", "next_due_at")
    moved = sorted((dict(zip(keys, r, strict=True)) for r in result), key=lambda r: r["code"])
    if not dry_run:
        audit.record_many(session, env, (f"customer {r['code']} reassigned from {source} "
                                         f"to {target}" for r in moved))
        if env.settings.pool_idle_days is not None and moved:
            # the new owner's role decides whether the customer can return to the pool
            for c in session.exec(select(Customer).where(
                    col(Customer.code).in_([r["code"] for r in moved]))):
                schedule.refresh_pool(session, env, c)
                session.add(c)
        session.flush()
    return Reassigned(moved, source, target, dry_run)


# Shell completion of a customer REF (salesflow followup log MFG<TAB>): codes and names
# that begin with what was typed, each an indexed range (code: its unique index; name:
# ix_customer_name_key), never a scan. The range's bounds are computed by
# salesflow.completion.prefix_range. These statements are the one definition; the
# stdlib path (no SQLAlchemy in a completion) runs their SQLite compilation, kept in
# salesflow/compiled.py and checked against them by tests/test_completion.py.
def ref_completion_statements() -> dict[str, Any]:
    from sqlalchemy import bindparam

    codes = (sa_select(Customer.code, Customer.name)
             .where(col(Customer.code) >= bindparam("low"), col(Customer.code) < bindparam("high"))
             .order_by(Customer.code).limit(bindparam("limit")))
    names = (sa_select(Customer.name, Customer.code)
             .where(col(Customer.name_key) >= bindparam("low"),
                    col(Customer.name_key) < bindparam("high"))
             .order_by(Customer.name_key, Customer.code).limit(bindparam("limit")))
    return {"codes": codes, "names": names}


def compiled_for_sqlite() -> dict[str, tuple[str, tuple[str, ...], dict[str, Any]]]:
    """Each completion statement as SQLite runs it: its SQL, its parameters' order, and
    the values SQLAlchemy fixed itself (OFFSET 0)."""
    from sqlalchemy.dialects import sqlite

    out = {}
    for name, statement in ref_completion_statements().items():
        compiled = statement.compile(dialect=sqlite.dialect())
        fixed = {k: v for k, v in compiled.params.items() if v is not None}
        out[name] = (str(compiled), tuple(compiled.positiontup or ()), fixed)
    return out
