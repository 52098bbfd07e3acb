"""Small widgets shared by the flow's screens."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Label, Static
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle

from deskapp.rules.text import clean


def shown(text: object) -> str:
    """Stored or typed text placed inside Textual markup: cleaned, and its brackets escaped
    (a name like "[VIP]" stays visible, "[/]" cannot break the line)."""
    from textual.markup import escape

    return escape(clean(text))


class Teleprompter(Static):
    """The standard phrases for the current step, for staff to read to the customer."""

    DEFAULT_CSS = """
    Teleprompter {
        border: round $accent;
        padding: 0 1;
        height: auto;
        max-height: 100%;
    }
    """

    def __init__(self, *args, **kwargs) -> None:
        # phrases carry customers' names and typed text: shown as they are, never read as markup
        super().__init__(*args, markup=False, **kwargs)

    def show(self, title: str, phrases: list[str]) -> None:
        """Each phrase in the quotation marks of the station's language."""
        opening, closing = ("“", "”") if self.app.tr.locale == "en" else ("「", "」")
        from textual.content import Content

        self.border_title = Content(clean(title))  # a customer's name in it is not markup
        self.update("\n\n".join(f"{opening}{clean(p)}{closing}" for p in phrases))


class DeskInput(Input):
    """An input that takes no more than its ``max_length`` as the text arrives: a paste is cut
    to what fits at the cursor (Textual's own Input refused such a paste whole, and without a
    limit took 10,000 characters, which every later key then had to re-measure), and it says
    so with :class:`DeskInput.Cut`. A paste keeps its first line, as Textual's does; the
    text is looked at only up to what fits, so a paste of any size costs the same."""

    class Cut(Message):
        def __init__(self, input: "DeskInput", pasted: int, kept: int) -> None:
            super().__init__()
            self.input = input
            self.pasted = pasted
            self.kept = kept

        @property
        def control(self) -> "DeskInput":
            return self.input

    class Full(Message):
        """A character typed into a field already at its ``max_length`` (Textual drops it silently)."""

        def __init__(self, input: "DeskInput") -> None:
            super().__init__()
            self.input = input

        @property
        def control(self) -> "DeskInput":
            return self.input

    edited_by_hand = False  # a key or a paste since the last error said about this field

    # Textual's Input sets its virtual size (its text's width) on every key, and a virtual
    # size change lays out the whole screen again: on a form of six steps that was most of
    # what a key cost. An input's own size never follows its text (width 100%, one line),
    # so its scrolling needs the new figure, not a new layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def _on_key(self, event) -> None:
        self.edited_by_hand = True
        start, end = self.selection
        if event.is_printable and self.max_length and start == end and len(self.value) >= self.max_length:
            self.post_message(self.Full(self))

    def _on_paste(self, event) -> None:
        self.edited_by_hand = True
        event.stop()
        event.prevent_default()
        text = event.text
        if not text:
            return
        start, end = sorted(self.selection)
        room = (self.max_length - (len(self.value) - (end - start))) if self.max_length else len(text)
        head = text[: max(0, room) + 1]  # one more, to know whether the paste goes on
        line = head.splitlines()[0] if head else ""
        kept = line[: max(0, room)]
        if kept:
            self.replace(kept, start, end)
        if len(line) > len(kept):  # the first line did not fit
            self.post_message(self.Cut(self, len(text), len(kept)))


class FormField(Vertical):
    """A label, an input and the place for its error message, right under it."""

    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 0; }
    FormField > .field-label { color: $text-muted; width: 100%; }  /* a long label wraps, never cut */
    FormField > .field-error { color: $error; height: auto; width: 100%; }
    """

    def __init__(self, label: str, field_id: str, *, placeholder: str = "", password: bool = False,
                 value: str = "", max_length: int = 0) -> None:
        super().__init__(id=f"field-{field_id}")
        self.field_id = field_id
        self._label = label
        from deskapp.rules.validate import text_limit

        self._input = DeskInput(value=value, placeholder=placeholder, password=password, id=field_id, compact=True,
                                max_length=max_length or text_limit(field_id))

    def compose(self) -> ComposeResult:
        # labels and errors carry typed or stored text (an order number typed in, a name): never markup
        yield Label(clean(self._label), classes="field-label", markup=False)
        yield self._input
        yield Label("", classes="field-error", id=f"{self.field_id}-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(".field-error", Label).display = False

    def set_error(self, message: str) -> None:
        label = self.query_one(".field-error", Label)
        label.update(clean(message))
        label.display = True
        self.query_one(Input).add_class("-invalid")
        self._input.edited_by_hand = False

    def on_desk_input_cut(self, event: DeskInput.Cut) -> None:
        event.stop()
        self.set_error(paste_cut_message(self.app.tr, event))

    def on_desk_input_full(self, event: DeskInput.Full) -> None:
        event.stop()
        self.set_error(self.app.tr.t("paste.full", max=event.input.max_length))

    def on_input_changed(self, event: Input.Changed) -> None:
        # Staff changed what the error was about: it goes (the next check says it again if
        # it still holds). A value the screen set (a PIN cleared after a wrong one) is not that.
        if event.input is self._input and self._input.edited_by_hand:
            self.clear_error()

    def clear_error(self) -> None:
        label = self.query_one(".field-error", Label)
        if not label.display:
            return  # nothing said: a key typed costs no new layout of the screen
        label.update("")
        label.display = False
        self.query_one(Input).remove_class("-invalid")


def paste_cut_message(tr, cut: DeskInput.Cut) -> str:
    return tr.t("paste.cut", length=f"{cut.pasted:,}", max=cut.input.max_length, kept=cut.kept)


def show_field_error(screen: Widget, field: str, message: str) -> bool:
    """Put ``message`` under the field named ``field``; False if the screen has no such field."""
    found = screen.query(f"#field-{field}")
    if not found:
        return False
    found.first(FormField).set_error(message)
    return True


def clear_field_errors(screen: Widget) -> None:
    for f in screen.query(FormField):
        f.clear_error()


class MinuteClock(HeaderClockSpace):
    """The header clock as staff read it: hours and minutes, redrawn when the minute turns
    (by the app's one watch, which no screen pauses: a clock with timers of its own stopped
    while a dialog was open over its screen).

    Textual's own clock shows seconds, so every screen repainted part of itself every
    second for a figure nobody at a counter reads; this one repaints once a minute.
    """

    DEFAULT_CSS = """
    MinuteClock {
        background: $foreground-darken-1 5%;
        color: $foreground;
        text-opacity: 85%;
        content-align: center middle;
    }
    """

    def now(self) -> dt.datetime:
        """The app's clock (the station's, e.g. a fixed one in tests) if it has one, else the
        machine's; in the local time zone."""
        clock = getattr(self.app, "clock", None)
        return clock().astimezone() if clock is not None else dt.datetime.now()

    def render(self):
        return self.now().strftime("%H:%M")


class DeskHeader(Header):
    """The header every desk screen wears: title, and the station's time to the minute."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield MinuteClock()


class StationTable(DataTable):
    """A table whose header line follows its columns as rows widen them.

    Textual 8.2.8 measures rows added after the first paint on idle and widens the columns,
    but only clears its line caches when a row has an automatic height: a header painted
    before the rows arrived (rows come from a worker) stayed at the labels' widths above the
    wider rows, depending on whether a paint fell between the two.

    Home and End go to the first and the last order, as in any list (Textual's DataTable
    moves a row cursor nowhere on Home: it scrolls to the leftmost column)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    async def _on_idle(self, event) -> None:
        before = [column.get_render_width(self) for column in self.ordered_columns]
        await super()._on_idle(event)
        if [column.get_render_width(self) for column in self.ordered_columns] != before:
            self._clear_caches()
            self.refresh()
