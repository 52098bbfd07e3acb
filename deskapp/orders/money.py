"""Money on an order: what is charged and paid (``balance``), payment methods, payments and
waivers."""

from __future__ import annotations

from deskapp.orders.model import RepairOrder, change, locked_row, require_role
from deskapp.rules import validate
from deskapp.rules.errors import DomainError
from deskapp.rules.lifecycle import State

PAYMENT_METHODS = ("cash", "card", "transfer", "mobile")


def balance(conn, order_id: int) -> tuple[int, int]:
    """(charged, paid) for an order."""
    charged = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM charges WHERE order_id = ?", (order_id,)).fetchone()[0]
    paid = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = ?", (order_id,)).fetchone()[0]
    return charged, paid


def waive_fees(station, actor, number: str, reason: str) -> RepairOrder:
    require_role(actor, "manager")
    reason = validate.required_text("reason", reason, max_len=300)
    with station.store.read() as conn:
        row = locked_row(conn, number)
        charged, paid = balance(conn, row["id"])
    if charged - paid <= 0:
        raise DomainError("error.nothing_owed", number=row["number"])
    return change(station, actor, number, "order.fees_waived", (State.READY,), {"waiver_reason": reason}, {"reason": reason})
