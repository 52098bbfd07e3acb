"""What waits at the pickup counter, and the earlier repairs a returning device may be a
rework of."""

from __future__ import annotations

import re

from deskapp.rules.errors import ValidationError
from deskapp.rules.numbering import normalise_order_number


def at_the_counter(station, limit: int = 100):
    """Orders ready for pickup or to be returned unrepaired, then those released but not yet
    seen off (farewell pending)."""
    from deskapp.orders.reads import summaries

    return summaries(station, "WHERE o.state IN ('ready', 'return_unrepaired', 'released')"
                              " ORDER BY o.state = 'released' DESC, o.id LIMIT ?", (limit,))


def rework_candidates(station, query: str, limit: int = 20):
    """A returning customer's earlier repairs (released or closed), found by order number,
    serial or phone, newest first, each with the repair warranty's last day."""
    from deskapp.orders.reads import summaries
    from deskapp.records.customers import find_by_phone

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
