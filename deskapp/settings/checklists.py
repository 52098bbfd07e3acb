"""Checklists from ``data/checklists.toml``: pre-inspection (accessories per product line,
appearance items) and the verification sign-off at pickup, validated when loaded."""

from __future__ import annotations

import re
from functools import lru_cache

from deskapp.rules.errors import ConfigError
from deskapp.settings.files import data_path, read_toml

TABLES = {"accessories": "accessory", "verification": "verify", "appearance": "appearance"}
_ITEM = re.compile(r"[a-z][a-z0-9_]{0,40}")


def validate_checklists(raw: dict, where: str, product_lines=None, catalogs: dict | None = None) -> dict:
    """Every list is a list of item codes; with ``product_lines`` the lines named must be the
    policy's (or ``common`` for the sign-off); with ``catalogs`` (locale -> flat catalog) every
    item has its label in every language. The first problem names the file and the key."""

    def bad(key: str, problem: str) -> ConfigError:
        return ConfigError("config.invalid_value", path=where, key=key, problem=problem)

    for key in raw:
        if key not in TABLES:
            raise bad(key, f"is not a known key; known: {', '.join(TABLES)}")
    lists: list[tuple[str, str, list]] = []
    for table in ("accessories", "verification"):
        section = raw.get(table, {})
        if not isinstance(section, dict):
            raise bad(table, "must be a table of lists, one per product line")
        for line, items in section.items():
            lists.append((table, f"{table}.{line}", items))
            if product_lines is not None and line not in product_lines and not (table == "verification" and line == "common"):
                raise bad(f"{table}.{line}", f"is not a product line of the policy ({', '.join(product_lines)})")
    appearance = raw.get("appearance", {})
    if not isinstance(appearance, dict) or set(appearance) - {"items"}:
        raise bad("appearance", "must be a table with items = [...]")
    lists.append(("appearance", "appearance.items", appearance.get("items", [])))
    for table, key, items in lists:
        if not isinstance(items, list) or not all(isinstance(i, str) and _ITEM.fullmatch(i) for i in items):
            raise bad(key, "must be a list of item names (lower-case letters, digits, _)")
        if len(items) > 40 or len(set(items)) != len(items):
            raise bad(key, "must list each item once, at most 40")
        for item in items:
            for locale, catalog in (catalogs or {}).items():
                if f"{TABLES[table]}.{item}" not in catalog:
                    raise bad(key, f"item {item!r} has no label {TABLES[table]}.{item} in the {locale} catalog")
    return raw


@lru_cache(maxsize=1)
def _load() -> dict:
    path = data_path("checklists.toml")
    return validate_checklists(read_toml(path), str(path))


def accessories_for(product_line: str) -> list[str]:
    return list(_load().get("accessories", {}).get(product_line, []))


def appearance_items() -> list[str]:
    return list(_load().get("appearance", {}).get("items", []))


def verification_items(product_line: str) -> list[str]:
    """The sign-off checklist for a product line: its own items, then the common ones."""
    lists = _load().get("verification", {})
    return [*lists.get(product_line, []), *lists.get("common", [])]
