"""Where the station's bundled data files are (``data/`` in a checkout, ``deskapp.data`` installed)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from deskapp.errors import ConfigError


def data_dir() -> Path:
    return Path(str(resources.files("deskapp.data")))


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


def read_toml(path: Path) -> dict:
    """A station data file, or a ConfigError naming the file and what is wrong with it."""
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.toml_syntax", path=str(path), detail=str(exc)) from exc
    except OSError as exc:
        raise ConfigError("config.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
