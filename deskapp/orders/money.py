"""Money on an order: what is charged and paid (``balance``), payment methods, payments and
waivers."""

from __future__ import annotations

from deskapp.orders.model import (
    RepairOrder,
    change,
    get_order,
    locked_row,
    require_role,
)
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, ValidationError
from deskapp.rules.lifecycle import State
from deskapp.storage import events

PAYMENT_METHODS = ("cash", "card", "transfer", "mobile")


def balance(conn, order_id: int) -> tuple[int, int]:
    """(charged, paid) for an order."""
    charged = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM charges WHERE order_id = ?", (order_id,)).fetchone()[0]
    paid = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = ?", (order_id,)).fetchone()[0]
    return charged, paid


def record_payment(station, actor, number: str, amount: int, method: str, invoice_no: str = "") -> RepairOrder:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError("amount", "error.amount_positive")
    method = validate.choice("method", method, PAYMENT_METHODS)
    invoice_no = validate.optional_text("invoice_no", invoice_no, max_len=30).upper()
    with station.store.write() as conn:
        row = locked_row(conn, number)
        conn.execute(
            "INSERT INTO payments (order_id, amount, method, invoice_no, paid_at) VALUES (?, ?, ?, ?, ?)",
            (row["id"], amount, method, invoice_no, to_db(station.now())),
        )
        events.record(conn, station, actor, "order.paid", order_id=row["id"], subject=row["number"],
                      data={"amount": amount, "method": method, "invoice_no": invoice_no})
    return get_order(station, number)


def waive_fees(station, actor, number: str, reason: str) -> RepairOrder:
    require_role(actor, "manager")
    reason = validate.required_text("reason", reason, max_len=300)
    with station.store.read() as conn:
        row = locked_row(conn, number)
        charged, paid = balance(conn, row["id"])
    if charged - paid <= 0:
        raise DomainError("error.nothing_owed", number=row["number"])
    return change(station, actor, number, "order.fees_waived", (State.READY,), {"waiver_reason": reason}, {"reason": reason})
