"""Pre-inspection ends in one transaction (customer, dealer, order, draft closed), a resumed
draft carries every field and finishes on another day, and customers are not duplicated."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sqlite3

from builders import NOW, MovableClock
from conftest import make_front_desk, run_python
from desk_pilot import choose, new_app, screen_name, settle, sign_in, tick, type_in, wait_until


def rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def count(db, sql, params=()) -> int:
    return rows(db, sql, params)[0]["n"]


async def test_killed_while_finishing_leaves_no_customer_and_the_draft_finishes_the_next_day(tmp_path):
    db = make_front_desk(tmp_path / "station")
    child = run_python("tests/die_finishing_intake.py", str(db), timeout=180)
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr[-3000:]
    assert "dying" in child.stdout
    # Killed in the window between the customer's row and the order's: nothing of it is in
    # the file (one transaction), the draft is open at its last step.
    assert count(db, "SELECT COUNT(*) AS n FROM customers WHERE name = '周杰'") == 0
    assert count(db, "SELECT COUNT(*) AS n FROM repair_orders") == 0
    (draft,) = rows(db, "SELECT status, step, data FROM intake_drafts")
    assert (draft["status"], draft["step"]) == ("open", "confirm")
    assert json.loads(draft["data"])["queue_code"] == "A001"

    # The next morning the same terminal resumes it: yesterday's queue number is not today's.
    clock = MovableClock(NOW + dt.timedelta(days=1))
    app = new_app(db, "zh_TW", terminal="R7", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "ResumeDraftScreen"
        await pilot.click("#resume-yes")
        await settle(app, pilot)
        screen = app.screen
        assert screen_name(app) == "PreInspectionScreen" and screen.step == 5
        assert screen.query_one("#accessories").selected == ["power_adapter"]
        assert screen.queue_code == ""  # yesterday's A001 is dropped, not carried into today
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert screen_name(app) == "VoucherScreen", app.screen.query_one("#status").render()
    assert count(db, "SELECT COUNT(*) AS n FROM customers WHERE name = '周杰'") == 1
    (order,) = rows(db, "SELECT * FROM repair_orders")
    assert order["queue_ticket_id"] is None
    assert json.loads(order["intake"])["accessories"] == ["power_adapter"]
    assert rows(db, "SELECT status FROM intake_drafts") == [{"status": "done"}]


async def _walk_to_inspection_with_a_known_customer(app, pilot):
    await sign_in(app, pilot, "Amy Reception")
    await pilot.press("i")
    await settle(app, pilot)
    await pilot.press(*"no picture", "enter", *"no picture after boot", "enter", "space", "pagedown")
    await settle(app, pilot)
    await type_in(app, pilot, "phone", "0912")
    await wait_until(pilot, lambda: app.screen.query_one("#matches").option_count == 1, what="黃淑芬 suggested")
    await pilot.press("enter", "enter")  # to the suggestions, and pick the first
    await pilot.pause()
    assert app.screen.customer_id is not None
    await pilot.press("pagedown")
    await settle(app, pilot)
    await pilot.press("enter")  # proof: the invoice
    await type_in(app, pilot, "invoice_no", "AB-12345678")
    await type_in(app, pilot, "serial", "CAM-A10001")
    await choose(app, pilot, "product_line", "camera")
    await pilot.press("pagedown")
    await settle(app, pilot)
    await pilot.press("space", "pagedown")
    await settle(app, pilot)
    await pilot.press("space")  # the power adapter
    await tick(app, pilot, "backup_reminder")
    await type_in(app, pilot, "appearance_notes", "scratch left")


async def test_a_resumed_draft_keeps_the_customer_picked_the_ticks_and_the_warranty_decision(tmp_path):
    db = make_front_desk(tmp_path / "station")
    (known,) = rows(db, "SELECT id FROM customers")
    app = new_app(db, "en", terminal="R1")
    async with app.run_test(size=(120, 40)) as pilot:
        await _walk_to_inspection_with_a_known_customer(app, pilot)
        await pilot.press("escape")  # leave: the draft is kept
        await settle(app, pilot)
        assert screen_name(app) == "GreetingScreen"
    (draft,) = rows(db, "SELECT data FROM intake_drafts WHERE status = 'open'")
    assert json.loads(draft["data"])["customer_id"] == known["id"]

    app = new_app(db, "en", terminal="R1")  # the terminal started again
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "ResumeDraftScreen"
        await pilot.click("#resume-yes")
        await settle(app, pilot)
        screen = app.screen
        assert screen.step == 4
        assert screen.customer_id == known["id"], "the customer picked is lost on resume"
        assert screen.query_one("#accessories").selected == ["power_adapter"]
        assert screen.query_one("#appearance_notes").value == "scratch left"
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert "Warranty: in warranty" in str(screen.query_one("#summary").render())
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert screen_name(app) == "VoucherScreen"
    (order,) = rows(db, "SELECT customer_id, intake FROM repair_orders")
    assert order["customer_id"] == known["id"]
    assert json.loads(order["intake"])["accessories"] == ["power_adapter"]
    assert count(db, "SELECT COUNT(*) AS n FROM customers") == 1
