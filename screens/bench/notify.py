"""Notify pickup: the orders ready but not yet reached, the call script (and the station
address for whoever else answers), each attempt and its outcome."""

from __future__ import annotations

from deskapp.screens.base import STEP_CSS, DeskScreen
from deskapp.screens.widgets import DeskHeader, StationTable, Teleprompter
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from rich.text import Text
from textual.widgets import DataTable, Footer, Static

from deskapp.rules.text import clean


class NotifyScreen(DeskScreen):
    CSS_PATH = [STEP_CSS, "bench.tcss"]
    BINDINGS = [
        Binding("1", "outcome('reached')", "Reached"),
        Binding("2", "outcome('no_answer')", "No answer"),
        Binding("3", "outcome('message_left')", "Message left"),
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(classes="step-layout"):
            with Vertical(classes="step-form"):
                with Vertical(classes="table-box"):  # a long list leaves the status line its place
                    yield StationTable(id="to-notify", cursor_type="row", zebra_stripes=True)
                yield Static("", id="status", markup=False)
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        table = self.query_one(DataTable)
        # the phone to dial before the device: at 80 columns a long model is what runs off the edge
        table.add_columns(tr.t("cli.col_number"), tr.t("cli.col_customer"), tr.t("bench.col_phone"),
                          tr.t("cli.col_device"), tr.t("bench.calls"))
        self.reload()
        table.focus()

    def reload(self) -> None:
        self.reread("notify_list", notify_list, self.app.station)

    def station_changed(self) -> None:
        self.reload()

    def answered_notify_list(self, orders) -> None:
        tr = self.app.tr
        table = self.query_one(DataTable)
        on, keep = self.selected(), table.cursor_row
        table.clear()
        for o, phones in orders:  # names, phones and models are stored text: cells as Text, never markup
            table.add_row(o.number, Text(clean(o.customer)), Text(", ".join(phones)),
                          Text(f"{tr.t('product_line.' + o.product_line)} {clean(o.model)}"), "", key=o.number)
        numbers = [o.number for o, _ in orders]
        if numbers:  # the cursor stays on the customer being called when the list changes
            table.move_cursor(row=numbers.index(on) if on in numbers else min(keep, len(numbers) - 1), animate=False)
        self.show_script()

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowHighlighted)
    def show_script(self) -> None:
        """The call's script for the order under the cursor, read in a worker (a cursor held
        down asks once more after the last answer, not once per row)."""
        from deskapp.bench.calls import notify_script

        tr = self.app.tr
        number = self.selected()
        if number is None:
            self.query_one(Teleprompter).show(tr.t("bench.notify_prompter"), [tr.t("bench.nobody_to_notify")])
            return
        self.reread("script", notify_script, self.app.station, self.app.actor, number)

    def answered_script(self, s: dict) -> None:
        if s["number"] != self.selected():
            return  # the cursor moved on: its own answer follows
        tr = self.app.tr
        # the phone is in the list (a border title is cut at 80 columns: "黃淑芬 0…")
        self.query_one(Teleprompter).show(f"{tr.t('bench.notify_prompter')} · {clean(s['customer'])}",
                                          [s["phrase"], s["someone_else"]])

    def action_outcome(self, outcome: str) -> None:
        from deskapp.bench.calls import record_notify_attempt

        number = self.selected()
        if number is None:
            return
        station, actor = self.app.station, self.app.actor
        self.ask("outcome", lambda: (number, outcome, record_notify_attempt(station, actor, number, outcome)))

    def answered_outcome(self, answer) -> None:
        number, outcome, reached = answer
        self.report(self.app.tr.t("bench.notify_recorded", number=number,
                                  outcome=self.app.tr.t(f"bench.outcome_{outcome}")))
        if reached:
            self.reload()

    def refused_outcome(self, error) -> None:  # e.g. released meanwhile at the counter: said, list re-read
        self.show_refusal(error)
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()


def notify_list(station) -> list:
    """In the worker: the orders to notify, each with its customer's phones."""
    from deskapp.bench.calls import to_notify
    from deskapp.orders.model import get_order
    from deskapp.records.customers import get_customer

    return [(o, list(get_customer(station, get_order(station, o.number).customer_id).phones))
            for o in to_notify(station)]
