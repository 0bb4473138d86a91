"""The one build step pyproject.toml cannot declare: compile the gettext catalogs.

Every `src/salesflow/locale/<lang>/LC_MESSAGES/salesflow.po` becomes a `.mo` next to it in
the built package (a wheel, or the source tree for an editable install, where the package
is read from src/). The `.mo` files are build output, never committed (.gitignore).
Babel is a build requirement only ([build-system] requires); the program reads the `.mo`
with the standard library's gettext.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
LOCALE = Path("src", "salesflow", "locale")


def compile_catalogs(source: Path, target: Path) -> list[str]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po:
            catalog = read_po(po)
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo:
            write_mo(mo, catalog, use_fuzzy=False)
        written.append(str(mo_path))
    return written


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        source = HERE / LOCALE
        if getattr(self, "editable_mode", False):
            self._mo = compile_catalogs(source, source)
        else:
            self._mo = compile_catalogs(source, Path(self.build_lib, "salesflow", "locale"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if not getattr(self, "editable_mode", False):
            outputs += [m for m in getattr(self, "_mo", []) if m not in outputs]
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogs})
