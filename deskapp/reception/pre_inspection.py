"""Pre-inspection (預檢), step by step, in the order of the station standard (seed 004).

The screen gathers the fields; this module checks each step, takes the warranty
decision, and at the end creates the customer (if new), the dealer (if any) and the
repair order in one go, or records the refusal. Steps and their phrases are data here
so the screen and its tests follow the same order.
"""

from __future__ import annotations

from deskapp.orders.creation import (
    IntakeInput,
    Refused,
    create_order,
    dealer_end_customer_check,
    warranty_for,
)
from deskapp.reception import drafts
from deskapp.records.customers import (
    CustomerInput,
    create_customer,
    create_dealer,
    find_customers,
)
from deskapp.rules import validate
from deskapp.rules.errors import DomainError, ValidationError
from deskapp.rules.lifecycle import OPEN_STATES
from deskapp.storage import events

STEPS = ("fault", "customer", "purchase", "fees", "inspection", "confirm")
PROOFS = ("invoice", "packing_list", "none")

# The standard phrases shown beside each step (keys under phrase.*), in the order read.
PHRASES = {
    "fault": ("queue.ask_number", "pre_inspection.ask_fault", "pre_inspection.restate"),
    "customer": ("pre_inspection.ask_contact",),
    "purchase": ("pre_inspection.ask_invoice",),
    "fees": (),  # the warranty decision's own phrases
    "inspection": ("pre_inspection.ask_open", "pre_inspection.backup_reminder"),
    "confirm": ("pre_inspection.restate", "voucher.hand_over"),
}


def _flag(data: dict, name: str, key: str) -> None:
    if not data.get(name):
        raise ValidationError(name, key)


def _ticked(data: dict) -> tuple[list[str], list[str]]:
    """The accessories and appearance items ticked: keys of the product line's checklists only."""
    from deskapp.settings.checklists import accessories_for, appearance_items

    accessories = validate.text_list("accessories", data.get("accessories"),
                                     allowed=accessories_for(data.get("product_line") or ""))
    return accessories, validate.text_list("appearance_items", data.get("appearance_items"),
                                           allowed=appearance_items())


def check_step(station, step: str, data: dict) -> None:
    """Raise ValidationError (naming the field) if ``step`` is not complete; Refused for a
    dealer who cannot give the end customer."""
    if step == "fault":
        validate.required_text("fault_told", data.get("fault_told"), max_len=500)
        validate.required_text("fault_restated", data.get("fault_restated"), max_len=500)
        _flag(data, "customer_confirmed", "error.needs_customer_confirmation")
    elif step == "customer":
        if data.get("via_dealer"):
            validate.required_text("dealer_name", data.get("dealer_name"))
            validate.phone("dealer_phone", data.get("dealer_phone"))
            dealer_end_customer_check(data.get("name", ""), data.get("phone", ""))
        if not data.get("customer_id"):  # top to bottom, as the fields stand on the screen
            validate.phone("phone", data.get("phone"))
            validate.required_text("name", data.get("name"), max_len=60)
            validate.optional_text("company", data.get("company"), max_len=80)
    elif step == "purchase":
        validate.choice("proof", data.get("proof") or "", PROOFS)
        serial = validate.serial("serial", data.get("serial"))
        line = data.get("product_line") or ""
        if line not in station.policy.product_lines:
            raise ValidationError("product_line", "error.pick_product_line")
        if data.get("proof") == "invoice":
            validate.required_text("invoice_no", data.get("invoice_no"), max_len=30)
        validate.optional_text("brand", data.get("brand"), max_len=40)
        validate.optional_text("model", data.get("model"), max_len=60)
        numbers = open_orders_of(station, serial)
        if numbers and not open_order_confirmed(data, serial):  # a second open order only when confirmed
            raise ValidationError("serial", "error.serial_has_open_order", serial=serial, numbers=", ".join(numbers))
    elif step == "fees":
        _flag(data, "fees_acknowledged", "error.needs_fees_acknowledged")
    elif step == "inspection":
        _flag(data, "backup_reminder", "error.needs_backup_reminder")
        validate.optional_text("appearance_notes", data.get("appearance_notes"), max_len=300)
        validate.optional_text("non_standard_parts", data.get("non_standard_parts"), max_len=300)
        _ticked(data)
        if len(str(data.get("passcode") or "")) > 64:
            raise ValidationError("passcode", "error.field_too_long", max=64, length=len(data["passcode"]))
    elif step == "confirm":
        validate.required_text("fault_confirmed", data.get("fault_confirmed"), max_len=500)


def open_orders_of(station, serial: str) -> list[str]:
    """The numbers of the orders still open for the device with this serial."""
    marks = ",".join("?" * len(OPEN_STATES))
    rows = station.store.query(
        f"SELECT o.number FROM repair_orders o JOIN devices d ON d.id = o.device_id"
        f" WHERE d.serial = ? AND o.state IN ({marks}) ORDER BY o.id",
        (serial, *OPEN_STATES),
    )
    return [r["number"] for r in rows]


def open_order_confirmed(data: dict, serial: str) -> bool:
    """Reception confirmed taking in a second open order for this very serial."""
    return str(data.get("open_order_ack") or "").upper().replace(" ", "") == serial


def step_done(station, actor, step: str, data: dict, draft_id: int | None, seat=None) -> int:
    """Record that a step of the standard was completed (and save the draft with it)."""
    draft_id = drafts.save(station, actor, step, data, draft_id, seat=seat)
    with station.store.write() as conn:
        events.record(conn, station, actor, "intake.step", subject=step, data={"draft_id": draft_id})
    return draft_id


def decide(station, data: dict):
    """The warranty decision for the device described in the purchase step."""
    return warranty_for(station, serial=data.get("serial", ""), product_line=data.get("product_line", ""),
                        invoice_no=data.get("invoice_no", "") if data.get("proof") == "invoice" else "")


def lookup_customers(station, text: str, limit: int = 8):
    """Customers by phone prefix or by name (two characters are enough: 周杰)."""
    return find_customers(station, text, limit=limit)


def record_refusal(station, actor, data: dict, refused: Refused, draft_id: int | None = None) -> None:
    """The refusal path: recorded (who, which device, why), no order; the draft is closed."""
    with station.store.write() as conn:
        events.record(conn, station, actor, "intake.refused", subject=str(data.get("serial") or ""),
                      data={"reasons": [r.code for r in refused.decision.reasons],
                            "customer": data.get("name", ""), "dealer": data.get("dealer_name", "") or None})
    if draft_id is not None:
        drafts.finish(station, draft_id, "refused")


def complete(station, actor, data: dict, draft_id: int | None = None, seat=None):
    """Every step checked again, then the customer (if new), the dealer (if any), the order and
    the draft's close, in ONE write transaction: a crash (or a refusal) anywhere in it leaves
    none of them, so the draft can be finished again without leaving a customer behind.

    A phone that is exactly an existing customer's attaches the order to that customer
    (never a second customer with the same phone). A queue number of another day is not
    today's ticket: the order is taken without one."""
    with station.store.write() as conn:
        for step in STEPS:  # under the lock: the open-order check reads what is there now
            check_step(station, step, data)
        customer_id = data.get("customer_id") or existing_customer_id(station, data.get("phone"))
        if not customer_id:
            customer_id = create_customer(station, actor, CustomerInput(
                name=data["name"], phones=[data["phone"]], company=data.get("company", ""))).id
        dealer_id = None
        if data.get("via_dealer"):
            dealer_id = create_dealer(station, actor, data["dealer_name"], data["dealer_phone"]).id
        created_at = None
        if draft_id is not None:
            row = conn.execute("SELECT status, created_at, terminal FROM intake_drafts WHERE id = ?",
                               (draft_id,)).fetchone()
            if row is None or row["status"] != "open":  # finished (or discarded) meanwhile elsewhere
                raise DomainError("error.draft_closed", id=draft_id)
            if seat is not None and drafts.held_elsewhere(row["terminal"], seat):  # taken over meanwhile
                raise DomainError("error.draft_in_use", id=draft_id)
            created_at = row["created_at"]
        intake = {
            "proof": data.get("proof"),
            "invoice_copy_kept": bool(data.get("invoice_copy_kept")),
            "fault_restated": validate.required_text("fault_restated", data.get("fault_restated"), max_len=500),
            "customer_confirmed": True,
            "fees_acknowledged": True,
            "accessories": _ticked(data)[0],
            "appearance_items": _ticked(data)[1],
            "appearance_notes": validate.optional_text("appearance_notes", data.get("appearance_notes"),
                                                       max_len=300),
            "non_standard_parts": validate.optional_text("non_standard_parts", data.get("non_standard_parts"),
                                                         max_len=300),
            "fault_reproduced": bool(data.get("fault_reproduced")),
            "backup_reminder_given": True,
        }
        if open_order_confirmed(data, validate.serial("serial", data["serial"])):
            intake["second_open_order_confirmed"] = True
        order = create_order(station, actor, IntakeInput(
            customer_id=customer_id, product_line=data["product_line"], serial=data["serial"],
            fault_reported=data["fault_told"], fault_confirmed=data["fault_confirmed"], brand=data.get("brand", ""),
            model=data.get("model", ""),
            invoice_no=data.get("invoice_no", "") if data.get("proof") == "invoice" else "",
            dealer_id=dealer_id, queue_code=drafts.queue_code_today(station, data, created_at) or None,
            intake=intake, passcode=str(data.get("passcode") or ""),
        ))
        if draft_id is not None:
            drafts.finish(station, draft_id, "done", order.id)
    return order


def existing_customer_id(station, phone) -> int | None:
    """The customer whose phone is exactly ``phone`` (separators ignored), if there is one."""
    try:
        wanted = validate.phone("phone", phone)
    except ValidationError:
        return None
    row = station.store.query_one(
        "SELECT customer_id FROM customer_phones WHERE phone = ? ORDER BY customer_id LIMIT 1", (wanted,))
    return row["customer_id"] if row else None


# --------------------------------------------------------------------------- fewer keys
# What the station already knows is offered, never decided for reception: the device of a
# serial on record fills its fields (still changeable), and the terminal's last choices
# are the next customer's defaults.


def known_device(station, serial: str, invoice_no: str = "") -> dict | None:
    """The product line, brand and model of the device with ``serial``, from its purchase
    record (the sale the warranty is decided on); the brand, if the sale has none, from the
    device's earlier visits. None if the station has no record of it."""
    from deskapp.records.purchases import find_purchase

    try:
        serial = validate.serial("serial", serial)
    except ValidationError:
        return None
    sale = find_purchase(station, serial=serial, invoice_no=invoice_no or None)
    if sale is None or sale.serial != serial:
        return None
    brand = sale.brand
    if not brand:
        row = station.store.query_one(
            "SELECT brand FROM devices WHERE serial = ? AND brand != '' ORDER BY id DESC LIMIT 1", (serial,))
        brand = row["brand"] if row else ""
    return {"serial": serial, "product_line": sale.product_line, "brand": brand, "model": sale.model}


def intake_defaults(station, terminal: str) -> dict:
    """This terminal's last choices, as far as the station's settings still allow them:
    ``proof``, ``product_line`` and ``accessories`` (per product line)."""
    from deskapp.settings.checklists import accessories_for
    from deskapp.settings.terminal_memory import recall

    memory = recall(station.store.path, terminal)
    lines = station.policy.product_lines
    accessories = memory.get("accessories") if isinstance(memory.get("accessories"), dict) else {}
    return {
        "proof": memory.get("proof") if memory.get("proof") in PROOFS else "",
        "product_line": memory.get("product_line") if memory.get("product_line") in lines else "",
        "accessories": {line: [a for a in ticked if a in accessories_for(line)]
                        for line, ticked in accessories.items() if line in lines and isinstance(ticked, list)},
    }


def remember_intake(station, terminal: str, data: dict) -> None:
    """After an order is taken: its proof, product line and accessories are this terminal's defaults."""
    from deskapp.settings.terminal_memory import remember

    line = str(data.get("product_line") or "")
    remember(station.store.path, terminal, proof=str(data.get("proof") or ""), product_line=line,
             accessories={line: list(data.get("accessories") or [])} if line else {})
