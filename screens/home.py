"""Home: today at a glance. (The greeting/queue screens of the flow build on this.)"""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Footer, Label, Static

from deskapp.rules.text import clean


class Tile(Static):
    """One figure with its caption."""

    def set_figure(self, caption: str, value: int) -> None:
        self.update(f"[b]{value}[/b]\n{clean(caption)}")


class HomeScreen(DeskScreen):
    CSS_PATH = "home.tcss"
    BINDINGS = [("r", "refresh", "Refresh")]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Vertical(id="home"):
            yield Label("", id="welcome")
            yield Label("", id="today")
            with Grid(id="tiles"):
                yield Tile("", id="tile-drop-off", classes="tile")
                yield Tile("", id="tile-pickup", classes="tile")
                yield Tile("", id="tile-inquiry", classes="tile")
                yield Tile("", id="tile-open", classes="tile")
            yield Label("", id="placeholder")
            yield Label("", id="station-file")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="home")
    def load(self) -> None:
        from deskapp.orders.reads import count_by_state
        from deskapp.reception.queue import waiting_counts
        from deskapp.rules.errors import DeskError
        from deskapp.rules.lifecycle import OPEN_STATES

        try:
            station = self.app.station or self.app.open_station()
        except DeskError as exc:  # a file too new, not a station, unreadable: say so, do not crash
            self.app.call_from_thread(self.show_problem, exc.render(self.app.tr))
            return
        waiting = waiting_counts(station)
        by_state = count_by_state(station)
        open_orders = sum(by_state[str(s)] for s in OPEN_STATES)
        version = station.store.data_version()
        self.app.call_from_thread(self.show, station, waiting, open_orders, version)

    def show(self, station, waiting: dict, open_orders: int, version: int) -> None:
        tr = station.tr
        self._version = version
        if tr.locale != getattr(self, "_locale", None):
            from deskapp.screens.base import localize_bindings

            self._locale = tr.locale
            localize_bindings(self, tr)
        self.title = tr.t("app.title")
        self.sub_title = clean(station.config.text("name", tr.locale))
        self.query_one("#welcome", Label).update(tr.t("app.welcome", station=clean(station.config.text("name", tr.locale))))
        self.query_one("#today", Label).update(tr.t("app.today", date=station.today().isoformat()))
        for service, count in waiting.items():
            self.query_one(f"#tile-{service}", Tile).set_figure(f"{tr.t('service.' + service)} · {tr.t('app.waiting')}", count)
        self.query_one("#tile-open", Tile).set_figure(tr.t("app.open_orders"), open_orders)
        self.query_one("#placeholder", Label).update(tr.t("app.placeholder"))
        self.query_one("#station-file", Label).update(tr.t("app.station_file", path=clean(str(station.store.path))))
        if not getattr(self, "_polling", False):
            self._polling = True
            self.set_interval(1.0, self.poll_changes)

    def show_problem(self, message: str) -> None:
        label = self.query_one("#welcome", Label)
        label.add_class("error")
        label.update(clean(message))
        self.notify(clean(message), severity="error", timeout=30)

    def poll_changes(self) -> None:
        """Another terminal committed? Reload (PRAGMA data_version is cheap)."""
        station = self.app.station
        if station is not None and station.store.data_version() != self._version:
            self.load()
