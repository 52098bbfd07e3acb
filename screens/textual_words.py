"""Textual's own words in the station's language.

Textual writes some of what staff read itself, in English: the system commands of the
command palette (Theme, Quit, Screenshot...) and its search placeholder, the keys its own
widgets put in the footer (``esc Dismiss menu`` of an open dropdown), a dropdown's blank
prompt. Each English text Textual uses is looked up here by its wording, gettext-style, in
the catalogs' ``textual.*`` keys; a text not listed stays as Textual wrote it.
"""

from __future__ import annotations

from dataclasses import replace

from textual.command import CommandPalette

# Textual 8.2's wording -> our catalog key
WORDS = {
    # the command palette
    "Search for commands…": "textual.search_commands",
    "Search for themes…": "textual.search_themes",
    "No matches found": "textual.no_matches",
    # its system commands: title, then help
    "Theme": "textual.theme",
    "Change the current theme": "textual.theme_help",
    "Quit": "textual.quit",
    "Quit the application as soon as possible": "textual.quit_help",
    "Keys": "textual.keys",
    "Show help for the focused widget and a summary of available keys": "textual.keys_help",
    "Hide the keys and widget help panel": "textual.keys_hide_help",
    "Maximize": "textual.maximize",
    "Maximize the focused widget": "textual.maximize_help",
    "Minimize": "textual.minimize",
    "Minimize the widget and restore to normal size": "textual.minimize_help",
    "Screenshot": "textual.screenshot",
    "Save an SVG 'screenshot' of the current screen": "textual.screenshot_help",
    # keys Textual's widgets bind themselves
    "Dismiss menu": "textual.dismiss_menu",
    "Show menu": "textual.show_menu",
    "Exit the command palette": "textual.exit_palette",
    "Toggle": "textual.toggle",
    "Toggle option": "textual.toggle",
    "Submit": "textual.submit",
    "Select": "textual.select",
    "Copy selected text": "textual.copy",
    "Paste text from the clipboard": "textual.paste",
    "Focus Next": "textual.focus_next",
    "Focus Previous": "textual.focus_previous",
}


def say(tr, english: str) -> str:
    """``english`` (Textual's wording) in ``tr``'s language, or as it is if not listed."""
    key = WORDS.get(english)
    return tr.t(key) if key and tr.has(key) else english


_spoken: dict[tuple[int, str], object] = {}


def speak_bindings(active: dict, tr) -> dict:
    """Active bindings (``Screen.active_bindings``) with the descriptions of Textual's own
    widgets' keys in ``tr``'s language (the footer and the palette read them from here)."""
    out = {}
    for key, item in active.items():
        binding = item.binding
        if binding.description in WORDS and type(item.node).__module__.startswith("textual."):
            cache_key = (id(binding), tr.locale)
            spoken = _spoken.get(cache_key)
            if spoken is None or spoken[0] is not binding:
                spoken = _spoken[cache_key] = (binding, replace(binding, description=say(tr, binding.description)))
            item = item._replace(binding=spoken[1])
        out[key] = item
    return out


def speak_selects(screen, tr) -> None:
    """A dropdown left with Textual's blank prompt ("Select") reads the station's "Choose..."."""
    from textual.widgets import Select

    for select in screen.query(Select):
        if select.prompt == "Select":
            select.prompt = tr.t("pre.pick")


def system_commands(commands, tr):
    """Textual's system commands, their titles and help in ``tr``'s language."""
    for command in commands:
        yield command._replace(title=say(tr, command.title), help=say(tr, command.help))


class DeskPalette(CommandPalette):
    """The command palette, its placeholder and its "no matches" in the station's language."""

    def __init__(self, tr, **kwargs) -> None:
        kwargs.setdefault("placeholder", say(tr, "Search for commands…"))
        super().__init__(**kwargs)
        self._tr = tr

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own (8.2), with its inline "No matches found" in the station's language.
        from rich.align import Align
        from rich.text import Text
        from textual.command import CommandList
        from textual.widgets.option_list import Option

        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(say(self._tr, "No matches found"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
