"""Another terminal holds the station file's write lock while staff at the pickup counter
press the keys that write: each screen stays live (another key is handled at once), says it
is waiting, and the step completes once the file frees (on the screen and in the store).
The other counter releasing the order meanwhile is a message here, never an app exit."""

from __future__ import annotations

import sqlite3

import pytest
from builders import fixed_clock
from conftest import make_front_desk
from desk_pilot import (
    UI_STALLED_S,
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
from test_pickup_flow import CODE, ready_order, state_of

from deskapp.records.staff import add_staff
from deskapp.station import Actor, Station

WAITING = "Waiting for the station file"


@pytest.fixture
def desk(tmp_path):
    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    add_staff(st, Actor.system(name="setup", terminal="setup"), "Paul Pickup", "pickup", "1234")
    st.close()
    return db


def at_the_counter(db, number, upto: str) -> None:
    """Walk the order through the counter with the core's services (another counter did it)."""
    from deskapp.counter.farewell import farewell
    from deskapp.counter.fees import agree_fees
    from deskapp.counter.release import release
    from deskapp.counter.sign_off import SignOff, sign_off
    from deskapp.counter.voucher_check import check_voucher, look_up

    steps = ["checked", "signed", "agreed", "released", "closed"]
    st = Station.open(db, locale="en", clock=fixed_clock())
    staff = st.store.query_one("SELECT id FROM staff WHERE name = 'Paul Pickup'")
    p = Actor(name="Paul Pickup", terminal="P2", staff_id=staff["id"], role="pickup")
    try:
        for step in steps[:steps.index(upto) + 1]:
            if step == "checked":
                check_voucher(st, p, number, CODE)
            elif step == "signed":
                sign_off(st, p, number, SignOff({i: "pass" for i in look_up(st, p, number).checklist}, True, "黃淑芬"))
            elif step == "agreed":
                agree_fees(st, p, number)
            elif step == "released":
                release(st, p, number)
            elif step == "closed":
                farewell(st, p, number, {"wiped": True, "card": True, "belongings": True})
    finally:
        st.close()


def one(db, sql, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchone()
    finally:
        conn.close()


def waiting(app) -> bool:
    return app.screen.has_class("-waiting")


async def press_while_busy(app, pilot, db, *keys, latency_key="left", notice=WAITING):
    """Press ``keys`` while another terminal writes: the screen waits, and stays live.

    The figure is the median of five presses of a key that moves a cursor: never the seconds
    a UI thread waiting on the file would take."""
    with another_terminal_writing(db):
        await pilot.press(*keys)
        await wait_until(pilot, lambda: waiting(app), what=f"{screen_name(app)} says it waits after {keys}")
        assert notice in screen_text(app)
        latencies = sorted([await key_latency(pilot, latency_key) for _ in range(5)])
        assert latencies[2] < UI_STALLED_S, latencies
        assert waiting(app)  # still waiting: the lock is still held
    waiter = app.screen
    await wait_until(pilot, lambda: not waiter.has_class("-waiting"), what="the answer comes")
    await settle(app, pilot)


async def open_counter(app, pilot, number=None):
    await sign_in(app, pilot, "Paul Pickup")
    assert screen_name(app) == "PickupScreen"
    if number:
        await type_in(app, pilot, "voucher_number", number)
        await pilot.press("enter")
        await settle(app, pilot)


# ---- the counter's home


async def test_the_check_code(desk):
    n = ready_order(desk)
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        app.screen.query_one("#check_code").focus()
        await press_while_busy(app, pilot, desk, *CODE, "enter")
        await wait_until(pilot, lambda: screen_name(app) == "SignOffScreen", what="on to the sign-off")
    assert '"method": "check_code"' in one(desk, "SELECT holder_check FROM repair_orders WHERE number = ?", n)[0]


async def test_a_foreign_voucher_number_is_logged_once_the_file_frees(desk):
    ready_order(desk)
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot)
        await type_in(app, pilot, "voucher_number", "R9999-00001")
        await press_while_busy(app, pilot, desk, "enter")
        assert "R9999-00001" in str(app.screen.query_one("#voucher_number-error").render())
    assert one(desk, "SELECT subject FROM events WHERE kind = 'pickup.unknown_voucher'") == ("R9999-00001",)


async def test_calling_the_next_pickup_number(desk):
    from deskapp.reception.queue import take_number

    st = Station.open(desk, locale="en", clock=fixed_clock())
    ticket = take_number(st, Actor.system(name="kiosk", terminal="K1"), "pickup")
    st.close()
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot)
        await press_while_busy(app, pilot, desk, "ctrl+n")
        assert ticket.code in str(app.screen.query_one("#status").render())
    assert one(desk, "SELECT status FROM queue_tickets WHERE code = ?", ticket.code) == ("called",)


async def test_a_manager_checks_the_identity_of_a_lost_voucher(desk):
    n = ready_order(desk)
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert screen_name(app) == "ManagerApprovalScreen"
        await pilot.press(*"1234")
        await type_in(app, pilot, "id_name", "黃淑芬")
        await type_in(app, pilot, "id_phone", "0912345678")
        await type_in(app, pilot, "id_document", "ID card A12****678")
        await press_while_busy(app, pilot, desk, "enter")
        await wait_until(pilot, lambda: screen_name(app) == "SignOffScreen", what="on to the sign-off")
    assert '"manager": "Mia Manager"' in one(desk, "SELECT holder_check FROM repair_orders WHERE number = ?", n)[0]


# ---- the steps


async def test_the_sign_off(desk):
    n = ready_order(desk)
    at_the_counter(desk, n, "checked")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        assert screen_name(app) == "SignOffScreen"
        app.screen.query_one("#checklist").focus()
        await pilot.press("a")
        await tick(app, pilot, "fault_gone")
        await type_in(app, pilot, "signed_by", "黃淑芬")
        await press_while_busy(app, pilot, desk, "ctrl+s")
        await wait_until(pilot, lambda: screen_name(app) == "RepairOrderScreen", what="nothing owed: the release")
    assert one(desk, "SELECT verified_by FROM repair_orders WHERE number = ?", n) == ("黃淑芬",)


async def test_the_customer_agrees_to_the_fees(desk):
    n = ready_order(desk, serial="NB-X14-0042", line="laptop", quote=4500)
    at_the_counter(desk, n, "signed")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        assert screen_name(app) == "FeesScreen"
        assert "agreed to" not in str(app.screen.query_one("#fee-total").render())
        await press_while_busy(app, pilot, desk, "ctrl+g")
        assert "The customer agreed to NT$5,300" in str(app.screen.query_one("#fee-total").render())
    assert one(desk, "SELECT fees_agreed_amount FROM repair_orders WHERE number = ?", n) == (5300,)


async def test_the_payment(desk):
    n = ready_order(desk, serial="NB-X14-0042", line="laptop", quote=4500)
    at_the_counter(desk, n, "agreed")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        assert screen_name(app) == "FeesScreen"
        app.screen.query_one("#method").focus()
        await pilot.press("enter", "home", "down", "enter")  # the blank prompt first, then cash
        await pilot.pause()
        assert app.screen.query_one("#method").value == "cash"
        await press_while_busy(app, pilot, desk, "ctrl+s")
        await wait_until(pilot, lambda: screen_name(app) == "RepairOrderScreen", what="paid: the release")
    assert one(desk, "SELECT p.amount, p.method FROM payments p JOIN repair_orders o ON o.id = p.order_id"
                     " WHERE o.number = ?", n) == (5300, "cash")


async def test_a_manager_waives_the_fees(desk):
    n = ready_order(desk, serial="NB-X14-0042", line="laptop", quote=4500)
    at_the_counter(desk, n, "signed")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        await pilot.press("ctrl+w")
        await settle(app, pilot)
        assert screen_name(app) == "ManagerApprovalScreen"
        await pilot.press(*"1234")
        await type_in(app, pilot, "waive_reason", "second visit for the same fault")
        await press_while_busy(app, pilot, desk, "enter")
        await wait_until(pilot, lambda: screen_name(app) == "RepairOrderScreen", what="waived: the release")
    assert one(desk, "SELECT waiver_reason FROM repair_orders WHERE number = ?", n) == (
        "second visit for the same fault",)


async def test_the_release_and_its_documents_then_a_reprint(desk):
    n = ready_order(desk)
    at_the_counter(desk, n, "signed")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        assert screen_name(app) == "RepairOrderScreen"
        await press_while_busy(app, pilot, desk, "ctrl+r")
        await wait_until(pilot, lambda: "3 copies" in str(app.screen.query_one("#status").render()),
                         what="the documents written")
        assert "released to 黃淑芬" in str(app.screen.query_one("#status").render())
        assert state_of(desk, n) == "released"
        for key, kind in (("p", "print.repair_order_pdf"), ("c", "print.checklist_pdf"),
                          ("t", "print.repair_order")):
            before = one(desk, "SELECT count(*) FROM events WHERE kind = ?", kind)[0]
            await press_while_busy(app, pilot, desk, key, notice="Writing the repair order")
            assert one(desk, "SELECT count(*) FROM events WHERE kind = ?", kind)[0] == before + 1, key
        assert "no printer" in str(app.screen.query_one("#status").render())  # the receipt's failure, said
        assert app.is_running


async def test_the_farewell(desk):
    n = ready_order(desk)
    at_the_counter(desk, n, "released")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        assert screen_name(app) == "FarewellScreen"
        for item in ("wiped", "card", "belongings"):
            await tick(app, pilot, f"farewell_{item}")
        await press_while_busy(app, pilot, desk, "ctrl+s")
        await wait_until(pilot, lambda: screen_name(app) == "PickupScreen", what="back at the counter")
    assert state_of(desk, n) == "closed"


async def test_a_rework_is_created(desk):
    n = ready_order(desk)
    at_the_counter(desk, n, "closed")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot)
        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await type_in(app, pilot, "rework_query", "CAM-A10001")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one("#earlier").row_count == 1
        await type_in(app, pilot, "rework_fault", "no picture again")
        await press_while_busy(app, pilot, desk, "ctrl+s")
        await wait_until(pilot, lambda: screen_name(app) == "HandOffScreen", what="on to the hand-off")
    assert one(desk, "SELECT count(*) FROM repair_orders o JOIN repair_orders r ON r.id = o.rework_of"
                     " WHERE r.number = ?", n) == (1,)


# ---- two counters


async def test_the_other_counter_released_it_meanwhile(desk):
    n = ready_order(desk)
    at_the_counter(desk, n, "signed")
    app = new_app(desk, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_counter(app, pilot, n)
        assert screen_name(app) == "RepairOrderScreen"
        at_the_counter(desk, n, "released")  # the other counter hands the device over
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "already released" in str(app.screen.query_one("#status").render())
        assert screen_name(app) == "RepairOrderScreen" and app.is_running
        await pilot.press("pagedown")  # and the counter goes on: the farewell
        await settle(app, pilot)
        assert screen_name(app) == "FarewellScreen"
    assert app.return_code in (None, 0)
    assert one(desk, "SELECT count(*) FROM events WHERE kind = 'order.release'") == (1,)
