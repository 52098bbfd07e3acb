"""Fees at pickup: what is owed, line by line, told to the customer and agreed **before**
charging; the payment method and the invoice offered; a manager may waive with a reason.
Nothing is released while money is owed."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep, ManagerApprovalScreen
from deskapp.screens.widgets import FormField, Teleprompter
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
        yield DataTable(id="fee-lines", cursor_type="none")
        yield Static("", id="fee-total", markup=False)
        yield Label(tr.t("fees.method"), classes="field-label")
        yield Select([(tr.t(f"payment_method.{m}"), m) for m in PAYMENT_METHODS], id="method", compact=True,
                     prompt=tr.t("pre.pick"))
        yield FormField(tr.t("fees.invoice_no"), "invoice_no", max_length=30)

    def on_mount(self) -> None:
        tr = self.app.tr
        table = self.query_one("#fee-lines", DataTable)
        table.add_columns(tr.t("doc.item"), tr.t("doc.amount"))
        self.show_fees()
        self.query_one("#method", Select).focus()

    def show_fees(self) -> None:
        from deskapp.counter.fees import fees
        from deskapp.documents.a4 import charge_label

        tr, money = self.app.tr, self.app.station.policy.money
        f = fees(self.app.station, self.number)
        self.owed = f
        table = self.query_one("#fee-lines", DataTable)
        table.clear()
        for line in f["lines"]:
            table.add_row(clean(charge_label(tr, line)), money(line["amount"]))
        lines = [tr.t("fees.summary", total=money(f["charged"]), paid=money(f["paid"]), due=money(max(f["due"], 0)))]
        if f["waiver_reason"]:
            lines.append(tr.t("fees.waived", reason=f["waiver_reason"]))
        elif f["due"] <= 0:
            lines.append(tr.t("fees.nothing_owed"))
        elif f["agreed_at"] and f["agreed_amount"] == f["due"]:
            lines.append(tr.t("fees.agreed", amount=money(f["due"])))
        else:
            lines.append(tr.t("fees.not_agreed"))
        self.query_one("#fee-total", Static).update("\n".join(lines))
        self.query_one(Teleprompter).show(tr.t("fees.title"), [
            tr.phrase("sign_off.fee_before_charging", amount=money(max(f["due"], 0)))])

    def action_agree(self) -> None:
        from deskapp.counter.fees import agree_fees
        from deskapp.rules.errors import DeskError

        try:
            agree_fees(self.app.station, self.app.actor, self.number)
        except DeskError as exc:
            self.report(exc.render(self.app.tr), error=True)
            return
        self.show_fees()
        self.report("")

    def action_pay(self) -> None:
        from deskapp.counter.fees import pay
        from deskapp.rules.errors import DeskError, ValidationError

        tr = self.app.tr
        field = self.query_one("#field-invoice_no", FormField)
        field.clear_error()
        method = self.query_one("#method", Select).value
        if not isinstance(method, str):
            self.report(tr.t("fees.method") + "?", error=True)
            self.query_one("#method", Select).focus()
            return
        try:
            amount = pay(self.app.station, self.app.actor, self.number, method,
                         self.query_one("#invoice_no", Input).value)
        except ValidationError as exc:
            field.set_error(exc.render(tr))
            return
        except DeskError as exc:
            self.report(exc.render(tr), error=True)
            return
        self.app.notify(tr.t("fees.paid", amount=self.app.station.policy.money(amount),
                             method=tr.t(f"payment_method.{method}")))
        self.next_step()

    def action_waive(self) -> None:
        from deskapp.counter.fees import waive

        tr = self.app.tr
        number = self.number

        def apply(manager, values):
            waive(self.app.station, self.app.actor, manager, number, values["waive_reason"])

        self.app.push_screen(ManagerApprovalScreen(tr.t("counter.waive_title"),
                                                   [("waive_reason", tr.t("counter.waive_reason"))], apply),
                             lambda ok: self.next_step() if ok else None)
