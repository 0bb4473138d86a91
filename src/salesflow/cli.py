"""The root command: global options (--db, --as), sub-apps, and the one error handler.

Only Typer and light modules are imported here; SQLAlchemy, Alembic, Rich tables and the
services load inside the commands that need them, so `--help` and completion stay fast.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesflow import __version__
from salesflow.commands import (
    brief,
    care,
    config,
    contact,
    contract,
    customer,
    demo,
    due,
    export,
    extend,
    followup,
    grade,
    need,
    payment,
    pool,
    project,
    report,
    solution,
    target,
    user,
)
from salesflow.context import AppState
from salesflow.errors import SalesflowError, Terminated
from salesflow.i18n import _, chinese

# Click's UsageError (and its NoSuchOption, MissingParameter … subclasses) as Typer
# exposes it: the base class of typer.BadParameter. STYLE: never `import click`.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]


def _debug() -> bool:
    return os.environ.get("SALESFLOW_DEBUG", "") not in ("", "0")


class SalesflowGroup(TyperGroup):
    """Turns a SalesflowError into `Error: …` on stderr and its exit code; no traceback.
    In Chinese, Click's usage errors (unknown command, missing or unknown option, bad
    value) are translated on their way out, whether the root's own options (make_context)
    or a sub-command's (invoke) caused them; Typer prints them as before."""

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            raise translated_usage_error(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise translated_usage_error(exc) from None
        except SalesflowError as exc:
            _error(exc.message, keep_lines=exc.multiline)
            raise typer.Exit(exc.exit_code) from None
        except (KeyboardInterrupt, Terminated) as exc:
            # The unit of work has rolled back on its way out; a committed one stays.
            typer.echo(_("Error: interrupted; what the command had not yet saved was "
                         "rolled back"), err=True)
            raise typer.Exit(getattr(exc, "exit_code", 130)) from None
        except BrokenPipeError:
            # A named pipe given to `export -o` whose reader left: not an error. (stdout
            # never raises it: main() guards it, see salesflow.stdout.)
            raise typer.Exit(0) from None
        except Exception as exc:
            if _debug() or type(exc).__module__.startswith("typer"):
                raise
            _error(_("internal error ({kind}: {detail}); run again with SALESFLOW_DEBUG=1 "
                     "for the traceback").format(kind=type(exc).__name__, detail=exc))
            raise typer.Exit(1) from None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        if chinese():
            for param in self.get_params(ctx):
                if param.help in _TYPER_HELP:
                    param.help = _TYPER_HELP[param.help]
        super().format_help(ctx, formatter)


# Click's usage errors, as Click words them (the vendored Click in Typer has no gettext).
# Each pattern matches the whole English message; its groups fill the translation.
_USAGE_ERRORS: tuple[tuple[re.Pattern[str], Any], ...] = tuple(
    (re.compile(pattern, re.S), translate) for pattern, translate in (
        (r"No such command '(?P<name>.*)'\.(?: Did you mean (?P<suggest>.*)\?)?",
         lambda m: _("Unknown command '{name}'.").format(name=m["name"]) + (
             _(" Did you mean {suggestions}?").format(suggestions=m["suggest"])
             if m["suggest"] else "")),
        (r"Missing command\.", lambda m: _("Missing command.")),
        (r"No such option: (?P<name>\S+)(?: Did you mean (?P<suggest>\S+)\?)?"
         r"(?: \(Possible options: (?P<options>.*)\))?",
         lambda m: _("No such option: {name}").format(name=m["name"]) + (
             _(" Did you mean {suggestions}?").format(suggestions=m["suggest"])
             if m["suggest"] else "") + (
             _(" (possible options: {options})").format(options=m["options"])
             if m["options"] else "")),
        (r"Missing option (?P<name>.*?)\.(?P<rest>.*)",
         lambda m: _("Missing option {name}.").format(name=m["name"]) + m["rest"]),
        (r"Missing argument (?P<name>.*?)\.(?P<rest>.*)",
         lambda m: _("Missing argument {name}.").format(name=m["name"]) + m["rest"]),
        (r"Invalid value for (?P<name>.*?): (?P<detail>.*)",
         lambda m: _("Invalid value for {name}: {detail}").format(
             name=m["name"], detail=_translated_detail(m["detail"]))),
        (r"Invalid value: (?P<detail>.*)",
         lambda m: _("Invalid value: {detail}").format(
             detail=_translated_detail(m["detail"]))),
        (r"Got unexpected extra arguments? \((?P<args>.*)\)",
         lambda m: _("Unexpected extra arguments ({arguments}).").format(arguments=m["args"])),
        (r"Option '(?P<name>.*)' requires an argument\.",
         lambda m: _("Option '{name}' needs a value.").format(name=m["name"])),
        (r"Option '(?P<name>.*)' requires (?P<n>\d+) arguments\.",
         lambda m: _("Option '{name}' needs {count} values.").format(
             name=m["name"], count=m["n"])),
        (r"Option '(?P<name>.*)' does not take a value\.",
         lambda m: _("Option '{name}' does not take a value.").format(name=m["name"])),
    )
)
# The reasons Typer's own parameter types give inside "Invalid value for …".
_VALUE_DETAILS: tuple[tuple[re.Pattern[str], Any], ...] = tuple(
    (re.compile(pattern, re.S), translate) for pattern, translate in (
        (r"'(?P<value>.*)' is not a valid (?P<kind>integer|float|boolean)(?: range)?\.",
         lambda m: _("'{value}' is not a valid number.").format(value=m["value"])
         if m["kind"] != "boolean" else
         _("'{value}' is not a valid yes/no value.").format(value=m["value"])),
        (r"Input should be a valid (?P<kind>integer|number|boolean)\b.*",
         lambda m: _("Enter a valid whole number.") if m["kind"] == "integer" else
         _("Enter a valid number.") if m["kind"] == "number" else
         _("Enter a valid yes/no value.")),
        (r"(?P<value>.*) is not in the range (?P<range>.*)\.",
         lambda m: _("{value} is not in the range {range}.").format(
             value=m["value"], range=m["range"])),
        (r"'?(?P<value>.*?)'? is not one of (?P<choices>.*)\.",
         lambda m: _("'{value}' is not one of {choices}.").format(
             value=m["value"], choices=m["choices"])),
    )
)


def _translated_detail(detail: str) -> str:
    for pattern, translate in _VALUE_DETAILS:
        if match := pattern.fullmatch(detail):
            return str(translate(match))
    return detail


def translated_usage_error(exc: Any) -> Any:
    """The same exception, its message in the user's language (English: untouched)."""
    if not chinese():
        return exc
    text = exc.format_message()
    for pattern, translate in _USAGE_ERRORS:
        if match := pattern.fullmatch(text):
            text = str(translate(match))
            break
    exc.format_message = lambda: text  # what Typer shows
    return exc


# Typer's and Click's own words in help and errors, under the same msgids as theirs.
_TYPER_HELP: dict[str, str] = {}


def _speak_chinese() -> None:
    """Translate what Typer and its bundled Click print themselves.

    The bundled Click writes its words as plain strings, and Typer reads its rich-help
    titles from module constants (typer.rich_utils) and `gettext.gettext` (typer.core):
    so, for Chinese only, the constants are replaced, typer.core's `_` becomes ours, the
    help option and completion options get translated help, and the usage line its
    prefix. Our catalog holds these msgids with the Chinese of the rest of the program.
    English runs none of this (and `--help` stays as fast as before)."""
    import typer.core as typer_core
    from typer import rich_utils

    typer_core._ = _  # type: ignore[attr-defined]  # "Missing command.", "Options" …
    rich_utils.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich_utils.OPTIONS_PANEL_TITLE = _("Options")
    rich_utils.COMMANDS_PANEL_TITLE = _("Commands")
    rich_utils.ERRORS_PANEL_TITLE = _("Error")
    rich_utils.ABORTED_TEXT = _("Aborted.")
    rich_utils.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")
    rich_utils.DEFAULT_STRING = _("[default: {}]")
    rich_utils.REQUIRED_LONG_STRING = _("[required]")
    rich_utils.ENVVAR_STRING = _("[env var: {}]")
    rich_utils.DEPRECATED_STRING = _("(deprecated) ")
    _TYPER_HELP.update({
        "Install completion for the current shell.":
            _("Install completion for the current shell."),
        "Show completion for the current shell, to copy it or customize the installation.":
            _("Show completion for the current shell, to copy it or customize the "
              "installation."),
    })

    import importlib

    bundled = typer_core._click.__name__  # type: ignore[attr-defined]  # Typer's Click
    formatting = importlib.import_module(f"{bundled}.formatting")
    decorators = importlib.import_module(f"{bundled}.decorators")
    write_usage = formatting.HelpFormatter.write_usage

    def usage_in_chinese(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage_in_chinese
    rich_utils.highlighter.highlights.append(  # keep the usage prefix styled
        r"(?P<usage>" + re.escape(_("Usage: ")) + ")")
    help_option = decorators.help_option

    def help_option_in_chinese(param_decls: Any) -> Any:
        add = help_option(param_decls)

        def apply(command: Any) -> Any:
            result = add(command)
            command.params[-1].help = _("Show this message and exit.")
            return result

        return apply

    decorators.help_option = help_option_in_chinese


if chinese():
    _speak_chinese()


def _error(message: str, *, keep_lines: bool = False) -> None:
    """`Error: …` on stderr, one line: a value echoed in it (a refused name, a file path)
    shows its control characters as escapes, a newline as \\n, never as terminal
    commands. keep_lines: a refusal that lists one problem per line on purpose (an
    import's bad rows; the values in them are escaped where they are echoed)."""
    from salesflow.rules.text import escape_text

    text = escape_text(message, keep="\n" if keep_lines else "")
    typer.echo(_("Error: {message}").format(message=text), err=True)


app = typer.Typer(
    cls=SalesflowGroup,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold customer data
    help=_(
        "A standardized B2B sales process in the terminal: complete customer records, "
        "A/B/C tiers, follow-ups with next actions, and the morning agenda.\n\n"
        "Example: salesflow demo && salesflow due"
    ),
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesflow {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="SALESFLOW_DB", metavar="PATH|URL",
                     help=_("SQLite file, or a SQLAlchemy URL (postgresql+psycopg://…). "
                            "Default: the platform's user data directory.")),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", envvar="SALESFLOW_USER", metavar="NAME",
                     help=_("Acting user (default: your login name).")),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help=_("Show the version and exit."))
    ] = False,
) -> None:
    """Global options; the database opens lazily, only in a command that needs it."""
    ctx.obj = AppState(db=db, user=as_user)


app.add_typer(customer.app, name="customer")
app.add_typer(followup.app, name="followup")
app.add_typer(user.app, name="user")
app.add_typer(config.app, name="config")
app.add_typer(export.app, name="export")
app.add_typer(contract.app, name="contract")
app.add_typer(payment.app, name="payment")
app.add_typer(project.app, name="project")
app.add_typer(need.app, name="need")
app.add_typer(report.app, name="report")
app.add_typer(target.app, name="target")
app.add_typer(extend.app, name="extend")
app.add_typer(contact.app, name="contact")
app.add_typer(solution.app, name="solution")
app.add_typer(pool.app, name="pool")
app.command("grade")(grade.grade)
app.command("due")(due.due)
app.command("demo")(demo.demo)
app.command("brief")(brief.brief)
app.command("backup")(care.backup)
app.command("restore")(care.restore)
app.command("doctor")(care.doctor)


_command: Any = None


def command() -> Any:
    """The Click command Typer builds from `app` (inspecting every command's signature:
    ~0.1 s), built once per process; the warm server (salesflow.server) builds it before
    it forks, so a command's child starts with it ready."""
    global _command
    if _command is None:
        from typer.main import get_command

        _command = get_command(app)
    return _command


def run(args: list[str] | None = None) -> Any:
    """What `app(prog_name="salesflow")` does (typer.Typer.__call__), on the cached
    command."""
    from typer.main import (
        DeveloperExceptionConfig,
        _typer_developer_exception_attr_name,
        except_hook,
    )

    if sys.excepthook != except_hook:
        sys.excepthook = except_hook
    try:
        return command()(args, prog_name="salesflow")
    except Exception as exc:
        setattr(exc, _typer_developer_exception_attr_name, DeveloperExceptionConfig(
            pretty_exceptions_enable=app.pretty_exceptions_enable,
            pretty_exceptions_show_locals=app.pretty_exceptions_show_locals,
            pretty_exceptions_short=app.pretty_exceptions_short))
        raise


def main() -> None:
    from salesflow import stdout

    stdout.install()
    code: Any = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code
    reason = stdout.failure()
    if reason is not None:
        from salesflow.i18n import _

        _error(_("cannot write to standard output ({reason}); the output was "
                 "lost").format(reason=reason))
        code = code or 1
    sys.exit(code)
