"""`customer import`: the customer register (客户信息登记表) from a CSV or XLSX file, as one
batch that can be undone (SPEC §9).

The rules, in the order they apply:

1. The file is read whole before the database is opened (CSV in UTF-8, UTF-8 with BOM or
   GBK/GB18030; XLSX, first worksheet); the header row is found below any title rows, and
   its headers are mapped by rules.import_map.
2. Every row is checked before anything is written, with the very parsing `customer add`
   uses (services.customers.parse_fields), so that an imported customer obeys the same
   rules as an added one. A bad row does not stop the check: every bad cell of every row
   is reported as `line N: header (field): problem`, N being the row number a spreadsheet
   shows, and nothing is written.
3. Duplicates are found on the name key (rules.names), against the database — read in
   chunks of the file's own keys, one indexed query per chunk — and within the file.
   --on-duplicate fail (default) makes a duplicate a bad row naming the existing customer
   (or the earlier line); skip leaves it alone and counts it; update writes the row's
   non-empty cells onto the existing customer (never its name, which is what matched), and
   a later row of the file updates the customer an earlier row adds.
4. Everything is written in the command's one transaction: an ImportBatch row (id
   YYYYMMDD-N, the team's date and the day's running number), the customers added with
   import_batch set to it — through services.customers.add, so codes, tiers, the creation
   stage change, the due date and the audit are exactly those of `customer add` — and the
   updates through services.customers.edit. A 线索等级 cell is a manual tier with the reason
   `imported`; 最后跟进时间 becomes last_contact_at, and the due date is recomputed from it.

Undo removes the customers a batch added, with their creation stage change, only while
nothing has happened to any of them since: no follow-up, contract or need, no stage move,
and no line in the audit trail naming the customer other than the import's own (that is
where edits, grading, reassignment and erasure are recorded). Otherwise it refuses, naming
a customer and what happened to it. Updates the batch made to existing customers are not
reverted (their earlier values are not kept). The batch is marked undone and cannot be
undone twice; codes are never handed out again (the code sequence stays where it is).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from salesflow import workers
from salesflow.db import insert_many
from salesflow.errors import Conflict, InputError, NotFound
from salesflow.i18n import N_, _
from salesflow.models import (
    Audit,
    Contact,
    Contract,
    Customer,
    FollowUp,
    ImportBatch,
    KeyDate,
    Need,
    StageChange,
)
from salesflow.rules import import_map
from salesflow.rules.codes import parse_code
from salesflow.rules.import_map import CODE, CONTACT, LAST_CONTACT, TIER, Column, HeaderMap
from salesflow.rules.names import name_key
from salesflow.services import audit, customers, schedule, users
from salesflow.services.env import Env

ON_DUPLICATE = ("fail", "skip", "update")
CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 10  # title rows tolerated above the header
CHUNK = 500  # keys per IN (…) query: well under SQLite's and PostgreSQL's limits
TIER_REASON = "imported"

Progress = Callable[[str], None]  # called once per data row and phase ("checking", …)


@dataclass
class Sheet:
    """A file's rows as text, with the row numbers a spreadsheet shows (header included)."""

    file: str
    rows: list[tuple[int, list[str]]]
    encoding: str | None = None  # CSV only


def read(path: str) -> Sheet:
    """The rows of a CSV or XLSX file; InputError (naming the file) when it cannot be read."""
    source = Path(path).expanduser()
    suffix = source.suffix.lower()
    if suffix == ".xls":
        raise InputError(_("file: '{file}' is an Excel 97-2003 workbook (.xls), which "
                           "cannot be read; save it as .xlsx or 'CSV UTF-8' in "
                           "Excel").format(file=source.name))
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise InputError(_("file: '{file}' is not a file salesflow reads; use a .csv "
                           "(UTF-8 or GBK) or an .xlsx workbook").format(file=source.name))
    if not source.is_file():
        raise InputError(_("file: '{path}' does not exist or is not a file").format(path=path))
    try:
        sheet = _read_xlsx(source) if suffix in XLSX_SUFFIXES else _read_csv(source)
    except OSError as exc:
        raise InputError(_("file: cannot read '{path}': {error}").format(
            path=path, error=exc.strerror or exc)) from None
    if not any(any(cells) for _line, cells in sheet.rows):
        raise InputError(_("file: '{file}' is empty").format(file=source.name))
    return sheet


def _read_csv(source: Path) -> Sheet:
    try:
        decoded = import_map.decode(source.read_bytes())
    except ValueError as exc:
        raise InputError(f"file: '{source.name}': {exc}") from None
    reader = csv.reader(io.StringIO(decoded.text, newline=""),
                        delimiter=import_map.sniff_delimiter(decoded.text))
    try:
        rows = [(n, [cell.strip() for cell in cells]) for n, cells in enumerate(reader, 1)]
    except csv.Error as exc:
        raise InputError(_("file: '{file}' is not valid CSV ({error}); "
                           "save it from Excel as 'CSV UTF-8'").format(
                               file=source.name, error=exc)) from None
    return Sheet(source.name, rows, decoded.encoding)


def _read_xlsx(source: Path) -> Sheet:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise InputError(_("file: '{file}' is not a readable .xlsx workbook ({error}); "
                           "open it in Excel and save it as .xlsx again").format(
                               file=source.name, error=exc)) from None
    try:
        if not workbook.worksheets:
            raise InputError(_("file: '{file}' has no worksheet").format(file=source.name))
        sheet = workbook.worksheets[0]
        rows = [(n, [import_map.cell_text(v) for v in values])
                for n, values in enumerate(sheet.iter_rows(min_row=1, min_col=1,
                                                           values_only=True), 1)]
    finally:
        workbook.close()
    return Sheet(source.name, rows)


# ---------------------------------------------------------------------------- checking


@dataclass
class Row:
    """One checked data row: its non-empty cells parsed as `customer add` parses them
    (services.customers.parse_fields), plus a manual tier and the last contact."""

    line: int
    name: str
    key: str
    values: dict[str, Any]
    code: str | None = None  # 客户编号: identifies an existing customer, or kept if free


@dataclass
class Plan:
    """What the import does: rows to add, updates per existing customer, skipped lines."""

    sheet: Sheet
    header: HeaderMap
    on_duplicate: str
    adds: list[Row] = field(default_factory=list)
    updates: dict[int, list[Row]] = field(default_factory=dict)  # customer id → rows
    merged: dict[int, list[Row]] = field(default_factory=dict)  # line of an add → rows
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    problems: list[str] = field(default_factory=list)

    @property
    def updated_rows(self) -> int:
        return sum(map(len, self.updates.values())) + sum(map(len, self.merged.values()))


@dataclass
class Result:
    file: str
    batch: str | None  # None on a dry run
    added: int
    updated: int
    skipped: int
    notes: list[str]
    encoding: str | None


class BadRows(InputError):
    """Rows that cannot be imported: the message lists every one of them, a line each."""

    multiline = True


def check(session: Session, env: Env, sheet: Sheet, on_duplicate: str,
          progress: Progress | None = None) -> Plan:
    """Validate every row and decide what happens to each; BadRows if any row is bad."""
    if on_duplicate not in ON_DUPLICATE:
        raise InputError(_("on-duplicate: '{value}' is not accepted; use {choices}").format(
            value=on_duplicate, choices=", ".join(ON_DUPLICATE)))
    header_at = import_map.find_header([cells for _line, cells in
                                        sheet.rows[:HEADER_SEARCH_ROWS]])
    if header_at is None:
        raise InputError(
            _("header: '{file}' has no company-name column (客户名称 or name) in its "
              "first {rows} rows").format(file=sheet.file, rows=HEADER_SEARCH_ROWS)
            + _garbled_hint(sheet))
    header_line, header_cells = sheet.rows[header_at]
    try:
        header = import_map.map_header(header_cells)
    except ValueError as exc:
        raise InputError(_("header (line {line}): {problem}").format(
            line=header_line, problem=exc) + _garbled_hint(sheet)) from None
    plan = Plan(sheet, header, on_duplicate)

    def checked(lines: Sequence[tuple[int, list[str]]]) -> tuple[list[Row], list[str]]:
        rows: list[Row] = []
        problems: list[str] = []
        for line, cells in lines:
            row = _check_row(env, header, line, cells, problems)
            if row is not None:
                rows.append(row)
        return rows, problems

    rows: list[Row] = []
    data = sheet.rows[header_at + 1:]
    for done, problems in workers.chunked(checked, data):  # every CPU checks a part
        rows += done
        plan.problems += problems
    if progress:
        for _row in data:
            progress("checking")
    rows = _known_owners(session, header, rows, plan.problems)
    _decide_duplicates(session, plan, rows)
    if plan.problems:
        count = len({_line_number(p) for p in plan.problems})
        raise BadRows(
            (_("{file}: {count} bad row; nothing was imported. Fix them and run again:")
             if count == 1 else
             _("{file}: {count} bad rows; nothing was imported. Fix them and run "
               "again:")).format(file=sheet.file, count=count)
            + "\n" + "\n".join(plan.problems))
    return plan


def _known_owners(session: Session, header: HeaderMap, rows: list[Row],
                  problems: list[str]) -> list[Row]:
    """Once users exist, a 负责人 (owner) cell must name one: a row naming no user is a
    bad row (one query for the whole file)."""
    unknown = users.require_owners(
        session, {r.values["owner"] for r in rows if r.values.get("owner")})
    if not unknown:
        return rows
    column = next(c for c in header.columns if c.field == "owner")
    for row in rows:
        if row.values.get("owner") in unknown:
            why = unknown[row.values["owner"]].removeprefix("owner: ")
            problems.append(_("line {line}: {where}: {problem}").format(
                line=row.line, where=_where(column), problem=why))
    return [r for r in rows if r.values.get("owner") not in unknown]


def _garbled_hint(sheet: Sheet) -> str:
    if sheet.encoding and not sheet.encoding.startswith("UTF-8"):
        return _(" (the file was read as {encoding}; if its headers look garbled, "
                 "save it from Excel as 'CSV UTF-8')").format(encoding=sheet.encoding)
    return ""


def _where(column: Column, field: str | None = None) -> str:
    """How a problem names its cell: the header as written, and the field it fills."""
    field = field or column.field
    return column.header if column.header == field else f"{column.header} ({field})"


def _check_row(env: Env, header: HeaderMap, line: int, cells: Sequence[str],
               problems: list[str]) -> Row | None:
    """The row's values checked cell by cell, every problem appended to `problems`;
    None for a blank row (only 序号 or computed columns filled) or a bad one."""
    def cell(index: int) -> str:
        return cells[index].strip() if index < len(cells) else ""

    for index in header.blank:
        if cell(index):
            problems.append(_("line {line}: column {column} has a value but "
                              "no header; give it a header or clear it").format(
                                  line=line, column=_column_letter(index)))
            return None
    filled = [(c, cell(c.index)) for c in header.columns]
    filled = [(c, text) for c, text in filled if text]
    if not filled:
        return None
    before = len(problems)
    raw: dict[str, str | None] = {}
    where: dict[str, Column] = {}
    tier = last_contact = code = None
    contact: tuple[Column, str] | None = None
    def bad(column: Column) -> str:  # how a problem starts, made only when there is one
        return _("line {line}: {where}").format(line=line, where=_where(column))

    for column, text in filled:
        if column.field == CODE:
            try:
                code = parse_code(text)
            except ValueError as exc:
                problems.append(f"{bad(column)}: {exc}")
        elif column.field == CONTACT:
            contact = (column, text)
        elif column.field == TIER:
            try:
                tier = import_map.tier_of(text)
            except ValueError as exc:
                problems.append(f"{bad(column)}: {exc}")
        elif column.field == LAST_CONTACT:
            try:
                last_contact = import_map.contact_time(text, env.local_now)
            except ValueError as exc:
                problems.append(f"{bad(column)}: {exc}")
        elif column.field == "source":
            try:
                source, detail = import_map.source_of(text)
            except ValueError as exc:
                problems.append(f"{bad(column)}: {exc}")
            else:
                raw["source"] = source
                where["source"] = column
                if detail and not raw.get("source_detail"):
                    raw["source_detail"], where["source_detail"] = detail, column
        else:
            raw[column.field] = import_map.with_unit(text, column.unit)
            where[column.field] = column
    if contact is not None:
        column, text = contact
        try:
            parts = dict(zip(("phone", "email"), import_map.split_contact(text), strict=True))
        except ValueError as exc:
            problems.append(_("line {line}: {where}: {problem}").format(
                line=line, where=_where(column), problem=exc))
            parts = {}
        for key, value in parts.items():
            if value is None:
                continue
            if raw.get(key) and key in where:
                problems.append(_("line {line}: {where}: gives a {key} as well as "
                                  "{other}; keep one").format(
                                      line=line, where=_where(column), key=key,
                                      other=where[key].header))
                continue
            raw[key], where[key] = value, column
    try:  # the whole row at once: a good row (nearly every row) costs one call
        values = customers.parse_fields(raw, env)
    except InputError:  # then one field at a time, so that every bad cell is reported
        values = {}
        for key, value in raw.items():
            try:
                values.update(customers.parse_fields({key: value}, env))
            except InputError as exc:
                problem = exc.message.removeprefix(f"{customers.label(key)}: ")
                column = where.get(key) or next(c for c in header.columns if c.field == key)
                problems.append(_("line {line}: {where}: {problem}").format(
                    line=line, where=_where(column, key), problem=problem))
        try:
            customers.check_budget(values)
        except InputError as exc:
            problems.append(_("line {line}: {problem}").format(line=line,
                                                               problem=exc.message))
    name = values.get("name")
    if not raw.get("name"):
        column = next(c for c in header.columns if c.field == "name")
        problems.append(_("line {line}: {where}: a customer needs its full "
                          "registered company name").format(line=line, where=_where(column)))
    if len(problems) > before or not name:
        return None
    if tier:
        values.update(tier=tier, tier_override=tier, tier_reason=TIER_REASON)
    if last_contact:
        values["last_contact_at"] = last_contact
    return Row(line, name, name_key(name), values, code)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _decide_duplicates(session: Session, plan: Plan, rows: list[Row]) -> None:
    existing = _existing(session, {row.key for row in rows})
    by_code = _existing_codes(session, {row.code for row in rows if row.code})
    first_line: dict[str, int] = {}
    code_line: dict[str, int] = {}  # a code's first line in the file
    name_column = next(c for c in plan.header.columns if c.field == "name")
    for row in rows:
        # A code naming a customer identifies it, before any name does (SPEC §14).
        found = by_code.get(row.code) if row.code else None
        earlier = code_line.get(row.code) if row.code else None
        if found is None and earlier is None:
            found, earlier = existing.get(row.key), first_line.get(row.key)
        if found is None and earlier is None:
            first_line[row.key] = row.line
            if row.code:
                code_line[row.code] = row.line
            plan.adds.append(row)
            continue
        what = (_("duplicates {code} ({name})").format(code=found[1], name=found[2])
                if found is not None
                else _("duplicates line {line} of this file").format(line=earlier))
        if plan.on_duplicate == "fail":
            plan.problems.append(
                _("line {line}: {where}: '{name}' {what}; use "
                  "--on-duplicate skip or update").format(
                      line=row.line, where=_where(name_column), name=row.name, what=what))
        elif plan.on_duplicate == "skip":
            plan.skipped.append((row.line, f"'{row.name}' {what}"))
        elif found is not None:
            plan.updates.setdefault(found[0], []).append(row)
        else:
            assert earlier is not None
            plan.merged.setdefault(earlier, []).append(row)
    plan.problems.sort(key=_line_number)


def _line_number(problem: str) -> int:
    match = re.match(r"\D*?(\d+)", problem)  # "line 12: …" in any language
    return int(match[1]) if match else 0


def _existing_codes(session: Session,
                    codes: Iterable[str | None]) -> dict[str, tuple[int, str, str]]:
    """Existing customers by code, for the given codes only: code → (id, code, name)."""
    wanted = sorted(c for c in codes if c)
    found: dict[str, tuple[int, str, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        query = (select(Customer.code, Customer.id, Customer.name)
                 .where(col(Customer.code).in_(wanted[start:start + CHUNK])))
        for code, cid, name in session.exec(query):
            if cid is not None:
                found[code] = (cid, code, name)
    return found


def _existing(session: Session, keys: Iterable[str]) -> dict[str, tuple[int, str, str]]:
    """Existing customers by name key, for the given keys only: key → (id, code, name)."""
    keys = sorted(keys)
    found: dict[str, tuple[int, str, str]] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        query = (select(Customer.name_key, Customer.id, Customer.code, Customer.name)
                 .where(col(Customer.name_key).in_(chunk))
                 .order_by(col(Customer.id)))
        for key, cid, code, name in session.exec(query):
            if cid is not None:
                found.setdefault(key, (cid, code, name))  # the oldest, if duplicated
    return found


# ---------------------------------------------------------------------------- writing


def run(session: Session, env: Env, sheet: Sheet, *, on_duplicate: str = "fail",
        dry_run: bool = False, progress: Progress | None = None) -> Result:
    """Check the file, then (unless a dry run) write it as one batch."""
    plan = check(session, env, sheet, on_duplicate, progress)
    notes = []
    if plan.header.ignored:
        notes.append(_("note: column {columns} not imported "
                       "(salesflow sets stages and dates itself)").format(
                           columns=", ".join(plan.header.ignored)))
    verb = _("would skip") if dry_run else _("skipped")
    notes.extend(_("line {line}: {verb}: {why}").format(line=line, verb=verb, why=why)
                 for line, why in plan.skipped)
    added = len(plan.adds)
    if dry_run:
        return Result(sheet.file, None, added, plan.updated_rows, len(plan.skipped), notes,
                      sheet.encoding)
    batch = _open_batch(session, env, sheet.file)
    _add(session, env, plan, batch.id, progress)
    _update(session, env, plan, progress)
    batch.added, batch.updated, batch.skipped = added, plan.updated_rows, len(plan.skipped)
    session.add(batch)
    audit.record(session, env, f"import {batch.id} from {sheet.file}: added {batch.added}, "
                               f"updated {batch.updated}, skipped {batch.skipped}")
    session.flush()
    return Result(sheet.file, batch.id, batch.added, batch.updated, batch.skipped, notes,
                  sheet.encoding)


def _merge(rows: Sequence[Row]) -> dict[str, Any]:
    """Rows about one customer as one set of values: a later row's cells win, except
    the name (the first row's spelling stays; the rest only matched it) and the last
    contact (it only moves forward)."""
    merged: dict[str, Any] = {}
    for row in rows:
        latest = max(filter(None, (merged.get("last_contact_at"),
                                   row.values.get("last_contact_at"))), default=None)
        merged.update(row.values)
        merged["name"] = rows[0].name
        if latest is not None:
            merged["last_contact_at"] = latest
    return merged


def _add(session: Session, env: Env, plan: Plan, batch_id: str,
         progress: Progress | None) -> None:
    """The new customers, made as `customer add` makes them (customers.build), written in
    bulk: codes drawn in one query, the customers inserted together, then their creation
    stage changes and audit lines, rather than a round of queries per customer."""
    values = [_merge([row, *plan.merged.get(row.line, [])]) for row in plan.adds]
    _keep_codes(session, [row.code for row in plan.adds if row.code])
    drawn = iter(customers.next_codes(
        session, env, [(v.get("industry"), v.get("region"))
                       for v, row in zip(values, plan.adds, strict=True) if not row.code]))
    codes = [row.code or next(drawn) for row in plan.adds]
    made = []
    roles = schedule.roles(session)
    for fields, code in zip(values, codes, strict=True):
        if progress:
            progress("importing")
        row = customers.new_row(env, fields, code=code, import_batch=batch_id)
        schedule.fill_new(env, row, roles)  # a new lead: no query
        made.append(row)
    session.flush()  # the batch and the code counters first
    if made:
        # One INSERT of the model's table, executemany over every customer (the driver's
        # own loop: no ORM unit of work, no multi-row VALUES text to build and parse, no
        # RETURNING; db.insert_many), then their ids read back through the import_batch
        # index.
        table = Customer.__table__  # type: ignore[attr-defined]
        insert_many(session, table, made)
        by_code = dict(session.execute(sa_select(table.c.code, table.c.id)
                                       .where(table.c.import_batch == batch_id)).all())
        ids = [by_code[row["code"]] for row in made]
        insert_many(session, StageChange.__table__,  # type: ignore[attr-defined]
                    [customers.creation(env, i) for i in ids])
        # each customer's contact becomes its primary contact, as `customer add` does
        people = [customers.primary_contact_row(env, i, row)
                  for i, row in zip(ids, made, strict=True)]
        insert_many(session, Contact.__table__,  # type: ignore[attr-defined]
                    [p for p in people if p is not None])
    audit.record_many(session, env, (f"customer {row['code']} added" for row in made))


def _keep_codes(session: Session, kept: Sequence[str]) -> None:
    """Codes the file gives new customers (free: _decide_duplicates found no customer
    with them): each prefix's counter moves past them, so `customer add` and the codes
    drawn next never hand them out again."""
    from salesflow.models import CodeSequence

    top: dict[str, int] = {}
    for code in kept:
        prefix, number = code.rsplit("-", 1)
        top[prefix] = max(top.get(prefix, 0), int(number))
    if not top:
        return
    seqs = {seq.prefix: seq for seq in session.exec(
        select(CodeSequence).where(col(CodeSequence.prefix).in_(list(top)))
        .with_for_update())}
    for prefix, number in top.items():
        seq = seqs.get(prefix) or CodeSequence(prefix=prefix, last=0)
        seq.last = max(seq.last, number)
        session.add(seq)
    session.flush()


def _update(session: Session, env: Env, plan: Plan, progress: Progress | None) -> None:
    """Existing customers edited as `customer edit` edits them (customers.change) with the
    rows' non-empty cells, never the name (it is what matched); loaded in chunks, flushed
    once."""
    ids = sorted(plan.updates)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        loaded = {c.id: c for c in session.exec(
            select(Customer).where(col(Customer.id).in_(chunk)))}
        with session.no_autoflush:
            for customer_id in chunk:
                customer = loaded[customer_id]
                values = _merge(plan.updates[customer_id])
                values.pop("name", None)
                contact = values.get("last_contact_at")
                if contact and customer.last_contact_at and contact <= customer.last_contact_at:
                    del values["last_contact_at"]
                for _row in plan.updates[customer_id]:
                    if progress:
                        progress("importing")
                if values:
                    customers.change(session, env, customer, values, force=True)
        session.flush()


def _open_batch(session: Session, env: Env, file: str) -> ImportBatch:
    """A new batch id: the team's date and the day's next number, e.g. 20241008-2 (undone
    batches keep their numbers, so an id is never reused)."""
    day = env.today.strftime("%Y%m%d")
    ids = session.exec(select(ImportBatch.id).where(col(ImportBatch.id).like(f"{day}-%")))
    numbers = [int(i.rsplit("-", 1)[1]) for i in ids if i.rsplit("-", 1)[1].isdigit()]
    batch = ImportBatch(id=f"{day}-{max(numbers, default=0) + 1}", file=file, at=env.now,
                        by=env.actor)
    session.add(batch)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(_("import: another import started at the same moment; run "
                         "this one again")) from None
    return batch


# ---------------------------------------------------------------------------- undo


@dataclass
class Undone:
    batch: str
    file: str
    removed: int
    updated: int  # customers the batch updated, which keep their new values


def undo(session: Session, env: Env, batch_id: str) -> Undone:
    """Remove the customers a batch added, if nothing has happened to any of them since."""
    batch = session.get(ImportBatch, batch_id.strip(), with_for_update=True)
    if batch is None:
        raise NotFound(_("undo: no import batch '{batch}'; use the id the import printed, "
                         "e.g. 20241008-1").format(batch=batch_id))
    if batch.undone_at is not None:
        raise Conflict(_("undo: batch {batch} was already undone on {day}").format(
            batch=batch.id, day=env.local_date(batch.undone_at).isoformat()))
    added: dict[int, str] = {}
    for cid, code, forgotten_at in session.exec(
            select(Customer.id, Customer.code, Customer.forgotten_at)
            .where(Customer.import_batch == batch.id)):
        assert cid is not None
        added[cid] = code
        if forgotten_at is not None:
            raise Conflict(_("undo: {code} has had its personal data erased since the "
                             "import; nothing was removed (batch {batch} stays)").format(
                                 code=code, batch=batch.id))
    ids = sorted(added)
    _refuse_if_active(session, batch, ids, added)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        session.execute(delete(StageChange).where(col(StageChange.customer_id).in_(chunk)))
        session.execute(delete(Contact).where(col(Contact.customer_id).in_(chunk)))
        session.execute(delete(Customer).where(col(Customer.id).in_(chunk)))
    batch.undone_at = env.now
    session.add(batch)
    audit.record(session, env, f"import {batch.id} undone: removed {len(ids)} customers")
    session.flush()
    return Undone(batch.id, batch.file, len(ids), batch.updated)


def _refuse_if_active(session: Session, batch: ImportBatch, ids: list[int],
                      codes: dict[int, str]) -> None:
    def refuse(customer_id: int, what: str) -> None:
        raise Conflict(_("undo: {code} has {what} since the import; "
                         "nothing was removed (batch {batch} stays)").format(
                             code=codes[customer_id], what=what, batch=batch.id))

    recorded = ((col(FollowUp.customer_id), N_("a follow-up")),
                (col(Contract.customer_id), N_("a contract")),
                (col(Need.customer_id), N_("a need")),
                (col(KeyDate.customer_id), N_("a key date")))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for column, what in recorded:
            hit = session.execute(sa_select(column).where(column.in_(chunk)).limit(1)).scalar()
            if hit is not None:
                refuse(hit, _(what))
        moved = session.exec(
            select(StageChange.customer_id).where(col(StageChange.customer_id).in_(chunk))
            .group_by(col(StageChange.customer_id)).having(func.count() > 1).limit(1)
        ).first()
        if moved is not None:
            refuse(moved, _("moved stage"))
    # Edits, grading, reassignment and erasure are recorded in the audit trail only.
    by_code = {code: cid for cid, code in codes.items()}
    later = select(Audit.what).where(
        col(Audit.at) >= batch.at,
        ~((col(Audit.at) == batch.at) & (col(Audit.command) == "customer import")),
    )
    for (what,) in session.execute(later.execution_options(yield_per=1000)):
        for code in _CODE.findall(what):
            if code in by_code:
                refuse(by_code[code], _("been changed ('{what}')").format(what=what))


_CODE = re.compile(r"\b[A-Z]{2,4}-[A-Z]{2,4}-[0-9]+\b")
