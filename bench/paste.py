"""A long paste into the text fields, measured through a real pseudo-terminal.

10,000 characters are pasted (as a terminal sends a paste: bracketed, ``ESC[200~`` ...
``ESC[201~``) into each long text field of the pre-inspection form, and the time is taken
from the paste written until the screen is responsive again: Ctrl+P, sent right after the
paste, has opened the command palette (the bytes that drew it have arrived). (A key
echoed in the field is no signal: Textual's Input shows a 10,000-character value of wide
characters scrolled wrong, and a full field takes no more keys.) The baseline
is a bare Textual Input receiving the same paste and the same key in the same run.

Before the fix a 10,000-character paste into the fault field took about 90 s (the field
took it all, every later repaint and save measured it); the form now cuts a paste to its
field's length as it arrives and says so.
"""

from __future__ import annotations

import os
import sys
import time

from bench.common import header, row, summary
from bench.ui import BARE_APP, Terminal, pre_inspection_as_reception

PASTE = ("開機後畫面時有時無 flicker " * 600)[:10_000]
CHUNK, CHUNK_GAP_S = 512, 0.002  # a terminal emulator's pace: ~250 KB/s
PALETTE = b"Search"  # the command palette's prompt (Textual's, in English)
BRACKETED = b"\x1b[200~" + PASTE.encode() + b"\x1b[201~"


def send(t: Terminal, data: bytes) -> None:
    """Write all of ``data`` as the terminal would, reading the app's output meanwhile (a
    pty holds a few KB each way: writing 10,000 characters while the app waits to write its
    output would stall both, and a kernel input queue written faster than it is read drops
    bytes). Both apps get the same chunks at the same pace."""
    import select

    while data:
        readable, writable, _ = select.select([t.fd], [t.fd], [], 1.0)
        if readable:
            t.pump(0)
        if writable:
            data = data[os.write(t.fd, data[:CHUNK]):]
            time.sleep(CHUNK_GAP_S)


def responsive_after_paste(t: Terminal, timeout: float = 180.0, paste: bytes = BRACKETED) -> float:
    """Seconds from writing the paste, with Ctrl+P right after it, until the command palette
    is open on screen (the app has taken the paste and is free to handle the next key)."""
    t.settle()
    start = len(t.output)
    sent = time.perf_counter()
    send(t, paste + b"\x10")
    end = sent + timeout
    while PALETTE not in t.output[start:]:
        if time.perf_counter() > end:
            raise TimeoutError("the command palette never opened after the paste")
        t.pump(0.05)
    took = t.last_byte_at - sent  # the palette's first frame (it animates while it gathers commands)
    t.settle()
    t.key(b"\x1b")  # close the palette: back to the form
    return took


def bare(runs: int) -> tuple[list[float], list[float]]:
    """The paste and Ctrl+P; and Ctrl+P alone (no paste), the part that is not the paste."""
    times, alone = [], []
    for i in range(runs):
        t = Terminal([sys.executable, "-c", BARE_APP])
        t.wait_for("READY")
        alone.append(responsive_after_paste(t, paste=b""))
        times.append(responsive_after_paste(t))
        t.close()
    return times, alone


def deskapp_fields(db: str, runs: int) -> dict[str, list[float]]:
    """The fault as told and as restated, the long text fields of the form's first step
    (each field's own limit applies; the others are cut the same way, by the same widget)."""
    results: dict[str, list[float]] = {"palette_alone": [], "fault_told": [], "fault_restated": []}
    for i in range(runs):
        t = pre_inspection_as_reception(db)
        results["palette_alone"].append(responsive_after_paste(t, paste=b""))
        results["fault_told"].append(responsive_after_paste(t))
        t.key(b"\r")
        results["fault_restated"].append(responsive_after_paste(t))
        t.close()
    return results


def run(orders: int = 1_000_000, runs: int = 5) -> dict:
    from bench.bigstation import build

    db = str(build(orders))
    header(f"a 10,000-character paste to a responsive screen (pty 100x30), {runs} runs each")
    pasted, alone = bare(runs)
    baseline, baseline_alone = summary(pasted), summary(alone)
    row("bare Textual app, Ctrl+P alone (no paste)", baseline_alone)
    row("bare Textual Input, the paste, then Ctrl+P (baseline)", baseline)
    fields = {name: summary(times) for name, times in deskapp_fields(db, runs).items()}
    row("deskapp, Ctrl+P alone (no paste)", fields.pop("palette_alone"))
    for name, stats in fields.items():
        row(f"deskapp, pasted into {name}, then Ctrl+P", stats,
            f"   {stats['median_ms'] / baseline['median_ms']:.2f}x baseline")
    return {"bare": baseline, **fields}


if __name__ == "__main__":
    run()
