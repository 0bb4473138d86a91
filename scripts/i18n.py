"""Keep the gettext catalogs in step with the code (needs Babel: pip install -e '.[dev]').

    python scripts/i18n.py            # extract + update + compile (the usual run)
    python scripts/i18n.py extract    # src/salesflow/locale/salesflow.pot from the code
    python scripts/i18n.py update     # merge the .pot into locale/zh_CN/.../salesflow.po
    python scripts/i18n.py compile    # .po -> .mo in the source tree (editable install)

After `update`, translate the new/empty and `#, fuzzy` entries of the .po, then compile.
tests/test_i18n.py fails while a message has no translation, a fuzzy one, mismatched
{placeholders}, or a .mo older than its .po.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "salesflow"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "salesflow.pot"


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "--sort-output",
            "--no-default-keywords", *[f"-k{k}" for k in ("_", "N_", "ngettext:1,2", "Msg")],
            "--project", "salesflow", "--copyright-holder", "salesflow",
            "-o", str(POT), str(PACKAGE))


def update() -> None:
    pybabel("update", "-i", str(POT), "-d", str(LOCALE), "-D", "salesflow", "-l", "zh_CN",
            "--no-fuzzy-matching", "--ignore-obsolete")


def compile_() -> None:
    pybabel("compile", "-d", str(LOCALE), "-D", "salesflow")


STEPS = {"extract": extract, "update": update, "compile": compile_}

if __name__ == "__main__":
    names = sys.argv[1:] or ["extract", "update", "compile"]
    for name in names:
        STEPS[name]()
