"""The order state machine: every legal move, illegal moves, and the guards (pure core)."""

from __future__ import annotations

import pytest
from conftest import refused

from deskapp.rules.errors import DomainError
from deskapp.rules.lifecycle import TRANSITIONS, OrderFacts, State, next_state
from deskapp.settings.i18n import translator

S = State


def facts(state, **kw):
    base = dict(number="R2611-00001", state=state, chargeable=False, engineer_assigned=True, quote_status="none",
                has_repair_record=True, verified=True, holder_checked=True, balance_due=0)
    base.update(kw)
    return OrderFacts(**base)


DETAILS = {"send_quote": {"total": 1200}, "approve_quote": {"method": "signed"}, "decline_quote": {"method": "phone"},
           "wait_for_part": {"part": "main board"}, "declare_unrepairable": {"reason": "board obsolete"},
           "back_to_bench": {"reason": "fan still noisy"}, "cancel": {"reason": "customer withdrew"},
           "withdraw": {"reason": "customer withdrew"}, "back_to_return": {"reason": "casing scratched"},
           "ship_back": {"tracking": "HCT-123"}}


@pytest.mark.parametrize("action,source", [(a, s) for a, (sources, _) in TRANSITIONS.items() for s in sources])
def test_every_legal_move(action, source):
    chargeable = action in ("send_quote", "stop_for_quote") or source == S.APPROVED
    f = facts(source, chargeable=chargeable, quote_status="approved" if source == S.APPROVED else "none",
              outcome="unrepaired" if action in ("back_to_return", "ship_back") else "")
    assert next_state(f, action, DETAILS.get(action)) == TRANSITIONS[action][1]


@pytest.mark.parametrize("action,source", [
    (a, s) for a, (sources, _) in TRANSITIONS.items() for s in State if s not in sources
])
def test_every_illegal_move_is_refused_with_the_state_and_action_named(action, source):
    with refused("error.illegal_transition", DomainError) as err:
        next_state(facts(source), action, DETAILS.get(action))
    text = err.value.render(translator("en"))
    assert "R2611-00001" in text and translator("en").t(f"state.{source}") in text
    assert translator("zh_TW").t(f"state.{source}") in err.value.render(translator("zh_TW"))


def test_no_repair_work_on_a_chargeable_order_before_the_quote_is_approved():
    with refused("error.repair_before_approval", DomainError):
        next_state(facts(S.DIAGNOSING, chargeable=True), "start_repair")
    assert next_state(facts(S.DIAGNOSING, chargeable=False), "start_repair") == S.IN_REPAIR


def test_diagnosis_needs_an_assigned_engineer():
    with refused("error.needs_engineer", DomainError):
        next_state(facts(S.RECEIVED, engineer_assigned=False), "start_diagnosis")


def test_a_covered_order_needs_no_quote_and_a_quote_needs_a_total():
    with refused("error.quote_not_needed", DomainError):
        next_state(facts(S.DIAGNOSING, chargeable=False), "send_quote", {"total": 100})
    for bad in (None, 0, -5, "100", True):
        with refused("error.quote_total_needed", DomainError):
            next_state(facts(S.DIAGNOSING, chargeable=True), "send_quote", {"total": bad})


def test_a_quote_answer_says_how_the_customer_answered():
    with refused("error.quote_answer_method", DomainError) as err:
        next_state(facts(S.AWAITING_APPROVAL), "approve_quote", {"method": "nod"})
    assert "phone, email, signed, stamped" in str(err.value)


def test_ready_needs_a_repair_record_unless_returned_unrepaired():
    with refused("error.ready_needs_repair_record", DomainError):
        next_state(facts(S.IN_REPAIR, has_repair_record=False), "mark_ready")
    assert next_state(facts(S.RETURN_UNREPAIRED, has_repair_record=False), "mark_ready") == S.READY


def test_release_needs_the_voucher_holder_verification_and_nothing_owed_or_a_waiver():
    with refused("error.release_needs_holder_check", DomainError):
        next_state(facts(S.READY, holder_checked=False), "release")
    with refused("error.release_needs_verification", DomainError):
        next_state(facts(S.READY, verified=False), "release")
    with refused("error.release_owes", DomainError) as err:
        next_state(facts(S.READY, balance_due=3000), "release")
    assert "3,000" in str(err.value)
    assert next_state(facts(S.READY, balance_due=3000, waived=True), "release") == S.RELEASED


@pytest.mark.parametrize("action,key", [("wait_for_part", "error.part_needed"),
                                        ("declare_unrepairable", "error.reason_needed"),
                                        ("back_to_bench", "error.reason_needed"), ("cancel", "error.reason_needed")])
def test_moves_that_need_a_reason_refuse_an_empty_one(action, key):
    source = TRANSITIONS[action][0][0]
    for blank in ({}, {"reason": "  ", "part": ""}):
        with refused(key, DomainError):
            next_state(facts(source), action, blank)


def test_unknown_action():
    with refused("error.unknown_action", DomainError):
        next_state(facts(S.RECEIVED), "teleport")
