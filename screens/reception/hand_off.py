"""Hand-off: tell the customer when (inspection in about 20 minutes, completion per
product line) and how to check progress; assign the inspection engineer by the
station's rule, or another one with a reason."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, FormField, Teleprompter
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Select, Static

from deskapp.rules.text import clean


class HandOffScreen(DeskScreen):
    CSS_PATH = "hand_off.tcss"
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm hand-off"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        from deskapp.orders.model import get_order
        from deskapp.reception.hand_off import suggest_engineer
        from deskapp.records.devices import get_device

        tr = self.app.tr
        station = self.app.station
        self.order = get_order(station, self.number)
        self.product_line = get_device(station, self.order.device_id).product_line
        self.suggestion = suggest_engineer(station, self.product_line)
        options = [(f"{clean(name)} ({tr.t('handoff.open_count', count=count)})", staff_id)
                   for name, staff_id, count in self.suggestion.load]
        yield DeskHeader()
        with Horizontal(id="hand-off"):
            with Vertical(id="hand-off-form"):
                yield Static("", id="promise")
                yield Static("", id="rule")
                yield Label(tr.t("handoff.engineer"), classes="field-label")
                yield Select(options, id="engineer", allow_blank=False, value=self.suggestion.staff_id)
                yield FormField(tr.t("handoff.override_reason"), "override_reason")
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        station = self.app.station
        order = self.order
        inspection = local_time(station, order.inspection_due_at)
        completion = local_time(station, order.promised_at)
        minutes = station.policy.inspection_estimate_minutes
        self.query_one("#promise", Static).update("\n".join([
            f"[b]{tr.t('handoff.order', number=order.number)}[/b]",
            tr.t("handoff.inspection_due", time=inspection, minutes=minutes),
            tr.t("handoff.completion_due", time=completion),
            tr.t("handoff.progress", number=order.number, phone=clean(station.config.contact.get("phone", ""))),
        ]))
        self.query_one("#rule", Static).update(tr.t("handoff.suggested") + " " + self.suggestion.reason(tr, self.product_line))
        select = self.query_one("#engineer", Select)
        self.query_one(Teleprompter).show(tr.t("handoff.prompter"), [
            tr.phrase("hand_off.inspection_time", minutes=minutes),
            tr.phrase("hand_off.drop_off_promise", time=completion),
        ])
        self.sub_title = order.number
        select.focus()

    @on(Select.Changed, "#engineer")
    def engineer_changed(self, event: Select.Changed) -> None:
        differs = event.value != self.suggestion.staff_id
        self.query_one("#field-override_reason").set_class(not differs, "-muted")

    def action_confirm(self) -> None:
        from deskapp.reception.hand_off import hand_off
        from deskapp.rules.errors import DeskError, ValidationError

        tr = self.app.tr
        field = self.query_one("#field-override_reason", FormField)
        field.clear_error()
        try:
            order, _ = hand_off(self.app.station, self.app.actor, self.number,
                                self.query_one("#engineer", Select).value,
                                self.query_one("#override_reason", Input).value)
        except ValidationError as exc:
            field.set_error(exc.render(tr))
            self.query_one("#override_reason", Input).focus()
            return
        except DeskError as exc:
            field.set_error(exc.render(tr))
            return
        self.app.notify(tr.t("handoff.done", number=order.number))
        self.app.go_home()

    def action_back(self) -> None:
        self.app.go_home()
