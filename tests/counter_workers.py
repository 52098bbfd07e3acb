"""Child-process workers for the counter's races (run as ``python tests/counter_workers.py
KIND DB COUNT START_AT NOW ROLE``). Each prints one JSON line with what it did."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.station import Actor, Station  # noqa: E402


def pay_or_waive(db: str, count: int, start_at: float, at: dt.datetime, role: str) -> None:
    """One counter takes payment on every ready order, the other has a manager waive them."""
    from deskapp.counter.fees import pay, waive
    from deskapp.rules.errors import DomainError

    station = Station.open(db, locale="en", clock=lambda: at)
    staff = {r["role"]: r for r in station.store.query("SELECT id, name, role FROM staff")}
    me = Actor(name=staff["pickup"]["name"], terminal=f"P-{os.getpid()}", staff_id=staff["pickup"]["id"], role="pickup")
    manager = Actor(name=staff["manager"]["name"], terminal=f"P-{os.getpid()}", staff_id=staff["manager"]["id"],
                    role="manager")
    numbers = [r["number"] for r in station.store.query("SELECT number FROM repair_orders WHERE state = 'ready'"
                                                        " ORDER BY id")][:count]
    while time.time() < start_at:
        time.sleep(0.001)
    done, refused, errors = [], [], []
    for number in numbers:
        try:
            if role == "pay":
                pay(station, me, number, "cash")
            else:
                waive(station, me, manager, number, "goodwill")
            done.append(number)
        except DomainError as exc:  # the other counter was first: a clear refusal
            refused.append(str(exc.key))
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"done": done, "refused": refused, "errors": errors}))


def sign_off_pass_or_fail(db: str, count: int, start_at: float, at: dt.datetime, role: str) -> None:
    """Two counters sign off the same unrepaired returns at once: one passes every item, the
    other fails one (which sends the return back: a new pickup, holder check cleared)."""
    from deskapp.counter.sign_off import SignOff, sign_off
    from deskapp.counter.voucher_check import look_up
    from deskapp.rules.errors import DomainError

    station = Station.open(db, locale="en", clock=lambda: at)
    staff = {r["role"]: r for r in station.store.query("SELECT id, name, role FROM staff")}
    me = Actor(name=staff["pickup"]["name"], terminal=f"P-{os.getpid()}", staff_id=staff["pickup"]["id"], role="pickup")
    numbers = [r["number"] for r in station.store.query("SELECT number FROM repair_orders WHERE state ="
                                                        " 'return_unrepaired' ORDER BY id")][:count]
    checklists = {n: look_up(station, me, n).checklist for n in numbers}
    while time.time() < start_at:
        time.sleep(0.001)
    done, refused, errors = [], [], []
    for number in numbers:
        results = {item: "pass" for item in checklists[number]}
        if role == "fail":
            results[checklists[number][0]] = "fail"
        try:
            sign_off(station, me, number, SignOff(results, False, "王小明"))
            done.append(number)
        except DomainError as exc:
            refused.append(str(exc.key))
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"done": done, "refused": refused, "errors": errors}))


if __name__ == "__main__":
    kind, db, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    at, role = dt.datetime.fromisoformat(sys.argv[5]), sys.argv[6]
    {"pay_or_waive": pay_or_waive, "sign_off": sign_off_pass_or_fail}[kind](db, count, start_at, at, role)
