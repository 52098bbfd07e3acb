"""Queue numbers in very large type for a room: a 3x5 block font scaled to the widget's size,
so the same board reads at 80x24 and on a TV at 240x67 (Textual's Digits is 3 rows high
at any size and has no letters beyond A-F)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

FONT = {
    "0": ("###", "#.#", "#.#", "#.#", "###"), "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"), "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"), "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"), "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"), "9": ("###", "#.#", "###", "..#", "###"),
    "A": (".#.", "#.#", "###", "#.#", "#.#"), "B": ("##.", "#.#", "##.", "#.#", "##."),
    "C": (".##", "#..", "#..", "#..", ".##"), "D": ("##.", "#.#", "#.#", "#.#", "##."),
    "E": ("###", "#..", "##.", "#..", "###"), "F": ("###", "#..", "##.", "#..", "#.."),
    "G": (".##", "#..", "#.#", "#.#", ".##"), "H": ("#.#", "#.#", "###", "#.#", "#.#"),
    "I": ("###", ".#.", ".#.", ".#.", "###"), "J": ("..#", "..#", "..#", "#.#", ".#."),
    "K": ("#.#", "#.#", "##.", "#.#", "#.#"), "L": ("#..", "#..", "#..", "#..", "###"),
    "M": ("#.#", "###", "###", "#.#", "#.#"), "N": ("##.", "#.#", "#.#", "#.#", "#.#"),
    "O": (".#.", "#.#", "#.#", "#.#", ".#."), "P": ("##.", "#.#", "##.", "#..", "#.."),
    "Q": (".#.", "#.#", "#.#", "##.", ".##"), "R": ("##.", "#.#", "##.", "#.#", "#.#"),
    "S": (".##", "#..", ".#.", "..#", "##."), "T": ("###", ".#.", ".#.", ".#.", ".#."),
    "U": ("#.#", "#.#", "#.#", "#.#", "###"), "V": ("#.#", "#.#", "#.#", "#.#", ".#."),
    "W": ("#.#", "#.#", "###", "###", "#.#"), "X": ("#.#", "#.#", ".#.", "#.#", "#.#"),
    "Y": ("#.#", "#.#", ".#.", ".#.", ".#."), "Z": ("###", "..#", ".#.", "#..", "###"),
    "-": ("...", "...", "###", "...", "..."), " ": ("...", "...", "...", "...", "..."),
}
ROWS = 5


def pixels(text: str) -> list[str]:
    """The text as 5 rows of pixels ('#' on), a pixel column between characters. A character
    the font lacks is a blank (the board shows codes: letters, digits, '-')."""
    glyphs = [FONT.get(ch.upper(), FONT[" "]) for ch in text]
    return [".".join(g[row] for g in glyphs) for row in range(ROWS)]


def scale_for(text: str, width: int, height: int) -> tuple[int, int] | None:
    """Cells per pixel (across, down) for the largest block letters that fit, kept near square
    (a terminal cell is about twice as high as it is wide); None if even one cell per pixel
    does not fit."""
    if not text:
        return None
    across = max(1, len(pixels(text)[0]))
    pw, ph = width // across, height // ROWS
    if pw < 1 or ph < 1:
        return None
    pw = min(pw, 2 * ph)
    ph = min(ph, pw)
    return pw, ph


def block_lines(text: str, width: int, height: int) -> list[str]:
    """The text in block letters sized for ``width`` x ``height`` cells, centred; the plain
    text when there is no room for blocks."""
    scale = scale_for(text, width, height)
    if scale is None:
        return [text.center(width)] if text else []
    pw, ph = scale
    lines = []
    for row in pixels(text):
        line = "".join(("█" if p == "#" else " ") * pw for p in row)
        lines += [line.center(width)] * ph
    pad = max(0, (height - len(lines)) // 2)
    return [" " * width] * pad + lines


class BigText(Widget):
    """A queue number in block letters as large as the widget allows."""

    DEFAULT_CSS = "BigText { height: 1fr; width: 1fr; }"
    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Text:
        return Text("\n".join(block_lines(self.text, self.size.width, self.size.height)), no_wrap=True)
