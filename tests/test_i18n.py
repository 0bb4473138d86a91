"""The catalogs (SPEC §16): every translatable message of the code has a current zh_CN
translation, the compiled catalog is the .po's, the language is read from the
environment, and a build from a clean checkout ships the compiled catalog."""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from salesflow import i18n
from salesflow.i18n import Msg

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "salesflow"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "salesflow.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
FIX = "run `python scripts/i18n.py` and translate the entries it lists (README: Translations)"


def extracted() -> dict[str, str]:
    """msgid → where, for every message the code marks (as scripts/i18n.py extracts)."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=i18n.KEYWORDS):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as f:
        return read_po(f)


def test_every_message_has_a_current_zh_cn_translation() -> None:
    code = extracted()
    po = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog() if m.id}
    missing = [f"{where}: {msgid!r}" for msgid, where in code.items() if msgid not in po]
    assert not missing, f"not in the catalog ({FIX}):\n" + "\n".join(missing)
    problems = []
    for msgid, m in po.items():
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if msgid not in code:
            problems.append(f"stale (no longer in the code): {msgid!r}")
        elif m.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"untranslated: {msgid!r}")
        elif any(sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(msgid))
                 for s in strings):
            problems.append(f"placeholders differ: {msgid!r} → {strings!r}")
    assert not problems, f"{FIX}:\n" + "\n".join(problems)


def test_the_compiled_catalog_is_the_po() -> None:
    assert MO.exists(), "no compiled catalog: pip install -e . (or python scripts/i18n.py)"
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    for m in catalog():
        if m.id and isinstance(m.id, str):
            assert compiled.get(m.id) == m.string, (
                f"{MO.name} is older than {PO.name}: python scripts/i18n.py compile")


@pytest.mark.parametrize(("env", "expected"), [
    ({"SALESFLOW_LANG": "zh_CN"}, "zh_CN"), ({"SALESFLOW_LANG": "zh"}, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"), ({"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}, "zh_CN"),
    ({"LC_MESSAGES": "zh_CN", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"SALESFLOW_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"), ({}, "en"),
])
def test_the_language_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                 env: dict[str, str], expected: str) -> None:
    for name in ("SALESFLOW_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == expected


def test_a_msg_is_english_for_machines_and_translated_for_people(
        monkeypatch: pytest.MonkeyPatch) -> None:
    action = Msg("approve contract {number} ({amount}): the {role} step",
                 number="HT1", amount="¥1.00", role=Msg("manager"))
    english = "approve contract HT1 (¥1.00): the manager step"
    monkeypatch.setenv("SALESFLOW_LANG", "zh_CN")
    i18n.reset()
    assert action == english and json.dumps(action) == json.dumps(english)
    assert action.translated() == "审批合同 HT1（¥1.00）：销售经理审批环节"
    assert i18n._("Overdue") == "逾期"


def test_the_register_words_read_back() -> None:
    """One mapping, both directions: each header and value export writes, import reads."""
    from salesflow.rules.choices import ALIASES, CHINESE
    from salesflow.rules.import_map import REGISTER, header_field

    for kind, words in CHINESE.items():
        assert all(ALIASES[kind][word] == value for value, word in words.items())
    assert [header_field(header) for header, _ in REGISTER] == [f for _, f in REGISTER]


def test_a_wheel_built_from_the_tracked_files_ships_the_compiled_catalog(
        tmp_path: Path) -> None:
    """The build compiles the catalogs (setup.py): the .mo is never committed."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode().split("\0")
    source = tmp_path / "src-copy"
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("salesflow-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "salesflow/locale/zh_CN/LC_MESSAGES/salesflow.mo" in names
    assert "salesflow/locale/zh_CN/LC_MESSAGES/salesflow.po" in names
