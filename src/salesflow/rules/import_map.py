"""Reading the customer register (客户信息登记表) from a spreadsheet: which column is
which field, what a cell means, and how a CSV file's bytes become text.

SPEC §9. Teams keep their customers in the standard's template, 模板一 客户信息登记表:

    序号 | 客户名称 | 行业 | 企业规模(员工数/营收) | 联系人 | 职务 | 联系方式 | 线索来源 |
    初步需求 | 线索等级 | 负责人 | 最后跟进时间 | 备注

and in the fields of the CRM form (客户编号, 所属行业, 成立时间, 企业官网, 信息来源 …).
`customer import` reads those headers, and the English column names of
`export customers`, so that an export can be read back.

Headers. A header is matched after NFKC, trimming and case-folding; a trailing note in
brackets is dropped (企业规模(员工数/营收) is 企业规模; 最后跟进时间* is 最后跟进时间), and
English names may use spaces or hyphens for underscores (Contact Name, contact-name). The
brackets of the potential column may give its unit: 年合作潜力(万元) reads 50 as 50万.
Decisions:
- 序号 (the template's row number) is ignored. The columns salesflow computes itself —
  stage/销售阶段, created_at, next_due_at — are ignored too, and the caller says so: an
  import starts every customer as a new lead.
- code/客户编号 (SPEC §14): a code naming an existing customer identifies it (as a
  duplicate name does); a free code of the INDUSTRY-REGION-NNN form is kept for the new
  customer, so that an export imported into an empty database keeps every code.

Writing (`export customers --headers zh`, REGISTER): 客户编号 first, then the template's
headers and the CRM form's, with the standard's words for values (行业展会, A类, 决策者);
each header is one this module reads, each word one rules.choices reads: one mapping,
both directions.
- Any other header is refused, naming it: a column dropped without a word is data lost
  without a word. A column with no header is ignored only while all its cells are empty.
- Two columns meaning the same field (行业 and 所属行业) are refused.
- 联系方式 holds a phone, an email, or both ("138 0013 8000 / wq@hdjm.cn"); a part with
  an @ is the email.

Values. 线索等级 A类/A/Ａ级 is a tier (kept as a manual tier by the caller). 线索来源 takes
the values of rules.choices (行业展会 → trade-show, 客户转介绍 → referral …); a longer text
that names exactly one source ("2024年3月行业展会", "客户转介绍-李*", the standard's own
examples of 标注信息来源) is that source, and the whole text becomes the source detail.
最后跟进时间 is a date (that day, 00:00 in the team's zone) or a date and time; it cannot
lie in the future. Excel cells arrive typed: 13912345678.0 is "13912345678", a date cell
is "2023-10-10", a date-time cell "2023-10-10 14:30".

Encodings (CSV). A BOM decides (UTF-8, UTF-16); otherwise strict UTF-8, which almost
never decodes text written in another encoding; otherwise GB18030, the superset of GBK
that Excel on a Chinese Windows writes ("CSV (逗号分隔)"); only bytes that are neither go
to charset-normalizer's guess. Statistical detection alone misreads short Chinese files
(a header and a few rows), so it is the last resort, not the first.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache

from salesflow.i18n import N_, _
from salesflow.rules.choices import ALIASES, SOURCES, chinese, parse_choice
from salesflow.rules.dates import RECORD_RANGE, parse_date, parse_datetime
from salesflow.rules.tier import parse_tier

# Pseudo-fields: columns that are read but are not customer fields as such.
ROW_NUMBER = "#"  # 序号: ignored without a word
COMPUTED = "computed"  # set by salesflow (code, stage …): ignored, and the caller says so
CONTACT = "contact"  # 联系方式: a phone and/or an email
TIER = "tier"  # kept as a manual tier
CODE = "code"  # 客户编号: identifies an existing customer, or is kept for a new one
LAST_CONTACT = "last_contact_at"

# fmt: off
_HEADER_NAMES: Mapping[str, str] = {
    "name": "name, company, customer, 客户名称, 企业名称, 公司名称, 客户全称, 企业全称, 单位名称",
    "industry": "industry, 行业, 所属行业, 行业类型, 行业分类",
    "region": "region, 地区, 区域, 所在地区, 所在区域, 省份, 所在省份, 城市, 所在城市",
    "size": "size, 企业规模, 规模, 公司规模",
    "founded": "founded, 成立时间, 成立日期",
    "website": "website, 网址, 网站, 官网, 企业官网, 公司官网, 公司网址",
    "contact_name": "contact_name, contact, 联系人, 联系人姓名",
    "contact_title": "contact_title, title, 职务, 职位, 联系人职务, 联系人职位",
    "contact_role": "contact_role, role, 角色, 联系人角色, 决策角色",
    "phone": "phone, mobile, tel, 电话, 手机, 手机号, 手机号码, 联系电话, 电话号码",
    "email": "email, e_mail, mail, 邮箱, 电子邮箱, 电子邮件, 邮件",
    CONTACT: "联系方式",
    "source": "source, 线索来源, 信息来源, 来源, 客户来源, 来源渠道",
    "source_detail": "source_detail, 来源说明, 来源详情, 来源备注",
    "need": "need, 初步需求, 需求, 核心需求, 客户需求",
    "potential": "potential, 年合作潜力, 合作潜力, 合作价值, 预估年合作金额, 预计年合作金额",
    "departments": "departments, 参与部门, 协作部门",
    "collaboration": "collaboration, 协作需求, 部门协作需求",
    "lead_person": "lead_person, 牵头人, 协作牵头人",
    # 需求调研表 (SPEC §11): what `export customers` writes reads back
    "pain_points": "pain_points, 痛点, 核心痛点, 业务痛点, 痛点问题",
    "budget_min": "budget_min, 预算下限",
    "budget_max": "budget_max, 预算上限",
    "decision_process": "decision_process, 决策流程, 采购流程",
    "timeline": "timeline, 时间计划, 采购时间, 预计采购时间, 项目时间",
    "competitors": "competitors, 竞争对手, 竞品",
    "past_cooperation": "past_cooperation, 过往合作, 合作历史, 历史合作",
    "decision_days": "decision_days, 决策周期",
    TIER: "tier, 线索等级, 客户等级, 客户分级",
    "owner": "owner, 负责人, 销售负责人, 跟进负责人",
    "tags": "tags, 标签",
    "notes": "notes, 备注, 备注信息",
    LAST_CONTACT: "last_contact_at, last_contact, 最后跟进时间, 最后跟进日期, 最近跟进时间, "
                  "最后联系时间",
    ROW_NUMBER: "序号, #, no, no., 行号",
    CODE: "code, 客户编号",
    COMPUTED: "stage, 销售阶段, 客户阶段, created_at, next_due_at, missing",
}
# fmt: on

_BRACKETED_NOTE = re.compile(r"\s*\((?P<note>[^()]*)\)\s*$")
_DECORATION = str.maketrans("", "", "*:")


def normalize_header(text: str) -> tuple[str, str]:
    """The matching key of a header, and the note in its trailing brackets:
    '企业规模（员工数/营收）' → ('企业规模', '员工数/营收');
    'Contact Name' → ('contact_name', '')."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_DECORATION).strip()
    note = ""
    if match := _BRACKETED_NOTE.search(folded):
        note = match["note"].strip()
        folded = folded[: match.start()]
    return re.sub(r"[\s\-]+", "_", folded.strip()), note


HEADERS: Mapping[str, str] = {
    normalize_header(name)[0]: field
    for field, names in _HEADER_NAMES.items()
    for name in names.split(",")
}


def header_field(text: str) -> str | None:
    """The field a header names ('所属行业' → 'industry'), or None when it names none."""
    return HEADERS.get(normalize_header(text)[0])


@dataclass(frozen=True)
class Column:
    """One column of the file: its position, header as written, and field."""

    index: int
    header: str
    field: str
    unit: str = ""  # '万' when the potential column is in 万元


@dataclass(frozen=True)
class HeaderMap:
    columns: tuple[Column, ...]  # the columns that are read (not 序号, not computed)
    ignored: tuple[str, ...]  # headers of computed columns, as written
    blank: tuple[int, ...]  # positions of columns without a header


def find_header(rows: Sequence[Sequence[str]]) -> int | None:
    """Which of `rows` is the header: the first that has a company-name column, so that a
    title row above it (客户信息登记表, 填表日期 …) is passed over. None when none has."""
    for position, cells in enumerate(rows):
        if any(header_field(cell) == "name" for cell in cells if cell.strip()):
            return position
    return None


def map_header(cells: Sequence[str]) -> HeaderMap:
    """The columns of a header row; ValueError naming every header that is unknown, or
    every field given twice."""
    columns: list[Column] = []
    ignored: list[str] = []
    blank: list[int] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    twice: list[str] = []
    for index, cell in enumerate(cells):
        header = " ".join(cell.split())
        if not header:
            blank.append(index)
            continue
        field = header_field(header)
        if field is None:
            unknown.append(header)
        elif field == COMPUTED:
            ignored.append(header)
        elif field != ROW_NUMBER:
            if field in seen:
                twice.append(_("'{first}' and '{second}' both mean {field}").format(
                    first=seen[field], second=header, field=field))
            seen[field] = header
            unit = "万" if field == "potential" and "万" in normalize_header(header)[1] else ""
            columns.append(Column(index, header, field, unit))
    if unknown:
        names = ", ".join(f"'{h}'" for h in unknown)
        raise ValueError(
            (_("column {names} is not a customer field; rename or delete it "
               "(accepted headers: salesflow customer import --help)") if len(unknown) == 1
             else _("columns {names} are not customer fields; rename or delete it "
                    "(accepted headers: salesflow customer import --help)")).format(names=names)
        )
    if twice:
        raise ValueError(_("{problems}; keep one column").format(problems="; ".join(twice)))
    if not any(c.field == "name" for c in columns):
        raise ValueError(_("no company-name column; add one headed 客户名称 or name"))
    return HeaderMap(tuple(columns), tuple(ignored), tuple(blank))


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees: 13912345678.0 → '13912345678',
    a date cell → '2023-10-10', a date-time cell → '2023-10-10 14:30'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() \
            else str(value)
    if isinstance(value, datetime):
        if value.time() == time.min:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value).strip()


_CONTACT_PARTS = re.compile(r"[,;/，；、|\n]+")


def split_contact(text: str) -> tuple[str | None, str | None]:
    """联系方式 → (phone, email): '13800138000 / wq@hdjm.cn' → both; a part with @ is
    the email. More than one phone or email is refused (there is one field for each)."""
    phones: list[str] = []
    emails: list[str] = []
    for part in _CONTACT_PARTS.split(unicodedata.normalize("NFKC", text)):
        part = part.strip()
        if part:
            (emails if "@" in part else phones).append(part)
    if len(phones) > 1 or len(emails) > 1:
        raise ValueError(_("'{text}' holds more than one phone or email; give one of each").format(
            text=text))
    return (phones[0] if phones else None), (emails[0] if emails else None)


@lru_cache(maxsize=4096)  # a sheet repeats a few sources thousands of times
def source_of(text: str) -> tuple[str, str | None]:
    """线索来源 → (source, detail): '行业展会' → ('trade-show', None);
    '2024年3月行业展会' → ('trade-show', '2024年3月行业展会'). ValueError when it names no
    source, or more than one."""
    try:
        return parse_choice(text, SOURCES, "source"), None
    except ValueError as exc:
        refusal = exc
    folded = unicodedata.normalize("NFKC", text).casefold()
    found = {
        value for label, value in ALIASES["source"].items()
        if not label.isascii() and label in folded
    }
    if len(found) == 1:
        return found.pop(), " ".join(text.split())
    raise refusal


_PLAIN_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


def with_unit(text: str, unit: str) -> str:
    """A bare number in a column whose header gives the unit: ('50', '万') → '50万'."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return cleaned + unit if unit and _PLAIN_NUMBER.fullmatch(cleaned) else text


CLOCK_SKEW = timedelta(minutes=5)


def contact_time(text: str, now: datetime) -> datetime:
    """最后跟进时间 as a moment in `now`'s zone: a date alone is that day at 00:00, a date
    and time is that time. Refuses a moment in the future."""
    return _contact_time(text, now, now.tzinfo)


# A sheet's last contacts share days, and `now` is one import's: each text is parsed once.
# The zone is part of the key: the same instant seen from another zone is another answer.
@lru_cache(maxsize=4096)
def _contact_time(text: str, now: datetime, _zone: tzinfo | None) -> datetime:
    try:
        day = parse_date(text, now.date(), within=RECORD_RANGE)
    except ValueError:
        moment = parse_datetime(text, now, within=RECORD_RANGE)
    else:
        moment = parse_datetime(f"{day.isoformat()} 00:00", now)
    if moment > now + CLOCK_SKEW:
        raise ValueError(_("'{text}' is in the future; give the day of the last contact").format(
            text=text))
    return moment


def tier_of(text: str) -> str:
    """线索等级: 'A类', 'a', 'Ａ级' → 'A'."""
    return parse_tier(text)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as people know it: UTF-8, UTF-8 (BOM), GB18030 (GBK) …


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_SAVE_AS = N_("save it from Excel as 'CSV UTF-8' and import again")


def decode(data: bytes) -> Decoded:
    """The text of a CSV file's bytes: BOM, then strict UTF-8, then GB18030, then a guess."""
    if data.startswith(b"PK\x03\x04"):
        raise ValueError(_("this is an Excel workbook, not a CSV file; name it .xlsx"))
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return _text(data.decode(codec), label)
            except UnicodeDecodeError:
                raise ValueError(_("it starts like {label} but is not; {save_as}").format(
                    label=label, save_as=_(_SAVE_AS))) from None
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030 (GBK)")):
        try:
            return _text(data.decode(codec), label)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ValueError(_("cannot tell its text encoding; {save_as}").format(
            save_as=_(_SAVE_AS)))
    return _text(str(best), best.encoding.upper())


def _text(text: str, label: str) -> Decoded:
    if "\x00" in text:
        raise ValueError(_("it holds binary data, not text; save it as .xlsx or 'CSV UTF-8'"))
    return Decoded(text, label)


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the first lines use most (comma on a tie)."""
    head = "\n".join(text.splitlines()[:10])
    return max((",", "\t", ";"), key=lambda d: (head.count(d), d == ","))


# `export customers --headers zh`: (header, column of columns.CUSTOMER) in the order of
# 模板一 客户信息登记表, 客户编号 first, then the CRM form's fields that the template lacks.
# 联系方式 holds the phone and the email ("138… / a@b.cn"), as split_contact reads it.
REGISTER: tuple[tuple[str, str], ...] = (
    ("客户编号", "code"), ("客户名称", "name"), ("行业", "industry"),
    ("企业规模(员工数/营收)", "size"), ("联系人", "contact_name"), ("职务", "contact_title"),
    ("联系方式", CONTACT), ("线索来源", "source"), ("初步需求", "need"),
    ("线索等级", "tier"), ("负责人", "owner"), ("最后跟进时间", "last_contact_at"),
    ("地区", "region"), ("联系人角色", "contact_role"), ("来源说明", "source_detail"),
    ("年合作潜力(元)", "potential"), ("决策周期", "decision_days"), ("标签", "tags"),
    # 部门协作信息 (SPEC §14) and 需求调研表 (SPEC §11), so that nothing is lost on the way
    ("参与部门", "departments"), ("协作需求", "collaboration"), ("牵头人", "lead_person"),
    ("痛点", "pain_points"), ("预算下限(元)", "budget_min"), ("预算上限(元)", "budget_max"),
    ("决策流程", "decision_process"), ("时间计划", "timeline"), ("竞争对手", "competitors"),
    ("过往合作", "past_cooperation"),
)


def register_row(row: Mapping[str, object], tz: tzinfo | None) -> dict[str, str]:
    """An exported customer (columns.CUSTOMER values) as the register's cells, by header;
    `customer import` reads every cell back to the same value."""
    from salesflow.rules.money import format_plain

    def cell(field: str) -> str:
        value = row.get(field)
        if field == CONTACT:
            return " / ".join(str(v) for v in (row.get("phone"), row.get("email")) if v)
        if value is None or value == "":
            return ""
        if field == "tier":
            return f"{value}类"
        if field in ("source", "contact_role"):
            return chinese(str(value), field) or ""
        if field in ("potential", "budget_min", "budget_max"):
            return format_plain(int(value))  # type: ignore[call-overload]
        if field == "last_contact_at" and isinstance(value, datetime):
            return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)

    return {header: cell(field) for header, field in REGISTER}
