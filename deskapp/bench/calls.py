"""Calling the customer: a delay told before the promise breaks (seed 004: apology phrases
for a complex fault or a part not yet arrived), and "your device is ready" (the notify list).
Every attempt and its outcome is recorded."""

from __future__ import annotations

import datetime as dt

from deskapp.bench.promises import PROMISE_STATES, change_promise, current_due
from deskapp.orders.model import get_order, locked_row
from deskapp.orders.moves import advance
from deskapp.orders.reads import OrderSummary, summaries
from deskapp.records.customers import get_customer
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, TKey, ValidationError
from deskapp.storage import events

OUTCOMES = ("reached", "no_answer", "message_left")
DELAYS = ("part", "complex")


def delay_script(station, number: str, kind: str, part: str = "") -> dict:
    """What to say, and to whom: the apology with the customer's name, phone and the part."""
    order = get_order(station, number)
    customer = get_customer(station, order.customer_id)
    tr = station.tr
    phrase = tr.phrase("bench.delay_part", part=part or "-") if kind == "part" else tr.phrase("bench.delay_complex")
    return {"customer": customer.name, "phones": list(customer.phones), "phrase": phrase}


def record_delay_call(station, actor, number: str, *, kind: str, outcome: str, new_due: dt.datetime,
                      part: str = "", note: str = "") -> None:
    """The call about a delay, its outcome and the new promise (one transaction). A part delay
    on a repair in progress puts the order in "waiting for a part"."""
    kind = validate.choice("kind", kind, DELAYS)
    outcome = validate.choice("outcome", outcome, OUTCOMES)
    part = validate.optional_text("part", part, max_len=120)
    if kind == "part" and not part:
        raise ValidationError("part", "error.part_needed")
    note = validate.optional_text("note", note, max_len=300)
    reason = f"{'part: ' + part if kind == 'part' else 'complex fault'} ({outcome})"
    with station.store.write() as conn:  # the state, the promise and the move decided on the locked row
        row = locked_row(conn, number)
        if row["state"] not in PROMISE_STATES:  # a cancelled or finished order has no promise to move
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        promise_kind, due = current_due(get_order(station, number))
        before = due is None or station.now() < due
        conn.execute(
            "INSERT INTO contact_attempts (order_id, purpose, outcome, note, before_promise, actor, staff_id, at)"
            " VALUES (?, 'delay', ?, ?, ?, ?, ?, ?)",
            (row["id"], outcome, note or reason, int(before), actor.name, actor.staff_id, to_db(station.now())))
        change_promise(station, actor, number, promise_kind, new_due, reason)
        if kind == "part" and row["state"] == "in_repair":
            advance(station, actor, number, "wait_for_part", part=part)
        events.record(conn, station, actor, "order.delay_called", order_id=row["id"], subject=row["number"],
                      data={"kind": kind, "outcome": outcome, "before_promise": before, "part": part})


def to_notify(station) -> list[OrderSummary]:
    """Ready for pickup or to be returned unrepaired, customer not yet reached: oldest first."""
    return summaries(station, "WHERE o.state IN ('ready', 'return_unrepaired') AND o.notified_at IS NULL"
                              " ORDER BY o.updated_at, o.id")


def notify_script(station, actor, number: str) -> dict:
    order = get_order(station, number)
    customer = get_customer(station, order.customer_id)
    tr = station.tr
    address = station.config.text("address", tr.locale)
    if order.outcome == "unrepaired":  # declined, unrepairable or withdrawn: collect it (or it is shipped)
        return {"number": order.number, "customer": customer.name, "phones": list(customer.phones),
                "phrase": tr.phrase("notify.unrepaired", engineer=actor.name, customer=customer.name),
                "someone_else": tr.phrase("notify.someone_else_unrepaired", customer=customer.name, address=address)}
    return {"number": order.number, "customer": customer.name, "phones": list(customer.phones),
            "phrase": tr.phrase("notify.repaired", engineer=actor.name, customer=customer.name),
            "someone_else": tr.phrase("notify.someone_else", customer=customer.name, address=address)}


def record_notify_attempt(station, actor, number: str, outcome: str, note: str = "") -> bool:
    """One call about pickup; returns True once the customer (or someone for them) is reached."""
    outcome = validate.choice("outcome", outcome, OUTCOMES)
    note = validate.optional_text("note", note, max_len=300)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["state"] not in ("ready", "return_unrepaired"):
            raise ValidationError("number", "error.not_ready", number=row["number"])
        conn.execute(
            "INSERT INTO contact_attempts (order_id, purpose, outcome, note, actor, staff_id, at)"
            " VALUES (?, 'ready', ?, ?, ?, ?, ?)",
            (row["id"], outcome, note, actor.name, actor.staff_id, to_db(station.now())))
        if outcome == "reached":
            conn.execute("UPDATE repair_orders SET notified_at = ? WHERE id = ?", (to_db(station.now()), row["id"]))
        events.record(conn, station, actor, "order.notify_attempt", order_id=row["id"], subject=row["number"],
                      data={"outcome": outcome})
    return outcome == "reached"


def attempts(station, order_id: int) -> list[dict]:
    return [dict(r) for r in station.store.query(
        "SELECT purpose, outcome, note, before_promise, actor, at FROM contact_attempts WHERE order_id = ? ORDER BY id",
        (order_id,))]
