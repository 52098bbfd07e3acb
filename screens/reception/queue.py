"""Queue number: issue a number for a service and print the queue ticket. With no
printer the number is still issued and shown large on screen."""

from __future__ import annotations

from dataclasses import replace

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Digits, Footer, Label, Static

from deskapp.rules.text import clean


class QueueScreen(DeskScreen):
    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("1", "issue('drop-off')", "Drop-off"),
        Binding("2", "issue('pickup')", "Pickup"),
        Binding("3", "issue('inquiry')", "Inquiry"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Center():
            with Vertical(id="queue"):
                yield Label(tr.t("ticket.choose"), id="queue-choose")
                yield Label("", id="queue-service")
                yield Digits("", id="queue-number")
                yield Label("", id="queue-ahead")
                yield Label("", id="queue-print", markup=False)  # a printer's own words
                yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        # the keys carry the service names in the station's language
        for key, service in (("1", "drop-off"), ("2", "pickup"), ("3", "inquiry")):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=tr.t(f"service.{service}")) for b in self._bindings.key_to_bindings[key]
            ]
        self.refresh_bindings()

    def action_issue(self, service: str) -> None:
        from deskapp.reception.queue import take_number

        if self.asking("print"):  # the last ticket is still printing: one ticket at a time
            return
        self.ask("issue", take_number, self.app.station, self.app.actor, service)

    def answered_issue(self, ticket) -> None:
        from deskapp.documents.thermal import print_queue_ticket

        tr = self.app.tr
        self.query_one("#queue-service", Label).update(tr.t(f"service.{ticket.service}"))
        self.query_one("#queue-number", Digits).update(ticket.code)
        self.query_one("#queue-ahead", Label).update(tr.t("doc.ahead") + ": " + tr.t("doc.ahead_count", count=ticket.ahead))
        self.print_result(tr.t("print.printing"), False)
        self.ask("print", print_queue_ticket, self.app.station, self.app.actor, ticket)

    def answered_print(self, _result) -> None:
        self.print_result(self.app.tr.t("print.done"), False)

    def refused_print(self, error) -> None:
        from deskapp.rules.errors import PrintFailed

        tr = self.app.tr
        if isinstance(error, PrintFailed):  # the ticket is the queue number: no repair order in it
            code = str(self.query_one("#queue-number", Digits).value)
            self.print_result(tr.t("ticket.not_printed", detail=clean(error.params.get("detail", "")), code=code), True)
        else:
            self.print_result(error.render(tr) + " " + tr.t("ticket.shown_instead"), True)

    def print_result(self, message: str, error: bool) -> None:
        label = self.query_one("#queue-print", Label)
        label.update(clean(message))
        label.set_class(error, "error")

    def action_back(self) -> None:
        self.app.pop_screen()
