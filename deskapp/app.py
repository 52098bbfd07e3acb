"""The Textual app shell: opens the station in a worker after the first paint, signs a
staff member in, and routes them to the screens of their role. Screens live in
``screens/``; this module only wires them."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from deskapp.i18n import locale_from_environment, normalise_locale, translator


def _desk_commands():
    from screens.commands import DeskCommands

    return DeskCommands


class DeskApp(App):
    """The front desk. ``station`` is None until the worker has opened the file;
    ``actor`` is None until someone signs in."""

    TITLE = "deskapp"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=True, priority=True)]
    COMMANDS = App.COMMANDS | {_desk_commands}

    def __init__(self, db_path: Path, *, locale: str | None = None, clock=None, terminal: str | None = None) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.locale_override = locale
        self.clock = clock
        self.terminal = terminal
        self.station = None
        self.staff = None
        self.actor = None
        # Until the station file is read, speak the terminal's (or the asked-for) language.
        self.tr = translator(normalise_locale(locale or "") or locale_from_environment())

    def on_mount(self) -> None:
        from screens.sign_in import SignInScreen

        localize_bindings(self, self.tr)
        self.push_screen(SignInScreen())

    def open_station(self):
        """Open the station file (runs in a worker thread: imports and I/O stay off the first paint)."""
        if self.station is not None:
            return self.station
        from deskapp.station import Station, terminal_name
        from deskapp.timeutil import system_clock

        station = Station.open(self.db_path, locale=self.locale_override, clock=self.clock or system_clock)
        self.terminal = self.terminal or terminal_name()
        self.station = station
        if station.tr.locale != self.tr.locale:
            self.tr = station.tr
            self.call_from_thread(localize_bindings, self, self.tr)
        return station

    def signed_in(self, staff) -> None:
        """Called by the sign-in screen: remember who works here, go to their screen."""
        from deskapp import drafts

        self.staff = staff
        self.actor = staff.actor(self.terminal)
        self.sub_title = f"{staff.name} · {self.tr.t('role.' + staff.role)}"
        self.switch_screen(self.home_screen())
        waiting = drafts.open_drafts(self.station, self.terminal)
        if waiting and staff.role in ("reception", "manager"):
            from screens.pre_inspection import ResumeDraftScreen

            self.push_screen(ResumeDraftScreen(waiting[0]))

    def home_screen(self):
        if self.staff is not None and self.staff.role in ("reception", "manager"):
            from screens.greeting import GreetingScreen

            return GreetingScreen()
        from screens.home import HomeScreen

        return HomeScreen()

    def go_home(self) -> None:
        """Back to the role's home screen, dropping whatever flow screens are open."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.home_screen())

    def action_sign_out(self) -> None:
        from screens.sign_in import SignInScreen

        self.staff = self.actor = None
        self.sub_title = ""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(SignInScreen())

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
