"""The device passcode a customer leaves for testing: shown only to the assigned engineer,
every look logged; kept sealed with the key beside the station file (never plaintext in the
file, see :mod:`deskapp.storage.sealed`); erased when the device is released, or the order closes or
is cancelled."""

from __future__ import annotations

from deskapp.orders.model import get_order
from deskapp.rules.errors import DomainError, NotFound
from deskapp.storage import events
from deskapp.storage.sealed import unseal


def has_passcode(station, number: str) -> bool:
    order = get_order(station, number)
    return station.store.query_one("SELECT 1 FROM device_passcodes WHERE order_id = ?", (order.id,)) is not None


def reveal_passcode(station, actor, number: str) -> str:
    """The device passcode, for the engineer the order is assigned to only; every look is logged."""
    order = get_order(station, number)
    if actor.staff_id is None or actor.staff_id != order.assigned_engineer_id:
        raise DomainError("error.passcode_not_yours", number=order.number)
    row = station.store.query_one("SELECT passcode FROM device_passcodes WHERE order_id = ?", (order.id,))
    if row is None:
        raise NotFound("error.no_passcode", number=order.number)
    with station.store.write() as conn:
        events.record(conn, station, actor, "order.passcode_viewed", order_id=order.id, subject=order.number)
    return unseal(station.store, f"passcode:{order.id}", row["passcode"])
