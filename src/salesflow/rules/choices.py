"""Closed vocabularies of the standard's forms, with the Chinese labels of the templates.

客户信息登记表 (contact role, lead source), 销售跟进记录表 (channel, feedback), 需求反馈表
(need kind 刚性/弹性/潜在, priority 高/中/低, status) and the user roles of 合同审批流程.
Input is matched case-insensitively, in English or Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from salesflow.i18n import N_, _

# 决策层 / 影响者 / 技术层 / 使用层 (SPEC §11: a contact may be technical too)
CONTACT_ROLES = ("decision-maker", "influencer", "technical", "user")
SOURCES = ("trade-show", "website", "referral", "event", "cold-call", "public-info", "other")
CHANNELS = ("phone", "email", "visit", "meeting", "im")
FEEDBACK = ("positive", "neutral", "negative")
# why a follow-up was made (SPEC §12: 回访目的); `sales` unless said
PURPOSES = ("sales", "aftersales", "satisfaction", "greeting", "event", "delivery",
            "recovery")
# SPEC §14 adds presales (产品专家/技术支持), delivery and aftersales: they may own a
# project phase or answer a need, and decide nothing in the contract chain
ROLES = ("rep", "manager", "legal", "gm", "presales", "delivery", "aftersales")
NEED_KINDS = ("must", "nice", "latent")  # 需求反馈表: rigid, elastic, latent
PRIORITIES = ("high", "medium", "low")
NEED_STATUSES = ("open", "responded", "resolved")

# A value named inside a sentence a person reads ("the manager step"): the value itself
# is the msgid, so English reads as before and the catalog gives the standard's word.
ROLE_NAMES: Mapping[str, str] = {"rep": N_("rep"), "manager": N_("manager"),
                                 "legal": N_("legal"), "gm": N_("gm")}
PRIORITY_NAMES: Mapping[str, str] = {"high": N_("high"), "medium": N_("medium"),
                                     "low": N_("low")}
CHANNEL_NAMES: Mapping[str, str] = {"visit": N_("visit"), "meeting": N_("meeting")}

# The standard's own word for each value, as 客户信息登记表 writes it: `export customers
# --headers zh` writes these, and the same words read back (they are among ALIASES).
CHINESE: Mapping[str, Mapping[str, str]] = {
    "contact_role": {"decision-maker": "决策者", "influencer": "影响者", "user": "使用者"},
    "source": {"trade-show": "行业展会", "website": "官网咨询", "referral": "客户转介绍",
               "event": "线下活动", "cold-call": "电话营销", "public-info": "公开信息",
               "other": "其他"},
}

ALIASES: Mapping[str, Mapping[str, str]] = {
    "contact_role": {"决策者": "decision-maker", "决策人": "decision-maker",
                     "影响者": "influencer", "影响人": "influencer", "使用者": "user",
                     "关键决策人": "decision-maker", "决策层": "decision-maker",
                     "使用人": "user", "使用层": "user", "decision maker": "decision-maker",
                     "技术层": "technical", "技术人员": "technical", "技术负责人": "technical"},
    "source": {"行业展会": "trade-show", "展会": "trade-show", "官网咨询": "website",
               "官网": "website", "客户转介绍": "referral", "转介绍": "referral",
               "线下活动": "event", "活动": "event", "电话营销": "cold-call",
               "陌生拜访": "cold-call", "公开信息": "public-info", "其他": "other",
               # the standard's own wording (信息来源: 展会/官网/转介绍/陌拜; 线上平台 such
               # as 企业官网; 市场活动 such as 线上研讨会; 公开信息 such as 招投标信息)
               "企业官网": "website", "线上平台": "website", "网站": "website",
               "客户介绍": "referral", "老客户介绍": "referral", "市场活动": "event",
               "研讨会": "event", "电话": "cold-call", "电销": "cold-call",
               "陌拜": "cold-call", "招投标": "public-info", "企业年报": "public-info",
               "其它": "other", "trade show": "trade-show", "cold call": "cold-call"},
    "channel": {"电话": "phone", "邮件": "email", "拜访": "visit", "上门拜访": "visit",
                "面谈": "visit", "会议": "meeting", "线上会议": "meeting",
                "微信": "im", "即时通讯": "im", "wechat": "im"},
    "purpose": {"销售": "sales", "售后": "aftersales", "售后回访": "aftersales",
                "满意度": "satisfaction", "满意度回访": "satisfaction", "问候": "greeting",
                "节日问候": "greeting", "活动": "event", "交付": "delivery",
                "项目进展": "delivery", "挽回": "recovery"},
    "feedback": {"积极": "positive", "正面": "positive", "中性": "neutral",
                 "一般": "neutral", "消极": "negative", "负面": "negative"},
    "role": {"销售": "rep", "销售代表": "rep", "销售经理": "manager", "法务": "legal",
             "总经理": "gm"},
    "need_kind": {"刚性": "must", "刚性需求": "must", "必备需求": "must", "弹性": "nice",
                  "弹性需求": "nice", "增值需求": "nice", "潜在": "latent", "潜在需求": "latent"},
    "priority": {"高": "high", "中": "medium", "低": "low", "med": "medium"},
    "need_status": {"待响应": "open", "未响应": "open", "已响应": "responded",
                    "已解决": "resolved"},
}


def chinese(value: str | None, kind: str) -> str | None:
    """The standard's word for a stored value ('trade-show' → '行业展会'); as is if none."""
    if value is None:
        return None
    return CHINESE.get(kind, {}).get(value, value)


def parse_choice(text: str, choices: tuple[str, ...], kind: str) -> str:
    """Match `text` against `choices` (or the Chinese labels of `kind`)."""
    value = unicodedata.normalize("NFKC", text).strip().casefold().replace("_", "-")
    if value in choices:
        return value
    alias = ALIASES.get(kind, {}).get(value) or ALIASES.get(kind, {}).get(
        value.replace("-", " ")
    )
    if alias:
        return alias
    raise ValueError(_("'{text}' is not accepted; use one of {choices}").format(
        text=text, choices=", ".join(choices)))
