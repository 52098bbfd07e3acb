"""The station's policy file: its own ``policy.toml`` beside the station file, else the bundled one."""

from __future__ import annotations

from pathlib import Path

from deskapp.rules.policy import Policy, policy_from_dict
from deskapp.settings.files import data_path, read_toml


def load_policy(station_dir: Path | None = None) -> Policy:
    """The station's own ``policy.toml`` beside its station file if there is one, else the bundled one."""
    path = data_path("policy.toml")
    if station_dir is not None and (Path(station_dir) / "policy.toml").is_file():
        path = Path(station_dir) / "policy.toml"
    return policy_from_dict(read_toml(path), str(path))
