"""The pickup counter on a station whose every stored text holds markup and control bytes:
staff, customer, brand and model names are shown literally on every counter screen (the
list, the summaries, the manager picker, the receipt preview, the farewell, the rework
search), at 80x24 and 160x48, and nothing they hold is read as markup or as an action."""

from __future__ import annotations

import sqlite3

import pytest
from builders import NOW
from desk_pilot import (
    new_app,
    screen_name,
    screen_text,
    settle,
    sign_in,
    tick,
    type_in,
    wait_until,
)
from hostile import SHOWN, make_hostile_station

READY = f"R{NOW:%y%m}-00014"  # a ready order of the demo (built at the tests' NOW): 許志偉, a VisionCam; its check code is not known
CUSTOMER = "許志偉"
PHONE = "0910111222"
RETURNING_PHONE = "0955123123"  # 蔡承恩: two closed repairs


def shows(app, text: str) -> bool:
    """``text`` is on the screen as a person reads it (a long line may wrap: joined again)."""
    lines = [line.rstrip() for line in screen_text(app).splitlines()]
    return text in "\n".join(lines) or text in "".join(line.strip() for line in lines)


def part(app) -> str:
    """The piece of SHOWN one can expect in a narrow column: enough to prove nothing was read
    as markup (``[/x]`` would have raised, ``[b]`` would have vanished)."""
    return SHOWN if app.size.width >= 160 else SHOWN[:8]  # "[/x]壞[b]粗"


def state_of(db, number) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT state FROM repair_orders WHERE number = ?", (number,)).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_a_ready_order_walks_through_the_counter_shown_literally(tmp_path, size):
    db = make_hostile_station(tmp_path / "s", "zh_TW")
    assert state_of(db, READY) == "ready"
    app = new_app(db, "zh_TW", terminal="P1")
    async with app.run_test(size=size) as pilot:
        await sign_in(app, pilot, "張家豪")
        assert screen_name(app) == "PickupScreen"
        await wait_until(pilot, lambda: app.screen.query_one("#waiting").row_count > 0, what="the counter's list")
        assert shows(app, part(app)), screen_text(app)  # the customers and models in the list

        await type_in(app, pilot, "voucher_number", READY)
        await pilot.press("enter")
        await settle(app, pilot)
        assert shows(app, CUSTOMER + part(app)), screen_text(app)  # the summary

        await pilot.press("ctrl+l")  # a lost voucher: the manager checks the identity
        await settle(app, pilot)
        assert screen_name(app) == "ManagerApprovalScreen"
        assert shows(app, "李建國" + part(app)), screen_text(app)  # the only manager, chosen
        await pilot.press(*"1234")
        await type_in(app, pilot, "id_name", CUSTOMER + SHOWN)  # the name as on the order
        await type_in(app, pilot, "id_phone", PHONE)
        await type_in(app, pilot, "id_document", "身分證 A12****678")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "SignOffScreen", screen_text(app)

        app.screen.query_one("#checklist").focus()
        await pilot.press("a")
        await tick(app, pilot, "fault_gone")
        await type_in(app, pilot, "signed_by", CUSTOMER + "[b]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "RepairOrderScreen", screen_text(app)  # nothing owed on this repair
        preview = str(app.screen.query_one("#receipt-preview").render())
        assert "[/x]壞[b]粗" in preview and "[@click=app.quit]" in preview  # the receipt, as it will print

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: state_of(db, READY) == "released", what="released")
        await settle(app, pilot)
        assert CUSTOMER + SHOWN in str(app.screen.query_one("#status").render())
        await pilot.press("pagedown")
        await settle(app, pilot)
        assert screen_name(app) == "FarewellScreen"
        assert shows(app, "張家豪" + part(app)), screen_text(app)  # the engineer's card, in the phrases
        for item in ("wiped", "card", "belongings"):
            await tick(app, pilot, f"farewell_{item}")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "PickupScreen" and state_of(db, READY) == "closed"

        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await type_in(app, pilot, "rework_query", RETURNING_PHONE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.query_one("#earlier").row_count == 2
        assert shows(app, part(app)), screen_text(app)  # 蔡承恩's earlier repairs
        assert app.is_running and app.return_code is None


TO_SHIP = f"R{NOW:%y%m}-00018"  # a declined return of the demo to be shipped back (劉怡君, a ViewPro 24F)


async def test_a_return_shipped_back_and_a_withdrawal_show_stored_text_literally(tmp_path):
    db = make_hostile_station(tmp_path / "s", "zh_TW")
    app = new_app(db, "zh_TW", terminal="P1")
    async with app.run_test(size=(160, 48)) as pilot:
        await sign_in(app, pilot, "張家豪")
        await type_in(app, pilot, "voucher_number", TO_SHIP)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "ShipBackScreen"
        assert shows(app, "劉怡君" + SHOWN), screen_text(app)  # the summary: the customer as stored
        await type_in(app, pilot, "shipping_amount", "150")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert screen_name(app) == "FeesScreen"
        await pilot.press("ctrl+w")  # a manager waives it, with a reason that holds markup
        await settle(app, pilot)
        await pilot.press(*"1234")
        await type_in(app, pilot, "waive_reason", "[b]x[/b]")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen_name(app) == "ShipBackScreen"
        assert shows(app, "[b]x[/b]"), screen_text(app)  # the waiver's reason, literally
        await type_in(app, pilot, "carrier", "[red]貓[/red]")
        await type_in(app, pilot, "tracking", "[@click=app.quit]T1[/]")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen_name(app) == "PickupScreen" and app.is_running
    assert state_of(db, TO_SHIP) == "closed"
