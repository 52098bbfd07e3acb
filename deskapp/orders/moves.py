"""Lifecycle moves: every move of an order goes through the state machine's guard
(:func:`deskapp.rules.lifecycle.next_state`) on the row locked inside the write."""

from __future__ import annotations

from deskapp.orders.model import (
    RepairOrder,
    change,
    get_order,
    locked_row,
    require_role,
)
from deskapp.orders.money import balance
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, ValidationError
from deskapp.rules.lifecycle import OPEN_STATES, OrderFacts, State, next_state
from deskapp.storage import events


def order_facts(conn, row) -> OrderFacts:
    charged, paid = balance(conn, row["id"])
    return OrderFacts(
        number=row["number"],
        state=State(row["state"]),
        chargeable=bool(row["chargeable"]),
        engineer_assigned=row["assigned_engineer_id"] is not None,
        quote_status=row["quote_status"],
        has_repair_record=bool(row["repair_record"].strip()),
        verified=row["verified_at"] is not None,
        holder_checked=bool(row["holder_check"]),
        balance_due=charged - paid,
        waived=bool(row["waiver_reason"]),
        outcome=row["outcome"],
        device_taken_in=row["voucher_code_hash"] is not None or row["voucher_signed_at"] is not None,
    )



def _updates_for(action: str, details: dict, now: str) -> dict:
    if action == "send_quote":
        return {"quote_status": "sent", "quote_total": details["total"]}
    if action == "approve_quote":
        return {"quote_status": "approved", "quote_answer": details["method"]}
    if action == "decline_quote":
        return {"quote_status": "declined", "quote_answer": details["method"], "outcome": "unrepaired",
                "unrepaired_reason": "quote_declined"}
    if action == "declare_unrepairable":
        return {"outcome": "unrepaired", "unrepaired_reason": validate.optional_text("reason", details["reason"], max_len=300)}
    if action == "withdraw":
        return {"outcome": "unrepaired", "unrepaired_reason": "withdrawn",
                "cancel_reason": validate.optional_text("reason", details["reason"], max_len=300)}
    if action == "ship_back":
        return {"released_at": now}
    if action in ("back_to_bench", "back_to_return"):  # a new pickup starts over: holder check, sign-off, fees agreed
        return {"verified_at": None, "verified_by": "", "holder_check": "", "fees_agreed_at": None,
                "fees_agreed_amount": None, "waiver_reason": ""}
    if action == "release":
        return {"released_at": now}
    if action == "close":
        return {"closed_at": now}
    if action == "cancel":
        return {"cancel_reason": validate.optional_text("reason", details["reason"], max_len=300)}
    return {}


def advance(station, actor, number: str, action: str, **details) -> RepairOrder:
    """Move an order along its lifecycle; guarded by :func:`deskapp.lifecycle.next_state`."""
    if action in ("cancel", "withdraw"):
        require_role(actor, "manager")
    now = to_db(station.now())
    with station.store.write() as conn:
        row = locked_row(conn, number)
        target = next_state(order_facts(conn, row), action, details)
        updates = _updates_for(action, details, now)
        if action == "mark_ready" and row["state"] == State.IN_REPAIR:
            updates["outcome"] = "repaired"
        updates.update(state=str(target), updated_at=now)
        sets = ", ".join(f"{k} = ?" for k in updates)
        cur = conn.execute(
            f"UPDATE repair_orders SET {sets} WHERE id = ? AND state = ?", (*updates.values(), row["id"], row["state"])
        )
        if cur.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as a tripwire
            raise DomainError("error.order_changed", number=row["number"])
        if action in ("release", "ship_back", "close", "cancel"):  # the device passcode leaves with the device
            conn.execute("DELETE FROM device_passcodes WHERE order_id = ?", (row["id"],))
            conn.execute("DELETE FROM voucher_codes_pending WHERE order_id = ?", (row["id"],))
        if action == "withdraw":  # owed per policy: no repair done, no quote; not inspected, no inspection fee
            dropped = ("quote",) if row["state"] != State.RECEIVED else ("quote", "inspection_fee")
            marks = ",".join("?" * len(dropped))
            details = {**details, "dropped": [dict(r) for r in conn.execute(
                f"SELECT kind, amount FROM charges WHERE order_id = ? AND kind IN ({marks})", (row["id"], *dropped))]}
            conn.execute(f"DELETE FROM charges WHERE order_id = ? AND kind IN ({marks})", (row["id"], *dropped))
        if action == "approve_quote":
            conn.execute(
                "INSERT INTO charges (order_id, kind, amount, description, created_at) VALUES (?, 'quote', ?, ?, ?)",
                (row["id"], row["quote_total"], details["method"], now),
            )
        events.record(
            conn, station, actor, f"order.{action}", order_id=row["id"], subject=row["number"],
            data={"from": row["state"], "to": str(target), **{k: v for k, v in details.items() if v is not None}},
        )
    return get_order(station, number)


def assign_engineer(station, actor, number: str, staff_id: int, reason: str = "") -> RepairOrder:
    row = station.store.query_one("SELECT name, role FROM staff WHERE id = ? AND active", (staff_id,))
    if row is None or row["role"] not in ("engineer", "manager"):
        raise ValidationError("engineer", "error.not_an_engineer", id=staff_id)
    return change(
        station, actor, number, "order.engineer_assigned", OPEN_STATES,
        {"assigned_engineer_id": staff_id},
        {"engineer": row["name"], "staff_id": staff_id, "reason": validate.optional_text("reason", reason)},
    )
