"""Text hygiene: what staff type, what scanners send and what we print or show.

Anything that reaches a printer or the terminal goes through :func:`clean` first: no
control bytes, no escape sequences, no bidi overrides that could reorder a printed
line, and Unicode in NFC so the same name is stored one way.
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


def clean(text: object, *, multiline: bool = False) -> str:
    """Return ``text`` safe for a terminal or a printer.

    Escape sequences are removed whole, remaining control and format characters
    (C0, C1, DEL, bidi overrides, zero-width marks) are dropped, tabs become spaces,
    and unless ``multiline`` newlines become spaces. Leading/trailing blanks go.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text))
    s = _ESCAPES.sub("", s)
    out = []
    for ch in s:
        if ch == "\n" and multiline:
            out.append(ch)
        elif ch in "\t\r\n\v\f":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            continue
        else:
            out.append(ch)
    s = "".join(out)
    if multiline:
        return "\n".join(line.strip() for line in s.split("\n")).strip()
    return re.sub(r" {2,}", " ", s).strip()


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_phone(phone: str) -> str:
    """0912345678 -> 0912***678: enough for the customer to recognise, not to misuse."""
    if len(phone) <= 6:
        return phone[:2] + "*" * max(0, len(phone) - 2)
    return phone[:4] + "*" * (len(phone) - 7) + phone[-3:]
