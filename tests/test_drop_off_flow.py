"""A customer walked through the reception desk in the real app: greeting, queue number,
pre-inspection, pickup voucher, hand-off. Rows, event log and the decoded ESC/POS bytes
of what the printer received are all checked."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import make_front_desk
from desk_pilot import choose, new_app, screen_name, settle, sign_in, tick, type_in, wait_until
from escpos_decode import decode

from deskapp.rules.hashing import matches
from deskapp.screens.reception.pre_inspection import STEPS, step_title
from deskapp.settings.i18n import translator

TEXT = {
    "zh_TW": {"fault": "開機後畫面時有時無", "restated": "開機後畫面會閃爍消失", "name": "李小龍",
              "notes": "右側輕微刮傷", "encoding": "big5"},
    "en": {"fault": "Picture drops out", "restated": "Picture flickers off after boot", "name": "Bruce Lee",
           "notes": "light scratch on the right", "encoding": "big5"},
}


def rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.mark.parametrize("locale", ["zh_TW", "en"])
async def test_customer_drops_off_a_camera_in_warranty(tmp_path, printer, locale):
    db = make_front_desk(tmp_path / "station", printer.url, locale)
    t = TEXT[locale]
    tr = translator(locale)
    app = new_app(db, locale)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        assert screen_name(app) == "GreetingScreen"

        # Queue number: the kiosk service, printed on the thermal printer.
        await pilot.press("t")
        await pilot.press("1")
        await settle(app, pilot)
        assert str(app.screen.query_one("#queue-number").value) == "A001"
        ticket = decode(printer.wait_for(1)[0], t["encoding"])
        assert ticket.find("A001")[3] is True  # big
        assert tr.t("service.drop-off") in " ".join(ticket.text)
        assert tr.t("doc.ahead_count", count=0) in " ".join(ticket.text)
        assert ticket.cuts == 1
        await pilot.press("escape")

        # Greeting: call the number to the desk.
        await pilot.press("n")
        await pilot.pause()
        banner = str(app.screen.query_one("#call-banner").render())
        assert "A001" in banner and tr.phrase("queue.call", number="A001") in banner

        # Pre-inspection, step by step.
        await pilot.press("i")
        await pilot.pause()
        assert screen_name(app) == "PreInspectionScreen"
        prompter = str(app.screen.query_one("#prompter").render())
        assert tr.phrase("pre_inspection.ask_fault") in prompter
        await pilot.press(*t["fault"], "enter", *t["restated"], "enter", "space", "pagedown")

        await pilot.press(*"0933222111", "enter")
        await pilot.press(*t["name"], "pagedown")

        await pilot.press("enter")  # proof: the purchase invoice
        await type_in(app, pilot, "invoice_no", "AB-12345678")
        await tick(app, pilot, "invoice_copy_kept")
        await type_in(app, pilot, "serial", "CAM-A10001")
        await choose(app, pilot, "product_line", "camera")
        await type_in(app, pilot, "brand", "Vision")
        await type_in(app, pilot, "model", "VisionCam 4K")
        await pilot.press("pagedown")
        await pilot.pause()
        fees = str(app.screen.query_one("#fees-text").render())
        assert tr.t("warranty_status.in_warranty") in fees
        assert tr.phrase("policy.in_warranty")[:12] in str(app.screen.query_one("#prompter").render())

        await pilot.press("space", "pagedown")  # fees explained and agreed
        await pilot.press("space")  # first accessory: the power adapter
        await tick(app, pilot, "backup_reminder")
        await tick(app, pilot, "fault_reproduced")
        await type_in(app, pilot, "appearance_notes", t["notes"])
        await type_in(app, pilot, "passcode", "4321")
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: app.screen.sub_title == step_title(tr, STEPS.index("confirm")),
                         what="the confirm step (the inspection step is checked in a worker first)")
        assert app.screen.query_one("#fault_confirmed").value == t["restated"]
        await pilot.press("pagedown")
        await settle(app, pilot)

        # Pickup voucher: preview without the check code, print, signature.
        assert screen_name(app) == "VoucherScreen"
        number = app.screen.number
        preview = str(app.screen.query_one("#preview").render())
        assert number in preview and "******" in preview and "4321" not in preview
        await pilot.press("p")
        await settle(app, pilot)
        voucher_bytes, tag_bytes = printer.wait_for(3)[1:3]
        await pilot.press("s")
        await pilot.press("pagedown")
        await pilot.pause()

        # Hand-off: the rule's engineer (none named for cameras here: fewest open orders).
        assert screen_name(app) == "HandOffScreen"
        promise = str(app.screen.query_one("#promise").render())
        assert number in promise
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen_name(app) == "GreetingScreen"

    # The voucher as the printer read it.
    voucher = decode(voucher_bytes, t["encoding"])
    text = " ".join(" ".join(voucher.text).split())  # wrapped lines joined back
    assert voucher.barcodes == [number] and voucher.qrcodes == [number] and voucher.cuts == 1
    assert voucher.find(tr.t("doc.voucher_title"))[1] == "center"
    for expected in (number, t["name"], "0933***111", "CAM-A10001", "VisionCam 4K", t["restated"],
                     tr.t("accessory.power_adapter"), t["notes"], tr.t("warranty_status.in_warranty"),
                     tr.t("doc.signature"), tr.t("doc.backup_given")[:10]):
        assert expected in text, expected
    assert "4321" not in text and "0933222111" not in text  # passcode never printed; phone masked
    code_line = voucher.find(tr.t("doc.check_code"))[0]
    code = code_line.split(":")[-1].strip() if ":" in code_line else code_line.split()[-1]
    order = rows(db, "SELECT * FROM repair_orders WHERE number = ?", (number,))[0]
    assert matches(code, order["voucher_code_salt"], order["voucher_code_hash"])
    tag = decode(tag_bytes, t["encoding"])
    assert tag.barcodes == [number] and tag.find(number)[3] is True

    # The rows.
    assert order["state"] == "received" and order["warranty_status"] == "in_warranty"
    assert order["voucher_signed_at"] and order["inspection_due_at"]
    engineer = rows(db, "SELECT name FROM staff WHERE id = ?", (order["assigned_engineer_id"],))[0]["name"]
    assert engineer == "林雅婷"  # fewest open orders, then by name
    intake = json.loads(order["intake"])
    assert intake["accessories"] == ["power_adapter"] and intake["backup_reminder_given"]
    assert intake["fault_reproduced"] and intake["invoice_copy_kept"] and intake["proof"] == "invoice"
    sealed = rows(db, "SELECT passcode FROM device_passcodes WHERE order_id = ?", (order["id"],))[0]["passcode"]
    assert sealed.startswith("s1:") and "4321" not in sealed  # kept sealed with the key beside the file
    customer = rows(db, "SELECT c.name, p.phone FROM customers c JOIN customer_phones p ON p.customer_id = c.id"
                        " WHERE c.id = ?", (order["customer_id"],))[0]
    assert customer == {"name": t["name"], "phone": "0933222111"}
    assert rows(db, "SELECT status FROM queue_tickets WHERE code = 'A001'")[0]["status"] == "served"
    draft = rows(db, "SELECT status, data FROM intake_drafts")[-1]
    assert draft == {"status": "done", "data": "{}"}  # passcode and all wiped from the draft

    # The event log, in order, all under the signed-in receptionist at terminal R1.
    log = rows(db, "SELECT kind, actor, terminal FROM events WHERE actor = 'Amy Reception' ORDER BY id")
    kinds = [e["kind"] for e in log]
    for kind in ("staff.sign_in", "queue.issued", "print.queue_ticket", "queue.called", "customer.created",
                 "order.created", "voucher.code_issued", "print.voucher", "print.tag", "voucher.signed",
                 "order.engineer_assigned", "order.handed_off"):
        assert kind in kinds, kind
    assert kinds.index("queue.called") < kinds.index("order.created") < kinds.index("print.voucher")
    assert {e["terminal"] for e in log} == {"R1"}
    printed = rows(db, "SELECT data FROM events WHERE kind = 'print.voucher'")
    assert json.loads(printed[0]["data"])["outcome"] == "printed"


async def _to_purchase_step(app, pilot, name="陳先生", phone="0955000111", dealer=None):
    await sign_in(app, pilot, "Amy Reception")
    await pilot.press("i")
    await pilot.press(*"no power", "enter", *"will not power on", "enter", "space", "pagedown")
    await type_in(app, pilot, "phone", phone)
    await type_in(app, pilot, "name", name)
    if dealer:
        await tick(app, pilot, "via_dealer")
        await type_in(app, pilot, "dealer_name", dealer[0])
        await type_in(app, pilot, "dealer_phone", dealer[1])
    await pilot.press("pagedown")
    await pilot.pause()


@pytest.mark.parametrize("serial,line,reason", [("CAM-NOT-SOLD-9", "camera", "no_purchase_record"),
                                                ("NB-1-US", "laptop", "grey_import")])
async def test_refusal_paths_record_the_refusal_and_create_no_order(tmp_path, serial, line, reason):
    db = make_front_desk(tmp_path / "station")
    tr = translator("en")
    app = new_app(db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_purchase_step(app, pilot)
        await pilot.press("down", "down", "enter")  # proof: none, the serial only
        await type_in(app, pilot, "serial", serial)
        await choose(app, pilot, "product_line", line)
        await pilot.press("pagedown")
        await pilot.pause()
        decision = str(app.screen.query_one("#decision").render())
        assert tr.t("pre.refused") in decision
        phrase_key = "policy.no_record" if reason == "no_purchase_record" else "policy.grey_import"
        assert tr.phrase(phrase_key)[:30] in str(app.screen.query_one("#prompter").render())
        assert screen_name(app) == "PreInspectionScreen"  # cannot go on
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen_name(app) == "GreetingScreen"
    assert rows(db, "SELECT COUNT(*) AS n FROM repair_orders")[0]["n"] == 0
    refusal = rows(db, "SELECT actor, subject, data FROM events WHERE kind = 'intake.refused'")
    assert len(refusal) == 1 and refusal[0]["subject"] == serial and refusal[0]["actor"] == "Amy Reception"
    assert json.loads(refusal[0]["data"])["reasons"] == [reason]
    assert rows(db, "SELECT status FROM intake_drafts")[0]["status"] == "refused"
    assert rows(db, "SELECT COUNT(*) AS n FROM customers WHERE name = '陳先生'")[0]["n"] == 0


async def test_dealer_without_the_end_customer_is_refused(tmp_path):
    db = make_front_desk(tmp_path / "station")
    tr = translator("zh_TW")
    app = new_app(db, "zh_TW")
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_purchase_step(app, pilot, name="", phone="", dealer=("大同經銷 陳先生", "02-2999-0000"))
        assert screen_name(app) == "PreInspectionScreen"
        assert f"▶ 2. {tr.t('pre.step_customer')}" in str(app.screen.query_one("#steps").render())  # held there
        refusal = str(app.screen.query_one("#dealer-error").render())
        assert tr.t("pre.refused") in refusal and tr.t("reason.dealer_without_end_customer") in refusal
        assert tr.phrase("queue.dealer_refusal") in str(app.screen.query_one("#prompter").render())
        await pilot.press("ctrl+r")
        await pilot.pause()
    refusal = rows(db, "SELECT data FROM events WHERE kind = 'intake.refused'")
    assert json.loads(refusal[0]["data"])["reasons"] == ["dealer_without_end_customer"]
    assert json.loads(refusal[0]["data"])["dealer"] == "大同經銷 陳先生"
    assert rows(db, "SELECT COUNT(*) AS n FROM repair_orders")[0]["n"] == 0
