"""Where the station's bundled data files are, and reading them.

In an installed deskapp the files are the package ``deskapp.data`` (``deskapp/data/``);
in a source checkout or an editable install they are the top-level ``data/`` folder.
Found by path rather than ``importlib.resources``, which costs ~10 ms of start-up.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from deskapp.rules.errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent.parent  # deskapp/


@lru_cache(maxsize=1)
def data_dir() -> Path:
    installed = _PACKAGE / "data"
    if (installed / "policy.toml").is_file():
        return installed
    return _PACKAGE.parent / "data"


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


def read_toml(path: Path) -> dict:
    """A station data file, or a ConfigError naming the file and what is wrong with it."""
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.toml_syntax", path=str(path), detail=str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("config.not_utf8", path=str(path)) from exc
    except OSError as exc:
        raise ConfigError("config.unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
