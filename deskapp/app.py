"""The Textual app shell: opens the station in a worker after the first paint and
shows the home screen. Screens live in ``screens/``; this module only wires them."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from deskapp.i18n import translator, locale_from_environment, normalise_locale


class DeskApp(App):
    """The front desk. ``station`` is None until the worker has opened the file."""

    TITLE = "deskapp"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=True, priority=True)]

    def __init__(self, db_path: Path, *, locale: str | None = None, clock=None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.locale_override = locale
        self.clock = clock
        self.station = None
        # Until the station file is read, speak the terminal's (or the asked-for) language.
        self.tr = translator(normalise_locale(locale or "") or locale_from_environment())

    def on_mount(self) -> None:
        from screens.home import HomeScreen

        localize_bindings(self, self.tr)
        self.push_screen(HomeScreen())

    def open_station(self):
        """Open the station file (runs in a worker thread: imports and I/O stay off the first paint)."""
        from deskapp.station import Station
        from deskapp.timeutil import system_clock

        station = Station.open(self.db_path, locale=self.locale_override, clock=self.clock or system_clock)
        self.station = station
        if station.tr.locale != self.tr.locale:
            self.tr = station.tr
            self.call_from_thread(localize_bindings, self, self.tr)
        return station

    def on_unmount(self) -> None:
        if self.station is not None:
            self.station.close()


def localize_bindings(node, tr) -> None:
    """Footer and palette show each key's action in the station's language (``key.<action>``)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=tr.t(f"key.{b.action}")) if tr.has(f"key.{b.action}") else b for b in bindings
        ]
    if node.is_mounted:
        node.refresh_bindings()


def use_station_time_zone(db_path: Path) -> None:
    """Show the station's wall clock (the header clock reads local time)."""
    from deskapp.config import load_station_config

    try:
        zone = load_station_config(Path(db_path).parent).timezone
    except Exception:
        return
    if hasattr(time, "tzset"):
        os.environ["TZ"] = zone
        time.tzset()


def run_app(db_path: Path, *, locale: str | None = None) -> int:
    use_station_time_zone(db_path)
    DeskApp(db_path, locale=locale).run()
    return 0
