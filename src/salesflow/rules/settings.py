"""Team settings: thresholds, cadences, calendar, time zone, code mappings.

The standards leave thresholds to the team (客户分级标准 "可根据企业实际调整"); the defaults
below are the standards' figures. Settings are stored in the database so a team shares
them; this module only knows their names, defaults, and how to parse a typed value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from salesflow.i18n import N_, Msg, _
from salesflow.rules import project
from salesflow.rules.cadence import Cadences
from salesflow.rules.codes import validate_mapping_code
from salesflow.rules.money import format_plain, parse_money
from salesflow.rules.numbers import parse_int
from salesflow.rules.relationship import (
    DEFAULT_HOLIDAYS,
    DEFAULT_LEAD_DAYS,
    DEFAULT_SURVEY_DAYS,
    MAX_LEAD_DAYS,
    parse_holidays,
)
from salesflow.rules.solution import DEFAULT_DISCOUNT_LIMIT, parse_limit
from salesflow.rules.text import check_text
from salesflow.rules.tier import TierThresholds
from salesflow.rules.workdays import calendar_for

CALENDARS = ("cn", "weekdays")


@dataclass(frozen=True)
class Settings:
    timezone: str | None = None  # None: the machine's local zone
    calendar: str = "cn"
    phone_region: str = "CN"
    tiers: TierThresholds = TierThresholds()
    cadences: Cadences = Cadences()
    gm_threshold_fen: int = 0
    # a solution discounted beyond this share needs a gm review after the manager's
    discount_limit: Decimal = DEFAULT_DISCOUNT_LIMIT
    # SPEC §12 (rules/project.py): the cadence while phases are open, the after-sales
    # visits within the warranty, the renewal lead time, the legal hand-off of collections
    delivery_days: int = project.DELIVERY_DAYS
    aftersales_days: int = project.AFTERSALES_DAYS
    renewal_days: int = project.RENEWAL_DAYS
    legal_days: int = project.LEGAL_DAYS
    # the shared pool (公海, SPEC §15, rules/pool.py); None: off / no limit
    pool_idle_days: int | None = None
    pool_warn_days: int = 7
    pool_max_per_rep: int | None = None
    pool_lockout_days: int = 30
    industry_codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    region_codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # relationship care (SPEC §13)
    greeting_holidays: tuple[str, ...] = DEFAULT_HOLIDAYS
    greeting_lead_days: int = DEFAULT_LEAD_DAYS
    survey_days: int = DEFAULT_SURVEY_DAYS


# The accepted ranges, stated in every refusal: a cadence is at most a year between
# contacts, a decision cycle at most ten years, a threshold at most 1万亿 yuan.
MAX_CADENCE_DAYS = 365
MAX_DECISION_DAYS = 3660
MAX_THRESHOLD_FEN = 10**12 * 100


def _days(high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        return parse_int(text, 1, high, what=N_("a whole number of days"))

    return parse


def _off_or(high: int, what: str) -> Callable[[str], str]:
    """A whole number from 1 to `high`, or `off` (also 0 or empty): the pool's options."""

    def parse(text: str) -> str:
        if text.strip().lower() in ("off", "0", "", "none"):
            return "off"
        return str(parse_int(text, 1, high, what=what))

    return parse


def _days_from_zero(high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        return parse_int(text, 0, high, what=N_("a whole number of days"))

    return parse


def _optional_int(stored: Mapping[str, str], key: str) -> int | None:
    value = stored.get(key, "off")
    return None if value == "off" else int(value)


def _timezone(text: str) -> str:
    name = text.strip()
    if name.lower() == "local":
        return ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a directory: OSError
        raise ValueError(
            _("'{value}' is not a time zone; use an IANA name such as Asia/Shanghai, "
              "or local").format(value=text)
        ) from None
    return name


def _calendar(text: str) -> str:
    calendar_for(text.strip().lower())
    return text.strip().lower()


def _region(text: str) -> str:
    value = text.strip().upper()
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValueError(_("'{text}' is not a region; use a two-letter country code such as "
                           "CN").format(text=text))
    return value


def _holidays(text: str) -> str:
    return ",".join(parse_holidays(text)) or "none"


def _lead_days(text: str) -> int:
    return parse_int(text, 0, MAX_LEAD_DAYS, what=N_("a whole number of days"))


def _money(text: str) -> str:
    fen = parse_money(text)
    if fen > MAX_THRESHOLD_FEN:
        raise ValueError(_("'{value}' is out of range; use 0 to {high} yuan").format(
            value=text, high=MAX_THRESHOLD_FEN // 100))
    return format_plain(fen)


# key → (parser returning the stored text, description). The stored text is what
# `config show` prints and what load_settings() reads back.
SCALAR_KEYS: dict[str, tuple[Callable[[str], object], str]] = {
    "timezone": (_timezone, Msg("IANA time zone of the team, or 'local' (the machine's)")),
    "calendar": (_calendar, Msg("working-day calendar: cn (official Chinese) or weekdays")),
    "phone_region": (_region, Msg("default region for phone numbers without +country")),
    "tier.a.potential": (_money, Msg("tier A: minimum potential (yuan)")),
    "tier.a.days": (_days(MAX_DECISION_DAYS), Msg("tier A: maximum decision cycle (days)")),
    "tier.b.potential": (_money, Msg("tier B: minimum potential (yuan)")),
    "tier.b.days": (_days(MAX_DECISION_DAYS), Msg("tier B: maximum decision cycle (days)")),
    "gm_threshold": (_money, Msg("contracts below this amount skip the gm step (yuan)")),
    "discount.limit": (lambda text: str(parse_limit(text)),
                       Msg("solutions discounted beyond this share also need a gm review")),
    "greeting.holidays": (_holidays, Msg(
        "statutory holidays greeted for every A and B customer (春节,中秋节 …, or none)")),
    "greeting.lead_days": (_lead_days, Msg("a greeting falls due this many days before the "
                                           "date")),
    "cadence.survey": (_days(MAX_CADENCE_DAYS), Msg(
        "won/repeat customers: days between satisfaction surveys")),
    "pool.idle_days": (_off_or(MAX_DECISION_DAYS, N_("a whole number of days")),
                       Msg("a rep's customer with no follow-up for this many days returns "
                           "to the shared pool (公海); off by default")),
    "pool.warn_days": (_days_from_zero(MAX_CADENCE_DAYS),
                       Msg("days before the return to the pool that its owner is warned")),
    "pool.max_per_rep": (_off_or(1_000_000, N_("a whole number of customers")),
                         Msg("the most customers a rep may hold when claiming from the "
                             "pool (off: no limit)")),
    "pool.lockout_days": (_days_from_zero(MAX_DECISION_DAYS),
                          Msg("days before a rep may reclaim a customer they lost to the "
                              "pool")),
}
for _tier in ("A", "B", "C"):
    SCALAR_KEYS[f"cadence.{_tier}.prospecting"] = (
        _days(MAX_CADENCE_DAYS),
        Msg("tier {tier}: days between contacts before won", tier=_tier),
    )
    SCALAR_KEYS[f"cadence.{_tier}.care"] = (
        _days(MAX_CADENCE_DAYS),
        Msg("tier {tier}: days between contacts once won", tier=_tier),
    )
# SPEC §12: after the deal
AFTER_DEAL_KEYS = {  # key → Settings field
    "cadence.delivery": "delivery_days",
    "cadence.aftersales": "aftersales_days",
    "renewal.days": "renewal_days",
    "collection.legal_days": "legal_days",
}
SCALAR_KEYS["cadence.delivery"] = (
    _days(MAX_CADENCE_DAYS),
    Msg("days between contacts while a signed contract has unfinished delivery phases"))
SCALAR_KEYS["cadence.aftersales"] = (
    _days(MAX_CADENCE_DAYS),
    Msg("days between after-sales visits within the warranty"))
SCALAR_KEYS["renewal.days"] = (
    _days(MAX_CADENCE_DAYS),
    Msg("a renewal item this many days before a signed contract ends"))
SCALAR_KEYS["collection.legal_days"] = (
    _days(MAX_CADENCE_DAYS),
    Msg("an installment this many days late goes to legal review"))
MAPPING_PREFIXES = ("code.industry.", "code.region.")


def canonical_key(key: str) -> str:
    """A scalar key whatever its case (cadence.a.prospecting is cadence.A.prospecting);
    any other key stripped."""
    key = key.strip()
    return next((k for k in SCALAR_KEYS if k.casefold() == key.casefold()), key)


def parse_setting(key: str, value: str) -> tuple[str, str]:
    """Validate `config set KEY VALUE`; return (key, text to store). '' clears a mapping."""
    key = canonical_key(check_text(key))
    check_text(value)
    if key in SCALAR_KEYS:
        parsed = SCALAR_KEYS[key][0](value)
        return key, str(parsed)
    for prefix in MAPPING_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            name = key[len(prefix):].strip()
            return prefix + name, validate_mapping_code(value) if value.strip() else ""
    accepted = ", ".join([*SCALAR_KEYS, "code.industry.<name>", "code.region.<name>"])
    raise ValueError(_("'{key}' is not a setting; use one of {accepted}").format(
        key=key, accepted=accepted))


def settings_from(stored: Mapping[str, str]) -> Settings:
    """Build Settings from stored key → text pairs; unknown keys are ignored."""
    d = Settings()
    tiers = TierThresholds(
        a_potential_fen=parse_money(stored["tier.a.potential"])
        if "tier.a.potential" in stored else d.tiers.a_potential_fen,
        a_max_days=int(stored.get("tier.a.days", d.tiers.a_max_days)),
        b_potential_fen=parse_money(stored["tier.b.potential"])
        if "tier.b.potential" in stored else d.tiers.b_potential_fen,
        b_max_days=int(stored.get("tier.b.days", d.tiers.b_max_days)),
    )
    cadences = d.cadences
    for tier in ("A", "B", "C"):
        for phase in ("prospecting", "care"):
            key = f"cadence.{tier}.{phase}"
            if key in stored:
                cadences = cadences.with_days(tier, phase, int(stored[key]))
    industry = {k[len("code.industry."):]: v for k, v in stored.items()
                if k.startswith("code.industry.") and v}
    region = {k[len("code.region."):]: v for k, v in stored.items()
              if k.startswith("code.region.") and v}
    return Settings(
        timezone=stored.get("timezone") or None,
        calendar=stored.get("calendar", d.calendar),
        phone_region=stored.get("phone_region", d.phone_region),
        tiers=tiers,
        cadences=cadences,
        gm_threshold_fen=parse_money(stored["gm_threshold"])
        if "gm_threshold" in stored else d.gm_threshold_fen,
        discount_limit=parse_limit(stored["discount.limit"])
        if "discount.limit" in stored else d.discount_limit,
        **{name: int(stored[key]) for key, name in AFTER_DEAL_KEYS.items() if key in stored},
        pool_idle_days=_optional_int(stored, "pool.idle_days"),
        pool_warn_days=int(stored.get("pool.warn_days", d.pool_warn_days)),
        pool_max_per_rep=_optional_int(stored, "pool.max_per_rep"),
        pool_lockout_days=int(stored.get("pool.lockout_days", d.pool_lockout_days)),
        industry_codes=MappingProxyType(industry),
        region_codes=MappingProxyType(region),
        greeting_holidays=parse_holidays(stored["greeting.holidays"])
        if "greeting.holidays" in stored else d.greeting_holidays,
        greeting_lead_days=int(stored.get("greeting.lead_days", d.greeting_lead_days)),
        survey_days=int(stored.get("cadence.survey", d.survey_days)),
    )


def effective_values(s: Settings) -> dict[str, str]:
    """Every scalar setting as `config show` prints it, defaults included."""
    values = {
        "timezone": s.timezone or "local",
        "calendar": s.calendar,
        "phone_region": s.phone_region,
        "tier.a.potential": format_plain(s.tiers.a_potential_fen),
        "tier.a.days": str(s.tiers.a_max_days),
        "tier.b.potential": format_plain(s.tiers.b_potential_fen),
        "tier.b.days": str(s.tiers.b_max_days),
        "gm_threshold": format_plain(s.gm_threshold_fen),
        "discount.limit": str(s.discount_limit),
        "greeting.holidays": ",".join(s.greeting_holidays) or "none",
        "greeting.lead_days": str(s.greeting_lead_days),
        "cadence.survey": str(s.survey_days),
        "pool.idle_days": "off" if s.pool_idle_days is None else str(s.pool_idle_days),
        "pool.warn_days": str(s.pool_warn_days),
        "pool.max_per_rep": "off" if s.pool_max_per_rep is None else str(s.pool_max_per_rep),
        "pool.lockout_days": str(s.pool_lockout_days),
    }
    for tier in ("A", "B", "C"):
        values[f"cadence.{tier}.prospecting"] = str(s.cadences.days(tier, "lead"))
        values[f"cadence.{tier}.care"] = str(s.cadences.days(tier, "won"))
    for key, name in AFTER_DEAL_KEYS.items():
        values[key] = str(getattr(s, name))
    for name, code in sorted(s.industry_codes.items()):
        values[f"code.industry.{name}"] = code
    for name, code in sorted(s.region_codes.items()):
        values[f"code.region.{name}"] = code
    return values


# Settings whose change moves customers' due dates: a write to one recomputes next_due_at.
AFFECTS_DUE = ("timezone", "calendar", "cadence.", "pool.idle_days")
# Settings whose change moves contracts' stored after-sales and renewal dates.
AFFECTS_CONTRACTS = ("timezone", "cadence.aftersales", "renewal.days")
