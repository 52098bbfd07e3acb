"""The station in one object: its store, configuration, policy, clock and language.

Services take a :class:`Station` and an :class:`Actor` (who is doing it, at which
terminal) so that every change lands in the event log with its author.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from deskapp.rules.dates import Clock, station_zone, system_clock
from deskapp.settings.i18n import Translator, translator
from deskapp.settings.data_files import load_station_data
from deskapp.settings.station_config import StationConfig
from deskapp.storage.store import Store


def terminal_name() -> str:
    """This terminal's name in the event log: $DESKAPP_TERMINAL, else the host name."""
    return (os.environ.get("DESKAPP_TERMINAL") or socket.gethostname() or "terminal")[:40]


@dataclass(frozen=True)
class Actor:
    """Who does something: a signed-in staff member, or a system user (CLI, kiosk)."""

    name: str
    terminal: str
    staff_id: int | None = None
    role: str | None = None

    @classmethod
    def system(cls, name: str | None = None, terminal: str | None = None) -> "Actor":
        if name is None:
            try:
                user = getpass.getuser()
            except Exception:  # no user database entry (containers)
                user = str(os.getuid()) if hasattr(os, "getuid") else "user"
            name = f"cli:{user}"
        return cls(name=name, terminal=terminal or terminal_name())


class Station:
    def __init__(
        self,
        store: Store,
        config: StationConfig,
        policy=None,
        clock: Clock = system_clock,
    ) -> None:
        self.store = store
        self.config = config
        if policy is not None:
            self.policy = policy
        self.clock = clock
        self.tz = station_zone(config.timezone)

    @classmethod
    def open(cls, path: str | Path, *, locale: str | None = None, clock: Clock = system_clock,
             create: bool = True) -> "Station":
        """The station at ``path``. Its data files (``station.toml``, ``policy.toml``, checklists,
        catalogs) are read and validated (refused with the file and key named) before the file
        is touched; the file itself is checked read-only before it is opened for
        writing (see ``Store``). A missing file becomes a new station only if ``create``."""
        path = Path(path)
        data = load_station_data(path.parent, locale)  # every data file, validated (ConfigError)
        return cls(Store(path, create=create), data.config, data.policy, clock)

    @classmethod
    def open_if_current(cls, path: str | Path, *, locale: str | None = None, clock: Clock = system_clock):
        """The station, if its file exists and needs no migration (cheap enough for the first
        paint); otherwise None, and the caller opens it properly (in a worker)."""
        from deskapp.storage.schema import SCHEMA_VERSION

        path = Path(path)
        if not path.is_file():
            return None
        data = load_station_data(path.parent, locale)
        store = Store(path, migrate=False)
        try:
            current = store.schema_version() == SCHEMA_VERSION
        except Exception:
            current = False
        if not current:
            store.close()
            return None
        return cls(store, data.config, data.policy, clock)

    @property
    def directory(self) -> Path:
        return self.store.path.parent

    @cached_property
    def policy(self):
        """The station's policy (``open`` has already read and validated it; a Station built
        directly reads it on first use)."""
        from deskapp.settings.policy_file import load_policy

        return load_policy(self.directory)

    @cached_property
    def tr(self) -> Translator:
        return translator(self.config.locale, str(self.directory))

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.timezone.utc)

    def local_now(self) -> dt.datetime:
        return self.clock().astimezone(self.tz)

    def today(self) -> dt.date:
        return self.local_now().date()

    @property
    def service_hours(self):
        """When the station is open (``[service_hours]`` and ``[holidays]`` of station.toml)."""
        return self.config.service_hours

    def close(self) -> None:
        self.store.close()
