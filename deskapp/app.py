"""The Textual app shell: opens the station in a worker after the first paint, signs a
staff member in, and routes them to the screens of their role. Screens live in
``screens/``; this module only wires them."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from deskapp.screens.base import localize_bindings
from deskapp.settings.i18n import locale_from_environment, normalise_locale, translator

log = logging.getLogger("deskapp.app")

WATCH_S = 0.25  # how often the app looks whether the station file changed (a cheap pragma)


def _desk_commands():
    from deskapp.screens.commands import DeskCommands

    return DeskCommands


def _sign_in_screen():
    from deskapp.screens.sign_in import SignInScreen

    return SignInScreen()


class StationWatch:
    """One watch of the station file and of the clock for a whole app, never paused: its
    screens are told (StationChanged), the header clocks repainted when the minute turns.
    Shared by the desk, the board and the kiosk; a screen coming back to the front asks it
    to look at once (``DeskScreen.on_screen_resume``)."""

    _seen_version = None
    _seen_minute = None

    def start_watching(self) -> None:
        self._seen_version = None
        self._seen_minute = None
        self.set_interval(WATCH_S, self.watch_station, name="station watch")

    def browser_gone(self) -> bool:
        """Served to a browser (``deskapp serve``), the app reads its keys from textual-serve's
        pipe; when that server is gone the pipe ends, and Textual's web driver stops reading
        but leaves the app running, a process nobody sees. It ends instead."""
        thread = getattr(self._driver, "_key_thread", None)
        return (os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver") and thread is not None
                and thread.ident is not None and not thread.is_alive())

    def use_station_timezone(self) -> None:
        """The board and the kiosk show the station's wall clock, whatever the machine's."""
        if self.is_headless is False and hasattr(time, "tzset"):
            os.environ["TZ"] = self.station.config.timezone
            time.tzset()

    def watch_station(self) -> None:
        from deskapp.screens.messages import StationChanged
        from deskapp.screens.widgets import MinuteClock

        if self.browser_gone():
            self.exit()
            return

        minute = (self.clock().astimezone() if self.clock is not None else dt.datetime.now()).strftime("%H:%M")
        if minute != self._seen_minute:
            self._seen_minute = minute
            for screen in self.screen_stack:  # a clock behind a dialog is seen too
                for clock in screen.query(MinuteClock):
                    clock.refresh()
        station = self.station
        if station is None:
            return
        try:
            version = station.store.data_version()
        except Exception:  # the file busy past its timeout, or gone: the next beat looks again
            log.warning("station watch: data_version failed", exc_info=True)
            return
        if version != self._seen_version:
            self._seen_version = version
            for screen in self.screen_stack:
                screen.post_message(StationChanged(version))


class DeskApp(StationWatch, App):
    """The front desk. ``station`` is None until the worker has opened the file;
    ``actor`` is None until someone signs in."""

    TITLE = "deskapp"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
        # Priority: the focus moves while the keys are dispatched, so text typed right after
        # Tab (a scanner, a fast typist) lands in the next field, not the one just left.
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
        # A device tag scanned on any screen: F4, then the scanner types the number and Enter.
        Binding("f4", "find_order", "Find order", show=True),
        Binding("f9", "pickup_counter", "Pickup counter", show=True),
    ]
    COMMANDS = App.COMMANDS | {_desk_commands}

    def __init__(self, db_path: Path, *, locale: str | None = None, clock=None, terminal: str | None = None) -> None:
        from deskapp.screens.wide_cells import keep_wide_characters

        keep_wide_characters()  # before any screen exists: toasts over a form keep their Chinese
        super().__init__()
        self.db_path = Path(db_path)
        self.locale_override = locale
        self.clock = clock
        self.terminal = terminal
        self.seat = None  # this running terminal, as its pre-inspection drafts know it
        self.station = None
        self.staff = None
        self.actor = None
        # Until the station file is read, speak the terminal's (or the asked-for) language.
        self.tr = translator(normalise_locale(locale or "") or locale_from_environment())

    # The sign-in screen is the app's first screen (no empty screen composed first), given as
    # the default mode's screen: Textual loads a mode screen's CSS_PATH, not that of a
    # get_default_screen() screen (the sign-in box was drawn unstyled).
    MODES = {"_default": _sign_in_screen}

    def on_mount(self) -> None:
        localize_bindings(self, self.tr)
        self.start_watching()

    # Textual's own words (the palette, its system commands) in the station's language.
    def get_system_commands(self, screen):
        from deskapp.screens.textual_words import system_commands

        yield from system_commands(super().get_system_commands(screen), self.tr)

    def action_command_palette(self) -> None:
        from deskapp.screens.textual_words import DeskPalette

        if self.use_command_palette and not DeskPalette.is_open(self):
            self.push_screen(DeskPalette(self.tr, id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from deskapp.screens.textual_words import DeskPalette, say

        self.push_screen(DeskPalette(self.tr, providers=[ThemeProvider], placeholder=say(self.tr, "Search for themes…")))

    def open_station_now(self):
        """The station, opened on the spot if that is cheap (an up-to-date file: a connection
        and one pragma), so the first paint already shows it; else None."""
        from deskapp.rules.dates import system_clock
        from deskapp.rules.errors import DeskError
        from deskapp.station import Station

        if self.station is None:
            try:
                station = Station.open_if_current(self.db_path, locale=self.locale_override,
                                                  clock=self.clock or system_clock)
            except (DeskError, OSError, Exception):  # the worker path reports it properly
                return None
            if station is not None:
                self._adopt(station, in_thread=False)
        return self.station

    def open_station(self):
        """Open the station file, migrating it if needed (in a worker thread)."""
        if self.station is not None:
            return self.station
        from deskapp.rules.dates import system_clock
        from deskapp.station import Station

        station = Station.open(self.db_path, locale=self.locale_override, clock=self.clock or system_clock)
        self._adopt(station, in_thread=True)
        return station

    def _adopt(self, station, *, in_thread: bool) -> None:
        from deskapp.station import terminal_name

        from deskapp.reception.drafts import new_seat

        self.terminal = self.terminal or terminal_name()
        if self.seat is None:
            self.seat = new_seat(self.terminal)  # unique per running terminal, not per name
        self.station = station
        if self.is_headless is False and hasattr(time, "tzset"):
            # The header clock shows the station's wall clock, whatever the machine's zone.
            os.environ["TZ"] = station.config.timezone
            time.tzset()
        if station.tr.locale != self.tr.locale:
            self.tr = station.tr
            if in_thread:
                self.call_from_thread(localize_bindings, self, self.tr)
            else:
                localize_bindings(self, self.tr)

    def signed_in(self, staff, waiting=()) -> None:
        """Called by the sign-in screen (its worker checked the PIN and read ``waiting``, the
        pre-inspections this terminal left open): remember who works here, go to their screen."""
        self.staff = staff
        self.actor = staff.actor(self.terminal)
        from deskapp.rules.text import clean

        self.sub_title = f"{clean(staff.name)} · {self.tr.t('role.' + staff.role)}"  # the header shows it literally
        self.push_screen(self.home_screen())  # sign-in stays at the bottom of the stack
        if waiting and staff.role in ("reception", "manager"):
            from deskapp.reception.drafts import only_resumable
            from deskapp.screens.reception.pre_inspection import ResumeDraftScreen

            waiting = only_resumable(waiting, self.seat)  # not one another running terminal is typing
            if waiting:
                self.push_screen(ResumeDraftScreen(waiting))

    def home_screen(self):
        if self.staff is not None and self.staff.role in ("reception", "manager"):
            from deskapp.screens.reception.greeting import GreetingScreen

            return GreetingScreen()
        if self.staff is not None and self.staff.role == "engineer":
            from deskapp.screens.bench.work_list import WorkListScreen

            return WorkListScreen()
        if self.staff is not None and self.staff.role == "pickup":
            from deskapp.screens.counter.voucher_check import PickupScreen

            return PickupScreen()
        from deskapp.screens.home import HomeScreen

        return HomeScreen()

    def go_home(self) -> None:
        """Back to the role's home screen, dropping whatever flow screens are open."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(self.home_screen())

    def action_find_order(self) -> None:
        if self.actor is None:
            return
        from deskapp.screens.bench.work_list import FindOrderScreen

        self.push_screen(FindOrderScreen())

    def action_pickup_counter(self) -> None:
        """Anyone signed in can serve a customer at the pickup counter (F9)."""
        if self.actor is None:
            return
        from deskapp.screens.counter.voucher_check import PickupScreen

        if isinstance(self.screen, PickupScreen):
            return
        if any(isinstance(s, PickupScreen) for s in self.screen_stack):  # back to the counter already open
            while not isinstance(self.screen, PickupScreen):
                self.pop_screen()
            return
        self.push_screen(PickupScreen())

    def action_sign_out(self) -> None:
        """Back to the sign-in screen at the bottom of the stack; nobody is signed in."""
        self.staff = self.actor = None
        self.sub_title = ""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _handle_exception(self, error: Exception) -> None:
        """The last error boundary. A refusal staff can act on (a rule, a busy station file,
        a printer fault) that escaped a screen is a message on the screen, never an app
        exit; anything else is a bug: logged with its traceback, and the app ends non-zero."""
        from deskapp.rules.errors import DeskError
        from deskapp.rules.text import clean

        if isinstance(error, DeskError):
            log.warning("refusal reached the app: %s", error)
            self.notify(clean(error.render(self.tr)), severity="error", markup=False, timeout=8)
            return
        log.error("unexpected error, the app ends", exc_info=error)
        super()._handle_exception(error)

    def on_unmount(self) -> None:
        if self.seat is not None:
            from deskapp.reception.drafts import leave_seat

            leave_seat(self.seat)
        if self.station is not None:
            self.station.close()


def run_app(db_path: Path, *, locale: str | None = None) -> int:
    """Run the app; its exit code (non-zero after a crash, whose traceback is in the log
    beside the station file)."""
    log_path = log_to_file(Path(db_path))
    app = DeskApp(db_path, locale=locale)
    app.run()
    code = app.return_code or 0
    if code and log_path is not None:
        import sys

        print(app.tr.t("app.crashed", path=str(log_path)), file=sys.stderr)
    return code


def log_to_file(db_path: Path) -> Path | None:
    """Errors and warnings go to ``deskapp.log`` beside the station file (None if unwritable)."""
    path = db_path.parent / "deskapp.log"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # tracebacks may name customers
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"))
    root = logging.getLogger("deskapp")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


class BoardApp(StationWatch, App):
    """The waiting area's display board (``deskapp board``): read-only, no sign-in, no staff
    screen, no command palette. It follows the station file with the same one watch as the
    desk (StationChanged to its screen) and keeps its header clock turning. The station is
    opened before the app starts (:func:`run_board`), so no file work waits on the screen."""

    TITLE = "deskapp"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=True, priority=True)]

    def __init__(self, station, *, speak: bool = True) -> None:
        from deskapp.screens.wide_cells import keep_wide_characters

        keep_wide_characters()
        super().__init__()
        self.station = station
        self.clock = station.clock
        self.speak = speak
        self.tr = station.tr

    def on_mount(self) -> None:
        from deskapp.screens.board import BoardScreen

        localize_bindings(self, self.tr)
        self.use_station_timezone()
        self.start_watching()
        self.push_screen(BoardScreen())


def run_board(db_path: Path, *, locale: str | None = None, speak: bool = True) -> int:
    from deskapp.station import Station

    log_to_file(Path(db_path))
    app = BoardApp(Station.open(db_path, locale=locale), speak=speak)
    app.run()
    return app.return_code or 0


class KioskApp(StationWatch, App, inherit_bindings=False):
    """The customers' query terminal (``deskapp kiosk``): queue numbers and an order's
    progress, nothing else. No key of Textual's own (no Ctrl+Q, no palette), no staff screen,
    and back to its first screen after ``idle_s`` seconds without a key or a click."""

    TITLE = "deskapp"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = []

    def __init__(self, station, *, terminal: str = "KIOSK", idle_s: float = 20.0) -> None:
        from deskapp.screens.wide_cells import keep_wide_characters
        from deskapp.station import Actor

        keep_wide_characters()
        super().__init__()
        self.station = station
        self.clock = station.clock
        self.tr = station.tr
        self.terminal = terminal
        self.actor = Actor.system(name="kiosk", terminal=terminal)
        self.idle_s = idle_s
        self._last_input = time.monotonic()

    def on_mount(self) -> None:
        from deskapp.screens.kiosk import KioskHomeScreen

        localize_bindings(self, self.tr)
        self.use_station_timezone()
        self.start_watching()
        self.set_interval(1.0, self.reset_when_idle, name="idle reset")
        self.push_screen(KioskHomeScreen())

    async def on_event(self, event) -> None:
        from textual import events

        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def reset_when_idle(self) -> None:
        """The next customer finds the start, not what the last one left on screen."""
        if len(self.screen_stack) > 2 and time.monotonic() - self._last_input >= self.idle_s:
            while len(self.screen_stack) > 2:
                self.pop_screen()


def run_kiosk(db_path: Path, *, locale: str | None = None, terminal: str = "KIOSK", idle_s: float = 20.0) -> int:
    from deskapp.station import Station

    log_to_file(Path(db_path))
    app = KioskApp(Station.open(db_path, locale=locale), terminal=terminal, idle_s=idle_s)
    app.run()
    return app.return_code or 0
