"""Everything about one order as plain data: for ``order show --json``, the documents, and
the screens that show the whole record."""

from __future__ import annotations

import json

from deskapp.orders.model import get_order
from deskapp.orders.money import balance
from deskapp.records.customers import get_customer
from deskapp.records.devices import get_device
from deskapp.storage import events


def order_details(station, number: str) -> dict:
    """Everything about one order, as plain data (for ``order show --json`` and documents)."""
    from deskapp.bench import (  # they build on this module
        calls,
        diagnosis,
        loaners,
        promises,
        quotes,
    )

    order = get_order(station, number)
    customer = get_customer(station, order.customer_id)
    device = get_device(station, order.device_id)
    with station.store.read() as conn:
        extra = conn.execute("SELECT * FROM repair_orders WHERE id = ?", (order.id,)).fetchone()
        parts = [dict(r) | {"old_part_returned": bool(r["old_part_returned"])} for r in conn.execute(
            "SELECT part, quantity, old_part_returned, old_part_reason FROM repair_parts WHERE order_id = ? ORDER BY id",
            (order.id,))]
        charges = [dict(r) for r in conn.execute(
            "SELECT kind, amount, description, created_at FROM charges WHERE order_id = ? ORDER BY id", (order.id,))]
        payments = [dict(r) for r in conn.execute(
            "SELECT amount, method, invoice_no, paid_at FROM payments WHERE order_id = ? ORDER BY id", (order.id,))]
        charged, paid = balance(conn, order.id)
        engineer = None
        if order.assigned_engineer_id:
            r = conn.execute("SELECT name FROM staff WHERE id = ?", (order.assigned_engineer_id,)).fetchone()
            engineer = r["name"] if r else None
        rework_of = None
        if order.rework_of:
            r = conn.execute("SELECT number FROM repair_orders WHERE id = ?", (order.rework_of,)).fetchone()
            rework_of = r["number"] if r else None
    return {
        "number": order.number,
        "state": str(order.state),
        "customer": customer.as_dict(),
        "device": device.as_dict(),
        "warranty": {
            "status": order.warranty_status,
            "chargeable": order.chargeable,
            "ends": order.warranty_ends,
            "reasons": order.warranty_reasons,
            "contract_level": order.contract_level,
        },
        "fault": {"reported": order.fault_reported, "confirmed": order.fault_confirmed},
        "intake": order.intake,
        "engineer": engineer,
        "promised_at": order.promised_at,
        "promise": {"inspection_due": order.inspection_due_at, "completion_due": order.promised_at,
                    "history": promises.history(station, order.id)},
        "diagnoses": diagnosis.diagnoses(station, order.id),
        "quote": quotes.quote_of(station, order),
        "repair": {
            "record": order.repair_record,
            "outcome": order.outcome,
            "unrepaired_reason": order.unrepaired_reason,
            "warranty_months": order.repair_warranty_months,
            "no_warranty_consent": order.no_warranty_consent,
            "parts": parts,
            "minutes": extra["minutes_spent"],
            "loaners": loaners.loaners_of(station, order.id),
        },
        "contacts": calls.attempts(station, order.id),
        "notified_at": extra["notified_at"],
        "verification": {"at": order.verified_at, "signed_by": order.verified_by},
        "pickup": _pickup_record(extra),
        # a manager's waiver leaves nothing due: what it let go is its own figure
        "money": {"charges": charges, "payments": payments, "charged": charged, "paid": paid,
                  "waived": max(charged - paid, 0) if order.waiver_reason else 0,
                  "due": 0 if order.waiver_reason else charged - paid, "waiver_reason": order.waiver_reason},
        "rework_of": rework_of,
        "cancel_reason": order.cancel_reason,
        "created_at": order.created_at,
        "released_at": order.released_at,
        "closed_at": order.closed_at,
        "events": [e.as_dict() for e in events.for_order(station, order.id)],
    }


def _pickup_record(row) -> dict:
    """The pickup counter's columns of a repair_orders row, as plain data."""
    return {
        "holder_check": json.loads(row["holder_check"]) if row["holder_check"] else {},
        "verification": json.loads(row["verification"]) if row["verification"] else {},
        "wrong_codes": row["pickup_failures"],
        "fees_agreed_at": row["fees_agreed_at"],
        "fees_agreed_amount": row["fees_agreed_amount"],
        "sticker_applied": None if row["sticker_applied"] is None else bool(row["sticker_applied"]),
        "sticker_reason": row["sticker_reason"],
        "card_left": None if row["card_left"] is None else bool(row["card_left"]),
        "card_reason": row["card_reason"],
        "farewell": json.loads(row["farewell"]) if row["farewell"] else {},
    }
