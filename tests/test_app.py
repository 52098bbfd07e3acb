"""The app shell, driven by Textual's Pilot against a real station file."""

from __future__ import annotations

import pytest
from conftest import fixed_clock
from desk_pilot import run_command, screen_name, settle, sign_in, wait_until

from deskapp.app import DeskApp
from deskapp.demo import build_demo
from deskapp.reception.queue import take_number
from deskapp.station import Actor, Station


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("app") / "station.db"
    build_demo(db, locale="zh_TW", clock=fixed_clock())
    return db


def desk_app(db, locale: str, terminal: str = "T-test") -> DeskApp:
    """The app on the day the demo was built (the tests' fixed clock)."""
    return DeskApp(db, locale=locale, terminal=terminal, clock=fixed_clock())


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_sign_in_refuses_a_wrong_pin_and_keeps_the_terminal_locked(demo_db):
    app = desk_app(demo_db, "zh_TW", "T-test")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "王美玲", pin="9999")
        assert screen_name(app) == "SignInScreen" and app.actor is None
        assert "姓名或 PIN 碼錯誤" in text_of(app, "#pin-error")
        assert app.screen.query_one("#pin").value == ""
    failed = Station.open(demo_db).store.query("SELECT actor FROM events WHERE kind = 'staff.sign_in_failed'")
    assert [r["actor"] for r in failed][-1] == "王美玲"


async def test_an_engineer_signs_in_to_the_work_list(demo_db):
    app = desk_app(demo_db, "zh_TW", "T-test")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "陳志明")
        assert screen_name(app) == "WorkListScreen" and app.actor.name == "陳志明"


async def test_pickup_staff_sign_in_to_the_counter_in_the_station_language(demo_db):
    import sqlite3

    waiting = {r[0] for r in sqlite3.connect(demo_db).execute(
        "SELECT number FROM repair_orders WHERE state IN ('ready', 'return_unrepaired', 'released')")}
    app = desk_app(demo_db, "zh_TW", "T-test")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "張家豪")
        assert screen_name(app) == "PickupScreen" and app.actor.name == "張家豪"
        await settle(app, pilot)
        table = app.screen.query_one("#waiting")
        assert waiting and {str(table.get_row_at(i)[0]) for i in range(table.row_count)} == waiting
        footer_keys = {b.description for _, b, _, _ in app.screen.active_bindings.values()}
        assert {"離開", "重新整理", "憑證遺失", "返修"} <= footer_keys


async def test_the_desk_refreshes_when_another_terminal_issues_a_number(demo_db):
    app = desk_app(demo_db, "en", "T-test")
    async with app.run_test(size=(160, 48)) as pilot:
        await sign_in(app, pilot, "王美玲")
        assert screen_name(app) == "GreetingScreen"
        before = int(text_of(app, "#tile-pickup").split()[0])
        other = Station.open(demo_db, locale="en", clock=fixed_clock())  # a second terminal, its own connection
        take_number(other, Actor.system(name="kiosk", terminal="kiosk-2"), "pickup")
        other.close()
        await wait_until(pilot, lambda: int(text_of(app, "#tile-pickup").split()[0]) == before + 1,
                         what="the greeting's 1-second poll shows the new number")


async def test_quit_key_closes_the_app(demo_db):
    app = desk_app(demo_db, "en")
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()  # no worker runs: the key alone ends the app
    assert app.return_code == 0 and not app.is_running


async def test_a_station_file_from_a_newer_deskapp_is_explained_not_crashed_on(tmp_path):
    import sqlite3

    db = tmp_path / "station.db"
    Station.open(db, locale="en").close()
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    app = DeskApp(db, locale="zh_TW", clock=fixed_clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "較新版的 deskapp" in text_of(app, "#station-problem") and app.is_running


async def test_the_command_palette_has_the_desk_actions(demo_db):
    app = desk_app(demo_db, "en", "T-palette")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "王美玲")
        await run_command(app, pilot, "call the next", "Call the next")
        assert screen_name(app) == "GreetingScreen"
        assert "please come to the reception desk" in text_of(app, "#call-banner")
        await run_command(app, pilot, "sign out", "Sign out")
        assert screen_name(app) == "SignInScreen" and app.actor is None
        assert app.screen.query_one("#pin").value == ""


async def test_reception_is_prompted_to_reassure_a_customer_waiting_past_30_minutes(tmp_path):
    from conftest import fixed_clock, make_front_desk

    from deskapp.reception.pre_inspection import complete
    from deskapp.records.customers import find_by_phone

    clock = fixed_clock()  # 10:00 on the tests' fixed day
    db = make_front_desk(tmp_path / "station", clock=clock)
    st = Station.open(db, clock=clock)
    customer = find_by_phone(st, "0912")[0]
    order = complete(st, Actor(name="Amy Reception", terminal="R1"), {
        "fault_told": "x", "fault_restated": "x", "customer_confirmed": True, "customer_id": customer.id,
        "proof": "none", "serial": "CAM-A10001", "product_line": "camera", "fees_acknowledged": True,
        "backup_reminder": True, "fault_confirmed": "x"})
    st.close()
    clock.advance(minutes=35)
    app = DeskApp(db, locale="zh_TW", terminal="R1", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await settle(app, pilot)
        text = text_of(app, "#reassure")
        assert order.number in text and "35 分鐘" in text and "讓您久等了" in text
