"""Options shared by every command that prints rows (one set, as in sqlite-utils)."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.i18n import _

FormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help=_("Output format: table, csv or json."),
                 case_sensitive=False),
]
ExcelOpt = Annotated[
    bool, typer.Option("--excel", help=_("CSV with a UTF-8 BOM, so Excel shows Chinese."))
]
RawOpt = Annotated[
    bool, typer.Option("--raw", help=_("CSV without formula protection (no ' prefix)."))
]


def check_format(value: str, accepted: tuple[str, ...] = ("table", "csv", "json")) -> str:
    value = value.lower()
    if value not in accepted:
        raise typer.BadParameter(
            _("'{value}' is not a format; use {formats}").format(
                value=value, formats=", ".join(accepted)), param_hint="--format"
        )
    return value


def state(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from salesflow.context import AppState

    obj = ctx.find_object(AppState)
    return obj if obj is not None else AppState()


def whole_number(field: str, low: int, high: int):  # type: ignore[no-untyped-def]
    """A Typer `parser` for an integer option: rules/numbers.parse_int, so `٣`, `３`,
    `1_000` and values beyond [low, high] are refused as one `Error: FIELD: …` line
    (exit 1, like every other bad value), naming the accepted range."""

    def parse(value: object) -> int:
        if isinstance(value, int):
            return value
        from salesflow.errors import InputError
        from salesflow.rules.numbers import parse_int

        try:
            return parse_int(str(value), low, high)
        except ValueError as exc:
            raise InputError.field(field, exc) from None

    return parse


def complete_customer(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of every customer REF argument (one function, one query)."""
    from salesflow.completion import customer_refs, location_of

    return customer_refs(location_of(ctx), incomplete)


def customer_ref(help_text: str | None = None):  # type: ignore[no-untyped-def]
    """A customer REF argument: a code or a company name, completed from the database."""
    return typer.Argument(help=help_text or _("Customer code or company name."),
                          autocompletion=complete_customer)


CustomerRef = Annotated[str, customer_ref()]
