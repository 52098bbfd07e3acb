"""What every screen of the desk shares."""

from __future__ import annotations

from textual.screen import Screen


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
