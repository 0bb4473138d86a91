"""Free text: control, bidi and zero-width characters refused, and escaped when shown."""

from __future__ import annotations

import pytest

from salesflow.rules.text import check_text, escape_text

ACCEPTED = [
    ("华东精密科技有限公司", False),
    ("ABC Trading Co., Ltd.", False),
    ("华南[/]贸易 [red]x[/red]", False),  # brackets are text, not markup
    ("王强 — 采购总监 ✓ 😀", False),
    ("第一行\n第二行", True),
    ("列1\t列2", True),
    ("", False),
]


@pytest.mark.parametrize(("text", "multiline"), ACCEPTED,
                         ids=["chinese", "latin", "brackets", "symbols", "newline-multi",
                              "tab-multi", "empty"])
def test_accepted_unchanged(text: str, multiline: bool) -> None:
    assert check_text(text, multiline=multiline) == text


REFUSED = [
    ("A\x1b]0;pwned\x07公司", False, "\\x1b]0;pwned\\x07", "control character (U+001B)"),
    ("A\x1b[2J公司", False, "\\x1b[2J", "control character (U+001B)"),
    ("A\r公司", False, "\\x0d", "control character (U+000D)"),
    ("A\nB", False, "A\\x0aB", "control character (U+000A)"),
    ("A\tB", False, "A\\x09B", "control character (U+0009)"),
    ("A\x00B", True, "\\x00", "control character (U+0000)"),
    ("A\x7fB", True, "\\x7f", "control character (U+007F)"),
    ("A\x9bB", True, "\\x9b", "control character (U+009B)"),
    ("A\rB", True, "\\x0d", "control character (U+000D)"),
    ("abc\u202egpj.exe", False, "\\u202e", "bidirectional control character (U+202E)"),
    ("a\u2066b", True, "\\u2066", "bidirectional control character (U+2066)"),
    ("a\u200fb", False, "\\u200f", "bidirectional control character (U+200F)"),
    ("a\u061cb", False, "\\u061c", "bidirectional control character (U+061C)"),
    ("华东\u200b精密", False, "\\u200b", "zero-width character (U+200B)"),
    ("\ufeff华东", False, "\\ufeff", "zero-width character (U+FEFF)"),
    ("a\u2060b", True, "\\u2060", "zero-width character (U+2060)"),
    ("\udcff\udcfe", False, "\\udcff\\udcfe", "not UTF-8"),
]


@pytest.mark.parametrize(("text", "multiline", "shown", "what"), REFUSED,
                         ids=["osc-title", "clear-screen", "cr", "newline-single",
                              "tab-single", "nul-multi", "del", "c1-csi", "cr-multi",
                              "rlo", "lri", "rlm", "alm", "zwsp", "bom", "word-joiner",
                              "invalid-utf8"])
def test_refused_names_the_character_and_escapes_the_value(
        text: str, multiline: bool, shown: str, what: str) -> None:
    with pytest.raises(ValueError) as refusal:
        check_text(text, multiline=multiline)
    message = str(refusal.value)
    assert shown in message and what in message
    assert all(c.isprintable() for c in message), repr(message)


@pytest.mark.parametrize(("text", "keep", "expected"), [
    ("plain 文本", "", "plain 文本"),
    ("a\x1b[2Jb", "", "a\\x1b[2Jb"),
    ("a\nb\rc", "\n", "a\nb\\x0dc"),
    ("a\u202eb", "", "a\\u202eb"),
], ids=["untouched", "esc", "keep-newline", "bidi"])
def test_escape_text(text: str, keep: str, expected: str) -> None:
    assert escape_text(text, keep=keep) == expected
