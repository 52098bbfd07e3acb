"""Greeting: the reception desk's home. Today at a glance, calling numbers to the desk,
and the way into queue numbers, pre-inspection and hand-off."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, Teleprompter
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Footer, Label, Static

from deskapp.rules.text import clean


class GreetingScreen(DeskScreen):
    CSS_PATH = "greeting.tcss"
    BINDINGS = [
        Binding("n", "call_next", "Call next"),
        Binding("r", "recall", "Recall"),
        Binding("s", "skip", "Skip"),
        Binding("t", "take_number", "Take number"),
        Binding("i", "pre_inspection", "Pre-inspection"),
        Binding("h", "hand_off", "Hand-off"),
    ]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(id="greeting"):
            with Vertical(id="desk"):
                with Grid(id="tiles"):
                    for tile in ("drop-off", "pickup", "inquiry", "serving", "hand-off"):
                        yield Static("", id=f"tile-{tile}", classes="tile")
                yield Static("", id="call-banner")
                yield Static("", id="reassure")
                yield Label("", id="greeting-status")
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.query_one(Teleprompter).show(tr.t("greeting.prompter"), [
            tr.phrase("greeting.take_device"),
            tr.phrase("queue.take_number_others_waiting"),
            tr.phrase("queue.take_number_nobody_waiting"),
        ])
        self._version = None
        self.refresh_counts()
        self.set_interval(1.0, self.poll_changes)

    def on_screen_resume(self) -> None:
        self.refresh_counts()

    @work(thread=True, exclusive=True, group="greeting")
    def refresh_counts(self) -> None:
        from deskapp.orders.reads import awaiting_hand_off, waiting_past
        from deskapp.reception.queue import now_serving, waiting_counts

        station = self.app.station
        data = (waiting_counts(station), now_serving(station), len(awaiting_hand_off(station)),
                station.store.data_version(), waiting_past(station))
        self.app.call_from_thread(self.show_counts, *data)

    def show_counts(self, waiting: dict, serving, hand_off: int, version: int, waited=()) -> None:
        tr = self.app.tr
        self._version = version
        reassure = self.query_one("#reassure", Static)
        if waited:  # seed 004: past 30 minutes, the waiting customer is reassured
            names = ", ".join(f"{o.number} {clean(o.customer)} ({tr.t('greeting.minutes', minutes=m)})" for o, m in waited)
            reassure.update(f"[b]{tr.t('greeting.reassure')}[/b] {names}\n「{clean(tr.phrase('bench.reassure'))}」"
                            if tr.locale != "en" else
                            f"[b]{tr.t('greeting.reassure')}[/b] {names}\n“{clean(tr.phrase('bench.reassure'))}”")
        reassure.display = bool(waited)
        for service, count in waiting.items():
            self.query_one(f"#tile-{service}", Static).update(
                f"[b]{count}[/b]\n{tr.t('service.' + service)}\n{tr.t('app.waiting')}")
        self.query_one("#tile-serving", Static).update(
            f"[b]{serving.code if serving else '-'}[/b]\n{tr.t('greeting.now_serving')}")
        self.query_one("#tile-hand-off", Static).update(f"[b]{hand_off}[/b]\n{tr.t('greeting.awaiting_hand_off')}")
        self._serving = serving

    def poll_changes(self) -> None:
        station = self.app.station
        if station is not None and station.store.data_version() != self._version:
            self.refresh_counts()

    def announce(self, code: str) -> None:
        tr = self.app.tr
        banner = self.query_one("#call-banner", Static)
        banner.update(f"[b]{code}[/b]\n{clean(tr.phrase('queue.call', number=code))}\n\n{clean(tr.phrase('queue.ask_number'))}")
        banner.add_class("calling")
        self.app.bell()

    def status(self, message: str, error: bool = False) -> None:
        label = self.query_one("#greeting-status", Label)
        label.update(clean(message))
        label.set_class(error, "error")

    # ---- actions (keys, command palette)

    def action_call_next(self) -> None:
        from deskapp.reception.queue import call_next

        ticket = call_next(self.app.station, self.app.actor, ("drop-off", "inquiry"))
        if ticket is None:
            self.status(self.app.tr.t("greeting.nobody_waiting"))
            self.query_one("#call-banner", Static).remove_class("calling")
        else:
            self._serving = ticket
            self.announce(ticket.code)
            self.status("")
        self.refresh_counts()

    def action_recall(self) -> None:
        from deskapp.reception.queue import recall

        serving = getattr(self, "_serving", None)
        if serving is None:
            self.status(self.app.tr.t("greeting.nothing_to_recall"), error=True)
            return
        recall(self.app.station, self.app.actor, serving.code)
        self.announce(serving.code)

    def action_skip(self) -> None:
        from deskapp.reception.queue import set_status

        serving = getattr(self, "_serving", None)
        if serving is None:
            self.status(self.app.tr.t("greeting.nothing_to_recall"), error=True)
            return
        set_status(self.app.station, self.app.actor, serving.code, "skipped")
        self.status(self.app.tr.t("greeting.skipped", code=serving.code))
        self._serving = None
        self.query_one("#call-banner", Static).remove_class("calling")
        self.action_call_next()

    def action_take_number(self) -> None:
        from deskapp.screens.reception.queue import QueueScreen

        self.app.push_screen(QueueScreen())

    def action_pre_inspection(self) -> None:
        from deskapp.screens.reception.pre_inspection import (
            PreInspectionScreen,
            ResumeDraftScreen,
        )

        from deskapp.reception import drafts

        waiting = drafts.open_drafts(self.app.station, self.app.terminal)
        if waiting:  # finish what this terminal started before beginning another
            self.app.push_screen(ResumeDraftScreen(waiting[0]))
            return
        serving = getattr(self, "_serving", None)
        self.app.push_screen(PreInspectionScreen(queue_code=serving.code if serving else ""))

    def action_hand_off(self) -> None:
        from deskapp.screens.reception.hand_off import HandOffScreen

        from deskapp.orders.reads import awaiting_hand_off

        waiting = awaiting_hand_off(self.app.station, limit=1)
        if not waiting:
            self.status(self.app.tr.t("greeting.none_awaiting"))
            return
        self.app.push_screen(HandOffScreen(waiting[0].number))
