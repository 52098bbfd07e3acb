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
    "Input": "textual_panel.input",
    # the keys panel (Textual's Keys command): every key of the focused field
    "Next field": "textual_keys.focus_next",
    "Previous field": "textual_keys.focus_previous",
    "Open the command palette": "textual_keys.open_palette",
    "Scroll Up": "textual_keys.scroll_up",
    "Scroll Down": "textual_keys.scroll_down",
    "Scroll Left": "textual_keys.scroll_left",
    "Scroll Right": "textual_keys.scroll_right",
    "Scroll Home": "textual_keys.scroll_home",
    "Scroll End": "textual_keys.scroll_end",
    "Page Up": "textual_keys.page_up",
    "Page up": "textual_keys.page_up",
    "Page Down": "textual_keys.page_down",
    "Page down": "textual_keys.page_down",
    "Page Left": "textual_keys.page_left",
    "Page Right": "textual_keys.page_right",
    "Move cursor left": "textual_keys.cursor_left",
    "Move cursor left and select": "textual_keys.cursor_left_select",
    "Move cursor left a word": "textual_keys.word_left",
    "Move cursor left a word and select": "textual_keys.word_left_select",
    "Move cursor right or accept the completion suggestion": "textual_keys.cursor_right",
    "Move cursor right and select": "textual_keys.cursor_right_select",
    "Move cursor right a word": "textual_keys.word_right",
    "Move cursor right a word and select": "textual_keys.word_right_select",
    "Cut selected text": "textual_keys.cut",
    "Delete character left": "textual_keys.delete_left",
    "Delete all to the left": "textual_keys.delete_left_all",
    "Delete left to start of word": "textual_keys.delete_left_word",
    "Delete character right": "textual_keys.delete_right",
    "Delete all to the right": "textual_keys.delete_right_all",
    "Delete right to start of word": "textual_keys.delete_right_word",
    "Go to end": "textual_keys.go_end",
    "Go to start": "textual_keys.go_start",
    "Select line end": "textual_keys.select_end",
    "Select line start": "textual_keys.select_start",
    "Select all": "textual_keys.select_all",
    "Cursor up": "textual_keys.cursor_up",
    "Cursor down": "textual_keys.cursor_down",
    "Cursor left": "textual_keys.cursor_left_cell",
    "Cursor right": "textual_keys.cursor_right_cell",
    "Up": "textual_keys.up",
    "Down": "textual_keys.down",
    "First": "textual_keys.first",
    "Last": "textual_keys.last",
    "Top": "textual_keys.top",
    "Bottom": "textual_keys.bottom",
    "Home": "textual_keys.home",
    "End": "textual_keys.end",
    "Next option": "textual_keys.next_option",
    "Previous option": "textual_keys.previous_option",
    "Next command": "textual_keys.next_command",
    "Previous command": "textual_keys.previous_command",
    "Next page": "textual_keys.next_page",
    "Previous page": "textual_keys.previous_page",
    "Go to top": "textual_keys.go_top",
    "Go to bottom": "textual_keys.go_bottom",
}


def say(tr, english: str) -> str:
    """``english`` (Textual's wording) in ``tr``'s language, or as it is if not listed."""
    key = WORDS.get(english)
    return tr.t(key) if key and tr.has(key) else english


_spoken: dict[tuple[int, str], object] = {}


def speak_bindings(active: dict, tr) -> dict:
    """Active bindings (``Screen.active_bindings``) with the descriptions (and tooltips) Textual
    wrote for its own widgets' keys in ``tr``'s language: the footer, the palette and the keys
    panel read them from here."""
    out = {}
    for key, item in active.items():
        node = item.node
        if type(node).BINDING_GROUP_TITLE in WORDS and "BINDING_GROUP_TITLE" not in vars(node):
            node.BINDING_GROUP_TITLE = say(tr, type(node).BINDING_GROUP_TITLE)  # the keys panel's "Input"
        binding = item.binding
        if binding.description in WORDS or binding.tooltip in WORDS:
            cache_key = (id(binding), tr.locale)
            spoken = _spoken.get(cache_key)
            if spoken is None or spoken[0] is not binding:
                spoken = _spoken[cache_key] = (binding, replace(binding, description=say(tr, binding.description),
                                                                tooltip=say(tr, binding.tooltip)))
            item = item._replace(binding=spoken[1], tooltip=say(tr, item.tooltip))
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
