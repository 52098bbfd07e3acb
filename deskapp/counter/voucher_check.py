"""The voucher check: the order looked up by its scanned number, the voucher's check code
(wrong codes counted, a manager after too many), or a manager's identity check for a lost
voucher. A check counts for this pickup only."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from deskapp.orders.model import RepairOrder, get_order, locked_row, require_role
from deskapp.orders.money import balance
from deskapp.records.customers import get_customer
from deskapp.records.devices import get_device
from deskapp.rules import validate
from deskapp.rules.dates import from_db, local_time, to_db
from deskapp.rules.errors import DomainError, NotFound, TKey, ValidationError
from deskapp.rules.hashing import matches
from deskapp.rules.lifecycle import AT_THE_COUNTER, State
from deskapp.rules.numbering import is_order_number, normalise_order_number
from deskapp.rules.text import device_label, mask_phone
from deskapp.settings.checklists import verification_items
from deskapp.storage import events


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


def fresh_holder_check(station, raw: str) -> dict:
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
        device=device_label(station.tr, device.product_line, device.brand, device.model),
        product_line=device.product_line,
        holder_check=fresh_holder_check(station, row["holder_check"]),
        wrong_codes=row["pickup_failures"],
        needs_manager=row["pickup_failures"] >= station.policy.wrong_voucher_codes_allowed,
        due=0 if order.waiver_reason else charged - paid,  # a manager's waiver leaves nothing due
        checklist=verification_items(device.product_line),
    )


def ready_row(conn, number: str, station):
    row = locked_row(conn, number)
    if row["state"] in (State.RELEASED, State.CLOSED):
        raise DomainError("error.already_released", number=row["number"], at=local_time(station, row["released_at"]))
    if row["state"] not in AT_THE_COUNTER:  # ready, or to be returned unrepaired
        raise DomainError("error.not_ready_for_pickup", number=row["number"], state=TKey(f"state.{row['state']}"))
    return row


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", str(code or "")).upper()


def check_voucher(station, actor, number: str, code: str) -> None:
    """The voucher's check code must match the one printed on it (stored only as a hash).
    A wrong code is counted and logged; past the allowance only a manager may go on, and only
    for as many tries again: after that the code opens nothing and the lost-voucher identity
    check is the only way."""
    code = _normalise_code(code)
    if not code:
        raise ValidationError("check_code", "error.check_code_needed")
    allowed = station.policy.wrong_voucher_codes_allowed
    locked = dead = ok = False
    # The slow hash before the write lock (other terminals would wait for it); the decision
    # under the lock, on the row as it is then (a code reissued meanwhile is hashed again).
    seen = station.store.query_one("SELECT voucher_code_salt, voucher_code_hash FROM repair_orders WHERE number = ?",
                                   (normalise_order_number(number),))
    seen_ok = bool(seen) and matches(code, seen["voucher_code_salt"], seen["voucher_code_hash"])
    with station.store.write() as conn:  # what happened is committed first, then refused
        row = ready_row(conn, number, station)
        failures = row["pickup_failures"]
        if failures >= allowed and actor.role != "manager":
            locked = True
            events.record(conn, station, actor, "pickup.locked_attempt", order_id=row["id"], subject=row["number"])
        elif failures >= 2 * allowed:  # the manager's tries are counted too
            dead = True
            events.record(conn, station, actor, "pickup.locked_attempt", order_id=row["id"], subject=row["number"],
                          data={"code_dead": True})
        else:
            same = seen is not None and (row["voucher_code_salt"], row["voucher_code_hash"]) == (
                seen["voucher_code_salt"], seen["voucher_code_hash"])
            ok = seen_ok if same else matches(code, row["voucher_code_salt"], row["voucher_code_hash"])
            if not ok:
                failures += 1
                conn.execute("UPDATE repair_orders SET pickup_failures = ? WHERE id = ?", (failures, row["id"]))
                events.record(conn, station, actor, "pickup.code_wrong", order_id=row["id"], subject=row["number"],
                              data={"tries": failures})
    if locked:
        raise DomainError("error.pickup_needs_manager", number=row["number"], tries=failures)
    if dead:
        raise DomainError("error.check_code_dead", number=row["number"], tries=failures)
    if not ok:
        if failures >= allowed:
            raise DomainError("error.check_code_locked", number=row["number"], tries=failures)
        raise DomainError("error.check_code_wrong", number=row["number"], left=allowed - failures)
    holder_checked(station, actor, number, {"method": "check_code"})


def check_identity(station, actor, manager, number: str, *, name: str, phone: str, id_document: str) -> None:
    """A lost voucher: a manager checks the person is the customer (name and phone as on the
    order) and notes the identity document seen. ``manager`` is the approving manager."""
    require_role(manager, "manager")
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
    holder_checked(station, actor, number, {"method": "identity", "manager": manager.name,
                                             "manager_id": manager.staff_id, "id_document": id_document})


def holder_checked(station, actor, number: str, how: dict) -> None:
    how = {**how, "by": actor.name, "at": to_db(station.now())}
    with station.store.write() as conn:
        row = ready_row(conn, number, station)
        conn.execute("UPDATE repair_orders SET holder_check = ? WHERE id = ?", (json.dumps(how, ensure_ascii=False),
                                                                              row["id"]))
        events.record(conn, station, actor, "pickup.holder_checked", order_id=row["id"], subject=row["number"],
                      data=how)
