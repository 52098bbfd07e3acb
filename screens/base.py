"""What every screen of the desk shares."""

from __future__ import annotations

from textual.screen import Screen


class DeskScreen(Screen):
    """A screen whose footer keys read in the station's language.

    Textual runs ``on_mount`` of every class in the hierarchy, so subclasses keep their own.
    """

    def on_mount(self) -> None:
        from deskapp.app import localize_bindings

        localize_bindings(self, self.app.tr)
