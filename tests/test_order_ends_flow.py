"""The demo station's orders walked through the screens to an end (issue 11, "Done when"): a
declined quote collected with the inspection fee paid, released and seen off; a withdrawal
mid-repair called in from the bench's notify list and handed back through the counter; a cancellation before the device came
in; a return shipped back with its shipping charge; a failed sign-off of a return staying a
return; a waiver reading as nothing due. Pilot presses the keys on the real demo file."""

from __future__ import annotations

import sqlite3

import pytest
from builders import CODE, fixed_clock
from desk_pilot import choose, new_app, screen_name, settle, sign_in, tick, type_in

from deskapp.demo import build_demo
from deskapp.documents.order_record import order_details
from deskapp.documents.thermal import new_check_code
from deskapp.station import Actor, Station

DECLINED, IN_REPAIR, RECEIVED, TO_SHIP = "R2611-00007", "R2611-00005", "R2611-00001", "R2611-00018"


@pytest.fixture
def demo(tmp_path):
    db = tmp_path / "demo.db"
    build_demo(db, locale="en", clock=fixed_clock())
    return db


def state_of(db, number) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT state FROM repair_orders WHERE number = ?", (number,)).fetchone()[0]
    finally:
        conn.close()


def text(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


def reprint_voucher(db, number) -> None:
    """The manager reprints the customer's voucher: its new check code is CODE."""
    st = Station.open(db, clock=fixed_clock())
    manager = st.store.query_one("SELECT id, name FROM staff WHERE role = 'manager'")
    new_check_code(st, Actor(name=manager["name"], terminal="M1", staff_id=manager["id"], role="manager"), number, CODE)
    st.close()


def kinds(db, number) -> list[str]:
    st = Station.open(db, clock=fixed_clock())
    try:
        return [e["kind"] for e in order_details(st, number)["events"]]
    finally:
        st.close()


async def scan(app, pilot, number):
    await type_in(app, pilot, "voucher_number", number)
    await pilot.press("enter")
    await settle(app, pilot)


async def manager_approves(app, pilot, field, reason):
    assert screen_name(app) == "ManagerApprovalScreen"
    await pilot.press(*"1234")  # the only manager is chosen; the PIN has the focus
    await type_in(app, pilot, field, reason)
    await pilot.press("enter")
    await settle(app, pilot)


async def sign_off_return(app, pilot, name, fail_first=False):
    assert screen_name(app) == "SignOffScreen"
    assert not app.screen.query_one("#fault_gone").display  # returned unrepaired: no "fault gone" check
    app.screen.query_one("#checklist").focus()
    await pilot.press("a")
    if fail_first:
        await pilot.press("home", "2")
    await type_in(app, pilot, "signed_by", name)
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def release_and_see_off(app, pilot, db, number):
    assert screen_name(app) == "RepairOrderScreen"
    await pilot.press("ctrl+r")
    await settle(app, pilot)
    assert state_of(db, number) == "released"
    await pilot.press("pagedown")
    await settle(app, pilot)
    assert screen_name(app) == "FarewellScreen"
    for item in ("wiped", "card", "belongings"):
        await tick(app, pilot, f"farewell_{item}")
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert screen_name(app) == "PickupScreen" and state_of(db, number) == "closed"


async def test_a_declined_quote_is_collected_with_the_inspection_fee_paid_and_seen_off(demo):
    reprint_voucher(demo, DECLINED)
    app = new_app(demo, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "張家豪")
        assert screen_name(app) == "PickupScreen"
        await settle(app, pilot)
        await scan(app, pilot, DECLINED)
        assert app.screen.query_one("#check_code").display  # the voucher's code, as for a repair
        assert "Returned unrepaired" in text(app, "#counter-summary")
        await pilot.press(*CODE, "enter")
        await settle(app, pilot)
        await sign_off_return(app, pilot, "鄭雅文")
        assert screen_name(app) == "FeesScreen"
        assert "owed NT$800" in text(app, "#fee-total")  # the inspection fee, no quote
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        await choose(app, pilot, "method", "cash")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await release_and_see_off(app, pilot, demo, DECLINED)
    events = kinds(demo, DECLINED)
    assert events.count("order.release") == 1 and "order.paid" in events and "order.notify_attempt" in events


async def test_a_failed_sign_off_of_a_return_stays_a_return_and_a_waiver_leaves_nothing_due(demo):
    reprint_voucher(demo, DECLINED)
    app = new_app(demo, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "張家豪")
        await scan(app, pilot, DECLINED)
        await pilot.press(*CODE, "enter")
        await settle(app, pilot)
        await sign_off_return(app, pilot, "鄭雅文", fail_first=True)
        assert screen_name(app) == "PickupScreen"
        assert state_of(demo, DECLINED) == "return_unrepaired"  # never "back to the bench" to be repaired
        assert app.screen.query_one("#check_code").display  # a new pickup: the voucher again
        await pilot.press(*CODE, "enter")
        await settle(app, pilot)
        await sign_off_return(app, pilot, "鄭雅文")
        assert screen_name(app) == "FeesScreen"
        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await manager_approves(app, pilot, "waive_reason", "came back twice")
        assert screen_name(app) == "RepairOrderScreen"
        summary = text(app, "#step-summary")
        assert "Owed: NT$0" in summary and "Waived by a manager: came back twice" in summary
        receipt = text(app, "#receipt-preview")
        assert "-NT$800" in receipt
        assert next(line for line in receipt.splitlines() if line.startswith("Owed")).split()[-1] == "NT$0"
        await release_and_see_off(app, pilot, demo, DECLINED)
    events = kinds(demo, DECLINED)
    assert "order.back_to_return" in events and "order.back_to_bench" not in events
    assert "order.fees_waived" in events and "order.paid" not in events


async def test_a_customer_withdrawing_mid_repair_gets_the_device_back_through_the_counter(demo):
    app = new_app(demo, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "張家豪")
        await scan(app, pilot, IN_REPAIR)
        assert "in repair" in text(app, "#counter-summary") and not app.screen.query_one("#check_code").display
        await pilot.press("ctrl+x")
        await settle(app, pilot)
        await manager_approves(app, pilot, "withdraw_reason", "needs it for a trip")
        assert screen_name(app) == "PickupScreen" and state_of(demo, IN_REPAIR) == "return_unrepaired"
        assert app.screen.query_one("#check_code").display  # now at the counter: the voucher check
    app = new_app(demo, "en", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:  # the bench calls the customer to collect it
        await sign_in(app, pilot, "林雅婷")
        await pilot.press("n")
        await settle(app, pilot)
        assert screen_name(app) == "NotifyScreen"
        table = app.screen.query_one("#to-notify")
        rows = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert IN_REPAIR in rows
        table.focus()
        await pilot.press("home", *["down"] * rows.index(IN_REPAIR))
        await settle(app, pilot)
        assert "not repaired" in text(app, "#prompter")
        await pilot.press("1")  # reached
        await settle(app, pilot)
        assert IN_REPAIR not in [table.get_row_at(i)[0] for i in range(table.row_count)]
    app = new_app(demo, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "張家豪")
        await scan(app, pilot, IN_REPAIR)
        await pilot.press("ctrl+l")  # the customer has no voucher with them: a manager checks the ID
        await settle(app, pilot)
        assert screen_name(app) == "ManagerApprovalScreen"
        await pilot.press(*"1234")
        await type_in(app, pilot, "id_name", "許志偉")
        await type_in(app, pilot, "id_phone", "0910111222")
        await type_in(app, pilot, "id_document", "ID card A12****222")
        await pilot.press("enter")
        await settle(app, pilot)
        await sign_off_return(app, pilot, "許志偉")
        await release_and_see_off(app, pilot, demo, IN_REPAIR)  # in warranty: nothing owed
    events = kinds(demo, IN_REPAIR)
    assert (events.index("order.withdraw") < events.index("order.notify_attempt") < events.index("order.release")
            < events.index("order.close"))


async def test_an_order_whose_device_never_came_in_is_cancelled_at_once(demo):
    app = new_app(demo, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "張家豪")
        await scan(app, pilot, RECEIVED)
        await pilot.press("ctrl+x")
        await settle(app, pilot)
        await manager_approves(app, pilot, "withdraw_reason", "came to the wrong station")
        assert state_of(demo, RECEIVED) == "cancelled"
        assert "cancelled" in text(app, "#counter-summary")
    assert "order.cancel" in kinds(demo, RECEIVED)


async def test_a_declined_return_is_shipped_back_with_its_shipping_paid(demo):
    app = new_app(demo, "en", terminal="P1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "張家豪")
        await scan(app, pilot, TO_SHIP)
        assert screen_name(app) == "ShipBackScreen"  # no voucher: the customer is not here
        await pilot.press("ctrl+e")  # no amount yet
        await settle(app, pilot)
        assert "shipping charge" in str(app.screen.query_one("#shipping_amount-error").render())
        await type_in(app, pilot, "shipping_amount", "150")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert screen_name(app) == "FeesScreen"
        assert "owed NT$950" in text(app, "#fee-total")  # NT$800 inspection + NT$150 shipping
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        await choose(app, pilot, "method", "transfer")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "ShipBackScreen"
        await type_in(app, pilot, "carrier", "HCT")
        await type_in(app, pilot, "tracking", "HCT-778899")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "PickupScreen"
    assert state_of(demo, TO_SHIP) == "closed"
    events = kinds(demo, TO_SHIP)
    assert events.count("order.ship_back") == 1 and "order.shipping_charged" in events and "order.paid" in events
