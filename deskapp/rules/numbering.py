"""Numbers as the station writes and reads them: queue codes (A012) and repair order
numbers (R2611-00042), and the forms a scanner or a hurried hand types."""

from __future__ import annotations

import datetime as dt
import re


def queue_code(prefix: str, number: int) -> str:
    """A012: the letter of the service and at least three digits, as called out at the desk."""
    return f"{prefix}{number:03d}"


def order_period(day: dt.date) -> str:
    return day.strftime("%y%m")


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
