"""What every screen of the desk shares."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

# The frame every step screen shares; absolute, because Textual resolves a relative
# CSS_PATH beside the file of the concrete screen class, wherever it lives.
STEP_CSS = Path(__file__).with_name("step.tcss")


class DeskScreen(Screen):
    """A screen whose footer keys read in the station's language, and whose timers (the
    header clock, change polling) rest while another screen is on top of it.

    A hidden screen's ticking clock makes Textual repaint the whole visible screen every
    second (measured: 20 KB/s of output at 160x40 instead of 0.1 KB/s), which a key
    press then has to wait behind. Textual runs ``on_mount`` and the screen events of
    every class in the hierarchy, so subclasses keep their own handlers.
    """

    def on_mount(self) -> None:
        from deskapp.app import localize_bindings

        localize_bindings(self, self.app.tr)

    def _timers_here(self):
        for node in (self, *self.query("*")):
            yield from list(node._timers)

    def on_screen_suspend(self) -> None:
        for timer in self._timers_here():
            timer.pause()

    def on_screen_resume(self) -> None:
        for timer in self._timers_here():
            timer.resume()

    def report(self, message: str, error: bool = False) -> None:
        """Say something on the screen's status line (``#status``), cleaned; red if ``error``."""
        from textual.widgets import Static

        from deskapp.rules.text import clean

        status = self.query_one("#status", Static)
        status.update(clean(message))
        status.set_class(error, "error")


class StepScreen(DeskScreen):
    """One step of the flow for one order (a bench step, a pickup-counter step): the order at
    a glance, the step's own fields from :meth:`form`, a status line, and the standard
    phrases beside them; Escape goes back. Styles: ``step.tcss``."""

    CSS_PATH = STEP_CSS
    SUMMARY_MARKUP = False  # the summary shows stored text; a subclass that adds markup escapes it

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number

    def compose(self):
        from deskapp.screens.widgets import DeskHeader, Teleprompter
        from textual.containers import Horizontal, VerticalScroll
        from textual.widgets import Footer, Static

        yield DeskHeader()
        with Horizontal(classes="step-layout"):
            with VerticalScroll(classes="step-form"):
                yield Static("", id="step-summary", markup=self.SUMMARY_MARKUP)
                yield from self.form()
                yield Static("", id="status", markup=False)
            yield Teleprompter(id="prompter")
        yield Footer()

    def form(self):
        return iter(())

    def action_back(self) -> None:
        self.app.pop_screen()
