"""A delay told to the customer before the promise breaks: the apology phrase with the
customer's name, phone and the part; the call's outcome; the new promise."""

from __future__ import annotations

import datetime as dt

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import FormField, clear_field_errors
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from deskapp.bench.calls import DELAYS, OUTCOMES
from deskapp.rules.text import clean


class DelayScreen(DeskScreen, ModalScreen):
    """The call is recorded in a worker; the script is read on the UI thread (two single rows,
    on the reading connection, which never waits for the write lock)."""

    DEFAULT_CSS = """
    DelayScreen { align: center middle; }
    #delay { width: 80; max-width: 100%; height: auto; max-height: 100%; border: thick $warning; padding: 0 2;
             background: $surface; }
    #delay RadioSet { width: 100%; }
    #script { border: round $accent; padding: 0 1; margin: 1 0; }
    #status { height: auto; }
    #status.error { color: $error; }
    """
    BINDINGS = [Binding("ctrl+s", "record", "Record call", priority=True), Binding("escape", "dismiss", "Cancel")]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        from deskapp.orders.model import get_order
        from deskapp.rules.dates import local_time

        tr = self.app.tr
        order = get_order(self.app.station, self.number)
        with Vertical(id="delay"):
            yield Label(tr.t("bench.delay_title", number=self.number), markup=False)
            with RadioSet(id="kind"):
                for kind in DELAYS:
                    yield RadioButton(tr.t(f"bench.delay_{kind}"), id=f"kind-{kind}", value=kind == "part")
            yield FormField(tr.t("bench.part"), "part")
            yield Static("", id="script", markup=False)
            with RadioSet(id="outcome"):
                for outcome in OUTCOMES:
                    yield RadioButton(tr.t(f"bench.outcome_{outcome}"), id=f"outcome-{outcome}", value=outcome == "reached")
            yield FormField(tr.t("bench.new_promise", now=local_time(self.app.station, order.promised_at)), "new_due",
                            placeholder=tr.t("format.datetime"))
            yield Static("", id="status", markup=False)

    def on_mount(self) -> None:
        self.update_script()
        self.query_one("#part", Input).focus()

    @on(Input.Changed, "#part")
    @on(RadioSet.Changed, "#kind")
    def update_script(self) -> None:
        from deskapp.bench.calls import delay_script

        s = delay_script(self.app.station, self.number, self.kind(), self.query_one("#part", Input).value)
        self.query_one("#script", Static).update(  # the customer's name and the part typed: not markup
            Content.assemble((clean(s["customer"]), "bold"), f"  {', '.join(s['phones'])}\n{clean(s['phrase'])}"))

    def kind(self) -> str:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return pressed.id.removeprefix("kind-") if pressed else "part"

    def action_record(self) -> None:
        from deskapp.bench.calls import record_delay_call

        tr = self.app.tr
        pressed = self.query_one("#outcome", RadioSet).pressed_button
        outcome = pressed.id.removeprefix("outcome-") if pressed else ""
        field = self.query_one("#field-new_due", FormField)
        clear_field_errors(self)
        self.report("")
        try:
            new_due = dt.datetime.strptime(self.query_one("#new_due", Input).value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            field.set_error(tr.t("bench.new_promise_format"))
            return
        self.ask("delay_call", record_delay_call, self.app.station, self.app.actor, self.number, kind=self.kind(),
                 outcome=outcome, new_due=new_due.replace(tzinfo=self.app.station.tz),
                 part=self.query_one("#part", Input).value)

    def answered_delay_call(self, _result) -> None:
        self.app.notify(self.app.tr.t("bench.delay_recorded"), markup=False)
        self.dismiss(True)
