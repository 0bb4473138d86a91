"""`salesflow backup`, `restore` and `doctor` — care of the database file (SPEC §10)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from salesflow.commands._options import FormatOpt, check_format, state
from salesflow.i18n import _


def _local_now():  # type: ignore[no-untyped-def]
    """The machine's local time (honouring SALESFLOW_TODAY), for backup file names: read
    before the database is opened, so it cannot use the team's zone setting."""
    from salesflow.context import read_clock, team_zone

    zone = team_zone(None)
    return read_clock(zone).astimezone(zone)


def backup(
    ctx: typer.Context,
    dest: Annotated[Path | None, typer.Argument(
        help=_("File or folder to write the copy to. Default: "
               "backups/salesflow-YYYYMMDD-HHMMSS.db beside the database."))] = None,
    keep: Annotated[int | None, typer.Option(
        "--keep", metavar="N",
        help=_("Then delete all but the N newest default-named backups in that folder "
               "(the newest is always kept)."))] = None,
) -> None:
    from salesflow.output import message
    from salesflow.rules.text import escape_text
    from salesflow.services import care

    location = state(ctx).location
    care.refuse_postgresql(location, "backup")
    source = care.existing_database(location)
    done = care.backup(source, dest.expanduser() if dest else None, moment=_local_now(),
                       keep=keep)
    typer.echo(escape_text(str(done.path)))  # a path is data: no raw control character
    for path in done.rotated:
        message(_("removed old backup {path}").format(path=path))


backup.__doc__ = _(
    "Copy the database while it is in use: a consistent copy, written 0600, checked\n"
    "before it counts. On PostgreSQL use the server's pg_dump.\n"
    "\n"
    "Examples: salesflow backup · salesflow backup --keep 14 · salesflow backup /mnt/usb/"
)



def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("A backup made by salesflow backup."))],
    yes: Annotated[bool, typer.Option("--yes", help=_("Do not ask for confirmation."))]
    = False,
) -> None:
    from salesflow.output import message
    from salesflow.services import care

    location = state(ctx).location
    care.refuse_postgresql(location, "restore")
    target = care.existing_database(location)
    file = file.expanduser()
    care.check_restorable(file)  # refuse a bad file before asking anything
    if not yes:
        from salesflow.errors import InputError

        if not sys.stdin.isatty():
            raise InputError(_("restore replaces the whole database {db}; run it again with "
                               "--yes to confirm").format(db=target))
        if not typer.confirm(_("Replace {db} with {file}? The current database is backed "
                               "up first.").format(db=target, file=file)):
            message(_("nothing restored"))
            raise typer.Exit(1)
    done = care.restore(target, file, moment=_local_now())
    message(_("the previous database was backed up to {path}").format(path=done.safety_copy))
    if done.version != care.HEAD:
        care.upgrade(location)
        message(_("restored {file} (schema {version}, upgraded to {head})").format(
            file=file, version=done.version, head=care.HEAD))
    else:
        message(_("restored {file}").format(file=file))


restore.__doc__ = _(
    "Replace the database with a backup, after checking it and backing up the current\n"
    "database. Refused while another salesflow command uses the database. An older backup\n"
    "is upgraded to this salesflow's schema right after.\n"
    "\n"
    "Example: salesflow restore backups/salesflow-20241008-090000.db --yes"
)



def doctor(
    ctx: typer.Context,
    fix: Annotated[bool, typer.Option("--fix", help=_(
        "Recompute wrong due dates and tighten file modes; list what could not be "
        "fixed."))] = False,
    fmt: FormatOpt = "table",
) -> None:
    import json

    from salesflow.output import message
    from salesflow.rules.care import healthy
    from salesflow.services import care

    fmt = check_format(fmt, ("table", "json"))
    app_state = state(ctx)
    location = app_state.location
    findings = []
    is_sqlite = "://" not in location
    whole = True
    if is_sqlite:
        path = care.existing_database(location)
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            mounts = ""
        findings.extend(care.file_findings(path, fix=fix, mounts=mounts))
        whole = not any(f.check == "integrity" for f in findings)
    version = care.stored_version(location) if whole else None
    schema = care.schema_finding(version) if whole else None
    if schema is not None:
        findings.append(schema)
    if whole and version == care.HEAD:
        with app_state.unit("doctor", write=fix) as unit:
            findings.extend(care.due_findings(unit.session, unit.env, fix=fix))
            if is_sqlite:
                erased = care.erased_backups_finding(
                    Path(location).expanduser(), care.forgotten_count(unit.session))
                if erased is not None:
                    findings.append(erased)
    calendar = care.calendar_check(_local_now().year)
    if calendar is not None:
        findings.append(calendar)
    if fmt == "json":
        typer.echo(json.dumps([{"check": f.check, "severity": f.severity,
                                "message": str(f.message), "fixed": f.fixed}
                               for f in findings],
                              ensure_ascii=False, indent=2))
    else:
        labels = {"fixed": _("fixed"), "problem": _("problem"), "warning": _("warning")}
        for f in findings:
            label = labels.get("fixed" if f.fixed else f.severity, f.severity)
            typer.echo(_("{label}: {message}").format(label=label,
                                                     message=f.message.translated()))
    if not healthy(findings):
        raise typer.Exit(1)
    if fmt != "json":
        message(_("healthy: no problems found") if not findings
                else _("healthy: no problems left"))


doctor.__doc__ = _(
    "Check the database: integrity, foreign keys, schema version, stored due dates,\n"
    "file modes, a network or cloud-synced folder, the holiday calendar's last year, and\n"
    "migration backups that still hold erased data. One line per finding; exit 1 when a\n"
    "problem remains.\n"
    "\n"
    "Examples: salesflow doctor · salesflow doctor --fix · salesflow doctor --format json"
)

