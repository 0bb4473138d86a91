"""Money: exact integer fen (分, 1/100 yuan) end to end, shown in yuan.

The standard records contract amounts and potential values in yuan (e.g. 258万); storing
fen as integers keeps sums and KPIs exact, and only printing converts to yuan.

Input (SPEC §1) accepts what people write in Chinese business documents: plain or
comma-grouped yuan (2580000, 2,580,000), a ¥/￥ sign, a 元 suffix, 万 (10,000 yuan, also
written w/W) and m/M (million); more than two decimals of a yuan is refused rather than
rounded, because a silently rounded contract amount is a wrong contract amount.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, localcontext

from salesflow.i18n import N_, _

FEN_PER_YUAN = 100

# SQLite stores integers as signed 64-bit; a larger amount could not be saved exactly.
MAX_FEN = 2**63 - 1

_UNITS = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "w": 10_000, "m": 1_000_000}

# ASCII digits only: \d would also match other scripts' digits that NFKC leaves alone.
_AMOUNT = re.compile(
    r"(?P<sign>¥)?\s*"
    r"(?P<int>[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)"
    r"(?:\.(?P<frac>[0-9]+))?"
    r"\s*(?P<unit>万元|万|元|w|m)?",
    re.IGNORECASE,
)
# Looks like a number with commas, but the commas are not in groups of three.
_LOOSE_COMMAS = re.compile(r"¥?\s*[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:万元|万|元|w|m)?", re.IGNORECASE)

# A minus sign (ASCII or U+2212) before or just after the ¥ sign.
_NEGATIVE = re.compile(r"^(¥?)\s*[-\u2212]")

_EXAMPLES = N_("use yuan such as 2580000, 2,580,000.50, 258万 or 2.58m")


def fen_to_yuan(fen: int) -> Decimal:
    """Exact yuan with two decimals: 258000050 → Decimal('2580000.50')."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def format_plain(fen: int) -> str:
    """Yuan for machines (CSV): '2580000.50'. Whole fen are split with integer arithmetic
    (an export writes millions of these); the text is exactly str(fen_to_yuan(fen))."""
    if fen.__class__ is int and -_PLAIN_LIMIT < fen < _PLAIN_LIMIT:
        yuan, cents = divmod(-fen if fen < 0 else fen, FEN_PER_YUAN)
        return f"{'-' if fen < 0 else ''}{yuan}.{cents:02d}"
    return str(fen_to_yuan(fen))


# Below this, Decimal's 28 digits hold fen / 100 exactly, so both ways give the same text.
_PLAIN_LIMIT = 10**25


def format_yuan(fen: int) -> str:
    """Yuan for people: '¥2,580,000.50'; negative amounts as '-¥1,000.00'."""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{fen_to_yuan(abs(fen)):,.2f}"


def parse_money(text: str) -> int:
    """Integer fen from what a person types: '¥2,580,000.50' → 258000050, '1.5万' → 1500000.

    Refuses empty, negative and malformed amounts, and any amount that is not a whole number
    of fen once 万/m is applied ('1.234' is refused; '1.2345万' is 12,345 yuan and fine).
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        unsigned = _NEGATIVE.sub(r"\1", cleaned, count=1)
        if unsigned != cleaned and _AMOUNT.fullmatch(unsigned):
            raise ValueError(_("{text} is negative; use zero or more yuan, such as 2580000")
                             .format(text=repr(text)))
        if "," in cleaned and _LOOSE_COMMAS.fullmatch(cleaned):
            raise ValueError(
                _("{text} has misplaced commas; group digits in threes, e.g. 2,580,000")
                .format(text=repr(text))
            )
        raise ValueError(_("{text} is not an amount; {examples}").format(
            text=repr(text), examples=_(_EXAMPLES)))

    digits = match["int"].replace(",", "")
    frac = match["frac"] or ""
    multiplier = _UNITS[(match["unit"] or "").lower()]
    # Enough precision that no digit typed (or produced by ×万/×m ×100) is ever rounded.
    with localcontext() as ctx:
        ctx.prec = len(digits) + len(frac) + 12
        fen = Decimal(f"{digits}.{frac or '0'}") * multiplier * FEN_PER_YUAN
        whole = fen.to_integral_value()
    if fen != whole:
        raise ValueError(_("{text} has more than two decimals of a yuan").format(text=repr(text)))
    if whole > MAX_FEN:
        raise ValueError(_("{text} is too large; amounts go up to {most}").format(
            text=repr(text), most=format_yuan(MAX_FEN)))
    return int(whole)


_RANGE_DASHES = ("-", "~", "～", "至", "到", "—", "–")


def parse_money_range(text: str) -> tuple[int | None, int | None]:
    """A budget (采购预算) as (minimum, maximum) fen, either end open: '200万-300万' →
    (200万, 300万), '50万' → (50万, 50万), '-80万' → (None, 80万: up to), '100万-' →
    (100万, None: from). Each end is read by parse_money; a minimum above the maximum
    is refused. The range dash may be -, ~, 至 or 到."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    for dash in _RANGE_DASHES:
        # the first dash after the first character splits; a leading dash is "up to"
        if cleaned.startswith(dash):
            high = cleaned[len(dash):].strip()
            if not high:
                break
            return None, parse_money(high)
        head, sep, tail = cleaned.partition(dash)
        if sep and head.strip():
            low = parse_money(head.strip())
            high_fen = parse_money(tail.strip()) if tail.strip() else None
            if high_fen is not None and high_fen < low:
                raise ValueError(_(
                    "{text!r}: the minimum {low} is above the maximum {high}; write it "
                    "low-high, e.g. 200万-300万").format(
                        text=text, low=format_yuan(low), high=format_yuan(high_fen)))
            return low, high_fen
    if not cleaned or cleaned in _RANGE_DASHES:
        raise ValueError(_("{text!r} is not a budget; use e.g. 200万-300万, 50万 or -80万")
                         .format(text=text))
    one = parse_money(cleaned)
    return one, one
