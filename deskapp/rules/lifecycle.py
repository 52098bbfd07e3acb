"""The repair order's life, as an explicit state machine with guarded transitions.

Plain data in, next state out: :func:`next_state` takes the facts the store knows about an
order and the action asked for, and returns the new state or raises a
:class:`~deskapp.errors.DomainError` whose message says what to do instead.

    received --start_diagnosis--> diagnosing
    diagnosing --send_quote--> awaiting_approval --approve_quote--> approved --start_repair--> in_repair
                                                 --decline_quote--> return_unrepaired
    diagnosing --start_repair--> in_repair            (only when not chargeable)
    awaiting_approval --send_quote--> awaiting_approval (a new quote: the old one expired, or changed)
    in_repair | waiting_parts --stop_for_quote--> diagnosing (a cause found in the repair made it chargeable)
    in_repair <--wait_for_part / part_arrived--> waiting_parts
    diagnosing | in_repair --declare_unrepairable--> return_unrepaired
    in_repair --mark_ready--> ready                   (needs the repair record)
    return_unrepaired --mark_ready--> ready           (returned unrepaired)
    ready --back_to_bench--> in_repair                (verification failed, with reason)
    ready --release--> released                       (voucher holder checked, verification signed, nothing owed)
    released --close--> closed                        (farewell done)
    received --cancel--> cancelled                    (with reason; only if the device was never taken in)
    received .. waiting_parts --withdraw--> return_unrepaired   (the customer withdraws, with reason)
    ready | return_unrepaired --back_to_return--> return_unrepaired  (an unrepaired return's sign-off failed)
    return_unrepaired --release--> released           (handed back unrepaired at the counter)
    return_unrepaired --ship_back--> released         (shipped back, shipping charged, nothing owed)

Every order reaches an end: a device taken in leaves only through the counter (release or
ship_back, then close); only an order whose device never came in is cancelled directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deskapp.rules.errors import DomainError, TKey


class State(StrEnum):
    RECEIVED = "received"
    DIAGNOSING = "diagnosing"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    IN_REPAIR = "in_repair"
    WAITING_PARTS = "waiting_parts"
    RETURN_UNREPAIRED = "return_unrepaired"
    READY = "ready"
    RELEASED = "released"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_STATES = tuple(s for s in State if s not in (State.RELEASED, State.CLOSED, State.CANCELLED))

QUOTE_ANSWERS = ("phone", "email", "signed", "stamped")

S = State
TRANSITIONS: dict[str, tuple[tuple[State, ...], State]] = {
    "start_diagnosis": ((S.RECEIVED,), S.DIAGNOSING),
    "send_quote": ((S.DIAGNOSING, S.AWAITING_APPROVAL), S.AWAITING_APPROVAL),
    "approve_quote": ((S.AWAITING_APPROVAL,), S.APPROVED),
    "decline_quote": ((S.AWAITING_APPROVAL,), S.RETURN_UNREPAIRED),
    "start_repair": ((S.DIAGNOSING, S.APPROVED), S.IN_REPAIR),
    "wait_for_part": ((S.IN_REPAIR,), S.WAITING_PARTS),
    "part_arrived": ((S.WAITING_PARTS,), S.IN_REPAIR),
    "declare_unrepairable": ((S.DIAGNOSING, S.IN_REPAIR, S.WAITING_PARTS), S.RETURN_UNREPAIRED),
    "mark_ready": ((S.IN_REPAIR, S.RETURN_UNREPAIRED), S.READY),
    "back_to_bench": ((S.READY,), S.IN_REPAIR),
    "release": ((S.READY, S.RETURN_UNREPAIRED), S.RELEASED),
    "close": ((S.RELEASED,), S.CLOSED),
    "stop_for_quote": ((S.IN_REPAIR, S.WAITING_PARTS), S.DIAGNOSING),
    "cancel": ((S.RECEIVED,), S.CANCELLED),
    "withdraw": ((S.RECEIVED, S.DIAGNOSING, S.AWAITING_APPROVAL, S.APPROVED, S.IN_REPAIR, S.WAITING_PARTS),
                 S.RETURN_UNREPAIRED),
    "back_to_return": ((S.READY, S.RETURN_UNREPAIRED), S.RETURN_UNREPAIRED),
    "ship_back": ((S.RETURN_UNREPAIRED,), S.RELEASED),
}
# where an order waits for the customer at the pickup counter
AT_THE_COUNTER = (S.READY, S.RETURN_UNREPAIRED)
ACTIONS = tuple(TRANSITIONS)


@dataclass(frozen=True)
class OrderFacts:
    """What the guards need to know about one order, read from the store."""

    number: str
    state: State
    chargeable: bool
    engineer_assigned: bool = False
    quote_status: str = "none"
    has_repair_record: bool = False
    verified: bool = False
    holder_checked: bool = False
    balance_due: int = 0
    waived: bool = False
    outcome: str = ""  # '', 'repaired', 'unrepaired'
    device_taken_in: bool = False  # a pickup voucher was issued: the device is at the station


def _need_text(details: dict, name: str, key: str) -> str:
    value = str(details.get(name) or "").strip()
    if not value:
        raise DomainError(key)
    return value


def next_state(facts: OrderFacts, action: str, details: dict | None = None) -> State:
    """The state ``action`` leads to, or a DomainError saying why it may not happen now."""
    details = details or {}
    if action not in TRANSITIONS:
        raise DomainError("error.unknown_action", action=action, known=", ".join(ACTIONS))
    sources, target = TRANSITIONS[action]
    if facts.state not in sources:
        raise DomainError(
            "error.illegal_transition",
            number=facts.number,
            state=TKey(f"state.{facts.state}"),
            action=TKey(f"action.{action}"),
        )
    guard = _GUARDS.get(action)
    if guard is not None:
        guard(facts, details)
    return target


def _start_diagnosis(facts: OrderFacts, details: dict) -> None:
    if not facts.engineer_assigned:
        raise DomainError("error.needs_engineer", number=facts.number)


def _send_quote(facts: OrderFacts, details: dict) -> None:
    if not facts.chargeable:
        raise DomainError("error.quote_not_needed", number=facts.number)
    total = details.get("total")
    if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
        raise DomainError("error.quote_total_needed")


def _answer_quote(facts: OrderFacts, details: dict) -> None:
    if details.get("method") not in QUOTE_ANSWERS:
        raise DomainError("error.quote_answer_method", known=", ".join(QUOTE_ANSWERS))


def _start_repair(facts: OrderFacts, details: dict) -> None:
    if facts.chargeable and facts.quote_status != "approved":
        raise DomainError("error.repair_before_approval", number=facts.number)


def _wait_for_part(facts: OrderFacts, details: dict) -> None:
    _need_text(details, "part", "error.part_needed")


def _with_reason(facts: OrderFacts, details: dict) -> None:
    _need_text(details, "reason", "error.reason_needed")


def _mark_ready(facts: OrderFacts, details: dict) -> None:
    if facts.state == State.IN_REPAIR and not facts.has_repair_record:
        raise DomainError("error.ready_needs_repair_record", number=facts.number)
    if facts.state == State.IN_REPAIR:  # a repair that became chargeable is not ready without the customer's yes
        _start_repair(facts, details)


def _stop_for_quote(facts: OrderFacts, details: dict) -> None:
    if not facts.chargeable or facts.quote_status == "approved":
        raise DomainError("error.stop_for_quote_not_needed", number=facts.number)


def _back_to_bench(facts: OrderFacts, details: dict) -> None:
    _with_reason(facts, details)
    if facts.outcome == "unrepaired":  # never repaired without its quote: it goes back as a return
        raise DomainError("error.return_not_to_bench", number=facts.number)


def _back_to_return(facts: OrderFacts, details: dict) -> None:
    _with_reason(facts, details)
    if facts.outcome != "unrepaired":
        raise DomainError("error.not_an_unrepaired_return", number=facts.number)


def _cancel(facts: OrderFacts, details: dict) -> None:
    _with_reason(facts, details)
    if facts.device_taken_in:  # the device is here: it goes back through the counter
        raise DomainError("error.cancel_device_here", number=facts.number)


def _ship_back(facts: OrderFacts, details: dict) -> None:
    if facts.outcome != "unrepaired":
        raise DomainError("error.not_an_unrepaired_return", number=facts.number)
    _need_text(details, "tracking", "error.tracking_needed")
    if facts.balance_due > 0 and not facts.waived:
        raise DomainError("error.release_owes", number=facts.number, amount=facts.balance_due)


def _release(facts: OrderFacts, details: dict) -> None:
    if not facts.holder_checked:
        raise DomainError("error.release_needs_holder_check", number=facts.number)
    if not facts.verified:
        raise DomainError("error.release_needs_verification", number=facts.number)
    if facts.balance_due > 0 and not facts.waived:
        raise DomainError("error.release_owes", number=facts.number, amount=facts.balance_due)


_GUARDS = {
    "start_diagnosis": _start_diagnosis,
    "send_quote": _send_quote,
    "approve_quote": _answer_quote,
    "decline_quote": _answer_quote,
    "start_repair": _start_repair,
    "wait_for_part": _wait_for_part,
    "declare_unrepairable": _with_reason,
    "mark_ready": _mark_ready,
    "back_to_bench": _back_to_bench,
    "stop_for_quote": _stop_for_quote,
    "release": _release,
    "cancel": _cancel,
    "withdraw": _with_reason,
    "back_to_return": _back_to_return,
    "ship_back": _ship_back,
}
