"""The shape of the code: the domain never imports Textual, screens never touch SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHELL = {"app.py"}  # deskapp/app.py is the app shell: the one deskapp module that may import Textual


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_domain_modules_never_import_textual():
    offenders = [p.name for p in (ROOT / "deskapp").glob("*.py")
                 if p.name not in SHELL and {"textual", "rich"} & imported_modules(p)]
    assert offenders == []


def test_screens_never_import_sqlite():
    offenders = [p.name for p in (ROOT / "screens").glob("*.py") if {"sqlite3", "sqlite_utils"} & imported_modules(p)]
    assert offenders == []
    sql = [p.name for p in (ROOT / "screens").glob("*.py")
           if any(word in p.read_text(encoding="utf-8") for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE "))]
    assert sql == []


def test_printing_takes_plain_data_and_never_imports_textual_or_sqlite():
    offenders = [p.name for p in (ROOT / "printing").glob("*.py")
                 if {"textual", "sqlite3", "sqlite_utils"} & imported_modules(p)]
    assert offenders == []


def test_every_screen_has_its_stylesheet_beside_it():
    for screen in (ROOT / "screens").glob("*.py"):
        if screen.name.startswith("_"):
            continue
        text = screen.read_text(encoding="utf-8")
        for value in re.findall(r"CSS_PATH = (.+)", text):  # a file name, or a list of them
            for css in re.findall(r"[\w./-]+\.tcss", value):
                assert (screen.parent / css).is_file(), f"{screen.name}: {css}"
