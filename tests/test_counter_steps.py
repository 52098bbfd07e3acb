"""Which step comes next at the pickup counter: the rule over an order's state, holder
check, verification and fees (deskapp.counter.steps), then the same rule read off a real
station file as an order walks through the counter."""

from __future__ import annotations

import pytest

from deskapp.bench.repair import PartUsed, record_repair, set_repair_warranty
from deskapp.counter.farewell import farewell
from deskapp.counter.fees import agree_fees, pay, waive
from deskapp.counter.release import release
from deskapp.counter.sign_off import SignOff, sign_off
from deskapp.counter.steps import (
    FAREWELL,
    FEES,
    RELEASE,
    SIGN_OFF,
    next_step,
    where_it_stands,
)
from deskapp.counter.voucher_check import check_identity, check_voucher
from deskapp.documents.thermal import new_check_code
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.rules.errors import NotFound, ValidationError

CODE = "KMN347"


@pytest.mark.parametrize("state, holder, verified, due, waived, step", [
    ("ready", False, False, 0, False, None),  # the voucher is not checked yet
    ("ready", False, True, 500, False, None),  # signed off earlier, the holder check has lapsed
    ("ready", True, False, 500, False, SIGN_OFF),
    ("ready", True, True, 500, False, FEES),
    ("ready", True, True, 500, True, RELEASE),  # waived by a manager
    ("ready", True, True, 0, False, RELEASE),
    ("ready", True, True, -100, False, RELEASE),  # paid more than charged: nothing owed
    ("released", False, True, 0, False, FAREWELL),  # released: the farewell, whatever else
    ("closed", True, True, 0, False, None),
    ("in_repair", True, False, 0, False, None),
    ("received", False, False, 800, False, None),
])
def test_the_next_step_at_the_counter(state, holder, verified, due, waived, step):
    assert next_step(state, holder_checked=holder, verified=verified, due=due, waived=waived) == step


@pytest.fixture
def ready(station, team, customer, tmp_path):
    """An order repaired and ready (with a quote to pay, if asked), its voucher printed with CODE."""
    from deskapp.records.purchases import import_sales_csv

    csv = tmp_path / "sales.csv"
    csv.write_text("serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone\n"
                   "CAM-STEP-1,VisionCam 4K,camera,2026-06-01,AB-1,Shop,,\n"
                   "CAM-STEP-2,VisionCam 4K,camera,2026-06-01,AB-2,Shop,,\n"
                   "NB-OLD-1,ProBook X14,laptop,2024-01-10,CD-2,Shop,,\n", encoding="utf-8")
    import_sales_csv(station, team["manager"], csv)

    def make(quote=0, serial="CAM-STEP-1"):
        line = "camera"
        if quote:  # out of its warranty: the repair is charged
            serial, line = "NB-OLD-1", "laptop"
        eng = team["engineer"]
        n = create_order(station, team["reception"], IntakeInput(
            customer_id=customer.id, product_line=line, serial=serial, fault_reported="no picture")).number
        assign_engineer(station, team["reception"], n, team["ids"]["engineer"])
        advance(station, eng, n, "start_diagnosis")
        if quote:
            advance(station, eng, n, "send_quote", total=quote)
            advance(station, eng, n, "approve_quote", method="signed")
        advance(station, eng, n, "start_repair")
        record_repair(station, eng, n, "Replaced the sensor cable", [PartUsed("sensor cable", 1, True)], 20)
        set_repair_warranty(station, eng, n, 3)
        advance(station, eng, n, "mark_ready")
        new_check_code(station, team["reception"], n, CODE)
        return n

    return make


def steps_of(station, actor, number) -> tuple:
    at = where_it_stands(station, actor, number)
    return at.state, at.step


def signed(station, actor, number, **kw):
    checklist = where_it_stands(station, actor, number).view.checklist
    return sign_off(station, actor, number, SignOff({i: "pass" for i in checklist}, True, "王小明", **kw))


def test_an_order_with_fees_walks_through_every_step(station, team, ready):
    n = ready(quote=1000)
    p = team["pickup"]
    assert steps_of(station, p, n) == ("ready", None)
    at = where_it_stands(station, p, n.lower().replace("-", ""))  # as a scanner may send it
    assert at.number == n and at.view.due > 0
    check_voucher(station, p, n, CODE)
    assert steps_of(station, p, n) == ("ready", SIGN_OFF)
    signed(station, p, n)
    assert steps_of(station, p, n) == ("ready", FEES)
    agree_fees(station, p, n)
    assert steps_of(station, p, n) == ("ready", FEES)  # agreed is not paid
    pay(station, p, n, "cash")
    assert steps_of(station, p, n) == ("ready", RELEASE)
    release(station, p, n)
    assert steps_of(station, p, n) == ("released", FAREWELL)
    farewell(station, p, n, {"wiped": True, "card": True, "belongings": True})
    assert steps_of(station, p, n) == ("closed", None)


def test_a_waiver_goes_to_the_release_and_a_lapsed_check_back_to_the_voucher(station, team, ready, clock):
    n = ready(quote=1000)
    p, m = team["pickup"], team["manager"]
    check_identity(station, p, m, n, name="王小明", phone="0912345678", id_document="ID card")
    assert steps_of(station, p, n) == ("ready", SIGN_OFF)  # a lost voucher, checked by a manager
    signed(station, p, n)
    waive(station, p, m, n, "second visit for the same fault")
    assert steps_of(station, p, n) == ("ready", RELEASE)
    clock.advance(minutes=station.policy.holder_check_valid_minutes + 1)
    assert steps_of(station, p, n) == ("ready", None)  # checked too long ago: the voucher again
    check_voucher(station, p, n, CODE)
    assert steps_of(station, p, n) == ("ready", RELEASE)  # the sign-off and the waiver stay


def test_a_failed_item_has_no_counter_step_and_nothing_owed_skips_the_fees(station, team, ready):
    p = team["pickup"]
    n = ready()
    check_voucher(station, p, n, CODE)
    signed(station, p, n, card_left=False, card_reason="out of cards")
    assert steps_of(station, p, n) == ("ready", RELEASE)
    n2 = ready(serial="CAM-STEP-2")  # a second order, failed at the sign-off
    check_voucher(station, p, n2, CODE)
    checklist = where_it_stands(station, p, n2).view.checklist
    sign_off(station, p, n2, SignOff({i: "fail" if i == checklist[0] else "pass" for i in checklist}, True, "王小明"))
    assert steps_of(station, p, n2) == ("in_repair", None)  # back at the bench


def test_a_number_that_is_no_order_here_is_refused(station, team, ready):
    ready()
    with pytest.raises(NotFound):
        where_it_stands(station, team["pickup"], "R9999-00001")
    with pytest.raises(ValidationError) as err:
        where_it_stands(station, team["pickup"], CODE)  # the check code typed in the number field
    assert err.value.field == "voucher_number" and CODE not in str(err.value)
