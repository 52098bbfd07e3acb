"""The customers' query terminal (查詢終端): a queue number for a service, and an order's
progress for whoever holds its voucher: the order number (scanned from the voucher's QR code
or typed, with or without its prefix, any case) and the last four digits of the phone the
station has. It says the step in a customer's words, the promised time and whether it is
ready; nothing else about the order or the customer. Wrong tries are limited per kiosk,
counted and checked inside the same write transaction (several kiosks, one file)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskapp.rules.dates import from_db, to_db
from deskapp.rules.errors import DomainError, ValidationError
from deskapp.rules.numbering import is_order_number, normalise_order_number
from deskapp.storage import events

TRIES = 5  # wrong tries a kiosk accepts in a window...
WINDOW_MIN = 10  # ...of this many minutes,
LOCK_MIN = 5  # then it answers no progress question for this long

# The order's state as a customer reads it (the kiosk's catalog keys: kiosk.stage_<stage>).
STAGES = {
    "received": "received", "diagnosing": "inspecting", "awaiting_approval": "quote",
    "approved": "repairing", "in_repair": "repairing", "waiting_parts": "parts",
    "ready": "ready", "return_unrepaired": "ready_unrepaired", "closed": "collected", "cancelled": "cancelled",
}


@dataclass(frozen=True)
class Progress:
    number: str
    stage: str  # a key of the kiosk's words: received, inspecting, quote, repairing, parts, ready...
    promised_at: str | None
    ready: bool


class NotMatched(DomainError):
    """No order with that number and those phone digits (which of the two is never said)."""


def phone_digits(text: str) -> str:
    return "".join(ch for ch in str(text) if ch.isdigit())


def check_progress(station, actor, typed_number: str, last4: str) -> Progress:
    """Where the order stands, for the holder of its voucher. Refused (and counted) when the
    number and the phone's last four digits do not belong together; refused before looking
    while the kiosk is locked after too many wrong tries."""
    number = normalise_order_number(typed_number)
    if not is_order_number(number):  # typed without its prefix: 2611-42 is R2611-00042 here
        number = normalise_order_number(station.config.order_prefix + str(typed_number).strip())
    if not is_order_number(number):
        raise ValidationError("order_number", "error.kiosk_number")
    last4 = phone_digits(last4)
    if len(last4) != 4:
        raise ValidationError("phone_last4", "error.kiosk_last4")
    now = station.now()
    matched = None
    with station.store.write() as conn:
        guard = conn.execute("SELECT * FROM kiosk_guard WHERE terminal = ?", (actor.terminal,)).fetchone()
        if guard is not None and guard["locked_until"] and from_db(guard["locked_until"]) > now:
            raise DomainError("error.kiosk_locked", minutes=LOCK_MIN)
        row = conn.execute("SELECT id, number, state, promised_at, customer_id FROM repair_orders WHERE number = ?",
                           (number,)).fetchone()
        if row is not None:
            phones = [r[0] for r in conn.execute("SELECT phone FROM customer_phones WHERE customer_id = ?",
                                                 (row["customer_id"],))]
            if any(phone_digits(p)[-4:] == last4 for p in phones):
                matched = row
        if matched is None:
            fresh = guard is None or not guard["window_start"] or \
                from_db(guard["window_start"]) < now - dt.timedelta(minutes=WINDOW_MIN)
            failures = 1 if fresh else guard["failures"] + 1
            locked = to_db(now + dt.timedelta(minutes=LOCK_MIN)) if failures >= TRIES else None
            conn.execute(
                "INSERT INTO kiosk_guard (terminal, failures, window_start, locked_until) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (terminal) DO UPDATE SET failures = excluded.failures,"
                " window_start = CASE WHEN ? THEN excluded.window_start ELSE window_start END,"
                " locked_until = excluded.locked_until",
                (actor.terminal, 0 if locked else failures, to_db(now), locked, fresh or bool(locked)))
            events.record(conn, station, actor, "kiosk.progress_refused", subject=number,
                          data={"failures": failures, "locked": bool(locked)})
        else:
            conn.execute("UPDATE kiosk_guard SET failures = 0, window_start = NULL WHERE terminal = ?",
                         (actor.terminal,))
            events.record(conn, station, actor, "kiosk.progress_shown", order_id=matched["id"], subject=number)
    if matched is None:  # after the commit: the wrong try stays counted
        raise NotMatched("error.kiosk_not_matched")
    stage = STAGES.get(matched["state"], "received")
    return Progress(matched["number"], stage, matched["promised_at"],
                    matched["state"] in ("ready", "return_unrepaired"))
