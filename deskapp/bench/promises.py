"""Promises made to the customer, and their history.

The order row holds the current promises (``inspection_due_at`` while the device is being
inspected, ``promised_at`` for completion); every change is kept here with the old time,
the new time, the reason, who and when, so reports can measure promises kept.
"""

from __future__ import annotations

import datetime as dt

from deskapp.rules import validate
from deskapp.rules.dates import from_db, to_db
from deskapp.rules.errors import ValidationError
from deskapp.storage import events

KINDS = {"inspection": "inspection_due_at", "completion": "promised_at"}
# A promise moves while the device is at the bench; a cancelled, ready or released order has none to keep.
PROMISE_STATES = ("received", "diagnosing", "awaiting_approval", "approved", "in_repair", "waiting_parts")


def change_promise(station, actor, number: str, kind: str, new_due: dt.datetime, reason: str) -> None:
    """Move a promise; the reason is required and the old time is kept. The order's state is
    checked on its row under the write lock."""
    from deskapp.orders.model import locked_row
    from deskapp.rules.errors import DomainError, TKey

    if kind not in KINDS:
        raise ValidationError("kind", "error.choice", value=kind, allowed=", ".join(KINDS))
    reason = validate.required_text("reason", reason, max_len=300)
    if new_due.tzinfo is None:
        raise ValidationError("new_due", "error.date_format", value=str(new_due))
    if new_due <= station.now():
        raise ValidationError("new_due", "error.promise_in_past")
    column = KINDS[kind]
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["state"] not in PROMISE_STATES:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        conn.execute(f"UPDATE repair_orders SET {column} = ?, updated_at = ? WHERE id = ?",
                     (to_db(new_due), to_db(station.now()), row["id"]))
        conn.execute(
            "INSERT INTO promises (order_id, kind, due_at, previous_due_at, reason, staff_id, actor, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row["id"], kind, to_db(new_due), row[column], reason, actor.staff_id, actor.name, to_db(station.now())),
        )
        events.record(conn, station, actor, "order.promise_changed", order_id=row["id"], subject=row["number"],
                      data={"kind": kind, "from": row[column], "to": to_db(new_due), "reason": reason})


def history(station, order_id: int) -> list[dict]:
    rows = station.store.query(
        "SELECT kind, due_at, previous_due_at, reason, actor, at FROM promises WHERE order_id = ? ORDER BY id",
        (order_id,))
    return [dict(r) for r in rows]


def current_due(order) -> tuple[str, dt.datetime | None]:
    """Which promise counts now (a RepairOrder): the inspection while the device is being
    inspected, else completion."""
    if str(order.state) in ("received", "diagnosing"):
        return "inspection", from_db(order.inspection_due_at)
    return "completion", from_db(order.promised_at)


def open_minutes_left(station, due: dt.datetime, now: dt.datetime | None = None) -> int:
    """Open minutes from now until ``due`` by the station's service hours and holidays
    (negative once it has passed): what a promise really leaves the bench. A promise at 09:10
    on Monday seen at 17:25 on Friday has 15 minutes left, not almost three days."""
    now = station.now() if now is None else now
    return station.service_hours.open_minutes_between(now.astimezone(station.tz), due.astimezone(station.tz))
