"""Contact details: phones become E.164, emails are checked and normalised."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.rules.contact import normalize_email, normalize_phone

PHONES = [
    ("138 0013 8000", "CN", "+8613800138000", "cn-mobile-spaced"),
    ("13800138000", "CN", "+8613800138000", "cn-mobile-bare"),
    ("+86 138-0013-8000", "CN", "+8613800138000", "cn-mobile-international-dashes"),
    ("0086 138 0013 8000", "CN", "+8613800138000", "cn-mobile-00-prefix"),
    ("１３８ ００１３ ８０００", "CN", "+8613800138000", "full-width-digits"),
    ("021-6123 4567", "CN", "+862161234567", "shanghai-landline"),
    ("(021) 6123 4567", "CN", "+862161234567", "shanghai-landline-brackets"),
    ("+86 (0)21 6123 4567", "CN", "+862161234567", "international-with-trunk-zero"),
    ("010 6552 9988", "CN", "+861065529988", "beijing-landline"),
    ("400 820 8820", "CN", "+864008208820", "cn-400-number"),
    ("+1 604 555 0142", "CN", "+16045550142", "vancouver-from-cn-default"),
    ("(604) 681-2020", "CA", "+16046812020", "vancouver-local-in-ca"),
    ("(604) 681-2020", "ca", "+16046812020", "region-lower-case"),
    ("+44 20 7946 0958", "CN", "+442079460958", "london"),
]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [(t, r, e) for t, r, e, _ in PHONES],
    ids=[i for *_, i in PHONES],
)
def test_normalize_phone_accepts(text: str, region: str, expected: str) -> None:
    assert normalize_phone(text, region) == expected


def test_default_region_is_cn() -> None:
    assert normalize_phone("021-6123 4567") == "+862161234567"


BAD_PHONES = [
    ("12345", "CN", "+86 138 0013 8000", "too-short"),
    ("138 0013 800", "CN", "+86 138 0013 8000", "mobile-one-digit-short"),
    ("138 0013 80000", "CN", "+86 138 0013 8000", "mobile-one-digit-long"),
    ("abc", "CN", "+86 138 0013 8000", "letters"),
    ("", "CN", "+86 138 0013 8000", "empty"),
    ("+1 000 000 0000", "CN", "+86 138 0013 8000", "impossible-north-american"),
    ("12345", "US", "+1 201-555-0123", "other-region-gets-its-own-example"),
    ("6123 4567", "CA", "+1 506-234-5678", "shanghai-local-read-in-ca"),
    ("1" * 300, "CN", "+86 138 0013 8000", "far-too-long"),
]


@pytest.mark.parametrize(
    ("text", "region", "example"),
    [(t, r, e) for t, r, e, _ in BAD_PHONES],
    ids=[i for *_, i in BAD_PHONES],
)
def test_normalize_phone_refuses(text: str, region: str, example: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        normalize_phone(text, region)
    assert str(excinfo.value) == (
        f"{text!r} is not a valid phone number for region {region}; "
        f"use a full number such as {example}"
    )


def test_phone_message_from_the_brief_word_for_word() -> None:
    with pytest.raises(ValueError) as excinfo:
        normalize_phone("12345")
    assert str(excinfo.value) == (
        "'12345' is not a valid phone number for region CN; use a full number such as "
        "+86 138 0013 8000"
    )


def test_extension_is_refused_rather_than_dropped() -> None:
    with pytest.raises(ValueError) as excinfo:
        normalize_phone("138 0013 8000 ext 12")
    message = str(excinfo.value)
    assert message.startswith("'138 0013 8000 ext 12' has an extension (12)")
    assert "+8613800138000" in message


@pytest.mark.parametrize(
    "region", ["XX", "", "CHN", "86"], ids=["unknown", "empty", "alpha-3", "dial-code"]
)
def test_unknown_region_is_refused(region: str) -> None:
    with pytest.raises(ValueError, match="is not a phone region; use a two-letter country code"):
        normalize_phone("138 0013 8000", region)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=10**8 - 1), st.sampled_from(["138", "139", "186"]))
def test_cn_mobile_spellings_agree(rest: int, prefix: str) -> None:
    digits = f"{prefix}{rest:08d}"
    spaced = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    e164 = normalize_phone(digits)
    assert e164 == "+86" + digits
    assert normalize_phone(spaced) == e164
    assert normalize_phone(f"+86-{digits[:3]}-{digits[3:7]}-{digits[7:]}") == e164
    assert normalize_phone(e164) == e164  # idempotent


EMAILS = [
    ("li.wei@example.com", "li.wei@example.com", "plain"),
    ("Li.Wei@Example.COM", "Li.Wei@example.com", "domain-lower-cased-local-kept"),
    ("  li@example.com ", "li@example.com", "surrounding-space"),
    ("li+crm@example.com.cn", "li+crm@example.com.cn", "plus-tag-and-cn-domain"),
    ("ｌｉ＠ｅｘａｍｐｌｅ．ｃｏｍ", "li@example.com", "full-width-from-ime"),
    ("李伟@例子.中国", "李伟@例子.中国", "internationalised"),
    ("li@EXAMPLE.网址", "li@example.网址", "idn-tld"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for t, e, _ in EMAILS], ids=[i for *_, i in EMAILS]
)
def test_normalize_email_accepts(text: str, expected: str) -> None:
    assert normalize_email(text) == expected


BAD_EMAILS = [
    ("li@@x", "the part after the @-sign contains invalid characters", "double-at"),
    ("", "an email address must have an @-sign", "empty"),
    ("li.example.com", "an email address must have an @-sign", "no-at"),
    ("li@x", "it should have a period", "no-dot-in-domain"),
    ("li wei@example.com", "invalid characters before the @-sign", "space-in-local"),
    ("li..wei@example.com", "cannot have two periods in a row", "double-dot"),
    ("li@-example.com", "cannot have a hyphen immediately after the @-sign", "hyphen-domain"),
    ("@example.com", "there must be something before the @-sign", "no-local-part"),
    ("li@", "there must be something after the @-sign", "no-domain"),
]


@pytest.mark.parametrize(
    ("text", "reason"), [(t, r) for t, r, _ in BAD_EMAILS], ids=[i for *_, i in BAD_EMAILS]
)
def test_normalize_email_refuses(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        normalize_email(text)
    message = str(excinfo.value)
    assert message.startswith(f"{text!r} is not a valid email address: ")
    assert reason in message.lower()
    assert "\n" not in message
    assert not message.endswith(".")


@settings(max_examples=100, deadline=None)
@given(
    st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?@[a-z]{1,12}\.(com|cn|com\.cn)", fullmatch=True)
)
def test_normalizing_an_email_is_idempotent(address: str) -> None:
    once = normalize_email(address.upper())
    assert normalize_email(once) == once
    assert once.split("@")[1] == address.split("@")[1]
