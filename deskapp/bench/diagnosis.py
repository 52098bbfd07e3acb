"""Diagnosis at the bench: findings and cause; the policy re-checks coverage now that the
cause is known (human damage, liquid, disassembly... make the repair chargeable)."""

from __future__ import annotations

import json
from dataclasses import replace

from deskapp.orders.model import get_order, locked_row
from deskapp.orders.moves import advance
from deskapp.records.devices import get_device
from deskapp.records.purchases import purchase_by_id
from deskapp.rules import validate
from deskapp.rules.dates import from_db, to_db
from deskapp.rules.errors import DomainError, TKey
from deskapp.rules.policy import CAUSES, Reason, WarrantyDecision
from deskapp.storage import events

DIAGNOSIS_STATES = ("received", "diagnosing", "in_repair", "waiting_parts")
REPAIR_STATES = ("in_repair", "waiting_parts")


def record_diagnosis(station, actor, number: str, findings: str, cause: str = "",
                     causes: tuple[str, ...] | list[str] = ()) -> WarrantyDecision:
    """Record what the engineer found; the order's coverage follows the causes now known,
    both ways: a cause ticked makes an order taken in as covered chargeable, un-ticked (saved
    again without it) covered again, a free rework free again. What the order was at intake
    (out of warranty, an excluded part) stands whatever is ticked. A cause found during the
    repair stops it: back to diagnosis, for a quote and the customer's answer.

    All of it is decided on the order's row read under the write lock (one transaction)."""
    findings = validate.required_text("findings", findings, max_len=2000)
    cause = validate.optional_text("cause", cause, max_len=500)
    for c in causes:
        if c not in CAUSES:
            raise DomainError("error.unknown_cause", cause=c, known=", ".join(CAUSES))
    with station.store.write() as conn:
        row = locked_row(conn, number)
        if row["state"] not in DIAGNOSIS_STATES:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        order = get_order(station, number)  # under the lock: the writer reads inside its own write
        free_at_intake = _free_at_intake(conn, order)
        # _recheck reads the order as it was taken in (a rework free at intake is free until a cause is found)
        decision = _recheck(station, replace(order, chargeable=not free_at_intake),
                            get_device(station, order.device_id), tuple(causes))
        if not free_at_intake and not decision.chargeable:  # chargeable since intake: it stays so
            decision = replace(decision, chargeable=True, reasons=tuple(
                Reason(r["code"], r.get("params", {})) for r in order.warranty_reasons))
        reasons = [{"code": r.code, "params": r.params} for r in decision.reasons]
        conn.execute(
            "INSERT INTO diagnoses (order_id, findings, cause, causes, chargeable, reasons, actor, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row["id"], findings, cause, json.dumps(list(causes)), int(decision.chargeable),
             json.dumps(reasons, ensure_ascii=False), actor.name, to_db(station.now())),
        )
        if decision.chargeable != bool(row["chargeable"]):
            if not decision.chargeable and row["quote_status"] == "approved":
                raise DomainError("error.coverage_after_approval", number=row["number"])
            conn.execute("UPDATE repair_orders SET chargeable = ?, warranty_reasons = ?, updated_at = ? WHERE id = ?",
                         (int(decision.chargeable), json.dumps(reasons, ensure_ascii=False), to_db(station.now()),
                          row["id"]))
        events.record(conn, station, actor, "order.diagnosed", order_id=row["id"], subject=row["number"],
                      data={"causes": list(causes), "chargeable": decision.chargeable,
                            "reasons": [r["code"] for r in reasons]})
        if decision.chargeable and row["state"] in REPAIR_STATES and row["quote_status"] != "approved":
            advance(station, actor, number, "stop_for_quote",  # the repair stops until the customer agrees
                    reason=", ".join(r["code"] for r in reasons))
    return decision


def _free_at_intake(conn, order) -> bool:
    """Whether the order was taken in as covered: as logged when it was created (the event log
    is append-only), so diagnoses saved since cannot change it."""
    row = conn.execute("SELECT data FROM events WHERE order_id = ? AND kind = 'order.created' ORDER BY id LIMIT 1",
                       (order.id,)).fetchone()
    if row is None:  # not expected: every order is created with its event
        return not order.chargeable
    return not json.loads(row["data"]).get("chargeable", order.chargeable)


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
