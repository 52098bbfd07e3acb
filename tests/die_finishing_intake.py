"""Run as a child process: a receptionist walks a whole pre-inspection (queue number A001, a
new customer, a camera in warranty, the power adapter ticked) and presses Page Down on the
last step; the terminal dies (SIGKILL: no clean-up, like a power cut) at the moment the
repair order's row is being written, after the customer's row.

The kill is set on the store's own connection with sqlite3's statement trace: the first
statement that inserts the repair order ends the process before SQLite runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk_pilot import choose, new_app, settle, sign_in, tick, type_in  # noqa: E402

NAME, PHONE, SERIAL = "周杰", "0977-000-123", "CAM-A10001"


def die_at_the_order(statement: str) -> None:
    if statement.lstrip().upper().startswith("INSERT INTO REPAIR_ORDERS"):
        print("dying", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


async def walk(app, pilot) -> None:
    """Queue number, call, and every pre-inspection step up to the last one."""
    await sign_in(app, pilot, "Amy Reception")
    await pilot.press("t", "1")  # the kiosk's drop-off number: A001
    await settle(app, pilot)
    await pilot.press("escape", "n")  # called to the desk
    await settle(app, pilot)
    await pilot.press("i")
    await settle(app, pilot)
    await pilot.press(*"螢幕閃爍", "enter", *"開機後螢幕會閃爍", "enter", "space", "pagedown")
    await settle(app, pilot)
    await type_in(app, pilot, "phone", PHONE)
    await type_in(app, pilot, "name", NAME)
    await pilot.press("pagedown")
    await settle(app, pilot)
    await pilot.press("enter")  # proof: the invoice
    await type_in(app, pilot, "invoice_no", "AB-12345678")
    await type_in(app, pilot, "serial", SERIAL)
    await choose(app, pilot, "product_line", "camera")
    await pilot.press("pagedown")
    await settle(app, pilot)
    await pilot.press("space", "pagedown")  # fees explained and agreed
    await settle(app, pilot)
    await pilot.press("space")  # the first accessory: the power adapter
    await tick(app, pilot, "backup_reminder")
    await pilot.press("pagedown")
    await settle(app, pilot)


async def main(db: str) -> None:
    app = new_app(db, "zh_TW", terminal="R7")
    async with app.run_test(size=(100, 30)) as pilot:
        await walk(app, pilot)
        assert type(app.screen).__name__ == "PreInspectionScreen" and app.screen.step == 5, app.screen
        app.station.store.conn.set_trace_callback(die_at_the_order)
        await pilot.press("pagedown")  # finish: customer, order, draft
        await settle(app, pilot)
        print("not killed", type(app.screen).__name__, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
