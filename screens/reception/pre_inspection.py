"""Pre-inspection (預檢), one step at a time in the standard's order, with the standard
phrase for each step beside the form. Every step change (and every few seconds of
typing) is saved as a draft: a crash loses nothing and the next start resumes here."""

from __future__ import annotations

import threading
import time

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import (
    DeskHeader,
    FormField,
    Teleprompter,
    clear_field_errors,
    show_field_error,
)
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from deskapp.reception.pre_inspection import PHRASES, PROOFS, STEPS, intake_defaults
from deskapp.rules.text import clean, device_label

TEXT_FIELDS = ("fault_told", "fault_restated", "phone", "name", "company", "dealer_name", "dealer_phone",
               "invoice_no", "serial", "brand", "model", "appearance_notes", "non_standard_parts", "passcode",
               "fault_confirmed")
CHECKBOXES = ("customer_confirmed", "via_dealer", "invoice_copy_kept", "fees_acknowledged", "fault_reproduced",
              "backup_reminder")
# The draft is saved when the typing pauses (a second without a change), and at the latest
# every 10 s of unbroken typing. Saved on a fixed 2 s beat, the save's worker landed in the
# middle of the typing: the keys around it took 15-37 ms to show instead of 6 (bench ui).
AUTOSAVE_S = 0.5  # how often the form looks whether a save is due
AUTOSAVE_PAUSE_S = 1.0
AUTOSAVE_LATEST_S = 10.0


class CheckList(SelectionList):
    """A checkbox list as people expect it: arrows move inside, Space ticks the line the
    cursor is on, Enter or Tab moves on to the next field (the screen's Enter). The cursor
    is on the first line as soon as the list has the focus: no key is lost to placing it."""

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0


class DraftKeeper:
    """The screen's draft as the workers write it: one write at a time, in the order the
    screen asked (a save asked earlier never overwrites one asked later), and nothing after
    the draft is closed (order created, refusal recorded). Only workers call it; the UI
    thread never waits on its lock."""

    def __init__(self, draft_id: int | None, seat=None) -> None:
        self._lock = threading.Lock()
        self.id = draft_id
        self.seat = seat  # this running terminal (drafts.Seat): its drafts are its own
        self._written = 0
        self._last: dict = {}
        self.closed = False

    def save(self, station, actor, seq: int, step: str, data: dict, *, step_done: bool = False) -> int | None:
        from deskapp.reception import drafts
        from deskapp.reception.pre_inspection import step_done as record_step

        with self._lock:
            if self.closed:
                return self.id
            if step_done:  # the step's event is recorded whatever else was saved meanwhile
                self.id = record_step(station, actor, step, data if seq > self._written else self._last, self.id,
                                      seat=self.seat)
            elif seq > self._written:
                self.id = drafts.save(station, actor, step, data, self.id, seat=self.seat)
            if seq > self._written:
                self._written, self._last = seq, data
            return self.id

    def close(self, action):
        """``action(draft_id)`` closes the draft (it creates the order or records the refusal)."""
        with self._lock:
            if self.closed:
                return None
            result = action(self.id)
            self.closed = True
            return result


def advance(keeper: DraftKeeper, station, actor, seq: int, step: str, data: dict):
    """In a worker: check the step, take the warranty decision after the purchase step, and
    record the step done with the draft at the next step. Returns the decision (or None)."""
    from deskapp.orders.creation import Refused
    from deskapp.reception.pre_inspection import check_step, decide

    check_step(station, step, data)
    decision = None
    if step == "purchase":
        decision = decide(station, data)
        if not decision.accepted:
            raise Refused(decision)
    keeper.save(station, actor, seq, STEPS[STEPS.index(step) + 1], data, step_done=True)
    return decision


def finish_intake(keeper: DraftKeeper, station, actor, data: dict):
    """In a worker: every step checked again, the customer and the order created, the draft closed."""
    from deskapp.reception.pre_inspection import check_step, complete

    check_step(station, "confirm", data)
    return keeper.close(lambda draft_id: complete(station, actor, data, draft_id, seat=keeper.seat))


def refuse_intake(keeper: DraftKeeper, station, actor, step: str, data: dict, refused):
    """In a worker: the refusal recorded, the draft closed as refused."""
    from deskapp.reception import drafts
    from deskapp.reception.pre_inspection import record_refusal

    def record(draft_id):
        draft_id = drafts.save(station, actor, step, data, draft_id, seat=keeper.seat)
        record_refusal(station, actor, data, refused, draft_id)

    return keeper.close(record)


def device_for(station, serial: str, invoice_no: str):
    """In a worker: the device the purchase record knows for ``serial`` (or None), with what was asked."""
    from deskapp.reception.pre_inspection import known_device

    return serial, known_device(station, serial, invoice_no)


def finish_and_remember(keeper, station, actor, data: dict, terminal: str):
    """In a worker: the intake finished, then its choices kept as this terminal's defaults."""
    from deskapp.reception.pre_inspection import remember_intake

    order = finish_intake(keeper, station, actor, data)
    if order is not None:
        remember_intake(station, terminal, data)
    return order


def decide_for(station, data: dict):
    """In a worker: the warranty decision for the device described, with what it was asked for."""
    from deskapp.reception.pre_inspection import decide

    return data, decide(station, data)


def exact_phone_match(found, typed: str):
    """The customer among ``found`` whose phone is exactly ``typed`` (separators ignored)."""
    from deskapp.rules import validate
    from deskapp.rules.errors import ValidationError

    try:
        wanted = validate.phone("phone", typed)
    except ValidationError:
        return None
    return next((c for c in found if wanted in c.phones), None)


def customers_by_phone(station, prefix: str):
    """In a worker: the customers found for ``prefix`` (a phone prefix, or a name), and what was asked."""
    from deskapp.reception.pre_inspection import lookup_customers

    return prefix, lookup_customers(station, prefix)


def step_title(tr, step: int) -> str:
    """The screen's title for a step: its number of the six and its name (the step list beside
    the form is hidden on a narrow terminal, so the title carries where the clerk is)."""
    return tr.t("pre.title", n=step + 1, total=len(STEPS), step=tr.t("pre.step_" + STEPS[step]))


class PreInspectionScreen(DeskScreen):
    CSS_PATH = "pre_inspection.tcss"
    # Below 100 columns the step list gives its width to the form (the title says the step).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        # priority: the scrolling step panels would otherwise take Page Up/Down for themselves
        Binding("pagedown", "next_step", "Next step", priority=True),
        Binding("pageup", "previous_step", "Previous step", priority=True),
        Binding("ctrl+r", "refuse", "Refuse", priority=True),
        # Enter moves to the next field. A priority binding runs while the app dispatches keys,
        # so the focus has moved before the next key is read: a barcode scanner or a fast
        # typist sends text and Enter faster than the input could pass a message back.
        Binding("enter", "enter_next", "Next field", show=False, priority=True),
        # Space ticks as the app reads it too: a widget's own Space runs only once the key has
        # bubbled back up to the app, after a Page Down typed right behind it (seen through a
        # pty: the step was checked with the box not yet ticked).
        Binding("space", "tick", "Tick", show=False, priority=True),
        Binding("escape", "leave", "Leave (draft kept)"),
    ]

    def __init__(self, *, queue_code: str = "", draft=None) -> None:
        super().__init__()
        self.step = 0
        self.draft_id = draft.id if draft else None
        self.keeper = DraftKeeper(self.draft_id)
        self._seq = 0  # every draft write asked gets the next number (see DraftKeeper)
        self.restore_from = draft
        self.customer_id = None
        self.decision = None
        self.refused = None
        self.queue_code = queue_code
        self.queue_day = ""  # the day of the queue number: a ticket is one day's
        # What the form holds when its answers were taken, so that a Changed message that
        # arrives later for the same value (restoring, picking) does not undo them.
        self._picked_phone = None  # the phone of the customer picked (or restored)
        self._decided_on = None  # (serial, invoice) the warranty decision was taken on
        self._checklist_line = None  # the product line whose checklists are shown
        self._open_order_ack = ""  # the serial reception confirmed a second open order for
        self._restored_name = None  # the name put back from the draft (not typed: no search)
        self._saved = None
        self.defaults = {}  # this terminal's last choices (proof, product line, accessories per line)
        self._looked_up = None  # the serial whose purchase record was looked up
        self._filled = {}  # what the record (or the defaults) put in a field: replaced, never what was typed
        self._next_after_lookup = False  # Page Down came before the record's answer: go on after it

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        policy = self.app.station.policy
        yield DeskHeader()
        with Horizontal(id="pre"):
            yield Static("", id="steps", markup=False)
            with ContentSwitcher(initial="step-fault", id="form"):
                with VerticalScroll(id="step-fault"):
                    yield FormField(tr.t("pre.fault_told"), "fault_told")
                    yield FormField(tr.t("pre.fault_restated"), "fault_restated")
                    yield Checkbox(tr.t("pre.customer_confirmed"), id="customer_confirmed", compact=True)
                    yield Label("", id="customer_confirmed-error", classes="field-error", markup=False)
                with VerticalScroll(id="step-customer"):
                    yield FormField(tr.t("pre.phone"), "phone", placeholder="0912-345-678")
                    yield OptionList(id="matches", markup=False)  # customers as stored
                    yield Label("", id="customer-picked", markup=False)
                    yield FormField(tr.t("pre.name"), "name")
                    yield FormField(tr.t("pre.company"), "company")
                    yield Checkbox(tr.t("pre.via_dealer"), id="via_dealer", compact=True)
                    yield FormField(tr.t("pre.dealer_name"), "dealer_name")
                    yield FormField(tr.t("pre.dealer_phone"), "dealer_phone")
                    yield Label("", id="dealer-error", classes="field-error", markup=False)
                with VerticalScroll(id="step-purchase"):
                    yield Label(tr.t("pre.proof"), classes="field-label")
                    with RadioSet(id="proof"):
                        for proof in PROOFS:
                            yield RadioButton(tr.t(f"pre.proof_{proof}"), id=f"proof-{proof}")
                    yield Label("", id="proof-error", classes="field-error", markup=False)
                    yield FormField(tr.t("pre.invoice_no"), "invoice_no")
                    yield Checkbox(tr.t("pre.invoice_copy_kept"), id="invoice_copy_kept", compact=True)
                    yield FormField(tr.t("pre.serial"), "serial")
                    yield Label("", id="device-on-record", markup=False)  # the model as the sale names it
                    yield Label(tr.t("pre.product_line"), classes="field-label")
                    yield Select([(tr.t(f"product_line.{p}"), p) for p in policy.product_lines],
                                 prompt=tr.t("pre.pick"), id="product_line", compact=True)
                    yield Label("", id="product_line-error", classes="field-error", markup=False)
                    yield FormField(tr.t("pre.brand"), "brand")
                    yield FormField(tr.t("pre.model"), "model")
                    yield Static("", id="decision", markup=False)
                with VerticalScroll(id="step-fees"):
                    yield Static("", id="fees-text", markup=False)
                    yield Checkbox(tr.t("pre.fees_acknowledged"), id="fees_acknowledged", compact=True)
                    yield Label("", id="fees_acknowledged-error", classes="field-error", markup=False)
                with VerticalScroll(id="step-inspection"):
                    yield Label(tr.t("pre.accessories"), classes="field-label")
                    yield CheckList(id="accessories")
                    yield Label(tr.t("pre.appearance"), classes="field-label")
                    yield CheckList(id="appearance_items")
                    # the two checks every intake makes come before the notes most intakes leave
                    # empty: two Enters from the lists, not four
                    yield Checkbox(tr.t("pre.fault_reproduced"), id="fault_reproduced", compact=True)
                    yield Checkbox(tr.t("pre.backup_reminder"), id="backup_reminder", compact=True)
                    yield Label("", id="backup_reminder-error", classes="field-error", markup=False)
                    yield FormField(tr.t("pre.appearance_notes"), "appearance_notes")
                    yield FormField(tr.t("pre.non_standard_parts"), "non_standard_parts")
                    yield FormField(tr.t("pre.passcode"), "passcode", password=True)
                with VerticalScroll(id="step-confirm"):
                    yield FormField(tr.t("pre.fault_confirmed"), "fault_confirmed")
                    yield Static("", id="summary", markup=False)  # names, models as typed
            yield Teleprompter(id="prompter")
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.keeper.seat = getattr(self.app, "seat", None)
        if self.restore_from is not None:
            self.restore(self.restore_from.data)
            self.step = STEPS.index(self.restore_from.step) if self.restore_from.step in STEPS else 0
            if self.step > STEPS.index("purchase"):  # the warranty decision is taken again (in a worker)
                self.ask("decision", decide_for, self.app.station, self.gather())
        elif self.queue_code:
            self.queue_day = self.app.station.today().isoformat()
        if self.restore_from is None:  # a new intake starts from this terminal's last choices (in a worker)
            self.ask("defaults", intake_defaults, self.app.station, self.app.terminal)
        self._saved = self.gather()  # an untouched form is not worth a draft
        self.show_dealer_fields()
        self.show_step()
        self.set_interval(AUTOSAVE_S, self.autosave)

    # ------------------------------------------------------------------ data in and out of the form

    def gather(self) -> dict:
        data = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        data.update({name: self.query_one(f"#{name}", Checkbox).value for name in CHECKBOXES})
        pressed = self.proof_pressed()
        data["proof"] = pressed.id.removeprefix("proof-") if pressed else ""
        line = self.query_one("#product_line", Select).value
        data["product_line"] = line if isinstance(line, str) else ""
        data["accessories"] = list(self.query_one("#accessories", SelectionList).selected)
        data["appearance_items"] = list(self.query_one("#appearance_items", SelectionList).selected)
        data["customer_id"] = self.customer_id
        data["queue_code"] = self.queue_code
        data["queue_day"] = self.queue_day
        data["open_order_ack"] = self._open_order_ack
        return data

    def proof_pressed(self):
        """The proof's button pressed, read from the buttons: the set learns of a new one a message
        later, and until then two are pressed (the new one is the one the set does not know yet)."""
        radios = self.query_one("#proof", RadioSet)
        pressed = [b for b in radios.query(RadioButton) if b.value]
        newer = [b for b in pressed if b is not radios.pressed_button]
        return (newer or pressed or [None])[0]

    def restore(self, data: dict) -> None:
        # what the draft holds is put back as it was: no lookup, no reset of the customer picked
        with self.prevent(Input.Changed):
            for name in TEXT_FIELDS:
                self.query_one(f"#{name}", Input).value = str(data.get(name) or "")
        for name in CHECKBOXES:
            self.query_one(f"#{name}", Checkbox).value = bool(data.get(name))
        if data.get("proof") in PROOFS:
            self.query_one(f"#proof-{data['proof']}", RadioButton).value = True
        if data.get("product_line") in self.app.station.policy.product_lines:
            self.query_one("#product_line", Select).value = data["product_line"]
        self.customer_id = data.get("customer_id")
        self._open_order_ack = str(data.get("open_order_ack") or "")
        self._restored_name = str(data.get("name") or "")
        if self.customer_id:
            self._picked_phone = str(data.get("phone") or "")
        self._decided_on = (str(data.get("serial") or ""), str(data.get("invoice_no") or ""))
        from deskapp.reception.drafts import queue_code_today

        created_at = getattr(self.restore_from, "created_at", "") if self.restore_from is not None else ""
        self.queue_code = queue_code_today(self.app.station, data, created_at)  # yesterday's number is not today's
        self.queue_day = self.app.station.today().isoformat() if self.queue_code else ""
        self.fill_checklists(data.get("product_line") or "", data.get("accessories", []), data.get("appearance_items", []))

    def answered_defaults(self, defaults: dict) -> None:
        """This terminal's last choices: the proof pressed (if none is yet), the accessories
        ticked last for the product line offered when its list is filled."""
        self.defaults = defaults
        untouched = self.gather() == self._saved
        if defaults.get("proof") in PROOFS and self.proof_pressed() is None:
            self.query_one(f"#proof-{defaults['proof']}", RadioButton).value = True
        if untouched:
            self._saved = self.gather()  # a default is not worth a draft either

    def fill_checklists(self, product_line: str, accessories=None, appearance=()) -> None:
        from deskapp.settings.checklists import accessories_for, appearance_items

        tr = self.app.tr
        if accessories is None:  # a new list: the accessories this terminal ticked last for this line
            accessories = self.defaults.get("accessories", {}).get(product_line, [])
        self._checklist_line = product_line
        acc = self.query_one("#accessories", SelectionList)
        acc.clear_options()
        acc.add_options([(tr.t(f"accessory.{a}"), a, a in accessories) for a in accessories_for(product_line)])
        app_list = self.query_one("#appearance_items", SelectionList)
        if not app_list.option_count or appearance:
            app_list.clear_options()
            app_list.add_options([(tr.t(f"appearance.{a}"), a, a in appearance) for a in appearance_items()])

    # ------------------------------------------------------------------ drafts
    # Every draft write runs in a worker (DraftKeeper orders them); the form is only read
    # (gather) on the UI thread, never written back, so typing goes on and the cursor stays.

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def flow_pending(self) -> bool:
        """A step, the order's creation, a refusal or leaving is on its way to the file."""
        return any(self.asking(r) for r in ("step", "complete", "refuse", "leave"))

    def save_draft(self) -> None:
        """Save the form as it stands now (in a worker), if it changed since the last save."""
        if self.app.actor is None or self.flow_pending():
            return
        data = self.gather()
        if data == self._saved:
            return  # unchanged
        if self.asking("autosave"):
            self._save_again = True  # the last save is still on its way: this one follows its answer
            return
        self._saved = data
        self.ask("autosave", self.keeper.save, self.app.station, self.app.actor, self.next_seq(),
                 STEPS[self.step], data)

    @on(Input.Changed)
    def typing(self) -> None:
        self._typed_at = time.monotonic()

    def autosave(self) -> None:
        """When the typing pauses, or after a long stretch of it: the write goes to a worker,
        the typing goes on."""
        if not self.is_current:
            return
        now = time.monotonic()
        typed_at = getattr(self, "_typed_at", 0.0)
        if now - typed_at < AUTOSAVE_PAUSE_S and now - getattr(self, "_saving_since", typed_at) < AUTOSAVE_LATEST_S:
            return
        self._saving_since = now
        self.save_draft()

    def answered_autosave(self, draft_id) -> None:
        self.draft_id = draft_id
        if getattr(self, "_save_again", False):
            self._save_again = False
            self.save_draft()

    def refused_autosave(self, error) -> None:
        self._saved = None  # not saved: the next tick tries again
        self.say(error.render(self.app.tr), error=True)

    # ------------------------------------------------------------------ steps

    def show_step(self) -> None:
        tr = self.app.tr
        name = STEPS[self.step]
        self.query_one(ContentSwitcher).current = f"step-{name}"
        marks = []
        for i, step in enumerate(STEPS):
            mark = "▶" if i == self.step else ("✓" if i < self.step else " ")
            marks.append(f"{mark} {i + 1}. {tr.t('pre.step_' + step)}")
        steps = self.query_one("#steps", Static)
        steps.update("\n".join(marks))
        self.sub_title = step_title(tr, self.step)
        self.update_prompter()
        if name == "fees":
            self.show_fees()
        elif name == "inspection" and not self.query_one("#accessories", SelectionList).option_count:
            self.fill_checklists(self.gather()["product_line"])
        elif name == "confirm":
            field = self.query_one("#fault_confirmed", Input)
            if not field.value:
                field.value = self.query_one("#fault_restated", Input).value
            self.show_summary()
        first = self.query_one(f"#step-{name}").query("Input, Checkbox, RadioSet, Select, SelectionList").first()
        pressed = self.proof_pressed()
        if isinstance(first, RadioSet) and pressed is not None:  # chosen (or chosen here last time): on past it
            first = self.query_one("#invoice_no" if pressed.id == "proof-invoice" else "#serial")
        first.focus()

    def update_prompter(self) -> None:
        tr = self.app.tr
        name = STEPS[self.step]
        data = self.gather()
        params = {"fault": clean(data.get("fault_confirmed") or data.get("fault_restated") or "…")}
        phrases = [tr.phrase(key, **params) for key in PHRASES[name]]
        if name == "customer" and data.get("via_dealer"):
            phrases.append(tr.phrase("queue.dealer_refusal"))
        if name in ("purchase", "fees") and self.decision is not None:
            phrases += self.decision.explain(tr)[1]
        if self.refused is not None:
            phrases = [p.render(tr) for p in self.refused.decision.phrases]
        self.query_one(Teleprompter).show(tr.t("pre.prompter", step=tr.t("pre.step_" + name)), phrases)

    def show_error(self, field: str, message: str) -> None:
        if not show_field_error(self, field, message):
            target = self.query(f"#{field}-error")
            label = target.first(Label) if target else self.query_one("#dealer-error", Label)
            label.update(clean(message))

    def clear_errors(self) -> None:
        clear_field_errors(self)
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")

    def action_next_step(self) -> None:
        """Page Down is a priority key: it runs as the app reads it, while the keys before it
        (a tick, the last characters typed) may still wait in the focused field's queue. The
        step is taken from that queue, after them, so it sees what they did."""
        focused = self.focused
        if focused is not None and focused is not self:
            focused.call_later(self.next_step)
        else:
            self.next_step()

    def next_step(self) -> None:
        if not self.is_attached or not self.is_current:
            return
        if self.flow_pending():
            return
        data = self.gather()
        name = STEPS[self.step]
        self.clear_errors()
        if name == "confirm":
            self.ask("complete", finish_and_remember, self.keeper, self.app.station, self.app.actor, data,
                     self.app.terminal)
            return
        if name == "purchase" and self.look_up_device(then_next=True):
            return  # the purchase record first: its product line, brand and model are part of the step
        self._step_data = data
        self.ask("step", advance, self.keeper, self.app.station, self.app.actor, self.next_seq(), name, data)

    def answered_step(self, decision) -> None:
        if STEPS[self.step] == "purchase":
            self.decision = decision
            self._decided_on = (self._step_data.get("serial", ""), self._step_data.get("invoice_no", ""))
        self.refused = None
        self._saved = self._step_data
        self.draft_id = self.keeper.id
        self.step += 1
        self.show_step()

    def refused_step(self, error) -> None:
        from deskapp.orders.creation import Refused
        from deskapp.rules.errors import DomainError, ValidationError

        tr = self.app.tr
        if isinstance(error, ValidationError):
            if error.key == "error.serial_has_open_order":  # said once: Page Down again confirms
                self._open_order_ack = self._step_data.get("serial", "")
            self.show_error(error.field, error.render(tr))
            self.focus_field(error.field)
        elif isinstance(error, Refused):
            self.refused = error
            self.show_refused_intake(error)
        elif isinstance(error, DomainError):
            self.show_error("product_line" if STEPS[self.step] == "purchase" else "dealer", error.render(tr))
        else:  # the station file busy for too long, ...: on the status line
            self.show_refusal(error)

    def action_previous_step(self) -> None:
        if self.step > 0 and not self.flow_pending():
            self.clear_errors()
            self.save_draft()  # what was typed here, under this step (in a worker)
            self.step -= 1
            self.refused = None
            self.show_step()

    def focus_field(self, field: str) -> None:
        found = self.query(f"#{field}")
        if found:
            found.first().focus()

    def show_refused_intake(self, refused) -> None:
        tr = self.app.tr
        reasons = [clean(r.render(tr)) for r in refused.decision.reasons]
        target = self.query_one({"purchase": "#decision", "confirm": "#summary"}.get(STEPS[self.step], "#dealer-error"))
        target.update(Content.assemble((tr.t("pre.refused"), "bold"), "\n",
                                       "\n".join(f"- {r}" for r in reasons), f"\n\n{tr.t('pre.refuse_hint')}"))
        target.add_class("refused")
        self.query_one(f"#step-{STEPS[self.step]}").scroll_end(animate=False)  # a small terminal: below the fields
        self.update_prompter()

    def action_refuse(self) -> None:
        if self.refused is None:
            self.notify(self.app.tr.t("pre.nothing_to_refuse"), severity="warning", markup=False)
            return
        if self.flow_pending():
            return
        self.ask("refuse", refuse_intake, self.keeper, self.app.station, self.app.actor, STEPS[self.step],
                 self.gather(), self.refused)

    def answered_refuse(self, _result) -> None:
        self.app.notify(self.app.tr.t("pre.refusal_recorded"), markup=False)
        self.app.pop_screen()

    def show_fees(self) -> None:
        tr = self.app.tr
        if self.decision is None:  # resumed here: the decision is taken again (in a worker)
            self.query_one("#fees-text", Static).update("…")
            self.ask("decision", decide_for, self.app.station, self.gather())
            return
        reasons, phrases = self.decision.explain(tr)
        status = tr.t(f"warranty_status.{self.decision.status}")
        self.query_one("#fees-text", Static).update(Content.assemble(
            (f"{tr.t('pre.warranty')}: {status}", "bold"), *(f"\n- {clean(r)}" for r in reasons)))
        self.update_prompter()

    def answered_decision(self, result) -> None:
        asked, decision = result
        now = self.gather()
        if (asked.get("serial"), asked.get("invoice_no")) != (now["serial"], now["invoice_no"]):
            return  # the evidence changed meanwhile: not this device's decision
        self.decision = decision
        self._decided_on = (now["serial"], now["invoice_no"])
        if STEPS[self.step] == "fees":
            self.show_fees()
        elif STEPS[self.step] == "confirm":
            self.show_summary()

    def show_summary(self) -> None:
        tr = self.app.tr
        d = self.gather()
        lines = [
            f"{tr.t('doc.customer')}: {clean(d['name'])}  {clean(d['phone'])}",
            f"{tr.t('doc.device')}: {device_label(tr, d['product_line'], d['brand'], d['model'])}"
            f"  SN {clean(d['serial'])}",
            f"{tr.t('pre.warranty')}: {tr.t('warranty_status.' + self.decision.status) if self.decision else '-'}",
            f"{tr.t('doc.accessories')}: {', '.join(tr.t('accessory.' + a) for a in d['accessories']) or tr.t('doc.none')}",
        ]
        self.query_one("#summary", Static).update("\n".join(lines))

    def answered_complete(self, order) -> None:
        from deskapp.screens.reception.voucher import VoucherScreen

        self.app.switch_screen(VoucherScreen(order.number))

    def refused_complete(self, error) -> None:
        from deskapp.orders.creation import Refused

        if isinstance(error, Refused):  # nothing was written: the refusal is offered (Ctrl+R)
            self.refused = error
            self.show_refused_intake(error)
            return
        if getattr(error, "key", "") == "error.serial_has_open_order":  # opened meanwhile elsewhere
            self._open_order_ack = self.gather()["serial"]
            self.show_error("fault_confirmed", error.render(self.app.tr))
            return
        self.show_error(getattr(error, "field", "fault_confirmed"), error.render(self.app.tr))

    def action_leave(self) -> None:
        if self.flow_pending():
            return
        data = self.gather()
        if data == self._saved and not self.asking("autosave"):
            self.left()
            return
        self._saved = data
        self.ask("leave", self.keeper.save, self.app.station, self.app.actor, self.next_seq(), STEPS[self.step], data)

    def answered_leave(self, _draft_id) -> None:
        self.left()

    def left(self) -> None:
        self.app.notify(self.app.tr.t("pre.draft_kept"), markup=False)
        self.app.pop_screen()

    # ------------------------------------------------------------------ live behaviour

    @on(Input.Changed, "#phone")
    def phone_typed(self, event: Input.Changed) -> None:
        if self._picked_phone is not None and event.value == self._picked_phone:
            return  # the phone just put there (picked or restored), arriving late: the link stays
        self._picked_phone = None
        self.customer_id = None
        picked = self.query_one("#customer-picked", Label)
        if str(picked.render()):  # emptied once; a Label's update lays the whole form out again
            picked.update("")
        self.search_customers(event.value)

    def search_customers(self, prefix: str) -> None:
        if not self.asking("customers"):  # else the answer asks again for what is typed by then
            self.ask("customers", customers_by_phone, self.app.station, prefix)

    def answered_customers(self, result) -> None:
        prefix, found = result
        typed = self.query_one("#phone", Input).value
        if typed != prefix:  # typed on meanwhile: these are for a phone no longer in the field
            self.search_customers(typed)
            return
        exact = exact_phone_match(found, typed)
        if exact is not None and self.customer_id is None:
            # The full phone of a customer on file: the order goes to them (never a second
            # customer with the same phone), and the form says so.
            self._picked_phone = typed
            self.customer_id = exact.id
            self.query_one("#name", Input).value = exact.name
            self.query_one("#company", Input).value = exact.company
            self.query_one("#customer-picked", Label).update(
                self.app.tr.t("pre.customer_found", name=clean(exact.name)))
        self.show_matches(found)

    @on(Input.Changed, "#name")
    def name_typed(self, event: Input.Changed) -> None:
        """A customer is found by name too (two characters are enough), while none is picked."""
        if event.value == self._restored_name:
            return  # put back from the draft, arriving late: nothing was typed
        self._restored_name = None
        if self.customer_id is None and len(event.value.strip()) >= 2:
            self.search_names(event.value)

    def search_names(self, text: str) -> None:
        if not self.asking("names"):
            self.ask("names", customers_by_phone, self.app.station, text)

    def answered_names(self, result) -> None:
        text, found = result
        typed = self.query_one("#name", Input).value
        if self.customer_id is not None:
            return  # picked (or found by phone) meanwhile
        if typed != text:
            if len(typed.strip()) >= 2:
                self.search_names(typed)
            return
        self.show_matches(found)

    def show_matches(self, found) -> None:
        matches = self.query_one("#matches", OptionList)
        shown = [(c.id, c.name, tuple(c.phones), c.company) for c in found]
        if shown == getattr(self, "_shown_matches", None):
            return  # the same customers as the digit before: nothing to redraw under the typing
        self._shown_matches = shown
        matches.clear_options()
        self._matches = {str(c.id): c for c in found}
        matches.add_options([Option(f"{clean(c.name)}  {', '.join(c.phones)}  {clean(c.company)}", id=str(c.id)) for c in found])
        matches.display = bool(found)

    @on(OptionList.OptionSelected, "#matches")
    def customer_picked(self, event: OptionList.OptionSelected) -> None:
        customer = self._matches[event.option.id]
        self._picked_phone = customer.phones[0]
        with self.prevent(Input.Changed):
            self.query_one("#phone", Input).value = customer.phones[0]
        self.query_one("#name", Input).value = customer.name
        self.query_one("#company", Input).value = customer.company
        self.customer_id = customer.id
        self.query_one("#customer-picked", Label).update(self.app.tr.t("pre.customer_found", name=clean(customer.name)))
        self.query_one("#matches", OptionList).display = False

    @on(Select.Changed, "#product_line")
    def product_line_changed(self, event: Select.Changed) -> None:
        if event.value == self._checklist_line:
            return  # the line restored, arriving late: the ticks and the decision stay
        self.decision = None
        if isinstance(event.value, str):
            self.fill_checklists(event.value)

    @on(Input.Changed, "#serial")
    @on(Input.Changed, "#invoice_no")
    def evidence_changed(self) -> None:
        if self._decided_on == (self.query_one("#serial", Input).value, self.query_one("#invoice_no", Input).value):
            return  # the evidence the decision was taken on, arriving late (restored): it stands
        self.decision = None
        self.refused = None
        self.query_one("#decision", Static).update("")

    # ---- the device of a serial on record

    def look_up_device(self, then_next: bool = False) -> bool:
        """Ask for the purchase record of the serial typed, unless it was looked up already.
        True if an answer is awaited (``then_next``: the step goes on once it came)."""
        serial = self.query_one("#serial", Input).value
        if not serial.strip() or (serial == self._looked_up and not self.asking("device")):
            return False
        self._next_after_lookup = self._next_after_lookup or then_next
        self.ask("device", device_for, self.app.station, serial, self.query_one("#invoice_no", Input).value)
        return True

    @on(Input.Blurred, "#serial")
    def serial_left(self) -> None:
        self.look_up_device()

    def answered_device(self, result) -> None:
        asked, found = result
        if asked != self.query_one("#serial", Input).value:  # typed on meanwhile: this one's record
            self._looked_up = None
            self.look_up_device()
            return
        self._looked_up = asked
        self.fill_device(found)
        if self._next_after_lookup:
            self._next_after_lookup = False
            if STEPS[self.step] == "purchase":
                self.next_step()

    def refused_device(self, error) -> None:
        self._looked_up = None
        self._next_after_lookup = False
        self.show_refusal(error)

    def fill_device(self, found: dict | None) -> None:
        """The record's product line, brand and model in their fields (a value typed or picked
        by hand stays); no record: the product line this terminal took in last, if none is picked."""
        tr = self.app.tr
        select = self.query_one("#product_line", Select)
        line = select.value if isinstance(select.value, str) else ""
        note = self.query_one("#device-on-record", Label)
        if found is None:
            note.update("")
            wanted = {"product_line": self.defaults.get("product_line", "")}
        else:
            wanted = {k: found[k] for k in ("product_line", "brand", "model")}
            note.update(tr.t("pre.device_on_record", device=clean(device_label(
                tr, found["product_line"], found["brand"], found["model"]))))
        if wanted["product_line"] and (not line or line == self._filled.get("product_line")):
            select.value = wanted["product_line"]
            self._filled["product_line"] = wanted["product_line"]
        for name in ("brand", "model"):
            field = self.query_one(f"#{name}", Input)
            if name in wanted and wanted[name] and (not field.value or field.value == self._filled.get(name)):
                field.value = wanted[name]
                self._filled[name] = wanted[name]
        if found is not None and self.focused is select:  # the choice is made: on past it
            empty = [n for n in ("brand", "model") if not self.query_one(f"#{n}", Input).value]
            self.query_one(f"#{empty[0] if empty else 'model'}", Input).focus()

    @on(Input.Changed, "#fault_restated")
    @on(Input.Changed, "#fault_confirmed")
    def restatement_typed(self) -> None:
        self.update_prompter()  # the restate phrase reads back what was just typed

    @on(Checkbox.Changed, "#via_dealer")
    def dealer_toggled(self) -> None:
        self.show_dealer_fields()
        self.update_prompter()

    def show_dealer_fields(self) -> None:
        """The dealer's name and phone only when a dealer brings the device."""
        shown = self.query_one("#via_dealer", Checkbox).value
        for field in ("#field-dealer_name", "#field-dealer_phone"):
            self.query_one(field).display = shown

    def action_tick(self) -> None:
        from textual.actions import SkipAction

        focused = self.focused
        if isinstance(focused, Checkbox):
            focused.toggle()
        elif isinstance(focused, SelectionList):
            if focused.highlighted is None and focused.option_count:
                focused.highlighted = 0
            if focused.highlighted is not None:
                focused.toggle(focused.get_option_at_index(focused.highlighted).value)
        elif isinstance(focused, RadioSet):
            focused.action_toggle_button()
        else:
            raise SkipAction()  # a space typed into a field

    def action_enter_next(self) -> None:
        from textual.actions import SkipAction

        focused = self.focused
        if isinstance(focused, (Checkbox, SelectionList)):  # Space ticks; Enter moves on, as Tab does
            self.focus_next()
            return
        if isinstance(focused, RadioSet):  # Enter takes the choice the cursor is on, and moves on
            index = focused._selected
            buttons = list(focused.query(RadioButton))
            if index is not None and index < len(buttons) and not buttons[index].value:
                focused.action_toggle_button()
            self.focus_next()
            return
        if not isinstance(focused, Input):
            raise SkipAction()  # buttons, dropdowns and the customers found keep their own Enter
        matches = self.query_one("#matches", OptionList)
        if focused.id in ("phone", "name") and matches.option_count and matches.display and self.customer_id is None:
            matches.highlighted = 0
            matches.focus()  # Enter on the phone goes to the customers found
        else:
            self.focus_next()


class ResumeDraftScreen(DeskScreen, ModalScreen):
    """Offered after sign-in (and on starting a pre-inspection) when this terminal has
    pre-inspections left open: every one of them, newest first, to resume or discard. None
    that another running terminal is typing is among them (see ``drafts.resumable``)."""

    DEFAULT_CSS = """
    ResumeDraftScreen { align: center middle; }
    #resume { width: 64; max-width: 100%; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    #resume Label { width: 100%; text-wrap: wrap; }
    #resume #drafts { height: auto; max-height: 8; margin-top: 1; }
    #resume Horizontal { height: auto; margin-top: 1; }
    #resume Button { margin-right: 2; }
    #resume #status { height: auto; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Later")]

    def __init__(self, drafts) -> None:
        super().__init__()
        self.drafts = list(drafts) if isinstance(drafts, (list, tuple)) else [drafts]
        self.draft = self.drafts[0]

    def describe(self, draft) -> str:
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        d = draft.data
        return tr.t("pre.resume_detail", time=local_time(self.app.station, draft.updated_at),
                    step=tr.t("pre.step_" + draft.step) if draft.step in STEPS else draft.step,
                    who=clean(d.get("name") or d.get("phone") or "-"))

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(id="resume"):
            yield Label(tr.t("pre.resume_title"), markup=False)
            yield Label(self.describe(self.draft), id="resume-detail", markup=False)
            if len(self.drafts) > 1:  # several left open here: which one
                yield OptionList(*[Option(Content(self.describe(d)), id=str(d.id)) for d in self.drafts],
                                 id="drafts", markup=False)
            with Horizontal():
                yield Button(tr.t("pre.resume"), variant="primary", id="resume-yes")
                yield Button(tr.t("pre.discard"), variant="error", id="resume-discard")
            yield Static("", id="status", markup=False)

    @on(OptionList.OptionHighlighted, "#drafts")
    def draft_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.draft = next(d for d in self.drafts if str(d.id) == event.option.id)
        self.query_one("#resume-detail", Label).update(self.describe(self.draft))

    @on(OptionList.OptionSelected, "#drafts")
    @on(Button.Pressed, "#resume-yes")
    def resume(self) -> None:
        from deskapp.reception import drafts

        self.ask("claim", drafts.claim, self.app.station, self.app.seat, self.draft.id)

    def answered_claim(self, draft) -> None:
        self.app.pop_screen()
        self.app.push_screen(PreInspectionScreen(draft=draft))

    @on(Button.Pressed, "#resume-discard")
    def discard(self) -> None:
        from deskapp.reception import drafts

        self.ask("discard", drafts.discard, self.app.station, self.app.seat, self.draft.id)

    def answered_discard(self, _result) -> None:
        self.app.pop_screen()
