"""Run as a child process: a receptionist is half-way through a pre-inspection when the
terminal dies (SIGKILL: no clean-up, no atexit, like a power cut)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk_pilot import new_app, sign_in, type_in, wait_until  # noqa: E402


def draft_name(db: str) -> str:
    """The customer's name as the autosave stored it in the open draft (read from the file)."""
    import json
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT data FROM intake_drafts WHERE status = 'open'").fetchall()
    finally:
        conn.close()
    return next((json.loads(d).get("name", "") for (d,) in rows), "")


async def main(db: str) -> None:
    app = new_app(db, "zh_TW", terminal="R7")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("i")
        await pilot.press(*"螢幕閃爍", "enter", *"開機後螢幕會閃爍", "enter", "space", "pagedown")
        await type_in(app, pilot, "phone", "0977-000-123")
        await type_in(app, pilot, "name", "周杰")  # typed, not yet moved on: only the autosave has it
        await wait_until(pilot, lambda: draft_name(db) == "周杰", timeout=30, what="the autosave has the name")
        print("typed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
