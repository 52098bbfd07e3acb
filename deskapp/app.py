"""The Textual app shell: opens the station in a worker after the first paint and
shows the home screen. Screens live in ``screens/``; this module only wires them."""

from __future__ import annotations

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

        self.push_screen(HomeScreen())

    def open_station(self):
        """Open the station file (runs in a worker thread: imports and I/O stay off the first paint)."""
        from deskapp.station import Station
        from deskapp.timeutil import system_clock

        station = Station.open(self.db_path, locale=self.locale_override, clock=self.clock or system_clock)
        self.station = station
        self.tr = station.tr
        return station

    def on_unmount(self) -> None:
        if self.station is not None:
            self.station.close()


def run_app(db_path: Path, *, locale: str | None = None) -> int:
    DeskApp(db_path, locale=locale).run()
    return 0
