"""What the station prints, and the record of every print.

Builds plain data for :mod:`printing.documents`, renders it for the station's printer
(paper width, double-byte encoding) and sends it. Every print and reprint is logged
with its outcome; a printer that fails raises ``PrintFailed`` after the failure is
logged, and nothing already saved is touched.

The pickup voucher carries a fresh check code each time it is printed (the previous
voucher's code stops working); only a salted hash of it is stored.
"""

from __future__ import annotations

import secrets

from deskapp.documents.order_record import order_details
from deskapp.orders.model import get_order
from deskapp.printing.errors import PrinterError
from deskapp.printing.thermal import tickets as documents
from deskapp.printing.thermal.connectors import send
from deskapp.printing.thermal.escpos import encoding_for, preview, render
from deskapp.records.customers import get_customer
from deskapp.records.devices import get_device
from deskapp.rules.dates import local_time, to_db
from deskapp.rules.errors import DomainError, PrintFailed
from deskapp.rules.hashing import hash_secret, new_salt
from deskapp.rules.text import device_label, mask_phone
from deskapp.storage import events

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY347"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B look-alikes
CODE_LENGTH = 6
HIDDEN_CODE = "*" * CODE_LENGTH  # what previews show: the code exists only on paper


def station_block(station) -> dict:
    loc = station.config.locale
    return {
        "name": station.config.text("name", loc),
        "phone": station.config.contact.get("phone", ""),
        "address": station.config.text("address", loc),
        "hours": station.config.text("hours", loc),
        "email": station.config.contact.get("email", ""),
        "line": station.config.contact.get("line", ""),
    }


# --------------------------------------------------------------------------- documents


def queue_ticket_document(station, ticket):
    data = {"code": ticket.code, "service": ticket.service, "issued": local_time(station, ticket.issued_at),
            "ahead": ticket.ahead}
    return documents.queue_ticket(station.tr, station_block(station), data)


def _fees(station, details: dict) -> list[str]:
    tr = station.tr
    w = details["warranty"]
    if not w["chargeable"]:
        return [tr.t("doc.fee_none")]
    fees = [c for c in details["money"]["charges"] if c["kind"] == "inspection_fee"]
    out = [tr.t("doc.fee_inspection", fee=station.policy.money(c["amount"])) for c in fees]
    return out + [tr.t("doc.fee_quote")]


def voucher_data(station, number: str, check_code: str) -> dict:
    tr = station.tr
    d = order_details(station, number)
    intake = d["intake"]
    accessories = ", ".join(tr.t(f"accessory.{a}") for a in intake.get("accessories", []))
    appearance = [tr.t(f"appearance.{a}") for a in intake.get("appearance_items", [])]
    if intake.get("appearance_notes"):
        appearance.append(intake["appearance_notes"])
    if intake.get("non_standard_parts"):
        appearance.append(tr.t("doc.non_standard", parts=intake["non_standard_parts"]))
    dev = d["device"]
    warranty = tr.t(f"warranty_status.{d['warranty']['status']}")
    if d["warranty"]["ends"]:
        warranty += " " + tr.t("doc.until", date=d["warranty"]["ends"])
    return {
        "number": d["number"],
        "check_code": check_code,
        "received": local_time(station, d["created_at"]),
        "customer": d["customer"]["name"],
        "phone_masked": mask_phone(d["customer"]["phones"][0]) if d["customer"]["phones"] else "",
        "device": device_label(tr, dev["product_line"], dev["brand"], dev["model"]),
        "serial": dev["serial"],
        "fault": d["fault"]["confirmed"] or d["fault"]["reported"],
        "accessories": accessories,
        "appearance": "; ".join(appearance),
        "warranty": warranty,
        "fees": _fees(station, d),
        "promised": local_time(station, d["promised_at"]),
    }


def voucher_document(station, number: str, check_code: str):
    return documents.voucher(station.tr, station_block(station), voucher_data(station, number, check_code))


def tag_document(station, number: str):
    order = get_order(station, number)
    customer = get_customer(station, order.customer_id)
    dev = get_device(station, order.device_id)
    data = {"number": order.number, "customer": customer.name,
            "device": f"{dev.model} ({dev.serial})", "received": local_time(station, order.created_at)}
    return documents.device_tag(station.tr, data)


def preview_lines(station, doc) -> list[str]:
    return preview(doc, paper_mm=station.config.paper_mm, encoding=_encoding(station))


def _encoding(station) -> str:
    return encoding_for(station.config.locale, station.config.printer_encoding)


# --------------------------------------------------------------------------- the check code


def generate_check_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_check_code(station, actor, number: str, code: str | None = None) -> str:
    """Make ``code`` (or a fresh one) the order's voucher check code; the old one stops working."""
    code = code or generate_check_code()
    salt = new_salt()
    digest = hash_secret(code, salt)
    order = get_order(station, number)
    with station.store.write() as conn:
        conn.execute("UPDATE repair_orders SET voucher_code_hash = ?, voucher_code_salt = ?, updated_at = ? WHERE id = ?",
                     (digest, salt, to_db(station.now()), order.id))
        events.record(conn, station, actor, "voucher.code_issued", order_id=order.id, subject=order.number)
    return code


def record_signed(station, actor, number: str) -> None:
    """The customer signed the pickup voucher."""
    order = get_order(station, number)
    with station.store.write() as conn:
        conn.execute("UPDATE repair_orders SET voucher_signed_at = ? WHERE id = ?", (to_db(station.now()), order.id))
        events.record(conn, station, actor, "voucher.signed", order_id=order.id, subject=order.number)


# --------------------------------------------------------------------------- printing


def printer_url(station, override: str | None = None) -> str:
    return (override or station.config.printer_url or "").strip()


def print_document(station, actor, doc, *, subject: str, order_id: int | None = None, reprint: bool = False,
                   printer: str | None = None) -> None:
    """Render and send ``doc``; log the print (or its failure). No printer configured is a
    PrintFailed too, so the screen says so and shows the document instead."""
    url = printer_url(station, printer)
    outcome, detail = "printed", ""
    try:
        if not url:
            raise PrintFailed("-", station.tr.t("error.no_printer"))
        try:
            send(url, render(doc, paper_mm=station.config.paper_mm, encoding=_encoding(station)))
        except PrinterError as exc:
            raise PrintFailed(exc.url, exc.detail) from exc
    except PrintFailed as exc:
        outcome, detail = "failed", str(exc.params.get("detail", ""))
        raise
    finally:
        with station.store.write() as conn:
            events.record(conn, station, actor, f"print.{doc.name}", order_id=order_id, subject=subject,
                          data={"printer": url or None, "reprint": reprint, "outcome": outcome, "detail": detail})


def print_voucher(station, actor, number: str, *, reprint: bool = False, printer: str | None = None) -> str:
    """Print the pickup voucher with a fresh check code; returns the code (for this call only).

    The new code replaces the old one only once the voucher has printed: a failed reprint
    leaves the customer's voucher in hand valid."""
    order = get_order(station, number)
    if order.state in ("released", "closed", "cancelled"):
        raise DomainError("error.voucher_after_release", number=order.number)
    if order.state == "ready" and reprint and getattr(actor, "role", None) != "manager":
        # a new voucher for a device waiting at the counter would skip the lost-voucher identity check
        raise DomainError("error.voucher_reprint_when_ready", number=order.number)
    code = generate_check_code()
    print_document(station, actor, voucher_document(station, number, code), subject=order.number,
                   order_id=order.id, reprint=reprint, printer=printer)
    new_check_code(station, actor, number, code)
    return code


def print_tag(station, actor, number: str, *, reprint: bool = False, printer: str | None = None) -> None:
    order = get_order(station, number)
    print_document(station, actor, tag_document(station, number), subject=order.number, order_id=order.id,
                   reprint=reprint, printer=printer)


def print_queue_ticket(station, actor, ticket, *, printer: str | None = None) -> None:
    print_document(station, actor, queue_ticket_document(station, ticket), subject=ticket.code, printer=printer)
