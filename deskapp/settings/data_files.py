"""Every data file the station runs on, loaded and validated together at start.

``deskapp`` (the app and every command) calls :func:`load_station_data` before it does
anything: the station configuration (``station.toml``, bundled and the station's own), the
policy (``policy.toml``), the checklists, and every language's interface strings and standard
phrases (bundled and the station's overlays). A broken file stops the start with a
:class:`ConfigError` naming the file and the key, not the first command that happens to
use it. Checked once per process while the files are unchanged (by size and mtime).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from deskapp.rules.errors import ConfigError
from deskapp.settings.files import data_path, read_toml
from deskapp.settings.i18n import DEFAULT_LOCALE, LOCALES, catalog_file, placeholders
from deskapp.settings.station_config import StationConfig, load_station_config


@dataclass(frozen=True)
class StationData:
    config: StationConfig
    policy: object  # deskapp.rules.policy.Policy


def load_station_data(station_dir: Path | None = None, locale: str | None = None, environ=None) -> StationData:
    """The station's configuration and policy, after every data file has been validated."""
    config = load_station_config(station_dir, locale, environ)
    # A station with none of its own policy or wording shares the check of the bundled files.
    own = station_dir if station_dir is not None and any(p.is_file() for p in _own_files(station_dir)) else None
    policy = _checked(str(own) if own is not None else None, _stamps(own), config.locale)
    station_toml = _station_toml(station_dir)
    for line in config.assignment:
        if line not in policy.product_lines:
            raise ConfigError("config.invalid_value", path=str(station_toml), key=f"assignment.{line}",
                              problem=f"is not a product line of the policy ({', '.join(policy.product_lines)})")
    return StationData(config, policy)


def _station_toml(station_dir) -> Path:
    own = Path(station_dir) / "station.toml" if station_dir is not None else None
    return own if own is not None and own.is_file() else data_path("station.toml")


def _own_files(station_dir) -> list[Path]:
    """The station's own policy and wording beside its file (station.toml is read apart)."""
    d = Path(station_dir)
    return [d / "policy.toml"] + [d / sub / f"{locale}.toml" for locale in LOCALES for sub in ("locales", "phrases")]


def _files(station_dir) -> list[Path]:
    files = [data_path(name) for name in ("policy.toml", "checklists.toml")]
    for locale in LOCALES:
        files += [data_path("locales", f"{locale}.toml"), data_path("phrases", f"{locale}.toml")]
    return files + (_own_files(station_dir) if station_dir is not None else [])


def _stamps(station_dir) -> tuple:
    out = []
    for path in _files(station_dir):
        try:
            st = path.stat()
            out.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(path), None, None))
    return tuple(out)


@lru_cache(maxsize=8)
def _checked(station_dir: str | None, stamps: tuple, locale: str):
    from deskapp.settings.checklists import validate_checklists
    from deskapp.settings.policy_file import load_policy

    policy = load_policy(Path(station_dir) if station_dir is not None else None)
    catalogs = _check_catalogs(Path(station_dir) if station_dir is not None else None, locale)
    path = data_path("checklists.toml")
    validate_checklists(read_toml(path), str(path), tuple(policy.product_lines), catalogs)
    return policy


def _fields(template: str, where: str, key: str) -> set[str]:
    try:
        return placeholders(template)
    except ValueError:
        raise ConfigError("config.invalid_value", path=where, key=key,
                          problem="has an unmatched { or }; write {{ or }} for a literal brace") from None


def _check_catalogs(station_dir: Path | None, first: str) -> dict[str, dict[str, str]]:
    """Each language's catalog, file by file: text values, placeholders the code supplies
    (those of the bundled English string), and, in a station's overlay, only keys deskapp uses.
    ``first``, the station's language, is checked first: its problem is the one reported."""
    reference: dict[str, str] = {}
    for sub, prefix in (("locales", ""), ("phrases", "phrase.")):
        reference.update(catalog_file(data_path(sub, f"{DEFAULT_LOCALE}.toml"), prefix))
    merged: dict[str, dict[str, str]] = {}
    for locale in sorted(LOCALES, key=lambda loc: loc != first):  # the station's language first
        catalog: dict[str, str] = {}
        for sub, prefix in (("locales", ""), ("phrases", "phrase.")):
            sources = [(data_path(sub, f"{locale}.toml"), False)]
            if station_dir is not None and (station_dir / sub / f"{locale}.toml").is_file():
                sources.append((station_dir / sub / f"{locale}.toml", True))
            for path, overlay in sources:
                flat = catalog_file(path, prefix)
                for key, template in flat.items():
                    shown = key.removeprefix(prefix)
                    if key not in reference:
                        if overlay:
                            raise ConfigError("config.invalid_value", path=str(path), key=shown,
                                              problem="is not a text deskapp uses (a mistyped key?)")
                        continue
                    extra = _fields(template, str(path), shown) - _fields(reference[key], str(path), shown)
                    if extra:
                        known = ", ".join(sorted("{" + f + "}" for f in placeholders(reference[key]))) or "none"
                        raise ConfigError("config.invalid_value", path=str(path), key=shown,
                                          problem=f"uses {{{sorted(extra)[0]}}}, which is not given (given: {known})")
                catalog.update(flat)
        merged[locale] = catalog
    return merged
