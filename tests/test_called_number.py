"""The queue number where it matters: called large on the greeting, printed on a ticket
that does not send the customer to take one, a printer that is off named for what it is
(the queue number, not a repair order), and a hand-off that never promises a time past."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from builders import NOW, MovableClock
from conftest import make_front_desk
from desk_pilot import new_app, screen_name, screen_text, settle, sign_in, wait_until
from escpos_decode import decode
from printer_listener import closed_port_url
from textual.widgets import Digits, Label, Static

from deskapp.settings.i18n import translator


def printed_text(ticket) -> str:
    return "".join("".join(ticket.text).split())  # the lines as printed, joined where they wrapped


@pytest.mark.parametrize("locale,encoding", [("zh_TW", "cp950"), ("en", "cp950"), ("zh_CN", "gb18030")])
async def test_the_called_number_is_large_and_the_ticket_does_not_send_for_a_number(tmp_path, printer, locale,
                                                                                    encoding):
    db = make_front_desk(tmp_path / "station", printer.url, locale)
    tr = translator(locale)
    app = new_app(db, locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("t", "1")  # a queue number for a drop-off, printed
        await settle(app, pilot)
        ticket = printed_text(decode(printer.wait_for(1)[0], encoding))
        assert "A001" in ticket
        for sends_for_a_number in ("queue.take_number_others_waiting", "queue.take_number_nobody_waiting"):
            assert "".join(tr.phrase(sends_for_a_number).split())[:12] not in ticket
        assert "".join(tr.phrase("queue.ticket_nobody_waiting").split()) in ticket  # nobody ahead: to the desk

        await pilot.press("escape", "n")  # back on the greeting, call the number
        await settle(app, pilot)
        number = app.screen.query_one("#called-number", Digits)
        assert number.value == "A001" and number.display
        region = number.region
        assert region.height == 3 and region.bottom <= 24 - 1  # three rows tall, above the footer
        rows = screen_text(app).splitlines()[region.y:region.bottom]
        assert not any("A001" in r for r in rows)  # drawn large, not as the plain text
        assert tr.phrase("queue.call", number="A001") in str(app.screen.query_one("#call-banner", Static).render())


@pytest.mark.parametrize("locale,order_word", [("zh_TW", "維修單"), ("zh_CN", "维修单"), ("en", "order")])
async def test_a_queue_ticket_the_printer_did_not_take_speaks_of_the_queue_number(tmp_path, locale, order_word):
    db = make_front_desk(tmp_path / "station", closed_port_url(), locale)
    app = new_app(db, locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("t", "1")
        await settle(app, pilot)
        label = app.screen.query_one("#queue-print", Label)
        await wait_until(pilot, lambda: label.has_class("error"), what="the printer refused")
        said = str(label.render())
        assert "A001" in said and order_word not in said.lower()
        assert app.screen.query_one("#queue-number", Digits).value == "A001"  # still shown large


async def test_the_hand_off_never_announces_an_inspection_time_already_past(tmp_path):
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.rules.dates import from_db
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station", locale="en")
    st = Station.open(db, locale="en", clock=MovableClock(NOW))
    customer = st.store.query_one("SELECT id FROM customers")["id"]
    number = create_order(st, Actor.system(name="setup", terminal="setup"), IntakeInput(
        customer_id=customer, product_line="camera", serial="CAM-A10001", fault_reported="no picture")).number
    stored = st.store.query_one("SELECT inspection_due_at FROM repair_orders")["inspection_due_at"]
    st.close()
    later = NOW + dt.timedelta(hours=2)  # the hand-off comes two hours after the intake
    assert from_db(stored) < later
    app = new_app(db, "en", clock=MovableClock(later))
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("h")
        await settle(app, pilot)
        assert screen_name(app) == "HandOffScreen" and app.screen.number == number
        promise = str(app.screen.query_one("#promise", Static).render())
        old = from_db(stored).astimezone(NOW.tzinfo).strftime("%H:%M")
        assert f"by 2026-11-24 {old}" not in promise
        announced = promise.split("Inspection done by ")[1][:16]
        assert dt.datetime.strptime(announced, "%Y-%m-%d %H:%M").replace(tzinfo=NOW.tzinfo) > later
        await pilot.press("ctrl+s")  # confirmed: the time told is the time kept
        await settle(app, pilot)
    conn = sqlite3.connect(db)
    due = conn.execute("SELECT inspection_due_at FROM repair_orders").fetchone()[0]
    conn.close()
    assert from_db(due).astimezone(NOW.tzinfo).strftime("%Y-%m-%d %H:%M") == announced
