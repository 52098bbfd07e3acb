"""Child-process workers for the concurrency tests (run as ``python tests/workers.py ...``).

Each prints one JSON line with what it did, so the parent can check for duplicates
and lost writes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.station import Actor, Station  # noqa: E402

AT = None  # the parent's fixed "now" (argv[5]): the workers never read the machine's clock


def open_station(db: str) -> Station:
    return Station.open(db, locale="en", clock=lambda: AT)


def queue_numbers(db: str, count: int, start_at: float) -> None:
    from deskapp.reception.queue import take_number

    station = open_station(db)
    actor = Actor.system(name="worker", terminal=f"T-{__import__('os').getpid()}")
    while time.time() < start_at:  # start together
        time.sleep(0.001)
    numbers, errors = [], []
    for _ in range(count):
        try:
            numbers.append(take_number(station, actor, "drop-off").number)
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"numbers": numbers, "errors": errors}))


def order_numbers(db: str, count: int, start_at: float) -> None:
    from deskapp.orders.creation import IntakeInput, create_order
    from deskapp.records.customers import CustomerInput, create_customer

    station = open_station(db)
    actor = Actor.system(name="worker", terminal="T")
    customer = create_customer(station, actor, CustomerInput(name="Race", phones=["0911000000"]))
    while time.time() < start_at:
        time.sleep(0.001)
    numbers, errors = [], []
    for i in range(count):
        try:
            order = create_order(station, actor, IntakeInput(
                customer_id=customer.id, product_line="camera", serial="CAM-RACE-1", fault_reported=f"race {i}"))
            numbers.append(order.number)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"numbers": numbers, "errors": errors}))


def open_only(db: str, count: int, start_at: float) -> None:
    while time.time() < start_at:
        time.sleep(0.001)
    station = open_station(db)
    print(json.dumps({"version": station.store.schema_version(), "errors": []}))


def release_ready(db: str, count: int, start_at: float) -> None:
    """Two pickup terminals press "release" on the same order at the same moment."""
    import os

    from deskapp.counter.release import release
    from deskapp.rules.errors import DomainError

    station = open_station(db)
    actor = Actor(name="pickup-person", terminal=f"P-{os.getpid()}", role="pickup")
    number = station.store.query_one("SELECT number FROM repair_orders WHERE state = 'ready'")["number"]
    while time.time() < start_at:
        time.sleep(0.001)
    released, refused, errors = [], [], []
    for _ in range(count):
        try:
            released.append(release(station, actor, number).number)
        except DomainError as exc:  # the other terminal was first: a clear refusal
            refused.append(str(exc.key))
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"released": released, "refused": refused, "errors": errors}))


if __name__ == "__main__":
    import datetime as dt

    kind, db, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    AT = dt.datetime.fromisoformat(sys.argv[5])
    {"queue": queue_numbers, "orders": order_numbers, "open": open_only,
     "release": release_ready}[kind](db, count, start_at)
