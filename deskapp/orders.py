"""Repair orders: intake (with the warranty decision), the lifecycle, money, rework.

Every change runs in one write transaction together with its event-log entry, and
every lifecycle move goes through :func:`deskapp.lifecycle.next_state`, so a screen,
the CLI and a script all obey the same rules.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, fields

from deskapp import events, validate
from deskapp.customers import get_customer
from deskapp.devices import get_device, upsert_device
from deskapp.errors import DomainError, NotFound, TKey, ValidationError
from deskapp.lifecycle import OPEN_STATES, OrderFacts, State, next_state
from deskapp.numbering import next_order_number, normalise_order_number
from deskapp.policy import Decision, Phrase, Reason, WarrantyDecision
from deskapp.sales import find_purchase
from deskapp.timeutil import from_db, to_db

PAYMENT_METHODS = ("cash", "card", "transfer", "mobile")


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

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


_CONVERT = {"state": State, "chargeable": bool, "no_warranty_consent": bool,
            "warranty_reasons": json.loads, "intake": json.loads}


def _order(row) -> RepairOrder:
    return RepairOrder(**{f.name: _CONVERT.get(f.name, _same)(row[f.name]) for f in fields(RepairOrder)})


def _same(value):
    return value


# --------------------------------------------------------------------------- intake


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
    purchase = find_purchase(station, serial=serial, invoice_no=invoice_no or None)
    return station.policy.check_warranty(
        serial=serial,
        product_line=product_line,
        purchase=purchase.facts() if purchase else None,
        today=station.today(),
        part=part,
        causes=causes,
    ), purchase


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day.replace(hour=17, minute=30, second=0, microsecond=0)


def create_order(station, actor, data: IntakeInput, *, rework_of: int | None = None, free_rework: bool = False) -> RepairOrder:
    """Create the repair order at the end of pre-inspection.

    Refusals (grey import, no purchase record, a dealer without the end customer) are
    recorded in the event log and raise :class:`Refused`; no order is created.
    """
    fault_reported = validate.required_text("fault_reported", data.fault_reported, max_len=500)
    fault_confirmed = validate.optional_text("fault_confirmed", data.fault_confirmed, max_len=500)
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
    local_now = station.local_now()
    if free_rework:
        promised = local_now + dt.timedelta(hours=station.policy.rework_target_hours)
    else:
        promised = add_working_days(local_now, station.policy.product_lines[data.product_line]["completion_days"])
    now = to_db(station.now())
    inspection_due = to_db(station.now() + dt.timedelta(minutes=station.policy.inspection_estimate_minutes))
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
                     (order_id, data.passcode, now))
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


# --------------------------------------------------------------------------- reading


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


@dataclass(frozen=True)
class OrderSummary:
    number: str
    state: str
    customer: str
    product_line: str
    model: str
    serial: str
    created_at: str
    promised_at: str | None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


# An order with its customer and device, as lists and work lists show it.
WITH_PARTIES = "repair_orders o JOIN customers c ON c.id = o.customer_id JOIN devices d ON d.id = o.device_id"
_SUMMARY = ("SELECT o.number, o.state, c.name AS customer, d.product_line, d.model, d.serial, o.created_at,"
            f" o.promised_at FROM {WITH_PARTIES}")


def summaries(station, where: str, params: tuple | list = ()) -> list[OrderSummary]:
    """Order summaries ``WHERE ...`` (``where`` includes its ORDER BY / LIMIT)."""
    return [OrderSummary(**dict(r)) for r in station.store.query(f"{_SUMMARY} {where}", params)]


def list_orders(station, *, state: str | None = None, open_only: bool = False, limit: int = 50) -> list[OrderSummary]:
    """Newest first; by state or open orders only (uses the state index)."""
    where, params = "", []
    if state:
        validate.choice("state", state, tuple(State))
        where, params = "WHERE o.state = ?", [state]
    elif open_only:
        where = f"WHERE o.state IN ({','.join('?' * len(OPEN_STATES))})"
        params = list(OPEN_STATES)
    return summaries(station, f"{where} ORDER BY o.id DESC LIMIT ?", (*params, limit))


def balance(conn, order_id: int) -> tuple[int, int]:
    """(charged, paid) for an order."""
    charged = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM charges WHERE order_id = ?", (order_id,)).fetchone()[0]
    paid = conn.execute("SELECT COALESCE(SUM(amount), 0) FROM payments WHERE order_id = ?", (order_id,)).fetchone()[0]
    return charged, paid


def order_details(station, number: str) -> dict:
    """Everything about one order, as plain data (for ``order show --json`` and documents)."""
    from deskapp import calls, diagnosis, loaners, promises, quotes  # they build on this module

    order = get_order(station, number)
    customer = get_customer(station, order.customer_id)
    device = get_device(station, order.device_id)
    with station.store.read() as conn:
        extra = conn.execute("SELECT * FROM repair_orders WHERE id = ?", (order.id,)).fetchone()
        parts = [dict(r) | {"old_part_returned": bool(r["old_part_returned"])} for r in conn.execute(
            "SELECT part, quantity, old_part_returned, old_part_reason FROM repair_parts WHERE order_id = ? ORDER BY id",
            (order.id,))]
        charges = [dict(r) for r in conn.execute(
            "SELECT kind, amount, description, created_at FROM charges WHERE order_id = ? ORDER BY id", (order.id,))]
        payments = [dict(r) for r in conn.execute(
            "SELECT amount, method, invoice_no, paid_at FROM payments WHERE order_id = ? ORDER BY id", (order.id,))]
        charged, paid = balance(conn, order.id)
        engineer = None
        if order.assigned_engineer_id:
            r = conn.execute("SELECT name FROM staff WHERE id = ?", (order.assigned_engineer_id,)).fetchone()
            engineer = r["name"] if r else None
        rework_of = None
        if order.rework_of:
            r = conn.execute("SELECT number FROM repair_orders WHERE id = ?", (order.rework_of,)).fetchone()
            rework_of = r["number"] if r else None
    return {
        "number": order.number,
        "state": str(order.state),
        "customer": customer.as_dict(),
        "device": device.as_dict(),
        "warranty": {
            "status": order.warranty_status,
            "chargeable": order.chargeable,
            "ends": order.warranty_ends,
            "reasons": order.warranty_reasons,
            "contract_level": order.contract_level,
        },
        "fault": {"reported": order.fault_reported, "confirmed": order.fault_confirmed},
        "intake": order.intake,
        "engineer": engineer,
        "promised_at": order.promised_at,
        "promise": {"inspection_due": order.inspection_due_at, "completion_due": order.promised_at,
                    "history": promises.history(station, order.id)},
        "diagnoses": diagnosis.diagnoses(station, order.id),
        "quote": quotes.quote_of(station, order),
        "repair": {
            "record": order.repair_record,
            "outcome": order.outcome,
            "unrepaired_reason": order.unrepaired_reason,
            "warranty_months": order.repair_warranty_months,
            "no_warranty_consent": order.no_warranty_consent,
            "parts": parts,
            "minutes": extra["minutes_spent"],
            "loaners": loaners.loaners_of(station, order.id),
        },
        "contacts": calls.attempts(station, order.id),
        "notified_at": extra["notified_at"],
        "verification": {"at": order.verified_at, "signed_by": order.verified_by},
        "pickup": _pickup_record(extra),
        "money": {"charges": charges, "payments": payments, "charged": charged, "paid": paid,
                  "due": charged - paid, "waiver_reason": order.waiver_reason},
        "rework_of": rework_of,
        "cancel_reason": order.cancel_reason,
        "created_at": order.created_at,
        "released_at": order.released_at,
        "closed_at": order.closed_at,
        "events": [e.as_dict() for e in events.for_order(station, order.id)],
    }


def _pickup_record(row) -> dict:
    """The pickup counter's columns of a repair_orders row, as plain data."""
    return {
        "holder_check": json.loads(row["holder_check"]) if row["holder_check"] else {},
        "verification": json.loads(row["verification"]) if row["verification"] else {},
        "wrong_codes": row["pickup_failures"],
        "fees_agreed_at": row["fees_agreed_at"],
        "fees_agreed_amount": row["fees_agreed_amount"],
        "sticker_applied": None if row["sticker_applied"] is None else bool(row["sticker_applied"]),
        "sticker_reason": row["sticker_reason"],
        "card_left": None if row["card_left"] is None else bool(row["card_left"]),
        "card_reason": row["card_reason"],
        "farewell": json.loads(row["farewell"]) if row["farewell"] else {},
    }


# --------------------------------------------------------------------------- lifecycle


def _facts(conn, row) -> OrderFacts:
    charged, paid = balance(conn, row["id"])
    return OrderFacts(
        number=row["number"],
        state=State(row["state"]),
        chargeable=bool(row["chargeable"]),
        engineer_assigned=row["assigned_engineer_id"] is not None,
        quote_status=row["quote_status"],
        has_repair_record=bool(row["repair_record"].strip()),
        verified=row["verified_at"] is not None,
        holder_checked=bool(row["holder_check"]),
        balance_due=charged - paid,
        waived=bool(row["waiver_reason"]),
    )


def _locked_row(conn, number: str):
    row = conn.execute("SELECT * FROM repair_orders WHERE number = ?", (normalise_order_number(number),)).fetchone()
    if row is None:
        raise NotFound("error.order_not_found", number=str(number).strip())
    return row


def _require_role(actor, *roles: str) -> None:
    if actor.role not in roles:
        raise DomainError("error.role_required", role=TKey(f"role.{roles[0]}"))


def _updates_for(action: str, details: dict, now: str) -> dict:
    if action == "send_quote":
        return {"quote_status": "sent", "quote_total": details["total"]}
    if action == "approve_quote":
        return {"quote_status": "approved", "quote_answer": details["method"]}
    if action == "decline_quote":
        return {"quote_status": "declined", "quote_answer": details["method"], "outcome": "unrepaired",
                "unrepaired_reason": "quote_declined"}
    if action == "declare_unrepairable":
        return {"outcome": "unrepaired", "unrepaired_reason": validate.optional_text("reason", details["reason"], max_len=300)}
    if action == "back_to_bench":  # a new pickup starts over: holder check, sign-off, fees agreed
        return {"verified_at": None, "verified_by": "", "holder_check": "", "fees_agreed_at": None,
                "fees_agreed_amount": None, "waiver_reason": ""}
    if action == "release":
        return {"released_at": now}
    if action == "close":
        return {"closed_at": now}
    if action == "cancel":
        return {"cancel_reason": validate.optional_text("reason", details["reason"], max_len=300)}
    return {}


def advance(station, actor, number: str, action: str, **details) -> RepairOrder:
    """Move an order along its lifecycle; guarded by :func:`deskapp.lifecycle.next_state`."""
    if action == "cancel":
        _require_role(actor, "manager")
    now = to_db(station.now())
    with station.store.write() as conn:
        row = _locked_row(conn, number)
        target = next_state(_facts(conn, row), action, details)
        updates = _updates_for(action, details, now)
        if action == "mark_ready" and row["state"] == State.IN_REPAIR:
            updates["outcome"] = "repaired"
        updates.update(state=str(target), updated_at=now)
        sets = ", ".join(f"{k} = ?" for k in updates)
        cur = conn.execute(
            f"UPDATE repair_orders SET {sets} WHERE id = ? AND state = ?", (*updates.values(), row["id"], row["state"])
        )
        if cur.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as a tripwire
            raise DomainError("error.order_changed", number=row["number"])
        if action in ("close", "cancel"):  # the customer's device passcode leaves with the order
            conn.execute("DELETE FROM device_passcodes WHERE order_id = ?", (row["id"],))
        if action == "approve_quote":
            conn.execute(
                "INSERT INTO charges (order_id, kind, amount, description, created_at) VALUES (?, 'quote', ?, ?, ?)",
                (row["id"], row["quote_total"], details["method"], now),
            )
        events.record(
            conn, station, actor, f"order.{action}", order_id=row["id"], subject=row["number"],
            data={"from": row["state"], "to": str(target), **{k: v for k, v in details.items() if v is not None}},
        )
    return get_order(station, number)


def _change(station, actor, number: str, kind: str, allowed: tuple[State, ...], updates: dict, data: dict) -> RepairOrder:
    """A change that is not a state move, allowed only in some states, logged."""
    with station.store.write() as conn:
        row = _locked_row(conn, number)
        if State(row["state"]) not in allowed:
            raise DomainError("error.not_in_state", number=row["number"], state=TKey(f"state.{row['state']}"))
        updates = {**updates, "updated_at": to_db(station.now())}
        sets = ", ".join(f"{k} = ?" for k in updates)
        conn.execute(f"UPDATE repair_orders SET {sets} WHERE id = ?", (*updates.values(), row["id"]))
        events.record(conn, station, actor, kind, order_id=row["id"], subject=row["number"], data=data)
    return get_order(station, number)


def assign_engineer(station, actor, number: str, staff_id: int, reason: str = "") -> RepairOrder:
    row = station.store.query_one("SELECT name, role FROM staff WHERE id = ? AND active", (staff_id,))
    if row is None or row["role"] not in ("engineer", "manager"):
        raise ValidationError("engineer", "error.not_an_engineer", id=staff_id)
    return _change(
        station, actor, number, "order.engineer_assigned", OPEN_STATES,
        {"assigned_engineer_id": staff_id},
        {"engineer": row["name"], "staff_id": staff_id, "reason": validate.optional_text("reason", reason)},
    )


@dataclass(frozen=True)
class PartUsed:
    part: str
    quantity: int = 1
    old_part_returned: bool = True
    old_part_reason: str = ""  # why the replaced part is not returned to the customer


def record_repair(station, actor, number: str, work: str, parts: tuple | list = (), minutes: int = 0) -> RepairOrder:
    """The repair record: work done, parts used (old parts returned, or why not), time spent."""
    work = validate.required_text("repair_record", work, max_len=2000)
    if not isinstance(minutes, int) or minutes < 0:
        raise ValidationError("minutes", "error.minutes_not_negative")
    checked = []
    for i, p in enumerate(parts):
        name = validate.required_text(f"part{i + 1}", p.part, max_len=120)
        if not isinstance(p.quantity, int) or p.quantity <= 0:
            raise ValidationError(f"part{i + 1}", "error.quantity_positive")
        reason = validate.optional_text(f"part{i + 1}_reason", p.old_part_reason, max_len=200)
        if not p.old_part_returned and not reason:
            raise ValidationError(f"part{i + 1}_reason", "error.old_part_reason_needed", part=name)
        checked.append((name, p.quantity, int(bool(p.old_part_returned)), reason))
    with station.store.write() as conn:
        order = _change(station, actor, number, "order.repair_recorded", (State.IN_REPAIR, State.WAITING_PARTS),
                        {"repair_record": work, "minutes_spent": minutes},
                        {"work": work, "minutes": minutes, "parts": [c[0] for c in checked]})
        # a repair always carries a repair warranty: the policy's default until one is agreed
        conn.execute("UPDATE repair_orders SET repair_warranty_months = ? WHERE id = ? AND repair_warranty_months IS NULL",
                     (station.policy.repair_warranty_default, order.id))
        conn.execute("DELETE FROM repair_parts WHERE order_id = ?", (order.id,))
        conn.executemany(
            "INSERT INTO repair_parts (order_id, part, quantity, old_part_returned, old_part_reason) VALUES (?, ?, ?, ?, ?)",
            [(order.id, *c) for c in checked])
    return order


def set_repair_warranty(station, actor, number: str, months: int | None, consent_recorded: bool = False) -> RepairOrder:
    decision = station.policy.repair_warranty(months, consent_recorded=consent_recorded)
    return _change(
        station, actor, number, "order.repair_warranty_set", OPEN_STATES,
        {"repair_warranty_months": decision.months, "no_warranty_consent": int(decision.months == 0)},
        {"months": decision.months, "consent": consent_recorded},
    )


def record_verification(station, actor, number: str, signed_by: str) -> RepairOrder:
    signed_by = validate.required_text("signed_by", signed_by)
    return _change(station, actor, number, "order.verified", (State.READY,),
                   {"verified_at": to_db(station.now()), "verified_by": signed_by}, {"signed_by": signed_by})


def record_payment(station, actor, number: str, amount: int, method: str, invoice_no: str = "") -> RepairOrder:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError("amount", "error.amount_positive")
    method = validate.choice("method", method, PAYMENT_METHODS)
    invoice_no = validate.optional_text("invoice_no", invoice_no, max_len=30).upper()
    with station.store.write() as conn:
        row = _locked_row(conn, number)
        conn.execute(
            "INSERT INTO payments (order_id, amount, method, invoice_no, paid_at) VALUES (?, ?, ?, ?, ?)",
            (row["id"], amount, method, invoice_no, to_db(station.now())),
        )
        events.record(conn, station, actor, "order.paid", order_id=row["id"], subject=row["number"],
                      data={"amount": amount, "method": method, "invoice_no": invoice_no})
    return get_order(station, number)


def waive_fees(station, actor, number: str, reason: str) -> RepairOrder:
    _require_role(actor, "manager")
    reason = validate.required_text("reason", reason, max_len=300)
    with station.store.read() as conn:
        row = _locked_row(conn, number)
        charged, paid = balance(conn, row["id"])
    if charged - paid <= 0:
        raise DomainError("error.nothing_owed", number=row["number"])
    return _change(station, actor, number, "order.fees_waived", (State.READY,), {"waiver_reason": reason}, {"reason": reason})


# --------------------------------------------------------------------------- rework


def rework_decision(station, original_number: str, *, same_fault: bool):
    original = get_order(station, original_number)
    if original.state not in (State.RELEASED, State.CLOSED) or not original.released_at:
        raise DomainError("error.rework_not_released", number=original.number)
    released_on = from_db(original.released_at).astimezone(station.tz).date()
    return original, station.policy.rework(
        released_on=released_on,
        repair_warranty_months=original.repair_warranty_months or 0,
        today=station.today(),
        same_fault=same_fault,
    )


def create_rework(station, actor, original_number: str, fault_reported: str, *, same_fault: bool) -> tuple[RepairOrder, Decision]:
    """A returning device: a rework order linked to the original; free (2-hour target) inside
    the repair warranty on the original fault, otherwise through the normal warranty check."""
    original, decision = rework_decision(station, original_number, same_fault=same_fault)
    open_marks = ",".join("?" * len(OPEN_STATES))
    already = station.store.query_one(f"SELECT number FROM repair_orders WHERE rework_of = ? AND state IN ({open_marks})",
                                      (original.id, *OPEN_STATES))
    if already is not None:  # one rework at a time for the same repair
        raise DomainError("error.rework_already_open", number=original.number, rework=already["number"])
    device = get_device(station, original.device_id)
    data = IntakeInput(
        customer_id=original.customer_id, product_line=device.product_line, serial=device.serial,
        brand=device.brand, model=device.model, fault_reported=fault_reported,
    )
    order = create_order(station, actor, data, rework_of=original.id, free_rework=decision.free)
    return order, decision


def count_by_state(station) -> dict[str, int]:
    """How many orders are in each state (one pass over the state index)."""
    rows = station.store.query("SELECT state, COUNT(*) AS n FROM repair_orders GROUP BY state")
    counts = {str(s): 0 for s in State}
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


def has_passcode(station, number: str) -> bool:
    order = get_order(station, number)
    return station.store.query_one("SELECT 1 FROM device_passcodes WHERE order_id = ?", (order.id,)) is not None


def reveal_passcode(station, actor, number: str) -> str:
    """The device passcode, for the engineer the order is assigned to only; every look is logged."""
    order = get_order(station, number)
    if actor.staff_id is None or actor.staff_id != order.assigned_engineer_id:
        raise DomainError("error.passcode_not_yours", number=order.number)
    row = station.store.query_one("SELECT passcode FROM device_passcodes WHERE order_id = ?", (order.id,))
    if row is None:
        raise NotFound("error.no_passcode", number=order.number)
    with station.store.write() as conn:
        events.record(conn, station, actor, "order.passcode_viewed", order_id=order.id, subject=order.number)
    return row["passcode"]


def awaiting_hand_off(station, limit: int = 50) -> list[OrderSummary]:
    """Orders taken in but not yet handed to an inspection engineer, oldest first."""
    return summaries(station, "WHERE o.state = 'received' AND o.assigned_engineer_id IS NULL ORDER BY o.id LIMIT ?",
                     (limit,))


def waiting_past(station, minutes: int | None = None) -> list[tuple[OrderSummary, int]]:
    """Today's orders still being inspected after ``minutes`` (the policy's reassurance time):
    the customer waiting at the desk should be reassured. Oldest first, with minutes waited."""
    minutes = station.policy.reassure_after_minutes if minutes is None else minutes
    now = station.now()
    start_of_day = dt.datetime.combine(station.today(), dt.time(0), station.tz)
    found = summaries(station, "WHERE o.state IN ('received', 'diagnosing') AND o.created_at >= ? AND o.created_at <= ?"
                               " ORDER BY o.id", (to_db(start_of_day), to_db(now - dt.timedelta(minutes=minutes))))
    return [(o, int((now - from_db(o.created_at)).total_seconds() // 60)) for o in found]
