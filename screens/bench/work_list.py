"""The repair bench's home: my work list (what is due first, at-risk and overdue marked),
the unassigned pool, scanning a device tag to open its order, handing an order over."""

from __future__ import annotations

from deskapp.screens.base import DeskScreen
from deskapp.screens.widgets import DeskHeader, DeskInput, FormField, StationTable
from deskapp.rules.validate import text_limit
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from deskapp.rules.text import clean

STATUS_STYLE = {"ok": "", "at_risk": "bold yellow", "overdue": "bold red"}


class WorkListScreen(DeskScreen):
    CSS_PATH = "bench.tcss"
    # Side by side from 120 columns; narrower, one table at a time (p switches).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("enter", "open_order", "Open", show=True),
        Binding("p", "toggle_pool", "Pool / my work"),
        Binding("t", "take", "Take from pool"),
        Binding("g", "give", "Hand to colleague"),
        Binding("slash", "scan", "Scan / find"),
        Binding("n", "notify", "To notify"),
        Binding("f5", "reload", "Refresh"),
    ]

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        yield DeskHeader()
        # kept shallow: each cursor key's messages bubble up through every container
        yield DeskInput(placeholder=tr.t("bench.scan_hint"), id="scan", compact=True, max_length=text_limit("order_number"))
        yield Label("", id="scan-error", classes="field-error", markup=False)
        with Horizontal(id="tables"):
            with Vertical(id="mine-column"):
                yield Label(tr.t("bench.my_work"), classes="section")
                with Vertical(classes="table-box"):  # the table's 100% is what is left under its title
                    yield StationTable(id="mine", cursor_type="row", zebra_stripes=True)
            with Vertical(id="pool-column"):
                yield Label(tr.t("bench.pool"), classes="section")
                with Vertical(classes="table-box"):  # the table's 100% is what is left under its title
                    yield StationTable(id="pool", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        tr = self.app.tr
        for table_id in ("#mine", "#pool"):
            table = self.query_one(table_id, DataTable)
            table.add_columns(tr.t("cli.col_number"), tr.t("cli.col_customer"), tr.t("cli.col_device"),
                              tr.t("cli.col_state"), tr.t("bench.due"), tr.t("bench.left"))
        self._version = None
        self.reload()
        self.query_one("#mine", DataTable).focus()

    def station_changed(self) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Both lists read in a worker (2,000 rows take a while); shown by :meth:`answered_worklist`."""
        self.reread("worklist", work_lists, self.app.station, self.app.actor.staff_id)

    def answered_worklist(self, lists) -> None:
        self.show(*lists)

    def show(self, mine, pool, version) -> None:
        self._version = version
        for table_id, items in (("#mine", mine), ("#pool", pool)):
            # The minutes left change every minute; only a change of the orders themselves (or of
            # their at-risk/overdue flag) rebuilds the table, which costs ~0.4 ms a row.
            shape = [(i.number, i.state, i.due_at, i.status, i.sent_back) for i in items]
            if getattr(self, f"_shown_{table_id[1:]}", None) == shape:
                continue
            setattr(self, f"_shown_{table_id[1:]}", shape)
            table = self.query_one(table_id, DataTable)
            self._numbers = getattr(self, "_numbers", {})
            before = self._numbers.get(table_id, [])
            keep = table.cursor_row
            on = before[keep] if 0 <= keep < len(before) else None
            table.clear()
            table.add_rows([self.cells(item) for item in items])
            self._numbers[table_id] = numbers = [item.number for item in items]
            if items:  # the cursor stays on its order when others come and go above it
                table.move_cursor(row=numbers.index(on) if on in numbers else min(keep, len(items) - 1),
                                  animate=False)

    def cells(self, item) -> list:
        from deskapp.rules.dates import local_time, to_db

        self._day_minutes = self.app.station.service_hours.day_minutes
        tr = self.app.tr
        style = STATUS_STYLE[item.status]
        due = local_time(self.app.station, to_db(item.due_at))[5:] if item.due_at else "-"  # MM-DD HH:MM
        if item.minutes_left is None:
            left = "-"
        elif item.status == "overdue":
            left = tr.t("bench.overdue", time=span(tr, -item.minutes_left, self._day_minutes))
        else:
            left = tr.t("bench.minutes_left", time=span(tr, item.minutes_left, self._day_minutes))
        flag = {"ok": "", "at_risk": "⚠", "overdue": "✖"}[item.status]
        device = item.model or tr.t(f"product_line.{item.product_line}")
        # One styled cell per row, two for an order sent back or a rework: plain strings render
        # (and scroll) faster. The due time needs no word: the state says which promise it is.
        state = tr.t(f"state.{item.state}")
        if item.sent_back or item.rework:
            mark = tr.t("bench.mark_sent_back" if item.sent_back else "bench.mark_rework")
            state = Text.assemble((mark, "bold red" if item.sent_back else "bold yellow"), " ", state)
        return [item.number, Text(clean(item.customer)), Text(clean(device)), state,
                due, Text(flag + left, style=style) if style else left]

    def selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        return self._numbers[table_id][table.cursor_row]

    # ---- actions

    def action_open_order(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            number = self.selected(f"#{focused.id}")
            if number:
                open_order(self.app, number)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a row opens the order."""
        open_order(self.app, self._numbers[f"#{event.data_table.id}"][event.cursor_row])

    def action_toggle_pool(self) -> None:
        showing = not self.has_class("-show-pool")
        self.set_class(showing, "-show-pool")
        self.query_one("#pool" if showing else "#mine", DataTable).focus()

    def action_take(self) -> None:
        from deskapp.bench.work_list import take

        number = self.selected("#pool")
        if number is None:
            return
        self.ask("take", take, self.app.station, self.app.actor, number)

    def answered_take(self, order) -> None:
        self.say(self.app.tr.t("bench.taken", number=order.number))
        self.reload()

    def refused_take(self, error) -> None:  # taken by someone else meanwhile: said, and the lists re-read
        self.show_refusal(error)
        self.reload()

    def action_give(self) -> None:
        number = self.selected("#mine")
        if number:
            self.app.push_screen(GiveScreen(number), lambda _: self.reload())

    def action_scan(self) -> None:
        self.query_one("#scan", Input).focus()

    def action_notify(self) -> None:
        from deskapp.screens.bench.notify import NotifyScreen

        self.app.push_screen(NotifyScreen())

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        """A device tag scanned (or a number typed): open its order."""
        from deskapp.orders.model import get_order
        from deskapp.rules.errors import DeskError

        label = self.query_one("#scan-error", Label)
        try:
            order = get_order(self.app.station, event.value)
        except DeskError as exc:
            label.update(clean(exc.render(self.app.tr)))
            label.display = True
            return
        label.update("")
        label.display = False
        event.input.value = ""
        open_order(self.app, order.number)


def work_lists(station, staff_id: int) -> tuple:
    """In the worker: my work, the pool, and the file's version read before them (a change
    made while they are read is seen by the next poll)."""
    from deskapp.bench.work_list import my_work, unassigned_pool

    version = station.store.data_version()
    return my_work(station, staff_id), unassigned_pool(station), version


def span(tr, minutes: int, day_minutes: int = 24 * 60) -> str:
    """45 min, 3 h 20 min, 2 working days 4 h: what a person reads at a glance. The minutes are
    the station's open minutes, so a day is an open day (``day_minutes``, from its service
    hours): 30 open hours are 3 working days and a half, not "1 d 6 h"."""
    if minutes < 60:
        return tr.t("bench.span_minutes", m=minutes)
    if minutes < day_minutes:
        return tr.t("bench.span_hours", h=minutes // 60, m=minutes % 60)
    return tr.t("bench.span_days", d=minutes // day_minutes, h=minutes % day_minutes // 60)


def open_order(app, number: str) -> None:
    """The bench screen for the order's step: diagnosis, quote, or repair."""
    from deskapp.orders.model import get_order

    order = get_order(app.station, number)
    state = str(order.state)
    if state in ("received", "diagnosing"):
        from deskapp.screens.bench.diagnosis import DiagnosisScreen

        app.push_screen(DiagnosisScreen(order.number))
    elif state in ("awaiting_approval", "approved"):
        from deskapp.screens.bench.quote import QuoteScreen

        app.push_screen(QuoteScreen(order.number))
    elif state in ("in_repair", "waiting_parts"):
        from deskapp.screens.bench.repair import RepairScreen

        app.push_screen(RepairScreen(order.number))
    else:
        app.notify(app.tr.t("bench.not_on_bench", number=order.number, state=app.tr.t(f"state.{state}")),
                   markup=False)


class GiveScreen(DeskScreen, ModalScreen):
    """Hand an order to a colleague, with the reason. Colleagues are read, and the hand-over
    written, in a worker; a refusal is said under the reason."""

    DEFAULT_CSS = """
    GiveScreen { align: center middle; }
    #give { width: 64; max-width: 100%; height: auto; border: thick $primary; padding: 1 2; background: $surface; }
    #give Horizontal { height: auto; margin-top: 1; }
    #give #status { height: auto; width: 1fr; padding: 1 0 0 2; }
    #give #status.error { color: $error; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(id="give"):
            yield Label(tr.t("bench.give_title", number=self.number), markup=False)
            yield Select([], id="colleague", prompt=tr.t("pre.pick"))
            yield FormField(tr.t("bench.give_reason"), "give_reason")
            with Horizontal():
                yield Button(tr.t("key.confirm"), variant="primary", id="give-ok")
                yield Static("", id="status", markup=False)
        yield Footer()  # Esc to cancel, in sight as on every screen

    def on_mount(self) -> None:
        from deskapp.reception.hand_off import engineer_load

        self.ask("colleagues", engineer_load, self.app.station)

    def answered_colleagues(self, load) -> None:
        tr = self.app.tr
        # engineers' names are stored text: options as Text, never markup
        self.query_one("#colleague", Select).set_options(
            [(Text(f"{clean(name)} ({tr.t('handoff.open_count', count=count)})"), sid)
             for name, sid, count in load if sid != self.app.actor.staff_id])

    @on(Button.Pressed, "#give-ok")
    @on(Input.Submitted, "#give_reason")
    def confirm(self) -> None:
        from deskapp.bench.work_list import give

        field = self.query_one("#field-give_reason", FormField)
        field.clear_error()
        colleague = self.query_one("#colleague", Select).value
        if not isinstance(colleague, int):
            field.set_error(self.app.tr.t("bench.pick_colleague"))
            return
        self.ask("give", give, self.app.station, self.app.actor, self.number, colleague,
                 self.query_one("#give_reason", Input).value)

    def answered_give(self, _order) -> None:
        self.dismiss(True)

    def refused_give(self, error) -> None:
        self.query_one("#field-give_reason", FormField).set_error(error.render(self.app.tr))


class FindOrderScreen(ModalScreen):
    """F4 on any screen: scan the device tag (or type the number) to open the order."""

    DEFAULT_CSS = """
    FindOrderScreen { align: center middle; }
    #find { width: 60; max-width: 100%; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="find"):
            yield FormField(self.app.tr.t("bench.scan_hint"), "find_number")

    def on_mount(self) -> None:
        from deskapp.screens.base import localize_bindings

        localize_bindings(self, self.app.tr)  # its Esc in the palette in the station's language
        self.query_one("#find_number", Input).focus()

    @on(Input.Submitted, "#find_number")
    def found(self, event: Input.Submitted) -> None:
        from deskapp.orders.model import get_order
        from deskapp.rules.errors import DeskError

        try:  # one row, on its own reading connection: never waits for the write lock
            order = get_order(self.app.station, event.value)
        except DeskError as exc:
            self.query_one("#field-find_number", FormField).set_error(exc.render(self.app.tr))
            return
        self.dismiss(True)
        open_order(self.app, order.number)
