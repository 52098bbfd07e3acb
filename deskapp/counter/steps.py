"""Which step of the pickup comes next at the counter.

:func:`next_step` is the rule, over what the order already is: released goes to the
farewell; a ready order (or one to return unrepaired) whose holder is not checked (for this
pickup) waits for the voucher check; then the verification sign-off, the fees while anything
is owed and not waived, and the release with its repair order. An unrepaired return the
customer asked to have shipped goes to the shipping step instead (the shipping charge, the
fees, the parcel), unless the customer came for it after all (holder checked). Any other
state has no counter step.

:func:`where_it_stands` reads what the rule needs for one order (the counter's view of it
and its fees) and applies it; a screen maps the step's name to its screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.counter.voucher_check import PickupView

SIGN_OFF, FEES, RELEASE, FAREWELL, SHIP = "sign_off", "fees", "release", "farewell", "ship"
STEPS = (SIGN_OFF, FEES, RELEASE, FAREWELL, SHIP)


def next_step(state: str, *, holder_checked: bool, verified: bool, due: int, waived: bool,
              ship: bool = False, shipping_charged: bool = False) -> str | None:
    """The counter's next step for an order in ``state``, or None (nothing to do here yet:
    the voucher is unchecked, or the order is not at the counter). ``ship``: an unrepaired
    return the customer asked to have shipped back."""
    state = str(state)
    if state == "released":
        return FAREWELL
    if state == "return_unrepaired" and ship and not holder_checked:
        if shipping_charged and due > 0 and not waived:
            return FEES
        return SHIP
    if state not in ("ready", "return_unrepaired") or not holder_checked:
        return None
    if not verified:
        return SIGN_OFF
    if due > 0 and not waived:
        return FEES
    return RELEASE


@dataclass(frozen=True)
class AtTheCounter:
    """One order as the counter sees it now, and its next step there."""

    view: PickupView
    step: str | None

    @property
    def number(self) -> str:
        return self.view.order.number

    @property
    def state(self) -> str:
        return str(self.view.order.state)


def where_it_stands(station, actor, number: str) -> AtTheCounter:
    """Look the scanned or typed number up (refused and logged if it is no order of this
    station) and say what comes next for it at the counter."""
    from deskapp.counter.fees import SHIPPING, fees
    from deskapp.counter.voucher_check import look_up

    view = look_up(station, actor, number)
    owed = fees(station, view.order.number)
    step = next_step(view.order.state, holder_checked=bool(view.holder_check), verified=bool(view.order.verified_at),
                     due=owed["due"], waived=bool(owed["waiver_reason"]), ship=owed["return_method"] == "ship",
                     shipping_charged=any(line["kind"] == "other" and line["description"] == SHIPPING
                                          for line in owed["lines"]))
    return AtTheCounter(view=view, step=step)
