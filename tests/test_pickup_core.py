"""The pickup counter at the core, on a real station file: voucher check (code, lockout,
lost voucher), verification sign-off, fees agreed before charging, release exactly once
(also from two real processes at once), the repair order's data, farewell, rework."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import spawn_workers

from deskapp.bench.repair import PartUsed, record_repair, set_repair_warranty
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
from deskapp.rules.errors import DomainError, NotFound, ValidationError


@pytest.fixture
def ready(station, team, customer, tmp_path):
    """An order repaired and ready, its voucher printed with a known check code."""
    from deskapp.records.purchases import import_sales_csv

    csv = tmp_path / "sales.csv"
    csv.write_text("serial,model,product_line,purchased_on,invoice_no,seller,customer_name,customer_phone\n"
                   "CAM-NEW-1,VisionCam 4K,camera,2026-06-01,AB-1,Shop,,\n"
                   "NB-OLD-1,ProBook X14,laptop,2024-01-10,CD-2,Shop,,\n", encoding="utf-8")
    import_sales_csv(station, team["manager"], csv)

    def make(serial="CAM-NEW-1", line="camera", quote=0, months=3):
        eng = team["engineer"]
        n = create_order(station, team["reception"], IntakeInput(
            customer_id=customer.id, product_line=line, serial=serial, fault_reported="no picture")).number
        assign_engineer(station, team["reception"], n, team["ids"]["engineer"])
        advance(station, eng, n, "start_diagnosis")
        if quote:
            advance(station, eng, n, "send_quote", total=quote)
            advance(station, eng, n, "approve_quote", method="signed")
        advance(station, eng, n, "start_repair")
        record_repair(station, eng, n, "Replaced the sensor cable",
                             [PartUsed("sensor cable", 1, False, "sent back to the maker")], 30)
        set_repair_warranty(station, eng, n, months, consent_recorded=months == 0)
        advance(station, eng, n, "mark_ready")
        new_check_code(station, team["reception"], n, "KMN347")
        return n

    return make


def all_pass(station, team, n):
    view = look_up(station, team["pickup"], n)
    return {item: "pass" for item in view.checklist}


def test_release_with_the_right_code_sign_off_and_nothing_owed(station, team, ready):
    n = ready()
    p = team["pickup"]
    view = look_up(station, p, n)
    assert view.customer_name == "王小明" and view.phone_masked.startswith("0912") and "678" in view.phone_masked
    assert "345" not in view.phone_masked and view.due == 0 and not view.holder_check
    assert view.checklist[:2] == ["powers_on", "video_image"] and view.checklist[-1] == "cleaned"
    with pytest.raises(DomainError, match="check the voucher"):
        sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    check_voucher(station, p, n, " kmn-347 ")  # as typed: spaces, dash, lower case
    with pytest.raises(ValidationError) as err:
        sign_off(station, p, n, SignOff({"powers_on": "pass"}, True, "王小明"))
    assert err.value.field == "item_video_image"
    with pytest.raises(ValidationError) as err:
        sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明",
                                                       sticker_applied=False))
    assert err.value.field == "sticker_reason"
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明",
                                                   card_left=False, card_reason="out of cards"))
    assert release(station, p, n).state == "released"
    with pytest.raises(DomainError, match="already released"):
        release(station, p, n)
    with pytest.raises(DomainError, match="already released"):
        check_voucher(station, p, n, "KMN347")
    d = order_details(station, n)
    assert d["pickup"]["holder_check"]["method"] == "check_code" and d["pickup"]["card_left"] is False
    assert d["pickup"]["verification"]["items"]["powers_on"] == "pass"
    kinds = [e["kind"] for e in d["events"]]
    assert kinds.count("order.release") == 1 and "pickup.holder_checked" in kinds


def test_a_wrong_code_is_refused_and_logged_and_five_need_a_manager(station, team, ready):
    n = ready()
    p = team["pickup"]
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError, match=f"{left} tries left"):
            check_voucher(station, p, n, "AAAAAA")
    with pytest.raises(DomainError, match="manager must now"):
        check_voucher(station, p, n, "AAAAAA")
    with pytest.raises(DomainError, match="5 wrong check codes"):  # even the right code, now
        check_voucher(station, p, n, "KMN347")
    assert look_up(station, p, n).needs_manager
    with pytest.raises(DomainError, match="voucher"):
        release(station, p, n)
    check_voucher(station, team["manager"], n, "KMN347")  # a manager at the counter
    d = order_details(station, n)
    assert d["pickup"]["wrong_codes"] == 5 and d["pickup"]["holder_check"]["by"] == "manager-person"
    kinds = [e["kind"] for e in d["events"]]
    assert kinds.count("pickup.code_wrong") == 5 and kinds.count("pickup.locked_attempt") == 1
    row = sqlite3.connect(station.store.path).execute(
        "SELECT voucher_code_hash FROM repair_orders WHERE number = ?", (n,)).fetchone()
    assert b"KMN347" not in row[0]  # stored hashed only


def test_a_foreign_voucher_number_is_refused_and_logged(station, team, ready):
    ready()
    with pytest.raises(NotFound):
        look_up(station, team["pickup"], "R9999-00001")
    logged = station.store.query("SELECT kind, subject FROM events WHERE kind = 'pickup.unknown_voucher'")
    assert [(r["kind"], r["subject"]) for r in logged] == [("pickup.unknown_voucher", "R9999-00001")]


def test_a_lost_voucher_needs_a_manager_and_the_customers_name_and_phone(station, team, ready):
    n = ready()
    p, m = team["pickup"], team["manager"]
    with pytest.raises(DomainError, match="manager"):
        check_identity(station, p, p, n, name="王小明", phone="0912345678", id_document="ID A12***678")
    with pytest.raises(DomainError, match="do not match"):
        check_identity(station, p, m, n, name="王小明", phone="0911111111", id_document="ID A12***678")
    with pytest.raises(ValidationError) as err:
        check_identity(station, p, m, n, name="王小明", phone="0912345678", id_document=" ")
    assert err.value.field == "id_document"
    check_identity(station, p, m, n, name=" 王 小明", phone="0912-345-678", id_document="ID A12***678")
    check = order_details(station, n)["pickup"]["holder_check"]
    assert check == {**check, "method": "identity", "manager": "manager-person", "id_document": "ID A12***678",
                     "by": "pickup-person"}


def test_a_failed_item_sends_the_order_back_to_the_bench_with_the_reason(station, team, ready):
    n = ready()
    p = team["pickup"]
    check_voucher(station, p, n, "KMN347")
    results = all_pass(station, team, n) | {"video_image": "fail", "remote_control": "na"}
    order = sign_off(station, p, n, SignOff(results, True, "王小明", note="stripes at the top"))
    assert order.state == "in_repair" and order.verified_at is None
    event = [e for e in order_details(station, n)["events"] if e["kind"] == "order.back_to_bench"][-1]
    assert "Video image" in event["data"]["reason"] and "stripes at the top" in event["data"]["reason"]
    assert event["data"]["failed"] == ["video_image"]
    # the customer's own check failing does the same
    advance(station, team["engineer"], n, "mark_ready")
    assert order_details(station, n)["pickup"]["holder_check"] == {}  # a new pickup starts over
    check_voucher(station, p, n, "KMN347")
    order = sign_off(station, p, n, SignOff(all_pass(station, team, n), False, "王小明"))
    assert order.state == "in_repair"


def test_fees_are_agreed_before_charging_and_block_release_until_paid_or_waived(station, team, ready):
    n = ready(serial="NB-OLD-1", line="laptop", quote=4500)
    p = team["pickup"]
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    f = fees(station, n)
    assert [(l["kind"], l["amount"]) for l in f["lines"]] == [("inspection_fee", 800), ("quote", 4500)]
    assert f["due"] == 5300 and f["agreed_at"] is None
    with pytest.raises(DomainError, match="5,300"):
        release(station, p, n)
    with pytest.raises(DomainError, match="agreement"):
        pay(station, p, n, "card")
    assert agree_fees(station, p, n) == 5300
    with pytest.raises(ValidationError) as err:
        pay(station, p, n, "card", invoice_no="<b>")
    assert err.value.field == "invoice_no"
    assert pay(station, p, n, "card", invoice_no="ab-12345678") == 5300
    with pytest.raises(DomainError, match="nothing is owed"):
        pay(station, p, n, "cash")
    assert release(station, p, n).state == "released"
    payments = order_details(station, n)["money"]["payments"]
    assert [(x["amount"], x["method"], x["invoice_no"]) for x in payments] == [(5300, "card", "AB-12345678")]


def test_a_manager_waives_what_is_owed_with_a_reason(station, team, ready):
    n = ready(serial="NB-OLD-1", line="laptop", quote=1200)
    p, m = team["pickup"], team["manager"]
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    with pytest.raises(DomainError, match="manager"):
        waive(station, p, p, n, "goodwill")
    waive(station, p, m, n, "second visit for the same fault")
    assert release(station, p, n).state == "released"


def test_farewell_closes_the_order_and_erases_the_passcode(station, team, customer, ready):
    n = ready()
    p = team["pickup"]
    order = get_order(station, n)
    with station.store.write() as conn:
        conn.execute("INSERT INTO device_passcodes (order_id, passcode, created_at) VALUES (?, '2468', 'x')", (order.id,))
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    release(station, p, n)
    assert [o.number for o in at_the_counter(station)] == [n]  # released, farewell to do
    with pytest.raises(ValidationError) as err:
        farewell(station, p, n, {"wiped": True, "card": True})
    assert err.value.field == "farewell_belongings"
    closed = farewell(station, p, n, {"wiped": True, "card": True, "belongings": True})
    assert closed.state == "closed" and at_the_counter(station) == []
    assert station.store.query_one("SELECT 1 FROM device_passcodes WHERE order_id = ?", (order.id,)) is None


def test_the_repair_order_carries_everything_the_customer_takes_home(station, team, ready):
    from deskapp.documents.a4 import repair_order_data, write_pdf

    n = ready(serial="NB-OLD-1", line="laptop", quote=4500, months=0)
    p = team["pickup"]
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明",
                                                   sticker_applied=False, sticker_reason="no-warranty repair"))
    agree_fees(station, p, n)
    pay(station, p, n, "cash")
    release(station, p, n)
    d = repair_order_data(station, n)
    assert d["customer"] == "王小明" and d["work"] == "Replaced the sensor cable"
    assert d["parts"] == [("sensor cable", "1", "no — sent back to the maker")]
    assert ("Approved quote", "NT$4,500") in d["charges"] and d["due"] == "NT$0"
    assert "NO WARRANTY" in d["repair_warranty"] and "consent" in d["repair_warranty"]
    assert d["warranty_scope"].startswith("Covers the original fault only: no picture")
    assert d["sticker"] == "no — no-warranty repair" and d["card"] == "yes"
    assert d["holder_check"] == "voucher check code" and d["verified_by"] == "王小明"
    assert "invoice offered, declined" in d["payments"][0][0]
    pdf = write_pdf(station, p, n, "repair-order")
    assert pdf.startswith(b"%PDF")
    assert any(e["kind"] == "print.repair_order_pdf" for e in order_details(station, n)["events"])


def test_a_released_order_is_released_exactly_once_by_two_terminals_at_once(station, team, ready, clock):
    import datetime as dt

    clock.set(dt.datetime.now(dt.timezone.utc))  # the worker processes run on the real clock
    n = ready()
    check_voucher(station, team["pickup"], n, "KMN347")
    sign_off(station, team["pickup"], n, SignOff(all_pass(station, team, n), True, "王小明"))
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
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    release(station, p, n)
    for query in (n.lower().replace("-", ""), "CAM-NEW-1", "0912 345"):
        assert [o.number for o in rework_candidates(station, query)] == [n], query
    assert rework_candidates(station, "0999") == []
    clock.advance(days=10)
    order, decision = create_rework(station, team["reception"], n, "no picture again", same_fault=True)
    assert decision.free and order.rework_of == get_order(station, n).id and not order.chargeable
    clock.advance(days=40)  # outside the one-month repair warranty: the normal flow, with the reason
    _, decision = rework_decision(station, n, same_fault=True)
    assert not decision.free and decision.reasons
    assert json.dumps([r.code for r in decision.reasons])


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
    new_check_code(station, team["reception"], n, "KMN347")
    check_voucher(station, p, n, "KMN347")
    order = sign_off(station, p, n, SignOff(all_pass(station, team, n), False, "王小明"))
    assert order.state == "ready" and order.verified_at
    assert order_details(station, n)["pickup"]["verification"]["fault_gone"] is None
    assert agree_fees(station, p, n) == 800  # the laptop's inspection fee (computers: NT$800)
    pay(station, p, n, "cash")
    assert release(station, p, n).state == "released"


def test_the_check_code_typed_in_the_number_field_is_neither_echoed_nor_logged(station, team, ready):
    ready()
    with pytest.raises(ValidationError) as err:
        look_up(station, team["pickup"], "KMN347")
    assert "KMN347" not in str(err.value) and err.value.field == "voucher_number"
    logged = station.store.query("SELECT subject, data FROM events WHERE kind = 'pickup.unknown_voucher'")
    assert [(r["subject"], json.loads(r["data"])) for r in logged] == [("", {"malformed": True})]


def test_a_voucher_check_is_good_for_this_pickup_only(station, team, ready, clock):
    n = ready()
    p = team["pickup"]
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    clock.advance(minutes=61)  # picked from the list later: the voucher is checked again
    assert look_up(station, p, n).holder_check == {}
    with pytest.raises(DomainError, match="check the pickup voucher"):
        release(station, p, n)
    check_voucher(station, p, n, "KMN347")
    assert release(station, p, n).state == "released"


def test_no_new_voucher_for_a_device_waiting_at_the_counter_except_by_a_manager(station, team, ready):
    from deskapp.documents.thermal import print_voucher

    n = ready()
    with pytest.raises(DomainError, match="ready for pickup"):
        print_voucher(station, team["reception"], n, reprint=True)


def test_a_waiver_needs_something_owed_and_ends_when_the_order_goes_back_to_the_bench(station, team, ready):
    p, m = team["pickup"], team["manager"]
    free = ready()
    with pytest.raises(DomainError, match="nothing is owed"):
        waive(station, p, m, free, "goodwill")
    n = ready(serial="NB-OLD-1", line="laptop", quote=1200)
    waive(station, p, m, n, "goodwill")
    check_voucher(station, p, n, "KMN347")
    results = all_pass(station, team, n) | {"display": "fail"}
    sign_off(station, p, n, SignOff(results, True, "王小明"))
    assert get_order(station, n).waiver_reason == ""


def test_one_open_rework_at_a_time(station, team, ready):
    n = ready(months=3)
    p = team["pickup"]
    check_voucher(station, p, n, "KMN347")
    sign_off(station, p, n, SignOff(all_pass(station, team, n), True, "王小明"))
    release(station, p, n)
    create_rework(station, team["reception"], n, "no picture again", same_fault=True)
    with pytest.raises(DomainError, match="already has an open rework"):
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
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 6  # it flows over pages, in each of the three copies
    assert get_order(station, n).repair_warranty_months == 3  # a repair always has its warranty period
