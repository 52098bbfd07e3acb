"""Child processes for the bench's race tests (run as ``python tests/bench_workers.py ...``).

Two of them act on the same orders in rounds: round i starts for both at ``start + i * slot``
(wall clock), so each pair of calls really meets at one order at one moment. Each prints one
JSON line: per round, "ok", the refusal's catalog key, or the unexpected error.

    python tests/bench_workers.py ACTION DB TAG STAFF START SLOT AT [SWEEP]

SWEEP (seconds) shifts this process by ``SWEEP * (i % 10)`` in round i, so over the rounds
its call meets the other's at every point of the other's work, not only at its start.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.station import Actor, Station  # noqa: E402


def _take(station, actor, number, at, arg=""):
    from deskapp.bench.work_list import take

    take(station, actor, number)


def _rework(station, actor, number, at, arg=""):
    from deskapp.orders.rework import create_rework

    create_rework(station, actor, number, "no picture again", same_fault=True)


def _diagnose(station, actor, number, at, arg=""):
    from deskapp.bench.diagnosis import record_diagnosis

    record_diagnosis(station, actor, number, "Corrosion on the board", "coffee", causes=["liquid_damage"])


def _delay(station, actor, number, at, arg=""):
    from deskapp.bench.calls import record_delay_call

    record_delay_call(station, actor, number, kind="complex", outcome="reached", new_due=at + dt.timedelta(days=2))


def _loaner(station, actor, number, at, arg=""):
    from deskapp.bench.loaners import issue_loaner

    issue_loaner(station, actor, number, "VisionCam spare")


def _give(station, actor, number, at, colleague):
    from deskapp.bench.work_list import give

    row = station.store.query_one("SELECT id FROM staff WHERE name = ?", (colleague,))
    give(station, actor, number, row["id"], "she knows this model")


def _withdraw(station, actor, number, at, arg=""):
    """The customer withdraws while the device is at the bench (it goes back through the counter)."""
    from deskapp.orders.moves import advance

    advance(station, actor, number, "withdraw", reason="the customer withdrew")


ACTIONS = {"take": _take, "give": _give, "rework": _rework, "diagnose": _diagnose, "delay": _delay, "loaner": _loaner,
           "withdraw": _withdraw}


def main(action: str, db: str, tag: str, staff: str, start: float, slot: float, at: dt.datetime,
         sweep: float = 0.0) -> None:
    from deskapp.rules.errors import DeskError

    name, _, arg = action.partition(":")  # give:COLLEAGUE
    station = Station.open(db, locale="en", clock=lambda: at)
    row = station.store.query_one("SELECT id, name, role FROM staff WHERE name = ?", (staff,))
    actor = Actor(name=row["name"], terminal=f"B-{os.getpid()}", staff_id=row["id"], role=row["role"])
    numbers = [r["number"] for r in station.store.query(
        "SELECT number FROM repair_orders WHERE fault_reported = ? ORDER BY id", (tag,))]
    outcomes = []
    for i, number in enumerate(numbers):
        while time.time() < start + i * slot + sweep * (i % 10):  # both processes meet at this order now
            time.sleep(0.0005)
        try:
            ACTIONS[name](station, actor, number, at, arg)
            outcomes.append("ok")
        except DeskError as exc:  # a clear refusal
            outcomes.append(str(exc.key))
        except Exception as exc:  # noqa: BLE001 - reported, never hidden ("database is locked" included)
            outcomes.append(f"crash: {type(exc).__name__}: {exc}")
    station.close()
    print(json.dumps({"numbers": numbers, "outcomes": outcomes}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]),
         dt.datetime.fromisoformat(sys.argv[7]), float(sys.argv[8]) if len(sys.argv) > 8 else 0.0)
