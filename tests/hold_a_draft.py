"""Run as a child process: terminal "R7" (a name another terminal on this machine shares) is
typing a pre-inspection. It types, waits for the autosave, says "saved", waits until the
parent creates the file ``go``, types on, waits for that autosave too, says "done", and
ends (its app closed as when staff quit)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk_pilot import new_app, settle, sign_in, type_in, wait_until  # noqa: E402


def faults(db: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT data FROM intake_drafts WHERE status = 'open'").fetchall()
    finally:
        conn.close()
    return [json.loads(d).get("fault_told", "") for (d,) in rows]


async def main(db: str, go: str) -> None:
    app = new_app(db, "zh_TW", terminal="R7")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("i")
        await settle(app, pilot)
        await type_in(app, pilot, "fault_told", "甲機")
        await wait_until(pilot, lambda: "甲機" in faults(db), timeout=30, what="the autosave of 甲機")
        print("saved", flush=True)
        await wait_until(pilot, lambda: Path(go).exists(), timeout=120, what="the parent's go")
        await pilot.press(*"不開機")
        await wait_until(pilot, lambda: "甲機不開機" in faults(db), timeout=30, what="the autosave of 甲機不開機")
        print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
