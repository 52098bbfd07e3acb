"""The shape of the code, enforced: the station's layers (import-linter contracts in
pyproject.toml, run here on the package laid out as pip installs it), non-UI modules that
never load Textual or Rich (imported in a child process), no module reaching into another's
private names, screens that hold no SQL, one import package."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import run_python

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
# deskapp.screens -> screens/, deskapp.printing -> printing/, deskapp.data -> data/
MAPPED = {pkg: ROOT / folder for pkg, folder in SETUPTOOLS["package-dir"].items()}


def folder_of(package: str) -> Path:
    for pkg, folder in MAPPED.items():
        if package == pkg or package.startswith(pkg + "."):
            return folder.joinpath(*package[len(pkg):].split(".")[1:])
    return ROOT.joinpath(*package.split("."))


def python_files():
    """(module name, path) of every module of the deskapp package, as installed."""
    for package in SETUPTOOLS["packages"]:
        for path in sorted(folder_of(package).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            yield name, path


def test_the_only_import_package_is_deskapp_and_every_folder_ships():
    assert all(p == "deskapp" or p.startswith("deskapp.") for p in SETUPTOOLS["packages"])
    listed = set(SETUPTOOLS["packages"])
    found = {"deskapp"}
    for top, pkg in ((ROOT / "deskapp", "deskapp"), *((f, p) for p, f in MAPPED.items())):
        found.add(pkg)
        for init in top.rglob("__init__.py"):
            rel = init.parent.relative_to(top)
            if rel.parts and "__pycache__" not in rel.parts:
                found.add(".".join((pkg, *rel.parts)))
    assert found == listed, f"not listed in pyproject: {found - listed}; listed but missing: {listed - found}"


def test_import_contracts_hold(tmp_path):
    """lint-imports over a copy laid out as pip installs it (screens/, printing/ and data/
    inside deskapp/): the contracts in pyproject.toml, the layers of the station."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "deskapp", site / "deskapp", ignore=shutil.ignore_patterns("__pycache__"))
    for pkg, folder in MAPPED.items():
        shutil.copytree(folder, site / Path(*pkg.split(".")), ignore=shutil.ignore_patterns("__pycache__"))
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", str(ROOT / "pyproject.toml")], cwd=site,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout, result.stdout


def test_modules_outside_the_ui_never_load_textual_or_rich():
    """Every module but the app shell and the screens, imported in a fresh process: neither
    Textual nor Rich may end up in sys.modules (an indirect import counts)."""
    modules = [name for name, _ in python_files()
               if not (name in ("deskapp.app", "deskapp.__main__") or name.startswith("deskapp.screens"))]
    assert len(modules) > 50
    code = ("import importlib, sys\n"
            f"for m in {modules!r}:\n"
            "    importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n")
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for name, path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("deskapp"):
                offenders += [f"{name}: from {node.module} import {a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert offenders == []


def test_deskapp_top_holds_only_a_handful_of_modules():
    top = sorted(p.name for p in (ROOT / "deskapp").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "app.py", "demo.py", "station.py"]


def test_screens_hold_no_sql():
    sql = [str(p.relative_to(ROOT)) for p in (ROOT / "screens").rglob("*.py")
           if re.search(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b", p.read_text(encoding="utf-8"))]
    assert sql == []


def test_every_screen_has_its_stylesheet_beside_it():
    checked = 0
    for screen in (ROOT / "screens").rglob("*.py"):
        text = screen.read_text(encoding="utf-8")
        for value in re.findall(r"CSS_PATH = (.+)", text):  # a file name, or a list of them
            for css in re.findall(r"[\w./-]+\.tcss", value):
                assert (screen.parent / css).is_file(), f"{screen}: {css}"
                checked += 1
    assert checked >= 10
    unused = [p.name for p in (ROOT / "screens").rglob("*.tcss")
              if not any(p.name in s.read_text(encoding="utf-8") for s in (ROOT / "screens").rglob("*.py"))]
    assert unused == []
