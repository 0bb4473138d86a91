"""rules/import_map.py: template headers, cell values and CSV encodings, table-driven."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from salesflow.rules.import_map import (
    CODE,
    COMPUTED,
    CONTACT,
    ROW_NUMBER,
    cell_text,
    contact_time,
    decode,
    find_header,
    header_field,
    map_header,
    normalize_header,
    sniff_delimiter,
    source_of,
    split_contact,
    tier_of,
    with_unit,
)

TEMPLATE = ["序号", "客户名称", "行业", "企业规模(员工数/营收)", "联系人", "职务", "联系方式",
            "线索来源", "初步需求", "线索等级", "负责人", "最后跟进时间", "备注"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("客户名称", "name"), ("企业名称", "name"), ("name", "name"), (" Name ", "name"),
        ("行业", "industry"), ("所属行业", "industry"), ("地区", "region"),
        ("区域", "region"), ("企业规模", "size"), ("企业规模（员工数/营收）", "size"),
        ("企业规模(员工数/营收)", "size"), ("联系人", "contact_name"),
        ("contact_name", "contact_name"), ("Contact Name", "contact_name"),
        ("contact-name", "contact_name"), ("职务", "contact_title"), ("联系方式", CONTACT),
        ("电话", "phone"), ("手机", "phone"), ("邮箱", "email"), ("线索来源", "source"),
        ("信息来源", "source"), ("初步需求", "need"), ("线索等级", "tier"),
        ("负责人", "owner"), ("最后跟进时间", "last_contact_at"),
        ("最后跟进时间*", "last_contact_at"), ("备注", "notes"), ("成立时间", "founded"),
        ("企业官网", "website"), ("网址", "website"), ("年合作潜力(万元)", "potential"),
        ("决策周期（天）", "decision_days"), ("ＳＯＵＲＣＥ", "source"),
        ("序号", ROW_NUMBER), ("客户编号", CODE), ("code", CODE),
        ("stage", COMPUTED), ("next_due_at", COMPUTED), ("首次接触时间", None),
        ("合作渠道", None), ("", None),
    ],
    ids=lambda v: v if isinstance(v, str) and v else repr(v),
)
def test_header_field(header, field):
    assert header_field(header) == field


def test_every_export_column_is_a_header():
    from salesflow import columns

    unknown = [c.name for c in columns.CUSTOMER if header_field(c.name) is None]
    assert unknown == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [("企业规模（员工数/营收）", ("企业规模", "员工数/营收")),
     ("年合作潜力(万元)", ("年合作潜力", "万元")), ("Contact  Name", ("contact_name", "")),
     ("最后跟进时间：", ("最后跟进时间", ""))],
    ids=["full-width-brackets", "unit", "spaces", "trailing-colon"],
)
def test_normalize_header(header, expected):
    assert normalize_header(header) == expected


def test_the_template_header_maps_every_column_but_the_row_number():
    header = map_header(TEMPLATE)
    assert [c.field for c in header.columns] == [
        "name", "industry", "size", "contact_name", "contact_title", CONTACT, "source",
        "need", "tier", "owner", "last_contact_at", "notes"]
    assert [c.index for c in header.columns][:2] == [1, 2]
    assert header.ignored == () and header.blank == ()


def test_computed_and_blank_columns_are_set_aside():
    header = map_header(["code", "name", "", "stage", "  "])
    assert [c.field for c in header.columns] == ["code", "name"]  # a code is read (§14)
    assert header.ignored == ("stage",)
    assert header.blank == (2, 4)


def test_a_potential_column_in_wan_yuan_reads_bare_numbers_as_wan():
    [_, potential] = map_header(["客户名称", "年合作潜力(万元)"]).columns
    assert potential.unit == "万"
    assert map_header(["客户名称", "potential"]).columns[1].unit == ""


@pytest.mark.parametrize(
    ("cells", "message"),
    [(["客户名称", "首次接触时间"], "column '首次接触时间' is not a customer field"),
     (["客户名称", "甲", "乙"], "columns '甲', '乙' are not customer fields"),
     (["客户名称", "行业", "所属行业"], "'行业' and '所属行业' both mean industry"),
     (["行业", "联系人"], "no company-name column")],
    ids=["unknown", "two-unknown", "twice", "no-name"],
)
def test_bad_headers_are_refused_by_name(cells, message):
    with pytest.raises(ValueError, match=message):
        map_header(cells)


@pytest.mark.parametrize(
    ("rows", "position"),
    [([TEMPLATE], 0), ([["客户信息登记表", "", ""], TEMPLATE], 1),
     ([["客户信息登记表"], [""], ["填表日期", "2023-10-12"], TEMPLATE], 3),
     ([["客户信息登记表"], ["行业", "联系人"]], None)],
    ids=["first-row", "title-row", "title-and-notes", "none"],
)
def test_find_header_skips_title_rows(rows, position):
    assert find_header(rows) == position


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), ("  华东 ", "华东"), (13912345678.0, "13912345678"), (13912345678, "13912345678"),
     (1.5, "1.5"), (Decimal("500000.00"), "500000"), (Decimal("0.5"), "0.5"), (True, "TRUE"),
     (datetime(2023, 10, 10), "2023-10-10"), (datetime(2023, 10, 10, 14, 30), "2023-10-10 14:30"),
     (datetime(2023, 10, 10, 14, 30, 5), "2023-10-10 14:30:05"), (date(2023, 10, 8), "2023-10-08"),
     (time(9, 5), "09:05")],
    ids=["empty", "text", "phone-float", "phone-int", "decimal-float", "decimal-whole",
         "decimal-fraction", "bool", "date-cell", "datetime-cell", "seconds", "date", "time"],
)
def test_cell_text_is_what_the_spreadsheet_shows(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("text", "parts"),
    [("13800138000", ("13800138000", None)), ("wq@hdjm.cn", (None, "wq@hdjm.cn")),
     ("138 0013 8000 / wq@hdjm.cn", ("138 0013 8000", "wq@hdjm.cn")),
     ("wq＠hdjm.cn；13800138000", ("13800138000", "wq@hdjm.cn"))],
    ids=["phone", "email", "both", "full-width"],
)
def test_split_contact(text, parts):
    assert split_contact(text) == parts


def test_split_contact_refuses_two_phones():
    with pytest.raises(ValueError, match="more than one phone or email"):
        split_contact("13800138000, 13900139000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("行业展会", ("trade-show", None)), ("官网", ("website", None)),
     ("客户转介绍", ("referral", None)), ("电话", ("cold-call", None)),
     ("陌拜", ("cold-call", None)), ("trade-show", ("trade-show", None)),
     ("Trade Show", ("trade-show", None)),
     ("2024年3月行业展会", ("trade-show", "2024年3月行业展会")),
     ("客户转介绍-李*", ("referral", "客户转介绍-李*")),
     ("线上研讨会", ("event", "线上研讨会"))],
    ids=["trade-show", "website", "referral", "phone-call", "cold-visit", "english",
         "english-spaced", "dated-expo", "referred-by", "webinar"],
)
def test_source_of(text, expected):
    assert source_of(text) == expected


@pytest.mark.parametrize("text", ["朋友圈", "展会活动", "other stuff"],
                         ids=["unknown", "two-sources", "english-is-exact-only"])
def test_source_of_refuses_what_names_no_single_source(text):
    with pytest.raises(ValueError, match="use one of trade-show"):
        source_of(text)


@pytest.mark.parametrize(
    ("text", "tier"), [("A类", "A"), ("b", "B"), ("Ｃ级", "C"), (" A ", "A")],
    ids=["a-lei", "lower", "full-width-ji", "spaces"],
)
def test_tier_of(text, tier):
    assert tier_of(text) == tier


def test_tier_of_refuses_other_grades():
    with pytest.raises(ValueError, match="not a tier"):
        tier_of("意向客户")


@pytest.mark.parametrize(
    ("text", "unit", "out"),
    [("50", "万", "50万"), ("2,580", "万", "2,580万"), ("50万", "万", "50万"),
     ("0.6m", "万", "0.6m"), ("50", "", "50")],
    ids=["bare", "grouped", "has-unit", "other-unit", "no-unit"],
)
def test_with_unit(text, unit, out):
    assert with_unit(text, unit) == out


SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 10, 12, 9, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "moment"),
    [("2023-10-10", datetime(2023, 10, 10, tzinfo=SHANGHAI)),
     ("2023/10/10", datetime(2023, 10, 10, tzinfo=SHANGHAI)),
     ("2023年10月10日", datetime(2023, 10, 10, tzinfo=SHANGHAI)),
     ("2023-10-10 14:30", datetime(2023, 10, 10, 14, 30, tzinfo=SHANGHAI)),
     ("2023-10-10T06:30Z", datetime(2023, 10, 10, 6, 30, tzinfo=UTC)),
     ("2023-10-12 09:33", datetime(2023, 10, 12, 9, 33, tzinfo=SHANGHAI))],
    ids=["date", "slashes", "chinese", "date-time", "utc", "within-clock-skew"],
)
def test_contact_time(text, moment):
    assert contact_time(text, NOW) == moment


@pytest.mark.parametrize(
    ("text", "message"),
    [("2023-10-13", "in the future"), ("10/10/2023", "YYYY-MM-DD"),
     ("2023-02-30", "not a real date|no day 30|February"), ("上周", "not a date")],
    ids=["future", "ambiguous", "impossible", "words"],
)
def test_contact_time_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        contact_time(text, NOW)


def test_contact_time_keeps_the_zone_offset():
    """Also when the same text was just read at the same instant seen from another zone
    (contact_time remembers its answers)."""
    assert contact_time("2023-10-10", NOW).utcoffset() == NOW.utcoffset()
    moment = contact_time("2023-10-10", NOW.astimezone(timezone(timedelta(hours=-7))))
    assert moment.utcoffset() == timedelta(hours=-7)


SHORT = "客户名称,行业\n华东精密,制造业\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(SHORT.encode("utf-8"), "UTF-8"), (codecs.BOM_UTF8 + SHORT.encode("utf-8"), "UTF-8 (BOM)"),
     (SHORT.encode("gbk"), "GB18030 (GBK)"), ("客户名称\n䶮\n".encode("gb18030"), "GB18030 (GBK)"),
     (SHORT.encode("utf-16"), "UTF-16"), (b"name,industry\nACME,retail\n", "UTF-8")],
    ids=["utf-8", "utf-8-bom", "gbk-short", "gb18030-only", "utf-16-bom", "ascii"],
)
def test_decode_reads_short_chinese_files_right(data, encoding):
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text.lstrip("\ufeff").startswith(("客户名称", "name"))
    assert "\ufeff" not in decoded.text


def test_decode_falls_back_to_a_guess_for_other_encodings():
    """Neither UTF-8 nor GB18030 (é then a comma is no GB18030 pair): a guess, and only a
    guess (charset-normalizer may pick a sibling code page), named in the result."""
    decoded = decode("name,city\nCafé,Paris\n".encode("cp1252") * 20)
    assert decoded.text.startswith("name,city\nCaf") and decoded.encoding.startswith("CP")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"PK\x03\x04rest", "Excel workbook"), (b"name\x00,\x00x", "binary"),
     (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "starts like UTF-8")],
    ids=["xlsx-renamed", "nul-bytes", "broken-bom"],
)
def test_decode_refuses_what_is_not_text(data, message):
    with pytest.raises(ValueError, match=message):
        decode(data)


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("a,b,c\n1,2,3", ","), ("a\tb\tc\n1\t2\t3", "\t"), ("a;b;c\n1;2;3", ";"),
     ("客户名称\n甲", ",")],
    ids=["comma", "tab", "semicolon", "single-column"],
)
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter
