"""Release: the device leaves the station exactly once, after the holder check, the
sign-off and the fees (the state machine's guard, under the write lock)."""

from __future__ import annotations

from deskapp.counter.voucher_check import fresh_holder_check
from deskapp.orders.model import RepairOrder, locked_row
from deskapp.orders.moves import advance
from deskapp.rules.dates import local_time
from deskapp.rules.errors import DomainError
from deskapp.rules.lifecycle import State


def release(station, actor, number: str) -> RepairOrder:
    """Hand the device over. Exactly once: under the write lock, a second release (from this
    terminal or another) is refused with when it was released."""
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["state"] in (State.RELEASED, State.CLOSED):
            raise DomainError("error.already_released", number=row["number"], at=local_time(station, row["released_at"]))
        holder = fresh_holder_check(station, row["holder_check"])
        if not holder:  # checked too long ago (or never): check the voucher again
            raise DomainError("error.release_needs_holder_check", number=row["number"])
        # the release event says how the person was verified (voucher code, or which manager checked the ID)
        return advance(station, actor, number, "release", verified_by=holder.get("method"),
                       manager=holder.get("manager"))


def withdraw(station, manager, number: str, reason: str) -> RepairOrder:
    """The customer withdraws the request before the release (a manager records it). A device
    at the station goes back through the counter as an unrepaired return, owing what the policy
    says (the inspection fee once inspected; no quote, as nothing was repaired); an order whose
    device never came in (no voucher issued) is cancelled. One transaction, decided under the lock."""
    from deskapp.orders.model import require_role
    from deskapp.rules import validate

    require_role(manager, "manager")
    reason = validate.required_text("withdraw_reason", reason, max_len=300)  # named as on the counter's form
    with station.store.write() as conn:
        row = locked_row(conn, number)
        taken_in = row["voucher_code_hash"] is not None or row["voucher_signed_at"] is not None
        if row["state"] == State.RECEIVED and not taken_in:
            return advance(station, manager, number, "cancel", reason=reason)
        return advance(station, manager, number, "withdraw", reason=reason)
