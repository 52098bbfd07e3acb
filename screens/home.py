"""Home: today at a glance. (The greeting/queue screens of the flow build on this.)"""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Footer, Label, Static

from deskapp.rules.text import clean


class Tile(Static):
    """One figure with its caption."""

    def set_figure(self, caption: str, value: int) -> None:
        self.update(Content.assemble((str(value), "bold"), "\n", clean(caption)))


def today_at_a_glance(app):
    """In a worker: the station (opened if need be), waiting counts, open orders, version."""
    from deskapp.orders.reads import count_by_state
    from deskapp.reception.queue import waiting_counts
    from deskapp.rules.lifecycle import OPEN_STATES

    station = app.station or app.open_station()
    version = station.store.data_version()
    waiting = waiting_counts(station)
    by_state = count_by_state(station)
    return station, waiting, sum(by_state[str(s)] for s in OPEN_STATES), version


class HomeScreen(DeskScreen):
    CSS_PATH = "home.tcss"
    BINDINGS = [("r", "refresh", "Refresh")]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Vertical(id="home"):
            # the station's name and its file's path are stored text: never read as markup
            yield Label("", id="welcome", markup=False)
            yield Label("", id="today", markup=False)
            with Grid(id="tiles"):
                yield Tile("", id="tile-drop-off", classes="tile")
                yield Tile("", id="tile-pickup", classes="tile")
                yield Tile("", id="tile-inquiry", classes="tile")
                yield Tile("", id="tile-open", classes="tile")
            yield Label("", id="placeholder", markup=False)
            yield Label("", id="station-file", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._version = None
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.ask("load", today_at_a_glance, self.app)

    def answered_load(self, result) -> None:
        self.show(*result)

    def refused_load(self, error) -> None:
        """A file too new, not a station, unreadable: say so, do not crash."""
        self.show_problem(error.render(self.app.tr))

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

    def show_problem(self, message: str) -> None:
        label = self.query_one("#welcome", Label)
        label.add_class("error")
        label.update(clean(message))
        self.notify(clean(message), severity="error", timeout=30, markup=False)

    def station_changed(self) -> None:
        """Another terminal committed: read the figures again."""
        self.reread("load", today_at_a_glance, self.app)
