"""The repair bench's work lists: the signed-in engineer's orders by what is due first,
the unassigned pool, and passing an order to a colleague."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskapp.bench.promises import open_minutes_left
from deskapp.orders.model import locked_row
from deskapp.orders.moves import assign_engineer
from deskapp.orders.reads import WITH_PARTIES
from deskapp.rules import validate
from deskapp.rules.dates import from_db
from deskapp.rules.errors import DomainError, TKey, ValidationError
from deskapp.storage import events

BENCH_STATES = ("received", "diagnosing", "awaiting_approval", "approved", "in_repair", "waiting_parts")

_SELECT = """SELECT o.number, o.state, o.chargeable, o.inspection_due_at, o.promised_at, o.assigned_engineer_id,
       c.name AS customer, d.product_line, d.model, d.serial,
       CASE WHEN o.state IN ('received', 'diagnosing') THEN o.inspection_due_at ELSE o.promised_at END AS due_at,
       o.rework_of IS NOT NULL AS rework,
       EXISTS (SELECT 1 FROM events e WHERE e.order_id = o.id AND e.kind = 'order.back_to_bench'
               AND e.id > COALESCE((SELECT MAX(r.id) FROM events r
                                     WHERE r.order_id = o.id AND r.kind = 'order.mark_ready'), 0)) AS sent_back
  FROM """ + WITH_PARTIES


@dataclass(frozen=True)
class WorkItem:
    number: str
    state: str
    customer: str
    product_line: str
    model: str
    serial: str
    due_kind: str  # inspection | completion
    due_at: dt.datetime | None
    minutes_left: int | None
    status: str  # ok | at_risk | overdue
    chargeable: bool
    rework: bool = False  # a rework of an earlier repair
    sent_back: bool = False  # its sign-off failed at the counter and it is not ready again yet


def sign_off_failure(events: list[dict]) -> dict | None:
    """The last failed sign-off of an order still back at the bench (no "ready" since), from its
    event log (``order_details()["events"]``): the failed checklist items, the counter's note,
    whether the fault was still there, who sent it back and when. None when there is none."""
    for e in reversed(events):
        if e["kind"] == "order.mark_ready":
            return None
        if e["kind"] == "order.back_to_bench":
            d = e["data"]
            return {"failed": list(d.get("failed") or []), "note": d.get("note", ""),
                    "fault_gone": d.get("fault_gone"), "reason": d.get("reason", ""),
                    "actor": e["actor"], "at": e["at"]}
    return None


def _item(station, row, now: dt.datetime) -> WorkItem:
    due = from_db(row["due_at"])
    # Minutes left count the station's open time only (service hours, holidays).
    left = None if due is None else open_minutes_left(station, due, now)
    if left is None:
        status = "ok"
    elif due <= now:
        status = "overdue"
        left = min(left, -1)  # passed, even if no open minute has gone by since
    elif left <= station.policy.at_risk_minutes:
        status = "at_risk"
    else:
        status = "ok"
    return WorkItem(row["number"], row["state"], row["customer"], row["product_line"], row["model"], row["serial"],
                    "inspection" if row["state"] in ("received", "diagnosing") else "completion", due, left, status,
                    bool(row["chargeable"]), bool(row["rework"]), bool(row["sent_back"]))


def my_work(station, staff_id: int) -> list[WorkItem]:
    """The engineer's open bench orders, what is due first at the top."""
    marks = ",".join("?" * len(BENCH_STATES))
    rows = station.store.query(
        f"{_SELECT} WHERE o.assigned_engineer_id = ? AND o.state IN ({marks}) ORDER BY due_at, o.id",
        (staff_id, *BENCH_STATES))
    now = station.now()
    return [_item(station, r, now) for r in rows]


def unassigned_pool(station, limit: int = 200) -> list[WorkItem]:
    marks = ",".join("?" * len(BENCH_STATES))
    rows = station.store.query(
        f"{_SELECT} WHERE o.assigned_engineer_id IS NULL AND o.state IN ({marks}) ORDER BY due_at, o.id LIMIT ?",
        (*BENCH_STATES, limit))
    now = station.now()
    return [_item(station, r, now) for r in rows]


def take(station, actor, number: str):
    """Take an order from the unassigned pool. Whether it is still in the pool is read under
    the write lock: of two engineers taking it at once, the second is refused."""
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["assigned_engineer_id"] is not None and row["assigned_engineer_id"] != actor.staff_id:
            raise DomainError("error.already_assigned", number=row["number"])
        if row["state"] not in BENCH_STATES:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        return assign_engineer(station, actor, number, actor.staff_id, "taken from the pool")  # same transaction


def give(station, actor, number: str, colleague_id: int, reason: str):
    """Hand an order to a colleague; the reason is required. Only the engineer it is assigned to
    (or a manager) hands it over: of two hand-overs at once, the second finds it is no longer
    theirs. The check, the assignment and the hand-over event are one transaction."""
    reason = validate.required_text("reason", reason, max_len=200)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if colleague_id == row["assigned_engineer_id"]:
            raise ValidationError("colleague", "error.same_engineer")
        if row["assigned_engineer_id"] not in (None, actor.staff_id) and actor.role != "manager":
            raise DomainError("error.already_assigned", number=row["number"])
        result = assign_engineer(station, actor, number, colleague_id, reason)
        events.record(conn, station, actor, "order.handed_over", order_id=row["id"], subject=row["number"],
                      data={"from": row["assigned_engineer_id"], "to": colleague_id, "reason": reason})
    return result
