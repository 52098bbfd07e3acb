"""Creating a repair order at the end of pre-inspection: the warranty decision taken on the
same snapshot the order is written from; refusals recorded, no order created."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from deskapp.orders.model import RepairOrder
from deskapp.records.devices import upsert_device
from deskapp.records.purchases import find_purchase
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, NotFound, ValidationError
from deskapp.rules.lifecycle import State
from deskapp.rules.policy import Decision, Phrase, Reason, WarrantyDecision
from deskapp.storage import events
from deskapp.storage.counters import next_order_number
from deskapp.storage.sealed import seal


class Refused(DomainError):
    """The station does not take this device in; ``decision`` has the reasons and the phrase."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        super().__init__(f"reason.{decision.reasons[0].code}", **decision.reasons[0].params)


@dataclass(frozen=True)
class IntakeInput:
    """What pre-inspection has established when the order is created."""

    customer_id: int
    product_line: str
    serial: str
    fault_reported: str
    fault_confirmed: str = ""
    brand: str = ""
    model: str = ""
    invoice_no: str = ""
    dealer_id: int | None = None
    queue_code: str | None = None
    part: str | None = None
    causes: tuple[str, ...] = ()
    intake: dict = field(default_factory=dict)
    passcode: str = ""  # the device's login password/PIN, if left for testing; never printed


INTAKE_TEXT_MAX = 500
INTAKE_LIST_MAX = 40


def clean_intake(value, field: str = "intake"):
    """What pre-inspection recorded, as it may be stored: every text cleaned (no control
    bytes, no escape sequences) and bounded, every list bounded. The last guard before the
    file, whatever called :func:`create_order`."""
    if isinstance(value, dict):
        if len(value) > INTAKE_LIST_MAX:
            raise ValidationError(field, "error.too_many_items", max=INTAKE_LIST_MAX, count=len(value))
        return {validate.required_text(field, k, max_len=60): clean_intake(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if len(value) > INTAKE_LIST_MAX:
            raise ValidationError(field, "error.too_many_items", max=INTAKE_LIST_MAX, count=len(value))
        return [clean_intake(v, field) for v in value]
    if isinstance(value, str):
        return validate.optional_text(field, value, max_len=INTAKE_TEXT_MAX)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return validate.optional_text(field, value, max_len=INTAKE_TEXT_MAX)


def _reasons_json(decision: Decision) -> str:
    return json.dumps([{"code": r.code, "params": r.params} for r in decision.reasons], ensure_ascii=False)


def dealer_end_customer_check(name: str, phone: str) -> None:
    """A dealer must give the END customer's name and contact, else the polite refusal."""
    if not str(name or "").strip() or not str(phone or "").strip():
        raise Refused(Decision(reasons=(Reason("dealer_without_end_customer"),), phrases=(Phrase("queue.dealer_refusal"),)))


def warranty_for(station, *, serial: str, product_line: str, invoice_no: str = "", part: str | None = None,
                 causes: tuple[str, ...] = ()) -> WarrantyDecision:
    """The policy's warranty decision for a device, with the purchase record looked up (read-only)."""
    return _warranty(station, validate.serial("serial", serial), product_line, invoice_no, part, causes)[0]


def _warranty(station, serial, product_line, invoice_no, part, causes):
    purchase = find_purchase(station, serial=serial, invoice_no=invoice_no or None, product_line=product_line)
    return station.policy.check_warranty(
        serial=serial,
        product_line=product_line,
        purchase=purchase.facts() if purchase else None,
        today=station.today(),
        part=part,
        causes=causes,
    ), purchase


def create_order(station, actor, data: IntakeInput, *, rework_of: int | None = None, free_rework: bool = False) -> RepairOrder:
    """Create the repair order at the end of pre-inspection.

    Refusals (grey import, no purchase record, a dealer without the end customer) are
    recorded in the event log and raise :class:`Refused`; no order is created.
    """
    fault_reported = validate.required_text("fault_reported", data.fault_reported, max_len=500)
    fault_confirmed = validate.optional_text("fault_confirmed", data.fault_confirmed, max_len=500)
    data = replace(data, intake=clean_intake(data.intake))
    if len(data.passcode) > 64:
        raise ValidationError("passcode", "error.field_too_long", max=64, length=len(data.passcode))
    station.policy.require_product_line(data.product_line)
    serial = validate.serial("serial", data.serial)
    # One write transaction for the whole intake: the decision is taken on the same
    # snapshot the order is written from, and the device, the order, its charges and its
    # event commit together or not at all (one fsync; no orphan rows after a crash).
    with station.store.write() as conn:
        customer = _customer_for_intake(station, data.customer_id)
        refused = _intake_refusal(station, data, customer, serial, free_rework)
        if isinstance(refused, Refused):
            events.record(
                conn, station, actor, "intake.refused", subject=serial,
                data={"reasons": [r.code for r in refused.decision.reasons], "customer_id": customer["id"]},
            )
        else:
            order = _insert_order(conn, station, actor, data, customer, serial, refused, fault_reported,
                                  fault_confirmed, rework_of, free_rework)
    if isinstance(refused, Refused):
        raise refused  # after the commit: the refusal stays on record
    return order


def _intake_refusal(station, data: IntakeInput, customer, serial: str, free_rework: bool):
    """The Refused to raise, or (decision, purchase) when the device is taken in."""
    try:
        if data.dealer_id is not None:
            dealer_end_customer_check(customer["name"], customer["phone"] or "")
        if free_rework:
            return WarrantyDecision(
                reasons=(Reason("rework_free_order"),), phrases=(), status="in_warranty", chargeable=False
            ), None
        decision, purchase = _warranty(station, serial, data.product_line, data.invoice_no, data.part,
                                       tuple(data.causes))
        if not decision.accepted:
            raise Refused(decision)
        return decision, purchase
    except Refused as refused:
        return refused


def _insert_order(conn, station, actor, data, customer, serial, accepted, fault_reported, fault_confirmed,
                  rework_of, free_rework) -> RepairOrder:
    decision, purchase = accepted
    level = customer["contract_level"]
    # Promises follow the station's service hours and holidays (station.toml): working days
    # are its open days, ending at that day's close; minutes are open minutes.
    local_now, hours = station.local_now(), station.service_hours
    if free_rework:
        promised = hours.minutes_later(local_now, station.policy.rework_target_hours * 60)
    else:
        promised = hours.working_days_later(local_now, station.policy.product_lines[data.product_line]["completion_days"])
    now = to_db(station.now())
    inspection_due = to_db(hours.minutes_later(local_now, station.policy.inspection_estimate_minutes))
    reasons_json = _reasons_json(decision)
    device = upsert_device(
        conn, station, actor, product_line=data.product_line, serial=serial, brand=data.brand, model=data.model,
        customer_id=customer["id"], log=False,
    )
    ticket_id = None
    if data.queue_code:
        row = conn.execute(
            "SELECT id FROM queue_tickets WHERE day = ? AND code = ?", (station.today().isoformat(), data.queue_code)
        ).fetchone()
        if row is None:
            raise ValidationError("queue_code", "error.ticket_not_found", code=data.queue_code)
        ticket_id = row["id"]
        conn.execute("UPDATE queue_tickets SET status = 'served' WHERE id = ?", (ticket_id,))
    number = next_order_number(conn, station.config.order_prefix, station.today())
    cur = conn.execute(
        """INSERT INTO repair_orders (number, state, customer_id, dealer_id, device_id, purchase_id,
               queue_ticket_id, rework_of, warranty_status, chargeable, warranty_ends, warranty_reasons,
               contract_level, fault_reported, fault_confirmed, intake, promised_at, inspection_due_at,
               created_at, updated_at)
           VALUES (?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            number, customer["id"], data.dealer_id, device.id, purchase.id if purchase else None, ticket_id,
            rework_of, decision.status, int(decision.chargeable),
            decision.warranty_ends.isoformat() if decision.warranty_ends else None,
            reasons_json, level, fault_reported, fault_confirmed,
            json.dumps(data.intake, ensure_ascii=False), to_db(promised), inspection_due, now, now,
        ),
    )
    order_id = cur.lastrowid
    if data.passcode:
        conn.execute("INSERT INTO device_passcodes (order_id, passcode, created_at) VALUES (?, ?, ?)",
                     (order_id, seal(station.store, f"passcode:{order_id}", data.passcode), now))
    if decision.inspection_fee:
        conn.execute(
            "INSERT INTO charges (order_id, kind, amount, description, created_at) VALUES (?, 'inspection_fee', ?, ?, ?)",
            (order_id, decision.inspection_fee, decision.fee_category or "", now),
        )
    events.record(
        conn, station, actor, "order.created", order_id=order_id, subject=number,
        data={"warranty": decision.status, "chargeable": decision.chargeable, "rework_of": rework_of,
              "queue": data.queue_code, "reasons": [r.code for r in decision.reasons],
              "device_id": device.id, "serial": serial, "customer_id": customer["id"]},
    )
    return RepairOrder(
        id=order_id, number=number, state=State.RECEIVED, customer_id=customer["id"], device_id=device.id,
        dealer_id=data.dealer_id, rework_of=rework_of, warranty_status=decision.status,
        chargeable=decision.chargeable,
        warranty_ends=decision.warranty_ends.isoformat() if decision.warranty_ends else None,
        warranty_reasons=json.loads(reasons_json), contract_level=level, fault_reported=fault_reported,
        fault_confirmed=fault_confirmed, intake=dict(data.intake), assigned_engineer_id=None,
        promised_at=to_db(promised), quote_status="none", quote_total=0, quote_answer="", repair_record="",
        outcome="", unrepaired_reason="", repair_warranty_months=None, no_warranty_consent=False,
        verified_at=None, verified_by="", waiver_reason="", cancel_reason="", created_at=now, updated_at=now,
        released_at=None, closed_at=None, inspection_due_at=inspection_due,
    )


def _customer_for_intake(station, customer_id: int):
    """The customer's id, name, first phone and contract level today, in one indexed query
    (intake is a hot path)."""
    today = station.today().isoformat()
    row = station.store.query_one(
        "SELECT c.id, c.name,"
        " (SELECT phone FROM customer_phones p WHERE p.customer_id = c.id ORDER BY rowid LIMIT 1) AS phone,"
        " (SELECT MAX(level) FROM contracts k WHERE k.customer_id = c.id AND k.valid_from <= ? AND k.valid_until >= ?)"
        " AS contract_level"
        " FROM customers c WHERE c.id = ?",
        (today, today, customer_id),
    )
    if row is None:
        raise NotFound("error.customer_not_found", id=customer_id)
    return row
