"""The pickup counter: scan the voucher, check its code (or a manager checks the identity
of a customer who lost it), then the steps of the pickup one screen each: sign-off, fees,
repair order and release, farewell. Rework of a returning device starts here too.

The rules live in :mod:`deskapp.pickup`; these screens gather input and show results.
"""

from __future__ import annotations

from deskapp.screens.base import STEP_CSS, DeskScreen, StepScreen
from deskapp.screens.widgets import DeskHeader, FormField, Teleprompter
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from deskapp.rules.text import clean


def next_counter_step(app, number: str):
    """The screen for the order's next step at the counter, or None while the voucher is unchecked."""
    from deskapp.counter.fees import fees
    from deskapp.counter.voucher_check import look_up

    view = look_up(app.station, app.actor, number)
    state = str(view.order.state)
    if state == "released":
        from deskapp.screens.counter.farewell import FarewellScreen

        return FarewellScreen(view.order.number)
    if state != "ready" or not view.holder_check:
        return None
    if not view.order.verified_at:
        from deskapp.screens.counter.sign_off import SignOffScreen

        return SignOffScreen(view.order.number)
    owed = fees(app.station, view.order.number)
    if owed["due"] > 0 and not owed["waiver_reason"]:
        from deskapp.screens.counter.fees import FeesScreen

        return FeesScreen(view.order.number)
    from deskapp.screens.counter.repair_order import RepairOrderScreen

    return RepairOrderScreen(view.order.number)


def go_to_next_step(app, number: str) -> None:
    """Replace the current counter step with the next one (the counter stays underneath)."""
    screen = next_counter_step(app, number)
    if isinstance(app.screen, CounterStep):
        app.pop_screen()
    if screen is not None:
        app.push_screen(screen)


class PickupScreen(DeskScreen):
    """The counter's home: scan the voucher, type its check code; the list of orders waiting."""

    CSS_PATH = [STEP_CSS, "counter.tcss"]
    BINDINGS = [
        Binding("ctrl+n", "call_next", "Call next", priority=True),
        Binding("ctrl+l", "lost_voucher", "Lost voucher", priority=True),
        Binding("ctrl+w", "rework", "Rework", priority=True),
        Binding("f5", "reload", "Refresh"),
    ]

    number: str | None = None

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Horizontal(id="counter"):
            with VerticalScroll(id="counter-form"):
                yield FormField(tr.t("counter.scan_hint"), "voucher_number")
                yield FormField(tr.t("counter.code_hint"), "check_code", password=True, max_length=12)
                yield Static("", id="counter-summary", classes="-empty", markup=False)
                yield Static("", id="status", markup=False)
                yield Label(tr.t("counter.list_title"), classes="section")
                yield DataTable(id="waiting", cursor_type="row", zebra_stripes=True)
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.sub_title = tr.t("counter.title")
        self.query_one(Teleprompter).show(tr.t("counter.prompter"), [
            tr.phrase("pickup.greeting"), tr.phrase("pickup.ask_voucher"), tr.phrase("pickup.please_wait")])
        table = self.query_one("#waiting", DataTable)
        table.add_columns(tr.t("cli.col_number"), tr.t("cli.col_customer"), tr.t("cli.col_device"),
                          tr.t("cli.col_state"))
        self.query_one("#check_code", Input).display = False
        self.query_one("#field-check_code").display = False
        self._version = None
        self.reload()
        self.set_interval(1.0, self.poll_changes)
        self.query_one("#voucher_number", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()
        if self.number:  # back from a step: show where the order stands now (without moving on)
            from deskapp.orders.model import get_order
            from deskapp.rules.errors import DeskError

            try:
                closed = str(get_order(self.app.station, self.number).state) == "closed"
            except DeskError as exc:  # a busy store: said, not raised
                self.report(exc.render(self.app.tr), error=True)
                return
            if closed:  # seen off: next customer
                self.number = None
                self.query_one("#voucher_number", Input).value = ""
                self.query_one("#counter-summary", Static).add_class("-empty")
                self.report("")
                self.query_one("#voucher_number", Input).focus()
            else:
                self.show_order(self.number, advance=False)

    def poll_changes(self) -> None:
        if self.app.station.store.data_version() != self._version:
            self.reload()

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="counter")
    def reload(self) -> None:
        from deskapp.counter.lists import at_the_counter

        station = self.app.station
        self.app.call_from_thread(self.show_list, at_the_counter(station), station.store.data_version())

    def show_list(self, items, version) -> None:
        self._version = version
        tr = self.app.tr
        table = self.query_one("#waiting", DataTable)
        table.clear()
        self._listed = [o.number for o in items]
        table.add_rows([[o.number, clean(o.customer), clean(o.model or tr.t(f"product_line.{o.product_line}")),
                         tr.t(f"state.{o.state}")] for o in items])

    # ---- the voucher

    @on(Input.Submitted, "#voucher_number")
    def scanned(self, event: Input.Submitted) -> None:
        from deskapp.counter.voucher_check import look_up
        from deskapp.rules.errors import DeskError

        field = self.query_one("#field-voucher_number", FormField)
        field.clear_error()
        try:
            view = look_up(self.app.station, self.app.actor, event.value)
        except DeskError as exc:
            field.set_error(exc.render(self.app.tr))
            return
        event.input.value = view.order.number  # as stored, whatever the scanner sent
        self.show_order(view.order.number)

    @on(DataTable.RowSelected, "#waiting")
    def picked(self, event: DataTable.RowSelected) -> None:
        number = self._listed[event.cursor_row]
        self.query_one("#voucher_number", Input).value = number
        self.show_order(number)

    def show_order(self, number: str, advance: bool = True) -> None:
        """The order at the counter, and its next step; a refusal or a busy store is shown, not raised."""
        from deskapp.rules.errors import DeskError

        try:
            self._show_order(number, advance)
        except DeskError as exc:
            self.report(exc.render(self.app.tr), error=True)

    def _show_order(self, number: str, advance: bool) -> None:
        from deskapp.counter.voucher_check import look_up

        tr = self.app.tr
        station = self.app.station
        view = look_up(station, self.app.actor, number)
        self.number = view.order.number
        lines = [tr.t("counter.summary", number=view.order.number, state=tr.t(f"state.{view.order.state}"),
                      customer=clean(view.customer_name), phone=view.phone_masked, device=clean(view.device),
                      due=station.policy.money(max(view.due, 0)))]
        if view.holder_check:
            lines.append(tr.t("counter.holder_ok", method=tr.t(f"pickup.method_{view.holder_check['method']}")))
        elif view.wrong_codes:
            lines.append(tr.t("counter.tries", count=view.wrong_codes,
                              allowed=station.policy.wrong_voucher_codes_allowed))
        if view.needs_manager and not view.holder_check:
            lines.append(tr.t("counter.needs_manager"))
        summary = self.query_one("#counter-summary", Static)
        summary.update("\n".join(lines))
        summary.remove_class("-empty")
        self.report("")
        code = self.query_one("#check_code", Input)
        needs_code = str(view.order.state) == "ready" and not view.holder_check
        self.query_one("#field-check_code").display = needs_code
        code.display = needs_code
        code.value = ""
        if needs_code:
            code.focus()
        elif advance:
            step = next_counter_step(self.app, view.order.number)
            if step is not None:
                self.app.push_screen(step)

    @on(Input.Submitted, "#check_code")
    def code_typed(self, event: Input.Submitted) -> None:
        from deskapp.counter.voucher_check import check_voucher
        from deskapp.rules.errors import DeskError

        field = self.query_one("#field-check_code", FormField)
        field.clear_error()
        event.input.value = ""  # the code is never left on the screen
        if not self.number:
            return
        try:
            check_voucher(self.app.station, self.app.actor, self.number, event.value)
        except DeskError as exc:
            field.set_error(exc.render(self.app.tr))  # stays while the tries count updates below
        self.show_order(self.number)

    # ---- the queue: customers who took a "pickup" number

    def action_call_next(self) -> None:
        from deskapp.reception.queue import call_next

        tr = self.app.tr
        ticket = call_next(self.app.station, self.app.actor, "pickup")
        if ticket is None:
            self.report(tr.t("greeting.nobody_waiting"))
            return
        self.report(tr.phrase("pickup.call", number=ticket.code))
        self.query_one(Teleprompter).show(tr.t("counter.prompter"), [
            tr.phrase("pickup.call", number=ticket.code), tr.phrase("pickup.greeting"), tr.phrase("pickup.ask_voucher"),
            tr.phrase("pickup.please_wait")])
        self.app.bell()
        self.query_one("#voucher_number", Input).focus()

    # ---- lost voucher, rework

    def action_lost_voucher(self) -> None:
        from deskapp.counter.voucher_check import check_identity

        if not self.number:
            self.query_one("#field-voucher_number", FormField).set_error(self.app.tr.t("error.check_code_needed"))
            return
        tr = self.app.tr
        number = self.number

        def apply(manager, values):
            check_identity(self.app.station, self.app.actor, manager, number, name=values["id_name"],
                           phone=values["id_phone"], id_document=values["id_document"])

        fields = [("id_name", tr.t("counter.id_name")), ("id_phone", tr.t("counter.id_phone")),
                  ("id_document", tr.t("counter.id_document"))]
        self.app.push_screen(ManagerApprovalScreen(tr.t("counter.identity_title"), fields, apply),
                             lambda ok: self.show_order(number) if ok else None)

    def action_rework(self) -> None:
        from deskapp.screens.counter.rework import ReworkScreen

        self.app.push_screen(ReworkScreen())


class ManagerApprovalScreen(ModalScreen):
    """A manager approves at this terminal: picks themselves, types their PIN, and the
    fields the approval needs. ``apply(manager_actor, values)`` does the work; its refusal
    is shown here and nothing is approved."""

    DEFAULT_CSS = """
    ManagerApprovalScreen { align: center middle; }
    #approval { width: 70; max-width: 100%; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    #approval Select { margin-bottom: 1; }
    #approval Horizontal { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str]], apply) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.apply = apply

    def compose(self) -> ComposeResult:
        from deskapp.records.staff import list_staff

        tr = self.app.tr
        managers = [(clean(s.name), s.name) for s in list_staff(self.app.station, role="manager")]
        with Vertical(id="approval"):
            yield Label(clean(self.title_text), classes="section")
            yield Label(tr.t("counter.manager"), classes="field-label")
            yield Select(managers, id="manager", prompt=tr.t("pre.pick"), compact=True,
                         value=managers[0][1] if len(managers) == 1 else Select.BLANK)
            yield FormField(tr.t("counter.manager_pin"), "manager_pin", password=True, max_length=12)
            for field_id, label in self.fields:
                yield FormField(label, field_id)
            yield Label("", id="approval-status", classes="field-error")
            with Horizontal():
                yield Button(tr.t("key.confirm"), variant="warning", id="approve")

    def on_mount(self) -> None:
        self.query_one("#manager_pin", Input).focus()

    @on(Button.Pressed, "#approve")
    @on(Input.Submitted)
    def approve(self, event=None) -> None:
        from deskapp.records.staff import sign_in
        from deskapp.rules.errors import DeskError, ValidationError

        tr = self.app.tr
        if isinstance(event, Input.Submitted) and event.input.id != (self.fields[-1][0] if self.fields else
                                                                       "manager_pin"):
            self.focus_next()
            return
        status = self.query_one("#approval-status", Label)
        for field_id, _ in self.fields:
            self.query_one(f"#field-{field_id}", FormField).clear_error()
        name = self.query_one("#manager", Select).value
        if not isinstance(name, str):
            status.update(tr.t("error.manager_needed"))
            return
        try:
            manager = sign_in(self.app.station, name, self.query_one("#manager_pin", Input).value,
                              self.app.terminal).actor(self.app.terminal)
        except DeskError as exc:  # a wrong PIN: logged by sign_in, typed again
            status.update(clean(exc.render(tr)))
            self.query_one("#manager_pin", Input).value = ""
            self.query_one("#manager_pin", Input).focus()
            return
        try:
            self.apply(manager, {f: self.query_one(f"#{f}", Input).value for f, _ in self.fields})
        except ValidationError as exc:
            if exc.field in [f for f, _ in self.fields]:
                self.query_one(f"#field-{exc.field}", FormField).set_error(exc.render(tr))
            else:
                status.update(clean(exc.render(tr)))
            return
        except DeskError as exc:
            status.update(clean(exc.render(tr)))
            return
        self.dismiss(True)


class CounterStep(StepScreen):
    """The frame of one pickup step for one order (see :class:`StepScreen`); the view of the
    order is read before any ``on_mount`` runs (Textual runs a subclass's first)."""

    CSS_PATH = [STEP_CSS, "counter.tcss"]
    BINDINGS = [Binding("escape", "back", "Back")]

    def compose(self) -> ComposeResult:
        from deskapp.counter.voucher_check import look_up

        self.view = look_up(self.app.station, self.app.actor, self.number)
        yield from super().compose()

    def on_mount(self) -> None:
        self.show_summary(reload=False)  # compose has just read it

    def show_summary(self, reload: bool = True) -> None:
        from deskapp.counter.voucher_check import look_up

        tr = self.app.tr
        if reload:
            self.view = look_up(self.app.station, self.app.actor, self.number)
        view = self.view
        self.sub_title = self.number
        self.query_one("#step-summary", Static).update(tr.t(
            "counter.summary", number=view.order.number, state=tr.t(f"state.{view.order.state}"),
            customer=clean(view.customer_name), phone=view.phone_masked, device=clean(view.device),
            due=self.app.station.policy.money(max(view.due, 0))))

    def next_step(self) -> None:
        go_to_next_step(self.app, self.number)
