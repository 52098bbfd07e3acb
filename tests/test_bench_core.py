"""The repair bench at the core: work lists and promises, diagnosis, quotes, repairs, delay
calls and the notify list, on a real station file."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import import_sales
from conftest import TAIPEI, refused

from deskapp.bench import calls, diagnosis, promises, quotes
from deskapp.bench import work_list as worklist
from deskapp.bench.quotes import QuoteLine
from deskapp.bench.repair import PartUsed, record_repair
from deskapp.documents.order_record import order_details
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.model import get_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.orders.reads import waiting_past


@pytest.fixture
def bench(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path)

    def intake(serial="CAM-NEW-1", line="camera"):
        order = create_order(station, team["reception"], IntakeInput(
            customer_id=customer.id, product_line=line, serial=serial, fault_reported="no picture"))
        assign_engineer(station, team["reception"], order.number, team["ids"]["engineer"])
        return order.number

    return intake


def test_in_warranty_repair_from_diagnosis_to_the_notify_list(station, team, bench):
    n = bench()
    eng = team["engineer"]
    advance(station, eng, n, "start_diagnosis")
    decision = diagnosis.record_diagnosis(station, eng, n, "Sensor cable loose", "cable came loose")
    assert not decision.chargeable
    advance(station, eng, n, "start_repair")
    with refused("error.old_part_reason_needed", field="part1_reason"):  # an old part kept needs a reason
        record_repair(station, eng, n, "Reseated cable", [PartUsed("sensor cable", 1, False, "")], 25)
    record_repair(station, eng, n, "Replaced the sensor cable",
                         [PartUsed("sensor cable", 1, False, "customer did not want it")], 25)
    advance(station, eng, n, "mark_ready")
    assert [o.number for o in calls.to_notify(station)] == [n]
    assert calls.record_notify_attempt(station, eng, n, "no_answer") is False
    assert [o.number for o in calls.to_notify(station)] == [n]  # not reached yet: still listed
    script = calls.notify_script(station, eng, n)
    assert "王小明" in script["phrase"] and "engineer-person" in script["phrase"]
    assert calls.record_notify_attempt(station, eng, n, "reached") is True
    assert calls.to_notify(station) == []
    d = order_details(station, n)
    assert d["repair"]["parts"] == [{"part": "sensor cable", "quantity": 1, "old_part_returned": False,
                                     "old_part_reason": "customer did not want it"}]
    assert d["repair"]["minutes"] == 25 and d["diagnoses"][0]["findings"] == "Sensor cable loose"
    assert [c["outcome"] for c in d["contacts"]] == ["no_answer", "reached"] and d["notified_at"]


def test_a_cause_found_at_diagnosis_makes_an_in_warranty_repair_chargeable(station, team, bench):
    n = bench()
    eng = team["engineer"]
    advance(station, eng, n, "start_diagnosis")
    decision = diagnosis.record_diagnosis(station, eng, n, "Corrosion on the board", "coffee spilled",
                                          causes=["liquid_damage"])
    assert decision.chargeable and "cause_liquid_damage" in [r.code for r in decision.reasons]
    with refused("error.repair_before_approval"):
        advance(station, eng, n, "start_repair")
    total = quotes.send_quote(station, eng, n, [QuoteLine("part", "Main board", 1, 3200),
                                                QuoteLine("labour", "Board swap", 1, 800)])
    assert total == 4000
    q = order_details(station, n)["quote"]
    assert q["total"] == 4000 and q["inspection_fee"] == 0 and q["valid_until"] == "2026-12-08"
    quotes.answer_quote(station, eng, n, approved=True, method="signed")
    assert advance(station, eng, n, "start_repair").state == "in_repair"


def test_out_of_warranty_quote_shows_the_inspection_fee_already_due(station, team, bench):
    n = bench("NB-OLD-1", "laptop")
    eng = team["engineer"]
    advance(station, eng, n, "start_diagnosis")
    with refused("error.quote_needs_lines", field="lines"):
        quotes.send_quote(station, eng, n, [])
    with refused("error.quantity_positive", field="line1"):
        quotes.send_quote(station, eng, n, [QuoteLine("part", "DC jack", 0, 500)])
    quotes.send_quote(station, eng, n, [QuoteLine("part", "DC jack", 1, 900), QuoteLine("labour", "Solder", 1, 600)])
    q = order_details(station, n)["quote"]
    assert (q["total"], q["inspection_fee"], q["grand_total"]) == (1500, 800, 2300)


def test_a_declined_quote_returns_the_device_unrepaired(station, team, bench):
    n = bench("NB-OLD-1", "laptop")
    eng = team["engineer"]
    advance(station, eng, n, "start_diagnosis")
    quotes.send_quote(station, eng, n, [QuoteLine("part", "Screen", 1, 5200)])
    with refused("error.choice", field="return_method"):  # collect or ship?
        quotes.answer_quote(station, eng, n, approved=False, method="phone")
    order = quotes.answer_quote(station, eng, n, approved=False, method="phone", return_method="ship")
    assert order.state == "return_unrepaired" and order.outcome == "unrepaired"
    assert advance(station, eng, n, "mark_ready").state == "ready"
    assert order_details(station, n)["quote"]["return_method"] == "ship"


def test_a_part_delay_is_called_in_before_the_promise_and_the_promise_moves(station, team, bench, clock):
    n = bench()
    eng = team["engineer"]
    advance(station, eng, n, "start_diagnosis")
    advance(station, eng, n, "start_repair")
    old = get_order(station, n).promised_at
    script = calls.delay_script(station, n, "part", "image sensor")
    assert script["customer"] == "王小明" and script["phones"] == ["0912345678"] and "image sensor" in script["phrase"]
    new_due = dt.datetime(2026, 12, 4, 17, 30, tzinfo=TAIPEI)
    calls.record_delay_call(station, eng, n, kind="part", part="image sensor", outcome="message_left", new_due=new_due)
    order = get_order(station, n)
    assert order.state == "waiting_parts"
    d = order_details(station, n)
    (change,) = d["promise"]["history"]
    assert change["previous_due_at"] == old and change["due_at"] == "2026-12-04T09:30:00.000000Z"
    assert "image sensor" in change["reason"] and change["actor"] == "engineer-person"
    assert d["contacts"][0]["before_promise"] == 1 and d["contacts"][0]["outcome"] == "message_left"


def test_every_promise_change_has_a_reason_and_looks_ahead(station, team, bench):
    n = bench()
    later = dt.datetime(2026, 12, 10, 12, 0, tzinfo=TAIPEI)
    with refused("error.field_required", field="reason"):
        promises.change_promise(station, team["engineer"], n, "completion", later, "  ")
    with refused("error.promise_in_past", field="new_due"):
        promises.change_promise(station, team["engineer"], n, "completion",
                                dt.datetime(2026, 11, 1, tzinfo=TAIPEI), "typo")
    assert order_details(station, n)["promise"]["history"] == []


def test_the_work_list_puts_what_is_due_first_and_flags_risk(station, team, bench, clock):
    first, second = bench(), bench("CAM-NEW-2")
    eng_id = team["ids"]["engineer"]
    items = worklist.my_work(station, eng_id)
    assert [i.number for i in items] == [first, second] and {i.due_kind for i in items} == {"inspection"}
    assert items[0].status == "at_risk"  # inspection due in 20 minutes, inside the 60-minute margin
    clock.advance(minutes=25)
    assert worklist.my_work(station, eng_id)[0].status == "overdue"
    advance(station, team["engineer"], first, "start_diagnosis")
    advance(station, team["engineer"], first, "start_repair")
    items = worklist.my_work(station, eng_id)
    assert [i.number for i in items] == [second, first] and items[1].status == "ok"


def test_taking_from_the_pool_and_handing_to_a_colleague(station, team, customer, bench):
    from deskapp.records.staff import add_staff

    n = create_order(station, team["reception"], IntakeInput(
        customer_id=customer.id, product_line="camera", serial="CAM-NEW-2", fault_reported="x")).number
    assert [i.number for i in worklist.unassigned_pool(station)] == [n]
    worklist.take(station, team["engineer"], n)
    assert worklist.unassigned_pool(station) == []
    colleague = add_staff(station, team["manager"], "林雅婷", "engineer", "1234")
    with refused("error.field_required", field="reason"):
        worklist.give(station, team["engineer"], n, colleague.id, "")
    worklist.give(station, team["engineer"], n, colleague.id, "she knows this model")
    assert [i.number for i in worklist.my_work(station, colleague.id)] == [n]
    assert worklist.my_work(station, team["ids"]["engineer"]) == []
    with refused("error.already_assigned"):
        worklist.take(station, team["engineer"], n)  # not in the pool any more


def test_a_loaner_only_with_a_contract_that_has_one(station, team, customer, bench):
    from deskapp.bench.loaners import issue_loaner, return_loaner
    from deskapp.records.customers import add_contract

    n = bench()
    with refused("error.no_loaner_in_contract"):
        issue_loaner(station, team["engineer"], n, "VisionCam spare #2")
    add_contract(station, team["manager"], customer.id, 2, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    m = bench("CAM-NEW-2")
    issue_loaner(station, team["engineer"], m, "VisionCam spare #2")
    with refused("error.loaner_out"):
        issue_loaner(station, team["engineer"], m, "another")
    return_loaner(station, team["engineer"], m)
    (loan,) = order_details(station, m)["repair"]["loaners"]
    assert loan["device"] == "VisionCam spare #2" and loan["returned_at"]


def test_a_customer_waiting_past_30_minutes_is_flagged_for_reassurance(station, team, bench, clock):
    n = bench()
    assert waiting_past(station) == []
    clock.advance(minutes=31)
    ((summary, waited),) = waiting_past(station)
    assert summary.number == n and waited == 31
    advance(station, team["engineer"], n, "start_diagnosis")
    assert len(waiting_past(station)) == 1  # still being inspected
    advance(station, team["engineer"], n, "start_repair")
    assert waiting_past(station) == []
