"""Customer codes: industry and region codes, prefixes, formatting and parsing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.rules.codes import (
    DEFAULT_INDUSTRY_CODES,
    DEFAULT_REGION_CODES,
    code_prefix,
    format_code,
    industry_code,
    parse_code,
    region_code,
    validate_mapping_code,
)

INDUSTRIES = [
    ("制造业", "MFG"),
    ("制造", "MFG"),
    ("Manufacturing", "MFG"),
    ("  MANUFACTURING  ", "MFG"),
    ("零售", "RET"),
    ("retail", "RET"),
    ("零售业", "RET"),
    ("软件", "TEC"),
    ("互联网", "TEC"),
    ("IT", "TEC"),
    ("ＩＴ", "TEC"),
    ("信息技术", "TEC"),
    ("Information-Technology", "TEC"),
    ("金融", "FIN"),
    ("银行", "FIN"),
    ("医疗", "MED"),
    ("医药", "PHA"),
    ("Pharmaceuticals", "PHA"),
    ("教育", "EDU"),
    ("物流", "LOG"),
    ("能源", "ENE"),
    ("建筑", "CON"),
    ("real estate", "REA"),
    ("Real  Estate", "REA"),
    ("房地产", "REA"),
    ("汽车", "AUT"),
    ("汽车零部件", "AUT"),
    ("化工", "CHE"),
    ("电子", "ELE"),
    ("电子商务", "RET"),
    ("食品", "FOO"),
    ("通信", "TEL"),
    ("政府", "GOV"),
    ("农业", "AGR"),
    ("批发", "WHO"),
    ("服务", "SRV"),
    ("consulting", "CSL"),
    ("Mining", "MIN"),
    ("mining & metals", "MIN"),
    ("Énergie renouvelable", "ENE"),
    ("MFG", "MFG"),
    ("AI", "AI"),
    ("矿业", "GEN"),
    ("5G", "GEN"),
    ("", "GEN"),
    ("   ", "GEN"),
    (None, "GEN"),
]


@pytest.mark.parametrize(("value", "code"), INDUSTRIES, ids=[repr(v) for v, _ in INDUSTRIES])
def test_industry_code(value: str | None, code: str) -> None:
    assert industry_code(value) == code


REGIONS = [
    ("华东", "EC"),
    ("East China", "EC"),
    ("华南", "SC"),
    ("华北", "NC"),
    ("华中", "CC"),
    ("西南", "SW"),
    ("西北", "NW"),
    ("东北", "NE"),
    ("港澳台", "HMT"),
    ("香港", "HMT"),
    ("Hong Kong", "HMT"),
    ("海外", "OS"),
    ("overseas", "OS"),
    ("上海", "EC"),
    ("上海市", "EC"),
    ("Shanghai", "EC"),
    ("江苏省", "EC"),
    ("jiangsu province", "EC"),
    ("浙江", "EC"),
    ("安徽", "EC"),
    ("福建", "EC"),
    ("江西", "EC"),
    ("山东", "EC"),
    ("广东省", "SC"),
    ("Guangdong", "SC"),
    ("广西壮族自治区", "SC"),
    ("海南", "SC"),
    ("北京市", "NC"),
    ("Beijing", "NC"),
    ("天津", "NC"),
    ("河北", "NC"),
    ("山西", "NC"),
    ("Shanxi", "NC"),
    ("内蒙古自治区", "NC"),
    ("河南", "CC"),
    ("湖北省", "CC"),
    ("湖南", "CC"),
    ("重庆市", "SW"),
    ("四川", "SW"),
    ("贵州", "SW"),
    ("云南", "SW"),
    ("西藏自治区", "SW"),
    ("陕西", "NW"),
    ("Shaanxi", "NW"),
    ("甘肃", "NW"),
    ("青海", "NW"),
    ("宁夏回族自治区", "NW"),
    ("新疆维吾尔自治区", "NW"),
    ("辽宁", "NE"),
    ("吉林省", "NE"),
    ("黑龙江", "NE"),
    ("深圳", "SC"),
    ("江苏省苏州市工业园区", "EC"),
    ("Ontario", "ONT"),
    ("EC", "EC"),
    ("台州", "XX"),
    ("", "XX"),
    (None, "XX"),
]


@pytest.mark.parametrize(("value", "code"), REGIONS, ids=[repr(v) for v, _ in REGIONS])
def test_region_code(value: str | None, code: str) -> None:
    assert region_code(value) == code


OVERRIDES = [
    ("new name", industry_code, "Mining", {"mining": "mng"}, "MNG"),
    ("normalised key", industry_code, "Mining", {"  MINING ": "MNG"}, "MNG"),
    ("wins over default", industry_code, "制造业", {"制造业": "IND"}, "IND"),
    ("Chinese prefix", industry_code, "矿业开采", {"矿业": "MIN"}, "MIN"),
    ("other keys untouched", industry_code, "零售", {"制造业": "IND"}, "RET"),
    ("region", region_code, "苏州", {"苏州": "SZ"}, "SZ"),
    ("region beats province", region_code, "上海", {"上海": "SH"}, "SH"),
    ("empty value ignores overrides", region_code, "", {"": "SH"}, "XX"),
]


@pytest.mark.parametrize(
    ("why", "lookup", "value", "overrides", "code"), OVERRIDES, ids=[o[0] for o in OVERRIDES]
)
def test_overrides_win(
    why: str, lookup: Callable[..., str], value: str, overrides: dict[str, str], code: str
) -> None:
    assert lookup(value, overrides) == code


def test_override_with_a_bad_code_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'M1' is not a valid code; use 2 to 4 letters"):
        industry_code("Mining", {"mining": "M1"})


@pytest.mark.parametrize(
    ("table", "lookup"),
    [(DEFAULT_INDUSTRY_CODES, industry_code), (DEFAULT_REGION_CODES, region_code)],
    ids=["industry", "region"],
)
def test_every_default_name_finds_its_code(
    table: dict[str, str], lookup: Callable[..., str]
) -> None:
    for name, code in table.items():
        assert lookup(name) == code, name
        assert lookup(name.upper()) == code, name
        assert validate_mapping_code(code) == code


def test_code_prefix() -> None:
    assert code_prefix("制造业", "上海") == "MFG-EC"
    assert code_prefix(None, None) == "GEN-XX"
    assert code_prefix("Mining", "Ontario", {"mining": "MNG"}, {"ontario": "ON"}) == "MNG-ON"


FORMATS = [
    ("MFG-EC", 1, "MFG-EC-001"),
    ("MFG-EC", 42, "MFG-EC-042"),
    ("MFG-EC", 999, "MFG-EC-999"),
    ("MFG-EC", 1000, "MFG-EC-1000"),
    ("GEN-HMT", 7, "GEN-HMT-007"),
]


@pytest.mark.parametrize(("prefix", "seq", "code"), FORMATS, ids=[f[2] for f in FORMATS])
def test_format_code(prefix: str, seq: int, code: str) -> None:
    assert format_code(prefix, seq) == code


@pytest.mark.parametrize(
    ("prefix", "seq", "message"),
    [
        ("MFG-EC", 0, "numbers start at 1"),
        ("MFG-EC", -1, "numbers start at 1"),
        ("mfg-ec", 1, "is not a code prefix"),
        ("MFG", 1, "is not a code prefix"),
    ],
    ids=["zero", "negative", "lower-case prefix", "no region"],
)
def test_format_code_refuses(prefix: str, seq: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_code(prefix, seq)


PARSES = [
    ("MFG-EC-001", "MFG-EC-001"),
    ("  mfg-ec-001\n", "MFG-EC-001"),
    ("mfg-ec-1", "MFG-EC-001"),
    ("MFG-EC-0042", "MFG-EC-042"),
    ("MFG-EC-1000", "MFG-EC-1000"),
    ("GEN-HMT-012", "GEN-HMT-012"),
    ("ＭＦＧ－ＥＣ－００１", "MFG-EC-001"),
]


@pytest.mark.parametrize(("text", "code"), PARSES, ids=[p[0] for p in PARSES])
def test_parse_code(text: str, code: str) -> None:
    assert parse_code(text) == code


BAD_CODES = [
    "",
    "MFG",
    "MFG-EC",
    "MFG-EC-",
    "MFG-EC-00A",
    "MFGEC001",
    "M-EC-001",
    "MFG-EC-000",
    "MFG_EC_001",
    "MFG-E1-001",
    "制造-EC-001",
]


@pytest.mark.parametrize("text", BAD_CODES, ids=[repr(t) for t in BAD_CODES])
def test_parse_code_refuses(text: str) -> None:
    expected = re.escape(f"{text!r} is not a customer code; codes look like MFG-EC-001")
    with pytest.raises(ValueError, match=f"^{expected}$"):
        parse_code(text)


MAPPING_CODES = [("mfg", "MFG"), (" ec ", "EC"), ("HMT", "HMT"), ("ABCD", "ABCD")]


@pytest.mark.parametrize(("code", "clean"), MAPPING_CODES, ids=[m[0] for m in MAPPING_CODES])
def test_validate_mapping_code(code: str, clean: str) -> None:
    assert validate_mapping_code(code) == clean


@pytest.mark.parametrize("code", ["", "E", "ABCDE", "M1", "制造", "E-C"], ids=repr)
def test_validate_mapping_code_refuses(code: str) -> None:
    with pytest.raises(ValueError, match="use 2 to 4 letters A-Z"):
        validate_mapping_code(code)


@given(
    st.one_of(st.none(), st.text(max_size=20)),
    st.one_of(st.none(), st.text(max_size=20)),
    st.integers(min_value=1, max_value=100_000),
)
def test_every_value_makes_a_code_that_parses_back(
    industry: str | None, region: str | None, seq: int
) -> None:
    code = format_code(code_prefix(industry, region), seq)
    assert parse_code(code) == code
    assert parse_code(code.lower()) == code
