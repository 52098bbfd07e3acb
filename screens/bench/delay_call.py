"""A delay told to the customer before the promise breaks: the apology phrase with the
customer's name, phone and the part; the call's outcome; the new promise."""

from __future__ import annotations

import datetime as dt

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import FormField, clear_field_errors
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, RadioButton, RadioSet, Static

from deskapp.bench.calls import DELAYS, OUTCOMES
from deskapp.rules.text import clean


class DialogBody(VerticalScroll):
    """The dialog's scrolling body. :meth:`bring` scrolls a widget into view once the layout has
    given it its new height (an error label just shown): after the refresh, and again on the
    resize the new height causes, when the first one came too early."""

    _target = None

    def bring(self, widget) -> None:
        self._target = widget
        self.call_after_refresh(self._scroll)

    def on_resize(self) -> None:
        self._scroll()
        self._target = None

    def _scroll(self) -> None:
        if self._target is not None and self._target.is_mounted:
            self._target.scroll_visible(animate=False, immediate=True)


class DelayScreen(DeskScreen, ModalScreen):
    """The call is recorded in a worker; the script is read on the UI thread (two single rows,
    on the reading connection, which never waits for the write lock)."""

    # At 80x24 the dialog is taller than the screen: its body scrolls (an error below the fold is
    # scrolled into view when it is said) and the footer under it keeps the keys in sight.
    DEFAULT_CSS = """
    DelayScreen { align: center middle; }
    #delay { width: 80; max-width: 100%; height: auto; max-height: 100%; border: thick $warning; padding: 0 2;
             background: $surface; scrollbar-gutter: stable; }
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
        with DialogBody(id="delay"):
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
        yield Footer()

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
            self.bring_into_view(field)
            return
        self.ask("delay_call", record_delay_call, self.app.station, self.app.actor, self.number, kind=self.kind(),
                 outcome=outcome, new_due=new_due.replace(tzinfo=self.app.station.tz),
                 part=self.query_one("#part", Input).value)

    def show_refusal(self, error) -> None:
        """Under its field or on the status line, and scrolled into view (the body is taller
        than a 24-line screen)."""
        from deskapp.rules.errors import ValidationError

        super().show_refusal(error)
        field = self.query(f"#field-{error.field}") if isinstance(error, ValidationError) else None
        self.bring_into_view(field.first() if field else self.query_one("#status", Static))

    def bring_into_view(self, widget) -> None:
        self.query_one("#delay", DialogBody).bring(widget)

    def answered_delay_call(self, _result) -> None:
        self.app.notify(self.app.tr.t("bench.delay_recorded"), markup=False)
        self.dismiss(True)
