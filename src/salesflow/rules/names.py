"""Company names (客户名称): the registered name and the key that finds duplicates.

From 客户信息登记表 and 信息完整性校验: 企业名称需与工商注册信息一致 — a customer is
recorded under its full registered company name, once. People type the same company in
many ways (华东精密科技有限公司, 华东精密科技 有限公司, 华东精密科技; ＡＢＣ Trading Co., Ltd.,
abc trading, ABC  Trading Inc.), so duplicates are found on a key, not on the name:

1. NFKC (full-width forms become ASCII), case-fold;
2. drop whitespace, punctuation (P*), symbols (S*) and invisible characters (C*);
3. strip company-form suffixes at the end, repeatedly, longest first:
   股份有限公司, 有限责任公司, 责任有限公司, 有限公司, 股份公司; and, as whole words,
   co ltd, company limited, limited, ltd, inc, incorporated, corp, corporation, llc,
   gmbh, plc, company, co;
4. if stripping would leave nothing (a company called "Limited"), keep the unstripped key.

Decisions:

- 集团 (group) is kept. "XX集团有限公司" keys as "xx集团", the same as "XX集团" and
  "XX（集团）股份有限公司", but not as "XX有限公司": the group holding and its operating
  company are different legal entities and often different customers. English "group"
  is kept for the same reason.
- 分公司 (branch) is kept: "XX有限公司上海分公司" is a different customer from
  "XX有限公司" (its suffix is 分公司, so 有限公司 in the middle stays too).
- Bare 公司 is not stripped: it would turn 分公司 into 分 and 总公司 into 总.
- English suffixes are stripped only as whole words — after a space, punctuation, a
  non-Latin character (华东Co., Ltd.) or another stripped suffix — so that Cisco, Tesco,
  Costco and Zinc keep their names. Chinese suffixes need no boundary, because Chinese
  is written without spaces. Hence whitespace and punctuation between words, case and
  full-width forms never change the key, but a space typed inside an English word can
  ("Cis co" keys as "cis").
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from salesflow.i18n import _

# Longest first, so that 股份有限公司 never leaves 股份 behind.
_CHINESE_SUFFIXES = ("股份有限公司", "有限责任公司", "责任有限公司", "有限公司", "股份公司")

# Compared on the case-folded, punctuation-free form ("Co., Ltd." → "coltd").
_ENGLISH_SUFFIXES = (
    "companylimited",
    "incorporated",
    "corporation",
    "colimited",
    "company",
    "limited",
    "coltd",
    "corp",
    "gmbh",
    "inc",
    "llc",
    "ltd",
    "plc",
    "co",
)

_SUFFIXES = tuple(
    sorted(
        [(s, False) for s in _CHINESE_SUFFIXES] + [(s, True) for s in _ENGLISH_SUFFIXES],
        key=lambda item: -len(item[0]),
    )
)

# Everything not a letter, mark or number is dropped from the key.
_KEPT_CATEGORIES = ("L", "M", "N")


def _fold(text: str) -> str:
    # Case-folding can produce non-NFKC text (e.g. ǰ), so normalise again afterwards.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _glues(char: str) -> bool:
    """True when an English suffix right after ``char`` would be part of the same word.

    Scripts written with spaces between words (Latin, Greek, Cyrillic …) live below the
    CJK blocks; Chinese, Japanese and Korean characters never glue to a Latin suffix.
    """
    return char.isalnum() and ord(char) < 0x2E80


def _fold_and_mark(name: str) -> tuple[str, frozenset[int]]:
    """The folded key before stripping, and the positions where a word boundary was."""
    kept: list[str] = []
    boundaries: set[int] = set()
    for char in _fold(name):
        if unicodedata.category(char)[0] in _KEPT_CATEGORIES:
            kept.append(char)
        else:
            boundaries.add(len(kept))
    return "".join(kept), frozenset(boundaries)


def _strip_one(key: str, boundaries: frozenset[int]) -> str | None:
    for suffix, whole_word in _SUFFIXES:
        if not key.endswith(suffix):
            continue
        start = len(key) - len(suffix)
        if whole_word and start > 0 and start not in boundaries and _glues(key[start - 1]):
            continue
        return key[:start]
    return None


@lru_cache(maxsize=16384)  # a pure function: an import asks for each name's key thrice
def name_key(name: str) -> str:
    """The duplicate-detection key: "ＡＢＣ Trading Co., Ltd." → "abctrading"."""
    key, boundaries = _fold_and_mark(name)
    stripped = key
    while (shorter := _strip_one(stripped, boundaries)) is not None:
        stripped = shorter
    return stripped or key


def validate_company_name(name: str) -> str:
    """The name as stored: trimmed, runs of whitespace collapsed to one space.

    Refuses a blank name and one made only of punctuation or symbols.
    """
    cleaned = " ".join(name.split())
    if not cleaned or not name_key(cleaned):
        raise ValueError(_("{name!r} is not a company name; use the full registered name").format(
            name=name))
    return cleaned
