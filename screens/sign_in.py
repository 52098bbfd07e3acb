"""Sign-in: the terminal's staff member picks themself and enters their PIN."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, FormField
from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.rules.text import clean


def _open_and_list(app):
    """In a worker: the station (opened, migrated if needed) and its staff, those who signed
    in on this terminal last first (this terminal's memory, see settings.terminal_memory)."""
    from deskapp.records.staff import list_staff
    from deskapp.settings.terminal_memory import first_signed_in_here, recent_staff

    station = app.station or app.open_station()
    return station, first_signed_in_here(list_staff(station), recent_staff(station.store.path, app.terminal))


def _check_pin(station, name: str, pin: str, terminal: str):
    """In a worker: the PIN check (it writes the attempt to the event log), and the
    pre-inspections this terminal left open. Who signed in is first in this terminal's list."""
    from deskapp.reception import drafts
    from deskapp.records.staff import sign_in
    from deskapp.settings.terminal_memory import signed_in_here

    staff = sign_in(station, name, pin, terminal)
    signed_in_here(station.store.path, terminal, staff.name)
    return staff, drafts.open_drafts(station, terminal)


class SignInScreen(DeskScreen):
    CSS_PATH = "sign_in.tcss"

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Center():
            with Vertical(id="sign-in"):
                yield Label(tr.t("signin.title"), id="sign-in-title", markup=False)
                yield Label(tr.t("signin.pick"), classes="field-label")
                # staff names are stored text: shown as they are, never read as markup
                yield OptionList(id="staff", markup=False)
                yield FormField(tr.t("signin.pin"), "pin", password=True, max_length=8)
                yield Label("", id="station-problem", markup=False)
                yield Static("", id="status", markup=False)  # waiting for the station file, in the box
        yield Footer()

    def on_mount(self) -> None:
        self._members = {}
        # An up-to-date file opens on the spot (a connection and one pragma); a new file, one
        # to migrate or one we cannot read is opened in the worker. The staff list is read there.
        self.app.open_station_now()
        self.ask("staff", _open_and_list, self.app)

    def answered_staff(self, result) -> None:
        self.show_staff(*reversed(result))

    def refused_staff(self, error) -> None:
        """A file too new, not a station, unreadable: say so, do not crash."""
        self.show_problem(error.render(self.app.tr))

    def on_screen_resume(self) -> None:
        """Back here after signing out: nothing of the last person's PIN stays."""
        self.query_one("#pin", Input).value = ""
        self.query_one("#field-pin", FormField).clear_error()
        self.query_one("#staff", OptionList).focus()

    def show_staff(self, members, station) -> None:
        tr = station.tr
        self.query_one("#sign-in-title", Label).update(
            tr.t("signin.title_station", station=clean(station.config.text("name", tr.locale))))
        staff_list = self.query_one("#staff", OptionList)
        staff_list.clear_options()
        staff_list.add_options([Option(f"{clean(m.name)}  ·  {tr.t('role.' + m.role)}", id=str(m.id)) for m in members])
        self._members = {str(m.id): m for m in members}
        if members:
            staff_list.highlighted = 0
        staff_list.focus()

    def show_problem(self, message: str) -> None:
        label = self.query_one("#station-problem", Label)
        label.update(clean(message))
        label.add_class("error")

    @on(OptionList.OptionSelected, "#staff")
    def picked(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def submit(self, event: Input.Submitted) -> None:
        tr = self.app.tr
        staff_list = self.query_one("#staff", OptionList)
        field = self.query_one("#field-pin", FormField)
        if staff_list.highlighted is None or self.app.station is None:
            field.set_error(tr.t("signin.pick_first"))
            return
        member = self._members[staff_list.get_option_at_index(staff_list.highlighted).id]
        self.ask("sign_in", _check_pin, self.app.station, member.name, event.value, self.app.terminal)

    def answered_sign_in(self, result) -> None:
        staff, waiting = result
        self.query_one("#field-pin", FormField).clear_error()
        self.app.signed_in(staff, waiting)

    def refused_sign_in(self, error) -> None:
        self.query_one("#field-pin", FormField).set_error(error.render(self.app.tr))
        self.query_one("#pin", Input).value = ""
