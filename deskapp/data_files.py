"""Where the station's bundled data files are (``data/`` in a checkout, ``deskapp.data`` installed)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir() -> Path:
    return Path(str(resources.files("deskapp.data")))


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)
