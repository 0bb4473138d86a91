"""Contact details: phone numbers in E.164 and email addresses checked for syntax.

SPEC §1: the customer register (客户信息登记表) keeps a contact's phone and email; phones
are validated and stored in ITU-T E.164 form (+8613800138000) using the numbering plans
of Google's libphonenumber (`phonenumbers`), read in a default region (a setting, `CN`
by default) when written without a country code; emails are checked against the syntax of
RFC 5321/5322 (with internationalised addresses per RFC 6531) by `email_validator`,
without any DNS lookup, and stored in its normalised form (domain lower-cased, IDNA).
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from salesflow.i18n import _

# The numbers the standard's own forms use as examples; other regions get libphonenumber's.
_EXAMPLE_NUMBERS = {"CN": "+86 138 0013 8000"}


def normalize_phone(text: str, region: str = "CN") -> str:
    """E.164 form of a phone number: '138 0013 8000' → '+8613800138000'.

    A number without a country code is read in `region` (ISO 3166-1 alpha-2, e.g. CN).
    Full-width digits and the usual punctuation (spaces, dashes, brackets) are accepted.
    """
    region = region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            _("{region!r} is not a phone region; use a two-letter country code such as CN or "
              "US").format(region=region)
        )
    def refusal() -> ValueError:  # made only for a bad number (an import checks thousands)
        return ValueError(
            _("{text!r} is not a valid phone number for region {region}; "
              "use a full number such as {example}").format(
                text=text, region=region, example=_example_number(region)))

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise refusal() from None
    if not phonenumbers.is_valid_number(number):
        raise refusal()
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number.extension:
        # E.164 has no extensions; dropping one silently would lose how to reach the person.
        raise ValueError(
            _("{text!r} has an extension ({extension}), which E.164 cannot hold; "
              "give the number alone, {e164}, and put the extension in the notes").format(
                text=text, extension=number.extension, e164=e164)
        )
    return e164


def normalize_email(text: str) -> str:
    """Normalised email address: 'Li.Wei@Example.COM' → 'Li.Wei@example.com'.

    Syntax only (no DNS lookup). NFKC first, so that full-width letters and ＠ typed with a
    Chinese input method become ASCII. The local part keeps its case, since only the
    receiving server may decide that Li.Wei and li.wei are the same mailbox.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    try:
        return validate_email(cleaned, check_deliverability=False).normalized
    except EmailNotValidError as error:
        reason = str(error).rstrip(".")
        raise ValueError(
            _("{text!r} is not a valid email address: {reason}").format(
                text=text, reason=reason[:1].lower() + reason[1:])
        ) from None


def _example_number(region: str) -> str:
    if region in _EXAMPLE_NUMBERS:
        return _EXAMPLE_NUMBERS[region]
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return _EXAMPLE_NUMBERS["CN"]
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
