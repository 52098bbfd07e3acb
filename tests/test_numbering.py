"""Queue and order numbers: unique and increasing across real processes, restarting daily."""

from __future__ import annotations

import datetime as dt

from builders import import_sales
from conftest import TAIPEI, spawn_workers

from deskapp.reception.queue import call_next, set_status, take_number, waiting_counts
from deskapp.rules.numbering import normalise_order_number


def test_queue_numbers_from_four_terminals_at_once_never_collide(station, tmp_path):
    db = station.store.path
    reports = spawn_workers("queue", db, count=60, processes=4)
    issued = [n for r in reports for n in r["numbers"]]
    assert [r["errors"] for r in reports] == [[]] * 4  # no "database is locked", nothing else either
    assert sorted(issued) == list(range(1, 241))  # 240 numbers, no duplicate, no gap
    for r in reports:  # each terminal saw its own numbers strictly increasing
        assert r["numbers"] == sorted(r["numbers"]) and len(set(r["numbers"])) == 60
    stored = station.store.query("SELECT number FROM queue_tickets ORDER BY number")
    assert [row["number"] for row in stored] == list(range(1, 241))  # no lost write


def test_order_numbers_from_three_terminals_at_once_are_unique(station, team, tmp_path):
    import_sales(station, team["manager"], tmp_path,
                 [("CAM-RACE-1", "VisionCam", "camera", "2026-10-01", "R-1", "Shop")])
    reports = spawn_workers("orders", station.store.path, count=15, processes=3)
    numbers = [n for r in reports for n in r["numbers"]]
    assert [r["errors"] for r in reports] == [[]] * 3
    assert len(numbers) == len(set(numbers)) == 45
    assert sorted(numbers) == [f"R2611-{i:05d}" for i in range(1, 46)]  # the workers run on the fixed clock


def test_queue_numbers_have_a_letter_per_service_and_restart_every_day(station, system, clock):
    a1 = take_number(station, system, "drop-off")
    a2 = take_number(station, system, "drop-off")
    b1 = take_number(station, system, "pickup")
    c1 = take_number(station, system, "inquiry")
    assert (a1.code, a2.code, b1.code, c1.code) == ("A001", "A002", "B001", "C001")
    assert (a1.ahead, a2.ahead, b1.ahead) == (0, 1, 0)
    clock.set(dt.datetime(2026, 11, 24, 23, 59, tzinfo=TAIPEI))
    assert take_number(station, system, "drop-off").code == "A003"
    clock.set(dt.datetime(2026, 11, 25, 0, 1, tzinfo=TAIPEI))  # midnight in the station's time zone
    fresh = take_number(station, system, "drop-off")
    assert (fresh.code, fresh.day, fresh.ahead) == ("A001", "2026-11-25", 0)


def test_calling_skipping_and_counting_the_queue(station, system):
    for _ in range(3):
        take_number(station, system, "drop-off")
    assert waiting_counts(station) == {"drop-off": 3, "pickup": 0, "inquiry": 0}
    called = call_next(station, system, "drop-off")
    assert called.code == "A001" and waiting_counts(station)["drop-off"] == 2
    set_status(station, system, "A002", "skipped")
    assert call_next(station, system, "drop-off").code == "A003"
    assert call_next(station, system, "drop-off") is None  # nobody waits: the call is skipped
    assert take_number(station, system, "drop-off").ahead == 0


def test_order_numbers_restart_each_month_and_are_never_reused(station, team, customer, clock, tmp_path):
    from deskapp.orders.creation import IntakeInput, create_order

    import_sales(station, team["manager"], tmp_path, [("CAM-1", "VisionCam", "camera", "2026-10-01", "R-1", "Shop")])
    make = lambda: create_order(station, team["reception"], IntakeInput(  # noqa: E731
        customer_id=customer.id, product_line="camera", serial="CAM-1", fault_reported="x")).number
    assert [make(), make()] == ["R2611-00001", "R2611-00002"]
    clock.set(dt.datetime(2026, 12, 1, 9, 0, tzinfo=TAIPEI))
    assert make() == "R2612-00001"


def test_order_numbers_as_typed_or_scanned():
    assert normalise_order_number("R2611-00042") == "R2611-00042"
    assert normalise_order_number("r2611 42") == "R2611-00042"
    assert normalise_order_number(" R261100042\n") == "R2611-00042"
    assert normalise_order_number("nonsense") == "NONSENSE"
