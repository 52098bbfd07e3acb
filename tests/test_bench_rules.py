"""The bench's rules that keep every order honest (issue 11): a cause found during the repair
stops it for a quote; the repair record accumulates; coverage follows the causes both ways;
an expired quote is not approved; amounts have a ceiling; a finished or cancelled order takes
no promise, loaner or engineer. Real station files, the real services."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import collect, import_sales, ready_order
from conftest import refused

from deskapp.bench import calls, diagnosis, quotes
from deskapp.bench import work_list as worklist
from deskapp.bench.loaners import issue_loaner
from deskapp.bench.quotes import QuoteLine
from deskapp.bench.repair import PartUsed, record_repair
from deskapp.counter.fees import agree_fees
from deskapp.documents.order_record import order_details
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.model import get_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.orders.rework import create_rework
from deskapp.records.customers import add_contract
from deskapp.rules.errors import ConfigError
from deskapp.station import Station


@pytest.fixture
def bench(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path)

    def intake(serial="CAM-NEW-1", line="camera", *, diagnosing=True):
        n = create_order(station, team["reception"], IntakeInput(
            customer_id=customer.id, product_line=line, serial=serial, fault_reported="no picture")).number
        assign_engineer(station, team["reception"], n, team["ids"]["engineer"])
        if diagnosing:
            advance(station, team["engineer"], n, "start_diagnosis")
        return n

    return intake


# ---- item 3: a cause found during the repair

def test_a_cause_found_during_the_repair_stops_it_for_a_quote_and_the_customers_answer(station, team, bench):
    n, eng = bench(), team["engineer"]
    assert not diagnosis.record_diagnosis(station, eng, n, "Sensor cable loose").chargeable
    advance(station, eng, n, "start_repair")
    record_repair(station, eng, n, "Opened the housing", [], 10)
    decision = diagnosis.record_diagnosis(station, eng, n, "Corrosion under the board", "coffee",
                                          causes=["liquid_damage"])
    order = get_order(station, n)
    assert decision.chargeable and order.chargeable
    assert order.state == "diagnosing"  # the repair stopped: nothing more is done before the customer agrees
    with refused("error.illegal_transition"):
        advance(station, eng, n, "mark_ready")
    with refused("error.repair_before_approval"):
        advance(station, eng, n, "start_repair")
    quotes.send_quote(station, eng, n, [QuoteLine("part", "Main board", 1, 3200)])
    quotes.answer_quote(station, eng, n, approved=True, method="signed")
    advance(station, eng, n, "start_repair")
    record_repair(station, eng, n, "Replaced the main board", [PartUsed("main board")], 40)
    advance(station, eng, n, "mark_ready")
    assert agree_fees(station, team["pickup"], n) == 3200  # charged at the counter, never released for nothing
    kinds = [e["kind"] for e in order_details(station, n)["events"]]
    assert "order.stop_for_quote" in kinds


def test_a_cause_found_while_waiting_for_a_part_stops_the_repair_too(station, team, bench, clock):
    n, eng = bench(), team["engineer"]
    advance(station, eng, n, "start_repair")
    calls.record_delay_call(station, eng, n, kind="part", outcome="reached", part="main board",
                            new_due=clock() + dt.timedelta(days=3))
    assert get_order(station, n).state == "waiting_parts"
    diagnosis.record_diagnosis(station, eng, n, "Dropped: cracked housing", causes=["human_damage"])
    assert get_order(station, n).state == "diagnosing" and get_order(station, n).chargeable


def test_a_repair_already_quoted_and_approved_goes_on_when_a_cause_is_found(station, team, bench):
    n, eng = bench("NB-OLD-1", "laptop"), team["engineer"]  # out of warranty: quoted, approved
    quotes.send_quote(station, eng, n, [QuoteLine("part", "DC jack", 1, 900)])
    quotes.answer_quote(station, eng, n, approved=True, method="phone")
    advance(station, eng, n, "start_repair")
    diagnosis.record_diagnosis(station, eng, n, "Also liquid inside", causes=["liquid_damage"])
    assert get_order(station, n).state == "in_repair"


# ---- item 5: the repair record accumulates

def test_repair_entries_accumulate_and_nothing_recorded_is_replaced(station, team, bench):
    n, eng = bench(), team["engineer"]
    advance(station, eng, n, "start_repair")
    long_work = ("Cleaned the contacts, reflowed the sensor connector and tested for an hour. " * 30)[:1990]
    record_repair(station, eng, n, long_work, [PartUsed("sensor cable", 1), PartUsed("screw set", 4, False, "worn")],
                  50)
    record_repair(station, eng, n, "Tested again next morning: fine", [], 15)
    repair = order_details(station, n)["repair"]
    assert repair["record"] == long_work.rstrip() + "\nTested again next morning: fine"
    assert [(p["part"], p["quantity"]) for p in repair["parts"]] == [("sensor cable", 1), ("screw set", 4)]
    assert repair["minutes"] == 65
    for _ in range(8):  # up to the record's ceiling, then a clear refusal
        record_repair(station, eng, n, "x" * 2000)
    with refused("error.repair_record_full", field="repair_record"):
        record_repair(station, eng, n, "y" * 2000)


# ---- item 6: coverage both ways, expired quotes, ceilings

def test_un_ticking_a_cause_makes_the_order_covered_again(station, team, bench):
    n, eng = bench(), team["engineer"]
    assert diagnosis.record_diagnosis(station, eng, n, "Corrosion", causes=["liquid_damage"]).chargeable
    assert get_order(station, n).chargeable
    decision = diagnosis.record_diagnosis(station, eng, n, "Only dust after cleaning: no liquid")
    assert not decision.chargeable
    order = get_order(station, n)
    assert not order.chargeable and "cause_liquid_damage" not in [r["code"] for r in order.warranty_reasons]
    assert advance(station, eng, n, "start_repair").state == "in_repair"  # no quote needed any more


def test_an_order_chargeable_since_intake_stays_chargeable_whatever_is_ticked(station, team, bench):
    n, eng = bench("NB-OLD-1", "laptop"), team["engineer"]
    diagnosis.record_diagnosis(station, eng, n, "Corrosion", causes=["liquid_damage"])
    decision = diagnosis.record_diagnosis(station, eng, n, "No liquid after all")
    assert decision.chargeable and get_order(station, n).chargeable  # what it says is what is stored


def test_a_free_rework_stays_free_when_the_cause_is_un_ticked(station, team, customer, tmp_path):
    import_sales(station, team["manager"], tmp_path)
    original = ready_order(station, team["reception"], team["engineer"], customer.id, serial="NB-OLD-1",
                           line="laptop", quote=1500)  # out of warranty, quoted and paid
    collect(station, team["pickup"], original, "王小明")
    rework, decision = create_rework(station, team["reception"], original, "jack loose again", same_fault=True)
    assert decision.free and not rework.chargeable
    eng = team["engineer"]
    assign_engineer(station, team["reception"], rework.number, team["ids"]["engineer"])
    advance(station, eng, rework.number, "start_diagnosis")
    assert diagnosis.record_diagnosis(station, eng, rework.number, "Bent pin", causes=["human_damage"]).chargeable
    decision = diagnosis.record_diagnosis(station, eng, rework.number, "Same fault as before, not damage")
    order = get_order(station, rework.number)
    assert not decision.chargeable and not order.chargeable
    assert [r["code"] for r in order.warranty_reasons] == ["rework_free_order"]


def test_coverage_does_not_change_once_the_customer_approved_the_quote(station, team, bench):
    n, eng = bench(), team["engineer"]
    diagnosis.record_diagnosis(station, eng, n, "Corrosion", causes=["liquid_damage"])
    quotes.send_quote(station, eng, n, [QuoteLine("part", "Board", 1, 3000)])
    quotes.answer_quote(station, eng, n, approved=True, method="signed")
    advance(station, eng, n, "start_repair")
    with refused("error.coverage_after_approval"):
        diagnosis.record_diagnosis(station, eng, n, "No liquid after all")
    assert get_order(station, n).chargeable and len(order_details(station, n)["diagnoses"]) == 1


def test_an_expired_quote_is_refused_and_the_bench_quotes_again(station, team, bench, clock):
    n, eng = bench("NB-OLD-1", "laptop"), team["engineer"]
    quotes.send_quote(station, eng, n, [QuoteLine("part", "Screen", 1, 5200)])
    until = order_details(station, n)["quote"]["valid_until"]
    clock.advance(days=station.policy.quote_valid_days + 60)
    with refused("error.quote_expired") as err:
        quotes.answer_quote(station, eng, n, approved=True, method="signed")
    assert until in err.value.render(station.tr) and "new quote" in err.value.render(station.tr)
    assert get_order(station, n).state == "awaiting_approval" and get_order(station, n).quote_status == "sent"
    quotes.send_quote(station, eng, n, [QuoteLine("part", "Screen", 1, 5600)])  # a new quote, valid from today
    assert order_details(station, n)["quote"]["valid_until"] > until
    order = quotes.answer_quote(station, eng, n, approved=True, method="signed")
    assert order.state == "approved" and order.quote_total == 5600


def test_amounts_and_quantities_have_a_ceiling_with_a_message_staff_can_act_on(station, team, bench):
    n, eng = bench("NB-OLD-1", "laptop"), team["engineer"]
    with refused("error.amount_too_large", field="line1") as err:
        quotes.send_quote(station, eng, n, [QuoteLine("part", "Screen", 1, 999_999_999_999)])
    assert "999,999,999,999" in err.value.render(station.tr) and "9,999,999" in err.value.render(station.tr)
    with refused("error.quantity_too_large", field="line1"):
        quotes.send_quote(station, eng, n, [QuoteLine("part", "Screw", 1_000_000, 1)])
    with refused("error.amount_too_large", field="line1"):  # each line's amount
        quotes.send_quote(station, eng, n, [QuoteLine("part", "Board", 999, 20_000)])
    with refused("error.amount_too_large", field="lines"):  # and the quote's total
        quotes.send_quote(station, eng, n, [QuoteLine("part", "Board", 1, 6_000_000),
                                            QuoteLine("labour", "Swap", 1, 6_000_000)])
    assert get_order(station, n).state == "diagnosing"  # nothing sent
    m = bench()
    advance(station, eng, m, "start_repair")
    with refused("error.quantity_too_large", field="part1"):
        record_repair(station, eng, m, "Replaced screws", [PartUsed("screw", 10**12)])


def test_a_huge_fee_in_the_policy_file_is_refused_at_open_naming_the_key(tmp_path, clock):
    from deskapp.settings.files import data_path

    text = data_path("policy.toml").read_text(encoding="utf-8")
    (tmp_path / "policy.toml").write_text(text.replace("av_peripheral = 800", "av_peripheral = 99999999999999999999"),
                                          encoding="utf-8")
    with pytest.raises(ConfigError) as err:  # at open, or when the policy is first read: never an OverflowError
        station = Station.open(tmp_path / "station.db", locale="en", clock=clock)
        try:
            station.policy.inspection_fee("camera")
        finally:
            station.close()
    assert "fees.inspection.av_peripheral" in str(err.value) and "9,999,999" in str(err.value)


# ---- item 11 (the same rules, one terminal): nothing moves on a finished or cancelled order

def test_a_withdrawn_order_takes_no_delay_call_no_loaner_and_no_engineer(station, team, customer, bench, clock):
    add_contract(station, team["manager"], customer.id, 2, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    n = bench()
    advance(station, team["manager"], n, "withdraw", reason="the customer withdrew")
    before = get_order(station, n).inspection_due_at
    with refused("error.not_in_state"):
        calls.record_delay_call(station, team["engineer"], n, kind="complex", outcome="reached",
                                new_due=clock() + dt.timedelta(days=2))
    assert get_order(station, n).inspection_due_at == before and order_details(station, n)["promise"]["history"] == []
    with refused("error.not_in_state"):
        issue_loaner(station, team["engineer"], n, "VisionCam spare")
    m = bench(diagnosing=False)
    advance(station, team["manager"], m, "withdraw", reason="withdrawn")
    with refused("error.not_in_state"):
        worklist.take(station, team["engineer"], m)
    with refused("error.not_in_state"):
        diagnosis.record_diagnosis(station, team["engineer"], n, "too late")
