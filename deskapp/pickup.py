"""The pickup counter: the device goes back to the right person, checked and paid for.

    voucher check (check code, or a manager's identity check for a lost voucher)
      -> verification sign-off (checklist per product line, the customer's own check,
         signature; a failed item sends the order back to the bench with the reason)
      -> fees shown and agreed, then paid (or waived by a manager)
      -> release (exactly once: the state machine's guard under the write lock)
      -> repair order printed -> farewell (closing checklist; the order closes and the
         device passcode is erased)

Every step is one write transaction with its event; wrong voucher codes are counted per
order and after ``pickup.wrong_voucher_codes_allowed`` a manager has to release it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from deskapp import events, validate
from deskapp.checklists import verification_items
from deskapp.customers import get_customer
from deskapp.devices import get_device
from deskapp.errors import DomainError, NotFound, TKey, ValidationError
from deskapp.hashing import matches
from deskapp.lifecycle import State
from deskapp.numbering import is_order_number, normalise_order_number
from deskapp.orders import PAYMENT_METHODS, RepairOrder, _locked_row, _require_role, advance, balance, get_order
from deskapp.text import mask_phone
from deskapp.timeutil import from_db, local_time, to_db

RESULTS = ("pass", "fail", "na")


@dataclass(frozen=True)
class PickupView:
    """What the counter sees of an order once its number is scanned (never the check code)."""

    order: RepairOrder
    customer_name: str
    phone_masked: str
    device: str
    product_line: str
    holder_check: dict
    wrong_codes: int
    needs_manager: bool
    due: int
    checklist: list[str]


def _fresh_holder_check(station, raw: str) -> dict:
    """How the holder was checked, if it was for this pickup (within the policy's window)."""
    if not raw:
        return {}
    check = json.loads(raw)
    at = from_db(check.get("at"))
    if at is None or station.now() - at > dt.timedelta(minutes=station.policy.holder_check_valid_minutes):
        return {}
    return check


def look_up(station, actor, number: str) -> PickupView:
    """The order behind a scanned or typed voucher number. A number that is not one of this
    station's orders (another station's voucher, a mistyped code) is logged and refused."""
    typed = normalise_order_number(number)
    if not is_order_number(typed):  # perhaps the check code typed in the wrong field: never echoed or logged
        with station.store.write() as conn:
            events.record(conn, station, actor, "pickup.unknown_voucher", data={"malformed": True})
        raise ValidationError("voucher_number", "error.not_an_order_number")
    try:
        order = get_order(station, typed)
    except NotFound:
        with station.store.write() as conn:  # another station's voucher, or an order that does not exist
            events.record(conn, station, actor, "pickup.unknown_voucher", subject=typed)
        raise
    customer = get_customer(station, order.customer_id)
    device = get_device(station, order.device_id)
    with station.store.read() as conn:
        row = conn.execute("SELECT pickup_failures, holder_check FROM repair_orders WHERE id = ?", (order.id,)).fetchone()
        charged, paid = balance(conn, order.id)
    return PickupView(
        order=order,
        customer_name=customer.name,
        phone_masked=mask_phone(customer.phones[0]) if customer.phones else "",
        device=" ".join(x for x in (device.brand, device.model) if x) or device.product_line,
        product_line=device.product_line,
        holder_check=_fresh_holder_check(station, row["holder_check"]),
        wrong_codes=row["pickup_failures"],
        needs_manager=row["pickup_failures"] >= station.policy.wrong_voucher_codes_allowed,
        due=charged - paid,
        checklist=verification_items(device.product_line),
    )


def _ready_row(conn, number: str, station):
    row = _locked_row(conn, number)
    if row["state"] in (State.RELEASED, State.CLOSED):
        raise DomainError("error.already_released", number=row["number"], at=local_time(station, row["released_at"]))
    if row["state"] != State.READY:
        raise DomainError("error.not_ready_for_pickup", number=row["number"], state=TKey(f"state.{row['state']}"))
    return row


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", str(code or "")).upper()


def check_voucher(station, actor, number: str, code: str) -> None:
    """The voucher's check code must match the one printed on it (stored only as a hash).
    A wrong code is counted and logged; past the allowance only a manager may go on."""
    code = _normalise_code(code)
    if not code:
        raise ValidationError("check_code", "error.check_code_needed")
    allowed = station.policy.wrong_voucher_codes_allowed
    locked = ok = False
    with station.store.write() as conn:  # what happened is committed first, then refused
        row = _ready_row(conn, number, station)
        failures = row["pickup_failures"]
        if failures >= allowed and actor.role != "manager":
            locked = True
            events.record(conn, station, actor, "pickup.locked_attempt", order_id=row["id"], subject=row["number"])
        else:
            ok = matches(code, row["voucher_code_salt"], row["voucher_code_hash"])
            if not ok:
                failures += 1
                conn.execute("UPDATE repair_orders SET pickup_failures = ? WHERE id = ?", (failures, row["id"]))
                events.record(conn, station, actor, "pickup.code_wrong", order_id=row["id"], subject=row["number"],
                              data={"tries": failures})
    if locked:
        raise DomainError("error.pickup_needs_manager", number=row["number"], tries=failures)
    if not ok:
        if failures >= allowed:
            raise DomainError("error.check_code_locked", number=row["number"], tries=failures)
        raise DomainError("error.check_code_wrong", number=row["number"], left=allowed - failures)
    _holder_checked(station, actor, number, {"method": "check_code"})


def check_identity(station, actor, manager, number: str, *, name: str, phone: str, id_document: str) -> None:
    """A lost voucher: a manager checks the person is the customer (name and phone as on the
    order) and notes the identity document seen. ``manager`` is the approving manager."""
    _require_role(manager, "manager")
    name = validate.required_text("id_name", name)
    phone_digits = re.sub(r"\D", "", validate.phone("id_phone", phone))
    id_document = validate.required_text("id_document", id_document, max_len=80)
    order = get_order(station, number)
    customer = get_customer(station, order.customer_id)
    same_name = re.sub(r"\s", "", name).casefold() == re.sub(r"\s", "", customer.name).casefold()
    same_phone = any(re.sub(r"\D", "", p) == phone_digits for p in customer.phones)
    if not (same_name and same_phone):
        with station.store.write() as conn:
            events.record(conn, station, actor, "pickup.identity_mismatch", order_id=order.id, subject=order.number,
                          data={"manager": manager.name, "name_matches": same_name, "phone_matches": same_phone})
        raise DomainError("error.identity_mismatch", number=order.number)
    _holder_checked(station, actor, number, {"method": "identity", "manager": manager.name,
                                             "manager_id": manager.staff_id, "id_document": id_document})


def _holder_checked(station, actor, number: str, how: dict) -> None:
    how = {**how, "by": actor.name, "at": to_db(station.now())}
    with station.store.write() as conn:
        row = _ready_row(conn, number, station)
        conn.execute("UPDATE repair_orders SET holder_check = ? WHERE id = ?", (json.dumps(how, ensure_ascii=False),
                                                                              row["id"]))
        events.record(conn, station, actor, "pickup.holder_checked", order_id=row["id"], subject=row["number"],
                      data=how)


@dataclass(frozen=True)
class SignOff:
    results: dict  # checklist item -> pass | fail | na
    fault_gone: bool  # the customer operated the device and the reported fault is gone
    signed_by: str  # the name as signed on paper
    sticker_applied: bool = True
    sticker_reason: str = ""
    card_left: bool = True
    card_reason: str = ""
    note: str = ""


def sign_off(station, actor, number: str, s: SignOff) -> RepairOrder:
    """Record the verification sign-off; a failed item (or the fault still there) sends the
    order back to the bench with the reason instead, and nothing is released."""
    view = look_up(station, actor, number)
    if not view.holder_check:
        raise DomainError("error.sign_off_needs_holder_check", number=view.order.number)
    missing = [item for item in view.checklist if s.results.get(item) not in RESULTS]
    if missing:
        raise ValidationError(f"item_{missing[0]}", "error.checklist_item_needed", item=TKey(f"verify.{missing[0]}"))
    note = validate.optional_text("note", s.note, max_len=300)
    failed = [item for item in view.checklist if s.results[item] == "fail"]
    unrepaired = view.order.outcome == "unrepaired"  # returned unrepaired: the fault is still there, as agreed
    fault_gone = None if unrepaired else bool(s.fault_gone)
    if failed or fault_gone is False:
        tr = station.tr  # the reason is read at the bench, in the station's language
        words = [tr.t(f"verify.{i}") for i in failed] + ([tr.t("verify.fault_still_there")] if fault_gone is False else [])
        reason = tr.t("pickup.failed_items", items="、".join(words) if tr.locale.startswith("zh") else ", ".join(words))
        if note:
            reason += f" — {note}"
        return advance(station, actor, number, "back_to_bench", reason=reason, failed=failed, fault_gone=fault_gone)
    signed_by = validate.required_text("signed_by", s.signed_by)
    sticker_reason = validate.optional_text("sticker_reason", s.sticker_reason, max_len=200)
    if not s.sticker_applied and not sticker_reason:
        raise ValidationError("sticker_reason", "error.sticker_reason_needed")
    card_reason = validate.optional_text("card_reason", s.card_reason, max_len=200)
    if not s.card_left and not card_reason:
        raise ValidationError("card_reason", "error.card_reason_needed")
    record = {"items": {i: s.results[i] for i in view.checklist}, "fault_gone": fault_gone, "note": note}
    now = to_db(station.now())
    with station.store.write() as conn:
        row = _ready_row(conn, number, station)
        conn.execute(
            "UPDATE repair_orders SET verified_at = ?, verified_by = ?, verification = ?, sticker_applied = ?,"
            " sticker_reason = ?, card_left = ?, card_reason = ?, updated_at = ? WHERE id = ?",
            (now, signed_by, json.dumps(record, ensure_ascii=False), int(s.sticker_applied), sticker_reason,
             int(s.card_left), card_reason, now, row["id"]))
        events.record(conn, station, actor, "order.verified", order_id=row["id"], subject=row["number"],
                      data={"signed_by": signed_by, **record})
    return get_order(station, number)


# --------------------------------------------------------------------------- fees


def fees(station, number: str) -> dict:
    """What is owed, line by line (inspection fee, approved quote, on-site visits ...)."""
    order = get_order(station, number)
    with station.store.read() as conn:
        lines = [dict(r) for r in conn.execute(
            "SELECT kind, description, amount FROM charges WHERE order_id = ? ORDER BY id", (order.id,))]
        charged, paid = balance(conn, order.id)
        row = conn.execute("SELECT fees_agreed_at, fees_agreed_amount, waiver_reason FROM repair_orders WHERE id = ?",
                           (order.id,)).fetchone()
    return {"lines": lines, "charged": charged, "paid": paid, "due": charged - paid,
            "agreed_at": row["fees_agreed_at"], "agreed_amount": row["fees_agreed_amount"],
            "waiver_reason": row["waiver_reason"]}


def agree_fees(station, actor, number: str) -> int:
    """The customer was told the amount and agreed to it, before any charging."""
    with station.store.write() as conn:
        row = _ready_row(conn, number, station)
        charged, paid = balance(conn, row["id"])
        due = charged - paid
        now = to_db(station.now())
        conn.execute("UPDATE repair_orders SET fees_agreed_at = ?, fees_agreed_amount = ? WHERE id = ?",
                     (now, due, row["id"]))
        events.record(conn, station, actor, "pickup.fees_agreed", order_id=row["id"], subject=row["number"],
                      data={"amount": due})
    return due


def pay(station, actor, number: str, method: str, invoice_no: str = "") -> int:
    """Take what is owed, once the customer has agreed to that amount; an invoice number if
    the customer takes the invoice offered."""
    method = validate.choice("method", method, PAYMENT_METHODS)
    invoice_no = validate.optional_text("invoice_no", invoice_no, max_len=30).upper()
    if invoice_no and not re.fullmatch(r"[A-Z0-9\-]{4,30}", invoice_no):
        raise ValidationError("invoice_no", "error.invoice_no_format")
    with station.store.write() as conn:
        row = _ready_row(conn, number, station)
        charged, paid = balance(conn, row["id"])
        due = charged - paid
        if due <= 0:
            raise DomainError("error.nothing_owed", number=row["number"])
        if row["fees_agreed_at"] is None or row["fees_agreed_amount"] != due:
            raise DomainError("error.fees_not_agreed", number=row["number"])
        now = to_db(station.now())
        conn.execute("INSERT INTO payments (order_id, amount, method, invoice_no, paid_at) VALUES (?, ?, ?, ?, ?)",
                     (row["id"], due, method, invoice_no, now))
        events.record(conn, station, actor, "order.paid", order_id=row["id"], subject=row["number"],
                      data={"amount": due, "method": method, "invoice_no": invoice_no})
    return due


def waive(station, actor, manager, number: str, reason: str) -> RepairOrder:
    """A manager waives what is owed, with a reason (``manager`` approves at this terminal)."""
    from deskapp.orders import waive_fees

    _require_role(manager, "manager")
    reason = validate.required_text("waive_reason", reason, max_len=300)  # named as on the counter's form
    return waive_fees(station, manager, number, reason)


def release(station, actor, number: str) -> RepairOrder:
    """Hand the device over. Exactly once: under the write lock, a second release (from this
    terminal or another) is refused with when it was released."""
    with station.store.write() as conn:
        row = _locked_row(conn, number)
        if row["state"] in (State.RELEASED, State.CLOSED):
            raise DomainError("error.already_released", number=row["number"], at=local_time(station, row["released_at"]))
        holder = _fresh_holder_check(station, row["holder_check"])
        if not holder:  # checked too long ago (or never): check the voucher again
            raise DomainError("error.release_needs_holder_check", number=row["number"])
        # the release event says how the person was verified (voucher code, or which manager checked the ID)
        return advance(station, actor, number, "release", verified_by=holder.get("method"),
                       manager=holder.get("manager"))


# --------------------------------------------------------------------------- farewell

FAREWELL_ITEMS = ("wiped", "card", "belongings")


def farewell(station, actor, number: str, done: dict) -> RepairOrder:
    """The closing checklist (device wiped, business card handed, belongings reminder); then the
    order closes, leaves the counter and the device passcode is erased."""
    with station.store.write() as conn:
        row = _locked_row(conn, number)
        # no card was left at the sign-off (with its reason): nothing to hand over now
        needed = [i for i in FAREWELL_ITEMS if not (i == "card" and row["card_left"] == 0)]
        missing = [i for i in needed if not done.get(i)]
        if missing:
            raise ValidationError(f"farewell_{missing[0]}", "error.farewell_item_needed",
                                  item=TKey(f"pickup.farewell_{missing[0]}"))
        conn.execute("UPDATE repair_orders SET farewell = ? WHERE id = ?",
                     (json.dumps({i: bool(done.get(i)) for i in FAREWELL_ITEMS}), row["id"]))
        return advance(station, actor, number, "close")


def at_the_counter(station, limit: int = 100):
    """Orders ready for pickup, then those released but not yet seen off (farewell pending)."""
    from deskapp.orders import summaries

    return summaries(station, "WHERE o.state IN ('ready', 'released') ORDER BY o.state = 'released' DESC, o.id"
                              " LIMIT ?", (limit,))


# --------------------------------------------------------------------------- rework


def rework_candidates(station, query: str, limit: int = 20):
    """A returning customer's earlier repairs (released or closed), found by order number,
    serial or phone, newest first, each with the repair warranty's last day."""
    from deskapp.customers import find_by_phone
    from deskapp.orders import summaries

    query = str(query or "").strip()
    if not query:
        raise ValidationError("rework_query", "error.rework_query_needed")
    done = "o.state IN ('released', 'closed')"
    found = summaries(station, f"WHERE {done} AND o.number = ?", (normalise_order_number(query),))
    if found:
        return found
    found = summaries(station, f"WHERE {done} AND o.device_id IN (SELECT id FROM devices WHERE serial = ?)"
                               " ORDER BY o.id DESC LIMIT ?", (query.upper(), limit))
    if found:
        return found
    if re.fullmatch(r"[\d\s\-+()]{4,}", query):
        ids = [c.id for c in find_by_phone(station, re.sub(r"\D", "", query))][:20]
        if ids:
            marks = ",".join("?" * len(ids))
            return summaries(station, f"WHERE {done} AND o.customer_id IN ({marks}) ORDER BY o.id DESC LIMIT ?",
                             (*ids, limit))
    return []
