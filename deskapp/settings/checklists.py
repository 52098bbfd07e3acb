"""Checklists from ``data/checklists.toml``: pre-inspection (accessories per product line,
appearance items) and the verification sign-off at pickup, validated when loaded."""

from __future__ import annotations

from functools import lru_cache

from deskapp.rules.errors import ConfigError
from deskapp.settings.files import data_path, read_toml


@lru_cache(maxsize=1)
def _load() -> dict:
    path = data_path("checklists.toml")
    raw = read_toml(path)
    for line, items in raw.get("accessories", {}).items():
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise ConfigError("config.invalid_value", path=str(path), key=f"accessories.{line}",
                              problem="must be a list of item names")
    for line, items in raw.get("verification", {}).items():
        if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
            raise ConfigError("config.invalid_value", path=str(path), key=f"verification.{line}",
                              problem="must be a list of item names")
    items = raw.get("appearance", {}).get("items", [])
    if not isinstance(items, list):
        raise ConfigError("config.invalid_value", path=str(path), key="appearance.items", problem="must be a list")
    return raw


def accessories_for(product_line: str) -> list[str]:
    return list(_load().get("accessories", {}).get(product_line, []))


def appearance_items() -> list[str]:
    return list(_load().get("appearance", {}).get("items", []))


def verification_items(product_line: str) -> list[str]:
    """The sign-off checklist for a product line: its own items, then the common ones."""
    lists = _load().get("verification", {})
    return [*lists.get(product_line, []), *lists.get("common", [])]
