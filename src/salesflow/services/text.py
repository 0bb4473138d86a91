"""Free text given on the command line or in a file, checked once for every service
(rules.text.check_text) and refused with the field's name."""

from __future__ import annotations

from typing import overload

from salesflow.errors import InputError
from salesflow.rules.text import check_text


@overload
def field_text(field: str, value: str, *, multiline: bool = False) -> str: ...
@overload
def field_text(field: str, value: None, *, multiline: bool = False) -> None: ...
def field_text(field: str, value: str | None, *, multiline: bool = False) -> str | None:
    """`value` unchanged (None too), or InputError `FIELD: '…\\x1b…' contains …`."""
    if value is None:
        return None
    try:
        return check_text(value, multiline=multiline)
    except ValueError as exc:
        raise InputError.field(field, exc) from None
