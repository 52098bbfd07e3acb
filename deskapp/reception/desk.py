"""The reception desk at a glance: who is waiting for what, who is being served, what
waits for hand-off, and which customers have waited past the reassurance time."""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.orders.reads import OrderSummary, awaiting_hand_off, waiting_past
from deskapp.reception.queue import QueueTicket, now_serving, waiting_counts


@dataclass(frozen=True)
class DeskCounts:
    waiting: dict[str, int]
    serving: QueueTicket | None
    hand_off: int
    version: int  # the store's change signal when these were read
    waited: tuple[tuple[OrderSummary, int], ...]


def desk_counts(station) -> DeskCounts:
    version = station.store.data_version()
    return DeskCounts(waiting=waiting_counts(station), serving=now_serving(station),
                      hand_off=len(awaiting_hand_off(station)), version=version,
                      waited=tuple(waiting_past(station)))
