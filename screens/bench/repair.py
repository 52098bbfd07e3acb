"""Repair record: work done, parts used (old parts returned to the customer, or why not),
time spent, a loaner issued and returned (contract level 2), then ready for pickup.

The record accumulates: what is already recorded is shown above the form, and each save adds
an entry (the form then empties). A cause found during the repair (F5) is recorded as a
diagnosis; if it makes the order chargeable the repair stops, and this screen says what next."""

from __future__ import annotations

from deskapp.screens.bench.order_step import OrderScreen
from deskapp.screens.widgets import DeskInput, FormField, Teleprompter, clear_field_errors
from deskapp.rules.validate import text_limit
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Select, Static

from deskapp.rules.text import clean

PARTS = 3

# The keys of this screen that only apply in some states: the footer (80 columns wide) shows
# them in those states only (the palette lists what the footer shows).
STEP_KEYS = {
    "ready": ("in_repair",),
    "part_arrived": ("waiting_parts",),
    "start_repair": ("approved",),
    "quote": ("diagnosing", "awaiting_approval"),
}


class RepairScreen(OrderScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Record repair", priority=True),
        Binding("ctrl+e", "ready", "Ready for pickup", priority=True),
        Binding("ctrl+l", "loaner", "Loaner out/back", priority=True),
        Binding("ctrl+t", "part_arrived", "Part arrived", priority=True),
        Binding("f5", "diagnose", "Cause found"),
        Binding("f6", "start_repair", "Start repair"),
        Binding("f7", "quote", "Quote"),
    ]

    def form(self) -> ComposeResult:
        tr = self.app.tr
        yield Static("", id="next-step", markup=False)
        yield Label(tr.t("bench.recorded_so_far"), classes="field-label")
        with VerticalScroll(id="recorded-box"):
            yield Static("", id="recorded", markup=False)
        yield Label(tr.t("bench.new_entry"), classes="field-label")
        yield FormField(tr.t("bench.work_done"), "work")
        yield Label(tr.t("bench.parts_used"), classes="field-label")
        for i in range(1, PARTS + 1):
            with Horizontal(classes="quote-line"):
                yield DeskInput(placeholder=tr.t("bench.part"), id=f"part{i}", compact=True, max_length=text_limit("part"))
                yield Input(placeholder=tr.t("bench.qty"), id=f"pqty{i}", compact=True, classes="num")
                yield Checkbox(tr.t("bench.old_returned"), value=True, id=f"returned{i}", compact=True)
                yield DeskInput(placeholder=tr.t("bench.why_not_returned"), id=f"part{i}_reason", compact=True,
                                max_length=text_limit("sticker_reason"))
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
        """Saved: the entry joins the record shown above, and the form empties for the next one."""
        for i in range(1, PARTS + 1):
            for field in (f"#part{i}", f"#pqty{i}", f"#part{i}_reason"):
                self.query_one(field, Input).value = ""
            self.query_one(f"#returned{i}", Checkbox).value = True
        self.query_one("#work", Input).value = ""
        self.query_one("#minutes", Input).value = ""
        self.report(self.app.tr.t("bench.repair_recorded"))
        self.show_summary()

    def answered_summary(self, d: dict) -> None:
        """The order at a glance, then what the repair record already holds, and what comes next
        when the order is not (or no longer) in repair."""
        super().answered_summary(d)
        tr = self.app.tr
        repair = d["repair"]
        lines = [clean(line) for line in repair["record"].splitlines() if line.strip()]
        for p in repair["parts"]:
            values = {"part": clean(p["part"]), "quantity": p["quantity"], "reason": clean(p["old_part_reason"])}
            lines.append(tr.t("bench.recorded_part" if p["old_part_returned"] else "bench.recorded_part_kept",
                              **values))
        if repair["minutes"]:
            lines.append(tr.t("bench.recorded_minutes", minutes=repair["minutes"]))
        self.query_one("#recorded", Static).update(Content("\n".join(lines) if lines else tr.t("bench.recorded_nothing")))
        box = self.query_one("#recorded-box", VerticalScroll)
        self.call_after_refresh(box.scroll_end, animate=False)  # the latest entry in view, once laid out
        if getattr(self, "_state", None) != d["state"]:
            self._state = d["state"]
            self.show_step_keys(d["state"])
        hint = next_step(tr, d)
        self.query_one("#next-step", Static).update(Content(hint))
        self.query_one("#next-step", Static).display = bool(hint)

    def show_step_keys(self, state: str) -> None:
        """The footer shows the keys of the order's step (80 columns hold no more); a key of
        another step still answers, saying why it cannot be done now."""
        from dataclasses import replace

        keys = self._bindings.key_to_bindings
        for key, bindings in keys.items():
            keys[key] = [replace(b, show=state in STEP_KEYS[b.action]) if b.action in STEP_KEYS else b
                         for b in bindings]
        self.refresh_bindings()

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

    def action_diagnose(self) -> None:
        """A cause found during the repair: recorded as a diagnosis (back here afterwards)."""
        from deskapp.screens.bench.diagnosis import DiagnosisScreen

        self.app.push_screen(DiagnosisScreen(self.number))

    def on_screen_resume(self) -> None:  # back from the diagnosis: the order may have changed
        self.show_summary()

    def action_quote(self) -> None:
        from deskapp.screens.bench.quote import QuoteScreen

        self.app.switch_screen(QuoteScreen(self.number))

    def answered_start_repair(self, _order) -> None:  # already here: only the summary changes
        self.report("")
        self.show_summary()

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


def next_step(tr, d: dict) -> str:
    """What to do next with an order shown on the repair screen ("" while it is in repair)."""
    from deskapp.bench.work_list import sign_off_failure

    state = d["state"]
    if state == "in_repair" and sign_off_failure(d["events"]) is not None:
        return tr.t("bench.sent_back_hint")
    if state in ("in_repair", "waiting_parts"):
        return ""
    if state == "diagnosing" and d["warranty"]["chargeable"]:
        return tr.t("bench.repair_stopped")
    if state == "awaiting_approval":
        return tr.t("bench.waiting_for_answer")
    if state == "approved":
        return tr.t("bench.repair_can_go_on")
    return tr.t("bench.not_at_repair", number=d["number"], state=tr.t(f"state.{state}"))


def record_with_warranty(station, actor, number: str, work: str, parts: list, minutes: int, months,
                         consent: bool):
    """In the worker: one more repair entry and the repair warranty on the original fault agreed
    with the customer (policy default unless chosen), as one transaction."""
    from deskapp.bench.repair import record_repair, set_repair_warranty

    with station.store.write():
        record_repair(station, actor, number, work, parts, minutes)
        return set_repair_warranty(station, actor, number, months, consent_recorded=consent)


def loaner_out_or_back(station, actor, number: str, device: str) -> str | None:
    """In the worker: the loaner out now comes back (its device returned), else one goes out (None)."""
    from deskapp.bench.loaners import issue_loaner, loaners_of, return_loaner
    from deskapp.orders.model import get_order

    with station.store.write():  # out or not, read under the lock the issue or return takes
        out = [l for l in loaners_of(station, get_order(station, number).id) if not l["returned_at"]]
        if out:
            return_loaner(station, actor, number)
            return out[0]["device"]
        issue_loaner(station, actor, number, device)
        return None
