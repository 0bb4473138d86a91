"""The translation function: every string a person reads goes through `_` (SPEC §16).

Standard gettext, domain `salesflow`, catalogs in `salesflow/locale/<lang>/LC_MESSAGES/`
(the `.po` files are the source; the build compiles them to `.mo`, see setup.py).
The language is resolved once per process: SALESFLOW_LANG, else LC_ALL / LC_MESSAGES /
LANG; Simplified Chinese when the value names `zh` (`zh`, `zh_CN`, `zh_CN.UTF-8`), English
(the msgids) otherwise. Identifiers, enum values, CSV/JSON keys and stored data never go
through `_`.

`N_` marks a message where it is defined (a module constant, a column label) and leaves it
untranslated; the code that shows it calls `_` on it then, in the language of the moment.

Only the standard library is imported here, so rules may use `_` and stay pure; gettext
only when a message is first translated (the launcher reads `language()` on every
command, and gettext with its `re`, `pathlib` and `enum` costs it ~10 ms).
Re-extract and update the catalogs with `python scripts/i18n.py` (README, "Translations").
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing's: importing typing costs the launcher ~4 ms
if TYPE_CHECKING:
    import gettext

DOMAIN = "salesflow"
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
LANGUAGES = ("en", "zh_CN")

_translation: gettext.NullTranslations | None = None


def language() -> str:
    """`zh_CN` or `en`, from the first of the variables that is set."""
    for name in ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip()
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"


def chinese() -> bool:
    return language() == "zh_CN"


def _catalog() -> gettext.NullTranslations:
    global _translation
    if _translation is None:
        import gettext

        lang = language()
        _translation = (
            gettext.NullTranslations() if lang == "en" else gettext.translation(
                DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)
        )
    return _translation


def reset() -> None:
    """Forget the resolved language (tests that switch it; the process never needs to)."""
    global _translation
    _translation = None


def _(message: str) -> str:
    """The message in the user's language (the English msgid when there is no catalog)."""
    return _catalog().gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a message for extraction without translating it yet."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)


class Msg(str):
    """A message that machine output keeps in English and a person reads translated.

    The string itself is the English text (`msgid.format(**params)`), so CSV and JSON hold
    the same bytes in every language; `translated()` is the text in the user's language,
    for tables and calendar feeds. Extraction knows `Msg` as a keyword, like `_`:

        action = Msg("payment overdue: {amount} of {number}; chase it", amount=…, number=…)
    """

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, **params: object) -> Msg:
        self = super().__new__(cls, msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params
        return self

    def translated(self) -> str:
        text = _(self.msgid)
        if not self.params:
            return text
        return text.format(**{k: v.translated() if isinstance(v, Msg) else v
                              for k, v in self.params.items()})

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict[str, object]) -> Msg:
    return Msg(msgid, **params)


# The names extraction looks for (scripts/i18n.py, tests/test_i18n.py): gettext's own, plus
# Msg for the messages kept English in machine output.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Msg": None}
