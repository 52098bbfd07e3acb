"""The reception walkthrough, through a real pseudo-terminal: an in-warranty laptop with a
purchase record brought in, from calling the queue number at the greeting to the pickup
voucher printed, every step of the standard done (fault told, restated and confirmed; the
customer found by phone; the invoice seen and copied; the warranty explained and agreed;
accessories, appearance, the fault reproduced, the backup reminder; the fault confirmed).

It counts the keys: the characters of text typed into fields apart from every other key
(goal: at most 24 of those), and times each key from the moment it is written to the
terminal until the app's answer to it has been written out (no more output for 25 ms, as
``bench ui`` times keys). The app's time per key is set against a bare Textual app echoing
as many keys into its input, in the same run.

The station is the demo station (``deskapp.demo.build_demo``), built fresh into a temporary
folder with a file printer. The walk runs twice on one terminal name: on a terminal that
has never taken a device in, then again on the same terminal for the next customer (a
second laptop on record is imported as a seller's export would be): the terminal now
remembers who signed in and its last choices (proof, accessories).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.common import header, row, summary
from bench.ui import BARE_APP, Terminal

ENTER, SPACE, PGDN, DOWN = b"\r", b" ", b"\x1b[6~", b"\x1b[B"

# (what, payload): "keys" (not text), "text" (typed into a field), "wait" (text the screen shows
# once the app has answered: the next key waits for it, as a person looks before going on).
def walk(code: str, serial: str, invoice: str, warm: bool) -> list[tuple[str, object]]:
    proof = [] if warm else [("keys", [ENTER])]  # a terminal that took one in before: the proof is chosen
    accessory = [] if warm else [("keys", [SPACE])]  # ... and the accessories it ticked for a laptop
    return [
        ("keys", [b"n"]), ("wait", code),
        ("keys", [b"i"]), ("wait", "Pre-inspection 1/6: Fault"),
        ("text", "開機沒反應"), ("keys", [ENTER]), ("text", "按電源鍵完全不開機"),
        ("keys", [ENTER, SPACE, PGDN]), ("wait", "Pre-inspection 2/6: Customer"),
        ("text", "0910111222"), ("wait", "Existing customer"),
        ("keys", [PGDN]), ("wait", "Pre-inspection 3/6: Proof of purchase"),
        *proof,
        ("text", invoice), ("keys", [ENTER, SPACE, ENTER]),
        ("text", serial), ("keys", [ENTER]), ("wait", "On the purchase record"),
        ("keys", [PGDN]), ("wait", "in warranty"),
        ("keys", [SPACE, PGDN]), ("wait", "Pre-inspection 5/6: Inspection"),
        *accessory,
        ("keys", [ENTER, ENTER, SPACE, ENTER, SPACE, PGDN]), ("wait", "Pre-inspection 6/6: Confirm"),
        ("keys", [PGDN]), ("wait", "Pickup voucher"),
        ("keys", [b"p"]), ("printed", serial),
    ]


class Walker:
    """Drives one app on its pty: every key timed, text apart from the other keys."""

    def __init__(self, terminal: Terminal, db: Path) -> None:
        self.t = terminal
        self.db = db
        self.mark = 0
        self.text_times: list[float] = []
        self.key_times: list[float] = []

    def press(self, data: bytes, text: bool) -> None:
        (self.text_times if text else self.key_times).append(self.t.key(data))

    def wait(self, needle: str, timeout: float = 30.0) -> None:
        """Until ``needle`` is written after the last thing waited for."""
        wanted = needle.encode()
        end = time.perf_counter() + timeout
        while wanted not in self.t.output[self.mark:]:
            if time.perf_counter() > end:
                dump = Path(tempfile.gettempdir()) / "deskapp-walk-screen.txt"
                dump.write_bytes(bytes(self.t.output[self.mark:]))
                raise TimeoutError(f"{needle!r} never appeared (the output since: {dump})")
            self.t.pump(0.05)
        self.t.settle()
        self.mark = self.t.output.index(wanted, self.mark) + len(wanted)

    def printed(self, serial: str, timeout: float = 30.0) -> None:
        """Until the station has the voucher of the order for ``serial`` printed (read from the file)."""
        import sqlite3

        end = time.perf_counter() + timeout
        while True:
            conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
            try:
                done = conn.execute(
                    "SELECT 1 FROM events e JOIN repair_orders o ON o.id = e.order_id JOIN devices d"
                    " ON d.id = o.device_id WHERE e.kind = 'print.voucher' AND d.serial = ?"
                    " AND json_extract(e.data, '$.outcome') = 'printed'", (serial,)).fetchone()
            finally:
                conn.close()
            if done:
                self.t.settle()
                return
            if time.perf_counter() > end:
                raise TimeoutError(f"the voucher for {serial} was never printed")
            self.t.pump(0.05)

    def run(self, steps) -> None:
        for what, payload in steps:
            if what == "wait":
                self.wait(payload)
            elif what == "printed":
                self.printed(payload)
            elif what == "text":
                for ch in payload:
                    self.press(ch.encode(), text=True)
            else:
                for key in payload:
                    self.press(key, text=False)


def build_station(folder: Path) -> Path:
    from deskapp.demo import build_demo
    from deskapp.records.purchases import import_sales_csv
    from deskapp.station import Actor, Station

    (folder / "station.toml").write_text(
        f'[printer]\nurl = "file:{folder / "printer.bin"}"\npaper_mm = 80\nencoding = "auto"\n', encoding="utf-8")
    db = folder / "station.db"
    build_demo(db, locale="zh_TW")
    station = Station.open(db)
    try:  # the seller's next export: one more laptop sold, for the second customer of the walk
        sales = folder / "sales.csv"
        with sales.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["serial", "model", "product_line", "purchased_on", "invoice_no", "seller",
                          "customer_name", "customer_phone", "brand"])
            out.writerow(["NB-X14-0889", "ProBook X14", "laptop", (station.today() - dt.timedelta(days=30)).isoformat(),
                          "EE-94949495", "燦坤 台北店", "", "", "ProBook"])
        import_sales_csv(station, Actor.system(name="bench", terminal="bench"), sales)
    finally:
        station.close()
    return db


def sign_in_keys(db: Path, terminal: str) -> list[bytes]:
    """Down to the receptionist in the list as this terminal shows it, Enter, the PIN, Enter."""
    from deskapp.records.staff import list_staff
    from deskapp.settings.terminal_memory import first_signed_in_here, recent_staff
    from deskapp.station import Station

    station = Station.open(db)
    try:
        names = [m.name for m in first_signed_in_here(list_staff(station), recent_staff(db, terminal))]
    finally:
        station.close()
    return [DOWN] * names.index("王美玲") + [ENTER, *b"1234", ENTER]


def drop_off(db: Path, terminal: str, code: str, serial: str, invoice: str, warm: bool) -> dict:
    t = Terminal([sys.executable, "-m", "deskapp", "--db", str(db), "--locale", "en"], cols=80, rows=24,
                 env={"DESKAPP_TERMINAL": terminal})
    try:
        w = Walker(t, db)
        w.wait("王美玲")
        signing = sign_in_keys(db, terminal)
        for key in signing:
            w.t.key(key if isinstance(key, bytes) else bytes([key]))
        w.wait("Call next")
        w.text_times, w.key_times = [], []  # the walk starts at the greeting
        w.run(walk(code, serial, invoice, warm))
        return {"sign_in_downs": signing.count(DOWN), "text": w.text_times, "keys": w.key_times}
    finally:
        t.close()


def bare(samples: int) -> list[float]:
    t = Terminal([sys.executable, "-c", BARE_APP], cols=80, rows=24)
    try:
        t.wait_for("READY")
        return [t.key(b"0123456789"[i % 10:i % 10 + 1]) for i in range(samples)]
    finally:
        t.close()


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="deskapp-walk-") as tmp:
        db = build_station(Path(tmp))
        terminal = f"walk-{os.getpid()}-{time.time_ns()}"  # a terminal that has never taken a device in
        first = drop_off(db, terminal, "A001", "NB-X14-0888", "EE-94949494", warm=False)
        again = drop_off(db, terminal, "A002", "NB-X14-0889", "EE-94949495", warm=True)
    samples = len(first["text"]) + len(first["keys"]) + len(again["text"]) + len(again["keys"])
    baseline = bare(samples)
    base = summary(baseline)
    header("reception walkthrough: in-warranty laptop on record, from the call to the voucher printed (pty 80x24)")
    out = {"bare": base}
    row("bare Textual app, a key into its input (baseline)", base)
    for name, result in (("a terminal new to it", first), ("the same terminal, next customer", again)):
        every = summary(result["text"] + result["keys"])
        print(f"  {name}: {len(result['keys'])} keys beyond {len(result['text'])} typed characters"
              f" (goal: at most 24); signing in took Down x{result['sign_in_downs']}")
        row("  every key of the walk", every, f"   median {every['median_ms'] / base['median_ms']:.2f}x, "
            f"p99 {every['p99_ms'] / base['p99_ms']:.2f}x baseline")
        row("  typed text", summary(result["text"]),
            f"   {summary(result['text'])['median_ms'] / base['median_ms']:.2f}x baseline")
        row("  the other keys", summary(result["keys"]),
            f"   {summary(result['keys'])['median_ms'] / base['median_ms']:.2f}x baseline")
        print(f"  app time for the whole walk {sum(result['text'] + result['keys']):.2f} s")
        out[name] = {"keys": len(result["keys"]), "text": len(result["text"]), "every": every,
                     "sign_in_downs": result["sign_in_downs"], "total_s": sum(result["text"] + result["keys"])}
    print("  (a key counts as answered after 25 ms without output; a step the app checks in a worker is"
          " waited for on screen before the next key, and that wait is not counted)")
    return out


if __name__ == "__main__":
    run()
