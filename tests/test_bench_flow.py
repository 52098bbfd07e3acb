"""Engineers at the repair bench, in the real app under Pilot: in-warranty and quoted repairs,
a declined quote, a part delay called in before the promise, and the notify list."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from conftest import NOW, fixed_clock, make_front_desk
from desk_pilot import (
    wait_until,
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


# ---- what the engineer needs to see at the bench, at 80x24 (issue 12)

SMALL = (80, 24)


def staff_actor(st, name: str, role: str, terminal: str = "C1") -> Actor:
    row = st.store.query_one("SELECT id FROM staff WHERE name = ?", (name,))
    return Actor(name=name, terminal=terminal, staff_id=row["id"], role=role)


def sent_back_order(db, note="鏡頭蓋刮傷,客戶不接受") -> tuple[str, str]:
    """An order repaired by 陳志明 whose sign-off failed at the counter on one checklist item
    (with the counter's note): back at the bench. Returns (number, the failed item)."""
    from builders import CODE, all_pass, ready_order

    from deskapp.counter.sign_off import SignOff, sign_off
    from deskapp.counter.voucher_check import check_voucher
    from deskapp.records.customers import find_by_phone

    st = Station.open(db, locale="en", clock=fixed_clock())
    reception, engineer = staff_actor(st, "Amy Reception", "reception"), staff_actor(st, "陳志明", "engineer")
    counter = staff_actor(st, "Mia Manager", "manager")
    number = ready_order(st, reception, engineer, find_by_phone(st, "0912")[0].id, serial="CAM-A10001")
    check_voucher(st, counter, number, CODE)
    results = all_pass(st, counter, number)
    failed = "video_image"
    sign_off(st, counter, number, SignOff({**results, failed: "fail"}, True, "黃淑芬", note=note))
    st.close()
    return number, failed


def rework_order(db) -> tuple[str, str]:
    """A repair collected, then brought back with the same fault inside its repair warranty:
    a free rework, handed to 陳志明. Returns (rework number, original number)."""
    from builders import all_pass, collect, ready_order  # noqa: F401

    from deskapp.orders.moves import assign_engineer
    from deskapp.orders.rework import create_rework
    from deskapp.records.customers import find_by_phone

    st = Station.open(db, locale="en", clock=fixed_clock())
    reception, engineer = staff_actor(st, "Amy Reception", "reception"), staff_actor(st, "陳志明", "engineer")
    counter = staff_actor(st, "Mia Manager", "manager")
    original = ready_order(st, reception, engineer, find_by_phone(st, "0912")[0].id, serial="CAM-A10001")
    collect(st, counter, original, "黃淑芬")
    rework, _ = create_rework(st, reception, original, "no picture again", same_fault=True)
    assign_engineer(st, reception, rework.number, engineer.staff_id)
    st.close()
    return rework.number, original


def work_row(app, number: str) -> str:
    """The work-list line of ``number`` as the screen shows it."""
    (line,) = [line for line in screen_text(app).splitlines() if number in line]
    return line


def in_view(app, selector: str) -> bool:
    """The whole widget is inside the visible part of the container it scrolls in."""
    widget = app.screen.query_one(selector)
    box = next(a for a in widget.ancestors if getattr(a, "is_scrollable", False) and a.allow_vertical_scroll
               or a is app.screen)
    return box.region.contains_region(widget.region)


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


async def settled_view(app, pilot) -> None:
    """Workers done, and what they asked to scroll into view scrolled (after a refresh)."""
    await settle(app, pilot)
    await pilot.pause()
    await pilot.pause()


async def test_a_failed_sign_off_is_marked_on_the_work_list_and_said_on_the_repair_screen(desk):
    number, failed = sent_back_order(desk)
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await open_from_work_list_at(app, pilot, number, expect_in_row=tr.t("bench.mark_sent_back"))
        assert screen_name(app) == "RepairScreen"
        await settled_view(app, pilot)
        shown_now = screen_text(app)
        item = tr.t(f"verify.{failed}")
        assert tr.t("bench.sent_back", items=item) in shown_now  # the failed item, in the header
        assert tr.t("bench.sent_back_note", note="鏡頭蓋刮傷,客戶不接受") in shown_now  # the counter's note
        assert tr.t("bench.sent_back_hint") in shown_now
        # fixed and ready again: no longer marked as sent back
        await pilot.press(*"重新校正影像")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert screen_name(app) == "WorkListScreen"
    assert state_of(desk, number) == "ready"


async def open_from_work_list_at(app, pilot, number, expect_in_row: str = ""):
    """Sign in as 陳志明 on a small screen, check the order's row, open it with Enter."""
    await sign_in(app, pilot, "陳志明")
    await settle(app, pilot)
    row = work_row(app, number)
    assert expect_in_row in row, row
    app.screen.query_one("#mine").focus()
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_rework_is_marked_with_its_original_and_its_two_hour_target(desk):
    number, original = rework_order(desk)
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await open_from_work_list_at(app, pilot, number, expect_in_row=tr.t("bench.mark_rework"))
        assert screen_name(app) == "DiagnosisScreen"
        await settled_view(app, pilot)
        summary = text(app, "#step-summary")
        assert tr.t("bench.rework_line", original=original) in summary
        st = Station.open(desk, clock=fixed_clock())
        hours = st.policy.rework_target_hours
        st.close()
        assert hours == 2
        assert f"{hours} 小時內完成" in summary
        await wait_until(pilot, lambda: tr.t("bench.rework_line", original=original) in screen_text(app),
                         what="the rework line in view at 80x24")


@pytest.mark.parametrize("locale", ["zh_TW", "zh_CN", "en"])
async def test_the_quote_says_the_inspection_fee_is_owed_not_collected(desk, locale):
    number = received_order(desk, "NB-X14-0042", "laptop")  # out of warranty: an inspection fee, not yet paid
    tr = translator(locale)
    app = new_app(desk, locale, terminal="B1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"DC jack loose", "ctrl+s", "f7")
        await settle(app, pilot)
        await pilot.press(*"DC jack", "tab", *"1", "tab", *"900", "ctrl+s")
        await settle(app, pilot)
        total = text(app, "#quote-total")
        money = app.station.policy.money
        owed = tr.t("bench.quote_sum", total=money(900), fee=money(800), grand=money(1700), until="")
        assert owed.rsplit(" ", 1)[0] in total, total
        for wrong in ("已收檢測費", "已收检测费", "paid"):
            assert wrong not in total
    # the A4 quote the customer signs says the same
    from conftest import run_python
    from pypdf import PdfReader

    out = desk.parent / "quote.pdf"
    result = run_python("-m", "deskapp", "reprint", number, "--doc", "quote", "--out", str(out), "--db", str(desk),
                        "--locale", locale)
    assert result.returncode == 0, result.stderr
    sheet = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert tr.t("doc.inspection_fee_owed") in sheet and tr.t("doc.inspection_fee_collected") not in sheet


async def test_the_quote_says_why_an_order_in_warranty_is_charged(desk):
    number = received_order(desk)  # camera, in warranty
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"主機板進水")
        causes = app.screen.query_one("#causes")
        causes.focus()
        await pilot.press(*["down"] * 4, "space")  # liquid damage, the fifth cause
        await pilot.press("ctrl+s")
        await settled_view(app, pilot)
        assert tr.t("bench.needs_quote") in screen_text(app)  # the verdict, scrolled into view
        assert tr.t("reason.cause_liquid_damage") in screen_text(app) and in_view(app, "#decision")
        await pilot.press("f7")
        await settled_view(app, pilot)
        assert screen_name(app) == "QuoteScreen"
        why = text(app, "#charge-reason")
        assert why == tr.t("bench.charged_in_warranty", reasons=tr.t("reason.cause_liquid_damage"))
        assert why in screen_text(app)
        footer = footer_line(app)
        assert "f6 " + tr.t("key.start_repair") in footer  # F6 is in the footer at 80 columns


async def test_the_diagnosis_verdict_and_the_f6_refusal_are_in_view_at_80x24(desk):
    number = received_order(desk, "NB-X14-0042", "laptop")
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"DC 插座鬆脫", "ctrl+s")
        await settled_view(app, pilot)
        assert tr.t("bench.needs_quote") in screen_text(app)
        await pilot.press("f6")  # before any quote: refused, and the refusal is in view
        await settled_view(app, pilot)
        refusal = text(app, "#status")
        assert "確認報價前不得開始維修" in refusal
        assert in_view(app, "#status") and "報價前不得開始維修。" in screen_text(app)
        assert in_view(app, "#decision")


async def test_the_repair_screen_footer_shows_the_keys_of_its_step_at_80x24(desk):
    number = received_order(desk)
    tr = translator("zh_TW")
    new_due = (NOW + dt.timedelta(days=7)).replace(hour=17, minute=30)
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"影像感測器故障", "ctrl+s", "f6")
        await settle(app, pilot)
        footer = footer_line(app)
        assert "^e " + tr.t("key.ready") in footer and "^l " + tr.t("key.loaner") in footer
        assert "^t" not in footer  # no part awaited
        await pilot.press("f3")  # a part delay: the order waits for its part
        await settle(app, pilot)
        await pilot.press(*"影像感測器")
        await type_in(app, pilot, "new_due", new_due.strftime("%Y-%m-%d %H:%M"))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert state_of(desk, number) == "waiting_parts"
        footer = footer_line(app)
        assert "^t " + tr.t("key.part_arrived") in footer, footer
        await pilot.press("ctrl+t")  # the part arrived: the key in the footer works
        await settle(app, pilot)
        assert state_of(desk, number) == "in_repair"
        assert "^e " + tr.t("key.ready") in footer_line(app)


async def test_the_delay_dialog_has_its_keys_and_its_errors_in_view_at_80x24(desk):
    number = received_order(desk)
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await open_from_work_list(app, pilot, number)
        await pilot.press(*"影像感測器故障", "ctrl+s", "f6")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert screen_name(app) == "DelayScreen"
        footer = footer_line(app)
        assert "^s " + tr.t("key.record") in footer and "esc " + tr.t("key.dismiss") in footer
        await pilot.press("ctrl+s")  # no part named, no new promise
        await settled_view(app, pilot)
        assert tr.t("bench.new_promise_format") in screen_text(app) and in_view(app, "#new_due-error")
        await type_in(app, pilot, "new_due", (NOW + dt.timedelta(days=7)).strftime("%Y-%m-%d 17:30"))
        await pilot.press("ctrl+s")  # the part is still not named: refused under it, scrolled back up to it
        await settled_view(app, pilot)
        assert screen_name(app) == "DelayScreen"
        part_error = text(app, "#part-error")
        assert part_error and part_error in screen_text(app) and in_view(app, "#part-error")
        await type_in(app, pilot, "part", "影像感測器")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "RepairScreen"
    assert state_of(desk, number) == "waiting_parts"


async def retype_field(app, pilot, field_id, value):
    from desk_pilot import retype

    await retype(app, pilot, field_id, value)


async def test_the_work_list_columns_are_whole_at_80x24(desk):
    from deskapp.screens.bench.work_list import span

    number = received_order(desk)
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        (item,) = [i for i in __import__("deskapp.bench.work_list", fromlist=["my_work"]).my_work(
            app.station, app.actor.staff_id)]
        row = work_row(app, number)
        left = tr.t("bench.minutes_left", time=span(tr, item.minutes_left, app.station.service_hours.day_minutes))
        assert row.rstrip().endswith(left), row  # the time left whole, nothing cut
        assert tr.t("state." + item.state) in row


async def test_the_notify_list_shows_the_whole_phone_number_at_80x24(desk):
    number = received_order(desk)
    st = Station.open(desk, clock=fixed_clock())
    eng = staff_actor(st, "陳志明", "engineer", "B1")
    advance(st, eng, number, "start_diagnosis")
    advance(st, eng, number, "start_repair")
    record_repair(st, eng, number, "cleaned")
    advance(st, eng, number, "mark_ready")
    st.close()
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("n")
        await settle(app, pilot)
        assert screen_name(app) == "NotifyScreen"
        row = work_row(app, number)
        assert "黃淑芬" in row and "0912345678" in row, row
        await pilot.press("1")  # reached: the key still works
        await settle(app, pilot)
        assert app.screen.query_one("#to-notify").row_count == 0


async def test_the_hand_over_dialog_shows_its_keys_and_says_what_is_missing_at_80x24(desk):
    received_order(desk)
    tr = translator("zh_TW")
    app = new_app(desk, "zh_TW", terminal="B1")
    async with app.run_test(size=SMALL) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert screen_name(app) == "GiveScreen"
        assert "esc " + tr.t("key.dismiss") in footer_line(app)
        await type_in(app, pilot, "give_reason", "休假")
        await pilot.press("enter")  # no colleague chosen
        await settle(app, pilot)
        assert tr.t("bench.pick_colleague") in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen_name(app) == "WorkListScreen"


@pytest.mark.parametrize("size", [SMALL, (160, 48)])
async def test_the_work_list_cursor_stays_on_screen_to_the_last_order(desk, size):
    """A list longer than the screen: Down to the last order keeps the cursor's line in view
    (the tables were two lines taller than their column, so the last two lines the cursor
    reached were hidden under the footer and a key there seemed to do nothing)."""
    from builders import import_sales

    serials = [f"CAM-L{i:05d}" for i in range(45)]
    st = Station.open(desk, locale="en", clock=fixed_clock())
    today = st.now().date()
    import_sales(st, Actor.system(name="setup", terminal="setup"), desk.parent,
                 [(s, "VisionCam 4K", "camera", today - dt.timedelta(days=30), f"LL-{s}", "光華數位") for s in serials],
                 name="more.csv")
    st.close()
    numbers = [received_order(desk, serial=s) for s in serials]
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=size) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        mine = app.screen.query_one("#mine")
        assert mine.row_count == len(numbers)
        shown = [str(mine.get_row_at(i)[0]) for i in range(mine.row_count)]
        for row, number in enumerate(shown):
            assert number in screen_text(app), f"row {row} ({number}) under the cursor is not on screen"
            await pilot.press("down")
        await pilot.press("up")
        await pilot.pause()
        assert shown[-2] in screen_text(app)
        await pilot.press("home")  # the first order, as in any list
        assert mine.cursor_row == 0 and shown[0] in screen_text(app)
        await pilot.press("end")
        assert mine.cursor_row == len(shown) - 1 and shown[-1] in screen_text(app)
