"""Repair orders through the real services on a real station file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import all_pass, collect, import_sales, ready_order
from conftest import refused

from deskapp.bench.repair import record_repair, set_repair_warranty
from deskapp.counter.fees import agree_fees, pay
from deskapp.counter.sign_off import SignOff, sign_off
from deskapp.counter.voucher_check import check_voucher
from deskapp.documents.order_record import order_details
from deskapp.orders.creation import (
    IntakeInput,
    Refused,
    create_order,
    dealer_end_customer_check,
)
from deskapp.orders.model import get_order, get_order_by_id
from deskapp.orders.money import waive_fees
from deskapp.orders.moves import advance, assign_engineer
from deskapp.orders.reads import list_orders
from deskapp.orders.rework import create_rework
from deskapp.reception.queue import take_number
from deskapp.records.customers import CustomerInput, create_customer, create_dealer
from deskapp.storage import events


@pytest.fixture
def sales(station, team, tmp_path):
    """Purchase records the station can verify against (bought relative to 2026-11-24)."""
    import_sales(station, team["manager"], tmp_path)


def intake(customer, serial="CAM-NEW-1", line="camera", **kw):
    return IntakeInput(customer_id=customer.id, product_line=line, serial=serial, fault_reported="畫面時有時無",
                       fault_confirmed="開機後畫面時有時無,已重現", **kw)


def test_drop_off_in_warranty_creates_the_order_with_its_event(station, team, customer, sales):
    ticket = take_number(station, team["reception"], "drop-off")
    order = create_order(station, team["reception"], intake(customer, queue_code=ticket.code,
                                                                    intake={"accessories": ["adapter"]}))
    assert order.number == "R2611-00001" and order.state == "received"
    assert order.warranty_status == "in_warranty" and not order.chargeable
    assert order.warranty_ends == "2027-05-31"
    assert order.promised_at is not None and order.intake == {"accessories": ["adapter"]}
    (created,) = [e for e in events.for_order(station, order.id) if e.kind == "order.created"]
    assert (created.actor, created.terminal, created.staff_id) == ("reception-person", "T1", team["ids"]["reception"])
    assert created.data["queue"] == ticket.code
    row = station.store.query_one("SELECT status FROM queue_tickets WHERE code = ?", (ticket.code,))
    assert row["status"] == "served"
    assert order_details(station, order.number)["money"]["due"] == 0


def test_out_of_warranty_intake_charges_the_inspection_fee(station, team, customer, sales):
    order = create_order(station, team["reception"], intake(customer, serial="VB-OLD-1", line="video_bar"))
    assert order.warranty_status == "out_of_warranty" and order.chargeable
    money = order_details(station, order.number)["money"]
    assert money["charges"][0]["kind"] == "inspection_fee" and money["due"] == 3000


def test_no_purchase_record_is_refused_recorded_and_creates_no_order(station, team, customer, sales):
    with pytest.raises(Refused) as err:
        create_order(station, team["reception"], intake(customer, serial="CAM-UNKNOWN-9"))
    assert err.value.decision.refusal == "no_record"
    assert station.store.query_one("SELECT COUNT(*) AS n FROM repair_orders")["n"] == 0
    (event,) = events.recent(station, kind_prefix="intake.")
    assert event.kind == "intake.refused" and event.data["reasons"] == ["no_purchase_record"]


def test_grey_import_is_refused_even_when_a_sale_is_on_record(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path,
                 [("NB-1-US", "ProBook", "laptop", "2026-10-01", "X-1", "Somewhere")])
    with pytest.raises(Refused) as err:
        create_order(station, team["reception"], intake(customer, serial="NB-1-US", line="laptop"))
    assert err.value.decision.refusal == "grey_import"
    phrases = [p.render(station.tr) for p in err.value.decision.phrases]
    assert "grey imports" in phrases[0]


def test_a_dealer_must_give_the_end_customer(station, team, sales):
    dealer = create_dealer(station, team["reception"], "大同經銷", "02-2999-0000")
    with pytest.raises(Refused) as err:
        dealer_end_customer_check("", "")
    assert "end customer" in err.value.decision.phrases[0].render(station.tr)
    end_customer = create_customer(station, team["reception"], CustomerInput(name="林先生", phones=["0911222333"]))
    order = create_order(station, team["reception"], intake(end_customer, dealer_id=dealer.id))
    assert order.dealer_id == dealer.id and order.customer_id == end_customer.id


def _bench(station, team, number, *steps):
    eng = team["engineer"]
    for action, details in steps:
        advance(station, eng, number, action, **details)


def test_out_of_warranty_repair_through_quote_payment_and_release(station, team, customer, sales):
    order = create_order(station, team["reception"], intake(customer, serial="NB-OLD-1", line="laptop"))
    n = order.number
    with refused("error.needs_engineer"):
        advance(station, team["engineer"], n, "start_diagnosis")
    assign_engineer(station, team["reception"], n, team["ids"]["engineer"])
    _bench(station, team, n, ("start_diagnosis", {}))
    with refused("error.repair_before_approval"):
        advance(station, team["engineer"], n, "start_repair")
    _bench(station, team, n, ("send_quote", {"total": 4500}), ("approve_quote", {"method": "signed"}),
           ("start_repair", {}))
    with refused("error.ready_needs_repair_record"):
        advance(station, team["engineer"], n, "mark_ready")
    record_repair(station, team["engineer"], n, "Replaced the DC jack")
    set_repair_warranty(station, team["engineer"], n, 3)
    _bench(station, team, n, ("mark_ready", {}))
    with refused("error.release_needs_holder_check"):  # first: is this the holder of the voucher?
        advance(station, team["pickup"], n, "release")
    voucher_holder_checked(station, team, n)
    with refused("error.release_needs_verification"):
        advance(station, team["pickup"], n, "release")
    sign_off(station, team["pickup"], n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    with refused("error.release_owes") as owes:  # NT$800 inspection + NT$4,500 quote
        advance(station, team["pickup"], n, "release")
    assert "5,300" in str(owes.value)
    assert agree_fees(station, team["pickup"], n) == 5300
    assert pay(station, team["pickup"], n, "card", invoice_no="zz-1234") == 5300
    released = advance(station, team["pickup"], n, "release")
    assert released.state == "released" and released.released_at
    with refused("error.illegal_transition"):  # never released twice
        advance(station, team["pickup"], n, "release")
    details = order_details(station, n)
    assert details["money"]["due"] == 0 and details["money"]["payments"][0]["invoice_no"] == "ZZ-1234"
    kinds = [e["kind"] for e in details["events"]]
    assert kinds[:3] == ["order.created", "order.engineer_assigned", "order.start_diagnosis"]
    assert "order.release" in kinds and kinds.count("order.release") == 1
    assert json.loads(json.dumps(details, ensure_ascii=False)) == details  # plain data all the way down


def test_fees_can_be_waived_only_by_a_manager_with_a_reason(station, team, customer, sales):
    n = create_order(station, team["reception"], intake(customer, serial="VB-OLD-1", line="video_bar")).number
    assign_engineer(station, team["manager"], n, team["ids"]["engineer"])
    _bench(station, team, n, ("start_diagnosis", {}), ("send_quote", {"total": 1000}),
           ("decline_quote", {"method": "phone"}), ("mark_ready", {}))
    voucher_holder_checked(station, team, n)
    sign_off(station, team["pickup"], n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    with refused("error.role_required"):
        waive_fees(station, team["pickup"], n, "goodwill")
    with refused("error.field_required", field="reason"):
        waive_fees(station, team["manager"], n, "   ")
    waive_fees(station, team["manager"], n, "long-standing customer")
    assert advance(station, team["pickup"], n, "release").state == "released"


def test_cancel_is_for_managers_and_needs_a_reason(station, team, customer, sales):
    n = create_order(station, team["reception"], intake(customer)).number
    with refused("error.role_required"):
        advance(station, team["reception"], n, "cancel", reason="x")
    with refused("error.reason_needed"):
        advance(station, team["manager"], n, "cancel", reason="")
    assert advance(station, team["manager"], n, "cancel", reason="wrong unit").state == "cancelled"


def test_only_engineers_can_be_assigned(station, team, customer, sales):
    n = create_order(station, team["reception"], intake(customer)).number
    with refused("error.not_an_engineer", field="engineer"):
        assign_engineer(station, team["reception"], n, team["ids"]["pickup"])


def voucher_holder_checked(station, team, n):
    """The person collecting showed the voucher and its check code matched."""
    from deskapp.documents.thermal import new_check_code

    check_voucher(station, team["pickup"], n, new_check_code(station, team["reception"], n))


def _release_in_warranty(station, team, customer, months):
    n = ready_order(station, team["reception"], team["engineer"], customer.id, months=months)
    assert collect(station, team["pickup"], n, "王小明").state == "released"
    return n


def test_rework_inside_repair_warranty_is_free_linked_and_due_in_two_hours(station, team, customer, sales, clock):
    original = _release_in_warranty(station, team, customer, 1)
    clock.advance(days=20)
    rework, decision = create_rework(station, team["reception"], original, "Same flicker again", same_fault=True)
    assert decision.free and not rework.chargeable
    assert get_order_by_id(station, rework.rework_of).number == original
    promised = dt.datetime.fromisoformat(rework.promised_at.replace("Z", "+00:00"))
    assert promised - clock() == dt.timedelta(hours=2)
    assert order_details(station, rework.number)["rework_of"] == original


def test_rework_outside_repair_warranty_goes_the_normal_way(station, team, customer, sales, clock):
    original = _release_in_warranty(station, team, customer, 1)
    clock.advance(days=40)
    rework, decision = create_rework(station, team["reception"], original, "Flicker again", same_fault=True)
    assert not decision.free
    assert rework.warranty_status == "in_warranty"  # the product's own one-year warranty still applies
    assert rework.rework_of is not None


def test_control_characters_never_reach_the_store(station, team, sales):
    c = create_customer(station, team["reception"],
                        CustomerInput(name="王\x1b[31m小明\x07", phones=["0912\t345 678"]))
    assert c.name == "王小明" and c.phones == ("0912345678",)
    order = create_order(station, team["reception"],
                                IntakeInput(customer_id=c.id, product_line="camera", serial=" cam-new-1 ",
                                            fault_reported="no\x1b]0;pwned\x07 picture\u202e"))
    assert order.fault_reported == "no picture"


def test_list_orders_newest_first_and_by_state(station, team, customer, sales):
    a = create_order(station, team["reception"], intake(customer)).number
    b = create_order(station, team["reception"], intake(customer, serial="NB-OLD-1", line="laptop")).number
    assert [o.number for o in list_orders(station)] == [b, a]
    advance(station, team["manager"], a, "cancel", reason="duplicate")
    assert [o.number for o in list_orders(station, state="cancelled")] == [a]
    assert [o.number for o in list_orders(station, open_only=True)] == [b]
    assert get_order(station, "r2611 1").number == a  # scanner or hand-typed forms


def test_an_intake_that_fails_half_way_leaves_nothing_behind(station, team, customer, sales):
    with refused("error.ticket_not_found", field="queue_code"):
        create_order(station, team["reception"], intake(customer, queue_code="A999"))
    counts = {t: station.store.query_one(f"SELECT COUNT(*) AS n FROM {t}")["n"]
              for t in ("devices", "repair_orders", "order_counters")}
    assert counts == {"devices": 0, "repair_orders": 0, "order_counters": 0}
    assert create_order(station, team["reception"], intake(customer)).number == "R2611-00001"
