"""Assigning the inspection engineer at hand-off, by the station's business rule:
the engineers named for the device's product line first (station.toml [assignment]),
then whoever of them has the fewest open orders. Reception may override with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.rules.dates import from_db, to_db

from deskapp.orders.model import locked_row
from deskapp.orders.moves import assign_engineer
from deskapp.records.devices import get_device
from deskapp.rules import validate
from deskapp.rules.errors import DomainError, ValidationError
from deskapp.rules.lifecycle import OPEN_STATES
from deskapp.storage import events


@dataclass(frozen=True)
class Suggestion:
    staff_id: int
    name: str
    open_orders: int
    rule: str  # "product_line" | "fewest_open"
    load: tuple[tuple[str, int, int], ...]  # (name, staff id, open orders) of every engineer, least loaded first

    def reason(self, tr, product_line: str) -> str:
        return tr.t(f"assign.rule_{self.rule}", name=self.name, count=self.open_orders,
                    product_line=tr.t(f"product_line.{product_line}"))


def engineer_load(station) -> list[tuple[str, int, int]]:
    """(name, id, open orders) of every active engineer, least loaded first, then by name."""
    marks = ",".join("?" * len(OPEN_STATES))
    rows = station.store.query(
        f"""SELECT s.id, s.name, COUNT(o.id) AS open_orders FROM staff s
            LEFT JOIN repair_orders o ON o.assigned_engineer_id = s.id AND o.state IN ({marks})
            WHERE s.role = 'engineer' AND s.active GROUP BY s.id ORDER BY open_orders, s.name""",
        tuple(OPEN_STATES),
    )
    return [(r["name"], r["id"], r["open_orders"]) for r in rows]


def suggest_engineer(station, product_line: str) -> Suggestion:
    load = engineer_load(station)
    if not load:
        raise DomainError("error.no_engineers")
    named = station.config.assignment.get(product_line, [])
    for name, staff_id, count in load:
        if name in named:
            return Suggestion(staff_id, name, count, "product_line", tuple(load))
    name, staff_id, count = load[0]
    return Suggestion(staff_id, name, count, "fewest_open", tuple(load))


def inspection_due(station, due_at: str | None) -> str:
    """When the inspection will be done, as the hand-off tells the customer (a stored
    timestamp): the time promised at intake, or, once that has passed (the customer waited,
    the hand-off came late), the estimate from now, in the station's open minutes as at
    intake. Never a time already past."""
    due = from_db(due_at)
    if due is not None and due > station.now():
        return due_at
    return to_db(station.service_hours.minutes_later(station.local_now(), station.policy.inspection_estimate_minutes))


def hand_off(station, actor, number: str, engineer_id: int | None = None, override_reason: str = ""):
    """Assign the inspection engineer: the rule's choice, or another one with a reason.

    One write transaction: the order is read under the write lock, and an order already
    with an engineer (handed off by another terminal a moment ago, or taken from the pool)
    is refused naming them, never silently given to a second one. The rule's choice is
    taken on the same snapshot; the assignment and the hand-off's event commit together."""
    reason = validate.optional_text("override_reason", override_reason, max_len=200)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["assigned_engineer_id"] is not None:
            holder = conn.execute("SELECT name FROM staff WHERE id = ?", (row["assigned_engineer_id"],)).fetchone()
            raise DomainError("error.already_handed_off", number=row["number"],
                              name=holder["name"] if holder else str(row["assigned_engineer_id"]))
        device = get_device(station, row["device_id"])
        suggestion = suggest_engineer(station, device.product_line)
        chosen = suggestion.staff_id if engineer_id is None else engineer_id
        if chosen != suggestion.staff_id and not reason:
            raise ValidationError("override_reason", "error.override_needs_reason", name=suggestion.name)
        result = assign_engineer(station, actor, number, chosen, reason or f"rule:{suggestion.rule}")
        due = inspection_due(station, row["inspection_due_at"])  # what the customer was just told
        if due != row["inspection_due_at"]:
            conn.execute("UPDATE repair_orders SET inspection_due_at = ? WHERE id = ?", (due, row["id"]))
        events.record(conn, station, actor, "order.handed_off", order_id=row["id"], subject=row["number"],
                      data={"suggested": suggestion.name, "rule": suggestion.rule, "engineer_id": chosen,
                            "override_reason": reason, "inspection_due_at": due})
    return result, suggestion
