"""The pickup counter at the core, on a real station file: voucher check (code, lockout,
lost voucher), verification sign-off, fees agreed before charging, release exactly once
(also from two real processes at once), the repair order's data, farewell, rework."""

from __future__ import annotations

import json
import sqlite3

import pytest
from builders import CODE, all_pass, import_sales, ready_order
from conftest import refused, spawn_workers

from deskapp.bench.repair import record_repair
from deskapp.counter.farewell import farewell
from deskapp.counter.fees import agree_fees, fees, pay, waive
from deskapp.counter.lists import at_the_counter, rework_candidates
from deskapp.counter.release import release
from deskapp.counter.sign_off import SignOff, sign_off
from deskapp.counter.voucher_check import check_identity, check_voucher, look_up
from deskapp.documents.order_record import order_details
from deskapp.documents.thermal import new_check_code
from deskapp.orders.creation import IntakeInput, create_order
from deskapp.orders.model import get_order
from deskapp.orders.moves import advance, assign_engineer
from deskapp.orders.rework import create_rework, rework_decision
from deskapp.rules.errors import NotFound


@pytest.fixture
def ready(station, team, customer, tmp_path):
    """An order repaired and ready, its voucher printed with a known check code (CODE)."""
    import_sales(station, team["manager"], tmp_path)

    def make(serial="CAM-NEW-1", line="camera", quote=0, months=3):
        return ready_order(station, team["reception"], team["engineer"], customer.id, serial=serial, line=line,
                           quote=quote, months=months)

    return make


def test_release_with_the_right_code_sign_off_and_nothing_owed(station, team, ready):
    n = ready()
    p = team["pickup"]
    view = look_up(station, p, n)
    assert view.customer_name == "王小明" and view.phone_masked.startswith("0912") and "678" in view.phone_masked
    assert "345" not in view.phone_masked and view.due == 0 and not view.holder_check
    assert view.checklist[:2] == ["powers_on", "video_image"] and view.checklist[-1] == "cleaned"
    with refused("error.sign_off_needs_holder_check"):
        sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    check_voucher(station, p, n, " kmn-347 ")  # as typed: spaces, dash, lower case
    with refused("error.checklist_item_needed", field="item_video_image"):
        sign_off(station, p, n, SignOff({"powers_on": "pass"}, True, "王小明"))
    with refused("error.sticker_reason_needed", field="sticker_reason"):
        sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明",
                                                       sticker_applied=False))
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明",
                                                   card_left=False, card_reason="out of cards"))
    assert release(station, p, n).state == "released"
    with refused("error.already_released"):
        release(station, p, n)
    with refused("error.already_released"):
        check_voucher(station, p, n, CODE)
    d = order_details(station, n)
    assert d["pickup"]["holder_check"]["method"] == "check_code" and d["pickup"]["card_left"] is False
    assert d["pickup"]["verification"]["items"]["powers_on"] == "pass"
    kinds = [e["kind"] for e in d["events"]]
    assert kinds.count("order.release") == 1 and "pickup.holder_checked" in kinds


def test_a_wrong_code_is_refused_and_logged_and_five_need_a_manager(station, team, ready):
    n = ready()
    p = team["pickup"]
    for left in (4, 3, 2, 1):
        with refused("error.check_code_wrong") as err:
            check_voucher(station, p, n, "AAAAAA")
        assert err.value.params["left"] == left
    with refused("error.check_code_locked"):
        check_voucher(station, p, n, "AAAAAA")
    with refused("error.pickup_needs_manager") as err:  # even the right code, now
        check_voucher(station, p, n, CODE)
    assert err.value.params["tries"] == 5
    assert look_up(station, p, n).needs_manager
    with refused("error.release_needs_holder_check"):
        release(station, p, n)
    check_voucher(station, team["manager"], n, CODE)  # a manager at the counter
    d = order_details(station, n)
    assert d["pickup"]["wrong_codes"] == 5 and d["pickup"]["holder_check"]["by"] == "manager-person"
    kinds = [e["kind"] for e in d["events"]]
    assert kinds.count("pickup.code_wrong") == 5 and kinds.count("pickup.locked_attempt") == 1
    row = sqlite3.connect(station.store.path).execute(
        "SELECT voucher_code_hash FROM repair_orders WHERE number = ?", (n,)).fetchone()
    assert CODE.encode() not in row[0]  # stored hashed only


def test_a_foreign_voucher_number_is_refused_and_logged(station, team, ready):
    ready()
    with refused("error.order_not_found", NotFound):
        look_up(station, team["pickup"], "R9999-00001")
    logged = station.store.query("SELECT kind, subject FROM events WHERE kind = 'pickup.unknown_voucher'")
    assert [(r["kind"], r["subject"]) for r in logged] == [("pickup.unknown_voucher", "R9999-00001")]


def test_a_lost_voucher_needs_a_manager_and_the_customers_name_and_phone(station, team, ready):
    n = ready()
    p, m = team["pickup"], team["manager"]
    with refused("error.role_required"):
        check_identity(station, p, p, n, name="王小明", phone="0912345678", id_document="ID A12***678")
    with refused("error.identity_mismatch"):
        check_identity(station, p, m, n, name="王小明", phone="0911111111", id_document="ID A12***678")
    with refused("error.field_required", field="id_document"):
        check_identity(station, p, m, n, name="王小明", phone="0912345678", id_document=" ")
    check_identity(station, p, m, n, name=" 王 小明", phone="0912-345-678", id_document="ID A12***678")
    check = order_details(station, n)["pickup"]["holder_check"]
    assert check == {**check, "method": "identity", "manager": "manager-person", "id_document": "ID A12***678",
                     "by": "pickup-person"}


def test_a_failed_item_sends_the_order_back_to_the_bench_with_the_reason(station, team, ready):
    n = ready()
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    results = all_pass(station, team["pickup"], n) | {"video_image": "fail", "remote_control": "na"}
    order = sign_off(station, p, n, SignOff(results, True, "王小明", note="stripes at the top"))
    assert order.state == "in_repair" and order.verified_at is None
    event = [e for e in order_details(station, n)["events"] if e["kind"] == "order.back_to_bench"][-1]
    assert "Video image" in event["data"]["reason"] and "stripes at the top" in event["data"]["reason"]
    assert event["data"]["failed"] == ["video_image"]
    # the customer's own check failing does the same
    advance(station, team["engineer"], n, "mark_ready")
    assert order_details(station, n)["pickup"]["holder_check"] == {}  # a new pickup starts over
    check_voucher(station, p, n, CODE)
    order = sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), False, "王小明"))
    assert order.state == "in_repair"


def test_fees_are_agreed_before_charging_and_block_release_until_paid_or_waived(station, team, ready):
    n = ready(serial="NB-OLD-1", line="laptop", quote=4500)
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    f = fees(station, n)
    assert [(l["kind"], l["amount"]) for l in f["lines"]] == [("inspection_fee", 800), ("quote", 4500)]
    assert f["due"] == 5300 and f["agreed_at"] is None
    with refused("error.release_owes") as err:
        release(station, p, n)
    assert "5,300" in str(err.value)
    with refused("error.fees_not_agreed"):
        pay(station, p, n, "card")
    assert agree_fees(station, p, n) == 5300
    with refused("error.invoice_no_format", field="invoice_no"):
        pay(station, p, n, "card", invoice_no="<b>")
    assert pay(station, p, n, "card", invoice_no="ab-12345678") == 5300
    with refused("error.nothing_owed"):
        pay(station, p, n, "cash")
    assert release(station, p, n).state == "released"
    payments = order_details(station, n)["money"]["payments"]
    assert [(x["amount"], x["method"], x["invoice_no"]) for x in payments] == [(5300, "card", "AB-12345678")]


def test_a_manager_waives_what_is_owed_with_a_reason(station, team, ready):
    n = ready(serial="NB-OLD-1", line="laptop", quote=1200)
    p, m = team["pickup"], team["manager"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    with refused("error.role_required"):
        waive(station, p, p, n, "goodwill")
    waive(station, p, m, n, "second visit for the same fault")
    assert release(station, p, n).state == "released"


def test_farewell_closes_the_order_and_erases_the_passcode(station, team, customer, ready):
    n = ready()
    p = team["pickup"]
    order = get_order(station, n)
    with station.store.write() as conn:
        conn.execute("INSERT INTO device_passcodes (order_id, passcode, created_at) VALUES (?, '2468', 'x')", (order.id,))
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    release(station, p, n)
    assert [o.number for o in at_the_counter(station)] == [n]  # released, farewell to do
    with refused("error.farewell_item_needed", field="farewell_belongings"):
        farewell(station, p, n, {"wiped": True, "card": True})
    closed = farewell(station, p, n, {"wiped": True, "card": True, "belongings": True})
    assert closed.state == "closed" and at_the_counter(station) == []
    assert station.store.query_one("SELECT 1 FROM device_passcodes WHERE order_id = ?", (order.id,)) is None


def test_the_repair_order_carries_everything_the_customer_takes_home(station, team, ready):
    from deskapp.documents.a4 import repair_order_data, write_pdf

    n = ready(serial="NB-OLD-1", line="laptop", quote=4500, months=0)
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明",
                                                   sticker_applied=False, sticker_reason="no-warranty repair"))
    agree_fees(station, p, n)
    pay(station, p, n, "cash")
    release(station, p, n)
    d = repair_order_data(station, n)
    assert d["customer"] == "王小明" and d["work"] == "Replaced the sensor cable"
    assert d["parts"] == [("sensor cable", "1", "no — sent back to the maker")]
    assert ("Approved quote", "NT$4,500") in d["charges"] and d["due"] == "NT$0"
    assert "NO WARRANTY" in d["repair_warranty"] and "consent" in d["repair_warranty"]
    assert d["warranty_scope"] == station.tr.t("doc.warranty_scope_none")  # no warranty: no free rework promised
    assert d["sticker"] == "no — no-warranty repair" and d["card"] == "yes"
    assert d["holder_check"] == "voucher check code" and d["verified_by"] == "王小明"
    assert "invoice offered, declined" in d["payments"][0][0]
    pdf = write_pdf(station, p, n, "repair-order")
    assert pdf.startswith(b"%PDF")
    assert any(e["kind"] == "print.repair_order_pdf" for e in order_details(station, n)["events"])


def test_a_released_order_is_released_exactly_once_by_two_terminals_at_once(station, team, ready, clock):
    n = ready()  # the worker processes run on the same fixed clock as this station
    check_voucher(station, team["pickup"], n, CODE)
    sign_off(station, team["pickup"], n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    reports = spawn_workers("release", station.store.path, 3, processes=2)
    released = [x for r in reports for x in r["released"]]
    refused = [x for r in reports for x in r["refused"]]
    assert released == [n] and len(refused) == 5  # 2 processes x 3 presses: one release, five refusals
    assert set(refused) == {"error.already_released"}
    assert not any(r["errors"] for r in reports)  # no "database is locked", nothing else
    conn = sqlite3.connect(station.store.path)
    count = conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'order.release'").fetchone()[0]
    assert count == 1 and conn.execute("SELECT state FROM repair_orders WHERE number = ?", (n,)).fetchone()[0] \
        == "released"


def test_rework_is_found_by_number_serial_or_phone_free_inside_the_repair_warranty(station, team, ready, clock):
    n = ready(months=1)
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    release(station, p, n)
    for query in (n.lower().replace("-", ""), "CAM-NEW-1", "0912 345"):
        assert [o.number for o in rework_candidates(station, query)] == [n], query
    assert rework_candidates(station, "0999") == []
    clock.advance(days=10)
    order, decision = create_rework(station, team["reception"], n, "no picture again", same_fault=True)
    assert decision.free and order.rework_of == get_order(station, n).id and not order.chargeable
    clock.advance(days=40)  # outside the one-month repair warranty: the normal flow, with the reason
    _, decision = rework_decision(station, n, same_fault=True)
    assert not decision.free
    assert [r.code for r in decision.reasons] == ["rework_expired"]


def test_a_device_returned_unrepaired_is_signed_off_without_the_fault_gone(station, team, customer, ready):
    """A declined quote: the customer takes the device back unrepaired and pays the inspection
    fee; the sign-off checks the device is as it came, not that the fault is gone."""
    eng, p = team["engineer"], team["pickup"]
    n = create_order(station, team["reception"], IntakeInput(
        customer_id=customer.id, product_line="laptop", serial="NB-OLD-1", fault_reported="no power")).number
    assign_engineer(station, team["reception"], n, team["ids"]["engineer"])
    for action, details in (("start_diagnosis", {}), ("send_quote", {"total": 3000}),
                            ("decline_quote", {"method": "phone"}), ("mark_ready", {})):
        advance(station, eng, n, action, **details)
    new_check_code(station, team["reception"], n, CODE)
    check_voucher(station, p, n, CODE)
    order = sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), False, "王小明"))
    assert order.state == "ready" and order.verified_at
    assert order_details(station, n)["pickup"]["verification"]["fault_gone"] is None
    assert agree_fees(station, p, n) == 800  # the laptop's inspection fee (computers: NT$800)
    pay(station, p, n, "cash")
    assert release(station, p, n).state == "released"


def test_the_check_code_typed_in_the_number_field_is_neither_echoed_nor_logged(station, team, ready):
    ready()
    with refused("error.not_an_order_number", field="voucher_number") as err:
        look_up(station, team["pickup"], CODE)
    assert CODE not in str(err.value)
    logged = station.store.query("SELECT subject, data FROM events WHERE kind = 'pickup.unknown_voucher'")
    assert [(r["subject"], json.loads(r["data"])) for r in logged] == [("", {"malformed": True})]


def test_a_voucher_check_is_good_for_this_pickup_only(station, team, ready, clock):
    n = ready()
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    clock.advance(minutes=61)  # picked from the list later: the voucher is checked again
    assert look_up(station, p, n).holder_check == {}
    with refused("error.release_needs_holder_check"):
        release(station, p, n)
    check_voucher(station, p, n, CODE)
    assert release(station, p, n).state == "released"


def test_no_new_voucher_for_a_device_waiting_at_the_counter_except_by_a_manager(station, team, ready):
    from deskapp.documents.thermal import print_voucher

    n = ready()
    with refused("error.voucher_reprint_when_ready"):
        print_voucher(station, team["reception"], n, reprint=True)


def test_a_waiver_needs_something_owed_and_ends_when_the_order_goes_back_to_the_bench(station, team, ready):
    p, m = team["pickup"], team["manager"]
    free = ready()
    with refused("error.nothing_owed"):
        waive(station, p, m, free, "goodwill")
    n = ready(serial="NB-OLD-1", line="laptop", quote=1200)
    waive(station, p, m, n, "goodwill")
    check_voucher(station, p, n, CODE)
    results = all_pass(station, team["pickup"], n) | {"display": "fail"}
    sign_off(station, p, n, SignOff(results, True, "王小明"))
    assert get_order(station, n).waiver_reason == ""


def test_one_open_rework_at_a_time(station, team, ready):
    n = ready(months=3)
    p = team["pickup"]
    check_voucher(station, p, n, CODE)
    sign_off(station, p, n, SignOff(all_pass(station, team["pickup"], n), True, "王小明"))
    release(station, p, n)
    create_rework(station, team["reception"], n, "no picture again", same_fault=True)
    with refused("error.rework_already_open"):
        create_rework(station, team["reception"], n, "no picture again", same_fault=True)


def test_a_repair_record_as_long_as_a_page_still_makes_a_repair_order(station, team, ready):
    import io

    from pypdf import PdfReader

    from deskapp.documents.a4 import write_pdf

    n = ready()
    work = "更換主機板與電源模組,清潔散熱風扇並更新韌體。" * 85  # close to the 2,000 characters allowed
    advance(station, team["engineer"], n, "back_to_bench", reason="more work")
    record_repair(station, team["engineer"], n, work)
    pdf = write_pdf(station, team["pickup"], n, "repair-order")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 6  # cut short on the order, the rest on a page attached to each copy
    assert get_order(station, n).repair_warranty_months == 3  # a repair always has its warranty period


def test_the_check_codes_slow_hash_is_never_computed_under_the_write_lock(station, team, ready, tmp_path,
                                                                          monkeypatch):
    """scrypt takes tens of milliseconds: under the write lock every other terminal would wait
    for it (the load benchmark found a voucher print holding the station for 60 ms). Issuing a
    voucher's code and checking it at the counter hash before the lock, decide under it."""
    import deskapp.counter.voucher_check as counter
    import deskapp.documents.thermal as thermal
    from deskapp.documents.thermal import print_voucher

    n = ready()
    under_lock = []

    def watching(real):
        def call(*args, **kwargs):
            under_lock.append(station.store.conn.in_transaction)
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(thermal, "hash_secret", watching(thermal.hash_secret))
    monkeypatch.setattr(counter, "matches", watching(counter.matches))
    intake = create_order(station, team["reception"], IntakeInput(
        customer_id=get_order(station, n).customer_id, product_line="camera", serial="CAM-NEW-2",
        fault_reported="no picture"))
    code = print_voucher(station, team["reception"], intake.number, printer=f"file:{tmp_path / 'printer.bin'}")
    with refused("error.not_ready_for_pickup"):
        check_voucher(station, team["pickup"], intake.number, code)  # not ready yet: refused, after the hash
    check_voucher(station, team["pickup"], n, CODE)
    assert under_lock and not any(under_lock)
