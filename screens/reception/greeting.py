"""Greeting: the reception desk's home. Today at a glance, calling numbers to the desk,
and the way into queue numbers, pre-inspection and hand-off."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, Teleprompter
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Digits, Footer, Static

from deskapp.reception.desk import DeskCounts, desk_counts
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
                yield Digits("", id="called-number")  # the number called, large (Digits: 3 rows)
                yield Static("", id="call-banner")
                yield Static("", id="reassure")
                yield Static("", id="status", markup=False)
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
        self._serving = None
        self.refresh_counts()

    def station_changed(self) -> None:
        self.refresh_counts()

    def refresh_counts(self) -> None:
        self.reread("counts", desk_counts, self.app.station)

    def answered_counts(self, counts: DeskCounts) -> None:
        tr = self.app.tr
        self._version = counts.version
        reassure = self.query_one("#reassure", Static)
        if counts.waited:  # seed 004: past 30 minutes, the waiting customer is reassured
            opening, closing = ("“", "”") if tr.locale == "en" else ("「", "」")
            names = ", ".join(f"{o.number} {clean(o.customer)} ({tr.t('greeting.minutes', minutes=m)})"
                              for o, m in counts.waited)
            reassure.update(Content.assemble((tr.t("greeting.reassure"), "bold"), " ", names, "\n",
                                             f"{opening}{clean(tr.phrase('bench.reassure'))}{closing}"))
        reassure.display = bool(counts.waited)
        for service, count in counts.waiting.items():
            self.query_one(f"#tile-{service}", Static).update(
                Content.assemble((str(count), "bold"), f"\n{tr.t('service.' + service)}\n{tr.t('app.waiting')}"))
        serving = counts.serving
        self.query_one("#tile-serving", Static).update(
            Content.assemble((serving.code if serving else "-", "bold"), f"\n{tr.t('greeting.now_serving')}"))
        self.query_one("#tile-hand-off", Static).update(
            Content.assemble((str(counts.hand_off), "bold"), f"\n{tr.t('greeting.awaiting_hand_off')}"))
        self._serving = serving

    def announce(self, code: str) -> None:
        tr = self.app.tr
        number = self.query_one("#called-number", Digits)
        number.update(clean(code))
        number.add_class("calling")
        banner = self.query_one("#call-banner", Static)
        banner.update(Content.assemble((clean(tr.phrase("queue.call", number=code)), "bold"), "\n",
                                       clean(tr.phrase("queue.ask_number"))))
        banner.add_class("calling")
        self.app.bell()

    def stop_calling(self) -> None:
        self.query_one("#call-banner", Static).remove_class("calling")
        number = self.query_one("#called-number", Digits)
        number.update("")
        number.remove_class("calling")

    # ---- actions (keys, command palette)

    def action_call_next(self) -> None:
        from deskapp.reception.queue import call_next

        self.ask("call_next", call_next, self.app.station, self.app.actor, ("drop-off", "inquiry"))

    def answered_call_next(self, ticket) -> None:
        if ticket is None:
            self.report(self.app.tr.t("greeting.nobody_waiting"))
            self.stop_calling()
        else:
            self._serving = ticket
            self.announce(ticket.code)
            self.report("")
        self.refresh_counts()

    def action_recall(self) -> None:
        from deskapp.reception.queue import recall

        if self._serving is None:
            self.report(self.app.tr.t("greeting.nothing_to_recall"), error=True)
            return
        self.ask("recall", recall, self.app.station, self.app.actor, self._serving.code)

    def answered_recall(self, _result) -> None:
        if self._serving is not None:
            self.announce(self._serving.code)

    def action_skip(self) -> None:
        from deskapp.reception.queue import set_status

        if self._serving is None:
            self.report(self.app.tr.t("greeting.nothing_to_recall"), error=True)
            return
        code = self._serving.code
        self.ask("skip", lambda: (set_status(self.app.station, self.app.actor, code, "skipped"), code)[1])

    def answered_skip(self, code: str) -> None:
        self.report(self.app.tr.t("greeting.skipped", code=code))
        self._serving = None
        self.stop_calling()
        self.action_call_next()

    def action_take_number(self) -> None:
        from deskapp.screens.reception.queue import QueueScreen

        self.app.push_screen(QueueScreen())

    def action_pre_inspection(self) -> None:
        from deskapp.reception import drafts

        self.ask("pre_inspection", drafts.resumable, self.app.station, self.app.seat)

    def answered_pre_inspection(self, waiting) -> None:
        from deskapp.screens.reception.pre_inspection import (
            PreInspectionScreen,
            ResumeDraftScreen,
        )

        if waiting:  # finish what this terminal started before beginning another
            self.app.push_screen(ResumeDraftScreen(waiting))
            return
        self.app.push_screen(PreInspectionScreen(queue_code=self._serving.code if self._serving else ""))

    def action_hand_off(self) -> None:
        from deskapp.orders.reads import awaiting_hand_off

        self.ask("hand_off", awaiting_hand_off, self.app.station, limit=1)

    def answered_hand_off(self, waiting) -> None:
        from deskapp.screens.reception.hand_off import HandOffScreen

        if not waiting:
            self.report(self.app.tr.t("greeting.none_awaiting"))
            return
        self.app.push_screen(HandOffScreen(waiting[0].number))
