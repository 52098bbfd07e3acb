"""What the station prints, and the record of every print.

Builds plain data for :mod:`printing.documents`, renders it for the station's printer
(paper width, double-byte encoding) and sends it. Every print and reprint is logged
with its outcome; a printer that fails raises ``PrintFailed`` after the failure is
logged, and nothing already saved is touched.

The pickup voucher carries a fresh check code each time it is printed (the previous
voucher's code stops working); only a salted hash of it is kept, plus, until the code is on
paper, a copy sealed with the key beside the station file (so a failed print can be printed
again with the same code, or the code shown once for a handwritten voucher).
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


# What the station's thermal printer prints (one printer for all of them, for now).
THERMAL_DOCUMENTS = ("queue_ticket", "voucher", "device_tag", "receipt")


def printer_summary(station) -> dict:
    """The configured printer as a manager reads it: URL (empty: none, shown on screen only),
    paper, the encoding in use, the documents it prints, and the file that set it."""
    from deskapp.printing.thermal.escpos import COLUMNS
    from deskapp.settings.station_config import printer_source

    config = station.config
    return {"url": config.printer_url, "paper_mm": config.paper_mm, "columns": COLUMNS[config.paper_mm],
            "encoding": _encoding(station), "auto": config.printer_encoding == "auto",
            "documents": list(THERMAL_DOCUMENTS), "set_in": str(printer_source(station.store.path.parent))}


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
    """The customer signed the pickup voucher: only once it is on paper (printed, or its code
    given once for a voucher written by hand), since they sign what they have read."""
    from deskapp.orders.model import locked_row

    with station.store.write() as conn:
        row = locked_row(conn, number)
        pending = conn.execute("SELECT 1 FROM voucher_codes_pending WHERE order_id = ?", (row["id"],)).fetchone()
        if row["voucher_code_hash"] is None or pending is not None:
            raise DomainError("error.voucher_not_printed", number=row["number"])
        conn.execute("UPDATE repair_orders SET voucher_signed_at = ? WHERE id = ?", (to_db(station.now()), row["id"]))
        events.record(conn, station, actor, "voucher.signed", order_id=row["id"], subject=row["number"])


# --------------------------------------------------------------------------- printing


def printer_url(station, override: str | None = None) -> str:
    return (override or station.config.printer_url or "").strip()


def print_document(station, actor, doc, *, subject: str, order_id: int | None = None, reprint: bool = False,
                   printer: str | None = None, on_printed=None) -> None:
    """Render and send ``doc``; log the print (or its failure). No printer configured is a
    PrintFailed too, so the screen says so and shows the document instead. ``on_printed(conn)``
    runs in the transaction that logs a successful print."""
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
            if outcome == "printed" and on_printed is not None:
                on_printed(conn)


def _pending_context(order_id: int) -> str:
    return f"voucher_code:{order_id}"


def issue_voucher_code(station, actor, number: str, *, reprint: bool = False, printer: str | None = None):
    """The check code the voucher about to print carries, committed BEFORE anything prints:
    the order's code hash, the code itself sealed as "not yet on paper", the issue and the
    print being started logged, in one transaction. A code still waiting for its paper (a
    print that failed, was cut off, or no printer) is reused, so any paper that did come out
    of the printer carries the working code. Returns (code, order id, order number)."""
    from deskapp.orders.model import locked_row
    from deskapp.storage.sealed import seal, unseal

    # The slow hash (scrypt, ~60 ms) before the write lock, not under it: every other terminal
    # would wait for it. Unused if a code is still waiting for its paper.
    fresh, salt = generate_check_code(), new_salt()
    digest = hash_secret(fresh, salt)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["state"] in ("released", "closed", "cancelled"):
            raise DomainError("error.voucher_after_release", number=row["number"])
        if row["state"] == "ready" and reprint and getattr(actor, "role", None) != "manager":
            # a new voucher for a device waiting at the counter would skip the lost-voucher identity check
            raise DomainError("error.voucher_reprint_when_ready", number=row["number"])
        pending = conn.execute("SELECT sealed FROM voucher_codes_pending WHERE order_id = ?", (row["id"],)).fetchone()
        now = to_db(station.now())
        if pending is not None:
            code = unseal(station.store, _pending_context(row["id"]), pending["sealed"])
        else:
            code = fresh
            conn.execute("UPDATE repair_orders SET voucher_code_hash = ?, voucher_code_salt = ?, updated_at = ? "
                         "WHERE id = ?", (digest, salt, now, row["id"]))
            conn.execute("INSERT INTO voucher_codes_pending (order_id, sealed, staff_id, issued_at) VALUES (?, ?, ?, ?)",
                         (row["id"], seal(station.store, _pending_context(row["id"]), code), actor.staff_id, now))
            events.record(conn, station, actor, "voucher.code_issued", order_id=row["id"], subject=row["number"])
        # on record before a byte is sent: a print cut off by a crash is still in the log
        events.record(conn, station, actor, "print.voucher_started", order_id=row["id"], subject=row["number"],
                      data={"printer": printer_url(station, printer) or None, "reprint": reprint,
                            "reused_code": pending is not None})
    return code, row["id"], row["number"]


def print_voucher(station, actor, number: str, *, reprint: bool = False, printer: str | None = None) -> str:
    """Print the pickup voucher with its check code (a fresh one, unless one is still waiting
    for its paper). The code is committed first, then printed, then the print logged and the
    code's sealed copy deleted (it is on paper now). At no moment does paper carry a code the
    store does not accept. A print that fails keeps the code waiting: ``r`` (reprint) prints
    it when the printer is back, or :func:`show_check_code_once` gives it for a handwritten
    voucher. Returns the code (for this call only)."""
    code, order_id, number = issue_voucher_code(station, actor, number, reprint=reprint, printer=printer)

    def on_paper(conn) -> None:
        conn.execute("DELETE FROM voucher_codes_pending WHERE order_id = ?", (order_id,))

    print_document(station, actor, voucher_document(station, number, code), subject=number, order_id=order_id,
                   reprint=reprint, printer=printer, on_printed=on_paper)
    return code  # for this call only (the paper has it)


def code_waiting(station, number: str) -> bool:
    """Is a check code waiting for its paper (not printed, not shown)?"""
    order = get_order(station, number)
    return station.store.query_one("SELECT 1 FROM voucher_codes_pending WHERE order_id = ?", (order.id,)) is not None


def show_check_code_once(station, actor, number: str) -> str:
    """The check code waiting for its paper, given once (for a voucher written by hand) and
    then forgotten: only the staff member whose print it was, or a manager, may see it."""
    from deskapp.orders.model import locked_row
    from deskapp.storage.sealed import unseal

    # The slow hash (scrypt, ~60 ms) before the write lock, not under it: every other terminal
    # would wait for it. Unused if a code is still waiting for its paper.
    fresh, salt = generate_check_code(), new_salt()
    digest = hash_secret(fresh, salt)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["state"] in ("released", "closed", "cancelled"):
            raise DomainError("error.voucher_after_release", number=row["number"])
        pending = conn.execute("SELECT * FROM voucher_codes_pending WHERE order_id = ?", (row["id"],)).fetchone()
        if pending is None and not row["voucher_code_hash"]:  # nothing printed or tried yet
            raise DomainError("error.no_code_yet", number=row["number"])
        if pending is None:
            raise DomainError("error.no_code_waiting", number=row["number"])
        if getattr(actor, "role", None) != "manager" and (actor.staff_id is None
                                                          or actor.staff_id != pending["staff_id"]):
            raise DomainError("error.code_not_yours", number=row["number"])
        code = unseal(station.store, _pending_context(row["id"]), pending["sealed"])
        conn.execute("DELETE FROM voucher_codes_pending WHERE order_id = ?", (row["id"],))
        events.record(conn, station, actor, "voucher.code_shown", order_id=row["id"], subject=row["number"])
    return code


def print_tag(station, actor, number: str, *, reprint: bool = False, printer: str | None = None) -> None:
    order = get_order(station, number)
    print_document(station, actor, tag_document(station, number), subject=order.number, order_id=order.id,
                   reprint=reprint, printer=printer)


def print_queue_ticket(station, actor, ticket, *, printer: str | None = None) -> None:
    print_document(station, actor, queue_ticket_document(station, ticket), subject=ticket.code, printer=printer)
