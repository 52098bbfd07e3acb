"""Repair record: work done, parts used (old parts returned to the customer, or why not),
time spent, a loaner issued and returned (contract level 2), then ready for pickup."""

from __future__ import annotations

from deskapp.screens.bench.order_step import OrderScreen
from deskapp.screens.widgets import FormField, Teleprompter
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label, Select

from deskapp.rules.text import clean

PARTS = 3


class RepairScreen(OrderScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Record repair", priority=True),
        Binding("ctrl+e", "ready", "Ready for pickup", priority=True),
        Binding("ctrl+l", "loaner", "Loaner out/back", priority=True),
        Binding("ctrl+t", "part_arrived", "Part arrived", priority=True),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield FormField(tr.t("bench.work_done"), "work")
        yield Label(tr.t("bench.parts_used"), classes="field-label")
        for i in range(1, PARTS + 1):
            with Horizontal(classes="quote-line"):
                yield Input(placeholder=tr.t("bench.part"), id=f"part{i}", compact=True)
                yield Input(placeholder=tr.t("bench.qty"), id=f"pqty{i}", compact=True, classes="num")
                yield Checkbox(tr.t("bench.old_returned"), value=True, id=f"returned{i}", compact=True)
                yield Input(placeholder=tr.t("bench.why_not_returned"), id=f"part{i}_reason", compact=True)
        yield Label("", id="parts-error", classes="field-error")
        yield FormField(tr.t("bench.minutes"), "minutes")
        policy = self.app.station.policy
        yield Label(tr.t("bench.repair_warranty_label"), classes="field-label")
        yield Select([(tr.t("bench.warranty_months_option", months=m), m) for m in policy.repair_warranty_allowed]
                     + [(tr.t("bench.no_warranty_option"), 0)], id="warranty_months", compact=True,
                     allow_blank=False, value=policy.repair_warranty_default)
        yield Checkbox(tr.t("bench.no_warranty_consent"), id="no_warranty_consent", compact=True)
        yield FormField(tr.t("bench.loaner_device"), "loaner_device")

    def on_mount(self) -> None:
        from deskapp.orders.model import get_order

        tr = self.app.tr
        months = get_order(self.app.station, self.number).repair_warranty_months
        if months is not None:  # agreed earlier: shown as agreed
            self.query_one("#warranty_months", Select).value = months
        self.query_one(Teleprompter).show(tr.t("bench.prompter"), [tr.phrase("bench.reassure")])
        self.query_one("#work", Input).focus()

    def action_save(self) -> None:
        from deskapp.bench.repair import PartUsed, record_repair
        from deskapp.rules.errors import DeskError, ValidationError

        tr = self.app.tr
        parts = []
        for i in range(1, PARTS + 1):
            name = self.query_one(f"#part{i}", Input).value.strip()
            if name:
                qty = self.query_one(f"#pqty{i}", Input).value.strip() or "1"
                parts.append(PartUsed(name, int(qty) if qty.isdigit() else -1,
                                      self.query_one(f"#returned{i}", Checkbox).value,
                                      self.query_one(f"#part{i}_reason", Input).value))
        minutes = self.query_one("#minutes", Input).value.strip() or "0"
        self.query_one("#parts-error", Label).update("")
        for f in self.query(FormField):
            f.clear_error()
        try:
            record_repair(self.app.station, self.app.actor, self.number, self.query_one("#work", Input).value,
                          parts, int(minutes) if minutes.isdigit() else -1)
        except ValidationError as exc:
            if exc.field in ("repair_record", "minutes"):
                self.query_one("#field-work" if exc.field == "repair_record" else "#field-minutes",
                               FormField).set_error(exc.render(tr))
            else:
                self.query_one("#parts-error", Label).update(clean(exc.render(tr)))
            return
        except DeskError as exc:
            self.report(exc.render(tr), error=True)
            return
        from deskapp.bench.repair import set_repair_warranty

        months = self.query_one("#warranty_months", Select).value
        try:  # the repair warranty on the original fault, agreed with the customer
            set_repair_warranty(self.app.station, self.app.actor, self.number, months,
                                consent_recorded=self.query_one("#no_warranty_consent", Checkbox).value)
        except DeskError as exc:
            self.report(exc.render(tr), error=True)
            return
        self.report(tr.t("bench.repair_recorded"))

    def action_ready(self) -> None:
        if self.move("mark_ready"):
            self.app.notify(self.app.tr.t("bench.ready", number=self.number))
            self.app.pop_screen()

    def action_part_arrived(self) -> None:
        if self.move("part_arrived"):
            self.show_summary()

    def action_loaner(self) -> None:
        from deskapp.bench.loaners import issue_loaner, loaners_of, return_loaner
        from deskapp.orders.model import get_order
        from deskapp.rules.errors import DeskError

        tr = self.app.tr
        order = get_order(self.app.station, self.number)
        out = [l for l in loaners_of(self.app.station, order.id) if not l["returned_at"]]
        try:
            if out:
                return_loaner(self.app.station, self.app.actor, self.number)
                self.report(tr.t("bench.loaner_back", device=clean(out[0]["device"])))
            else:
                issue_loaner(self.app.station, self.app.actor, self.number, self.query_one("#loaner_device", Input).value)
                self.report(tr.t("bench.loaner_out"))
        except DeskError as exc:
            self.report(exc.render(tr), error=True)
