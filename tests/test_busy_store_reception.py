"""The reception desk while another terminal holds the station file's write lock: for each
key that writes (sign-in's PIN check, a queue number, every pre-inspection step, the
draft's autosave and the step back, the refusal, leaving, the voucher's print, reprint and
signature, the hand-off, discarding a draft), the screen says it waits, answers another key
within 0.1 s, and once the file frees the action is done: on screen and in the file."""

from __future__ import annotations

import json
import sqlite3

import pytest
from builders import fixed_clock
from conftest import make_front_desk
from desk_pilot import (
    UI_STALLED_S,
    choose,
    key_latency,
    new_app,
    screen_name,
    screen_text,
    settle,
    sign_in,
    tick,
    type_in,
    wait_until,
)
from holding import another_terminal_writing

from deskapp.reception.queue import take_number
from deskapp.station import Actor, Station

WAITING = "Waiting for the station file"


@pytest.fixture
def desk(tmp_path, printer):
    db = make_front_desk(tmp_path / "station", printer.url)
    st = Station.open(db, locale="en", clock=fixed_clock())
    take_number(st, Actor.system(name="kiosk", terminal="K1"), "drop-off")  # A001
    st.close()
    return db


def rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def waiting(app) -> bool:
    return app.screen.has_class("-waiting")


async def held(app, pilot, db, *keys, live_key: str = "tab", typing: str = "") -> None:
    """Press ``keys`` while another terminal holds the write lock: the screen says it waits,
    and answers ``live_key`` (or each key of ``typing``) at once; then the lock is released
    and the answer awaited."""
    screen = app.screen
    probes = list(typing) or [live_key] * 3
    if typing and not keys:
        # The autosave may already have saved what was typed before the hold (a slow machine
        # takes longer than its interval to get here): the first key typed under the hold is
        # what the next save has to wait with.
        keys, probes = (typing[0],), probes[1:]
    with another_terminal_writing(db):
        if keys:
            await pilot.press(*keys)
        await wait_until(pilot, lambda: screen.has_class("-waiting"), what=f"{type(screen).__name__} waits")
        latencies = [await key_latency(pilot, k) for k in probes]
        assert sorted(latencies)[len(latencies) // 2] < UI_STALLED_S, latencies
        assert screen.has_class("-waiting")  # the lock is still held: nothing was written
    await wait_until(pilot, lambda: not screen.has_class("-waiting"), what="the write completes")
    await settle(app, pilot)


async def test_sign_in_and_a_queue_number_complete_once_the_other_terminal_is_done(desk, printer):
    app = new_app(desk, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#staff").focus()
        await pilot.press("down", "down", "down", "enter", *"1234")  # Amy Reception, listed after the engineers
        await held(app, pilot, desk, "enter", live_key="down")
        assert screen_name(app) == "GreetingScreen" and app.actor.name == "Amy Reception"
        assert rows(desk, "SELECT COUNT(*) AS n FROM events WHERE kind = 'staff.sign_in'")[0]["n"] == 1

        await pilot.press("t")
        await settle(app, pilot)
        await held(app, pilot, desk, "1", live_key="x")
        assert str(app.screen.query_one("#queue-number").value) == "A002"
        assert "Printed" in screen_text(app) or "printed" in screen_text(app).lower()
        assert WAITING not in screen_text(app)
        assert [r["code"] for r in rows(desk, "SELECT code FROM queue_tickets ORDER BY id")] == ["A001", "A002"]
        assert len(printer.wait_for(1)) == 1


async def test_a_wrong_pin_is_refused_once_the_file_frees(desk):
    app = new_app(desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#staff").focus()
        await pilot.press("down", "down", "down", "enter", *"9999")
        await held(app, pilot, desk, "enter", live_key="down")
        assert screen_name(app) == "SignInScreen" and app.actor is None
        assert app.screen.query_one("#pin").value == ""
        assert "PIN" in str(app.screen.query_one("#pin-error").render())
    assert rows(desk, "SELECT actor FROM events WHERE kind = 'staff.sign_in_failed'")[0]["actor"] == "Amy Reception"


def draft(db) -> dict:
    row = rows(db, "SELECT step, status, data FROM intake_drafts ORDER BY id DESC")[0]
    return {**row, "data": json.loads(row["data"])}


async def test_every_pre_inspection_step_the_voucher_and_the_hand_off_wait_for_the_file(desk, printer):
    app = new_app(desk, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        assert screen_name(app) == "PreInspectionScreen"

        # The autosave: typing goes on while the save waits; nothing typed is lost, the cursor stays.
        await pilot.press(*"no power", "enter", *"will not")
        await held(app, pilot, desk, typing=" power on")
        field = screen.query_one("#fault_restated")
        assert field.value == "will not power on" and field.cursor_position == len(field.value)
        assert screen.focused is field
        assert draft(desk)["data"]["fault_told"] == "no power"
        assert draft(desk)["data"]["fault_restated"].startswith("will not")

        # Step forward (fault -> customer) and back (the draft is saved again, in a worker).
        await pilot.press("enter", "space")
        await held(app, pilot, desk, "pagedown", live_key="f12")
        assert screen.step == 1 and draft(desk)["step"] == "customer"
        assert draft(desk)["data"]["customer_confirmed"] is True
        assert rows(desk, "SELECT COUNT(*) AS n FROM events WHERE kind = 'intake.step'")[0]["n"] == 1
        await type_in(app, pilot, "phone", "095500011")
        await held(app, pilot, desk, "1", "pageup", live_key="f12")  # the last digit, unsaved, then back
        assert screen.step == 0 and draft(desk)["data"]["phone"] == "0955000111"
        await held(app, pilot, desk, "pagedown", live_key="f12")
        assert screen.step == 1

        await type_in(app, pilot, "name", "陳先生")
        await held(app, pilot, desk, "pagedown", live_key="f12")
        assert screen.step == 2 and draft(desk)["data"]["name"] == "陳先生"

        await pilot.press("enter")  # proof: the purchase invoice
        await type_in(app, pilot, "invoice_no", "AB-12345678")
        await tick(app, pilot, "invoice_copy_kept")
        await type_in(app, pilot, "serial", "CAM-A10001")
        await choose(app, pilot, "product_line", "camera")
        await held(app, pilot, desk, "pagedown", live_key="f12")
        assert screen.step == 3 and "Warranty: in warranty" in screen_text(app)

        await pilot.press("space")
        await held(app, pilot, desk, "pagedown", live_key="f12")
        assert screen.step == 4
        await pilot.press("space")
        await tick(app, pilot, "backup_reminder")
        await held(app, pilot, desk, "pagedown", live_key="f12")
        assert screen.step == 5 and draft(desk)["step"] == "confirm"

        await held(app, pilot, desk, "pagedown", live_key="f12")  # the order is created
        assert screen_name(app) == "VoucherScreen"
        number = app.screen.number
        order = rows(desk, "SELECT * FROM repair_orders WHERE number = ?", (number,))[0]
        assert order["state"] == "received" and draft(desk)["status"] == "done"

        # The voucher: print (with the tag), reprint, the customer's signature.
        await held(app, pilot, desk, "p")
        assert "printed" in str(app.screen.query_one("#voucher-status").render()).lower()
        assert len(printer.wait_for(2)) == 2  # voucher and tag
        await held(app, pilot, desk, "r")
        assert len(printer.wait_for(3)) == 3
        reprints = rows(desk, "SELECT data FROM events WHERE kind = 'print.voucher' ORDER BY id")
        assert [json.loads(r["data"])["reprint"] for r in reprints] == [False, True]
        await held(app, pilot, desk, "s")
        assert app.screen.signed
        assert rows(desk, "SELECT voucher_signed_at FROM repair_orders WHERE number = ?", (number,))[0]["voucher_signed_at"]
        await pilot.press("pagedown")
        await settle(app, pilot)

        # The hand-off.
        assert screen_name(app) == "HandOffScreen"
        await held(app, pilot, desk, "ctrl+s", live_key="f12")
        assert screen_name(app) == "GreetingScreen"
    order = rows(desk, "SELECT assigned_engineer_id FROM repair_orders WHERE number = ?", (number,))[0]
    assert order["assigned_engineer_id"] is not None
    assert rows(desk, "SELECT subject FROM events WHERE kind = 'order.handed_off'")[0]["subject"] == number


async def _to_purchase_step(app, pilot, serial: str) -> None:
    await sign_in(app, pilot, "Amy Reception")
    await pilot.press("i")
    await settle(app, pilot)
    await pilot.press(*"no power", "enter", *"will not power on", "enter", "space", "pagedown")
    await settle(app, pilot)
    await type_in(app, pilot, "phone", "0955000111")
    await type_in(app, pilot, "name", "陳先生")
    await pilot.press("pagedown")
    await settle(app, pilot)
    await pilot.press("down", "down", "enter")  # proof: none, the serial only
    await type_in(app, pilot, "serial", serial)
    await choose(app, pilot, "product_line", "camera")


async def test_a_refusal_and_leaving_with_a_draft_wait_for_the_file(desk):
    app = new_app(desk, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_purchase_step(app, pilot, "CAM-NOT-SOLD-9")
        await pilot.press("pagedown")  # the decision (a read): refused, nothing written
        await settle(app, pilot)
        assert "Cannot be accepted" in screen_text(app) and app.screen.step == 2  # scrolled into view at 80x24
        await held(app, pilot, desk, "ctrl+r", live_key="f12")
        assert screen_name(app) == "GreetingScreen"
        assert rows(desk, "SELECT subject FROM events WHERE kind = 'intake.refused'")[0]["subject"] == "CAM-NOT-SOLD-9"
        assert draft(desk)["status"] == "refused"

        await pilot.press("i")
        await settle(app, pilot)
        screen = app.screen
        # typed and left while the other terminal writes: whether the 2-second autosave or
        # the leave itself writes the text, the screen stays until it is saved
        with another_terminal_writing(desk):
            await pilot.press(*"screen flickers", "escape")
            await wait_until(pilot, lambda: screen.has_class("-waiting"), what="leaving waits for the file")
            assert screen_name(app) == "PreInspectionScreen" and WAITING in screen_text(app)
        await wait_until(pilot, lambda: screen_name(app) == "GreetingScreen", what="left once saved")
        kept = draft(desk)
        assert kept["status"] == "open" and kept["data"]["fault_told"] == "screen flickers"


async def test_discarding_a_draft_waits_for_the_file(desk):
    from deskapp.reception import drafts

    st = Station.open(desk, clock=fixed_clock())
    drafts.save(st, Actor(name="x", terminal="R1"), "fault", {"fault_told": "left open"})
    st.close()
    app = new_app(desk, "en", terminal="R1")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "ResumeDraftScreen"
        await pilot.press("tab")  # to Discard
        await held(app, pilot, desk, "enter", live_key="f12")
        assert screen_name(app) == "GreetingScreen"
    assert draft(desk)["status"] == "discarded" and draft(desk)["data"] == {}
