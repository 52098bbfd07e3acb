"""Pre-inspection rules at the core, engineer assignment, the device passcode, and bad
input on every field of the screen (message beside the field, typed text kept)."""

from __future__ import annotations

import pytest
from conftest import fixed_clock, make_front_desk, refused
from desk_pilot import (
    choose,
    clear,
    error_under,
    new_app,
    retype,
    sign_in,
    tick,
    type_in,
    value_of,
    wait_until,
)

from deskapp.orders.creation import Refused
from deskapp.orders.moves import advance
from deskapp.orders.passcodes import has_passcode, reveal_passcode
from deskapp.reception import pre_inspection as intake

GOOD = {
    "fault_told": "no picture", "fault_restated": "no picture after boot", "customer_confirmed": True,
    "phone": "0933-222-111", "name": "李小龍", "proof": "invoice", "invoice_no": "AB-12345678",
    "serial": "CAM-A10001", "product_line": "camera", "fees_acknowledged": True, "backup_reminder": True,
    "passcode": "", "fault_confirmed": "no picture after boot",
}


@pytest.fixture
def desk(tmp_path):
    from deskapp.station import Station

    db = make_front_desk(tmp_path / "station")
    st = Station.open(db, locale="en", clock=fixed_clock())
    yield st
    st.close()


@pytest.mark.parametrize("step,change,field,key", [
    ("fault", {"fault_told": "  "}, "fault_told", "field_required"),
    ("fault", {"fault_restated": ""}, "fault_restated", "field_required"),
    ("fault", {"customer_confirmed": False}, "customer_confirmed", "needs_customer_confirmation"),
    ("customer", {"name": ""}, "name", "field_required"),
    ("customer", {"phone": "12ab"}, "phone", "phone_characters"),
    ("customer", {"phone": "123"}, "phone", "phone_length"),
    ("customer", {"via_dealer": True, "dealer_name": "", "dealer_phone": "02-2999-0000"}, "dealer_name",
     "field_required"),
    ("customer", {"via_dealer": True, "dealer_name": "大同", "dealer_phone": "x"}, "dealer_phone",
     "phone_characters"),
    ("purchase", {"proof": ""}, "proof", "choice"),
    ("purchase", {"serial": "X"}, "serial", "serial_format"),
    ("purchase", {"serial": ""}, "serial", "field_required"),
    ("purchase", {"product_line": ""}, "product_line", "pick_product_line"),
    ("purchase", {"invoice_no": ""}, "invoice_no", "field_required"),
    ("fees", {"fees_acknowledged": False}, "fees_acknowledged", "needs_fees_acknowledged"),
    ("inspection", {"backup_reminder": False}, "backup_reminder", "needs_backup_reminder"),
    ("inspection", {"passcode": "9" * 65}, "passcode", "field_too_long"),
    ("confirm", {"fault_confirmed": ""}, "fault_confirmed", "field_required"),
])
def test_each_step_names_the_field_that_is_wrong(desk, step, change, field, key):
    intake.check_step(desk, step, GOOD)  # the good data passes
    with refused(f"error.{key}", field=field):
        intake.check_step(desk, step, {**GOOD, **change})


def test_a_dealer_must_bring_the_end_customer(desk):
    with refused("reason.dealer_without_end_customer", Refused):
        intake.check_step(desk, "customer", {**GOOD, "via_dealer": True, "dealer_name": "大同",
                                             "dealer_phone": "02-2999-0000", "name": "", "phone": ""})


def test_assignment_by_product_line_then_fewest_open_orders_and_override_needs_a_reason(desk):
    from deskapp.reception.hand_off import hand_off, suggest_engineer
    from deskapp.station import Actor

    desk.config.assignment["camera"] = ["陳志明"]
    first = suggest_engineer(desk, "camera")
    assert (first.name, first.rule) == ("陳志明", "product_line")
    other = suggest_engineer(desk, "monitor")  # nobody named: fewest open orders, then by name
    assert (other.name, other.rule) == ("林雅婷", "fewest_open")
    reception = Actor(name="Amy Reception", terminal="R1")
    order = intake.complete(desk, reception, GOOD)
    lin = next(sid for name, sid, _ in first.load if name == "林雅婷")
    with refused("error.override_needs_reason", field="override_reason") as err:
        hand_off(desk, reception, order.number, lin, "")
    assert "陳志明" in str(err.value)
    assigned, _ = hand_off(desk, reception, order.number, lin, "陳志明 is off today")
    assert assigned.assigned_engineer_id == lin
    assert suggest_engineer(desk, "monitor").name == "陳志明"  # 林雅婷 now has one open order


def test_the_passcode_is_for_the_assigned_engineer_only_and_leaves_with_the_order(desk):
    from deskapp.reception.hand_off import hand_off
    from deskapp.station import Actor

    reception = Actor(name="Amy Reception", terminal="R1")
    order = intake.complete(desk, reception, {**GOOD, "passcode": "4321"})
    assigned, suggestion = hand_off(desk, reception, order.number)
    engineer = Actor(name=suggestion.name, terminal="B1", staff_id=suggestion.staff_id, role="engineer")
    colleague_id = next(sid for name, sid, _ in suggestion.load if sid != suggestion.staff_id)
    colleague = Actor(name="other", terminal="B2", staff_id=colleague_id, role="engineer")
    with refused("error.passcode_not_yours"):
        reveal_passcode(desk, colleague, order.number)
    with refused("error.passcode_not_yours"):
        reveal_passcode(desk, reception, order.number)
    assert reveal_passcode(desk, engineer, order.number) == "4321"
    viewed = desk.store.query("SELECT actor FROM events WHERE kind = 'order.passcode_viewed'")
    assert [r["actor"] for r in viewed] == [suggestion.name]
    manager = Actor(name="Mia Manager", terminal="R1", staff_id=None, role="manager")
    advance(desk, manager, order.number, "cancel", reason="customer took it back")
    assert not has_passcode(desk, order.number)


def test_each_voucher_print_issues_a_new_check_code(desk, tmp_path):
    from deskapp.documents.thermal import new_check_code
    from deskapp.rules.hashing import matches
    from deskapp.station import Actor

    reception = Actor(name="Amy Reception", terminal="R1")
    order = intake.complete(desk, reception, GOOD)
    first = new_check_code(desk, reception, order.number)
    second = new_check_code(desk, reception, order.number)
    row = desk.store.query_one("SELECT voucher_code_hash, voucher_code_salt FROM repair_orders WHERE id = ?",
                               (order.id,))
    assert first != second and len(second) == 6
    assert matches(second, row["voucher_code_salt"], row["voucher_code_hash"])
    assert not matches(first, row["voucher_code_salt"], row["voucher_code_hash"])
    assert second.encode() not in bytes(row["voucher_code_hash"])


async def test_bad_input_on_each_field_gets_a_message_beside_it_and_keeps_what_was_typed(tmp_path):
    db = make_front_desk(tmp_path / "station")
    app = new_app(db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("i")
        # Step 1: nothing typed.
        await pilot.press("pagedown")
        assert error_under(app, "fault_told") == "Required."
        await pilot.press(*"no picture", "enter", *"no picture after boot", "pagedown")
        assert "confirms" in error_under(app, "customer_confirmed")
        assert value_of(app, "fault_told") == "no picture"  # kept
        await tick(app, pilot, "customer_confirmed")
        await pilot.press("pagedown")
        # Step 2: a phone with letters, then no name.
        await type_in(app, pilot, "phone", "09x2-345")
        await pilot.press("pagedown")
        assert "digits only" in error_under(app, "phone")
        assert value_of(app, "phone") == "09x2-345"
        await retype(app, pilot, "phone", "0933222111")
        await pilot.press("pagedown")
        assert error_under(app, "name") == "Required."
        await type_in(app, pilot, "name", "Bruce Lee")
        await tick(app, pilot, "via_dealer")
        await type_in(app, pilot, "dealer_name", "Tatung")
        await type_in(app, pilot, "dealer_phone", "call me")
        await pilot.press("pagedown")
        assert "digits only" in error_under(app, "dealer_phone") and value_of(app, "dealer_phone") == "call me"
        await tick(app, pilot, "via_dealer")
        await pilot.press("pagedown")
        # Step 3: no proof chosen, a short serial, no product line, invoice number missing.
        await pilot.press("pagedown")
        assert "not one of" in error_under(app, "proof")
        await pilot.press("enter")  # the invoice
        await type_in(app, pilot, "serial", "X")
        await pilot.press("pagedown")
        assert "serial" in error_under(app, "serial").lower() and value_of(app, "serial") == "X"
        await retype(app, pilot, "serial", "CAM-NEW-1")  # not on record: the product line is asked for
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: error_under(app, "product_line") == "Choose the product line.")
        await retype(app, pilot, "serial", "CAM-A10001")  # on record: its line is filled in
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: error_under(app, "invoice_no") == "Required.")
        assert app.screen.query_one("#product_line").value == "camera"
        await type_in(app, pilot, "invoice_no", "AB-12345678")
        await pilot.press("pagedown")
        # Step 4: the fees not acknowledged.
        await pilot.press("pagedown")
        assert "customer agrees" in error_under(app, "fees_acknowledged")
        await tick(app, pilot, "fees_acknowledged")
        await pilot.press("pagedown")
        # Step 5: no backup reminder; a passcode too long.
        # (the field takes no more than its limit as it is typed, and says so at once)
        await type_in(app, pilot, "passcode", "9" * 70)
        assert "at most 64" in error_under(app, "passcode") and value_of(app, "passcode") == "9" * 64
        await pilot.press("pagedown")
        assert "back up" in error_under(app, "backup_reminder")
        await tick(app, pilot, "backup_reminder")
        await retype(app, pilot, "passcode", "2468")
        assert error_under(app, "passcode") == ""  # fixed: the message goes
        await pilot.press("pagedown")
        # Step 6: the confirmed fault emptied.
        await clear(app, pilot, "fault_confirmed")
        await pilot.press("pagedown")
        assert error_under(app, "fault_confirmed") == "Required."
        await type_in(app, pilot, "fault_confirmed", "no picture after boot")
        await pilot.press("pagedown")
        await pilot.pause()
        assert type(app.screen).__name__ == "VoucherScreen"
