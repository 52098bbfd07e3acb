"""Money on an order: what is charged and paid (``balance``), payment methods, payments and
waivers."""

from __future__ import annotations

from deskapp.orders.model import RepairOrder, locked_row, require_role
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
    """A manager lets what is owed go. Decided under the write lock: a payment the other
    counter took first leaves nothing to waive (refused), and a waiver is recorded once."""
    from deskapp.orders.model import get_order
    from deskapp.rules.dates import to_db
    from deskapp.rules.errors import TKey
    from deskapp.rules.lifecycle import AT_THE_COUNTER
    from deskapp.storage import events

    require_role(actor, "manager")
    reason = validate.required_text("reason", reason, max_len=300)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if State(row["state"]) not in AT_THE_COUNTER:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        if row["waiver_reason"]:
            raise DomainError("error.fees_already_waived", number=row["number"])
        charged, paid = balance(conn, row["id"])
        if charged - paid <= 0:
            raise DomainError("error.nothing_owed", number=row["number"])
        conn.execute("UPDATE repair_orders SET waiver_reason = ?, updated_at = ? WHERE id = ?",
                     (reason, to_db(station.now()), row["id"]))
        events.record(conn, station, actor, "order.fees_waived", order_id=row["id"], subject=row["number"],
                      data={"reason": reason, "amount": charged - paid})
    return get_order(station, number)
