"""Loaner devices during a repair (maintenance contract level 2 and up)."""

from __future__ import annotations

from deskapp.orders.model import locked_row
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, TKey
from deskapp.storage import events


# A loaner goes out while the device is at the station for its repair, not once it is ready or gone.
LOANER_STATES = ("received", "diagnosing", "awaiting_approval", "approved", "in_repair", "waiting_parts")


def issue_loaner(station, actor, number: str, device: str) -> None:
    device = validate.required_text("loaner_device", device, max_len=120)
    with station.store.write() as conn:  # contract, state and loaner out: all read under the lock
        row = locked_row(conn, number)
        level = row["contract_level"]
        if level is None or not station.policy.contract(level).loaner:
            raise DomainError("error.no_loaner_in_contract", number=row["number"])
        if row["state"] not in LOANER_STATES:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        if conn.execute("SELECT 1 FROM loaners WHERE order_id = ? AND returned_at IS NULL", (row["id"],)).fetchone():
            raise DomainError("error.loaner_out", number=row["number"])
        conn.execute("INSERT INTO loaners (order_id, device, issued_at) VALUES (?, ?, ?)",
                     (row["id"], device, to_db(station.now())))
        events.record(conn, station, actor, "order.loaner_issued", order_id=row["id"], subject=row["number"],
                      data={"device": device})


def return_loaner(station, actor, number: str) -> None:
    with station.store.write() as conn:
        row = locked_row(conn, number)
        cur = conn.execute("UPDATE loaners SET returned_at = ? WHERE order_id = ? AND returned_at IS NULL",
                           (to_db(station.now()), row["id"]))
        if cur.rowcount == 0:
            raise DomainError("error.no_loaner_out", number=row["number"])
        events.record(conn, station, actor, "order.loaner_returned", order_id=row["id"], subject=row["number"])


def loaners_of(station, order_id: int) -> list[dict]:
    return [dict(r) for r in station.store.query(
        "SELECT device, issued_at, returned_at FROM loaners WHERE order_id = ? ORDER BY id", (order_id,))]
