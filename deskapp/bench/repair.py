"""The repair record: the work done, the parts used (old parts returned, or why not), the
time spent, and the repair warranty agreed with the customer."""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.orders.model import RepairOrder, change, get_order, locked_row
from deskapp.rules import validate
from deskapp.rules.errors import ValidationError
from deskapp.rules.lifecycle import OPEN_STATES, State


@dataclass(frozen=True)
class PartUsed:
    part: str
    quantity: int = 1
    old_part_returned: bool = True
    old_part_reason: str = ""  # why the replaced part is not returned to the customer


# The whole repair record of one order, every entry together (each entry up to 2,000 characters).
RECORD_MAX = 20_000
MINUTES_MAX = 10_000  # one entry's time spent: about a week of working hours


def record_repair(station, actor, number: str, work: str, parts: tuple | list = (), minutes: int = 0) -> RepairOrder:
    """One more entry in the repair record: work done, parts used (old parts returned, or why
    not), time spent. Entries accumulate: the work is added below what is recorded, the parts
    join the parts already used, the minutes add up; nothing recorded before is replaced."""
    work = validate.required_text("repair_record", work, max_len=2000)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
        raise ValidationError("minutes", "error.minutes_not_negative")
    if minutes > MINUTES_MAX:
        raise ValidationError("minutes", "error.quantity_too_large", max=MINUTES_MAX, value=minutes)
    checked = []
    for i, p in enumerate(parts):
        name = validate.required_text(f"part{i + 1}", p.part, max_len=120)
        validate.quantity(f"part{i + 1}", p.quantity)
        reason = validate.optional_text(f"part{i + 1}_reason", p.old_part_reason, max_len=200)
        if not p.old_part_returned and not reason:
            raise ValidationError(f"part{i + 1}_reason", "error.old_part_reason_needed", part=name)
        checked.append((name, p.quantity, int(bool(p.old_part_returned)), reason))
    with station.store.write() as conn:
        row = locked_row(conn, number)
        before = row["repair_record"].rstrip()
        record = f"{before}\n{work}" if before else work
        if len(record) > RECORD_MAX:
            raise ValidationError("repair_record", "error.repair_record_full", max=RECORD_MAX, length=len(before))
        order = change(station, actor, number, "order.repair_recorded", (State.IN_REPAIR, State.WAITING_PARTS),
                       {"repair_record": record, "minutes_spent": row["minutes_spent"] + minutes},
                       {"work": work, "minutes": minutes, "parts": [c[0] for c in checked]})
        # a repair always carries a repair warranty: the policy's default until one is agreed
        conn.execute("UPDATE repair_orders SET repair_warranty_months = ? WHERE id = ? AND repair_warranty_months IS NULL",
                     (station.policy.repair_warranty_default, order.id))
        conn.executemany(
            "INSERT INTO repair_parts (order_id, part, quantity, old_part_returned, old_part_reason) VALUES (?, ?, ?, ?, ?)",
            [(order.id, *c) for c in checked])
    return get_order(station, number)


def set_repair_warranty(station, actor, number: str, months: int | None, consent_recorded: bool = False) -> RepairOrder:
    decision = station.policy.repair_warranty(months, consent_recorded=consent_recorded)
    return change(
        station, actor, number, "order.repair_warranty_set", OPEN_STATES,
        {"repair_warranty_months": decision.months, "no_warranty_consent": int(decision.months == 0)},
        {"months": decision.months, "consent": consent_recorded},
    )
