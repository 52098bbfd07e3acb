"""Rework (返修): a returning device linked to its original repair; free with a 2-hour
target inside the repair warranty on the original fault, otherwise the normal flow."""

from __future__ import annotations

from deskapp.orders.creation import IntakeInput, Refused, create_order
from deskapp.orders.model import RepairOrder, get_order
from deskapp.records.devices import get_device
from deskapp.rules.dates import from_db
from deskapp.rules.errors import DomainError
from deskapp.rules.lifecycle import OPEN_STATES, State
from deskapp.rules.policy import Decision


def rework_decision(station, original_number: str, *, same_fault: bool):
    original = get_order(station, original_number)
    if original.state not in (State.RELEASED, State.CLOSED) or not original.released_at:
        raise DomainError("error.rework_not_released", number=original.number)
    released_on = from_db(original.released_at).astimezone(station.tz).date()
    return original, station.policy.rework(
        released_on=released_on,
        repair_warranty_months=original.repair_warranty_months or 0,
        today=station.today(),
        same_fault=same_fault,
    )


def create_rework(station, actor, original_number: str, fault_reported: str, *, same_fault: bool) -> tuple[RepairOrder, Decision]:
    """A returning device: a rework order linked to the original; free (2-hour target) inside
    the repair warranty on the original fault, otherwise through the normal warranty check."""
    open_marks = ",".join("?" * len(OPEN_STATES))
    # One transaction: the original, the check that no rework of it is open and the new order,
    # so two terminals opening a rework of one repair at once make one, and refuse the other.
    with station.store.write() as conn:
        original, decision = rework_decision(station, original_number, same_fault=same_fault)
        already = conn.execute(f"SELECT number FROM repair_orders WHERE rework_of = ? AND state IN ({open_marks})",
                               (original.id, *OPEN_STATES)).fetchone()
        if already is not None:  # one rework at a time for the same repair
            raise DomainError("error.rework_already_open", number=original.number, rework=already["number"])
        device = get_device(station, original.device_id)
        data = IntakeInput(
            customer_id=original.customer_id, product_line=device.product_line, serial=device.serial,
            brand=device.brand, model=device.model, fault_reported=fault_reported,
        )
        try:
            order = create_order(station, actor, data, rework_of=original.id, free_rework=decision.free)
        except Refused as refusal:  # its event is kept: the refusal commits, as at any intake
            refused = refusal
        else:
            refused = None
    if refused is not None:
        raise refused
    return order, decision
