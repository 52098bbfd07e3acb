"""Every order reaches an end (issue 11 items 1, 2, 4, 6, 11): an unrepaired return (quote
declined, unrepairable, withdrawn) goes through the counter like a repair (notify, voucher,
sign-off without the "fault gone" check, fees, release, farewell) or is shipped back with its
shipping charge; a failed sign-off of a return stays a return; only an order whose device
never came in is cancelled; a waiver reads as 0 due everywhere; the waiver and the payment of
two counters at once never both go through. Real station files, real services, real processes."""

from __future__ import annotations

import sqlite3

import pytest
from builders import CODE, all_pass, import_sales, ready_order
from conftest import refused

from deskapp.bench import calls
from deskapp.bench.quotes import QuoteLine, answer_quote, send_quote
from deskapp.counter.farewell import farewell
from deskapp.counter.fees import agree_fees, charge_shipping, fees, pay, ship_back, waive
from deskapp.counter.lists import at_the_counter
from deskapp.counter.release import release, withdraw
from deskapp.counter.sign_off import SignOff, sign_off
from deskapp.counter.steps import where_it_stands
from deskapp.counter.voucher_check import check_voucher, look_up
from deskapp.documents.a4 import repair_order_data, repair_order_receipt
from deskapp.documents.order_record import order_details
from deskapp.documents.thermal import new_check_code, preview_lines
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.model import get_order
from deskapp.orders.moves import advance, assign_engineer


@pytest.fixture
def make(station, team, customer, tmp_path):
    """An out-of-warranty laptop (inspection fee NT$800 charged at intake), with an engineer,
    its voucher issued with CODE; stopped at ``upto``."""
    import_sales(station, team["manager"], tmp_path)
    eng = team["engineer"]

    def build(upto="diagnosing", *, voucher=True, back="collect", serial="NB-OLD-1", line="laptop"):
        n = create_order(station, team["reception"], IntakeInput(
            customer_id=customer.id, product_line=line, serial=serial, fault_reported="no power")).number
        if voucher:
            new_check_code(station, team["reception"], n, CODE)
        if upto == "received":
            return n
        assign_engineer(station, team["reception"], n, eng.staff_id)
        advance(station, eng, n, "start_diagnosis")
        if upto == "diagnosing":
            return n
        send_quote(station, eng, n, [QuoteLine("part", "main board", 1, 4000), QuoteLine("labour", "labour", 1, 500)])
        if upto == "awaiting_approval":
            return n
        if upto == "declined":
            answer_quote(station, eng, n, approved=False, method="phone", return_method=back)
            return n
        answer_quote(station, eng, n, approved=True, method="signed")
        advance(station, eng, n, "start_repair")
        if upto == "waiting_parts":
            advance(station, eng, n, "wait_for_part", part="main board")
        return n

    return build


def step(station, actor, n):
    return where_it_stands(station, actor, n).step


def collect_unrepaired(station, p, n, fault_gone=False):
    """At the counter: the voucher, the return's sign-off (fault still there, as agreed)."""
    assert step(station, p, n) is None  # the voucher first: the counter shows the code field
    check_voucher(station, p, n, CODE)
    assert step(station, p, n) == "sign_off"
    sign_off(station, p, n, SignOff(all_pass(station, p, n), fault_gone, "王小明"))


def test_a_declined_quote_goes_the_whole_way_notify_voucher_sign_off_fee_release_farewell(station, team, make):
    n = make("declined")
    p = team["pickup"]
    assert get_order(station, n).state == "return_unrepaired"
    assert [o.number for o in calls.to_notify(station)] == [n]  # the bench calls the customer
    script = calls.notify_script(station, team["engineer"], n)
    assert "not repaired" in script["phrase"] and "not repaired" in script["someone_else"]
    assert calls.record_notify_attempt(station, team["engineer"], n, "reached")
    assert calls.to_notify(station) == []
    assert [o.number for o in at_the_counter(station)] == [n]
    collect_unrepaired(station, p, n)  # no "fault gone": the fault is still there, as agreed
    assert get_order(station, n).verified_at is not None
    assert step(station, p, n) == "fees"
    owed = fees(station, n)
    assert [(line["kind"], line["amount"]) for line in owed["lines"]] == [("inspection_fee", 800)]  # no quote
    with refused("error.release_owes"):
        release(station, p, n)
    assert agree_fees(station, p, n) == 800
    pay(station, p, n, "cash")
    assert step(station, p, n) == "release"
    assert release(station, p, n).state == "released"
    assert "Returned unrepaired" in repair_order_data(station, n)["work"]
    farewell(station, p, n, {"wiped": True, "card": True, "belongings": True})
    assert get_order(station, n).state == "closed"
    kinds = [e["kind"] for e in order_details(station, n)["events"]]
    assert kinds.count("order.release") == 1 and "pickup.holder_checked" in kinds and "order.close" in kinds


def test_a_failed_sign_off_of_a_return_keeps_it_a_return_never_a_repair(station, team, make):
    n = make("declined")
    p, eng = team["pickup"], team["engineer"]
    check_voucher(station, p, n, CODE)
    results = {**all_pass(station, p, n), "powers_on": "fail"}
    order = sign_off(station, p, n, SignOff(results, False, "王小明", note="scratched casing"))
    assert order.state == "return_unrepaired" and order.verified_at is None
    assert not look_up(station, p, n).holder_check  # a new pickup starts over
    with refused("error.illegal_transition"):  # no repair without the approved quote
        advance(station, eng, n, "start_repair")
    # marked ready at the bench (a return ready for pickup): a failed sign-off still goes back as a return
    advance(station, eng, n, "mark_ready")
    with refused("error.return_not_to_bench"):
        advance(station, p, n, "back_to_bench", reason="try to repair it anyway")
    check_voucher(station, p, n, CODE)
    assert sign_off(station, p, n, SignOff(results, False, "王小明")).state == "return_unrepaired"
    collect_unrepaired(station, p, n)
    agree_fees(station, p, n)
    pay(station, p, n, "card")
    assert release(station, p, n).state == "released"
    charged = station.store.query("SELECT kind FROM charges WHERE order_id = ?", (get_order(station, n).id,))
    assert [r["kind"] for r in charged] == ["inspection_fee"]


@pytest.mark.parametrize("upto,owed", [("diagnosing", 800), ("awaiting_approval", 800), ("approved", 800),
                                       ("waiting_parts", 800), ("received", 0)])
def test_a_withdrawal_at_any_step_hands_the_device_back_through_the_counter(station, team, make, upto, owed):
    n = make(upto)
    p = team["pickup"]
    with refused("error.role_required"):
        withdraw(station, p, n, "customer changed their mind")
    order = withdraw(station, team["manager"], n, "customer changed their mind")
    assert order.state == "return_unrepaired" and order.outcome == "unrepaired"
    assert order.unrepaired_reason == "withdrawn"
    # owed per policy: the inspection fee once inspected; nothing for a repair not done
    assert fees(station, n)["due"] == owed
    collect_unrepaired(station, p, n)
    if owed:
        assert step(station, p, n) == "fees"
        agree_fees(station, p, n)
        pay(station, p, n, "cash")
    assert release(station, p, n).state == "released"
    farewell(station, p, n, {"wiped": True, "card": True, "belongings": True})
    kinds = [e["kind"] for e in order_details(station, n)["events"]]
    assert kinds[kinds.index("order.withdraw"):] .count("order.release") == 1
    assert "order.close" in kinds


def test_cancel_ends_directly_only_when_the_device_never_came_in(station, team, make):
    taken_in = make("received")  # a voucher was issued: the device is here
    with refused("error.cancel_device_here"):
        advance(station, team["manager"], taken_in, "cancel", reason="wrong unit")
    never = make("received", voucher=False)
    assert withdraw(station, team["manager"], never, "wrong unit").state == "cancelled"
    started = make("diagnosing")
    with refused("error.illegal_transition"):  # no sink: a device being worked on goes back through the counter
        advance(station, team["manager"], started, "cancel", reason="customer withdrew")


def test_a_declined_return_shipped_back_pays_its_shipping_then_ships_and_closes(station, team, make):
    n = make("declined", back="ship")
    p = team["pickup"]
    assert step(station, p, n) == "ship"  # no voucher to check: the customer is not here
    with refused("error.shipping_amount"):
        ship_back(station, p, n, "HCT", "HCT-0001")
    with refused("error.shipping_amount"):
        charge_shipping(station, p, n, "abc")
    assert charge_shipping(station, p, n, "NT$150") == 150
    with refused("error.shipping_already_charged"):
        charge_shipping(station, p, n, "150")
    assert step(station, p, n) == "fees"
    with refused("error.release_owes"):
        ship_back(station, p, n, "HCT", "HCT-0001")
    assert agree_fees(station, p, n) == 950
    pay(station, p, n, "transfer")
    assert step(station, p, n) == "ship"
    order = ship_back(station, p, n, "HCT", "HCT-0001")
    assert order.state == "closed" and order.released_at
    shipped = [e for e in order_details(station, n)["events"] if e["kind"] == "order.ship_back"]
    assert len(shipped) == 1 and shipped[0]["data"]["tracking"] == "HCT-0001"
    assert ("Return shipping", "NT$150") in repair_order_data(station, n)["charges"]
    a_repair = make("declined")  # collected, not shipped: nothing to ship
    with refused("error.not_shipped_back"):
        charge_shipping(station, p, a_repair, "150")


def test_a_waiver_reads_as_waived_and_nothing_due_on_the_a4_the_receipt_and_the_counter(station, team, customer,
                                                                                       tmp_path):
    import_sales(station, team["manager"], tmp_path)
    n = ready_order(station, team["reception"], team["engineer"], customer.id, quote=6800,
                    serial="VB-OLD-1", line="video_bar")
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, p, n), True, "王小明"))
    assert repair_order_data(station, n)["due"] == "NT$9,800"
    waive(station, p, team["manager"], n, "long-standing customer")
    d = repair_order_data(station, n)
    assert d["due"] == "NT$0" and ("Waived by a manager", "-NT$9,800") in d["payments"]
    receipt = "\n".join(preview_lines(station, repair_order_receipt(station, n)))
    assert "NT$9,800" in receipt and "-NT$9,800" in receipt
    due_line = next(line for line in receipt.splitlines() if line.startswith("Owed"))
    assert due_line.split()[-1] == "NT$0"
    assert look_up(station, p, n).due == 0 and fees(station, n)["due"] == 0
    with refused("error.fees_already_waived"):  # nothing left to take
        pay(station, p, n, "cash")
    assert step(station, p, n) == "release"
    assert release(station, p, n).state == "released"


def test_a_waiver_after_the_other_counter_took_payment_is_refused_two_processes(station, team, customer, tmp_path):
    """Two counters at once on the same orders: one takes payment, the other a manager's
    waiver. Each order ends paid or waived, never both."""
    import_sales(station, team["manager"], tmp_path)
    p = team["pickup"]
    numbers = []
    for i in range(12):
        n = ready_order(station, team["reception"], team["engineer"], customer.id, quote=1000 + i,
                        serial=("NB-OLD-1", "VB-OLD-1")[i % 2], line=("laptop", "video_bar")[i % 2])
        check_voucher(station, p, n, CODE)
        sign_off(station, p, n, SignOff(all_pass(station, p, n), True, "王小明"))
        agree_fees(station, p, n)
        numbers.append(n)
    reports = spawn_workers_of("pay_or_waive", station.store.path, len(numbers))
    assert not any(r["errors"] for r in reports), reports
    conn = sqlite3.connect(station.store.path)
    rows = conn.execute("SELECT o.number, o.waiver_reason != '' AS waived, (SELECT COUNT(*) FROM payments"
                        " WHERE order_id = o.id) AS paid FROM repair_orders o WHERE o.state = 'ready'").fetchall()
    conn.close()
    both = [n for n, waived, paid in rows if waived and paid]
    neither = [n for n, waived, paid in rows if not waived and not paid]
    assert both == [] and neither == [], (both, neither)
    refusals = {k for r in reports for k in r["refused"]}
    assert refusals <= {"error.nothing_owed", "error.fees_already_waived"}


def test_two_counters_signing_off_one_return_decide_under_the_lock_two_processes(station, team, make):
    """One counter passes every item while the other fails one (the return goes back: a new
    pickup, its holder check cleared). Never a sign-off recorded without a holder check."""
    p = team["pickup"]
    numbers = []
    for _ in range(12):
        n = make("declined")
        check_voucher(station, p, n, CODE)
        numbers.append(n)
    reports = spawn_workers_of("sign_off", station.store.path, len(numbers), roles=("pass", "fail"))
    assert not any(r["errors"] for r in reports), reports
    conn = sqlite3.connect(station.store.path)
    rows = conn.execute("SELECT number, state, verified_at IS NOT NULL, holder_check != '' FROM repair_orders"
                        " WHERE number IN (%s)" % ",".join("?" * len(numbers)), numbers).fetchall()
    conn.close()
    assert {state for _, state, _, _ in rows} == {"return_unrepaired"}  # never to the bench
    assert [n for n, _, verified, holder in rows if verified and not holder] == []
    refusals = {k for r in reports for k in r["refused"]}
    assert refusals <= {"error.sign_off_needs_holder_check"}, refusals


def spawn_workers_of(kind, db, count, roles=("pay", "waive")):
    """tests/counter_workers.py in two real processes at once (one role each)."""
    import json
    import subprocess
    import sys
    import time
    from pathlib import Path

    from builders import NOW

    root = Path(__file__).resolve().parent
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, str(root / "counter_workers.py"), kind, str(db), str(count), str(start),
                               NOW.isoformat(), role], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for role in roles]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    return reports



def test_the_demo_has_orders_at_every_end_and_orders_waiting_to_reach_one(tmp_path):
    from builders import fixed_clock

    from deskapp.demo import build_demo

    db = tmp_path / "demo.db"
    build_demo(db, locale="en", clock=fixed_clock())
    conn = sqlite3.connect(db)
    q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    paid = "(SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = o.id)"
    fee = "(SELECT COALESCE(SUM(amount), 0) FROM charges WHERE order_id = o.id AND kind = 'inspection_fee')"
    assert q("SELECT COUNT(*) FROM repair_orders WHERE state IN ('released', 'closed') AND outcome = 'repaired'") >= 2
    assert q(f"SELECT COUNT(*) FROM repair_orders o WHERE state = 'closed' AND quote_status = 'declined'"
             f" AND return_method = 'collect' AND {fee} > 0 AND {paid} = {fee}") == 1  # returned, the fee paid
    assert q("SELECT COUNT(*) FROM repair_orders o WHERE state = 'closed' AND unrepaired_reason = 'withdrawn'"
             " AND EXISTS (SELECT 1 FROM events WHERE order_id = o.id AND kind = 'order.release')") == 1
    assert q("SELECT COUNT(*) FROM repair_orders WHERE state = 'cancelled'") == 1
    assert q("SELECT COUNT(*) FROM repair_orders o WHERE state = 'closed' AND return_method = 'ship'"
             " AND EXISTS (SELECT 1 FROM events WHERE order_id = o.id AND kind = 'order.ship_back')") == 1
    waiting = dict(conn.execute("SELECT return_method, COUNT(*) FROM repair_orders WHERE state = 'return_unrepaired'"
                                " GROUP BY return_method").fetchall())
    assert waiting == {"collect": 1, "ship": 1}  # the walks' declined returns
    conn.close()
