"""Verification sign-off (驗機): the checklist for the device's product line, each item
passed, failed or not applicable; the customer's own check that the fault is gone; the
name they signed; the warranty sticker and business card. A failed item sends the order
back to the bench with the reason instead of releasing it."""

from __future__ import annotations

from deskapp.screens.counter.voucher_check import CounterStep
from deskapp.screens.widgets import FormField, StationTable, Teleprompter
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Checkbox, DataTable, Input, Label

from deskapp.rules.text import clean

MARKS = {"pass": "✔", "fail": "✖", "na": "–"}


class SignOffScreen(CounterStep):
    BINDINGS = [
        Binding("1", "pass_item", "Pass"),
        Binding("2", "fail_item", "Fail"),
        Binding("3", "na_item", "N/A"),
        Binding("a", "all_pass", "All pass"),
        Binding("ctrl+s", "sign_off", "Sign off", priority=True),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield Label(tr.t("signoff.hint"), classes="section")
        yield StationTable(id="checklist", cursor_type="row")
        yield Checkbox(tr.t("signoff.fault_gone"), id="fault_gone")
        yield FormField(tr.t("signoff.signed_by"), "signed_by")
        yield Checkbox(tr.t("signoff.sticker"), value=True, id="sticker")
        yield FormField(tr.t("signoff.sticker_reason"), "sticker_reason")
        yield Checkbox(tr.t("signoff.card"), value=True, id="card")
        yield FormField(tr.t("signoff.card_reason"), "card_reason")
        yield FormField(tr.t("signoff.note"), "note")

    def on_mount(self) -> None:
        tr = self.app.tr
        self.results: dict[str, str] = {}
        table = self.query_one("#checklist", DataTable)
        table.add_columns(tr.t("signoff.col_item"), tr.t("signoff.col_result"))
        self.items = self.view.checklist
        for item in self.items:
            table.add_row(Text(tr.t(f"verify.{item}")), Text(""), key=item)
        table.focus(scroll_visible=False)
        if self.view.order.outcome == "unrepaired":  # returned unrepaired: nothing to confirm fixed
            self.query_one("#fault_gone", Checkbox).display = False
        self.query_one(Teleprompter).show(tr.t("signoff.title"), [
            tr.phrase("sign_off.operate_confirm_unrepaired" if self.view.order.outcome == "unrepaired"
                      else "sign_off.operate_confirm", customer=self.view.customer_name)])
        self.query_one("#signed_by", Input).value = ""

    def _set(self, item: str, result: str) -> None:
        tr = self.app.tr
        self.results[item] = result
        table = self.query_one("#checklist", DataTable)
        mark = Text(f"{MARKS[result]} {tr.t(f'pickup.result_{result}')}")
        table.update_cell(item, table.ordered_columns[1].key, mark, update_width=True)  # whole: "合格", "不良", "不適用"

    def action_mark(self, result: str) -> None:
        table = self.query_one("#checklist", DataTable)
        if not self.items:
            return
        self._set(self.items[table.cursor_row], result)
        if table.cursor_row < len(self.items) - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def action_pass_item(self) -> None:
        self.action_mark("pass")

    def action_fail_item(self) -> None:
        self.action_mark("fail")

    def action_na_item(self) -> None:
        self.action_mark("na")

    def action_all_pass(self) -> None:
        for item in self.items:
            if item not in self.results:
                self._set(item, "pass")

    def check_action(self, action: str, parameters) -> bool | None:
        # the item keys act on the checklist; typed into a field they are just text
        if action in ("pass_item", "fail_item", "na_item", "all_pass"):
            return isinstance(self.focused, DataTable)
        return True

    def action_sign_off(self) -> None:
        from deskapp.counter.sign_off import SignOff, sign_off

        for field in self.query(FormField):
            field.clear_error()
        values = {f: self.query_one(f"#{f}", Input).value for f in ("signed_by", "sticker_reason", "card_reason",
                                                                     "note")}
        self._signed_by = values["signed_by"].strip()
        self._failed = [i for i in self.items if self.results.get(i) == "fail"]
        self.ask("sign_off", sign_off, self.app.station, self.app.actor, self.number, SignOff(
            results=dict(self.results), fault_gone=self.query_one("#fault_gone", Checkbox).value,
            signed_by=values["signed_by"], sticker_applied=self.query_one("#sticker", Checkbox).value,
            sticker_reason=values["sticker_reason"], card_left=self.query_one("#card", Checkbox).value,
            card_reason=values["card_reason"], note=values["note"]))

    def refused_sign_off(self, error) -> None:
        from deskapp.rules.errors import ValidationError

        text = error.render(self.app.tr)
        if isinstance(error, ValidationError) and error.field.startswith("item_"):
            item = error.field[5:]
            if item in self.items:
                table = self.query_one("#checklist", DataTable)
                table.move_cursor(row=self.items.index(item))
                table.focus()
            self.report(text, error=True)
        elif isinstance(error, ValidationError) and self.query(f"#field-{error.field}"):
            self.query_one(f"#field-{error.field}", FormField).set_error(text)
            self.query_one(f"#{error.field}", Input).focus()
        else:
            self.report(text, error=True)

    def answered_sign_off(self, order) -> None:
        tr = self.app.tr
        if order.verified_at is None:  # back to the bench (or, unrepaired, back as a return), with the reason
            failed = [tr.t(f"verify.{i}") for i in self._failed]
            reason = ", ".join(failed) or tr.t("verify.fault_still_there")
            said = (tr.t("signoff.back_to_return", number=self.number, reason=reason) if order.outcome == "unrepaired"
                    else tr.t("signoff.back_to_bench", number=self.number, reason=reason))
            self.app.notify(said, severity="warning", timeout=10, markup=False)
            if self.app.screen is self:
                self.app.pop_screen()
            return
        self.app.notify(clean(tr.t("signoff.saved", name=self._signed_by)), markup=False)
        self.next_step()
