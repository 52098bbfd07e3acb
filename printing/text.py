"""Text hygiene: what staff type, what scanners send and what is printed or shown.

The one sanitiser of the station (``deskapp.rules.text`` re-exports it). Anything that
reaches a printer or a terminal goes through :func:`clean` first: no control bytes, no
escape sequences, no bidi overrides that could reorder a printed line, and Unicode in NFC
so the same name is stored one way. :func:`display_width` is the one measure of how many
terminal cells a text takes (East Asian wide and fullwidth characters take two).
"""

from __future__ import annotations

import re
import unicodedata

# CSI/OSC/other ESC sequences, plus C1 CSI (0x9b) forms.
_ESCAPES = re.compile(
    r"(?:\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?)"  # OSC ... BEL / ST
    r"|(?:\x1b\[[0-?]*[ -/]*[@-~])"  # CSI
    r"|(?:\x9b[0-?]*[ -/]*[@-~])"  # C1 CSI
    r"|(?:\x1b[@-Z\\-_])"  # two-byte ESC sequences
)
_SPACES = re.compile(r" {2,}")
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def clean(text: object, *, multiline: bool = False) -> str:
    """Return ``text`` safe for a terminal or a printer.

    Escape sequences are removed whole, remaining control and format characters
    (C0, C1, DEL, bidi overrides, zero-width marks) are dropped, tabs become spaces,
    and unless ``multiline`` newlines become spaces. Leading/trailing blanks go.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").translate(_LINE_BREAKS)
    s = _ESCAPES.sub("", s)
    if s.isprintable():  # no control, format, private or surrogate character, no tab or newline:
        return s.strip() if multiline else _SPACES.sub(" ", s).strip()  # as the loop below would
    out = []
    for ch in s:
        if ch == "\n" and multiline:
            out.append(ch)
        elif ch in "\t\n\v\f":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            out.append(ch)
    s = "".join(out)
    if multiline:
        return "\n".join(line.strip() for line in s.split("\n")).strip()
    return _SPACES.sub(" ", s).strip()


def display_width(text: str) -> int:
    """Terminal cells: East Asian wide/fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
