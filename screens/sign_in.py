"""Sign-in: the terminal's staff member picks themself and enters their PIN."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, FormField
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from deskapp.rules.text import clean


class SignInScreen(DeskScreen):
    CSS_PATH = "sign_in.tcss"

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        with Center():
            with Vertical(id="sign-in"):
                yield Label(tr.t("signin.title"), id="sign-in-title")
                yield Label(tr.t("signin.pick"), classes="field-label")
                yield OptionList(id="staff", markup=False)  # staff names are stored text
                yield FormField(tr.t("signin.pin"), "pin", password=True, max_length=8)
                yield Label("", id="station-problem")
        yield Footer()

    def on_mount(self) -> None:
        from deskapp.records.staff import list_staff

        station = self.app.open_station_now()
        if station is not None:  # the usual case: the staff list is in the first paint
            self.show_staff(list_staff(station), station)
        else:  # a new file, one to migrate, or one we cannot read: in a worker
            self.load_staff()

    def on_screen_resume(self) -> None:
        """Back here after signing out: nothing of the last person's PIN stays."""
        self.query_one("#pin", Input).value = ""
        self.query_one("#field-pin", FormField).clear_error()
        self.query_one("#staff", OptionList).focus()

    @work(thread=True, exclusive=True)
    def load_staff(self) -> None:
        from deskapp.records.staff import list_staff
        from deskapp.rules.errors import DeskError

        try:
            station = self.app.open_station()
        except DeskError as exc:  # a file too new, not a station, unreadable: say so, do not crash
            self.app.call_from_thread(self.show_problem, exc.render(self.app.tr))
            return
        self.app.call_from_thread(self.show_staff, list_staff(station), station)

    def show_staff(self, members, station) -> None:
        tr = station.tr
        self.query_one("#sign-in-title", Label).update(tr.t("signin.title_station", station=clean(station.config.text("name", tr.locale))))
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
        from deskapp.records.staff import sign_in
        from deskapp.rules.errors import DeskError

        tr = self.app.tr
        staff_list = self.query_one("#staff", OptionList)
        field = self.query_one("#field-pin", FormField)
        if staff_list.highlighted is None:
            field.set_error(tr.t("signin.pick_first"))
            return
        member = self._members[staff_list.get_option_at_index(staff_list.highlighted).id]
        try:
            staff = sign_in(self.app.station, member.name, event.value, self.app.terminal)
        except DeskError as exc:
            field.set_error(exc.render(tr))
            event.input.value = ""
            return
        field.clear_error()
        self.app.signed_in(staff)
