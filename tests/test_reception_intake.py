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


async def _fault_step(app, pilot):
    await sign_in(app, pilot, "Amy Reception")
    await pilot.press("i")
    await settle(app, pilot)
    await pilot.press(*"no picture", "enter", *"no picture after boot", "enter", "space", "pagedown")
    await settle(app, pilot)


async def _purchase_step(app, pilot, serial="CAM-A10001"):
    await pilot.press("enter")  # proof: the invoice
    await type_in(app, pilot, "invoice_no", "AB-12345678")
    await type_in(app, pilot, "serial", serial)
    await choose(app, pilot, "product_line", "camera")
    await pilot.press("pagedown")
    await settle(app, pilot)


async def _finish_from_fees(app, pilot):
    await pilot.press("space", "pagedown")
    await settle(app, pilot)
    await tick(app, pilot, "backup_reminder")
    await pilot.press("pagedown")
    await settle(app, pilot)
    await pilot.press("pagedown")
    await settle(app, pilot)
    assert screen_name(app) == "VoucherScreen", screen_name(app)


async def test_the_full_phone_of_a_customer_on_file_attaches_the_order_to_them(tmp_path):
    db = make_front_desk(tmp_path / "station")
    (known,) = rows(db, "SELECT id FROM customers")
    app = new_app(db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _fault_step(app, pilot)
        await type_in(app, pilot, "phone", "0912-345-678")  # 黃淑芬's, the suggestion not picked
        await wait_until(pilot, lambda: app.screen.customer_id == known["id"], what="the customer on file found")
        assert "黃淑芬" in str(app.screen.query_one("#customer-picked").render())
        await pilot.press("pagedown")
        await settle(app, pilot)
        await _purchase_step(app, pilot)
        await _finish_from_fees(app, pilot)
    assert count(db, "SELECT COUNT(*) AS n FROM customers") == 1
    assert rows(db, "SELECT customer_id FROM repair_orders") == [{"customer_id": known["id"]}]


def test_finishing_with_an_existing_phone_and_no_customer_picked_attaches_to_that_customer(tmp_path):
    """The service itself (a draft finished from anywhere): an exact phone is that customer."""
    from builders import fixed_clock

    from deskapp.reception.pre_inspection import complete
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    actor = Actor(name="Amy Reception", terminal="R1", staff_id=1, role="reception")
    data = {"fault_told": "x", "fault_restated": "x", "customer_confirmed": True, "phone": "0912 345 678",
            "name": "Someone Else", "proof": "invoice", "invoice_no": "AB-12345678", "serial": "CAM-A10001",
            "product_line": "camera", "fees_acknowledged": True, "backup_reminder": True, "fault_confirmed": "x"}
    order = complete(st, actor, data)
    st.close()
    assert count(db, "SELECT COUNT(*) AS n FROM customers") == 1
    assert order.customer_id == rows(db, "SELECT id FROM customers")[0]["id"]


def test_customers_are_found_by_name_two_characters_included(tmp_path):
    from builders import fixed_clock

    from deskapp.records.customers import CustomerInput, create_customer, find_customers
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    actor = Actor.system(name="t", terminal="T1")
    jay = create_customer(st, actor, CustomerInput(name="周杰", phones=["0977000123"]))
    create_customer(st, actor, CustomerInput(name="周杰倫", phones=["0977000124"]))
    create_customer(st, actor, CustomerInput(name="100%_Corp", phones=["0977000125"]))
    assert [c.name for c in find_customers(st, "周杰")] == ["周杰", "周杰倫"]
    assert [c.name for c in find_customers(st, "杰倫")] == ["周杰倫"]
    assert [c.name for c in find_customers(st, "%")] == ["100%_Corp"]  # a literal %, not a wildcard
    assert [c.id for c in find_customers(st, "0977000123")] == [jay.id]
    st.close()


async def test_a_customer_is_found_by_name_on_the_screen_and_picked(tmp_path):
    db = make_front_desk(tmp_path / "station")
    (known,) = rows(db, "SELECT id FROM customers")
    app = new_app(db, "zh_TW")
    async with app.run_test(size=(120, 40)) as pilot:
        await _fault_step(app, pilot)
        await type_in(app, pilot, "name", "淑芬")
        await wait_until(pilot, lambda: app.screen.query_one("#matches").option_count == 1, what="found by name")
        await pilot.press("enter", "enter")  # to the customers found, and pick
        await pilot.pause()
        assert app.screen.customer_id == known["id"]
        assert app.screen.query_one("#phone").value == "0912345678"


async def test_a_serial_with_an_open_order_is_warned_and_needs_a_confirmation(tmp_path):
    db = make_front_desk(tmp_path / "station")
    app = new_app(db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _fault_step(app, pilot)
        await type_in(app, pilot, "phone", "0912-345-678")
        await wait_until(pilot, lambda: app.screen.customer_id is not None, what="the customer on file found")
        await pilot.press("pagedown")
        await settle(app, pilot)
        await _purchase_step(app, pilot)
        await _finish_from_fees(app, pilot)
        (first,) = rows(db, "SELECT number FROM repair_orders")
        app.go_home()
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        await pilot.press(*"again", "enter", *"again", "enter", "space", "pagedown")
        await settle(app, pilot)
        await type_in(app, pilot, "phone", "0912-345-678")
        await wait_until(pilot, lambda: app.screen.customer_id is not None, what="the customer on file found")
        await pilot.press("pagedown")
        await settle(app, pilot)
        await _purchase_step(app, pilot)
        assert app.screen.step == 2, "a second open order for the serial went on without a word"
        warning = str(app.screen.query_one("#field-serial").render()) + " ".join(
            str(w.render()) for w in app.screen.query("#field-serial Label"))
        assert first["number"] in warning
        await pilot.press("pagedown")  # confirmed: taken in
        await settle(app, pilot)
        assert app.screen.step == 3
        await _finish_from_fees(app, pilot)
    orders = rows(db, "SELECT number, intake FROM repair_orders ORDER BY id")
    assert len(orders) == 2 and json.loads(orders[1]["intake"])["second_open_order_confirmed"] is True


async def test_finding_an_order_with_f4_as_reception_or_a_colleague_writes_nothing(tmp_path):
    from builders import fixed_clock

    from deskapp.reception.hand_off import hand_off
    from deskapp.reception.pre_inspection import complete
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    staff = {r["name"]: r["id"] for r in rows(db, "SELECT id, name FROM staff")}
    amy = Actor(name="Amy Reception", terminal="R1", staff_id=staff["Amy Reception"], role="reception")
    order = complete(st, amy, {
        "fault_told": "x", "fault_restated": "x", "customer_confirmed": True, "phone": "0912345678",
        "name": "黃淑芬", "proof": "invoice", "invoice_no": "AB-12345678", "serial": "CAM-A10001", "product_line": "camera",
        "fees_acknowledged": True, "backup_reminder": True, "fault_confirmed": "x"})
    hand_off(st, amy, order.number, staff["陳志明"], "his camera")
    st.close()
    before = count(db, "SELECT MAX(id) AS n FROM events")

    for who in ("Amy Reception", "林雅婷"):  # reception, and an engineer it is not assigned to
        app = new_app(db, "en")
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(app, pilot, who)
            await pilot.press("f4")
            await settle(app, pilot)
            await pilot.press(*order.number, "enter")
            await settle(app, pilot)
            assert screen_name(app) == "DiagnosisScreen"
            await wait_until(pilot, lambda: order.number in str(app.screen.query_one("#step-summary").render()))
        assert rows(db, "SELECT state FROM repair_orders") == [{"state": "received"}], who
        assert rows(db, "SELECT kind FROM events WHERE id > ? AND kind != 'staff.sign_in'", (before,)) == [], who

    app = new_app(db, "en", terminal="B1")  # its own engineer scans the tag: that is taking it up
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press(*order.number, "enter")
        await settle(app, pilot)
    assert rows(db, "SELECT state FROM repair_orders") == [{"state": "diagnosing"}]
    assert rows(db, "SELECT actor FROM events WHERE kind = 'order.start_diagnosis'") == [{"actor": "陳志明"}]


def open_faults(db) -> list[str]:
    return sorted(json.loads(r["data"]).get("fault_told", "")
                  for r in rows(db, "SELECT data FROM intake_drafts WHERE status = 'open'"))


async def test_two_terminals_of_one_name_each_keep_their_own_draft(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    db = make_front_desk(tmp_path / "station")
    go = tmp_path / "go"
    child = subprocess.Popen([sys.executable, "tests/hold_a_draft.py", str(db), str(go)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert child.stdout.readline().strip() == "saved", child.stderr.read()[-3000:]
        app = new_app(db, "zh_TW", terminal="R7")  # the same terminal name, another terminal
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(app, pilot, "Amy Reception")
            # the other terminal's draft is being typed there: not offered here
            assert screen_name(app) == "GreetingScreen"
            await pilot.press("i")
            await settle(app, pilot)
            assert screen_name(app) == "PreInspectionScreen"
            assert app.screen.query_one("#fault_told").value == ""
            await type_in(app, pilot, "fault_told", "乙機")
            await wait_until(pilot, lambda: "乙機" in open_faults(db), timeout=30, what="the autosave of 乙機")
            go.write_text("go")
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0 and "done" in out, err[-3000:]
            await pilot.press(*"無畫面")
            await wait_until(pilot, lambda: "乙機無畫面" in open_faults(db), timeout=30, what="乙機無畫面 saved")
        assert open_faults(db) == ["乙機無畫面", "甲機不開機"]  # neither saved over the other
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    # Both terminals ended: the next start of an "R7" lists both to resume.
    app = new_app(db, "zh_TW", terminal="R7")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "ResumeDraftScreen"
        assert app.screen.query_one("#drafts").option_count == 2
        await pilot.click("#resume-yes")
        await settle(app, pilot)
        assert screen_name(app) == "PreInspectionScreen"
        assert app.screen.query_one("#fault_told").value in ("乙機無畫面", "甲機不開機")
    assert len({r["terminal"] for r in rows(db, "SELECT terminal FROM intake_drafts")}) == 2


def test_a_draft_is_taken_over_only_from_a_terminal_no_longer_running_and_then_never_saved_over(tmp_path):
    from builders import fixed_clock

    from deskapp.reception import drafts
    from deskapp.rules.errors import DomainError
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    actor = Actor(name="Amy Reception", terminal="R7")
    first, second = drafts.new_seat("R7"), drafts.new_seat("R7")
    draft_id = drafts.save(st, actor, "fault", {"fault_told": "first"}, seat=first)
    assert drafts.resumable(st, second) == []  # the first is still running
    try:
        drafts.claim(st, second, draft_id)
        raise AssertionError("a running terminal's draft was taken over")
    except DomainError as err:
        assert err.key == "error.draft_in_use"
    drafts.leave_seat(first)
    assert [d.id for d in drafts.resumable(st, second)] == [draft_id]
    drafts.claim(st, second, draft_id)
    again = drafts.save(st, actor, "fault", {"fault_told": "first, late"}, draft_id, seat=first)
    assert again != draft_id  # the late save of the first terminal is a draft of its own
    assert drafts.get(st, draft_id).data == {"fault_told": "first"}
    st.close()


def test_two_terminals_handing_off_one_order_at_once_one_wins_the_other_is_told(tmp_path):
    import subprocess
    import sys
    import time

    from builders import fixed_clock

    from conftest import ROOT
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    amy = Actor(name="Amy Reception", terminal="R1", role="reception")
    (customer,) = rows(db, "SELECT id FROM customers")
    orders = 20
    for i in range(orders):
        create_order(st, amy, IntakeInput(customer_id=customer["id"], product_line="camera", serial="CAM-A10001",
                                          fault_reported=f"race {i}"))
    st.close()
    start = time.time() + 1.5  # both import and open first, then go at once
    procs = [subprocess.Popen([sys.executable, "tests/reception_workers.py", "hand_off", str(db), name, str(start),
                               NOW.isoformat()], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("陳志明", "林雅婷")]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        reports.append(json.loads(out))
    assert [r["errors"] for r in reports] == [[], []]
    won = {n: r["engineer"] for r in reports for n in r["done"]}
    refused = [(n, key) for r in reports for n, key in r["refused"]]
    assert sum(len(r["done"]) for r in reports) == orders, reports  # each order handed off once
    assert len(refused) == orders and {key for _, key in refused} == {"error.already_handed_off"}
    engineers = {r["number"]: r["name"] for r in rows(
        db, "SELECT o.number, s.name FROM repair_orders o JOIN staff s ON s.id = o.assigned_engineer_id")}
    assert engineers == won  # the engineer told "handed off" is the one the order has
    assert count(db, "SELECT COUNT(*) AS n FROM events WHERE kind = 'order.handed_off'") == orders
    assert count(db, "SELECT COUNT(*) AS n FROM events WHERE kind = 'order.engineer_assigned'") == orders


def test_a_draft_taken_over_by_a_running_terminal_is_not_discarded_from_another(tmp_path):
    from builders import fixed_clock

    from deskapp.reception import drafts
    from deskapp.rules.errors import DomainError
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    here, there = drafts.new_seat("R7"), drafts.new_seat("R7")
    draft_id = drafts.save(st, Actor(name="Amy Reception", terminal="R7"), "fault", {"fault_told": "x"}, seat=there)
    try:
        drafts.discard(st, here, draft_id)
        raise AssertionError("another running terminal's draft was discarded")
    except DomainError as err:
        assert err.key == "error.draft_in_use"
    assert drafts.get(st, draft_id).data == {"fault_told": "x"}
    drafts.leave_seat(there)
    drafts.discard(st, here, draft_id)
    assert rows(db, "SELECT status FROM intake_drafts") == [{"status": "discarded"}]
    st.close()
