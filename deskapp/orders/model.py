"""The repair order as the code sees it, and how a service locks one: read its row inside
the write transaction (``locked_row``), check the rule on that row, change it (``change``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, NotFound, TKey
from deskapp.rules.lifecycle import OPEN_STATES, State
from deskapp.rules.numbering import normalise_order_number
from deskapp.storage import events


@dataclass(frozen=True)
class RepairOrder:
    id: int
    number: str
    state: State
    customer_id: int
    device_id: int
    dealer_id: int | None
    rework_of: int | None
    warranty_status: str
    chargeable: bool
    warranty_ends: str | None
    warranty_reasons: list
    contract_level: int | None
    fault_reported: str
    fault_confirmed: str
    intake: dict
    assigned_engineer_id: int | None
    promised_at: str | None
    quote_status: str
    quote_total: int
    quote_answer: str
    repair_record: str
    outcome: str
    unrepaired_reason: str
    repair_warranty_months: int | None
    no_warranty_consent: bool
    verified_at: str | None
    verified_by: str
    waiver_reason: str
    cancel_reason: str
    created_at: str
    updated_at: str
    released_at: str | None
    closed_at: str | None
    voucher_signed_at: str | None = None
    inspection_due_at: str | None = None
    return_method: str = ""  # an unrepaired return: 'collect' or 'ship'

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


_CONVERT = {"state": State, "chargeable": bool, "no_warranty_consent": bool,
            "warranty_reasons": json.loads, "intake": json.loads}


def _order(row) -> RepairOrder:
    return RepairOrder(**{f.name: _CONVERT.get(f.name, _same)(row[f.name]) for f in fields(RepairOrder)})


def _same(value):
    return value


def locked_row(conn, number: str):
    row = conn.execute("SELECT * FROM repair_orders WHERE number = ?", (normalise_order_number(number),)).fetchone()
    if row is None:
        raise NotFound("error.order_not_found", number=str(number).strip())
    return row


def require_role(actor, *roles: str) -> None:
    if actor.role not in roles:
        raise DomainError("error.role_required", role=TKey(f"role.{roles[0]}"))


def get_order(station, number: str) -> RepairOrder:
    wanted = normalise_order_number(number)
    row = station.store.query_one("SELECT * FROM repair_orders WHERE number = ?", (wanted,))
    if row is None:
        raise NotFound("error.order_not_found", number=str(number).strip())
    return _order(row)


def get_order_by_id(station, order_id: int) -> RepairOrder:
    row = station.store.query_one("SELECT * FROM repair_orders WHERE id = ?", (order_id,))
    if row is None:
        raise NotFound("error.order_not_found", number=str(order_id))
    return _order(row)


def change(station, actor, number: str, kind: str, allowed: tuple[State, ...], updates: dict, data: dict) -> RepairOrder:
    """A change that is not a state move, allowed only in some states, logged."""
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if State(row["state"]) not in allowed:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        updates = {**updates, "updated_at": to_db(station.now())}
        sets = ", ".join(f"{k} = ?" for k in updates)
        conn.execute(f"UPDATE repair_orders SET {sets} WHERE id = ?", (*updates.values(), row["id"]))
        events.record(conn, station, actor, kind, order_id=row["id"], subject=row["number"], data=data)
    return get_order(station, number)

