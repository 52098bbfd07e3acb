"""The farewell: device wiped, business card, belongings; the order closes and the device
passcode leaves with it."""

from __future__ import annotations

import json

from deskapp.orders.model import RepairOrder, locked_row
from deskapp.orders.moves import advance
from deskapp.rules.errors import TKey, ValidationError

FAREWELL_ITEMS = ("wiped", "card", "belongings")


def farewell(station, actor, number: str, done: dict) -> RepairOrder:
    """The closing checklist (device wiped, business card handed, belongings reminder); then the
    order closes, leaves the counter and the device passcode is erased."""
    with station.store.write() as conn:
        row = locked_row(conn, number)
        # no card was left at the sign-off (with its reason): nothing to hand over now
        needed = [i for i in FAREWELL_ITEMS if not (i == "card" and row["card_left"] == 0)]
        missing = [i for i in needed if not done.get(i)]
        if missing:
            raise ValidationError(f"farewell_{missing[0]}", "error.farewell_item_needed",
                                  item=TKey(f"pickup.farewell_{missing[0]}"))
        conn.execute("UPDATE repair_orders SET farewell = ? WHERE id = ?",
                     (json.dumps({i: bool(done.get(i)) for i in FAREWELL_ITEMS}), row["id"]))
        return advance(station, actor, number, "close")
