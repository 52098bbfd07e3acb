"""Fees at the counter: what is owed line by line, agreed by the customer before it is
taken, paid (method, invoice offered), or waived by a manager with a reason."""

from __future__ import annotations

import re

from deskapp.counter.voucher_check import ready_row
from deskapp.orders.model import RepairOrder, get_order, require_role
from deskapp.orders.money import PAYMENT_METHODS, balance
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, ValidationError
from deskapp.storage import events


def fees(station, number: str) -> dict:
    """What is owed, line by line (inspection fee, approved quote, on-site visits ...)."""
    order = get_order(station, number)
    with station.store.read() as conn:
        lines = [dict(r) for r in conn.execute(
            "SELECT kind, description, amount FROM charges WHERE order_id = ? ORDER BY id", (order.id,))]
        charged, paid = balance(conn, order.id)
        row = conn.execute("SELECT fees_agreed_at, fees_agreed_amount, waiver_reason, return_method"
                           " FROM repair_orders WHERE id = ?", (order.id,)).fetchone()
    waived = max(charged - paid, 0) if row["waiver_reason"] else 0  # a waiver leaves nothing due
    return {"lines": lines, "charged": charged, "paid": paid, "due": charged - paid - waived, "waived": waived,
            "agreed_at": row["fees_agreed_at"], "agreed_amount": row["fees_agreed_amount"],
            "waiver_reason": row["waiver_reason"], "return_method": row["return_method"]}


def agree_fees(station, actor, number: str) -> int:
    """The customer was told the amount and agreed to it, before any charging."""
    with station.store.write() as conn:
        row = ready_row(conn, number, station)
        charged, paid = balance(conn, row["id"])
        due = charged - paid
        now = to_db(station.now())
        conn.execute("UPDATE repair_orders SET fees_agreed_at = ?, fees_agreed_amount = ? WHERE id = ?",
                     (now, due, row["id"]))
        events.record(conn, station, actor, "pickup.fees_agreed", order_id=row["id"], subject=row["number"],
                      data={"amount": due})
    return due


def pay(station, actor, number: str, method: str, invoice_no: str = "") -> int:
    """Take what is owed, once the customer has agreed to that amount; an invoice number if
    the customer takes the invoice offered."""
    method = validate.choice("method", method, PAYMENT_METHODS)
    invoice_no = validate.optional_text("invoice_no", invoice_no, max_len=30).upper()
    if invoice_no and not re.fullmatch(r"[A-Z0-9\-]{4,30}", invoice_no):
        raise ValidationError("invoice_no", "error.invoice_no_format")
    with station.store.write() as conn:
        row = ready_row(conn, number, station)
        charged, paid = balance(conn, row["id"])
        due = charged - paid
        if row["waiver_reason"]:  # a manager waived it meanwhile (perhaps at the other counter)
            raise DomainError("error.fees_already_waived", number=row["number"])
        if due <= 0:
            raise DomainError("error.nothing_owed", number=row["number"])
        if row["fees_agreed_at"] is None or row["fees_agreed_amount"] != due:
            raise DomainError("error.fees_not_agreed", number=row["number"])
        now = to_db(station.now())
        conn.execute("INSERT INTO payments (order_id, amount, method, invoice_no, paid_at) VALUES (?, ?, ?, ?, ?)",
                     (row["id"], due, method, invoice_no, now))
        events.record(conn, station, actor, "order.paid", order_id=row["id"], subject=row["number"],
                      data={"amount": due, "method": method, "invoice_no": invoice_no})
    return due


def waive(station, actor, manager, number: str, reason: str) -> RepairOrder:
    """A manager waives what is owed, with a reason (``manager`` approves at this terminal)."""
    from deskapp.orders.money import waive_fees

    require_role(manager, "manager")
    reason = validate.required_text("waive_reason", reason, max_len=300)  # named as on the counter's form
    return waive_fees(station, manager, number, reason)


SHIPPING = "return_shipping"  # a charge of kind 'other': what the carrier charges to send it back


def charge_shipping(station, actor, number: str, amount) -> int:
    """The return shipping of an unrepaired return the customer asked to have shipped (seed
    000: "they collect the device or pay return shipping"): the carrier's price, charged once."""
    amount = _amount(amount)
    with station.store.write() as conn:
        row = ready_row(conn, number, station)
        if row["outcome"] != "unrepaired" or row["return_method"] != "ship":
            raise DomainError("error.not_shipped_back", number=row["number"])
        if conn.execute("SELECT 1 FROM charges WHERE order_id = ? AND kind = 'other' AND description = ?",
                        (row["id"], SHIPPING)).fetchone():
            raise DomainError("error.shipping_already_charged", number=row["number"])
        now = to_db(station.now())
        conn.execute("INSERT INTO charges (order_id, kind, amount, description, created_at) VALUES (?, 'other', ?, ?, ?)",
                     (row["id"], amount, SHIPPING, now))
        events.record(conn, station, actor, "order.shipping_charged", order_id=row["id"], subject=row["number"],
                      data={"amount": amount})
    return amount


def _amount(value) -> int:
    text = re.sub(r"[\s,]", "", str(value or "")).removeprefix("NT$").removeprefix("$")
    if not re.fullmatch(r"\d{1,7}", text):
        raise ValidationError("shipping_amount", "error.shipping_amount")
    return int(text)


def ship_back(station, actor, number: str, carrier: str, tracking: str) -> RepairOrder:
    """The parcel goes: carrier and tracking number recorded, nothing owed (or waived); the
    order is released by parcel and closes (no farewell at a counter), in one transaction."""
    from deskapp.orders.moves import advance

    carrier = validate.required_text("carrier", carrier, max_len=60)
    tracking = validate.required_text("tracking", tracking, max_len=60)
    with station.store.write() as conn:
        row = ready_row(conn, number, station)
        if row["return_method"] != "ship":
            raise DomainError("error.not_shipped_back", number=row["number"])
        if not conn.execute("SELECT 1 FROM charges WHERE order_id = ? AND kind = 'other' AND description = ?",
                            (row["id"], SHIPPING)).fetchone():
            raise ValidationError("shipping_amount", "error.shipping_amount")
        advance(station, actor, number, "ship_back", carrier=carrier, tracking=tracking)
        return advance(station, actor, number, "close")
