"""Profile completeness (信息完整性校验)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.rules.completeness import REQUIRED_FIELDS, missing_fields

COMPLETE: dict[str, object] = {
    "name": "华东精密科技有限公司",
    "industry": "制造业",
    "contact_name": "张伟",
    "contact_title": "采购总监",
    "contact_role": "decision-maker",
    "phone": "+8613800138000",
    "email": "zhang@example.com",
    "source": "trade-show",
    "need": "自动化分拣设备",
}


def test_required_fields_in_form_order() -> None:
    assert REQUIRED_FIELDS == (
        "name",
        "industry",
        "contact_name",
        "contact_title",
        "contact_role",
        "phone/email",
        "source",
        "need",
    )


CASES = [
    ("complete", {}, []),
    ("phone only is enough", {"email": None}, []),
    ("email only is enough", {"phone": ""}, []),
    ("neither phone nor email", {"phone": None, "email": "  "}, ["phone/email"]),
    ("blank industry", {"industry": "   "}, ["industry"]),
    ("None title", {"contact_title": None}, ["contact_title"]),
    ("ideographic space need", {"need": "\u3000"}, ["need"]),
    (
        "several, in order",
        {"need": None, "name": "", "contact_role": None, "phone": None, "email": None},
        ["name", "contact_role", "phone/email", "need"],
    ),
    ("non-string value counts", {"source": 0}, []),
]


@pytest.mark.parametrize(("why", "changes", "missing"), CASES, ids=[c[0] for c in CASES])
def test_missing_fields(why: str, changes: dict[str, object], missing: list[str]) -> None:
    assert missing_fields({**COMPLETE, **changes}) == missing


def test_empty_profile_misses_everything() -> None:
    assert missing_fields({}) == list(REQUIRED_FIELDS)


def test_absent_keys_count_as_missing() -> None:
    profile = {k: v for k, v in COMPLETE.items() if k not in ("industry", "phone", "email")}
    assert missing_fields(profile) == ["industry", "phone/email"]


FIELDS = [
    "name",
    "industry",
    "contact_name",
    "contact_title",
    "contact_role",
    "phone",
    "email",
    "source",
    "need",
]
blank = st.one_of(st.none(), st.text(alphabet=" \t\n\u3000", max_size=3))


@given(st.dictionaries(st.sampled_from(FIELDS), blank))
def test_blanking_fields_reports_exactly_those_fields(blanked: dict[str, object]) -> None:
    missing = missing_fields({**COMPLETE, **blanked})
    expected = {f for f in blanked if f not in ("phone", "email")}
    if "phone" in blanked and "email" in blanked:
        expected.add("phone/email")
    assert set(missing) == expected
    assert missing == [f for f in REQUIRED_FIELDS if f in missing]
