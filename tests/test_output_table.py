"""The terminal table (output.write_table): laid out as Rich lays out a Table without a
box, written line by line. Its widths follow Rich's, no line is wider than the terminal,
and wrapping never loses a character."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from salesflow.output import (
    TWO_CELL_TEXT,
    _cells,
    table_lines,
    table_widths,
    widest_line,
    wrap_cell,
)

WORD = st.text(alphabet=st.sampled_from("abcdefgxyz-()0123456789华东精密科技有限公司"),
               min_size=1, max_size=18)
CELL = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
CELLS = CELL | st.lists(CELL, min_size=2, max_size=3).map("\n".join)  # a note's lines


def wrapped_lines(rows, widths, right):  # type: ignore[no-untyped-def]
    """The lines of rows every cell of which is wrapped (wrap_cell) and each line padded
    by rich's own measure: what table_lines must give."""
    out = []
    for row in rows:
        cells = [wrap_cell(c, w) for c, w in zip(row, widths, strict=True)]
        for n in range(max(map(len, cells))):
            parts = []
            for lines, w, to_right in zip(cells, widths, right, strict=True):
                line = lines[n] if n < len(lines) else ""
                gap = " " * (w - cell_len(line))
                parts.append(gap + line if to_right else line + gap)
            out.append(" " + "  ".join(parts) + " ")
    return out


def rich_widths(heads, rows, wraps, floors, width):  # type: ignore[no-untyped-def]
    """What rich.table.Table itself decides for the same table (text widths)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(width=width)
    table = Table(box=None)
    for head, wrap, floor in zip(heads, wraps, floors, strict=True):
        table.add_column(Text(head), no_wrap=not wrap, min_width=floor, overflow="fold")
    for row in rows:
        table.add_row(*map(Text, row))
    return [w - 2 for w in table._calculate_column_widths(console, console.options)]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), columns=st.integers(1, 7), width=st.integers(30, 130))
def test_widths_are_rich_s_and_lines_fit_the_terminal(data, columns, width):  # type: ignore[no-untyped-def]
    heads = data.draw(st.lists(WORD, min_size=columns, max_size=columns))
    rows = data.draw(st.lists(st.lists(CELLS, min_size=columns, max_size=columns),
                              min_size=1, max_size=8))
    wraps = data.draw(st.lists(st.booleans(), min_size=columns, max_size=columns))
    floors = data.draw(st.lists(st.sampled_from([None, 8, 14]), min_size=columns,
                                max_size=columns))
    natural = [max(widest_line(text) for text in (head, *(row[i] for row in rows)))
               for i, head in enumerate(heads)]
    ours = table_widths(natural, wraps, floors, width)
    theirs = rich_widths(heads, rows, wraps, floors, width)
    if sum(theirs) + 2 * columns <= width and min(theirs) >= 1:
        assert ours == theirs
    # (otherwise Rich crops its lines at the terminal's edge, or leaves a column no room:
    # here the floors give way, and every column keeps a cell)
    assert min(ours) >= 1
    right = data.draw(st.lists(st.booleans(), min_size=columns, max_size=columns))
    lines = wrapped_lines(rows, ours, right)
    # rows that fit are padded directly: the same lines as wrapping them
    sizes = [[widest_line(c) for c in row] for row in rows]
    assert table_lines(rows, sizes, ours, right) == lines
    table_width = sum(ours) + 2 * columns
    if min(ours) >= 2:  # a one-cell column cannot hold a wide character
        assert max(cell_len(line) for line in lines) == table_width
        if table_width <= width:
            assert max(cell_len(line) for line in lines) <= width


def test_two_cell_text_is_measured_as_rich_measures_it():
    import re

    for low, high in re.findall(r"(.)-(.)", TWO_CELL_TEXT.pattern):
        sizes = {cell_len(chr(c)) for c in range(ord(low), ord(high) + 1)}
        assert sizes == ({1} if high == "\x7e" else {2}), (low, high)
    for text in ("昆明新泽食品 (华东) 有限公司", "ＡＢＣ：１２３", "Müller GmbH", "🎉 done",
                 "x\u0301", "制造业/MFG-0001"):
        assert _cells(text) == cell_len(text), text


@settings(max_examples=200, deadline=None)
@given(text=st.lists(CELL, min_size=1, max_size=3).map("\n".join), width=st.integers(2, 30))
def test_wrapping_keeps_every_character_within_the_width(text, width):  # type: ignore[no-untyped-def]
    lines = wrap_cell(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")


def test_words_break_at_spaces_and_chinese_folds_by_two_cells():
    assert wrap_cell("update the recovery plan (no progress in 14d)", 14) == [
        "update the", "recovery plan", "(no progress", "in 14d)"]
    assert wrap_cell("昆明新泽食品有限公司", 12) == ["昆明新泽食品", "有限公司"]
    assert wrap_cell("昆明新泽食品有限公司", 11) == ["昆明新泽食", "品有限公司"]
    assert wrap_cell("line one\nline two", 20) == ["line one", "line two"]


VALUES = {
    "text": st.none() | CELLS | st.sampled_from(["\x1b[31m红", "a\u202eb", "行\n二", "", "=1"]),
    "date": st.none() | st.dates(),
    "money": st.none() | st.integers(-10**12, 10**12),
    "int": st.none() | st.integers(-5, 5) | st.booleans(),
    "datetime": st.none() | st.datetimes(timezones=st.just(UTC)),
    "bool": st.none() | st.booleans(),
}


@settings(max_examples=150, deadline=None)
@given(data=st.data(), kind=st.sampled_from(sorted(VALUES)))
def test_a_column_is_shown_and_measured_as_each_cell_would_be(data, kind):  # type: ignore[no-untyped-def]
    """write_table builds a column's cells and sizes a column at a time (_table_column):
    the same texts and sizes as table_cell, escape_text and widest_line give each cell,
    for columns that mix missing values, control characters, line breaks, a Msg (its
    translation) and values equal as keys but not as text (1 and True)."""
    from salesflow.i18n import Msg
    from salesflow.output import _table_column, table_cell
    from salesflow.rules.text import escape_text

    values = data.draw(st.lists(VALUES[kind], min_size=1, max_size=8))
    if kind == "text" and data.draw(st.booleans()):
        values.append(Msg("follow up ({tier}: every {days}d)", tier="A", days=7))
    tz = timezone(timedelta(hours=8))
    texts = [escape_text(table_cell(v, kind, tz), keep="\n") for v in values]
    assert _table_column(values, kind, tz) == (texts, [widest_line(t) for t in texts])
