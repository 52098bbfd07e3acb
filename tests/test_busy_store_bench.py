"""The repair bench while another terminal holds the station file's write lock: every key
that writes (take, hand over, diagnosis, start repair, quote sent / approved / declined,
repair record, loaner out and back, part arrived, ready, the passcode look, the delay call,
notify outcomes) leaves the screen live (another key is handled at once), says it waits,
and completes once the file frees. An order moved meanwhile by another terminal is a
refusal on the screen, never an app exit.

The station is the demo with hostile text (``tests/hostile.py``) in English: every order
has a passcode, and stored text is shown literally along the way."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest
from builders import fixed_clock
from desk_pilot import (
    UI_STALLED_S,
    key_latency,
    new_app,
    screen_name,
    screen_text,
    settle,
    sign_in,
    type_in,
    wait_until,
)
from holding import another_terminal_writing
from hostile import PASSCODE, make_hostile_station

from deskapp.station import Actor, Station

SIZE = (120, 40)


@pytest.fixture(scope="module")
def bench_station(tmp_path_factory):
    return make_hostile_station(tmp_path_factory.mktemp("busy") / "s", "en")


@pytest.fixture
def db(bench_station, tmp_path):
    shutil.copytree(bench_station.parent, tmp_path / "s")
    return tmp_path / "s" / "station.db"


def row(db, sql: str, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()
    finally:
        conn.close()


def number_of(db, serial: str) -> str:
    return row(db, "SELECT o.number FROM repair_orders o JOIN devices d ON d.id = o.device_id"
                   " WHERE d.serial = ? ORDER BY o.id DESC", serial)[0]


def state_of(db, number: str) -> str:
    return row(db, "SELECT state FROM repair_orders WHERE number = ?", number)[0]


def engineer_of(db, number: str) -> str | None:
    found = row(db, "SELECT s.name FROM repair_orders o LEFT JOIN staff s ON s.id = o.assigned_engineer_id"
                    " WHERE o.number = ?", number)
    return found[0]


def staff_id(db, prefix: str) -> int:
    return row(db, "SELECT id FROM staff WHERE name LIKE ?", prefix + "%")[0]


def events(db, kind: str, number: str) -> list[dict]:
    conn = sqlite3.connect(db)
    try:
        return [json.loads(d or "{}") for (d,) in conn.execute(
            "SELECT data FROM events WHERE kind = ? AND subject = ? ORDER BY id", (kind, number))]
    finally:
        conn.close()


def another_terminal(db, prefix: str) -> tuple[Station, Actor]:
    """Another terminal's own station and signed-in staff member (real services, own connection)."""
    st = Station.open(db, clock=fixed_clock())
    found = st.store.query_one("SELECT id, name, role FROM staff WHERE name LIKE ?", (prefix + "%",))
    return st, Actor(name=found["name"], terminal="X9", staff_id=found["id"], role=found["role"])


async def median_latency(pilot, key: str) -> float:
    return sorted([await key_latency(pilot, key) for _ in range(5)])[2]


async def held_while_pressing(app, pilot, db, *keys: str, live_key: str = "home") -> None:
    """Press ``keys`` while another terminal holds the write lock: the screen says it waits,
    another key is handled meanwhile (the median of five presses, never the seconds a UI
    thread waiting on the file would take), and after the release the wait ends."""
    with another_terminal_writing(db):
        await pilot.press(*keys)
        await wait_until(pilot, lambda: app.screen.has_class("-waiting"), what=f"{keys} waits for the station file")
        screen = app.screen
        held = await median_latency(pilot, live_key)
        assert held < UI_STALLED_S, held
        assert screen.has_class("-waiting"), "still waiting: the lock is still held"
        assert "Waiting for the station file" in screen_text(app)
    await wait_until(pilot, lambda: not screen.has_class("-waiting"), what=f"{keys} completes")
    await settle(app, pilot)
    assert app.is_running


async def open_order(app, pilot, number: str) -> None:
    """F4, the order number typed as a scanner would, Enter."""
    await pilot.press("f4")
    await settle(app, pilot)
    await pilot.press(*number, "enter")
    await settle(app, pilot)
    assert app.screen.number == number


async def choose(app, pilot, select_id: str, value) -> None:
    """Open the dropdown (Enter), move to ``value`` with the arrow keys, Enter. The list opens
    on the current choice (the blank prompt first while nothing is chosen)."""
    from textual.widgets import Select

    select = app.screen.query_one(f"#{select_id}", Select)
    values = [v for _, v in select._options]
    start = values.index(select.value) if select.value in values else 0
    select.focus()
    await pilot.press("enter", *["down"] * (values.index(value) - start), "enter")
    await pilot.pause()
    assert select.value == value


async def tick_cause(app, pilot, cause: str) -> None:
    from deskapp.rules.policy import CAUSES

    app.screen.query_one("#causes").focus()
    await pilot.press(*["down"] * CAUSES.index(cause), "space")
    assert cause in app.screen.query_one("#causes").selected


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_take_and_hand_over_from_the_work_list(db):
    pooled = number_of(db, "CAM-A10001")
    assert engineer_of(db, pooled) is None
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        mine = app.screen.query_one("#mine").row_count
        app.screen.query_one("#pool").focus()
        await held_while_pressing(app, pilot, db, "t", live_key="home")
        assert engineer_of(db, pooled).startswith("陳志明")
        await wait_until(pilot, lambda: app.screen.query_one("#mine").row_count == mine + 1, what="my work re-read")
        assert app.screen.query_one("#pool").row_count == 0
        assert f"{pooled} taken." in screen_text(app)

        table = app.screen.query_one("#mine")
        table.focus()
        row_of = [str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(pooled)
        await pilot.press("home", *["down"] * row_of, "g")
        await settle(app, pilot)
        assert screen_name(app) == "GiveScreen"
        await choose(app, pilot, "colleague", staff_id(db, "林雅婷"))
        await type_in(app, pilot, "give_reason", "busy with a board")
        await held_while_pressing(app, pilot, db, "enter")
        assert screen_name(app) == "WorkListScreen"
        assert engineer_of(db, pooled).startswith("林雅婷")
        assert events(db, "order.handed_over", pooled)[-1]["reason"] == "busy with a board"
        await wait_until(pilot, lambda: app.screen.query_one("#mine").row_count == mine, what="handed over")


async def test_opening_diagnosis_start_repair_record_and_ready(db):
    number = number_of(db, "CAM-A10001")  # received, in the pool: take it, then open it while the file is held
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        app.screen.query_one("#pool").focus()
        await pilot.press("t")
        await settle(app, pilot)
        assert engineer_of(db, number).startswith("陳志明")
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press(*number)
        await held_while_pressing(app, pilot, db, "enter")  # opening it at the bench starts the diagnosis
        assert screen_name(app) == "DiagnosisScreen"
        assert state_of(db, number) == "diagnosing"
        await wait_until(pilot, lambda: "diagnosing" in str(app.screen.query_one("#step-summary").render()))

        await held_while_pressing(app, pilot, db, "f2")  # the look at the passcode is logged: a write
        await wait_until(pilot, lambda: PASSCODE in screen_text(app), what="the passcode shown")
        assert len(events(db, "order.passcode_viewed", number)) == 1

        await type_in(app, pilot, "findings", "Loose sensor cable")
        await held_while_pressing(app, pilot, db, "ctrl+s")
        assert "Covered" in str(app.screen.query_one("#decision").render())
        assert row(db, "SELECT COUNT(*) FROM diagnoses d JOIN repair_orders o ON o.id = d.order_id"
                       " WHERE o.number = ?", number)[0] == 1

        await held_while_pressing(app, pilot, db, "f6")
        assert screen_name(app) == "RepairScreen"
        assert state_of(db, number) == "in_repair"

        await type_in(app, pilot, "work", "Reseated the sensor cable")
        await type_in(app, pilot, "minutes", "20")
        await held_while_pressing(app, pilot, db, "ctrl+s")  # the record, then the repair warranty
        assert "Repair recorded" in status(app)
        repaired = row(db, "SELECT repair_record, repair_warranty_months FROM repair_orders WHERE number = ?", number)
        assert repaired[0] and repaired[1] is not None

        await held_while_pressing(app, pilot, db, "ctrl+e")
        assert screen_name(app) == "WorkListScreen"
        assert state_of(db, number) == "ready"


async def test_quote_sent_then_approved(db):
    number = number_of(db, "MON-27Q-3310")  # 陳志明's, in diagnosis
    assert state_of(db, number) == "diagnosing"
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await open_order(app, pilot, number)
        await type_in(app, pilot, "findings", "Corrosion on the board")
        await tick_cause(app, pilot, "liquid_damage")  # a charged cause: the repair needs a quote
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Chargeable" in str(app.screen.query_one("#decision").render())
        await pilot.press("f7")
        await settle(app, pilot)
        assert screen_name(app) == "QuoteScreen"
        await type_in(app, pilot, "desc1", "LCD panel")
        await type_in(app, pilot, "price1", "5200")
        await held_while_pressing(app, pilot, db, "ctrl+s")
        assert "Quote sent" in status(app), screen_text(app)
        assert state_of(db, number) == "awaiting_approval"
        assert row(db, "SELECT quote_total FROM repair_orders WHERE number = ?", number)[0] == 5200
        assert "NT$5,200" in str(app.screen.query_one("#quote-total").render())

        await choose(app, pilot, "method", "signed")
        await held_while_pressing(app, pilot, db, "ctrl+a")
        assert "Quote approved" in status(app)
        assert state_of(db, number) == "approved"


async def test_quote_declined(db):
    number = number_of(db, "NB-X14-0042")
    app = new_app(db, "en", terminal="B2")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "林雅婷")
        await open_order(app, pilot, number)
        await choose(app, pilot, "method", "phone")
        await choose(app, pilot, "return_method", "collect")
        await held_while_pressing(app, pilot, db, "ctrl+x")
        assert "goes back unrepaired" in status(app)
        assert state_of(db, number) == "return_unrepaired"


async def test_loaner_out_and_back_part_arrived_and_the_delay_call(db):
    number = number_of(db, "SP-300-7788")  # 陳志明's, waiting for a part, contract level 2 (loaners)
    assert state_of(db, number) == "waiting_parts"
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await open_order(app, pilot, number)
        assert screen_name(app) == "RepairScreen"
        await type_in(app, pilot, "loaner_device", "Loaner speaker L-3")
        await held_while_pressing(app, pilot, db, "ctrl+l")
        assert "Loaner issued" in status(app)
        assert row(db, "SELECT COUNT(*) FROM loaners l JOIN repair_orders o ON o.id = l.order_id"
                       " WHERE o.number = ? AND l.returned_at IS NULL", number)[0] == 1
        await held_while_pressing(app, pilot, db, "ctrl+l")
        assert "Loaner speaker L-3 returned" in status(app)
        assert row(db, "SELECT COUNT(*) FROM loaners l JOIN repair_orders o ON o.id = l.order_id"
                       " WHERE o.number = ? AND l.returned_at IS NULL", number)[0] == 0

        await pilot.press("f3")
        await settle(app, pilot)
        assert screen_name(app) == "DelayScreen"
        new_due = (dt.datetime.now() + dt.timedelta(days=9)).strftime("%Y-%m-%d 17:30")
        await type_in(app, pilot, "part", "bluetooth module")
        await type_in(app, pilot, "new_due", new_due)
        await held_while_pressing(app, pilot, db, "ctrl+s")
        assert screen_name(app) == "RepairScreen"
        calls = [e for e in events(db, "order.delay_called", number) if e.get("part") == "bluetooth module"]
        assert len(calls) == 1

        await held_while_pressing(app, pilot, db, "ctrl+t")
        assert state_of(db, number) == "in_repair"
        await wait_until(pilot, lambda: "in repair" in str(app.screen.query_one("#step-summary").render()).lower())


async def test_notify_outcomes(db):
    number = number_of(db, "CAM-A10002")  # ready, customer not reached yet
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.query_one("#to-notify").row_count == 1
        await held_while_pressing(app, pilot, db, "2", live_key="home")
        assert f"{number}: no answer." in status(app)
        assert app.screen.query_one("#to-notify").row_count == 1
        await held_while_pressing(app, pilot, db, "1", live_key="home")
        assert f"{number}: reached." in status(app)
        await wait_until(pilot, lambda: app.screen.query_one("#to-notify").row_count == 0, what="reached: off the list")
    assert [e["outcome"] for e in events(db, "order.notify_attempt", number)] == ["no_answer", "reached"]


# ---- refusals: another terminal moved the order meanwhile


async def test_an_order_sent_back_meanwhile_leaves_the_notify_list_and_no_call_is_logged(db):
    """The counter sends a ready order back to the bench while the engineer has the notify
    list open: the list drops it by itself (the app's watch), a call outcome key then finds
    nothing to log against it. (A key landing before the list follows is refused by the
    service inside its transaction: tests/test_bench_core.py.)"""
    from deskapp.orders.moves import advance

    number = number_of(db, "CAM-A10002")
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.query_one("#to-notify").row_count == 1
        st, counter = another_terminal(db, "張家豪")  # the pickup counter sends it back to the bench
        advance(st, counter, number, "back_to_bench", reason="still no picture")
        st.close()
        await wait_until(pilot, lambda: app.screen.query_one("#to-notify").row_count == 0, what="the list follows")
        await pilot.press("1")
        await settle(app, pilot)
        assert app.is_running and screen_name(app) == "NotifyScreen"
    assert events(db, "order.notify_attempt", number) == []


async def test_a_hand_over_to_whoever_took_it_meanwhile_is_refused_under_the_reason(db):
    from deskapp.orders.moves import assign_engineer

    number = number_of(db, "MON-27Q-3310")  # 陳志明's, diagnosing
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        table = app.screen.query_one("#mine")
        table.focus()
        row_of = [str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(number)
        await pilot.press("home", *["down"] * row_of, "g")
        await settle(app, pilot)
        await choose(app, pilot, "colleague", staff_id(db, "林雅婷"))
        await type_in(app, pilot, "give_reason", "too busy")
        st, manager = another_terminal(db, "李建國")  # meanwhile the manager gives it to 林雅婷 already
        assign_engineer(st, manager, number, staff_id(db, "林雅婷"), "rebalanced")
        st.close()
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "GiveScreen" and app.is_running
        assert "That engineer already has the order." in screen_text(app)
    assert events(db, "order.handed_over", number) == []


async def test_the_passcode_of_an_order_reassigned_meanwhile_is_refused_on_screen(db):
    from deskapp.orders.moves import assign_engineer

    number = number_of(db, "MON-27Q-3310")
    app = new_app(db, "en", terminal="B1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await open_order(app, pilot, number)
        st, manager = another_terminal(db, "李建國")
        assign_engineer(st, manager, number, staff_id(db, "林雅婷"), "rebalanced")
        st.close()
        await pilot.press("f2")
        await settle(app, pilot)
        await wait_until(pilot, lambda: "Only the engineer order" in screen_text(app), what="the refusal shown")
        assert PASSCODE not in screen_text(app)
        assert app.is_running and screen_name(app) == "DiagnosisScreen"
    assert events(db, "order.passcode_viewed", number) == []
