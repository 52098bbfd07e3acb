"""Several terminals on one station file: what another terminal (a real second process)
commits shows on this one's screen by itself, on every screen that shows shared state, after
a dialog was opened and closed, while text is being typed, without moving the cursor; an
order open here that was changed elsewhere says so. One watch per app tells the screens
(deskapp.app.WATCH_S, four times a second); the screens poll nothing themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import import_sales
from conftest import fixed_clock, make_front_desk, run_python
from desk_pilot import new_app, screen_name, screen_text, settle, sign_in, wait_until
from textual.widgets import DataTable, Input

from deskapp.records.staff import add_staff
from deskapp.station import Actor, Station

SERIALS = [f"CAM-L{i:05d}" for i in range(8)]
# Within a second by design (the watch's beat, then one read); a test tells shown from never
# shown, with a bound a loaded machine does not reach.
SHOWN_WITHIN_S = 10.0


@pytest.fixture
def desk(tmp_path):
    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    setup = Actor.system(name="setup", terminal="setup")
    add_staff(st, setup, "Paul Pickup", "pickup", "1234")
    today = st.now().date()
    import_sales(st, setup, db.parent, [(s, "VisionCam 4K", "camera", today - dt.timedelta(days=30), f"LL-{s}",
                                         "光華數位") for s in SERIALS], name="more.csv")
    st.close()
    return db


def other_terminal(db, *args: str) -> str:
    """One business action in a real second process; what it printed (a number, a code)."""
    done = run_python("tests/other_terminal.py", str(db), *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def tile(app, service: str) -> str:
    return str(app.screen.query_one(f"#tile-{service}").render())


def rows_of(app, table_id: str) -> list[str]:
    table = app.screen.query_one(table_id, DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def cursor_on(app, table_id: str) -> str:
    table = app.screen.query_one(table_id, DataTable)
    return str(table.get_row_at(table.cursor_row)[0])


async def test_the_greeting_follows_the_other_desks_also_behind_a_dialog(desk):
    app = new_app(desk, "en", terminal="R1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "GreetingScreen"
        assert tile(app, "drop-off").startswith("0")
        other_terminal(desk, "take-number", "drop-off")
        await wait_until(pilot, lambda: tile(app, "drop-off").startswith("1"), SHOWN_WITHIN_S,
                         "a number taken at the other desk is counted here")

        await pilot.press("f4")  # a dialog over the greeting: the counts behind it still follow
        await settle(app, pilot)
        assert screen_name(app) == "FindOrderScreen"
        other_terminal(desk, "take-number", "drop-off")
        await wait_until(pilot, lambda: str(app.screen_stack[-2].query_one("#tile-drop-off").render()).startswith("2"),
                         SHOWN_WITHIN_S, "counted behind the dialog")
        await pilot.press("escape")
        await settle(app, pilot)
        assert screen_name(app) == "GreetingScreen" and tile(app, "drop-off").startswith("2")
        other_terminal(desk, "take-number", "pickup")  # and after it, as before
        await wait_until(pilot, lambda: tile(app, "pickup").startswith("1"), SHOWN_WITHIN_S,
                         "counted after the dialog closed")


async def test_the_work_list_shows_a_new_order_keeping_the_cursor_and_the_typing(desk):
    first = other_terminal(desk, "receive", SERIALS[0], "陳志明")
    second = other_terminal(desk, "receive", SERIALS[1], "陳志明")
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        assert rows_of(app, "#mine") == [first, second]
        await pilot.press("down")
        assert cursor_on(app, "#mine") == second
        await pilot.press("slash", *"R26")  # typing a number into the scan field
        scan = app.screen.query_one("#scan", Input)
        assert scan.value == "R26" and app.focused is scan

        third = other_terminal(desk, "receive", SERIALS[2], "陳志明")
        await wait_until(pilot, lambda: third in rows_of(app, "#mine"), SHOWN_WITHIN_S, "the new order is listed")
        assert scan.value == "R26" and app.focused is scan  # the typing goes on where it was
        await pilot.press(*"11")
        assert scan.value == "R2611"
        assert cursor_on(app, "#mine") == second  # the cursor stays on its order

        handed = other_terminal(desk, "hand-over", first, "林雅婷")  # gone to a colleague, elsewhere
        await wait_until(pilot, lambda: handed not in rows_of(app, "#mine"), SHOWN_WITHIN_S, "moved off my list")
        assert cursor_on(app, "#mine") == second


async def test_the_counter_and_the_notify_list_show_an_order_made_ready_elsewhere(desk):
    app = new_app(desk, "en", terminal="C1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Paul Pickup")
        assert screen_name(app) == "PickupScreen"
        ready = other_terminal(desk, "ready", SERIALS[3])
        await wait_until(pilot, lambda: ready in rows_of(app, "#waiting"), SHOWN_WITHIN_S, "ready at the counter")

    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await pilot.press("n")
        await settle(app, pilot)
        assert screen_name(app) == "NotifyScreen"
        before = rows_of(app, "#to-notify")
        again = other_terminal(desk, "ready", SERIALS[4])
        await wait_until(pilot, lambda: again in rows_of(app, "#to-notify"), SHOWN_WITHIN_S, "to notify")
        assert set(before) < set(rows_of(app, "#to-notify"))


async def test_an_open_order_changed_at_another_terminal_says_so(desk):
    number = other_terminal(desk, "receive", SERIALS[5], "陳志明")
    app = new_app(desk, "en", terminal="B1")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "陳志明")
        await settle(app, pilot)
        app.screen.query_one("#mine").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "DiagnosisScreen"
        assert "OTHER-DESK" not in screen_text(app)
        other_terminal(desk, "hand-over", number, "林雅婷")
        await wait_until(pilot, lambda: "OTHER-DESK" in screen_text(app), SHOWN_WITHIN_S,
                         "the screen says who changed the order, and where")
        said = str(app.screen.query_one("#status").render())
        assert number in said and "Mia Manager" in said


async def test_the_header_clock_turns_while_a_dialog_is_open(desk):
    clock = fixed_clock()
    app = new_app(desk, "en", terminal="R1", clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")

        def header() -> str:
            return screen_text(app).splitlines()[0]

        shown = clock().astimezone().strftime("%H:%M")  # the header shows the terminal's local time
        assert header().rstrip().endswith(shown)
        await pilot.press("f4")
        await settle(app, pilot)
        assert screen_name(app) == "FindOrderScreen"
        clock.advance(minutes=1)
        turned = clock().astimezone().strftime("%H:%M")
        await wait_until(pilot, lambda: header().rstrip().endswith(turned), SHOWN_WITHIN_S,
                         f"the clock behind the dialog shows {turned}")


# ---- the display board (deskapp board): read-only, follows the desks

def board_app(db, locale="en"):
    from deskapp.app import BoardApp

    return BoardApp(Station.open(db, locale=locale, clock=fixed_clock()), speak=False)


@pytest.mark.parametrize("size", [(80, 24), (240, 67)])
async def test_the_board_shows_a_call_made_at_a_desk_in_block_letters_and_flashes(desk, size):
    from deskapp.screens.widgets.big_text import block_lines

    for _ in range(3):
        other_terminal(desk, "take-number", "drop-off")
    app = board_app(desk)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert screen_name(app) == "BoardScreen"
        assert "Next: A001 A002 A003" in screen_text(app)
        code = other_terminal(desk, "call-next", "drop-off")
        assert code == "A001"
        await wait_until(pilot, lambda: app.screen.query_one("#desk-drop-off").has_class("-calling"),
                         SHOWN_WITHIN_S, "the desk flashes on the call")
        big = app.screen.query_one("#serving-drop-off")
        drawn = block_lines(code, big.size.width, big.size.height)
        assert any("█" in line for line in drawn)  # block letters, not the plain code
        shown = screen_text(app)
        assert all(line.strip() in shown for line in drawn if line.strip())
        assert "Next: A002 A003" in shown and "A001 A002" not in shown


async def test_the_board_lists_ready_orders_by_number_only_and_offers_no_staff_screen(desk):
    app = board_app(desk, "zh_TW")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        number = other_terminal(desk, "ready", SERIALS[6])
        await wait_until(pilot, lambda: number in screen_text(app), SHOWN_WITHIN_S, "listed as ready")
        assert "黃淑芬" not in screen_text(app)  # the customer's name never on the board
        for key in ("ctrl+p", "f4", "f9", "tab", "enter", "escape"):
            await pilot.press(key)
            await pilot.pause()
            assert screen_name(app) == "BoardScreen", key


async def test_the_board_says_calls_are_not_spoken_where_no_speech_engine_is_installed(desk, tmp_path, monkeypatch):
    from deskapp.app import BoardApp

    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without espeak-ng
    app = BoardApp(Station.open(desk, locale="en", clock=fixed_clock()), speak=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Calls are not spoken" in screen_text(app)


async def test_two_desks_driven_side_by_side_see_each_others_numbers(desk):
    """Pilot on both: two apps on one station file in this process, each its own store
    connections and watch. A number taken with keys at one desk is counted at the other; the
    other calls it with a key, and the first desk's count follows."""
    first, second = new_app(desk, "en", terminal="R1"), new_app(desk, "en", terminal="R2")
    async with first.run_test(size=(100, 30)) as one, second.run_test(size=(100, 30)) as two:
        await sign_in(first, one, "Amy Reception")
        await sign_in(second, two, "Amy Reception")
        assert screen_name(first) == screen_name(second) == "GreetingScreen"
        assert tile(first, "drop-off").startswith("0") and tile(second, "drop-off").startswith("0")
        await one.press("t")  # desk 1: take a number for a drop-off
        await settle(first, one)
        assert screen_name(first) == "QueueScreen"
        await one.press("1")
        await settle(first, one)
        await wait_until(two, lambda: tile(second, "drop-off").startswith("1"), SHOWN_WITHIN_S,
                         "the number taken at desk 1 is counted at desk 2")
        await one.press("escape")
        await settle(first, one)
        await two.press("n")  # desk 2 calls it
        await settle(second, two)
        await wait_until(one, lambda: tile(first, "drop-off").startswith("0"), SHOWN_WITHIN_S,
                         "called at desk 2: nobody waiting at desk 1 either")


async def test_a_bench_and_the_counter_driven_side_by_side_the_ready_order_appears_at_the_counter(desk):
    """Pilot on both: the engineer marks a repaired order ready with Ctrl+E on the repair
    screen; the pickup counter, open in another app on the same file, lists it by itself."""
    from deskapp.bench.repair import PartUsed, record_repair, set_repair_warranty
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.orders.moves import advance, assign_engineer

    st = Station.open(desk, locale="en", clock=fixed_clock())
    staff = {r["name"]: r for r in st.store.query("SELECT id, name, role FROM staff")}
    reception = Actor(name="Amy Reception", terminal="R1", staff_id=staff["Amy Reception"]["id"], role="reception")
    engineer = Actor(name="陳志明", terminal="B1", staff_id=staff["陳志明"]["id"], role="engineer")
    customer = st.store.query_one("SELECT id FROM customers ORDER BY id LIMIT 1")["id"]
    number = create_order(st, reception, IntakeInput(customer_id=customer, product_line="camera", serial=SERIALS[6],
                                                     fault_reported="no picture")).number
    assign_engineer(st, reception, number, engineer.staff_id)
    advance(st, engineer, number, "start_diagnosis")
    advance(st, engineer, number, "start_repair")
    record_repair(st, engineer, number, "Replaced the sensor cable", [PartUsed("cable", 1, True, "")], 20)
    set_repair_warranty(st, engineer, number, 3)
    st.close()

    bench, counter = new_app(desk, "en", terminal="B1"), new_app(desk, "en", terminal="C1")
    async with bench.run_test(size=(100, 30)) as b, counter.run_test(size=(100, 30)) as c:
        await sign_in(counter, c, "Paul Pickup")
        assert screen_name(counter) == "PickupScreen" and number not in rows_of(counter, "#waiting")
        await sign_in(bench, b, "陳志明")
        bench.screen.query_one("#mine").focus()
        await b.press("enter")  # the only order on this bench: the repair screen
        await settle(bench, b)
        assert screen_name(bench) == "RepairScreen"
        await b.press("ctrl+e")
        await settle(bench, b)
        await wait_until(c, lambda: number in rows_of(counter, "#waiting"), SHOWN_WITHIN_S,
                         "marked ready at the bench, listed at the counter")
