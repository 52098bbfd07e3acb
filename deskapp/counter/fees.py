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
        row = conn.execute("SELECT fees_agreed_at, fees_agreed_amount, waiver_reason FROM repair_orders WHERE id = ?",
                           (order.id,)).fetchone()
    return {"lines": lines, "charged": charged, "paid": paid, "due": charged - paid,
            "agreed_at": row["fees_agreed_at"], "agreed_amount": row["fees_agreed_amount"],
            "waiver_reason": row["waiver_reason"]}


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
