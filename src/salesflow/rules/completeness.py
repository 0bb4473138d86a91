"""Profile completeness (信息完整性校验): what a customer record still lacks.

From 客户信息登记表 and 信息完整性校验 (收集信息后, 需核对关键字段是否完整): a profile is
incomplete while any of these is missing — the company name, its industry, the contact's
name, title and role (决策者/影响者/使用者), a way to reach them (phone or email, either
will do), the lead source and the initial need. A value is missing when it is absent,
None, or a blank string.
"""

from __future__ import annotations

from collections.abc import Mapping

PHONE_OR_EMAIL = "phone/email"

# In the order the registration form asks for them, which is the order they are reported.
REQUIRED_FIELDS: tuple[str, ...] = (
    "name",
    "industry",
    "contact_name",
    "contact_title",
    "contact_role",
    PHONE_OR_EMAIL,
    "source",
    "need",
)


def _present(profile: Mapping[str, object], field: str) -> bool:
    value = profile.get(field)
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def missing_fields(profile: Mapping[str, object]) -> list[str]:
    """The required fields the profile lacks, in REQUIRED_FIELDS order; [] when complete.

    Phone and email count as one requirement, reported as "phone/email".
    """
    missing = []
    for field in REQUIRED_FIELDS:
        if field == PHONE_OR_EMAIL:
            present = _present(profile, "phone") or _present(profile, "email")
        else:
            present = _present(profile, field)
        if not present:
            missing.append(field)
    return missing
