"""Shipping an unrepaired return back (seed 000: a customer who declines "collects the device
or pays return shipping"): the carrier's price charged, the fees agreed and paid (or waived)
on the fees step, then the carrier and tracking number; the order is released by parcel and
closes."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep
from deskapp.screens.widgets import FormField, StationTable, Teleprompter
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, Static

from deskapp.rules.text import clean


class ShipBackScreen(CounterStep):
    BINDINGS = [
        Binding("ctrl+e", "charge", "Charge shipping", priority=True),
        Binding("ctrl+s", "ship", "Ship it", priority=True),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield Label(tr.t("ship.title"), classes="section")
        yield StationTable(id="fee-lines", cursor_type="none")
        yield Static("", id="fee-total", markup=False)
        yield FormField(tr.t("ship.amount"), "shipping_amount", max_length=12)
        yield FormField(tr.t("ship.carrier"), "carrier", max_length=60)
        yield FormField(tr.t("ship.tracking"), "tracking", max_length=60)

    def on_mount(self) -> None:
        from deskapp.counter.fees import fees

        tr = self.app.tr
        super().on_mount()
        self.query_one("#fee-lines", DataTable).add_columns(tr.t("doc.item"), tr.t("doc.amount"))
        self.query_one(Teleprompter).show(tr.t("ship.title"), [tr.t("ship.hint")])
        self.ask("fees", fees, self.app.station, self.number)
        self.query_one("#shipping_amount", Input).focus(scroll_visible=False)

    def answered_fees(self, f: dict) -> None:
        from deskapp.counter.fees import SHIPPING
        from deskapp.documents.a4 import charge_label

        tr, money = self.app.tr, self.app.station.policy.money
        table = self.query_one("#fee-lines", DataTable)
        table.clear()
        for line in f["lines"]:
            table.add_row(Text(clean(charge_label(tr, line))), Text(money(line["amount"]), justify="right"))
        lines = [tr.t("fees.summary", total=money(f["charged"]), paid=money(f["paid"]), due=money(max(f["due"], 0)))]
        if f["waiver_reason"]:
            lines.append(tr.t("fees.waived", reason=clean(f["waiver_reason"])))
        charged = any(line["kind"] == "other" and line["description"] == SHIPPING for line in f["lines"])
        lines.append(tr.t("ship.ready") if charged else tr.t("ship.charge_first"))
        self.query_one("#fee-total", Static).update("\n".join(lines))
        self.query_one("#field-shipping_amount").display = not charged
        if charged:
            self.query_one("#carrier", Input).focus(scroll_visible=False)

    def clear_errors(self) -> None:
        for field in self.query(FormField):
            field.clear_error()

    def action_charge(self) -> None:
        from deskapp.counter.fees import charge_shipping

        self.clear_errors()
        self.ask("charge", charge_shipping, self.app.station, self.app.actor, self.number,
                 self.query_one("#shipping_amount", Input).value)

    def answered_charge(self, amount: int) -> None:
        self.app.notify(self.app.tr.t("ship.charged", amount=self.app.station.policy.money(amount)), markup=False)
        self.next_step()  # the fees step (agreed and paid, or waived), then back here

    def action_ship(self) -> None:
        from deskapp.counter.fees import ship_back

        self.clear_errors()
        self.ask("ship", ship_back, self.app.station, self.app.actor, self.number,
                 self.query_one("#carrier", Input).value, self.query_one("#tracking", Input).value)

    def answered_ship(self, order) -> None:
        self.app.notify(self.app.tr.t("ship.shipped", number=order.number,
                                      tracking=clean(self.query_one("#tracking", Input).value)), markup=False)
        if self.app.screen is self:
            self.app.pop_screen()
