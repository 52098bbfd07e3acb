"""The one translation layer.

Every user-facing string (CLI, screens, printed documents, policy reasons and the
standard phrases) is looked up here by key. Catalogs are TOML files in ``data/``:
``locales/<locale>.toml`` for the interface and ``phrases/<locale>.toml`` for the
standard phrases staff read to customers (keys prefixed ``phrase.``). A station may
overlay its own wording with files of the same names in its station directory.
"""

from __future__ import annotations

import os
import string
from functools import lru_cache
from pathlib import Path

from deskapp.rules import errors
from deskapp.rules.errors import ConfigError
from deskapp.settings.files import data_path, read_toml

LOCALES = ("zh_TW", "zh_CN", "en")
DEFAULT_LOCALE = "en"


def locale_from_environment(environ: os.environ.__class__ | dict | None = None) -> str:
    """Map POSIX locale variables to one of our catalogs (zh_HK/zh_Hant -> zh_TW, zh/zh_SG -> zh_CN)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = (env.get(var) or "").split(":")[0]
        if not value or value in ("C", "POSIX") or value.startswith("C."):
            continue
        return normalise_locale(value) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


def normalise_locale(value: str) -> str | None:
    """'zh-tw', 'zh_TW.UTF-8', 'zh_Hant_HK' -> 'zh_TW'; 'en_US' -> 'en'; unknown -> None."""
    v = value.split(".")[0].split("@")[0].replace("-", "_").lower()
    if v.startswith("zh"):
        if any(tag in v for tag in ("tw", "hk", "mo", "hant")):
            return "zh_TW"
        return "zh_CN"
    if v.startswith("en"):
        return "en"
    return None


def _flatten(table: dict, prefix: str = "", where: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + ".", where))
        elif isinstance(value, str):
            flat[full] = value
        elif where:
            raise ConfigError("config.invalid_value", path=where, key=full, problem="must be text")
        else:
            raise ConfigError("config.catalog_value", key=full)
    return flat


def catalog_file(path: Path, prefix: str = "") -> dict[str, str]:
    """One catalog file, flattened (keys with ``prefix``); parsed once per process while the
    file is unchanged, so the start-up check and the translators share the work. The dict
    returned is shared: read it, copy it, never change it."""
    path = Path(path)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None  # read_toml says what is wrong
    return _catalog_file(str(path), prefix, stamp)


@lru_cache(maxsize=64)
def _catalog_file(path: str, prefix: str, stamp) -> dict[str, str]:
    # Flattened without the prefix first, so a problem names the key as written in the file.
    return {prefix + key: value for key, value in _flatten(read_toml(Path(path)), "", path).items()}


def load_catalog(locale: str, overlay_dir: Path | None = None) -> dict[str, str]:
    """All strings of one locale: interface strings plus ``phrase.*`` keys."""
    if locale not in LOCALES:
        raise ConfigError("config.unknown_locale", locale=locale, known=", ".join(LOCALES))
    catalog = dict(catalog_file(data_path("locales", f"{locale}.toml")))
    catalog.update(catalog_file(data_path("phrases", f"{locale}.toml"), "phrase."))
    if overlay_dir is not None:
        for sub, prefix in (("locales", ""), ("phrases", "phrase.")):
            path = Path(overlay_dir) / sub / f"{locale}.toml"
            if path.is_file():
                catalog.update(catalog_file(path, prefix))
    return catalog


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Translator:
    """Looks keys up in one locale, falling back to English, then to the key itself."""

    def __init__(self, locale: str, overlay_dir: Path | None = None) -> None:
        self.locale = locale
        self.catalog = load_catalog(locale, overlay_dir)
        self._fallback = self.catalog if locale == DEFAULT_LOCALE else load_catalog(DEFAULT_LOCALE, overlay_dir)

    def has(self, key: str) -> bool:
        return key in self.catalog

    def event(self, kind: str) -> str:
        """An event log entry's kind in words (``event.<kind>``); the kind itself if the
        catalog has no words for it (an event written by a newer deskapp)."""
        return self.t(f"event.{kind}") if self.has(f"event.{kind}") else kind

    def t(self, key: str, /, **params: object) -> str:
        template = self.catalog.get(key) or self._fallback.get(key)
        if template is None:
            return key
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            # A station-edited phrase with a wrong placeholder still reads, unformatted.
            return template

    def phrase(self, key: str, /, **params: object) -> str:
        return self.t(f"phrase.{key}", **params)


def translator(locale: str, overlay_dir: str | None = None) -> Translator:
    """The translator for ``locale``, with the station's own wording from ``overlay_dir`` if
    it has any (parsed once per process)."""
    if overlay_dir and not any((Path(overlay_dir) / sub / f"{locale}.toml").is_file() for sub in ("locales", "phrases")):
        overlay_dir = None
    return _translator(locale, overlay_dir)


@lru_cache(maxsize=16)
def _translator(locale: str, overlay_dir: str | None) -> Translator:
    return Translator(locale, Path(overlay_dir) if overlay_dir else None)


errors.log_errors_in(lambda: translator("en"))  # English in logs and tracebacks
