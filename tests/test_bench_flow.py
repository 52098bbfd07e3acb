"""Engineers at the repair bench, in the real app under Pilot: in-warranty and quoted repairs,
a declined quote, a part delay called in before the promise, and the notify list."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from conftest import NOW, fixed_clock, make_front_desk
from desk_pilot import (
    choose,
    clear,
    new_app,
    pick_radio,
    run_command,
    screen_name,
    screen_text,
    settle,
    sign_in,
    type_in,
)

from deskapp.bench.repair import record_repair
from deskapp.documents.order_record import order_details
from deskapp.orders.moves import advance
from deskapp.settings.i18n import translator
from deskapp.station import Actor, Station

GOOD = {"fault_told": "no picture", "fault_restated": "no picture after boot", "customer_confirmed": True,
        "proof": "none", "fees_acknowledged": True, "backup_reminder": True, "fault_confirmed": "no picture after boot"}


def received_order(db, serial="CAM-A10001", line="camera", passcode="") -> str:
    """An order taken in at reception and handed to 陳志明 by the rule."""
    from deskapp.reception.hand_off import hand_off
    from deskapp.reception.pre_inspection import complete
    from deskapp.records.customers import find_by_phone

    st = Station.open(db, locale="en", clock=fixed_clock())
    st.config.assignment[line] = ["陳志明"]
    reception = Actor(name="Amy Reception", terminal="R1")
    customer = find_by_phone(st, "0912")[0]
    order = complete(st, reception, {**GOOD, "customer_id": customer.id, "name": customer.name,
                                     "phone": customer.phones[0], "serial": serial, "product_line": line,
                                     "passcode": passcode})
    hand_off(st, reception, order.number)
    st.close()
    return order.number


def state_of(db, number):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT state FROM repair_orders WHERE number = ?", (number,)).fetchone()[0]
    finally:
        conn.close()


def text(app, selector):
    return str(app.screen.query_one(selector).render())


@pytest.fixture
def desk(tmp_path):
    return make_front_desk(tmp_path / "station")


async def open_from_work_list(app, pilot, number):
    await sign_in(app, pilot, "陳志明")
    assert screen_name(app) == "WorkListScreen"
    await settle(app, pilot)
    mine = app.screen.query_one("#mine")
    assert mine.row_count == 1 and str(mine.get_row_at(0)[0]) == number
    mine.focus()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_in_warranty_repair_from_assignment_to_ready(desk):
    number = received_order(desk, passcode="2468")
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_work_list(app, pilot, number)
        assert screen_name(app) == "DiagnosisScreen"
        assert "diagnosing" in text(app, "#step-summary")
        await pilot.press("f2")  # the passcode, for the assigned engineer, on an explicit key
        await settle(app, pilot)
        await pilot.press(*"Loose sensor cable", "tab", *"cable worked loose")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Covered" in text(app, "#decision")
        await pilot.press("f6")
        await settle(app, pilot)
        assert screen_name(app) == "RepairScreen"
        await pilot.press(*"Replaced the sensor cable")
        await type_in(app, pilot, "part1", "sensor cable")
        await type_in(app, pilot, "minutes", "25")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Repair recorded" in text(app, "#status")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert screen_name(app) == "WorkListScreen"
    assert state_of(desk, number) == "ready"
    st = Station.open(desk, clock=fixed_clock())

    d = order_details(st, number)
    assert d["repair"]["parts"][0]["part"] == "sensor cable" and d["repair"]["minutes"] == 25
    assert [e["kind"] for e in d["events"]].count("order.passcode_viewed") == 1
    assert [o.number for o in __import__("deskapp.bench.calls", fromlist=["x"]).to_notify(st)] == [number]
    st.close()


async def test_out_of_warranty_through_quote_approval_and_repair(desk):
    number = received_order(desk, "NB-X14-0042", "laptop")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"DC 插座鬆脫")
        await pilot.press("ctrl+s", "f6")  # try to start the repair before any quote
        await settle(app, pilot)
        assert "確認報價前不得開始維修" in text(app, "#status")
        await pilot.press("f7")
        await settle(app, pilot)
        assert screen_name(app) == "QuoteScreen"
        await pilot.press(*"DC 插座", "tab", *"1", "tab", *"900")
        await type_in(app, pilot, "desc2", "焊接工資")
        await type_in(app, pilot, "price2", "600")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        total = text(app, "#quote-total")
        assert "NT$1,500" in total and "NT$800" in total and "NT$2,300" in total
        await pilot.press("ctrl+a")  # no answer method chosen yet
        await settle(app, pilot)
        assert "回覆的方式" in text(app, "#status")
        await choose(app, pilot, "method", "signed")
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert state_of(desk, number) == "approved"
        await pilot.press("f6")
        await settle(app, pilot)
        assert screen_name(app) == "RepairScreen"
        await pilot.press(*"更換 DC 插座")
        await pilot.press("ctrl+s", "ctrl+e")
        await settle(app, pilot)
    assert state_of(desk, number) == "ready"
    conn = sqlite3.connect(desk)
    answer = conn.execute("SELECT quote_answer, quote_total FROM repair_orders WHERE number = ?", (number,)).fetchone()
    assert answer == ("signed", 1500)


async def test_a_declined_quote_returns_the_device_unrepaired(desk):
    number = received_order(desk, "NB-X14-0042", "laptop")
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"Cracked panel", "ctrl+s", "f7")
        await settle(app, pilot)
        await pilot.press(*"LCD panel", "tab", *"1", "tab", *"5200", "ctrl+s")
        await choose(app, pilot, "method", "phone")
        await pilot.press("ctrl+x")  # declined, but not said whether it is collected or shipped back
        await settle(app, pilot)
        missing = translator("en").t("error.choice", value="", allowed="collect, ship").strip()
        assert missing in screen_text(app)
        await choose(app, pilot, "return_method", "collect")
        await pilot.press("ctrl+x")
        await settle(app, pilot)
        assert "goes back unrepaired" in text(app, "#status")
    assert state_of(desk, number) == "return_unrepaired"


async def test_a_part_delay_is_called_in_before_the_promise_with_a_new_promise(desk):
    number = received_order(desk)
    app = new_app(desk, "zh_TW", terminal="B1")
    new_due = (NOW + dt.timedelta(days=7)).replace(hour=17, minute=30)  # the app runs on the fixed clock
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"影像感測器故障", "ctrl+s", "f6")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert screen_name(app) == "DelayScreen"
        await pilot.press(*"影像感測器")
        await settle(app, pilot)
        script = text(app, "#script")
        assert "黃淑芬" in script and "0912345678" in script and "影像感測器 維修零件目前尚未到貨" in script
        await pilot.press("ctrl+s")  # no new promise yet
        await settle(app, pilot)
        assert app.tr.t("bench.new_promise_format") in text(app, "#new_due-error")  # 年-月-日 時:分
        await type_in(app, pilot, "new_due", new_due.strftime("%Y-%m-%d %H:%M"))
        await pick_radio(app, pilot, "outcome", "outcome-message_left")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "RepairScreen"
        assert "等待零件" in text(app, "#step-summary")
    st = Station.open(desk, clock=fixed_clock())

    d = order_details(st, number)
    (change,) = d["promise"]["history"]
    assert "影像感測器" in change["reason"] and change["actor"] == "陳志明"
    assert d["contacts"] == [{**d["contacts"][0], "purpose": "delay", "outcome": "message_left", "before_promise": 1}]
    assert d["state"] == "waiting_parts"
    st.close()


async def test_the_notify_list_keeps_an_order_until_the_customer_is_reached(desk):
    number = received_order(desk)
    st = Station.open(desk, clock=fixed_clock())

    eng = Actor(name="陳志明", terminal="B1", staff_id=st.store.query_one(
        "SELECT id FROM staff WHERE name = '陳志明'")["id"], role="engineer")
    advance(st, eng, number, "start_diagnosis")
    advance(st, eng, number, "start_repair")
    record_repair(st, eng, number, "cleaned")
    advance(st, eng, number, "mark_ready")
    st.close()
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("n")
        await settle(app, pilot)
        assert screen_name(app) == "NotifyScreen"
        assert app.screen.query_one("#to-notify").row_count == 1
        prompter = text(app, "#prompter")
        assert "黃淑芬" in prompter and "repaired" in prompter and "Minquan" in prompter
        await pilot.press("2")  # no answer
        await settle(app, pilot)
        assert app.screen.query_one("#to-notify").row_count == 1
        await pilot.press("1")  # reached
        await settle(app, pilot)
        assert app.screen.query_one("#to-notify").row_count == 0
    conn = sqlite3.connect(desk)
    outcomes = [r[0] for r in conn.execute("SELECT outcome FROM contact_attempts ORDER BY id")]
    assert outcomes == ["no_answer", "reached"]
    kinds = [json.loads(d)["outcome"] for (d,) in conn.execute(
        "SELECT data FROM events WHERE kind = 'order.notify_attempt' ORDER BY id")]
    assert kinds == ["no_answer", "reached"]


async def test_a_device_tag_scanned_on_any_screen_opens_its_order(desk):
    number = received_order(desk)
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("n")  # somewhere else than the work list
        await settle(app, pilot)
        await pilot.press("f4")
        await pilot.press(*"R9999-00001", "enter")  # a tag of another station
        await settle(app, pilot)
        assert "No order" in text(app, "#find_number-error")
        await clear(app, pilot, "find_number")
        await pilot.press(*number.lower().replace("-", ""), "enter")  # as a scanner may send it
        await settle(app, pilot)
        assert screen_name(app) == "DiagnosisScreen" and app.screen.number == number


async def test_the_bench_actions_are_in_the_command_palette(desk):
    """An order in the pool taken through the palette (its footer keys are listed there)."""
    number = received_order(desk)
    conn = sqlite3.connect(desk)
    conn.execute("UPDATE repair_orders SET assigned_engineer_id = NULL WHERE number = ?", (number,))
    conn.commit(), conn.close()
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        assert app.screen.query_one("#mine").row_count == 0
        assert app.screen.query_one("#pool").row_count == 1
        await run_command(app, pilot, "take", "Take")
        assert screen_name(app) == "WorkListScreen"
        assert app.screen.query_one("#mine").row_count == 1
    conn = sqlite3.connect(desk)
    engineer = conn.execute("SELECT s.name FROM repair_orders o JOIN staff s ON s.id = o.assigned_engineer_id"
                            " WHERE o.number = ?", (number,)).fetchone()[0]
    conn.close()
    assert engineer == "陳志明"
