"""Fees at pickup: what is owed, line by line, told to the customer and agreed **before**
charging; the payment method and the invoice offered; a manager may waive with a reason.
Nothing is released while money is owed."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep, ManagerApprovalScreen
from deskapp.screens.widgets import FormField, StationTable, Teleprompter
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, Select, Static

from deskapp.orders.money import PAYMENT_METHODS
from deskapp.rules.text import clean


class FeesScreen(CounterStep):
    BINDINGS = [
        Binding("ctrl+g", "agree", "Customer agreed", priority=True),
        Binding("ctrl+s", "pay", "Take payment", priority=True),
        Binding("ctrl+w", "waive", "Waive (manager)", priority=True),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield Label(tr.t("fees.title"), classes="section")
        yield StationTable(id="fee-lines", cursor_type="none")
        yield Static("", id="fee-total", markup=False)
        yield Label(tr.t("fees.method"), classes="field-label")
        yield Select([(tr.t(f"payment_method.{m}"), m) for m in PAYMENT_METHODS], id="method", compact=True,
                     prompt=tr.t("pre.pick"))
        yield FormField(tr.t("fees.invoice_no"), "invoice_no", max_length=30)

    def on_mount(self) -> None:
        from deskapp.counter.fees import fees

        tr = self.app.tr
        table = self.query_one("#fee-lines", DataTable)
        table.add_columns(tr.t("doc.item"), tr.t("doc.amount"))
        self.ask("fees", fees, self.app.station, self.number)
        self.query_one("#method", Select).focus(scroll_visible=False)

    def answered_fees(self, f: dict) -> None:
        self.show_fees(f)

    def show_fees(self, f: dict) -> None:
        from deskapp.documents.a4 import charge_label

        tr, money = self.app.tr, self.app.station.policy.money
        self.owed = f
        table = self.query_one("#fee-lines", DataTable)
        table.clear()
        for line in f["lines"]:  # a charge's description is stored text: shown as it is
            table.add_row(Text(clean(charge_label(tr, line))), Text(money(line["amount"]), justify="right"))
        lines = [tr.t("fees.summary", total=money(f["charged"]), paid=money(f["paid"]), due=money(max(f["due"], 0)))]
        if f["waiver_reason"]:
            lines.append(tr.t("fees.waived", reason=clean(f["waiver_reason"])))
        elif f["due"] <= 0:
            lines.append(tr.t("fees.nothing_owed"))
        elif f["agreed_at"] and f["agreed_amount"] == f["due"]:
            lines.append(tr.t("fees.agreed", amount=money(f["due"])))
        else:
            lines.append(tr.t("fees.not_agreed"))
        self.query_one("#fee-total", Static).update("\n".join(lines))
        self.query_one(Teleprompter).show(tr.t("fees.title"), [
            tr.phrase("sign_off.fee_before_charging_unrepaired" if self.view.order.outcome == "unrepaired"
                      else "sign_off.fee_before_charging", amount=money(max(f["due"], 0)))])

    def action_agree(self) -> None:
        self.ask("agree", agree_and_read, self.app.station, self.app.actor, self.number)

    def answered_agree(self, f: dict) -> None:
        self.show_fees(f)
        self.report("")

    def action_pay(self) -> None:
        from deskapp.counter.fees import pay

        tr = self.app.tr
        self.query_one("#field-invoice_no", FormField).clear_error()
        method = self.query_one("#method", Select).value
        if not isinstance(method, str):
            self.report(tr.t("fees.method") + "?", error=True)
            self.query_one("#method", Select).focus()
            return
        self._method = method
        self.ask("pay", pay, self.app.station, self.app.actor, self.number, method,
                 self.query_one("#invoice_no", Input).value)

    def answered_pay(self, amount: int) -> None:
        tr = self.app.tr
        self.app.notify(tr.t("fees.paid", amount=self.app.station.policy.money(amount),
                             method=tr.t(f"payment_method.{self._method}")), markup=False)
        self.next_step()

    def action_waive(self) -> None:
        from deskapp.counter.fees import waive

        tr = self.app.tr
        station, actor, number = self.app.station, self.app.actor, self.number

        def apply(manager, values):  # in the approval's worker
            waive(station, actor, manager, number, values["waive_reason"])

        self.app.push_screen(ManagerApprovalScreen(tr.t("counter.waive_title"),
                                                   [("waive_reason", tr.t("counter.waive_reason"))], apply),
                             lambda ok: self.next_step() if ok else None)


def agree_and_read(station, actor, number: str) -> dict:
    """The customer agreed to what is owed; then the fees as they now stand (in a worker)."""
    from deskapp.counter.fees import agree_fees, fees

    agree_fees(station, actor, number)
    return fees(station, number)
