"""Company names: the duplicate-detection key and the stored name."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.rules.names import name_key, validate_company_name

SAME_KEY = [
    ("华东精密科技有限公司", "华东精密科技"),
    ("华东精密科技 有限公司", "华东精密科技"),
    ("华东精密科技", "华东精密科技"),
    ("华东精密科技股份有限公司", "华东精密科技"),
    ("华东精密科技有限责任公司", "华东精密科技"),
    ("ＡＢＣ Trading Co., Ltd.", "abctrading"),
    ("abc trading", "abctrading"),
    ("ABC  Trading Inc.", "abctrading"),
    ("ABC Trading CO.,LTD", "abctrading"),
    ("ABC Trading Company Limited", "abctrading"),
    ("ABC Trading Corporation", "abctrading"),
    ("ABC Trading GmbH", "abctrading"),
    ("ABC Trading, LLC", "abctrading"),
    ("ABC Trading CoLtd", "abctrading"),
    ("华东Co., Ltd.", "华东"),
    ("\u3000华东精密科技（上海）有限公司\u3000", "华东精密科技上海"),
    ("海尔（集团）有限公司", "海尔集团"),
    ("海尔集团股份有限公司", "海尔集团"),
    ("AT&T Inc.", "att"),
    ("Straße GmbH", "strasse"),
]


@pytest.mark.parametrize(("name", "key"), SAME_KEY, ids=[n for n, _ in SAME_KEY])
def test_name_key_drops_forms_spacing_case_and_suffixes(name: str, key: str) -> None:
    assert name_key(name) == key


DIFFERENT = [
    ("集团 is kept", "海尔集团有限公司", "海尔有限公司"),
    ("branch is a different customer", "华东精密科技有限公司上海分公司", "华东精密科技有限公司"),
    ("suffix glued inside a word: Cisco", "Cisco", "Cis"),
    ("suffix glued inside a word: Zinc", "Zinc", "Z"),
    ("suffix glued inside a word: Tesco", "Tesco", "Tes"),
    ("glued Co before Ltd stays", "ABCCo., Ltd.", "ABC"),
    ("digits matter", "华东精密科技2有限公司", "华东精密科技有限公司"),
]


@pytest.mark.parametrize(
    ("why", "first", "second"), DIFFERENT, ids=[why for why, _, _ in DIFFERENT]
)
def test_name_key_keeps_different_companies_apart(why: str, first: str, second: str) -> None:
    assert name_key(first) != name_key(second)


NOTHING_LEFT = [
    ("有限公司", "有限公司"),
    ("Limited", "limited"),
    ("Company Limited", "companylimited"),
    ("Co., Ltd.", "coltd"),
    ("...", ""),
    ("", ""),
]


@pytest.mark.parametrize(("name", "key"), NOTHING_LEFT, ids=[repr(n) for n, _ in NOTHING_LEFT])
def test_name_key_keeps_unstripped_key_when_stripping_leaves_nothing(name: str, key: str) -> None:
    assert name_key(name) == key


VALID = [
    ("  华东精密科技有限公司 ", "华东精密科技有限公司"),
    ("ABC   Trading\tCo., Ltd.", "ABC Trading Co., Ltd."),
    ("ABC\u3000Trading", "ABC Trading"),
    ("3M", "3M"),
]


@pytest.mark.parametrize(("name", "stored"), VALID, ids=[repr(n) for n, _ in VALID])
def test_validate_company_name_trims_and_collapses(name: str, stored: str) -> None:
    assert validate_company_name(name) == stored


@pytest.mark.parametrize(
    "name",
    ["", "   ", "\u3000", "...", "（）", "-/-"],
    ids=["empty", "spaces", "ideographic", "dots", "parens", "dashes"],
)
def test_validate_company_name_refuses_blank_or_punctuation(name: str) -> None:
    with pytest.raises(ValueError, match="is not a company name; use the full registered name"):
        validate_company_name(name)


# Hypothesis: a name written with different spacing, punctuation, case or full-width forms
# keeps its key. Names are built from words so that separators land between words (a space
# inside an English word may legitimately change the key: "Cis co").

ascii_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=1,
    max_size=8,
)
cjk_word = st.text(alphabet="华东精密科技集团上海有限公司股份责任分", min_size=1, max_size=6)
suffix_word = st.sampled_from(["Co.", "Ltd.", "Inc", "LLC", "Corp.", "有限公司", "股份有限公司"])
words = st.lists(st.one_of(ascii_word, cjk_word, suffix_word), min_size=1, max_size=6)
separator = st.text(alphabet=" \t\u3000.,-_()（）、·&/'\"!?+", min_size=1, max_size=3)

_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in map(chr, range(0x21, 0x7F))}


def _join(parts: list[str], seps: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out


@given(words, st.lists(separator, min_size=6, max_size=6), separator, separator)
def test_separators_between_words_never_change_the_key(
    parts: list[str], seps: list[str], lead: str, tail: str
) -> None:
    assert name_key(lead + _join(parts, seps) + tail) == name_key(" ".join(parts))


@given(words, st.data())
def test_case_and_full_width_never_change_the_key(parts: list[str], data: st.DataObject) -> None:
    name = " ".join(parts)
    flips = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    wides = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    changed = "".join(
        _FULL_WIDTH.get(c.swapcase() if flip else c, c) if wide else (c.swapcase() if flip else c)
        for c, flip, wide in zip(name, flips, wides, strict=True)
    )
    assert name_key(changed) == name_key(name)


@given(
    st.text(alphabet="华东精密科技集团有限公司股份责任分上海", min_size=1, max_size=12), st.data()
)
def test_spaces_anywhere_in_chinese_never_change_the_key(name: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(name)))
    sep = data.draw(separator)
    assert name_key(name[:cut] + sep + name[cut:]) == name_key(name)


@given(st.text(max_size=30))
def test_key_holds_only_letters_marks_and_numbers(name: str) -> None:
    assert all(unicodedata.category(c)[0] in "LMN" for c in name_key(name))


@given(st.text(max_size=30))
def test_validated_names_keep_their_key(name: str) -> None:
    try:
        stored = validate_company_name(name)
    except ValueError:
        assert name_key(name) == ""
    else:
        assert name_key(stored) == name_key(name) != ""
        assert stored == stored.strip() and "  " not in stored
