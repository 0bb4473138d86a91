"""rules/settings.parse_setting: every scalar setting has a stated accepted range."""

from __future__ import annotations

import pytest

from salesflow.rules.settings import parse_setting

ACCEPTED = [
    ("cadence.a.prospecting", "1", ("cadence.A.prospecting", "1"), "cadence-lower-case-min"),
    ("cadence.C.care", "365", ("cadence.C.care", "365"), "cadence-max"),
    ("tier.a.days", "3660", ("tier.a.days", "3660"), "decision-cycle-max"),
    ("tier.a.potential", "100000000万", ("tier.a.potential", "1000000000000.00"),
     "potential-max"),
    ("gm_threshold", "0", ("gm_threshold", "0.00"), "gm-threshold-zero"),
    ("timezone", "Asia/Shanghai", ("timezone", "Asia/Shanghai"), "timezone-iana"),
    ("timezone", "local", ("timezone", ""), "timezone-local"),
]


@pytest.mark.parametrize(("key", "value", "stored"), [a[:3] for a in ACCEPTED],
                         ids=[a[3] for a in ACCEPTED])
def test_parse_setting_accepts(key: str, value: str, stored: tuple[str, str]) -> None:
    assert parse_setting(key, value) == stored


REFUSED = [
    ("cadence.A.prospecting", "0", "from 1 to 365", "cadence-zero"),
    ("cadence.B.care", "-1", "from 1 to 365", "cadence-negative"),
    ("cadence.C.care", "366", "from 1 to 365", "cadence-over-a-year"),
    ("cadence.A.care", "1" + "0" * 30, "from 1 to 365", "cadence-10e30"),
    ("cadence.A.care", "٣٠", "digits 0-9 only", "cadence-arabic-indic"),
    ("tier.b.days", "0", "from 1 to 3660", "decision-cycle-zero"),
    ("tier.b.days", "99999999999999999999", "from 1 to 3660", "decision-cycle-huge"),
    ("tier.a.potential", "1000000000001", "use 0 to 1000000000000 yuan", "potential-absurd"),
    ("gm_threshold", "-5", "negative", "gm-threshold-negative"),
    ("timezone", "Asia", "such as Asia/Shanghai", "timezone-directory"),
    ("timezone", "Mars/Olympus", "such as Asia/Shanghai", "timezone-unknown"),
]


@pytest.mark.parametrize(("key", "value", "says"), [r[:3] for r in REFUSED],
                         ids=[r[3] for r in REFUSED])
def test_parse_setting_refuses_stating_what_is_accepted(key: str, value: str, says: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_setting(key, value)
    assert says in str(excinfo.value)
    assert str(excinfo.value).startswith(f"'{value}'")
