"""Formula-safe CSV (SPEC §7): a spreadsheet never runs a cell; phones and negatives stay."""

from __future__ import annotations

import pytest

from salesflow.output import formula_safe


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("＝HYPERLINK(\"x\")", "'＝HYPERLINK(\"x\")"),  # full-width = (NFKC)
        ("=\u0338cmd", "'=\u0338cmd"),  # folds to ≠ under NFKC, still = to a spreadsheet
        ("@cmd", "'@cmd"),
        ("\tcmd", "'\tcmd"),
        ("+8613800138000", "+8613800138000"),
        ("-1290000.00", "-1290000.00"),
        ("+86 (21) 6123-4567", "+86 (21) 6123-4567"),
        ("-5 apples", "'-5 apples"),
        ("华东精密", "华东精密"),
        ("", ""),
    ],
    ids=["equals", "full-width", "combining", "at", "tab", "phone", "negative", "landline",
         "minus-text", "chinese", "empty"],
)
def test_formula_safe(cell, safe):
    assert formula_safe(cell) == safe
