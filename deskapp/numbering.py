"""Counters that never collide across terminals.

Each counter is one row bumped with a single ``INSERT .. ON CONFLICT DO UPDATE ..
RETURNING`` inside the caller's ``BEGIN IMMEDIATE`` transaction: the write lock is held
from the start, so two terminals can never read the same value, and the number is
committed together with the ticket or order that uses it (a rolled-back order does
not burn a number that another terminal then skips; a committed one is never reused).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3


def next_queue_number(conn: sqlite3.Connection, service: str, day: dt.date) -> int:
    """The next queue number of ``service`` on ``day`` (numbers restart every day)."""
    return conn.execute(
        "INSERT INTO queue_counters (service, day, last) VALUES (?, ?, 1)"
        " ON CONFLICT (service, day) DO UPDATE SET last = last + 1 RETURNING last",
        (service, day.isoformat()),
    ).fetchone()[0]


def queue_code(prefix: str, number: int) -> str:
    """A012: the letter of the service and at least three digits, as called out at the desk."""
    return f"{prefix}{number:03d}"


def order_period(day: dt.date) -> str:
    return day.strftime("%y%m")


def next_order_number(conn: sqlite3.Connection, prefix: str, day: dt.date) -> str:
    """R2611-00042: prefix, year and month of intake, and the month's sequence."""
    period = order_period(day)
    seq = conn.execute(
        "INSERT INTO order_counters (period, last) VALUES (?, 1)"
        " ON CONFLICT (period) DO UPDATE SET last = last + 1 RETURNING last",
        (period,),
    ).fetchone()[0]
    return format_order_number(prefix, period, seq)


def format_order_number(prefix: str, period: str, seq: int) -> str:
    return f"{prefix}{period}-{seq:05d}"


ORDER_NUMBER = re.compile(r"^[A-Z]{1,3}\d{4}-\d{5}$")  # what format_order_number makes (prefix: 1-3 letters)


def is_order_number(text: str) -> bool:
    """Does ``text`` (already normalised) have the shape of one of our order numbers?"""
    return bool(ORDER_NUMBER.match(text))


def normalise_order_number(text: str) -> str:
    """What a scanner or a person types -> the stored form: 'r2611 42' -> 'R2611-00042'."""
    s = "".join(ch for ch in str(text).upper() if ch.isalnum() or ch == "-").replace("-", "")
    i = 0
    while i < len(s) and s[i].isalpha():
        i += 1
    prefix, rest = s[:i], s[i:]
    if len(rest) > 4 and rest.isdigit():
        return format_order_number(prefix, rest[:4], int(rest[4:]))
    return str(text).strip().upper()
