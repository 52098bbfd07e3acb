"""Printing: layout on 58/80 mm paper, Chinese in Big5 and GB18030, real TCP printers,
printers that are off, and reprints from the command line."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import fixed_clock, make_front_desk, run_python
from desk_pilot import new_app, settle, sign_in
from deskapp.printing.errors import PrinterError
from deskapp.printing.thermal.blocks import Barcode, Document, Field, Text
from deskapp.printing.thermal.connectors import check_url, send
from deskapp.printing.thermal.escpos import render
from deskapp.printing.thermal.layout import text_width, wrap
from escpos_decode import decode
from printer_listener import closed_port_url

from deskapp.rules.errors import PrintFailed
from deskapp.settings.i18n import translator


@pytest.mark.parametrize("paper,columns", [(58, 32), (80, 48)])
@pytest.mark.parametrize("encoding", ["big5", "gb18030"])
def test_lines_fit_the_paper_and_chinese_is_never_split(paper, columns, encoding):
    fault = "開機後畫面時有時無,偶爾會出現藍色條紋,客戶表示已經持續兩週 and it flickers when warm"
    if encoding == "gb18030":
        fault = "开机后画面时有时无,偶尔会出现蓝色条纹,客户表示已经持续两周 and it flickers when warm"
    doc = Document("t", (Field("故障" if encoding == "big5" else "故障", fault), Text("A012", big=True)))
    printed = decode(render(doc, paper_mm=paper, encoding=encoding), encoding)
    for text, _, _, big in printed.lines:
        assert text_width(text, encoding) <= (columns // 2 if big else columns), text
    joined = "".join(t.strip() for t in printed.text)
    assert "".join(fault.split()) in "".join(joined.split())  # nothing lost, no character cut in half
    assert printed.chinese_mode_entries >= 1


def test_latin_words_wrap_at_spaces():
    assert wrap("the quick brown fox jumps over the lazy dog", 16, "big5") == [
        "the quick brown", "fox jumps over", "the lazy dog"]


def test_big5_and_gb18030_bytes_are_what_the_printer_expects():
    doc = Document("t", (Text("維修單"),))
    assert "維修單".encode("big5") in render(doc, encoding="big5")
    doc = Document("t", (Text("维修单"),))
    assert "维修单".encode("gb18030") in render(doc, encoding="gb18030")


def test_control_bytes_in_data_never_reach_the_printer():
    doc = Document("t", (Field("Name", "Eve\x1b@\x1dV\x00\x07 Smith"),))
    data = render(doc, encoding="big5")
    printed = decode(data, "big5")
    assert printed.cuts == 1  # only the real cut at the end
    assert printed.text == ["Name: EveV Smith"]  # the letters stay, the control bytes are gone


def test_a_character_the_printer_cannot_print_becomes_a_question_mark_of_width_one():
    printed = decode(render(Document("t", (Text("A😀B"),)), encoding="big5"), "big5")
    assert printed.text[0] == "A?B"


def test_barcode_carries_the_order_number():
    printed = decode(render(Document("t", (Barcode("R2611-00042"),)), encoding="big5"), "big5")
    assert printed.barcodes == ["R2611-00042"]


def test_printer_urls_are_checked_with_a_clear_message():
    assert check_url("tcp://127.0.0.1:9100") == "tcp://127.0.0.1:9100"
    for bad in ("lpt1", "tcp://printer", "usb:zz:01", "ftp://x"):
        with pytest.raises(PrinterError):
            check_url(bad)


def test_a_printer_that_is_off_gives_a_message_not_a_crash():
    url = closed_port_url()
    with pytest.raises(PrinterError) as err:
        send(url, b"hello")
    assert err.value.url == url and err.value.detail  # the library says what, in the OS's words
    text = PrintFailed(err.value.url, err.value.detail).render(translator("zh_TW"))
    assert "無法列印" in text and "已儲存" in text


def test_file_printer_appends_bytes(tmp_path):
    target = tmp_path / "lp0"
    send(f"file:{target}", b"one")
    send(f"file:{target}", b"two")
    assert target.read_bytes() == b"onetwo"


async def test_printer_down_the_number_is_still_issued_and_shown_large(tmp_path):
    db = make_front_desk(tmp_path / "station", closed_port_url())
    app = new_app(db, "en")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        await pilot.press("t", "2")
        await settle(app, pilot)
        assert str(app.screen.query_one("#queue-number").value) == "B001"
        status = str(app.screen.query_one("#queue-print").render())
        assert "did not print" in status and "read it out from the screen" in status
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT code FROM queue_tickets").fetchall() == [("B001",)]
    (data,), = conn.execute("SELECT data FROM events WHERE kind = 'print.queue_ticket'").fetchall()
    assert json.loads(data)["outcome"] == "failed"


async def test_voucher_with_the_printer_down_keeps_the_order_and_reprints_later(tmp_path, printer):
    from deskapp.reception.pre_inspection import complete
    from deskapp.records.customers import find_by_phone
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station", closed_port_url())
    st = Station.open(db, locale="en", clock=fixed_clock())
    customer = find_by_phone(st, "0912")[0]
    order = complete(st, Actor(name="Amy Reception", terminal="R1"), {
        "fault_told": "no picture", "fault_restated": "no picture", "customer_confirmed": True,
        "customer_id": customer.id, "name": customer.name, "phone": customer.phones[0], "proof": "none",
        "serial": "CAM-A10001", "product_line": "camera", "fees_acknowledged": True, "backup_reminder": True,
        "fault_confirmed": "no picture"})
    st.close()
    app = new_app(db, "en")
    from deskapp.screens.reception.voucher import VoucherScreen

    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "Amy Reception")
        app.push_screen(VoucherScreen(order.number))
        await pilot.pause()
        await pilot.press("p")
        await settle(app, pilot)
        status = str(app.screen.query_one("#voucher-status").render())
        assert "did not print" in status and "press R to reprint" in status

    result = run_python("-m", "deskapp", "reprint", order.number, "--doc", "voucher", "--printer", printer.url,
                        "--manager", "Mia Manager", "--db", str(db), "--locale", "en", stdin="1234\n")
    assert result.returncode == 0, result.stderr
    voucher = decode(printer.wait_for(1)[0], "big5")
    assert voucher.barcodes == [order.number]
    tag = run_python("-m", "deskapp", "reprint", order.number, "--doc", "tag", "--printer", printer.url,
                     "--db", str(db), "--locale", "en")
    assert tag.returncode == 0 and decode(printer.wait_for(2)[1], "big5").barcodes == [order.number]
    conn = sqlite3.connect(db)
    logged = [json.loads(d) for (d,) in conn.execute(
        "SELECT data FROM events WHERE kind IN ('print.voucher', 'print.tag') ORDER BY id")]
    assert [(e["outcome"], e["reprint"]) for e in logged] == [("failed", False), ("printed", True), ("printed", True)]
    down = run_python("-m", "deskapp", "reprint", order.number, "--doc", "voucher", "--printer", closed_port_url(),
                      "--manager", "Mia Manager", "--db", str(db), "--locale", "en", stdin="1234\n")
    assert down.returncode == 1 and "did not print" in down.stderr and "Traceback" not in down.stderr


def test_a_failed_reprint_leaves_a_working_code_that_the_next_print_carries(tmp_path, printer):
    """The code is committed before it prints: a reprint that fails leaves the new code
    working and waiting; the next print (the printer back) carries that same code, and only
    then is its sealed copy gone."""
    from deskapp.documents.thermal import code_waiting, print_voucher
    from deskapp.reception.pre_inspection import complete
    from deskapp.records.customers import find_by_phone
    from deskapp.rules.hashing import matches
    from deskapp.station import Actor, Station

    db = make_front_desk(tmp_path / "station", printer.url)
    st = Station.open(db, locale="en", clock=fixed_clock())
    actor = Actor(name="Amy Reception", terminal="R1")
    customer = find_by_phone(st, "0912")[0]
    order = complete(st, actor, {
        "fault_told": "x", "fault_restated": "x", "customer_confirmed": True, "customer_id": customer.id,
        "name": customer.name, "phone": customer.phones[0], "proof": "none", "serial": "CAM-A10001",
        "product_line": "camera", "fees_acknowledged": True, "backup_reminder": True, "fault_confirmed": "x"})
    first = print_voucher(st, actor, order.number)
    assert not code_waiting(st, order.number)
    with pytest.raises(PrintFailed):
        print_voucher(st, actor, order.number, reprint=True, printer=closed_port_url())
    assert code_waiting(st, order.number)
    again = print_voucher(st, actor, order.number, reprint=True)
    assert again != first and not code_waiting(st, order.number)
    row = st.store.query_one("SELECT voucher_code_hash, voucher_code_salt FROM repair_orders WHERE id = ?", (order.id,))
    assert matches(again, row["voucher_code_salt"], row["voucher_code_hash"])
    printed = [decode(raw, "big5") for raw in printer.wait_for(2)]
    assert any(first in line for line in printed[0].text) and any(again in line for line in printed[1].text)
    st.close()


@pytest.mark.parametrize("locale, words", [
    ("zh_TW", ("維修單", "客戶聯", "存根聯", "工程師聯", "保修期", "僅限原故障", "客戶簽名")),
    ("zh_CN", ("维修单", "客户联", "存根联", "工程师联", "保修期", "仅限原故障", "客户签名")),
    ("en", ("Repair order", "Customer copy", "Station stub", "Engineer copy", "Repair warranty", "original fault")),
])
def test_the_demo_closed_orders_reprint_as_complete_a4_repair_orders(tmp_path, locale, words):
    """`deskapp reprint --doc repair-order|quote|checklist --out FILE.pdf` from a demo station:
    the PDF read back has the words of the locale, CJK included, in three copies; the
    "no warranty" repair says the customer agreed; every reprint is logged."""
    from deskapp.printing.pdf.render import find_cjk_font
    from pypdf import PdfReader
    from test_a4 import font_files

    db = tmp_path / "station.db"
    assert run_python("-m", "deskapp", "demo", "--db", str(db), "--locale", locale).returncode == 0
    conn = sqlite3.connect(db)
    closed = [n for (n,) in conn.execute("SELECT number FROM repair_orders WHERE state = 'closed' ORDER BY id")]
    rework = conn.execute("SELECT number FROM repair_orders WHERE rework_of IS NOT NULL AND state = 'closed'").fetchone()
    no_warranty = conn.execute("SELECT number FROM repair_orders WHERE no_warranty_consent = 1").fetchone()
    warrantied = {n for (n,) in conn.execute(
        "SELECT number FROM repair_orders WHERE repair_warranty_months > 0 AND outcome != 'unrepaired'")}
    conn.close()
    assert len(closed) >= 3 and rework and no_warranty and warrantied
    texts = {}
    for number in closed:
        out = tmp_path / f"{number}.pdf"
        result = run_python("-m", "deskapp", "reprint", number, "--doc", "repair-order", "--out", str(out),
                            "--db", str(db), "--locale", locale)
        assert result.returncode == 0, result.stderr
        reader = PdfReader(out)
        pages = [" ".join(p.extract_text().split()) for p in reader.pages]  # wrapped lines joined
        assert len(pages) == 3, f"{number}: one page a copy"
        texts[number] = pages
        scope = words[-2] if locale != "en" else words[-1]  # the warranty's scope: only with a repair warranty
        for word in words:
            if word == scope and number not in warrantied:  # returned unrepaired, or no warranty agreed
                continue
            assert any(word in p for p in pages), (number, word)
        if find_cjk_font() is not None:  # the font travels with the document
            assert "/FontFile2" in font_files(out.read_bytes())
    assert {"zh_TW": "事先徵得客戶同意", "zh_CN": "事先征得客户同意", "en": "agreed by the customer"}[locale] in \
        texts[no_warranty[0]][2]
    # no repair warranty: no free rework promised under it
    assert {"zh_TW": "無維修保固", "zh_CN": "无维修保修", "en": "No repair warranty"}[locale] in texts[no_warranty[0]][2]
    assert all(scope not in p for p in texts[no_warranty[0]])
    assert {"zh_TW": "返修原單", "zh_CN": "返修原单", "en": "Rework of"}[locale] in texts[rework[0]][0]
    for doc in ("quote", "checklist"):
        out = tmp_path / f"{doc}.pdf"
        assert run_python("-m", "deskapp", "reprint", closed[0], "--doc", doc, "--out", str(out), "--db", str(db),
                          "--locale", locale).returncode == 0
        assert PdfReader(out).pages[0].extract_text()
    conn = sqlite3.connect(db)
    logged = conn.execute("SELECT COUNT(*) FROM events WHERE kind LIKE 'print.%_pdf'").fetchone()[0]
    conn.close()
    assert logged == len(closed) + 2


def test_the_repair_order_receipt_prints_on_the_thermal_printer(tmp_path, printer):
    db = tmp_path / "station.db"
    assert run_python("-m", "deskapp", "demo", "--db", str(db), "--locale", "zh_TW").returncode == 0
    number = sqlite3.connect(db).execute("SELECT number FROM repair_orders WHERE no_warranty_consent = 1").fetchone()[0]
    result = run_python("-m", "deskapp", "reprint", number, "--doc", "repair-order-receipt", "--printer", printer.url,
                        "--db", str(db), "--locale", "zh_TW")
    assert result.returncode == 0, result.stderr
    receipt = decode(printer.wait_for(1)[0], "big5")
    assert receipt.barcodes == [number] and receipt.cuts == 1
    receipt.find("維修單")
    receipt.find("客戶聯")
    receipt.find("本次維修不保修")
    assert receipt.find("保修期")[0].startswith("保修期")


@pytest.mark.parametrize("url", ["tcp://127.0.0.1:99999", "tcp://127.0.0.1:port", "tcp://:9100",
                                 "serial:/dev/ttyUSB0?baud=12345", "lpt1"])
def test_a_printer_url_that_cannot_work_is_refused_when_the_station_opens_not_at_the_first_print(tmp_path, url):
    from deskapp.rules.errors import ConfigError
    from deskapp.settings.station_config import load_station_config

    (tmp_path / "station.toml").write_text(f'[printer]\nurl = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_station_config(tmp_path)
    assert refused.value.params["key"] == "printer.url"
    assert "must be like" in refused.value.params["problem"] or "must start" in refused.value.params["problem"]
    # the command line says so too, in a manager's words (exit 3: a data file to fix)
    done = run_python("-m", "deskapp", "--db", str(tmp_path / "station.db"), "--locale", "en", "init")
    assert done.returncode == 3 and "printer.url" in done.stderr and "Traceback" not in done.stderr


def test_taiwans_big5_prints_the_characters_cp950_added():
    """碁 and 銹 are in CP950 (the Big5 of Taiwan's printers and of Windows), not in the 1984
    Big5: a Traditional station (auto) prints them, a printer set to plain big5 cannot."""
    from deskapp.printing.thermal.escpos import encoding_for

    assert encoding_for("zh_TW") == encoding_for("en") == "cp950" and encoding_for("zh_CN") == "gb18030"
    doc = Document("t", (Field("客戶", "王碁銹"),))
    assert "王碁銹" in "".join(decode(render(doc, encoding="cp950"), "cp950").text)
    assert "王??" in "".join(decode(render(doc, encoding="big5"), "big5").text)
