"""The repair screen in the real app under Pilot: it shows what is already recorded and adds to
it (never a blank form that replaces the record), and a cause found during the repair stops
the repair and the screen says what comes next (a quote and the customer's answer). And an
expired quote is refused at the quote screen, which then sends a new one."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import fixed_clock, make_front_desk
from desk_pilot import choose, new_app, screen_name, settle, sign_in, type_in

from deskapp.bench.diagnosis import record_diagnosis
from deskapp.bench.repair import PartUsed, record_repair
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.records.customers import find_by_phone
from deskapp.station import Actor, Station

LONG_WORK = ("Reflowed the sensor connector, cleaned the contacts and ran the burn-in test. " * 30)[:1990]


def in_repair(db) -> str:
    """An in-warranty camera at the bench of 陳志明, in repair, one entry recorded: 1,990
    characters of work and two parts."""
    st = Station.open(db, locale="en", clock=fixed_clock())
    reception = Actor(name="Amy Reception", terminal="R1")
    row = st.store.query_one("SELECT id, name, role FROM staff WHERE name = '陳志明'")
    eng = Actor(name=row["name"], terminal="B1", staff_id=row["id"], role=row["role"])
    customer = find_by_phone(st, "0912")[0]
    n = create_order(st, reception, IntakeInput(customer_id=customer.id, product_line="camera", serial="CAM-A10001",
                                                fault_reported="no picture")).number
    assign_engineer(st, reception, n, eng.staff_id)
    advance(st, eng, n, "start_diagnosis")
    record_diagnosis(st, eng, n, "Sensor connector loose")
    advance(st, eng, n, "start_repair")
    record_repair(st, eng, n, LONG_WORK, [PartUsed("sensor cable", 1), PartUsed("lens gasket", 2, False, "torn")], 40)
    st.close()
    return n


def stored(db, number):
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT id, state, chargeable, repair_record, minutes_spent FROM repair_orders"
                           " WHERE number = ?", (number,)).fetchone()
        parts = [r[0] for r in conn.execute("SELECT part FROM repair_parts WHERE order_id = ? ORDER BY id", (row[0],))]
        return {"state": row[1], "chargeable": bool(row[2]), "record": row[3], "minutes": row[4], "parts": parts}
    finally:
        conn.close()


def shown(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


@pytest.fixture
def desk(tmp_path):
    return make_front_desk(tmp_path / "station")


async def open_repair(app, pilot, number):
    await sign_in(app, pilot, "陳志明")
    await settle(app, pilot)
    mine = app.screen.query_one("#mine")
    assert str(mine.get_row_at(0)[0]) == number
    mine.focus()
    await pilot.press("enter")
    await settle(app, pilot)
    assert screen_name(app) == "RepairScreen"


async def test_reopening_the_repair_screen_shows_the_record_and_a_save_adds_to_it(desk):
    number = in_repair(desk)
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_repair(app, pilot, number)
        recorded = shown(app, "#recorded")
        assert LONG_WORK[:40] in recorded and "sensor cable × 1" in recorded
        assert "lens gasket × 2 (old part not returned: torn)" in recorded and "40 min" in recorded
        await type_in(app, pilot, "work", "Tested again next morning: fine")
        await type_in(app, pilot, "minutes", "15")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Repair recorded" in shown(app, "#status")
        assert "Tested again next morning: fine" in shown(app, "#recorded") and LONG_WORK[:40] in shown(app, "#recorded")
        assert app.screen.query_one("#work").value == ""  # the form empties: a second Ctrl+S adds nothing twice
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    s = stored(desk, number)
    assert s["record"] == LONG_WORK.rstrip() + "\nTested again next morning: fine"
    assert s["parts"] == ["sensor cable", "lens gasket"] and s["minutes"] == 55


async def test_a_cause_found_during_the_repair_stops_it_and_the_screen_says_what_next(desk):
    number = in_repair(desk)
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 50)) as pilot:
        await open_repair(app, pilot, number)
        assert not app.screen.query_one("#next-step").display  # in repair: nothing to point at
        await pilot.press("f5")  # a cause found
        await settle(app, pilot)
        assert screen_name(app) == "DiagnosisScreen"
        await pilot.press(*"Corrosion under the board")
        causes = app.screen.query_one("#causes")
        causes.focus()
        await pilot.press("end", "space")  # liquid damage, the last cause
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Chargeable" in shown(app, "#decision")
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen_name(app) == "RepairScreen"
        assert app.screen.query_one("#next-step").display
        assert "Send a quote (F7)" in shown(app, "#next-step")
        await pilot.press("ctrl+e")  # not ready: the customer has not agreed
        await settle(app, pilot)
        assert screen_name(app) == "RepairScreen" and "diagnosing" in shown(app, "#status")
        await pilot.press("f7")
        await settle(app, pilot)
        assert screen_name(app) == "QuoteScreen"
    s = stored(desk, number)
    assert s["state"] == "diagnosing" and s["chargeable"]


async def test_an_expired_quote_is_refused_on_screen_and_a_new_quote_is_sent_and_approved(desk):
    import datetime as dt

    from deskapp.bench.quotes import QuoteLine, send_quote

    clock = fixed_clock()
    st = Station.open(desk, locale="en", clock=clock)
    reception = Actor(name="Amy Reception", terminal="R1")
    row = st.store.query_one("SELECT id, name, role FROM staff WHERE name = '陳志明'")
    eng = Actor(name=row["name"], terminal="B1", staff_id=row["id"], role=row["role"])
    customer = find_by_phone(st, "0912")[0]
    number = create_order(st, reception, IntakeInput(customer_id=customer.id, product_line="laptop",
                                                     serial="NB-X14-0042", fault_reported="no power")).number
    assign_engineer(st, reception, number, eng.staff_id)
    advance(st, eng, number, "start_diagnosis")
    send_quote(st, eng, number, [QuoteLine("part", "DC jack", 1, 900)])
    days = st.policy.quote_valid_days + 60
    st.close()
    clock.advance(days=days)  # the customer answers 60 days after the quote's validity
    app = new_app(desk, "en", terminal="B1", clock=clock)
    async with app.run_test(size=(120, 50)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        mine = app.screen.query_one("#mine")
        mine.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "QuoteScreen"
        await choose(app, pilot, "method", "signed")
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert "expired" in shown(app, "#status") and "new quote" in shown(app, "#status")
        assert stored(desk, number)["state"] == "awaiting_approval"
        await type_in(app, pilot, "desc1", "DC jack")
        await type_in(app, pilot, "price1", "950")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Quote sent" in shown(app, "#status")
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert "Quote approved" in shown(app, "#status")
    assert stored(desk, number)["state"] == "approved"
    conn = sqlite3.connect(desk)
    try:
        total, until = conn.execute("SELECT quote_total, quote_valid_until FROM repair_orders WHERE number = ?",
                                    (number,)).fetchone()
    finally:
        conn.close()
    assert total == 950 and dt.date.fromisoformat(until) > clock().date()
