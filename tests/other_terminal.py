"""Another terminal of the station, as a real process: one business action through the real
services on the station file, then it exits. The live-refresh tests watch a Pilot-driven app
show what this process committed.

    python tests/other_terminal.py DB take-number drop-off
    python tests/other_terminal.py DB call-next drop-off
    python tests/other_terminal.py DB receive SERIAL ENGINEER    (taken in, on ENGINEER's bench)
    python tests/other_terminal.py DB ready SERIAL               (repaired by 陳志明, ready at the counter)
    python tests/other_terminal.py DB hand-over NUMBER COLLEAGUE (a manager moves it to COLLEAGUE)
    python tests/other_terminal.py DB declined SERIAL LINE       (quote declined: to collect unrepaired)

On the tests' fixed clock, unless OTHER_TERMINAL_CLOCK=real: then on the machine's, as the
apps served to a browser by `deskapp serve` run (a board shows today's numbers).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builders import fixed_clock, ready_order  # noqa: E402

from deskapp.station import Actor, Station  # noqa: E402

TERMINAL = "OTHER-DESK"


def staff(station, name: str) -> Actor:
    row = station.store.query_one("SELECT id, role FROM staff WHERE name = ?", (name,))
    return Actor(name=name, terminal=TERMINAL, staff_id=row["id"], role=row["role"])


def first_customer(station) -> int:
    return station.store.query_one("SELECT id FROM customers ORDER BY id LIMIT 1")["id"]


def main(db: str, action: str, *args: str) -> None:
    real = os.environ.get("OTHER_TERMINAL_CLOCK") == "real"
    station = Station.open(db, locale="en", **({} if real else {"clock": fixed_clock()}))
    reception = staff(station, "Amy Reception")
    if action == "take-number":
        from deskapp.reception.queue import take_number

        print(take_number(station, reception, args[0]).code)
    elif action == "call-next":
        from deskapp.reception.queue import call_next

        print(call_next(station, reception, args[0]).code)
    elif action == "receive":
        from deskapp.orders.creation import IntakeInput, create_order
        from deskapp.orders.moves import assign_engineer

        serial, engineer = args
        number = create_order(station, reception, IntakeInput(
            customer_id=first_customer(station), product_line="camera", serial=serial,
            fault_reported="no picture")).number
        assign_engineer(station, reception, number, staff(station, engineer).staff_id)
        print(number)
    elif action == "ready":
        print(ready_order(station, reception, staff(station, "陳志明"), first_customer(station), serial=args[0]))
    elif action == "declined":  # quoted, declined, to be collected unrepaired; its voucher printed
        from builders import CODE

        from deskapp.bench.quotes import QuoteLine, answer_quote, send_quote
        from deskapp.documents.thermal import new_check_code
        from deskapp.orders.creation import IntakeInput, create_order
        from deskapp.orders.moves import advance, assign_engineer

        engineer = staff(station, "陳志明")
        number = create_order(station, reception, IntakeInput(
            customer_id=first_customer(station), product_line=args[1], serial=args[0],
            fault_reported="no picture")).number
        assign_engineer(station, reception, number, engineer.staff_id)
        advance(station, engineer, number, "start_diagnosis")
        send_quote(station, engineer, number, [QuoteLine("part", "Sensor", 1, 3200)])
        answer_quote(station, engineer, number, approved=False, method="phone", return_method="collect")
        new_check_code(station, reception, number, CODE)
        print(number)
    elif action == "hand-over":
        from deskapp.bench.work_list import give

        number, colleague = args
        give(station, staff(station, "Mia Manager"), number, staff(station, colleague).staff_id, "the other bench is free")
        print(number)
    else:
        raise SystemExit(f"unknown action {action}")
    station.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
