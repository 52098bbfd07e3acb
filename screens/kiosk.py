"""The customers' query terminal (``deskapp kiosk``): take a queue number for a service (the
ticket printed), or see how a repair is going with the voucher's number (its QR code
scanned, or typed) and the last four digits of the phone. Big keys, a customer's words, no
way to any staff screen, and back to the start after some seconds without a key."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Button, Footer, Input, Static

from deskapp.rules.text import clean
from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, FormField
from deskapp.screens.widgets.big_text import BigText
from deskapp.settings.station_config import SERVICES

TICKET_SHOWN_S = 12.0


class KioskScreen(DeskScreen):
    """A kiosk screen: its title in the header, Escape back to the start."""

    CSS_PATH = "kiosk.tcss"

    def on_mount(self) -> None:
        self.title = self.app.tr.t("kiosk.title")
        self.sub_title = clean(self.app.station.config.text("name", self.app.tr.locale))


class KioskHomeScreen(KioskScreen):
    BINDINGS = [
        Binding("1", "take('drop-off')", "Drop-off"),
        Binding("2", "take('pickup')", "Pickup"),
        Binding("3", "take('inquiry')", "Inquiry"),
        Binding("4", "progress", "Progress"),
    ]

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Vertical(id="kiosk"):
            yield Static(tr.t("kiosk.welcome"), id="kiosk-welcome", markup=False)
            with Grid(id="kiosk-choices"):
                for i, service in enumerate(SERVICES, start=1):
                    yield Button(f"{i}  {tr.t(f'kiosk.take_{service}')}", id=f"take-{service}", classes="choice")
                yield Button(f"4  {tr.t('kiosk.progress')}", id="progress", classes="choice")
            yield Static("", id="status", markup=False)
        yield Footer()

    @on(Button.Pressed, ".choice")
    def chosen(self, event: Button.Pressed) -> None:
        if event.button.id == "progress":
            self.action_progress()
        else:
            self.action_take(event.button.id.removeprefix("take-"))

    def action_take(self, service: str) -> None:
        from deskapp.reception.queue import take_number

        self.ask("take", take_number, self.app.station, self.app.actor, service)

    def answered_take(self, ticket) -> None:
        self.app.push_screen(KioskTicketScreen(ticket))

    def action_progress(self) -> None:
        self.app.push_screen(KioskProgressScreen())


class KioskTicketScreen(KioskScreen):
    """The number just taken, large, while its ticket prints; back to the start by itself."""

    BINDINGS = [Binding("escape,enter", "done", "Done")]

    def __init__(self, ticket) -> None:
        super().__init__()
        self.ticket = ticket

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Vertical(id="kiosk"):
            yield Static(tr.t("kiosk.your_number", service=tr.t(f"service.{self.ticket.service}")),
                         id="kiosk-welcome", markup=False)
            yield BigText(id="kiosk-number")
            yield Static(tr.t("kiosk.ahead", n=self.ticket.ahead) if self.ticket.ahead
                         else tr.t("kiosk.nobody_ahead"), id="kiosk-ahead", markup=False)
            yield Static(tr.t("print.printing"), id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        from deskapp.documents.thermal import print_queue_ticket

        self.query_one("#kiosk-number", BigText).text = clean(self.ticket.code)
        self.ask("print", print_queue_ticket, self.app.station, self.app.actor, self.ticket)
        self.set_timer(TICKET_SHOWN_S, self.action_done)

    def answered_print(self, _result) -> None:
        self.report(self.app.tr.t("kiosk.printed"))

    def refused_print(self, _error) -> None:  # a customer needs no printer detail: the number is on screen
        self.report(self.app.tr.t("kiosk.not_printed", code=clean(self.ticket.code)), error=True)

    def action_done(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()


class KioskProgressScreen(KioskScreen):
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Vertical(id="kiosk"):
            yield Static(tr.t("kiosk.progress_hint"), id="kiosk-welcome", markup=False)
            yield FormField(tr.t("kiosk.order_number"), "order_number")
            yield FormField(tr.t("kiosk.phone_last4"), "phone_last4", max_length=4, password=True)
            yield Static("", id="status", markup=False)
            yield Static("", id="kiosk-progress", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#kiosk-progress", Static).display = False
        self.query_one("#order_number", Input).focus()

    @on(Input.Submitted, "#order_number")
    def number_given(self) -> None:
        self.query_one("#phone_last4", Input).focus()

    @on(Input.Submitted, "#phone_last4")
    def ask_progress(self) -> None:
        from deskapp.reception.kiosk import check_progress

        number = self.query_one("#order_number", Input).value
        last4 = self.query_one("#phone_last4", Input).value
        self.query_one("#kiosk-progress", Static).display = False
        self.ask("progress", check_progress, self.app.station, self.app.actor, number, last4)

    def answered_progress(self, progress) -> None:
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        self.report("")
        lines = [Text(progress.number, style="bold"), Text(tr.t(f"kiosk.stage_{progress.stage}"), style="bold")]
        if progress.ready:
            lines.append(Text(tr.t("kiosk.come_and_collect")))
        elif progress.promised_at:
            lines.append(Text(tr.t("kiosk.promised", time=local_time(self.app.station, progress.promised_at))))
        shown = self.query_one("#kiosk-progress", Static)
        shown.update(Text("\n").join(lines))
        shown.display = True
        self.query_one("#phone_last4", Input).value = ""

    def refused_progress(self, error) -> None:
        self.query_one("#phone_last4", Input).value = ""  # the digits are not left on a public screen
        self.show_refusal(error)
        self.query_one("#phone_last4", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()
