"""Free text that reaches a colleague's terminal: names, summaries, terms, settings.

Everything a person types is stored and later printed to every colleague who lists it, so
a value must not carry characters that act on a terminal or hide what the text says:

- C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F): ESC starts the terminal's
  escape sequences (ESC]0;…BEL sets the window title, ESC[2J clears the screen), CR
  overwrites a line. Newline is kept where a field holds several lines (notes, summary,
  terms), and so is tab there, since a pasted paragraph often carries one;
- bidirectional controls (Unicode TR #9: U+202A–U+202E embeddings and overrides,
  U+2066–U+2069 isolates, U+200E/U+200F marks, U+061C the Arabic letter mark): they
  reorder what is shown, so that the text read is not the text stored (CVE-2021-42574);
- zero-width characters (U+200B–U+200D, U+2060, U+FEFF): invisible, they make two equal-
  looking names differ;
- lone surrogates: what Python makes of bytes that are not UTF-8 in an argument.

check_text() refuses such a value (the caller names the field); escape_text() shows any
text with these characters written as escapes (\\x1b, \\u202e), for error messages and
for data stored before the check existed.
"""

from __future__ import annotations

import re

from salesflow.i18n import _

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_MULTILINE_KEPT = frozenset("\n\t")


# The same characters as _refused(), as one character class, so that the usual value
# (nothing refused) is checked by the regex engine rather than a Python loop per character.
_ANY_REFUSED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u200b-\u200d\u2060\ufeff\ud800-\udfff]")


def _refused(char: str) -> bool:
    code = ord(char)
    return (code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI or char in _ZERO_WIDTH
            or 0xD800 <= code <= 0xDFFF)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def has_refused(text: str) -> bool:
    """Whether the text holds any character escape_text would escape (or keep)."""
    return _ANY_REFUSED.search(text) is not None


def escape_text(text: str, *, keep: str = "") -> str:
    """The text with every refused character written as an escape (ESC → \\x1b), except
    those in `keep` (e.g. "\\n" for a multi-line table cell)."""
    if not _ANY_REFUSED.search(text):
        return text
    return "".join(_escape(c) if _refused(c) and c not in keep else c for c in text)


def _describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return _("bytes that are not UTF-8")
    if char in _BIDI:
        return _("a bidirectional control character (U+{code:04X})").format(code=code)
    if char in _ZERO_WIDTH:
        return _("a zero-width character (U+{code:04X})").format(code=code)
    return _("a control character (U+{code:04X})").format(code=code)


def check_text(text: str, *, multiline: bool = False) -> str:
    """The text unchanged when it holds only printable characters (and, when multiline,
    newlines and tabs); otherwise ValueError naming the first refused character."""
    if not _ANY_REFUSED.search(text):
        return text
    for char in text:
        if _refused(char) and not (multiline and char in _MULTILINE_KEPT):
            accepted = (_("printable text, newlines and tabs") if multiline
                        else _("printable text on one line"))
            raise ValueError(_("'{value}' contains {what}; use {accepted}").format(
                value=escape_text(text), what=_describe(char), accepted=accepted))
    return text
