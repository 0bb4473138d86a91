"""Customer codes (客户编号): INDUSTRY-REGION-NNN, e.g. MFG-EC-001.

From 客户信息登记表 (客户编号, 行业, 区域): every customer gets a code that tells its
industry and region at a glance. Industry and region codes come from a mapping — the
defaults here, in English and Chinese, overridden by the team's configuration — and NNN
counts per industry–region pair (the counting, and never reusing a code, belong to the
service that issues codes).

Matching a value to a code:

1. the value is normalised: NFKC, case-folded, hyphens/underscores read as spaces,
   whitespace collapsed ("Real-Estate" → "real estate", "ＩＴ" → "it");
2. an exact match in the configured mapping, then in the defaults;
3. for Chinese names only, the longest name the value starts with, so that addresses
   and sub-industries find their code (江苏省苏州市 → EC, 汽车零部件 → AUT, 零售业 → RET);
4. otherwise the value's first three ASCII letters, upper-cased (Mining → MIN;
   accents are dropped first, Énergie → ENE); codes typed as values map to themselves
   (EC → EC);
5. otherwise GEN (industry) or XX (region) — also for a blank value and for a value with
   a single ASCII letter, which would not make a code of 2–4 letters.

Decisions: besides the provinces, municipalities and autonomous regions, the defaults
know the provincial capitals and the largest commercial cities (深圳, 苏州, 青岛 …), since
reps often type a city. Consulting is CSL, so that it does not fall back to CON
(construction); e-commerce (电商) counts as retail; insurance and banking as finance.
A user-typed customer code is canonicalised, so "mfg-ec-1" and "ＭＦＧ－ＥＣ－００１"
both mean MFG-EC-001.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from salesflow.i18n import _

GENERIC_INDUSTRY = "GEN"
UNKNOWN_REGION = "XX"

_MAPPING_CODE_RE = re.compile(r"[A-Z]{2,4}")
_PREFIX_RE = re.compile(r"[A-Z]{2,4}-[A-Z]{2,4}")
_CODE_RE = re.compile(r"([A-Z]{2,4}-[A-Z]{2,4})-([0-9]+)")


def _normalise(value: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return " ".join(folded.replace("-", " ").replace("_", " ").split())


def _invert(groups: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{name: code} from (code, "name, name, …") rows, names normalised as values are."""
    table: dict[str, str] = {}
    for code, names in groups:
        for name in names.split(","):
            key = _normalise(name)
            if table.get(key, code) != code:
                raise AssertionError(f"{name!r} is mapped twice")  # a typo in the tables
            table[key] = code
    return table


# fmt: off
_INDUSTRY_NAMES = (
    ("MFG", "manufacturing, manufacturer, machinery, 制造, 制造业, 机械"),
    ("RET", "retail, e-commerce, ecommerce, 零售, 电商, 电子商务"),
    ("TEC", "software, IT, internet, information technology, technology, tech,"
            "软件, 互联网, 信息技术, 科技"),
    ("FIN", "finance, financial services, banking, bank, insurance, 金融, 银行, 保险, 证券"),
    ("MED", "healthcare, health care, medical, hospital, 医疗, 医院"),
    ("PHA", "pharmaceuticals, pharmaceutical, pharma, 医药, 制药"),
    ("EDU", "education, training, 教育, 培训"),
    ("LOG", "logistics, transportation, shipping, 物流, 运输, 快递"),
    ("ENE", "energy, power, utilities, 能源, 电力, 新能源"),
    ("CON", "construction, 建筑, 建筑业, 建材"),
    ("REA", "real estate, property, 房地产, 地产"),
    ("AUT", "automotive, automobile, auto, 汽车"),
    ("CHE", "chemicals, chemical, 化工"),
    ("ELE", "electronics, electronic, semiconductors, 电子, 半导体"),
    ("FOO", "food, food and beverage, food & beverage, 食品, 食品饮料"),
    ("TEL", "telecom, telecommunications, 通信, 电信"),
    ("GOV", "government, public sector, 政府, 政府机构, 事业单位"),
    ("AGR", "agriculture, farming, 农业"),
    ("WHO", "wholesale, distribution, 批发, 分销"),
    ("SRV", "services, service, 服务, 服务业"),
    ("TEX", "textiles, textile, apparel, 纺织, 服装"),
    ("CSL", "consulting, consultancy, 咨询"),
)

# Region, then each province-level division: its Chinese name, the forms with 省/市/自治区,
# and its English name (also with "province").
_PROVINCES = (
    ("EC", "上海, 上海市, Shanghai"),
    ("EC", "江苏, 江苏省, Jiangsu, Jiangsu Province"),
    ("EC", "浙江, 浙江省, Zhejiang, Zhejiang Province"),
    ("EC", "安徽, 安徽省, Anhui, Anhui Province"),
    ("EC", "福建, 福建省, Fujian, Fujian Province"),
    ("EC", "江西, 江西省, Jiangxi, Jiangxi Province"),
    ("EC", "山东, 山东省, Shandong, Shandong Province"),
    ("SC", "广东, 广东省, Guangdong, Guangdong Province"),
    ("SC", "广西, 广西壮族自治区, 广西自治区, Guangxi"),
    ("SC", "海南, 海南省, Hainan, Hainan Province"),
    ("NC", "北京, 北京市, Beijing"),
    ("NC", "天津, 天津市, Tianjin"),
    ("NC", "河北, 河北省, Hebei, Hebei Province"),
    ("NC", "山西, 山西省, Shanxi, Shanxi Province"),
    ("NC", "内蒙古, 内蒙古自治区, 内蒙, Inner Mongolia, Nei Mongol"),
    ("CC", "河南, 河南省, Henan, Henan Province"),
    ("CC", "湖北, 湖北省, Hubei, Hubei Province"),
    ("CC", "湖南, 湖南省, Hunan, Hunan Province"),
    ("SW", "重庆, 重庆市, Chongqing"),
    ("SW", "四川, 四川省, Sichuan, Sichuan Province"),
    ("SW", "贵州, 贵州省, Guizhou, Guizhou Province"),
    ("SW", "云南, 云南省, Yunnan, Yunnan Province"),
    ("SW", "西藏, 西藏自治区, Tibet, Xizang"),
    ("NW", "陕西, 陕西省, Shaanxi, Shaanxi Province"),
    ("NW", "甘肃, 甘肃省, Gansu, Gansu Province"),
    ("NW", "青海, 青海省, Qinghai, Qinghai Province"),
    ("NW", "宁夏, 宁夏回族自治区, 宁夏自治区, Ningxia"),
    ("NW", "新疆, 新疆维吾尔自治区, 新疆自治区, Xinjiang"),
    ("NE", "辽宁, 辽宁省, Liaoning, Liaoning Province"),
    ("NE", "吉林, 吉林省, Jilin, Jilin Province"),
    ("NE", "黑龙江, 黑龙江省, Heilongjiang, Heilongjiang Province"),
)

_REGION_NAMES = (
    ("EC", "华东, East China, Eastern China"),
    ("SC", "华南, South China, Southern China"),
    ("NC", "华北, North China, Northern China"),
    ("CC", "华中, Central China"),
    ("SW", "西南, Southwest China, South West China"),
    ("NW", "西北, Northwest China, North West China"),
    ("NE", "东北, Northeast China, North East China"),
    ("HMT", "港澳台, 香港, 澳门, 台湾, 香港特别行政区, 澳门特别行政区, 台湾省,"
            "Hong Kong, Hongkong, Macau, Macao, Taiwan"),
    ("OS", "海外, 国外, 境外, overseas, abroad, international"),
)

# Provincial capitals and the largest commercial cities, which reps often type instead.
_CITIES = (
    ("EC", "南京, 苏州, 无锡, 杭州, 宁波, 合肥, 福州, 厦门, 南昌, 济南, 青岛,"
           "Nanjing, Suzhou, Wuxi, Hangzhou, Ningbo, Hefei, Fuzhou, Xiamen, Nanchang,"
           "Jinan, Qingdao"),
    ("SC", "广州, 深圳, 东莞, 佛山, 南宁, 海口,"
           "Guangzhou, Shenzhen, Dongguan, Foshan, Nanning, Haikou"),
    ("NC", "石家庄, 太原, 呼和浩特, Shijiazhuang, Taiyuan, Hohhot"),
    ("CC", "郑州, 武汉, 长沙, Zhengzhou, Wuhan, Changsha"),
    ("SW", "成都, 贵阳, 昆明, 拉萨, Chengdu, Guiyang, Kunming, Lhasa"),
    ("NW", "西安, 兰州, 西宁, 银川, 乌鲁木齐, Xi'an, Xian, Lanzhou, Xining, Yinchuan, Urumqi"),
    ("NE", "沈阳, 大连, 长春, 哈尔滨, Shenyang, Dalian, Changchun, Harbin"),
)
# fmt: on

DEFAULT_INDUSTRY_CODES: dict[str, str] = _invert(_INDUSTRY_NAMES)
DEFAULT_REGION_CODES: dict[str, str] = _invert(_PROVINCES + _REGION_NAMES + _CITIES)


def validate_mapping_code(code: str) -> str:
    """A configured industry or region code: 2–4 ASCII letters, returned upper-cased."""
    cleaned = unicodedata.normalize("NFKC", code).strip().upper()
    if not _MAPPING_CODE_RE.fullmatch(cleaned):
        raise ValueError(_("{code!r} is not a valid code; use 2 to 4 letters A-Z, such as MFG or "
                           "EC").format(code=code))
    return cleaned


def _has_ascii_letter(text: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in text)


def _lookup(
    value: str | None,
    defaults: Mapping[str, str],
    overrides: Mapping[str, str] | None,
    fallback: str,
) -> str:
    key = _normalise(value) if value is not None else ""
    if not key:
        return fallback
    table = dict(defaults)
    for name, code in (overrides or {}).items():
        if _normalise(name):
            table[_normalise(name)] = validate_mapping_code(code)
    if key in table:
        return table[key]
    # Chinese names have no spaces to split a qualifier off, so a value that starts with a
    # known name ("江苏省苏州市", "汽车零部件") takes its code; ASCII names would match too
    # eagerly ("it" would claim "italy").
    for name in sorted((n for n in table if not _has_ascii_letter(n)), key=len, reverse=True):
        if key.startswith(name):
            return table[name]
    letters = [c for c in unicodedata.normalize("NFKD", key) if c.isascii() and c.isalpha()]
    if len(letters) < 2:
        return fallback
    return "".join(letters[:3]).upper()


def industry_code(value: str | None, overrides: Mapping[str, str] | None = None) -> str:
    """Industry code: "制造业" → "MFG", "Mining" → "MIN", "" → "GEN"."""
    return _lookup(value, DEFAULT_INDUSTRY_CODES, overrides, GENERIC_INDUSTRY)


def region_code(value: str | None, overrides: Mapping[str, str] | None = None) -> str:
    """Region code: "华东" → "EC", "江苏省" → "EC", "Ontario" → "ONT", None → "XX"."""
    return _lookup(value, DEFAULT_REGION_CODES, overrides, UNKNOWN_REGION)


def code_prefix(
    industry: str | None,
    region: str | None,
    industry_overrides: Mapping[str, str] | None = None,
    region_overrides: Mapping[str, str] | None = None,
) -> str:
    """The INDUSTRY-REGION part of a code: ("制造业", "上海") → "MFG-EC"."""
    return f"{industry_code(industry, industry_overrides)}-{region_code(region, region_overrides)}"


def format_code(prefix: str, seq: int) -> str:
    """A full code, at least three digits: ("MFG-EC", 1) → "MFG-EC-001"; 1000 → "-1000"."""
    if not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(_("{prefix!r} is not a code prefix; prefixes look like MFG-EC").format(
            prefix=prefix))
    if seq < 1:
        raise ValueError(_("{seq!r} is not a customer number; numbers start at 1").format(seq=seq))
    return f"{prefix}-{seq:03d}"


def parse_code(text: str) -> str:
    """A user-typed customer code in canonical form: " mfg-ec-1 " → "MFG-EC-001"."""
    cleaned = unicodedata.normalize("NFKC", text).strip().upper()
    match = _CODE_RE.fullmatch(cleaned)
    if match is None or int(match.group(2)) < 1:
        raise ValueError(_("{text!r} is not a customer code; codes look like MFG-EC-001").format(
            text=text))
    return format_code(match.group(1), int(match.group(2)))
