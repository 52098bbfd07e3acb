"""Counters that never collide across terminals.

Each counter is one row bumped with a single ``INSERT .. ON CONFLICT DO UPDATE ..
RETURNING`` inside the caller's ``BEGIN IMMEDIATE`` transaction: the write lock is held
from the start, so two terminals can never read the same value, and the number is
committed together with the ticket or order that uses it (a rolled-back order does
not burn a number that another terminal then skips; a committed one is never reused).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from deskapp.rules.numbering import format_order_number, order_period


def next_queue_number(conn: sqlite3.Connection, service: str, day: dt.date) -> int:
    """The next queue number of ``service`` on ``day`` (numbers restart every day)."""
    return conn.execute(
        "INSERT INTO queue_counters (service, day, last) VALUES (?, ?, 1)"
        " ON CONFLICT (service, day) DO UPDATE SET last = last + 1 RETURNING last",
        (service, day.isoformat()),
    ).fetchone()[0]


def next_order_number(conn: sqlite3.Connection, prefix: str, day: dt.date) -> str:
    """R2611-00042: prefix, year and month of intake, and the month's sequence."""
    period = order_period(day)
    seq = conn.execute(
        "INSERT INTO order_counters (period, last) VALUES (?, 1)"
        " ON CONFLICT (period) DO UPDATE SET last = last + 1 RETURNING last",
        (period,),
    ).fetchone()[0]
    return format_order_number(prefix, period, seq)
