"""What the commands print on stdout: aligned tables (CJK counts two columns) and JSON.
Every cell goes through :func:`deskapp.rules.text.clean`: stored text never reaches the
terminal as escape sequences."""

from __future__ import annotations

import json
import re

from deskapp.rules.text import clean, display_width


def pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - display_width(text))


def table(rows: list[list[str]]) -> str:
    rows = [[clean(c) for c in row] for row in rows]
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows)


# What json.dumps(ensure_ascii=False) leaves raw although a terminal acts on it: DEL, the C1
# controls (0x9b is CSI on many terminals), line/paragraph separators and bidi overrides.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_text(data) -> str:
    """``data`` as JSON for a terminal: CJK kept readable, every control character escaped
    (``\\u009b``), so the values stay exact for a program and inert on a screen."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def emit_json(data) -> None:
    print(json_text(data))


def lines(texts: list[str]) -> str:
    return "\n".join(clean(t) for t in texts)


def local_time(station, stamp: str | None) -> str:
    """A stored UTC moment as the station's wall clock, or the catalog's "none"."""
    from deskapp.rules.dates import from_db

    moment = from_db(stamp)
    return moment.astimezone(station.tz).strftime("%Y-%m-%d %H:%M") if moment else station.tr.t("cli.none")
