"""Repair record: work done, parts used (old parts returned to the customer, or why not),
time spent, a loaner issued and returned (contract level 2), then ready for pickup."""

from __future__ import annotations

from deskapp.screens.bench.order_step import OrderScreen
from deskapp.screens.widgets import FormField, Teleprompter, clear_field_errors
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
        yield Label("", id="parts-error", classes="field-error", markup=False)
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
        self.query_one("#work", Input).focus(scroll_visible=False)

    def action_save(self) -> None:
        from deskapp.bench.repair import PartUsed

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
        clear_field_errors(self)
        self.ask("repair", record_with_warranty, self.app.station, self.app.actor, self.number,
                 self.query_one("#work", Input).value, parts, int(minutes) if minutes.isdigit() else -1,
                 self.query_one("#warranty_months", Select).value,
                 self.query_one("#no_warranty_consent", Checkbox).value)

    def answered_repair(self, _order) -> None:
        self.report(self.app.tr.t("bench.repair_recorded"))

    def refused_repair(self, error) -> None:
        from deskapp.rules.errors import ValidationError

        text = error.render(self.app.tr)
        if isinstance(error, ValidationError) and error.field in ("repair_record", "minutes"):
            self.query_one("#field-work" if error.field == "repair_record" else "#field-minutes",
                           FormField).set_error(text)
        elif isinstance(error, ValidationError) and error.field.startswith("part"):
            self.query_one("#parts-error", Label).update(clean(text))
        else:
            self.show_refusal(error)

    def action_ready(self) -> None:
        self.move("mark_ready")

    def answered_mark_ready(self, _order) -> None:
        self.app.notify(self.app.tr.t("bench.ready", number=self.number), markup=False)
        self.app.pop_screen()

    def action_part_arrived(self) -> None:
        self.move("part_arrived")

    def answered_part_arrived(self, _order) -> None:
        self.report("")
        self.show_summary()

    def action_loaner(self) -> None:
        self.ask("loaner", loaner_out_or_back, self.app.station, self.app.actor, self.number,
                 self.query_one("#loaner_device", Input).value)

    def answered_loaner(self, back: str | None) -> None:
        tr = self.app.tr
        self.report(tr.t("bench.loaner_back", device=clean(back)) if back is not None else tr.t("bench.loaner_out"))


def record_with_warranty(station, actor, number: str, work: str, parts: list, minutes: int, months,
                         consent: bool):
    """In the worker: the repair record, then the repair warranty on the original fault agreed
    with the customer (policy default unless chosen)."""
    from deskapp.bench.repair import record_repair, set_repair_warranty

    record_repair(station, actor, number, work, parts, minutes)
    return set_repair_warranty(station, actor, number, months, consent_recorded=consent)


def loaner_out_or_back(station, actor, number: str, device: str) -> str | None:
    """In the worker: the loaner out now comes back (its device returned), else one goes out (None)."""
    from deskapp.bench.loaners import issue_loaner, loaners_of, return_loaner
    from deskapp.orders.model import get_order

    out = [l for l in loaners_of(station, get_order(station, number).id) if not l["returned_at"]]
    if out:
        return_loaner(station, actor, number)
        return out[0]["device"]
    issue_loaner(station, actor, number, device)
    return None
