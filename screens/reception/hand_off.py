"""Hand-off: tell the customer when (inspection in about 20 minutes, completion per
product line) and how to check progress; assign the inspection engineer by the
station's rule, or another one with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, FormField, Teleprompter
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, Label, Select, Static

from deskapp.rules.text import clean


@dataclass(frozen=True)
class HandOffView:
    order: object
    product_line: str
    suggestion: object


def hand_off_view(station, number: str) -> HandOffView:
    """In a worker: the order, its product line, and the rule's engineer with every
    engineer's open orders (a count over the open orders)."""
    from deskapp.orders.model import get_order
    from deskapp.reception.hand_off import suggest_engineer
    from deskapp.records.devices import get_device

    order = get_order(station, number)
    product_line = get_device(station, order.device_id).product_line
    return HandOffView(order, product_line, suggest_engineer(station, product_line))


class HandOffScreen(DeskScreen):
    CSS_PATH = "hand_off.tcss"
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm hand-off"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.view = None

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Horizontal(id="hand-off"):
            with Vertical(id="hand-off-form"):
                yield Static("", id="promise")
                yield Static("", id="rule", markup=False)  # names the engineer: stored text
                yield Label(tr.t("handoff.engineer"), classes="field-label", id="engineer-label")
                yield FormField(tr.t("handoff.override_reason"), "override_reason")
                yield Static("", id="status", markup=False)
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.number
        self.ask("view", hand_off_view, self.app.station, self.number)

    def answered_view(self, view: HandOffView) -> None:
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        station = self.app.station
        self.view = order = view.order
        suggestion = view.suggestion
        self.suggestion = suggestion
        from deskapp.reception.hand_off import inspection_due

        inspection = local_time(station, inspection_due(station, order.inspection_due_at))  # never a time past
        completion = local_time(station, order.promised_at)
        minutes = station.policy.inspection_estimate_minutes
        self.query_one("#promise", Static).update(Content.assemble(
            (tr.t("handoff.order", number=order.number), "bold"), "\n",
            "\n".join([
                tr.t("handoff.inspection_due", time=inspection, minutes=minutes),
                tr.t("handoff.completion_due", time=completion),
                tr.t("handoff.progress", number=order.number, phone=clean(station.config.contact.get("phone", ""))),
            ])))
        self.query_one("#rule", Static).update(
            tr.t("handoff.suggested") + " " + clean(suggestion.reason(tr, view.product_line)))
        # engineers' names are stored text: each option is Content, shown as it is
        options = [(Content(f"{clean(name)} ({tr.t('handoff.open_count', count=count)})"), staff_id)
                   for name, staff_id, count in suggestion.load]
        select = Select(options, id="engineer", allow_blank=False, value=suggestion.staff_id)
        self.query_one("#hand-off-form").mount(select, after="#engineer-label")
        self.query_one(Teleprompter).show(tr.t("handoff.prompter"), [
            tr.phrase("hand_off.inspection_time", minutes=minutes),
            tr.phrase("hand_off.drop_off_promise", time=completion),
        ])
        self.query_one("#field-override_reason").set_class(True, "-muted")
        select.focus()

    @on(Select.Changed, "#engineer")
    def engineer_changed(self, event: Select.Changed) -> None:
        differs = event.value != self.suggestion.staff_id
        self.query_one("#field-override_reason").set_class(not differs, "-muted")

    def action_confirm(self) -> None:
        from deskapp.reception.hand_off import hand_off

        if self.view is None:  # the order is still being read
            return
        self.query_one("#field-override_reason", FormField).clear_error()
        self.ask("confirm", hand_off, self.app.station, self.app.actor, self.number,
                 self.query_one("#engineer", Select).value, self.query_one("#override_reason", Input).value)

    def answered_confirm(self, result) -> None:
        order, _ = result
        self.app.notify(self.app.tr.t("handoff.done", number=order.number), markup=False)
        self.app.go_home()

    def refused_confirm(self, error) -> None:
        from deskapp.rules.errors import ValidationError

        self.query_one("#field-override_reason", FormField).set_error(error.render(self.app.tr))
        if isinstance(error, ValidationError):
            self.query_one("#override_reason", Input).focus()

    def action_back(self) -> None:
        self.app.go_home()
