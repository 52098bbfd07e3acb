"""Child-process workers for the reception races (run as ``python tests/reception_workers.py
KIND DB ENGINEER START AT``); each prints one JSON line with what it did."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.station import Actor, Station  # noqa: E402


def hand_offs(db: str, engineer: str, start_at: float, at) -> None:
    """Two reception terminals hand off the same orders at the same moment, each to its own
    engineer (with a reason where that is not the rule's choice)."""
    import os

    from deskapp.reception.hand_off import hand_off
    from deskapp.rules.errors import DomainError

    station = Station.open(db, locale="en", clock=lambda: at)
    actor = Actor(name=f"reception-{os.getpid()}", terminal=f"R-{os.getpid()}", role="reception")
    engineer_id = station.store.query_one("SELECT id FROM staff WHERE name = ?", (engineer,))["id"]
    numbers = [r["number"] for r in station.store.query("SELECT number FROM repair_orders ORDER BY id")]
    while time.time() < start_at:
        time.sleep(0.001)
    done, refused, errors = [], [], []
    for number in numbers:
        try:
            hand_off(station, actor, number, engineer_id, f"{engineer} asked for it")
            done.append(number)
        except DomainError as exc:
            refused.append([number, exc.key])
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"engineer": engineer, "done": done, "refused": refused, "errors": errors}))


if __name__ == "__main__":
    import datetime as dt

    kind, db, engineer, start_at, at = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
    {"hand_off": hand_offs}[kind](db, engineer, start_at, dt.datetime.fromisoformat(at))
