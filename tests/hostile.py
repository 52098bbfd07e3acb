"""A station whose every stored text holds what breaks naive screens: Textual markup
(closing tags, styles, a click action), and control bytes. Built by ``deskapp demo`` from a
demo of the station's own (``demo.toml`` beside the station file), so the text goes in
through the real services as a person or an import would put it there."""

from __future__ import annotations

import tomllib
from pathlib import Path

from builders import fixed_clock

from deskapp.demo import build_demo
from deskapp.settings.files import data_path

# What a screen must show literally (after control bytes are dropped).
MARKUP = ("[/x]", "[b]", "[@click=app.quit]x[/]")
HOSTILE = "[/x]壞[b]粗[@click=app.quit]x[/]\x1b[31m紅\x07"
SHOWN = "[/x]壞[b]粗[@click=app.quit]x[/]紅"  # HOSTILE as it must appear on screen
PASSCODE = "a[b]c[red]d[/]x"

# Fields of data/demo.toml that are free text typed by a person or imported.
_TEXT = {"staff": ("name",), "customers": ("name", "company", "address"),
         "purchases": ("model", "seller"), "orders": ("brand",)}


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def hostile_demo() -> dict:
    spec = tomllib.loads(data_path("demo.toml").read_text(encoding="utf-8"))
    renamed = {}
    for table, fields in _TEXT.items():
        for row in spec[table]:
            for f in fields:
                if row.get(f):
                    if table == "staff":
                        renamed[row[f]] = row[f] + HOSTILE
                    row[f] = row[f] + HOSTILE
    for order in spec["orders"]:
        order["fault"] = {loc: text + HOSTILE for loc, text in order["fault"].items()}
        order["passcode"] = PASSCODE
        order["steps"] = [_rename_step(s, renamed) for s in order["steps"]]
    return spec


def _rename_step(step: str, renamed: dict) -> str:
    name, sep, arg = step.partition(":")
    return f"{name}{sep}{renamed.get(arg, arg + HOSTILE if name in ('wait_for_part', 'delay_call') else arg)}"


def write_toml(spec: dict, path: Path) -> None:
    lines = []
    for key, value in spec.items():
        if not isinstance(value, list) or not value or not isinstance(value[0], dict):
            lines.append(f"{key} = {_toml(value)}")
    for key, value in spec.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for row in value:
                lines.append(f"\n[[{key}]]")
                lines.extend(f"{k} = {_toml(v)}" for k, v in row.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_hostile_station(directory: Path, locale: str = "zh_TW") -> Path:
    """A demo station at ``directory/station.db`` with hostile text everywhere it is typed."""
    directory.mkdir(parents=True, exist_ok=True)
    write_toml(hostile_demo(), directory / "demo.toml")
    name = _toml("好修" + HOSTILE)
    (directory / "station.toml").write_text(
        f'name = {name}\nlocale = "{locale}"\n\n[contact]\naddress = {_toml("台北市" + HOSTILE)}\n\n'
        + "".join(f"[localized.{loc}]\nname = {name}\n\n" for loc in ("zh_TW", "zh_CN", "en")), encoding="utf-8")
    db = directory / "station.db"
    build_demo(db, locale=locale, clock=fixed_clock())  # dated as desk_pilot.new_app's apps run
    return db
