"""Closed vocabularies of the standard's forms, with the Chinese labels of the templates.

客户信息登记表 (contact role, lead source), 销售跟进记录表 (channel, feedback), 需求反馈表
(need kind 刚性/弹性/潜在, priority 高/中/低, status) and the user roles of 合同审批流程.
Input is matched case-insensitively, in English or Chinese.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

# 决策层 / 影响者 / 技术层 / 使用层 (SPEC §11: a contact may be technical too)
CONTACT_ROLES = ("decision-maker", "influencer", "technical", "user")
SOURCES = ("trade-show", "website", "referral", "event", "cold-call", "public-info", "other")
CHANNELS = ("phone", "email", "visit", "meeting", "im")
FEEDBACK = ("positive", "neutral", "negative")
ROLES = ("rep", "manager", "legal", "gm")
NEED_KINDS = ("must", "nice", "latent")  # 需求反馈表: rigid, elastic, latent
PRIORITIES = ("high", "medium", "low")
NEED_STATUSES = ("open", "responded", "resolved")

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
                "会议": "meeting", "微信": "im", "即时通讯": "im", "wechat": "im"},
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
    raise ValueError(f"'{text}' is not accepted; use one of {', '.join(choices)}")
