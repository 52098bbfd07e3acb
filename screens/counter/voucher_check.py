"""The pickup counter: scan the voucher, check its code (or a manager checks the identity
of a customer who lost it), then the steps of the pickup one screen each: sign-off, fees,
repair order and release, farewell. Rework of a returning device starts here too.

The rules live in :mod:`deskapp.counter` (which step comes next: :mod:`deskapp.counter.steps`);
these screens gather input, ask the services (:meth:`DeskScreen.ask`) and show the answers.
"""

from __future__ import annotations

from deskapp.screens.base import STEP_CSS, DeskScreen, StepScreen
from deskapp.screens.widgets import DeskHeader, FormField, StationTable, Teleprompter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from deskapp.counter.steps import AtTheCounter, where_it_stands
from deskapp.rules.text import clean


def step_screen(at: AtTheCounter):
    """The screen of the order's next step at the counter (the step is the core's rule), or None."""
    from deskapp.screens.counter.farewell import FarewellScreen
    from deskapp.screens.counter.fees import FeesScreen
    from deskapp.screens.counter.repair_order import RepairOrderScreen
    from deskapp.screens.counter.sign_off import SignOffScreen

    from deskapp.screens.counter.ship_back import ShipBackScreen

    screens = {"sign_off": SignOffScreen, "fees": FeesScreen, "release": RepairOrderScreen,
               "farewell": FarewellScreen, "ship": ShipBackScreen}
    return screens[at.step](at.number, view=at.view) if at.step else None


def summary_text(tr, station, view) -> str:
    """The order at a glance (shown literally: the names in it are stored text)."""
    text = tr.t("counter.summary", number=view.order.number, state=tr.t(f"state.{view.order.state}"),
                customer=clean(view.customer_name), phone=view.phone_masked, device=clean(view.device),
                due=station.policy.money(max(view.due, 0)))
    if view.order.waiver_reason:
        text += "\n" + tr.t("fees.waived", reason=clean(view.order.waiver_reason))
    if view.order.outcome == "unrepaired" and view.order.state == "return_unrepaired":
        text += "\n" + tr.t("counter.return_unrepaired" if view.order.return_method != "ship"
                            else "counter.ship_back")
    return text


def check_then_look(station, actor, number: str, code: str) -> AtTheCounter:
    """The voucher's check code, then where the order stands (in a worker; the code is never logged)."""
    from deskapp.counter.voucher_check import check_voucher

    check_voucher(station, actor, number, code)
    return where_it_stands(station, actor, number)


def listed_at_the_counter(station):
    """The change signal read first, then the orders at the counter."""
    from deskapp.counter.lists import at_the_counter

    version = station.store.data_version()
    return version, at_the_counter(station)


class PickupScreen(DeskScreen):
    """The counter's home: scan the voucher, type its check code; the list of orders waiting."""

    CSS_PATH = [STEP_CSS, "counter.tcss"]
    BINDINGS = [
        Binding("ctrl+n", "call_next", "Call next", priority=True),
        Binding("ctrl+l", "lost_voucher", "Lost voucher", priority=True),
        Binding("ctrl+w", "rework", "Rework", priority=True),
        Binding("ctrl+x", "withdraw", "Withdrawal (manager)", priority=True),
        Binding("f5", "reload", "Refresh", show=False),  # the list follows the file by itself
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
                yield StationTable(id="waiting", cursor_type="row", zebra_stripes=True)
            yield Teleprompter(id="prompter")
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        self.sub_title = tr.t("counter.title")
        self.query_one(Teleprompter).show(tr.t("counter.prompter"), [
            tr.phrase("pickup.greeting"), tr.phrase("pickup.ask_voucher"), tr.phrase("pickup.please_wait")])
        table = self.query_one("#waiting", DataTable)
        # the state before the device: at 80 columns what is cut is the model, not what to do next
        table.add_columns(tr.t("cli.col_number"), tr.t("cli.col_customer"), tr.t("cli.col_state"),
                          tr.t("cli.col_device"))
        self._listed: list[str] = []
        self.show_code_field(False)
        self._version = None
        self.reload()
        self.query_one("#voucher_number", Input).focus()

    def station_changed(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.number:  # back from a step: show where the order stands now (without moving on)
            self.ask("order", where_it_stands, self.app.station, self.app.actor, self.number)

    def answered_order(self, at: AtTheCounter) -> None:
        if at.state == "closed":  # seen off: next customer
            self.number = None
            self.query_one("#voucher_number", Input).value = ""
            self.query_one("#counter-summary", Static).add_class("-empty")
            self.show_code_field(False)
            self.report("")
            self.query_one("#voucher_number", Input).focus()
        else:
            self.show(at, advance=False)

    # ---- the list of orders at the counter

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.reread("list", listed_at_the_counter, self.app.station)

    def answered_list(self, listed) -> None:
        version, items = listed
        self._version = version
        tr = self.app.tr
        table = self.query_one("#waiting", DataTable)
        keep = table.cursor_row
        on = self._listed[keep] if 0 <= keep < len(self._listed) else None
        table.clear()
        self._listed = [o.number for o in items]
        if on in self._listed:  # the cursor stays on its order when others come and go
            keep = self._listed.index(on)
        table.add_rows([[Text(o.number), Text(clean(o.customer)), Text(tr.t(f"state.{o.state}")),
                         Text(clean(o.model or tr.t(f"product_line.{o.product_line}")))] for o in items])
        if items:
            table.move_cursor(row=min(keep, len(items) - 1), animate=False)

    # ---- the voucher

    @on(Input.Submitted, "#voucher_number")
    def scanned(self, event: Input.Submitted) -> None:
        self.look_up(event.value)

    @on(DataTable.RowSelected, "#waiting")
    def picked(self, event: DataTable.RowSelected) -> None:
        if event.cursor_row < len(self._listed):
            number = self._listed[event.cursor_row]
            self.query_one("#voucher_number", Input).value = number
            self.look_up(number)

    def look_up(self, typed: str) -> None:
        """The order behind a scanned number (a number that is no order here is refused and logged)."""
        self.query_one("#field-voucher_number", FormField).clear_error()
        self.ask("scan", where_it_stands, self.app.station, self.app.actor, typed)

    def answered_scan(self, at: AtTheCounter) -> None:
        self.query_one("#voucher_number", Input).value = at.number  # as stored, whatever the scanner sent
        self.show(at, advance=True)

    def refused_scan(self, error) -> None:
        self.query_one("#field-voucher_number", FormField).set_error(error.render(self.app.tr))
        self.number = None  # no order at the counter now: nothing to check the identity of
        self.query_one("#counter-summary", Static).add_class("-empty")
        self.show_code_field(False)

    def show_code_field(self, shown: bool) -> None:
        self.query_one("#field-check_code").display = shown
        self.query_one("#check_code", Input).display = shown

    def show(self, at: AtTheCounter, advance: bool) -> None:
        """The order at the counter; with ``advance``, on to its next step once the holder is checked."""
        tr, station, view = self.app.tr, self.app.station, at.view
        self.number = at.number
        lines = [summary_text(tr, station, view)]
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
        # ready, or to be returned unrepaired: the voucher first (a parcel has no voucher to check)
        needs_code = at.state in ("ready", "return_unrepaired") and not view.holder_check and at.step != "ship"
        self.show_code_field(needs_code)
        code.value = ""
        if needs_code:
            code.focus()
        else:  # nothing to type for this order: ready for the next voucher
            self.query_one("#voucher_number", Input).focus()
        if not needs_code and advance and self.is_current:  # (not if staff moved on meanwhile)
            screen = step_screen(at)
            if screen is not None:
                self.app.push_screen(screen)

    @on(Input.Submitted, "#check_code")
    def code_typed(self, event: Input.Submitted) -> None:
        field = self.query_one("#field-check_code", FormField)
        field.clear_error()
        code, event.input.value = event.value, ""  # the code is never left on the screen
        if not self.number:
            return
        self.ask("check_code", check_then_look, self.app.station, self.app.actor, self.number, code)

    def answered_check_code(self, at: AtTheCounter) -> None:
        self.show(at, advance=True)

    def refused_check_code(self, error) -> None:
        # stays while the tries count is read again below
        self.query_one("#field-check_code", FormField).set_error(error.render(self.app.tr))
        if self.number:
            self.ask("order", where_it_stands, self.app.station, self.app.actor, self.number)

    # ---- the queue: customers who took a "pickup" number

    def action_call_next(self) -> None:
        from deskapp.reception.queue import call_next

        self.ask("call_next", call_next, self.app.station, self.app.actor, "pickup")

    def answered_call_next(self, ticket) -> None:
        tr = self.app.tr
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
        station, actor, number = self.app.station, self.app.actor, self.number

        def apply(manager, values):  # in the approval's worker
            check_identity(station, actor, manager, number, name=values["id_name"], phone=values["id_phone"],
                           id_document=values["id_document"])

        fields = [("id_name", tr.t("counter.id_name")), ("id_phone", tr.t("counter.id_phone")),
                  ("id_document", tr.t("counter.id_document"))]
        self.app.push_screen(ManagerApprovalScreen(tr.t("counter.identity_title"), fields, apply),
                             lambda ok: self.look_up(number) if ok else None)

    def action_withdraw(self) -> None:
        """The customer withdraws before the release: a manager records it with the reason; the
        order becomes an unrepaired return (what is owed per policy) and goes on at this counter.
        An order whose device never came in is cancelled instead."""
        from deskapp.counter.release import withdraw

        if not self.number:
            self.query_one("#field-voucher_number", FormField).set_error(self.app.tr.t("error.check_code_needed"))
            return
        tr = self.app.tr
        station, number = self.app.station, self.number

        def apply(manager, values):  # in the approval's worker
            withdraw(station, manager, number, values["withdraw_reason"])

        self.app.push_screen(ManagerApprovalScreen(tr.t("counter.withdraw_title"),
                                                   [("withdraw_reason", tr.t("counter.withdraw_reason"))], apply),
                             lambda ok: self.look_up(number) if ok else None)

    def action_rework(self) -> None:
        from deskapp.screens.counter.rework import ReworkScreen

        self.app.push_screen(ReworkScreen())


class ManagerApprovalScreen(DeskScreen, ModalScreen):
    """A manager approves at this terminal: picks themselves, types their PIN, and the
    fields the approval needs. ``apply(manager_actor, values)`` does the work (in a worker:
    it must not touch a widget); its refusal is shown here and nothing is approved.

    A modal: the screen underneath stays in view, dimmed."""

    DEFAULT_CSS = """
    ManagerApprovalScreen { align: center middle; }
    #approval { width: 70; max-width: 100%; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    #approval Select { margin-bottom: 1; }
    #approval Horizontal { height: auto; margin-top: 1; }
    #approval .field-error { width: 100%; }
    """
    BINDINGS = [Binding("ctrl+s", "approve", "Approve", priority=True), Binding("escape", "dismiss", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str]], apply) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.apply = apply

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(id="approval"):
            yield Label(clean(self.title_text), classes="section", markup=False)
            yield Label(tr.t("counter.manager"), classes="field-label")
            yield Select([], id="manager", prompt=tr.t("pre.pick"), compact=True)
            yield FormField(tr.t("counter.manager_pin"), "manager_pin", password=True, max_length=12)
            for field_id, label in self.fields:
                yield FormField(label, field_id)
            yield Label("", id="approval-status", classes="field-error", markup=False)
            with Horizontal():
                yield Button(tr.t("key.confirm"), variant="warning", id="approve")
        yield Footer()  # its keys at 80x24 too: approve, cancel

    def action_approve(self) -> None:
        self.approve()

    def on_mount(self) -> None:
        from deskapp.records.staff import list_staff

        self.ask("managers", list_staff, self.app.station, role="manager")
        self.query_one("#manager_pin", Input).focus()

    def answered_managers(self, managers) -> None:
        select = self.query_one("#manager", Select)
        select.set_options([(Text(clean(s.name)), s.name) for s in managers])  # staff names shown literally
        if len(managers) == 1:
            select.value = managers[0].name

    def say(self, message: str, error: bool = False) -> None:
        self.query_one("#approval-status", Label).update(clean(message))

    def waited(self) -> None:
        self.say("")

    @on(Button.Pressed, "#approve")
    @on(Input.Submitted)
    def approve(self, event=None) -> None:
        from deskapp.records.staff import sign_in

        tr = self.app.tr
        if isinstance(event, Input.Submitted) and event.input.id != (self.fields[-1][0] if self.fields else
                                                                       "manager_pin"):
            self.focus_next()
            return
        self.say("")
        for field_id, _ in self.fields:
            self.query_one(f"#field-{field_id}", FormField).clear_error()
        name = self.query_one("#manager", Select).value
        if not isinstance(name, str):
            self.say(tr.t("error.manager_needed"))
            return
        values = {f: self.query_one(f"#{f}", Input).value for f, _ in self.fields}
        pin = self.query_one("#manager_pin", Input).value
        self._values = values
        self.ask("manager_pin", sign_in, self.app.station, name, pin, self.app.terminal)

    def refused_manager_pin(self, error) -> None:  # a wrong PIN: logged by sign_in, typed again
        self.say(error.render(self.app.tr))
        pin = self.query_one("#manager_pin", Input)
        pin.value = ""
        pin.focus()

    def answered_manager_pin(self, staff) -> None:
        self.ask("approve", self.apply, staff.actor(self.app.terminal), self._values)

    def refused_approve(self, error) -> None:
        from deskapp.rules.errors import ValidationError

        text = error.render(self.app.tr)
        if isinstance(error, ValidationError) and error.field in [f for f, _ in self.fields]:
            self.query_one(f"#field-{error.field}", FormField).set_error(text)
        else:
            self.say(text)

    def answered_approve(self, _result) -> None:
        self.dismiss(True)


class CounterStep(StepScreen):
    """The frame of one pickup step for one order (see :class:`StepScreen`). The counter's
    view of the order comes with the step (read by the worker that chose it); a step opened
    on its own reads it once on the way in (one order's row)."""

    CSS_PATH = [STEP_CSS, "counter.tcss"]
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, number: str, view=None) -> None:
        super().__init__(number)
        self.view = view

    def compose(self) -> ComposeResult:
        if self.view is None:
            from deskapp.counter.voucher_check import look_up

            self.view = look_up(self.app.station, self.app.actor, self.number)
        yield from super().compose()

    def on_mount(self) -> None:
        self.show_summary()

    def order_changed(self) -> None:
        from deskapp.counter.voucher_check import look_up

        self.reread("view", look_up, self.app.station, self.app.actor, self.number)

    def answered_view(self, view) -> None:
        self.show_summary(view)

    def show_summary(self, view=None) -> None:
        if view is not None:
            self.view = view
        self.sub_title = self.number
        self.query_one("#step-summary", Static).update(summary_text(self.app.tr, self.app.station, self.view))

    def next_step(self) -> None:
        """On to the order's next step (the counter stays underneath)."""
        self.ask("next_step", where_it_stands, self.app.station, self.app.actor, self.number)

    def answered_next_step(self, at: AtTheCounter) -> None:
        self.go_to(at)

    def go_to(self, at: AtTheCounter) -> None:
        if self.app.screen is not self:  # left meanwhile (Escape): the counter shows where it stands
            return
        screen = step_screen(at)
        self.app.pop_screen()
        if screen is not None:
            self.app.push_screen(screen)
