"""The customers' query terminal (deskapp kiosk), driven by Pilot on a real station file: a
queue number by one key, a repair's progress for the holder of its voucher (its number in any
form and the phone's last four digits), wrong tries limited, no way to a staff screen, and
back to the start by itself."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import fixed_clock, make_front_desk, run_python
from desk_pilot import error_under, screen_name, screen_text, settle, wait_until
from textual.widgets import Input

from deskapp.app import KioskApp
from deskapp.reception.kiosk import TRIES
from deskapp.settings.i18n import translator
from deskapp.station import Station

EN = translator("en")


@pytest.fixture
def desk(tmp_path):
    return make_front_desk(tmp_path / "station")


def kiosk(db, locale="en", idle_s=20.0, terminal="KIOSK-1") -> KioskApp:
    return KioskApp(Station.open(db, locale=locale, clock=fixed_clock()), terminal=terminal, idle_s=idle_s)


def other_terminal(db, *args: str) -> str:
    done = run_python("tests/other_terminal.py", str(db), *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def ask(app, pilot, number: str, last4: str) -> None:
    """As a customer does: the number (a scanner types the QR code's text the same way), Enter,
    the four digits, Enter."""
    field = app.screen.query_one("#order_number", Input)
    field.focus()
    await pilot.press("ctrl+a", "ctrl+k", *number, "enter", *last4, "enter")
    await settle(app, pilot)


async def test_a_queue_number_is_one_key_and_the_kiosk_goes_back_to_the_start(desk):
    app = kiosk(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert screen_name(app) == "KioskHomeScreen"
        await pilot.press("1")
        await settle(app, pilot)
        assert screen_name(app) == "KioskTicketScreen"
        row = sqlite3.connect(desk).execute("SELECT code, service, terminal FROM queue_tickets").fetchone()
        assert row == ("A001", "drop-off", "KIOSK-1")
        assert app.screen.query_one("#kiosk-number").text == "A001"
        assert "█" in screen_text(app)  # in block letters
        # no printer at this station: the customer is told to remember the number, no printer words
        assert status(app) == EN.t("kiosk.not_printed", code="A001")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "KioskHomeScreen"


async def test_the_progress_of_a_repair_for_its_number_and_phone_digits(desk):
    number = other_terminal(desk, "ready", "CAM-A10001")  # 黃淑芬, 0912-345-678
    assert number.startswith("R2611-")
    app = kiosk(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert screen_name(app) == "KioskProgressScreen"
        short = number.removeprefix("R").lower().replace("-000", "-")  # 2611-1: no prefix, no zeros
        await ask(app, pilot, short, "5678")
        shown = str(app.screen.query_one("#kiosk-progress").render())
        assert number in shown and EN.t("kiosk.stage_ready") in shown and EN.t("kiosk.come_and_collect") in shown
        assert "黃淑芬" not in screen_text(app) and "0912" not in screen_text(app)  # nothing else of the customer
        assert app.screen.query_one("#phone_last4", Input).value == ""  # the digits are not left on screen

        await ask(app, pilot, number, "1234")  # somebody else's digits
        assert status(app) == EN.t("error.kiosk_not_matched")
        assert not app.screen.query_one("#kiosk-progress").display
        await ask(app, pilot, "R2611-99999", "5678")  # no such order: the same words, nothing told
        assert status(app) == EN.t("error.kiosk_not_matched")
        await ask(app, pilot, "hello", "5678")
        assert error_under(app, "order_number") == EN.t("error.kiosk_number")


async def test_wrong_tries_lock_the_kiosk_for_a_while(desk):
    from deskapp.reception.kiosk import LOCK_MIN

    number = other_terminal(desk, "ready", "CAM-A10001")
    app = kiosk(desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        for _ in range(TRIES):
            await ask(app, pilot, number, "0000")
            assert status(app) == EN.t("error.kiosk_not_matched")
        await ask(app, pilot, number, "5678")  # right now, but too late: asked at the desk
        assert status(app) == EN.t("error.kiosk_locked", minutes=LOCK_MIN)
    tries = sqlite3.connect(desk).execute(
        "SELECT COUNT(*) FROM events WHERE kind = 'kiosk.progress_refused' AND terminal = 'KIOSK-1'").fetchone()[0]
    assert tries == TRIES

    app = kiosk(desk, terminal="KIOSK-1")  # a restart does not lift it: the count is in the file
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await ask(app, pilot, number, "5678")
        assert status(app) == EN.t("error.kiosk_locked", minutes=LOCK_MIN)
        app.station.clock.advance(minutes=LOCK_MIN + 1)
        await ask(app, pilot, number, "5678")
        assert number in str(app.screen.query_one("#kiosk-progress").render())


async def test_the_kiosk_has_no_way_to_a_staff_screen(desk):
    app = kiosk(desk, "zh_TW")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key in ("ctrl+p", "f4", "f9", "ctrl+q", "ctrl+c", "f1", "tab", "escape", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert screen_name(app).startswith("Kiosk"), key
            assert app.is_running, key
        assert "^p" not in screen_text(app).splitlines()[-1]  # no palette offered in the footer


async def test_the_kiosk_goes_back_to_the_start_when_left_idle(desk):
    app = kiosk(desk, idle_s=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press(*"R2611")
        assert screen_name(app) == "KioskProgressScreen"
        await wait_until(pilot, lambda: screen_name(app) == "KioskHomeScreen", 10, "back at the start")
        await pilot.press("4")
        await settle(app, pilot)
        assert app.screen.query_one("#order_number", Input).value == ""  # nothing of the last customer
