"""The verification sign-off (驗機): the product line's checklist, the customer's own check,
the name signed, sticker and card; a failed item sends the order back to the bench."""

from __future__ import annotations

import json
from dataclasses import dataclass

from deskapp.counter.voucher_check import fresh_holder_check, look_up, ready_row
from deskapp.orders.model import RepairOrder, get_order
from deskapp.orders.moves import advance
from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, TKey, ValidationError
from deskapp.storage import events

RESULTS = ("pass", "fail", "na")


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
    order back instead, and nothing is released: a repair back to the bench, an unrepaired
    return back to "to return unrepaired" (never to a repair without its approved quote).

    Everything it decides on (the state, the holder check for this pickup, repaired or not)
    is read under the write lock, in the one transaction that records the outcome."""
    view = look_up(station, actor, number)  # the checklist of the device's product line (it does not change)
    missing = [item for item in view.checklist if s.results.get(item) not in RESULTS]
    if missing:
        raise ValidationError(f"item_{missing[0]}", "error.checklist_item_needed", item=TKey(f"verify.{missing[0]}"))
    note = validate.optional_text("note", s.note, max_len=300)
    failed = [item for item in view.checklist if s.results[item] == "fail"]
    tr = station.tr  # a reason is read at the bench, in the station's language
    now = to_db(station.now())
    with station.store.write() as conn:
        row = ready_row(conn, number, station)
        if not fresh_holder_check(station, row["holder_check"]):
            raise DomainError("error.sign_off_needs_holder_check", number=row["number"])
        unrepaired = row["outcome"] == "unrepaired"  # returned unrepaired: the fault is still there, as agreed
        fault_gone = None if unrepaired else bool(s.fault_gone)
        if failed or fault_gone is False:
            words = [tr.t(f"verify.{i}") for i in failed] + ([tr.t("verify.fault_still_there")] if fault_gone is False else [])
            reason = tr.t("pickup.failed_items", items="、".join(words) if tr.locale.startswith("zh") else ", ".join(words))
            if note:
                reason += f" — {note}"
            back = "back_to_return" if unrepaired else "back_to_bench"
            return advance(station, actor, number, back, reason=reason, failed=failed, fault_gone=fault_gone,
                           note=note)  # the note on its own too: the bench shows it
        signed_by = validate.required_text("signed_by", s.signed_by)
        sticker_reason = validate.optional_text("sticker_reason", s.sticker_reason, max_len=200)
        if not s.sticker_applied and not sticker_reason:
            raise ValidationError("sticker_reason", "error.sticker_reason_needed")
        card_reason = validate.optional_text("card_reason", s.card_reason, max_len=200)
        if not s.card_left and not card_reason:
            raise ValidationError("card_reason", "error.card_reason_needed")
        record = {"items": {i: s.results[i] for i in view.checklist}, "fault_gone": fault_gone, "note": note}
        conn.execute(
            "UPDATE repair_orders SET verified_at = ?, verified_by = ?, verification = ?, sticker_applied = ?,"
            " sticker_reason = ?, card_left = ?, card_reason = ?, updated_at = ? WHERE id = ?",
            (now, signed_by, json.dumps(record, ensure_ascii=False), int(s.sticker_applied), sticker_reason,
             int(s.card_left), card_reason, now, row["id"]))
        events.record(conn, station, actor, "order.verified", order_id=row["id"], subject=row["number"],
                      data={"signed_by": signed_by, **record})
    return get_order(station, number)
