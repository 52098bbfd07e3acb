"""Text hygiene for the station's rules: the one sanitiser and the one width measure
(from :mod:`deskapp.printing.text`, which the printers use too), digits of a phone, and the
one way a phone is shown masked."""

from __future__ import annotations

from deskapp.printing.text import clean, display_width

__all__ = ["clean", "digits_only", "display_width", "mask_phone"]


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_phone(phone: str) -> str:
    """0912345678 -> 0912***678: enough for the customer to recognise, not to misuse."""
    if len(phone) <= 6:
        return phone[:2] + "*" * max(0, len(phone) - 2)
    return phone[:4] + "*" * (len(phone) - 7) + phone[-3:]
