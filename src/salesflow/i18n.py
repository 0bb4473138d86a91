"""The translation function: every string a person reads goes through `_` (SPEC §16).

Standard gettext, domain `salesflow`, catalogs in `salesflow/locale/<lang>/LC_MESSAGES/`.
The language is resolved once per process: SALESFLOW_LANG, else LC_ALL / LC_MESSAGES /
LANG; Simplified Chinese when the value names `zh`, English (the msgids) otherwise.
Identifiers, enum values, CSV/JSON keys and stored data never go through `_`.

Only the standard library is imported here, so rules may use `_` and stay pure.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "salesflow"
LOCALE_DIR = Path(__file__).parent / "locale"

_translation: gettext.NullTranslations | None = None


def language() -> str:
    """`zh_CN` or `en`, from the first of the variables that is set."""
    for name in ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def _catalog() -> gettext.NullTranslations:
    global _translation
    if _translation is None:
        _translation = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language()], fallback=True
        )
    return _translation


def _(message: str) -> str:
    """The message in the user's language (the English msgid when there is no catalog)."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)
