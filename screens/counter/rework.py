"""Rework (返修): a returning customer's device, found by order number, serial or phone.
Inside the repair warranty and on the original fault it becomes a free rework order linked
to the original, with the 2-hour handling target; otherwise the normal flow, with the reason
shown. The new order then goes to hand-off like any other."""

from __future__ import annotations

from deskapp.screens.base import STEP_CSS, DeskScreen
from deskapp.screens.widgets import DeskHeader, FormField, StationTable, Teleprompter
from textual import on
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Static

from deskapp.rules.text import clean


class ReworkScreen(DeskScreen):
    CSS_PATH = [STEP_CSS, "counter.tcss"]
    BINDINGS = [
        Binding("ctrl+s", "create_rework", "Create rework", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Horizontal(classes="step-layout"):
            with VerticalScroll(classes="step-form"):
                yield Label(tr.t("rework.title"), classes="section")
                yield FormField(tr.t("rework.query"), "rework_query")
                yield StationTable(id="earlier", cursor_type="row")
                yield Checkbox(tr.t("rework.same_fault"), value=False, id="same_fault")
                yield FormField(tr.t("rework.fault"), "rework_fault")
                yield Static("", id="decision", markup=False)
                yield Static("", id="status", markup=False)
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.sub_title = tr.t("rework.title")
        self.found: list = []
        table = self.query_one("#earlier", DataTable)
        # whose it is and the dates the decision rests on first, the model last: what 80 columns may cut
        table.add_columns(tr.t("cli.col_number"), tr.t("cli.col_customer"), tr.t("rework.col_released"),
                          tr.t("rework.col_until"), tr.t("cli.col_device"))
        self.query_one(Teleprompter).show(tr.t("rework.title"), [tr.phrase("pickup.greeting")])
        self.query_one("#rework_query", Input).focus()

    @on(Input.Submitted, "#rework_query")
    def search(self, event: Input.Submitted) -> None:
        self.query_one("#field-rework_query", FormField).clear_error()
        self._query = event.value.strip()
        self.ask("search", earlier_repairs, self.app.station, event.value)

    def refused_search(self, error) -> None:
        self.query_one("#field-rework_query", FormField).set_error(error.render(self.app.tr))

    def answered_search(self, found) -> None:
        tr = self.app.tr
        self.found = [o for o, _, _ in found]
        table = self.query_one("#earlier", DataTable)
        table.clear()
        if not found:
            self.query_one("#field-rework_query", FormField).set_error(
                tr.t("rework.none_found", query=clean(self._query)))
            return
        for o, released, until in found:  # names and models are stored text: shown as they are
            table.add_row(Text(o.number), Text(clean(o.customer)), Text(released), Text(until),
                          Text(clean(o.model or tr.t(f"product_line.{o.product_line}"))))
        table.focus()
        self.show_decision()

    def selected(self) -> str | None:
        table = self.query_one("#earlier", DataTable)
        return self.found[table.cursor_row].number if self.found else None

    @on(DataTable.RowHighlighted, "#earlier")
    @on(Checkbox.Changed, "#same_fault")
    def show_decision(self) -> None:
        from deskapp.orders.rework import rework_decision
        from deskapp.rules.errors import DeskError

        tr = self.app.tr
        number = self.selected()
        if number is None:
            return
        try:
            _, decision = rework_decision(self.app.station, number,
                                          same_fault=self.query_one("#same_fault", Checkbox).value)
        except DeskError as exc:
            self.query_one("#decision", Static).update(clean(exc.render(tr)))
            return
        reasons = "; ".join(r.render(tr) for r in decision.reasons)
        text = (tr.t("rework.free", hours=decision.handling_target_hours) if decision.free
                else tr.t("rework.normal", reasons=reasons))
        self.query_one("#decision", Static).update(clean(text))
        self.query_one(Teleprompter).show(tr.t("rework.title"), [p.render(tr) for p in decision.phrases])

    def action_create_rework(self) -> None:
        from deskapp.orders.rework import create_rework

        number = self.selected()
        self.query_one("#field-rework_fault", FormField).clear_error()
        if number is None:
            self.query_one("#field-rework_query", FormField).set_error(self.app.tr.t("error.rework_query_needed"))
            return
        self._original = number
        self.ask("create_rework", create_rework, self.app.station, self.app.actor, number,
                 self.query_one("#rework_fault", Input).value,
                 same_fault=self.query_one("#same_fault", Checkbox).value)

    def refused_create_rework(self, error) -> None:
        from deskapp.rules.errors import ValidationError

        if isinstance(error, ValidationError):  # the fault as the customer tells it
            self.query_one("#field-rework_fault", FormField).set_error(error.render(self.app.tr))
        else:
            self.report(error.render(self.app.tr), error=True)

    def answered_create_rework(self, created) -> None:
        from deskapp.screens.reception.hand_off import HandOffScreen

        order, _ = created
        self.app.notify(self.app.tr.t("rework.created", number=order.number, original=self._original), timeout=8,
                        markup=False)
        if self.app.screen is self:
            self.app.switch_screen(HandOffScreen(order.number))

    def action_back(self) -> None:
        self.app.pop_screen()


def earlier_repairs(station, query: str) -> list[tuple]:
    """A returning customer's earlier repairs, each with the day it was released and the
    repair warranty's last day (in a worker: a phone can find many)."""
    from deskapp.counter.lists import rework_candidates
    from deskapp.documents.a4 import repair_warranty_ends
    from deskapp.documents.order_record import order_details
    from deskapp.rules.dates import local_time

    found = []
    for o in rework_candidates(station, query):
        d = order_details(station, o.number)
        found.append((o, local_time(station, d["released_at"])[:10], repair_warranty_ends(station, d) or "-"))
    return found
