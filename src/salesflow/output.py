"""One renderer for every command: table (Rich) | csv | json | jsonl, plus ics for `due`.

Rows stream through: csv, json and jsonl write each row as it arrives (constant memory);
only a terminal table is collected first. Machine formats write plain stdout without
Rich; messages go to stderr so pipes stay clean. CSV is formula-safe by default (SPEC §7).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeGuard

from salesflow.columns import Col, label
from salesflow.i18n import Msg, _
from salesflow.rules.money import fen_to_yuan, format_plain, format_yuan
from salesflow.rules.text import escape_text, has_refused
from salesflow.stdout import gone

if TYPE_CHECKING:
    from rich.text import Text

FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("csv", "json", "jsonl")

_NUMBER_KINDS = ("int", "money", "ratio", "days")
_NO_WRAP_KINDS = ("date", "datetime", *_NUMBER_KINDS)
_NO_WRAP_NAMES = ("code", "customer_code", "tier", "kind", "stage")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[0-9 +\-.,()]*")
# First characters after which no text can start a formula, even once folded (NFKC), so
# that formula_safe decides most cells from their first character alone (an export checks
# millions). NFKC is NFKD, canonical reordering, then composition. If the first character's
# NFKD starts with a starter, that starter stays first and at most composes with what
# follows into a precomposed character, which is never ASCII; if it starts with a
# combining mark, the fold starts with a combining mark. Every formula start is an ASCII
# starter, so the fold starts with one only if the first character's NFKD does.
_SAFE_FIRST: dict[str, bool] = {}


def _safe_first(first: str) -> bool:
    safe = (first not in _FORMULA_START
            and unicodedata.normalize("NFKD", first)[:1] not in _FORMULA_START)
    _SAFE_FIRST[first] = safe
    return safe


_fromisoformat = datetime.fromisoformat
_date_fromisoformat = date.fromisoformat


@dataclass(frozen=True)
class OutputOptions:
    format: str = "table"
    excel: bool = False  # write a UTF-8 BOM so Excel reads Chinese correctly
    raw: bool = False  # turn formula protection off


def formula_safe(text: str) -> str:
    """Prefix ' to a cell a spreadsheet would run; leave phones and negative numbers."""
    if not text:
        return text
    safe = _SAFE_FIRST.get(text[0])
    if safe is None:
        safe = _safe_first(text[0])
    if safe:
        return text
    folded = unicodedata.normalize("NFKC", text)
    # Check the raw first character too: NFKC can fold "=" + a combining mark into "≠",
    # while a spreadsheet still sees the "=".
    starts = text[0] in _FORMULA_START or (folded[:1] or " ") in _FORMULA_START
    if starts and not _HARMLESS.fullmatch(folded):
        return "'" + text
    return text


def iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso_utc_text(stored: str) -> str:
    """iso_utc() of a timestamp as SQLite stores it ('2024-05-03 23:30:00.000000', UTC
    without an offset), by slicing the text instead of building a datetime and formatting
    it again. The text is parsed all the same (fromisoformat, as SQLAlchemy reads it), so
    an impossible value fails as it would there; a shape other than SQLAlchemy's own
    (an offset, a 'T') goes the general way, as SQLAlchemy and sqlmodel's UTCDateTime
    read it."""
    moment = _fromisoformat(stored)
    if (moment.tzinfo is None and len(stored) in (19, 26) and stored[10] == " "
            and stored[4] == "-" and stored[7] == "-" and stored[13] == ":"
            and stored[16] == ":" and (len(stored) == 19 or stored[19] == ".")):
        return f"{stored[:10]}T{stored[11:19]}Z"
    if moment.tzinfo is None:  # databases without zones store UTC without an offset
        moment = moment.replace(tzinfo=UTC)
    return iso_utc(moment)


def date_text(stored: str) -> str:
    """A date as SQLite stores it ('2024-05-10'), checked as SQLAlchemy reads it (the
    same text when it is in that shape, which is date.isoformat())."""
    day = _date_fromisoformat(stored)
    if len(stored) == 10 and stored[4] == "-" and stored[7] == "-":
        return stored
    return day.isoformat()


def csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "money":
        return format_plain(value)
    if kind == "datetime":
        return iso_utc(value)
    if kind == "bool":
        return "true" if value else "false"
    if kind == "list":
        return "; ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def json_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money":
        yuan = fen_to_yuan(value)
        return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)
    if kind == "datetime":
        return iso_utc(value)
    if kind == "ratio" or isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def table_cell(value: Any, kind: str, tz: tzinfo | None) -> str:
    """A value as a person reads it: in tables only (and translated: a Msg, yes)."""
    if value is None:
        return ""
    if isinstance(value, Msg):
        return value.translated()
    if kind == "money":
        return format_yuan(value)
    if kind == "datetime":
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if kind == "bool":
        return _("yes") if value else ""
    if kind == "ratio":
        return f"{Decimal(value) * 100:.1f}%"
    if kind == "list":
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def json_row(row: Mapping[str, Any], columns: Sequence[Col]) -> dict[str, Any]:
    return {c.name: json_value(row.get(c.name), c.kind) for c in columns}


# ------------------------------------------------------------------ rows in bulk
#
# A source with `keys` and `batches()` (services.export.Rows) hands over plain tuples,
# in batches, with SQLite's timestamps and dates as the text it stores; the writers
# below turn each into its cells with one function per column, built once for the
# export, which give exactly what csv_cell/formula_safe and json_value give for the
# same values (tests/test_output_fast.py compares them). A value left as it is (an int,
# text that needs no guard) is written by the csv module as str(value), as csv_cell does.


class Batches(Protocol):
    keys: Sequence[str]

    def batches(self) -> Iterator[Sequence[Sequence[Any]]]: ...


def _csv_fn(kind: str, raw: bool) -> Callable[[Any], Any]:
    """The cell for a value (never None) of a column of this kind."""
    guard = (lambda text: text) if raw else formula_safe

    if kind == "datetime":  # digits first: never guarded
        return _datetime_cell
    if kind == "money":  # digits, '-' and '.': never guarded
        return format_plain
    if kind == "bool":
        return lambda v: "true" if v else "false"
    if kind == "date":  # a date's isoformat() starts with a digit: never guarded
        return lambda v: (v.isoformat() if v.__class__ is date else date_text(v)
                          if v.__class__ is str else guard(csv_cell(v, kind)))
    if kind == "int":  # str(int) is digits and '-': never guarded
        return lambda v: v if v.__class__ is int else guard(csv_cell(v, kind))
    if raw:
        return lambda v: v if v.__class__ is str else csv_cell(v, kind)

    def guarded(v: Any) -> Any:
        if v.__class__ is str or v.__class__ is Msg:  # the csv module writes a Msg's text
            return v if not v or _SAFE_FIRST.get(v[0]) else formula_safe(v)
        return formula_safe(csv_cell(v, kind))

    return guarded


def _datetime_cell(v: Any) -> str:
    return iso_utc_text(v) if v.__class__ is str else iso_utc(v)


def _json_fn(kind: str) -> Callable[[Any], Any]:
    if kind == "datetime":
        return _datetime_cell
    if kind == "date":
        return lambda v: date_text(v) if v.__class__ is str else json_value(v, kind)
    if kind == "bool":  # SQLite's stored 0/1 read as SQLAlchemy's Boolean reads it
        return lambda v: v if v.__class__ is bool else bool(v)
    if kind == "money":
        def money(v: Any) -> Any:
            if v.__class__ is int and -_EXACT_FLOAT < v < _EXACT_FLOAT:
                return v // 100 if v % 100 == 0 else v / 100  # both correctly rounded
            return json_value(v, kind)
        return money
    return lambda v: v if v.__class__ in _JSON_AS_IS else json_value(v, kind)


_EXACT_FLOAT = 2**53
_JSON_AS_IS = (str, int, bool)


def _row_converter(columns: Sequence[Col], keys: Sequence[str],
                   fn: Callable[[str], Callable[[Any], Any]]) -> Callable[[Any], list[Any]]:
    where = {k: i for i, k in enumerate(keys)}
    picks = [where.get(c.name) for c in columns]
    steps = [(j, fn(c.kind)) for j, c in enumerate(columns) if picks[j] is not None]
    same = picks == list(range(len(keys)))

    def convert(row: Sequence[Any]) -> list[Any]:
        cells = list(row) if same else [None if i is None else row[i] for i in picks]
        for j, f in steps:
            value = cells[j]
            if value is not None:
                cells[j] = f(value)
        return cells

    return convert


def csv_converter(columns: Sequence[Col], keys: Sequence[str],
                  raw: bool = False) -> Callable[[Sequence[Sequence[Any]]], list[Any]]:
    """Values by column (each a sequence, in `keys` order) → the CSV cells of each of
    `columns` (None is written empty): one comprehension per column rather than one call
    per cell, and a text column's guard decided once per first character it holds."""
    where = {k: i for i, k in enumerate(keys)}
    steps = [(where.get(c.name), _csv_column_fn(c.kind, raw)) for c in columns]

    def convert(values: Sequence[Sequence[Any]]) -> list[Any]:
        height = len(values[0]) if values else 0
        return [(None,) * height if at is None else fn(values[at]) for at, fn in steps]

    return convert


_FIRST = itemgetter(slice(0, 1))  # a text's first character ("" for "")


def _once_per_value(values: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """[convert(v) for v in values], each distinct value converted once: a column of days
    or amounts holds few. Distinct by type too (1 and True are equal keys, and so are a
    Msg and its English text); an unhashable value makes it one at a time."""
    keys = [(v.__class__, v) for v in values]
    try:
        done = {key: convert(key[1]) for key in set(keys)}
    except TypeError:
        return [convert(v) for v in values]
    return list(map(done.__getitem__, keys))


def _csv_column_fn(kind: str, raw: bool) -> Callable[[Sequence[Any]], Sequence[Any]]:
    cell = _csv_fn(kind, raw)
    if kind in ("date", "int"):  # few distinct values (days): each converted once
        return lambda values: _once_per_value(values, lambda v: v if v is None else cell(v))
    if kind != "text" or raw:
        return lambda values: [v if v is None else cell(v) for v in values]

    def text(values: Sequence[Any]) -> Sequence[Any]:
        try:  # the first characters of the cells, when every cell is text or None
            firsts = set(map(_FIRST, filter(None, values)))
        except TypeError:  # a cell that is not text: cell by cell
            firsts = {0}
        if all(first.__class__ is str and (_SAFE_FIRST.get(first) or _safe_first(first))
               for first in firsts):
            return values  # no cell of the column needs the guard: all as they are
        return [v if v is None else cell(v) for v in values]

    return text


def json_converter(columns: Sequence[Col],
                   keys: Sequence[str]) -> Callable[[Any], dict[str, Any]]:
    """A row (values in `keys` order) → json_row() of it."""
    convert = _row_converter(columns, keys, _json_fn)
    names = [c.name for c in columns]
    return lambda row: dict(zip(names, convert(row), strict=True))


def _stdout() -> TextIO:
    return sys.stdout


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], opts: OutputOptions,
              out: TextIO | None = None) -> int:
    """Rows in batches (a Batches source's own, or CSV_BATCH mappings at a time),
    converted column by column (csv_converter)."""
    out = out or _stdout()
    if opts.excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    count = 0
    if _has_batches(rows):
        convert = csv_converter(columns, rows.keys, opts.raw)
        for batch in rows.batches():
            if gone(out):
                break
            if batch:
                writer.writerows(zip(*convert(list(zip(*batch, strict=True))), strict=True))
            count += len(batch)
        return count
    names = [c.name for c in columns]
    convert = csv_converter(columns, names, opts.raw)  # csv_cell + formula_safe, per column
    pick = itemgetter(*names) if len(names) > 1 else None
    source = iter(rows)
    while batch := list(islice(source, CSV_BATCH)):
        if gone(out):
            break
        writer.writerows(zip(*convert(_by_column(batch, names, pick)), strict=True))
        count += len(batch)
    return count


def _by_column(rows: list[Mapping[str, Any]], names: list[str],
               pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] | None) -> list[Any]:
    """The values of each of `names` in the rows (None where a row has no such key)."""
    if pick is not None:
        with contextlib.suppress(KeyError):
            return list(zip(*map(pick, rows), strict=True))
    return [[row.get(n) for row in rows] for n in names]


CSV_BATCH = 2_000  # mappings converted at a time: columns of a few thousand cells


def write_json(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col],
               out: TextIO | None = None) -> int:
    """One JSON array, written row by row."""
    out = out or _stdout()
    count = 0
    out.write("[")
    if _has_batches(rows):
        convert = json_converter(columns, rows.keys)
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for batch in rows.batches():
            if gone(out):
                break
            for row in batch:
                out.write(",\n  " if count else "\n  ")
                out.write(dumps(convert(row)))
                count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    names = [c.name for c in columns]
    convert = json_converter(columns, names)  # json_row, per column
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for row in rows:
        if gone(out):
            break
        out.write(",\n  " if count else "\n  ")
        out.write(dumps(convert(list(map(row.get, names)))))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col],
                out: TextIO | None = None) -> int:
    out = out or _stdout()
    count = 0
    if _has_batches(rows):
        convert = json_converter(columns, rows.keys)
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for batch in rows.batches():
            if gone(out):
                break
            out.write("".join([dumps(convert(row)) + "\n" for row in batch]))
            count += len(batch)
        return count
    names = [c.name for c in columns]
    convert = json_converter(columns, names)  # json_row, per column
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for row in rows:
        if gone(out):
            break
        out.write(dumps(convert(list(map(row.get, names)))) + "\n")
        count += 1
    return count


def _has_batches(rows: Any) -> TypeGuard[Batches]:
    return callable(getattr(rows, "batches", None))


_MIN_WIDTH = {"customer": 8, "name": 8, "action": 14, "summary": 14, "rule": 20}
# Dropped first when the terminal is narrow (in this order), so the rest stays readable.
_OPTIONAL = ("last_contact", "owner", "last_contact_at", "contact_name", "stage")
NARROW = 110


def fit_columns(columns: Sequence[Col], width: int) -> list[Col]:
    """On a narrow terminal leave out the optional columns of a wide table."""
    kept = list(columns)
    if width >= NARROW or len(kept) <= 6:
        return kept
    for name in _OPTIONAL:
        if len(kept) <= 7:
            break
        kept = [c for c in kept if c.name != name]
    return kept


def shown(text: str | None) -> Text | None:
    """Stored text as a person's terminal shows it: literally (never read as Rich markup:
    '[/]' or '[red]' in a name is text) and with control characters escaped (data stored
    before rules.text refused them must not drive the terminal)."""
    from rich.text import Text

    return None if text is None else Text(escape_text(text, keep="\n"))


def write_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], *,
                tz: tzinfo | None, title: str | None = None, empty: str | None = None) -> int:
    """The rows as a table on the terminal: headers are the columns' translated labels; the
    caller passes `title` and `empty` already translated.

    Laid out the way Rich lays out a Table without a box (one space of padding each side of
    a cell; numbers right-aligned; dates, numbers and codes never wrapped; the widest
    wrappable column narrowed first until the table fits the terminal; text wrapped at
    spaces and long words folded, counting East Asian characters as two cells), but
    written line by line: Rich renders each cell through its segment pipeline, about 2 ms a
    row, which made a rep's 1,800-item `due` spend seven seconds in the table. The title and
    header go through Rich, which decides the terminal's styles (none on a pipe)."""
    from rich.console import Console
    from rich.text import Text

    collected = list(rows)
    if not collected:
        Console(stderr=True).print(shown(_("No rows.") if empty is None else empty),
                                   style="dim")
        return 0
    console = Console()
    kept = fit_columns(columns, console.width)
    heads = [escape_text(_(c.label), keep="\n") for c in kept]
    by_column = [_table_column([row.get(c.name) for row in collected], c.kind, tz)
                 for c in kept]
    cells = list(zip(*(texts for texts, _sizes in by_column), strict=True))
    sizes = list(zip(*(sizes for _texts, sizes in by_column), strict=True))
    wraps = [not (c.kind in _NO_WRAP_KINDS or c.name in _NO_WRAP_NAMES) for c in kept]
    head_sizes = [widest_line(text) for text in heads]
    natural = [max(head, *(size[i] for size in sizes)) for i, head in enumerate(head_sizes)]
    widths = table_widths(natural, wraps, [_MIN_WIDTH.get(c.name) for c in kept],
                          console.width)
    right = [c.kind in _NUMBER_KINDS for c in kept]
    head = table_lines([heads], [head_sizes], widths, right)
    if title:
        console.print(Text(escape_text(title, keep="\n"), style="bold"), soft_wrap=True)
    console.print(Text("\n".join(head), style="bold underline"), soft_wrap=True)
    out = console.file
    for start in range(0, len(cells), 500):
        out.write("\n".join(table_lines(cells[start:start + 500], sizes[start:start + 500],
                                         widths, right)) + "\n")
    out.flush()
    return len(collected)


def _table_column(values: list[Any], kind: str,
                  tz: tzinfo | None) -> tuple[list[str], list[int]]:
    """A column's cells as a table shows them (table_cell, then escape_text keeping line
    breaks) and each one's size (widest_line), computed a column at a time: plain text as
    it is, other values converted once per distinct value, and the escape and the widths
    decided for the whole column when it allows (no character to escape; ASCII, or ASCII
    and Chinese, on single lines)."""
    if kind == "text":  # text as it is; a Msg translated; anything else its table_cell
        texts = ["" if v is None else v if v.__class__ is str else table_cell(v, kind, tz)
                 for v in values]
    else:  # dates, money, numbers: few distinct values
        texts = _once_per_value(values, lambda v: table_cell(v, kind, tz))
    whole = "".join(texts)
    if has_refused(whole):
        texts = [escape_text(t, keep="\n") for t in texts]
        whole = "".join(texts)
    if "\n" not in whole:
        if whole.isascii():
            return texts, list(map(len, texts))
        if TWO_CELL_TEXT.fullmatch(whole):  # one byte for one cell, three for two
            return texts, [(len(t.encode()) + len(t)) // 2 for t in texts]
    return texts, [len(t) if t.isascii() and "\n" not in t else widest_line(t)
                   for t in texts]


def table_lines(cells: Sequence[Sequence[str]], sizes: Sequence[Sequence[int]],
                widths: Sequence[int], right: Sequence[bool]) -> list[str]:
    """The text lines of table rows, each cell padded to its column's width with one
    space at each side, given each cell's size (widest_line): only a cell wider than its
    column, or of several lines, is wrapped (wrap_cell) and measured again; the rest are
    padded by the size they have."""
    multiline = any("\n" in t for row in cells for t in row)
    out: list[str] = []
    columns = list(zip(widths, right, [" " * w for w in widths], strict=True))
    wrapped: dict[tuple[str, int, bool], list[str]] = {}
    for row, size in zip(cells, sizes, strict=True):
        if not (multiline and any("\n" in t for t in row)) and all(
                s <= w for s, w in zip(size, widths, strict=True)):
            out.append(" " + "  ".join(
                " " * (w - s) + t if to_right else t + " " * (w - s)
                for t, s, (w, to_right, _blank) in zip(row, size, columns, strict=True))
                + " ")
            continue
        cells_lines = []
        for t, s, (w, to_right, _blank) in zip(row, size, columns, strict=True):
            if s <= w and "\n" not in t:
                cells_lines.append([" " * (w - s) + t if to_right else t + " " * (w - s)])
                continue
            key = (t, w, to_right)
            lines = wrapped.get(key)  # the same text again (an action): wrapped once
            if lines is None:
                # a line of an ASCII text is as wide as it is long, of an all-wide one
                # (a Chinese name on one line) twice as wide; any other is measured
                measure = (len if t.isascii() else _twice if s == 2 * len(t) else _cells)
                lines = wrapped[key] = [
                    " " * (w - measure(line)) + line if to_right
                    else line + " " * (w - measure(line)) for line in wrap_cell(t, w)]
            cells_lines.append(list(lines))
        height = max(map(len, cells_lines))
        for lines, (_w, _right, blank) in zip(cells_lines, columns, strict=True):
            lines.extend([blank] * (height - len(lines)))
        out.extend(" " + "  ".join(parts) + " " for parts in zip(*cells_lines, strict=True))
    return out


def _twice(text: str) -> int:
    return 2 * len(text)


def widest_line(text: str) -> int:
    """Terminal cells of a text's widest line."""
    if "\n" in text:
        return max(_cells(line) for line in text.split("\n"))
    return _cells(text)


def table_widths(natural: Sequence[int], wraps: Sequence[bool],
                 floors: Sequence[int | None], width: int) -> list[int]:
    """Each column's text width, decided as rich.table.Table decides it for a table without
    a box (Table._calculate_column_widths, _collapse_widths and rich._ratio.ratio_reduce,
    with one cell of padding each side), from each column's widest line (`natural`, its
    header's included): each column as wide as its widest line (at least its floor); if
    the table is wider than `width`, the widest wrappable columns narrowed together, then
    every column evenly; then each column's widest line within that width, at least its
    floor."""
    natural = [n + 2 for n in natural]
    low = [None if floor is None else floor + 2 for floor in floors]
    widths = [max(min(n, width), f or 0) or 1 for n, f in zip(natural, low, strict=True)]
    if sum(widths) > width:
        widths = _collapse(widths, list(wraps), width)
        if sum(widths) > width:
            widths = _ratio_reduce(sum(widths) - width, [1] * len(widths), widths, widths)
        narrowed = widths
        widths = [max(min(n, w), f or 0) for n, w, f in zip(natural, widths, low, strict=True)]
        if sum(widths) > width:
            # Rich keeps the floors and crops the lines at the terminal's edge, losing
            # their last characters; here the floors give way instead
            widths = [min(n, w) for n, w in zip(natural, narrowed, strict=True)]
    return [max(w - 2, 1) for w in widths]  # never a column without room for a character


def _collapse(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """rich.table.Table._collapse_widths: the widest wrappable columns narrowed together."""
    excess = sum(widths) - max_width
    while any(wrapable) and excess > 0:
        widest = max(w for w, wrap in zip(widths, wrapable, strict=True) if wrap)
        second = max(w if wrap and w != widest else 0
                     for w, wrap in zip(widths, wrapable, strict=True))
        ratios = [1 if (w == widest and wrap) else 0
                  for w, wrap in zip(widths, wrapable, strict=True)]
        if not any(ratios) or widest == second:
            break
        widths = _ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths),
                               widths)
        excess = sum(widths) - max_width
    return widths


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int],
                  values: list[int]) -> list[int]:
    """rich._ratio.ratio_reduce: `total` taken from the values in proportion to `ratios`,
    at most `maximums`."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(maximum, round(ratio * total / total_ratio))
            result.append(value - taken)
            total -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


# Printable ASCII, CJK ideographs (extension A and the unified block), CJK punctuation
# and fullwidth forms: one cell, or two for all but ASCII, in every Unicode version Rich
# knows (tests/test_output_table.py checks each against rich.cells).
TWO_CELL_TEXT = re.compile(
    "[\x20-\x7e\u3001-\u3003\u3008-\u3011\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60]*")


def _cells(text: str) -> int:
    """Terminal cells of a text: its length when ASCII (most cells); for ASCII and
    Chinese (the rest) its UTF-8 size tells (one byte for a one-cell character, three
    for a two-cell one); else rich's count."""
    if text.isascii():
        return len(text)
    if TWO_CELL_TEXT.fullmatch(text):
        return (len(text.encode()) + len(text)) // 2
    from rich.cells import cell_len

    return cell_len(text)


_WORD = re.compile(r"\s*\S+\s*")
_SPACE = re.compile(r"\s")


def wrap_cell(text: str, width: int) -> list[str]:
    """A cell's lines at `width` cells: its own line breaks kept, lines broken at spaces,
    a word wider than the column folded."""
    if "\n" not in text and (len(text) if text.isascii() else _cells(text)) <= width:
        return [text]  # most cells
    if not _SPACE.search(text):  # one word (a name, a phone number): folded
        return fold(text, width)
    lines: list[str] = []
    for para in text.split("\n"):
        if _cells(para) <= width:
            lines.append(para)
            continue
        line, used = "", 0
        for word in _WORD.findall(para):
            bare = word.rstrip()  # each part measured once
            size = len(bare) if bare.isascii() else _cells(bare)
            gap = word[len(bare):]
            if line and used + size > width:
                lines.append(line.rstrip())
                if bare[:1].isspace():  # the paragraph's leading spaces
                    bare = bare.lstrip()
                    size = _cells(bare)
                word = bare + gap
                line, used = "", 0
            if size > width:
                if line:
                    lines.append(line.rstrip())
                *full, line = fold(bare, width)
                lines.extend(full)
                line += gap
                used = _cells(line)
                continue
            line += word
            used += size + (len(gap) if gap.isascii() else _cells(gap))
        lines.append(line.rstrip())
    return lines


def fold(word: str, width: int) -> list[str]:
    """A word cut into pieces of at most `width` cells (a wide character is never split)."""
    from rich.cells import get_character_cell_size

    if word.isascii() and word.isprintable():  # one cell each: by slices
        return [word[i:i + width] for i in range(0, len(word), width)]
    if width > 1 and _cells(word) == 2 * len(word):  # all wide (a Chinese name): by slices
        step = width // 2
        return [word[i:i + step] for i in range(0, len(word), step)]
    pieces, piece, used = [], "", 0
    for char in word:
        size = get_character_cell_size(char)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += size
    pieces.append(piece)
    return pieces


def render(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], opts: OutputOptions, *,
           tz: tzinfo | None = None, title: str | None = None, empty: str | None = None,
           out: TextIO | None = None) -> int:
    """Print rows in the chosen format (machine formats to `out`, default stdout);
    returns how many were printed."""
    try:
        if opts.format == "csv":
            return write_csv(rows, columns, opts, out)
        if opts.format == "json":
            return write_json(rows, columns, out)
        if opts.format == "jsonl":
            return write_jsonl(rows, columns, out)
        return write_table(rows, columns, tz=tz, title=title, empty=empty)
    finally:
        # Rows left unread (the reader of stdout left) release their cursor now, while
        # the session is open, not when the garbage collector finds them.
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def render_object(obj: Mapping[str, Any], columns: Sequence[Col], opts: OutputOptions, *,
                  lists: Mapping[str, tuple[Sequence[Col], Iterable[Mapping[str, Any]]]]
                  | None = None, extra: Mapping[str, Any] | None = None,
                  tz: tzinfo | None = None, title: str | None = None) -> None:
    """A `show`: one JSON object (with nested lists), one CSV row, or a key/value table."""
    lists = lists or {}
    extra = extra or {}
    if opts.format == "json":
        data = json_row(obj, columns)
        data.update(extra)
        for key, (list_cols, items) in lists.items():
            data[key] = [json_row(item, list_cols) for item in items]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if opts.format in ("csv", "jsonl"):
        render([obj], columns, opts, tz=tz)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=shown(title), show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for c in columns:
        table.add_row(shown(_(c.label)), shown(table_cell(obj.get(c.name), c.kind, tz)))
    for key, value in extra.items():
        if isinstance(value, Msg):
            table.add_row(shown(_(label(key))), shown(value.translated()))
        elif not isinstance(value, (list, dict)):
            table.add_row(shown(_(label(key))), shown("" if value is None else str(value)))
        elif isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
            table.add_row(shown(_(label(key))), shown(", ".join(str(v) for v in value)))
    console.print(table)
    for key, (list_cols, items) in lists.items():
        write_table(items, list_cols, tz=tz, title=_(label(key)),
                    empty=_("No {what}.").format(what=_(label(key))))


def xlsx_value(value: Any, kind: str) -> Any:
    """A cell for a spreadsheet: numbers as numbers (money in yuan), dates as dates;
    the rest as the CSV writes it (a date-time in ISO UTC, lists joined)."""
    if value is None:
        return None
    if kind == "money":
        return fen_to_yuan(value)
    if kind in ("int", "ratio") or (kind == "date" and isinstance(value, date)):
        return value
    return csv_cell(value, kind)


def write_xlsx(rows: Iterable[Mapping[str, Any]], columns: Sequence[Col], target: Any,
               *, sheet: str = "salesflow") -> int:
    """One worksheet, streamed: openpyxl's write-only mode keeps no rows in memory.
    Text is always a string cell, so '=…' is never a formula (no ' prefix needed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([c.name for c in columns])
    count = 0
    for row in rows:
        cells = []
        for c in columns:
            value = xlsx_value(row.get(c.name), c.kind)
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
        count += 1
    book.save(target)
    return count


def message(text: str, *, style: str | None = None) -> None:
    """A human message on stderr (never on stdout, which belongs to the data)."""
    from rich.console import Console

    Console(stderr=True, highlight=False).print(escape_text(text, keep="\n"), style=style,
                                                markup=False)


def stream_lines(lines: Iterator[str]) -> None:
    for line in lines:
        sys.stdout.write(line)
