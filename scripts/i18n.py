"""Keep the gettext catalogs in step with the code (needs Babel: pip install -e '.[dev]').

    python scripts/i18n.py            # extract + update + compile (the usual run)
    python scripts/i18n.py extract    # src/salesflow/locale/salesflow.pot from the code
    python scripts/i18n.py update     # merge the .pot into locale/zh_CN/.../salesflow.po
    python scripts/i18n.py compile    # .po -> .mo in the source tree (editable install)
    python scripts/i18n.py missing    # the untranslated or fuzzy msgids, as a JSON object
    python scripts/i18n.py translate FILE.json   # {msgid: 中文} into the .po, then compile

After `update`, translate the new/empty and `#, fuzzy` entries of the .po, then compile.
tests/test_i18n.py fails while a message has no translation, a fuzzy one, mismatched
{placeholders}, or a .mo older than its .po.
"""

from __future__ import annotations

import json
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


PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "salesflow.po"


def missing() -> None:
    from babel.messages.pofile import read_po

    with PO.open("rb") as file:
        catalog = read_po(file)
    todo = {m.id: "" for m in catalog if m.id and (not m.string or m.fuzzy)}
    print(json.dumps(todo, ensure_ascii=False, indent=1))


def translate(path: str) -> None:
    from babel.messages.pofile import read_po, write_po

    given = json.loads(Path(path).read_text(encoding="utf-8"))
    with PO.open("rb") as file:
        catalog = read_po(file)
    for msgid, text in given.items():
        message = catalog.get(msgid)
        if message is None:
            sys.exit(f"not in the catalog (run extract and update first): {msgid!r}")
        message.string = text
        message.flags.discard("fuzzy")
    with PO.open("wb") as file:
        write_po(file, catalog, width=76, no_location=True, sort_output=True)
    compile_()


STEPS = {"extract": extract, "update": update, "compile": compile_, "missing": missing}

if __name__ == "__main__":
    if sys.argv[1:2] == ["translate"]:
        translate(sys.argv[2])
        sys.exit()
    names = sys.argv[1:] or ["extract", "update", "compile"]
    for name in names:
        STEPS[name]()
