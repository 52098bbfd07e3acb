"""Orders as lists show them: summaries, lists by state, counts, what waits for hand-off,
and customers waiting past the reassurance time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskapp.rules import validate
from deskapp.rules.dates import from_db, to_db
from deskapp.rules.lifecycle import OPEN_STATES, State


@dataclass(frozen=True)
class OrderSummary:
    number: str
    state: str
    customer: str
    product_line: str
    model: str
    serial: str
    created_at: str
    promised_at: str | None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


# An order with its customer and device, as lists and work lists show it.
WITH_PARTIES = "repair_orders o JOIN customers c ON c.id = o.customer_id JOIN devices d ON d.id = o.device_id"


_SUMMARY = ("SELECT o.number, o.state, c.name AS customer, d.product_line, d.model, d.serial, o.created_at,"
            f" o.promised_at FROM {WITH_PARTIES}")


def summaries(station, where: str, params: tuple | list = ()) -> list[OrderSummary]:
    """Order summaries ``WHERE ...`` (``where`` includes its ORDER BY / LIMIT)."""
    return [OrderSummary(**dict(r)) for r in station.store.query(f"{_SUMMARY} {where}", params)]


def list_orders(station, *, state: str | None = None, open_only: bool = False, limit: int = 50) -> list[OrderSummary]:
    """Newest first; by state or open orders only (uses the state index)."""
    where, params = "", []
    if state:
        validate.choice("state", state, tuple(State))
        where, params = "WHERE o.state = ?", [state]
    elif open_only:
        where = f"WHERE o.state IN ({','.join('?' * len(OPEN_STATES))})"
        params = list(OPEN_STATES)
    return summaries(station, f"{where} ORDER BY o.id DESC LIMIT ?", (*params, limit))


def count_by_state(station) -> dict[str, int]:
    """How many orders are in each state (one pass over the state index)."""
    rows = station.store.query("SELECT state, COUNT(*) AS n FROM repair_orders GROUP BY state")
    counts = {str(s): 0 for s in State}
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


def awaiting_hand_off(station, limit: int = 50) -> list[OrderSummary]:
    """Orders taken in but not yet handed to an inspection engineer, oldest first."""
    return summaries(station, "WHERE o.state = 'received' AND o.assigned_engineer_id IS NULL ORDER BY o.id LIMIT ?",
                     (limit,))


def waiting_past(station, minutes: int | None = None) -> list[tuple[OrderSummary, int]]:
    """Today's orders still being inspected after ``minutes`` (the policy's reassurance time):
    the customer waiting at the desk should be reassured. Oldest first, with minutes waited."""
    minutes = station.policy.reassure_after_minutes if minutes is None else minutes
    now = station.now()
    start_of_day = dt.datetime.combine(station.today(), dt.time(0), station.tz)
    found = summaries(station, "WHERE o.state IN ('received', 'diagnosing') AND o.created_at >= ? AND o.created_at <= ?"
                               " ORDER BY o.id", (to_db(start_of_day), to_db(now - dt.timedelta(minutes=minutes))))
    return [(o, int((now - from_db(o.created_at)).total_seconds() // 60)) for o in found]


def last_event(station, number: str) -> dict | None:
    """The order's latest event (id, kind, who, at which terminal): one indexed read, what an
    open order's screen asks when the station file changed, to know whether it was this order."""
    row = station.store.query_one(
        "SELECT e.id, e.kind, e.actor, e.terminal, e.at FROM events e"
        " WHERE e.order_id = (SELECT id FROM repair_orders WHERE number = ?) ORDER BY e.id DESC LIMIT 1",
        (number,))
    return dict(row) if row is not None else None
