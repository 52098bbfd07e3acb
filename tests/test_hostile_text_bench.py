"""The repair bench on a station whose every stored text holds Textual markup and control
bytes (``tests/hostile.py``): the work list and the pool, each order screen, the passcode,
the delay call, the notify list and F4 show it literally, at 80x24 and 160x48, and nothing
ends the app."""

from __future__ import annotations

import shutil

import pytest
from builders import fixed_clock
from desk_pilot import (
    new_app,
    screen_name,
    screen_text,
    settle,
    sign_in,
    type_in,
    wait_until,
)
from hostile import PASSCODE, SHOWN, make_hostile_station

from deskapp.station import Station

SIZES = [(80, 24), (160, 48)]
ENGINEERS = ["陳志明", "林雅婷"]


@pytest.fixture(scope="module")
def hostile_station(tmp_path_factory):
    return make_hostile_station(tmp_path_factory.mktemp("hostile") / "s", "zh_TW")


@pytest.fixture
def db(hostile_station, tmp_path):
    """A copy of the module's hostile station for each test (tests write: passcode looks, moves)."""
    shutil.copytree(hostile_station.parent, tmp_path / "s")
    return tmp_path / "s" / "station.db"


def bench_orders(db, engineer: str) -> dict:
    """The engineer's open bench orders by state, the pool, the notify list (read from the file)."""
    from deskapp.bench.calls import to_notify
    from deskapp.bench.work_list import my_work, unassigned_pool

    st = Station.open(db, clock=fixed_clock())
    try:
        staff_id = st.store.query_one("SELECT id FROM staff WHERE name LIKE ?", (engineer + "%",))["id"]
        return {"mine": [(i.number, i.state) for i in my_work(st, staff_id)],
                "pool": [i.number for i in unassigned_pool(st)],
                "notify": [o.number for o in to_notify(st)]}
    finally:
        st.close()


async def shows(app, pilot, text: str, what: str) -> None:
    await wait_until(pilot, lambda: text in screen_text(app), timeout=5, what=f"{what} shows {text!r}")


def still_running(app) -> None:
    assert app.is_running and app.return_code is None


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("engineer", ENGINEERS)
async def test_every_bench_screen_shows_hostile_text_literally(db, size, engineer):
    orders = bench_orders(db, engineer)
    assert orders["mine"] and orders["pool"]
    app = new_app(db, "zh_TW", terminal="B1")
    async with app.run_test(size=size, notifications=True) as pilot:
        await sign_in(app, pilot, engineer)
        assert screen_name(app) == "WorkListScreen"
        await shows(app, pilot, SHOWN, "my work")  # customer names (the model column may be cut at 80)
        table = app.screen.query_one("#mine")
        assert table.row_count == len(orders["mine"])
        if size[0] < 120:  # one table at a time: p shows the pool
            await pilot.press("p")
            await settle(app, pilot)
        await shows(app, pilot, orders["pool"][0], "the pool")
        assert app.screen.query_one("#pool").row_count == len(orders["pool"])
        assert SHOWN in screen_text(app)
        if size[0] < 120:
            await pilot.press("p")
            await settle(app, pilot)

        for row, (number, state) in enumerate(orders["mine"]):
            app.screen.query_one("#mine").focus()
            await pilot.press("home", *["down"] * row, "enter")
            await settle(app, pilot)
            expected = {"received": "DiagnosisScreen", "diagnosing": "DiagnosisScreen",
                        "awaiting_approval": "QuoteScreen", "approved": "QuoteScreen",
                        "in_repair": "RepairScreen", "waiting_parts": "RepairScreen"}[state]
            assert screen_name(app) == expected and app.screen.number == number
            await shows(app, pilot, SHOWN, f"{expected} {number}")  # the customer's name in the summary
            if expected == "QuoteScreen":  # the demo's quote lines are the stored fault
                await shows(app, pilot, "[/x]壞[b]粗", "the quote lines")
            await pilot.press("f2")  # the passcode exactly as the customer gave it
            await shows(app, pilot, PASSCODE, "the passcode")
            await pilot.press("f3")
            await settle(app, pilot)
            assert screen_name(app) == "DelayScreen"
            await shows(app, pilot, SHOWN, "the delay script")  # the customer's name
            await type_in(app, pilot, "part", "[/x]件[b]")  # a part typed with markup in it
            await shows(app, pilot, "[/x]件[b]", "the part in the delay script")
            await pilot.press("escape")
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
            assert screen_name(app) == "WorkListScreen"
            still_running(app)

        await pilot.press("n")
        await settle(app, pilot)
        assert screen_name(app) == "NotifyScreen"
        assert app.screen.query_one("#to-notify").row_count == len(orders["notify"])
        if orders["notify"]:
            await shows(app, pilot, SHOWN, "the notify list")
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press(*"[/x]", "enter")  # F4 with markup typed: the refusal quotes it literally
        await shows(app, pilot, "[/x]", "the F4 refusal")
        await pilot.press("ctrl+u")  # the refused text cleared, as staff would
        await pilot.press(*orders["mine"][0][0], "enter")
        await settle(app, pilot)
        assert app.screen.number == orders["mine"][0][0]
        await shows(app, pilot, SHOWN, "the order found by F4")
        still_running(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_hand_over_picker_lists_colleagues_literally(db, size):
    app = new_app(db, "zh_TW", terminal="B1")
    async with app.run_test(size=size, notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        app.screen.query_one("#mine").focus()
        await pilot.press("g")
        await settle(app, pilot)
        assert screen_name(app) == "GiveScreen"
        app.screen.query_one("#colleague").focus()
        await pilot.press("enter")  # the dropdown of colleagues
        await shows(app, pilot, "林雅婷" + SHOWN, "the colleague picker")
        still_running(app)


async def test_a_passcode_that_closes_a_tag_is_shown_as_typed(tmp_path):
    """F2 on ``pw[/]x`` (a closing tag with nothing open) shows it; it once ended the app."""
    from conftest import make_front_desk
    from test_bench_flow import received_order

    desk = make_front_desk(tmp_path / "station")
    number = received_order(desk, passcode="pw[/]x")
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press(*number, "enter")
        await settle(app, pilot)
        await pilot.press("f2")
        await shows(app, pilot, "pw[/]x", "the passcode")
        still_running(app)
