"""Farewell (送別): the device wiped, the business card, the belongings reminder, the
farewell phrases; the order closes, leaves the counter, and its passcode is erased."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep
from deskapp.screens.widgets import Teleprompter
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, Label

from deskapp.counter.farewell import FAREWELL_ITEMS


class FarewellScreen(CounterStep):
    BINDINGS = [Binding("ctrl+s", "close_order", "Close the order", priority=True)]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield Label(tr.t("farewell.title"), classes="section")
        for item in FAREWELL_ITEMS:
            yield Checkbox(tr.t(f"pickup.farewell_{item}"), id=f"farewell_{item}")

    def on_mount(self) -> None:
        from deskapp.documents.order_record import order_details

        tr = self.app.tr
        engineer = self.app.actor.name
        self.ask("details", order_details, self.app.station, self.number)
        self.query_one(Teleprompter).show(tr.t("farewell.title"), [
            tr.phrase("farewell.business_card", engineer=engineer), tr.phrase("farewell.belongings"),
            tr.phrase("farewell.goodbye")])
        self.query_one("#farewell_wiped", Checkbox).focus(scroll_visible=False)

    def answered_details(self, d: dict) -> None:
        if d["pickup"]["card_left"] is False:  # no card was left: nothing to tick for it
            self.query_one("#farewell_card", Checkbox).display = False

    def action_close_order(self) -> None:
        from deskapp.counter.farewell import farewell

        done = {item: self.query_one(f"#farewell_{item}", Checkbox).value for item in FAREWELL_ITEMS}
        self.ask("close_order", farewell, self.app.station, self.app.actor, self.number, done)

    def answered_close_order(self, _order) -> None:
        self.app.notify(self.app.tr.t("farewell.closed", number=self.number), markup=False)
        if self.app.screen is self:
            self.app.pop_screen()
