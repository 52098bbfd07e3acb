"""Diagnosis at the bench: findings and cause; the policy re-checks coverage now that the
cause is known (human damage, liquid, disassembly... make the repair chargeable)."""

from __future__ import annotations

import json

from deskapp.orders.model import get_order, locked_row
from deskapp.records.devices import get_device
from deskapp.records.purchases import purchase_by_id
from deskapp.rules import validate
from deskapp.rules.dates import from_db, to_db
from deskapp.rules.errors import DomainError
from deskapp.rules.policy import CAUSES, Reason, WarrantyDecision
from deskapp.storage import events


def record_diagnosis(station, actor, number: str, findings: str, cause: str = "",
                     causes: tuple[str, ...] | list[str] = ()) -> WarrantyDecision:
    """Record what the engineer found; an in-warranty order becomes chargeable if a cause excludes it."""
    findings = validate.required_text("findings", findings, max_len=2000)
    cause = validate.optional_text("cause", cause, max_len=500)
    for c in causes:
        if c not in CAUSES:
            raise DomainError("error.unknown_cause", cause=c, known=", ".join(CAUSES))
    order = get_order(station, number)
    if str(order.state) not in ("received", "diagnosing", "in_repair", "waiting_parts"):
        raise DomainError("error.not_in_state", number=order.number, state=order.state)
    device = get_device(station, order.device_id)
    decision = _recheck(station, order, device, tuple(causes))
    with station.store.write() as conn:
        row = locked_row(conn, number)
        reasons = [{"code": r.code, "params": r.params} for r in decision.reasons]
        conn.execute(
            "INSERT INTO diagnoses (order_id, findings, cause, causes, chargeable, reasons, actor, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row["id"], findings, cause, json.dumps(list(causes)), int(decision.chargeable),
             json.dumps(reasons, ensure_ascii=False), actor.name, to_db(station.now())),
        )
        if decision.chargeable and not row["chargeable"]:
            conn.execute("UPDATE repair_orders SET chargeable = 1, warranty_reasons = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(reasons, ensure_ascii=False), to_db(station.now()), row["id"]))
        events.record(conn, station, actor, "order.diagnosed", order_id=row["id"], subject=row["number"],
                      data={"causes": list(causes), "chargeable": decision.chargeable,
                            "reasons": [r["code"] for r in reasons]})
    return decision


def _recheck(station, order, device, causes) -> WarrantyDecision:
    """The warranty decision as at intake, with the causes now known."""
    if order.rework_of is not None and not order.chargeable:
        if causes:  # a free rework with a new cause found is charged like any repair
            return WarrantyDecision(reasons=tuple(Reason(f"cause_{c}") for c in causes), phrases=(),
                                    status="in_warranty", chargeable=True)
        return WarrantyDecision(reasons=(Reason("rework_free_order"),), phrases=(), status="in_warranty",
                                chargeable=False)
    # The sale recorded at intake (found by serial or by invoice then), not a new look-up by
    # serial: on an invoice-only station that finds nothing and the order would turn chargeable.
    purchase = recorded_purchase(station, order.id)
    intake_day = from_db(order.created_at).astimezone(station.tz).date()
    if purchase is None:  # taken in out of warranty without a record (policy allowed it)
        return station.policy.out_of_warranty(device.product_line, (Reason("no_purchase_record_accepted",
                                                                            {"serial": device.serial}),))
    return station.policy.check_warranty(serial=device.serial, product_line=device.product_line,
                                         purchase=purchase.facts(), today=intake_day, causes=causes)


def recorded_purchase(station, order_id: int):
    """The purchase record the order was taken in on (None: taken in without one)."""
    row = station.store.query_one("SELECT purchase_id FROM repair_orders WHERE id = ?", (order_id,))
    return purchase_by_id(station, row["purchase_id"] if row is not None else None)


def diagnoses(station, order_id: int) -> list[dict]:
    rows = station.store.query(
        "SELECT findings, cause, causes, chargeable, reasons, actor, at FROM diagnoses WHERE order_id = ? ORDER BY id",
        (order_id,))
    return [{**dict(r), "causes": json.loads(r["causes"]), "reasons": json.loads(r["reasons"]),
             "chargeable": bool(r["chargeable"])} for r in rows]
