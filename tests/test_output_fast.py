"""The bulk writers' cheap conversions (output.py) equal the general ones, value for value:
timestamps and dates as SQLite stores them, money, and the formula guard's shortcut."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from salesflow.columns import Col
from salesflow.output import (
    csv_cell,
    csv_converter,
    date_text,
    formula_safe,
    iso_utc,
    iso_utc_text,
    json_converter,
    json_row,
)
from salesflow.rules.money import fen_to_yuan, format_plain

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[0-9 +\-.,()]*")


def reference_formula_safe(text: str) -> str:
    """formula_safe as it was before its shortcut: NFKC of every cell."""
    if not text:
        return text
    folded = unicodedata.normalize("NFKC", text)
    starts = text[0] in _FORMULA_START or (folded[:1] or " ") in _FORMULA_START
    if starts and not _HARMLESS.fullmatch(folded):
        return "'" + text
    return text


def general_datetime(stored: str) -> str:
    """What the export wrote before: SQLAlchemy's SQLite reading (fromisoformat), then
    sqlmodel's UTCDateTime (naive is UTC, aware is converted), then iso_utc."""
    moment = datetime.fromisoformat(stored)
    moment = moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment
    return iso_utc(moment.astimezone(UTC))


STORED_TIMES = [
    "2024-05-03 23:30:00.000000", "2024-05-03 23:30:00.999999", "2024-05-03 23:30:59.500000",
    "0001-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999", "2024-02-29 12:00:00.000001",
    "1999-12-31 23:59:59", "2024-05-03T23:30:00.000000", "2024-05-03 23:30:00.123+08:00",
    "2024-05-03 23:30:00.0+0800", "2024-05-03 23:30:00.00000Z", "2024-05-03 23:30",
    "2024-05-03", "2024-W18-5 10:00:00.000000", "20240503 233000",
    "2024-05-03 23:30:00,000000", "2024-05-03 00:00:00-05:00",
]


@pytest.mark.parametrize("stored", STORED_TIMES)
def test_stored_timestamps_convert_as_sqlalchemy_reads_them(stored):
    assert iso_utc_text(stored) == general_datetime(stored)


@pytest.mark.parametrize("stored", ["2024-13-01 00:00:00.000000", "2024-02-30 10:00:00.000000",
                                    "2024-05-03 24:00:00.000000", "garbage", ""])
def test_impossible_timestamps_fail_as_they_would_when_read(stored):
    with pytest.raises(ValueError):
        general_datetime(stored)
    with pytest.raises(ValueError):
        iso_utc_text(stored)


def test_random_timestamps_with_microseconds():
    rng = random.Random(7)
    start = datetime(1900, 1, 1)
    for _ in range(20_000):
        moment = start + timedelta(seconds=rng.randrange(200 * 365 * 86400),
                                   microseconds=rng.randrange(1_000_000))
        stored = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        assert iso_utc_text(stored) == general_datetime(stored)


@pytest.mark.parametrize("stored", ["2024-05-10", "0001-01-01", "9999-12-31", "20240510",
                                    "2024-W19-5"])
def test_stored_dates(stored):
    assert date_text(stored) == date.fromisoformat(stored).isoformat()


@pytest.mark.parametrize("stored", ["2024-02-30", "2024-5-1", ""])
def test_impossible_dates_fail(stored):
    with pytest.raises(ValueError):
        date_text(stored)


def test_money_text_is_the_decimal_text():
    values = [0, 1, -1, 5, -5, 99, 100, -100, 101, -101, 258000050, 2**63 - 1, -(2**63),
              10**25 - 1, -(10**25) + 1]
    rng = random.Random(3)
    values += [rng.randrange(-10**22, 10**22) for _ in range(20_000)]
    for fen in values:
        assert format_plain(fen) == str(fen_to_yuan(fen)), fen


FORMULA_TEXTS = [
    "", "=1+1", "+86 138 0013 8000", "-5", "-5 (net)", "@SUM(A1)", "\tx", "\rx", "＝1+1",
    "﹦cmd", "⁼x", "＋1", "－1", "＠x", "=\u0338x", "≠x", "a\u030a", "\u0301=x", "\u0338x",
    "微信确认，下次会议", "，逗号", "ﬁne", "𝟏23", "(010) 8888-8888", "'=x", " =x", "普通",
    "Ａbc", "\u3000=x", "１２３",
]


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_formula_guard_as_before(text):
    assert formula_safe(text) == reference_formula_safe(text)


def test_formula_guard_for_every_first_character():
    """Every BMP character, first in a cell, alone and before text that could compose with
    it: the shortcut decides as the full NFKC fold does."""
    for point in range(0x10000):
        if 0xD800 <= point <= 0xDFFF:
            continue
        first = chr(point)
        for text in (first, first + "x", first + "\u0338", first + "=1", first + "1"):
            assert formula_safe(text) == reference_formula_safe(text), repr(text)


COLUMNS = (Col("text"), Col("when", "datetime"), Col("day", "date"), Col("fen", "money"),
           Col("flag", "bool"), Col("n", "int"), Col("share", "ratio"), Col("tags", "list"),
           Col("missing"))


def _general(raw: bool):  # the writer's per-row way (write_csv's loop, json_row)
    def cells(row: dict) -> list[str]:
        out = [csv_cell(row.get(c.name), c.kind) for c in COLUMNS]
        return out if raw else [formula_safe(cell) for cell in out]
    return cells


def _csv_text(cells: list) -> list[str]:  # as the csv module writes them
    return ["" if v is None else str(v) for v in cells]


def _by_row(convert, rows: list[tuple]) -> list[list]:
    """csv_converter's cells (it takes and gives columns), row by row."""
    return [list(cells) for cells in zip(*convert(list(zip(*rows, strict=True))), strict=True)]


def test_row_converters_equal_the_general_path():
    """Values as the database driver gives them (Python objects, as on PostgreSQL) and
    as SQLite stores them (text timestamps and dates, 0/1 booleans)."""
    keys = [c.name for c in COLUMNS if c.name != "missing"]
    aware = datetime(2024, 5, 3, 23, 30, 15, 123456, tzinfo=UTC)
    shanghai = aware.astimezone(timezone(timedelta(hours=8)))
    python_rows = [
        ("=HYPERLINK(\"x\")", aware, date(2024, 5, 10), 258000050, True, 4, Decimal("0.5"),
         ["a", "=b"]),
        (None, None, None, None, None, None, None, None),
        ("-", shanghai, date(1, 1, 1), -5, False, -3, Decimal("-0.00001"), []),
        ("微信", aware, date(2024, 2, 29), 0, False, 0, 0.25, ["x"]),
        ("", aware, date(2024, 2, 29), 100, True, 10**20, -1e-05, ["@"]),
    ]
    stored_rows = [
        ("+1", "2024-05-03 23:30:15.123456", "2024-05-10", 1, 1, 2, None, None),
        ("＝x", "2024-05-03 23:30:15", "2024-05-10", -101, 0, None, None, None),
        ("=1", "2024-05-03 23:30:15.000000+08:00", "20240510", 99, 1, 7, None, None),
    ]
    to_python = {"when": general_datetime, "day": date.fromisoformat, "flag": bool}
    for raw in (False, True):
        fast = csv_converter(COLUMNS, keys, raw)
        general = _general(raw)
        # the rows as one batch (a column holds cells that need the guard and cells that
        # do not), and each row alone (a column of one cell)
        for row, cells in zip(python_rows, _by_row(fast, python_rows), strict=True):
            assert _csv_text(cells) == general(dict(zip(keys, row, strict=True)))
            assert _by_row(fast, [row]) == [cells]
        for row, cells in zip(stored_rows, _by_row(fast, stored_rows), strict=True):
            as_read = {k: (to_python[k](v) if k in to_python and v is not None else v)
                       for k, v in zip(keys, row, strict=True)}
            if isinstance(as_read["when"], str):
                as_read["when"] = datetime.fromisoformat(
                    as_read["when"].replace("Z", "+00:00"))
            assert _csv_text(cells) == general(as_read)
    to_json = json_converter(COLUMNS, keys)
    for row in python_rows:
        assert to_json(row) == json_row(dict(zip(keys, row, strict=True)), COLUMNS)
    for row in stored_rows:
        as_read = {k: (to_python[k](v) if k in to_python and v is not None else v)
                   for k, v in zip(keys, row, strict=True)}
        as_read["when"] = datetime.fromisoformat(as_read["when"].replace("Z", "+00:00"))
        result = to_json(row)
        assert result == json_row(as_read, COLUMNS)
        assert [type(v) for v in result.values()] == [
            type(v) for v in json_row(as_read, COLUMNS).values()]


def test_the_refused_character_class_is_the_rule():
    """rules/text.py checks a whole value with one regex before its per-character rule:
    both refuse exactly the same characters."""
    from salesflow.rules.text import _ANY_REFUSED, _refused

    for point in range(0x110000):
        char = chr(point)
        assert bool(_ANY_REFUSED.search(char)) == _refused(char), hex(point)


def test_a_column_of_days_or_numbers_converts_each_value_as_itself():
    """A date or int column converts each distinct value once, keyed by its type too:
    1 and True, equal as keys, are written as themselves."""
    convert = csv_converter([Col("n", "int"), Col("day", "date")], ["n", "day"])
    column = [1, True, None, 1, False, 0, 10**20]
    days = [date(2024, 5, 10), "2024-05-10", None, date(2024, 5, 10), None, None, None]
    numbers, texts = convert([column, days])
    assert _csv_text(list(numbers)) == [csv_cell(v, "int") for v in column]
    assert _csv_text(list(texts)) == ["2024-05-10", "2024-05-10", "", "2024-05-10", "", "",
                                      ""]


def test_a_text_column_is_guarded_cell_by_cell_whenever_one_cell_needs_it():
    """csv_converter decides a text column's guard from the set of its cells' first
    characters: random columns (formula starts, their full-width and combining forms,
    Chinese, empty and missing cells, a Msg, numbers, a list) are written as formula_safe
    gives each cell, in the column's order."""
    from salesflow.i18n import Msg

    starts = ["=", "+", "-", "@", "\t", "\r", "＝", "﹢", "=\u0338", "微", "a", "1", " ", ""]
    rng = random.Random(20251130)
    convert = csv_converter([Col("text")], ["text"])
    for _ in range(2_000):
        column = []
        for _ in range(rng.randint(1, 6)):
            pick = rng.random()
            if pick < 0.1:
                column.append(None)
            elif pick < 0.15:
                column.append(Msg("follow up ({tier}: every {days}d)", tier="=A", days=3))
            elif pick < 0.2:
                column.append(rng.choice([-5, 7, 0, False, Decimal(0), ["=x"]]))
            else:
                column.append(rng.choice(starts) + rng.choice(["", "1", "x", "SUM(A1)"]))
        expected = ["" if v is None else formula_safe(csv_cell(v, "text")) for v in column]
        assert _csv_text(list(convert([column])[0])) == expected, column
