"""Pre-inspection (預檢), one step at a time in the standard's order, with the standard
phrase for each step beside the form. Every step change (and every few seconds of
typing) is saved as a draft: a crash loses nothing and the next start resumes here."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import (
    DeskHeader,
    FormField,
    Teleprompter,
    clear_field_errors,
    show_field_error,
)
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
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

from deskapp.reception.pre_inspection import PHRASES, PROOFS, STEPS
from deskapp.rules.text import clean

TEXT_FIELDS = ("fault_told", "fault_restated", "phone", "name", "company", "dealer_name", "dealer_phone",
               "invoice_no", "serial", "brand", "model", "appearance_notes", "non_standard_parts", "passcode",
               "fault_confirmed")
CHECKBOXES = ("customer_confirmed", "via_dealer", "invoice_copy_kept", "fees_acknowledged", "fault_reproduced",
              "backup_reminder")
AUTOSAVE_S = 2.0


class PreInspectionScreen(DeskScreen):
    CSS_PATH = "pre_inspection.tcss"
    BINDINGS = [
        # priority: the scrolling step panels would otherwise take Page Up/Down for themselves
        Binding("pagedown", "next_step", "Next step", priority=True),
        Binding("pageup", "previous_step", "Previous step", priority=True),
        Binding("ctrl+r", "refuse", "Refuse", priority=True),
        # Enter moves to the next field. A priority binding runs while the app dispatches keys,
        # so the focus has moved before the next key is read: a barcode scanner or a fast
        # typist sends text and Enter faster than the input could pass a message back.
        Binding("enter", "enter_next", "Next field", show=False, priority=True),
        Binding("escape", "leave", "Leave (draft kept)"),
    ]

    def __init__(self, *, queue_code: str = "", draft=None) -> None:
        super().__init__()
        self.step = 0
        self.draft_id = draft.id if draft else None
        self.restore_from = draft
        self.customer_id = None
        self.decision = None
        self.refused = None
        self.queue_code = queue_code
        self._saved = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        policy = self.app.station.policy
        yield DeskHeader()
        with Horizontal(id="pre"):
            yield Static("", id="steps")
            with ContentSwitcher(initial="step-fault", id="form"):
                with VerticalScroll(id="step-fault"):
                    yield FormField(tr.t("pre.fault_told"), "fault_told")
                    yield FormField(tr.t("pre.fault_restated"), "fault_restated")
                    yield Checkbox(tr.t("pre.customer_confirmed"), id="customer_confirmed", compact=True)
                    yield Label("", id="customer_confirmed-error", classes="field-error")
                with VerticalScroll(id="step-customer"):
                    yield FormField(tr.t("pre.phone"), "phone", placeholder="0912-345-678")
                    yield OptionList(id="matches")
                    yield Label("", id="customer-picked")
                    yield FormField(tr.t("pre.name"), "name")
                    yield FormField(tr.t("pre.company"), "company")
                    yield Checkbox(tr.t("pre.via_dealer"), id="via_dealer", compact=True)
                    yield FormField(tr.t("pre.dealer_name"), "dealer_name")
                    yield FormField(tr.t("pre.dealer_phone"), "dealer_phone")
                    yield Label("", id="dealer-error", classes="field-error")
                with VerticalScroll(id="step-purchase"):
                    yield Label(tr.t("pre.proof"), classes="field-label")
                    with RadioSet(id="proof"):
                        for proof in PROOFS:
                            yield RadioButton(tr.t(f"pre.proof_{proof}"), id=f"proof-{proof}")
                    yield Label("", id="proof-error", classes="field-error")
                    yield FormField(tr.t("pre.invoice_no"), "invoice_no")
                    yield Checkbox(tr.t("pre.invoice_copy_kept"), id="invoice_copy_kept", compact=True)
                    yield FormField(tr.t("pre.serial"), "serial")
                    yield Label(tr.t("pre.product_line"), classes="field-label")
                    yield Select([(tr.t(f"product_line.{p}"), p) for p in policy.product_lines],
                                 prompt=tr.t("pre.pick"), id="product_line", compact=True)
                    yield Label("", id="product_line-error", classes="field-error")
                    yield FormField(tr.t("pre.brand"), "brand")
                    yield FormField(tr.t("pre.model"), "model")
                    yield Static("", id="decision")
                with VerticalScroll(id="step-fees"):
                    yield Static("", id="fees-text")
                    yield Checkbox(tr.t("pre.fees_acknowledged"), id="fees_acknowledged", compact=True)
                    yield Label("", id="fees_acknowledged-error", classes="field-error")
                with VerticalScroll(id="step-inspection"):
                    yield Label(tr.t("pre.accessories"), classes="field-label")
                    yield SelectionList(id="accessories")
                    yield Label(tr.t("pre.appearance"), classes="field-label")
                    yield SelectionList(id="appearance_items")
                    yield FormField(tr.t("pre.appearance_notes"), "appearance_notes")
                    yield FormField(tr.t("pre.non_standard_parts"), "non_standard_parts")
                    yield Checkbox(tr.t("pre.fault_reproduced"), id="fault_reproduced", compact=True)
                    yield Checkbox(tr.t("pre.backup_reminder"), id="backup_reminder", compact=True)
                    yield Label("", id="backup_reminder-error", classes="field-error")
                    yield FormField(tr.t("pre.passcode"), "passcode", password=True)
                with VerticalScroll(id="step-confirm"):
                    yield FormField(tr.t("pre.fault_confirmed"), "fault_confirmed")
                    yield Static("", id="summary")
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        if self.restore_from is not None:
            self.restore(self.restore_from.data)
            self.step = STEPS.index(self.restore_from.step) if self.restore_from.step in STEPS else 0
        self._saved = self.gather()  # an untouched form is not worth a draft
        self.show_dealer_fields()
        self.show_step()
        self.set_interval(AUTOSAVE_S, self.autosave)

    # ------------------------------------------------------------------ data in and out of the form

    def gather(self) -> dict:
        data = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        data.update({name: self.query_one(f"#{name}", Checkbox).value for name in CHECKBOXES})
        pressed = self.query_one("#proof", RadioSet).pressed_button
        data["proof"] = pressed.id.removeprefix("proof-") if pressed else ""
        line = self.query_one("#product_line", Select).value
        data["product_line"] = line if isinstance(line, str) else ""
        data["accessories"] = list(self.query_one("#accessories", SelectionList).selected)
        data["appearance_items"] = list(self.query_one("#appearance_items", SelectionList).selected)
        data["customer_id"] = self.customer_id
        data["queue_code"] = self.queue_code
        return data

    def restore(self, data: dict) -> None:
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = str(data.get(name) or "")
        for name in CHECKBOXES:
            self.query_one(f"#{name}", Checkbox).value = bool(data.get(name))
        if data.get("proof") in PROOFS:
            self.query_one(f"#proof-{data['proof']}", RadioButton).value = True
        if data.get("product_line") in self.app.station.policy.product_lines:
            self.query_one("#product_line", Select).value = data["product_line"]
        self.customer_id = data.get("customer_id")
        self.queue_code = data.get("queue_code") or self.queue_code
        self.fill_checklists(data.get("product_line") or "", data.get("accessories", []), data.get("appearance_items", []))

    def fill_checklists(self, product_line: str, accessories=(), appearance=()) -> None:
        from deskapp.settings.checklists import accessories_for, appearance_items

        tr = self.app.tr
        acc = self.query_one("#accessories", SelectionList)
        acc.clear_options()
        acc.add_options([(tr.t(f"accessory.{a}"), a, a in accessories) for a in accessories_for(product_line)])
        app_list = self.query_one("#appearance_items", SelectionList)
        if not app_list.option_count or appearance:
            app_list.clear_options()
            app_list.add_options([(tr.t(f"appearance.{a}"), a, a in appearance) for a in appearance_items()])

    # ------------------------------------------------------------------ drafts

    def save_draft(self) -> None:
        from deskapp.reception import drafts

        data = self.gather()
        if data == self._saved:
            return
        self.draft_id = drafts.save(self.app.station, self.app.actor, STEPS[self.step], data, self.draft_id)
        self._saved = data

    def autosave(self) -> None:
        """Every few seconds while typing: the write goes to a worker, the typing goes on."""
        if self.app.actor is None or not self.is_current:
            return
        data = self.gather()
        if data != self._saved:
            self._saved = data
            self.write_draft(STEPS[self.step], data)

    @work(thread=True, exclusive=True, group="draft")
    def write_draft(self, step: str, data: dict) -> None:
        from deskapp.reception import drafts

        self.draft_id = drafts.save(self.app.station, self.app.actor, step, data, self.draft_id)

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
        self.sub_title = tr.t("pre.title", step=tr.t("pre.step_" + name))
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
        if isinstance(first, SelectionList) and first.highlighted is None and first.option_count:
            first.highlighted = 0
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
        from deskapp.orders.creation import Refused
        from deskapp.reception.pre_inspection import check_step, decide
        from deskapp.rules.errors import DomainError, ValidationError

        tr = self.app.tr
        station = self.app.station
        data = self.gather()
        name = STEPS[self.step]
        self.clear_errors()
        self.save_draft()
        try:
            check_step(station, name, data)
            if name == "purchase":
                self.decision = decide(station, data)
                if not self.decision.accepted:
                    raise Refused(self.decision)
        except ValidationError as exc:
            self.show_error(exc.field, exc.render(tr))
            self.focus_field(exc.field)
            return
        except Refused as refused:
            self.refused = refused
            self.show_refusal(refused)
            return
        except DomainError as exc:
            self.show_error("product_line" if name == "purchase" else "dealer", exc.render(tr))
            return
        self.refused = None
        from deskapp.reception.pre_inspection import step_done

        if name == "confirm":
            self.finish(data)
            return
        self.step += 1
        self.draft_id = step_done(station, self.app.actor, STEPS[self.step], data, self.draft_id)
        self._saved = data
        self.show_step()

    def action_previous_step(self) -> None:
        if self.step > 0:
            self.clear_errors()
            self.save_draft()
            self.step -= 1
            self.refused = None
            self.show_step()

    def focus_field(self, field: str) -> None:
        found = self.query(f"#{field}")
        if found:
            found.first().focus()

    def show_refusal(self, refused) -> None:
        tr = self.app.tr
        reasons = [r.render(tr) for r in refused.decision.reasons]
        target = "#decision" if STEPS[self.step] == "purchase" else "#dealer-error"
        self.query_one(target).update(
            f"[b]{tr.t('pre.refused')}[/b]\n" + "\n".join(f"- {clean(r)}" for r in reasons) + f"\n\n{tr.t('pre.refuse_hint')}")
        self.query_one(target).add_class("refused")
        self.update_prompter()

    def action_refuse(self) -> None:
        from deskapp.reception.pre_inspection import record_refusal

        if self.refused is None:
            self.notify(self.app.tr.t("pre.nothing_to_refuse"), severity="warning")
            return
        self.save_draft()
        record_refusal(self.app.station, self.app.actor, self.gather(), self.refused, self.draft_id)
        self.app.notify(self.app.tr.t("pre.refusal_recorded"))
        self.app.pop_screen()

    def show_fees(self) -> None:
        tr = self.app.tr
        if self.decision is None:
            from deskapp.reception.pre_inspection import decide

            self.decision = decide(self.app.station, self.gather())
        reasons, phrases = self.decision.explain(tr)
        status = tr.t(f"warranty_status.{self.decision.status}")
        body = [f"[b]{tr.t('pre.warranty')}: {status}[/b]"] + [f"- {clean(r)}" for r in reasons]
        self.query_one("#fees-text", Static).update("\n".join(body))
        self.update_prompter()

    def show_summary(self) -> None:
        tr = self.app.tr
        d = self.gather()
        lines = [
            f"{tr.t('doc.customer')}: {clean(d['name'])}  {clean(d['phone'])}",
            f"{tr.t('doc.device')}: {tr.t('product_line.' + d['product_line']) if d['product_line'] else ''} "
            f"{clean(d['brand'])} {clean(d['model'])}  SN {clean(d['serial'])}",
            f"{tr.t('pre.warranty')}: {tr.t('warranty_status.' + self.decision.status) if self.decision else '-'}",
            f"{tr.t('doc.accessories')}: {', '.join(tr.t('accessory.' + a) for a in d['accessories']) or tr.t('doc.none')}",
        ]
        self.query_one("#summary", Static).update("\n".join(lines))

    def finish(self, data: dict) -> None:
        from deskapp.screens.reception.voucher import VoucherScreen

        from deskapp.reception.pre_inspection import complete
        from deskapp.rules.errors import DeskError

        try:
            order = complete(self.app.station, self.app.actor, data, self.draft_id)
        except DeskError as exc:
            self.show_error(getattr(exc, "field", "fault_confirmed"), exc.render(self.app.tr))
            return
        self.app.switch_screen(VoucherScreen(order.number))

    def action_leave(self) -> None:
        self.save_draft()
        self.app.notify(self.app.tr.t("pre.draft_kept"))
        self.app.pop_screen()

    # ------------------------------------------------------------------ live behaviour

    @on(Input.Changed, "#phone")
    def phone_typed(self, event: Input.Changed) -> None:
        self.customer_id = None
        self.query_one("#customer-picked", Label).update("")
        self.search_customers(event.value)

    @work(thread=True, exclusive=True, group="customer-search")
    def search_customers(self, prefix: str) -> None:
        from deskapp.reception.pre_inspection import lookup_customers

        found = lookup_customers(self.app.station, prefix)
        self.app.call_from_thread(self.show_matches, found)

    def show_matches(self, found) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        self._matches = {str(c.id): c for c in found}
        matches.add_options([Option(f"{clean(c.name)}  {', '.join(c.phones)}  {clean(c.company)}", id=str(c.id)) for c in found])
        matches.display = bool(found)

    @on(OptionList.OptionSelected, "#matches")
    def customer_picked(self, event: OptionList.OptionSelected) -> None:
        customer = self._matches[event.option.id]
        with self.prevent(Input.Changed):
            self.query_one("#phone", Input).value = customer.phones[0]
        self.query_one("#name", Input).value = customer.name
        self.query_one("#company", Input).value = customer.company
        self.customer_id = customer.id
        self.query_one("#customer-picked", Label).update(self.app.tr.t("pre.customer_found", name=clean(customer.name)))
        self.query_one("#matches", OptionList).display = False

    @on(Select.Changed, "#product_line")
    def product_line_changed(self, event: Select.Changed) -> None:
        self.decision = None
        if isinstance(event.value, str):
            self.fill_checklists(event.value)

    @on(Input.Changed, "#serial")
    @on(Input.Changed, "#invoice_no")
    def evidence_changed(self) -> None:
        self.decision = None
        self.refused = None
        self.query_one("#decision", Static).update("")

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

    def action_enter_next(self) -> None:
        from textual.actions import SkipAction

        focused = self.focused
        if not isinstance(focused, Input):
            raise SkipAction()  # buttons, lists and checkboxes keep their own Enter
        matches = self.query_one("#matches", OptionList)
        if focused.id == "phone" and matches.option_count and matches.display:
            matches.highlighted = 0
            matches.focus()  # Enter on the phone goes to the customers found
        else:
            self.focus_next()


class ResumeDraftScreen(ModalScreen):
    """Offered after sign-in when this terminal has a pre-inspection left open."""

    DEFAULT_CSS = """
    ResumeDraftScreen { align: center middle; }
    #resume { width: 64; max-width: 100%; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    #resume Horizontal { height: auto; margin-top: 1; }
    #resume Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Later")]

    def __init__(self, draft) -> None:
        super().__init__()
        self.draft = draft

    def compose(self) -> ComposeResult:
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        d = self.draft.data
        with Vertical(id="resume"):
            yield Label(tr.t("pre.resume_title"))
            yield Label(tr.t("pre.resume_detail", time=local_time(self.app.station, self.draft.updated_at),
                             step=tr.t("pre.step_" + self.draft.step),
                             who=clean(d.get("name") or d.get("phone") or "-")))
            with Horizontal():
                yield Button(tr.t("pre.resume"), variant="primary", id="resume-yes")
                yield Button(tr.t("pre.discard"), variant="error", id="resume-discard")

    @on(Button.Pressed, "#resume-yes")
    def resume(self) -> None:
        self.app.pop_screen()
        self.app.push_screen(PreInspectionScreen(draft=self.draft))

    @on(Button.Pressed, "#resume-discard")
    def discard(self) -> None:
        from deskapp.reception import drafts

        drafts.finish(self.app.station, self.draft.id, "discarded")
        self.app.pop_screen()
