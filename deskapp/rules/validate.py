"""Field validation: each function returns the clean value or raises a ValidationError
naming the field, with a message staff can act on (in the station's locale)."""

from __future__ import annotations

import datetime as dt
import re

from deskapp.rules.errors import ValidationError
from deskapp.rules.text import clean, digits_only

SERIAL_RE = re.compile(r"[A-Z0-9][A-Z0-9\-/.]{2,39}")
PIN_RE = re.compile(r"\d{4,8}")

# The largest amount the station takes in one figure (a quote line, a quote's total, a fee):
# NT$9,999,999. A repair costing more is a typing slip; far larger figures would not even fit
# an SQLite integer (OverflowError). Quantities on one line stop at 999.
MONEY_MAX = 9_999_999
QUANTITY_MAX = 999


def amount(field: str, value: object, *, key: str = "error.price_not_negative") -> int:
    """A whole amount of money from 0 to MONEY_MAX (``key`` names the refusal of a negative one)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError(field, key)
    if value > MONEY_MAX:
        raise ValidationError(field, "error.amount_too_large", max=f"{MONEY_MAX:,}", value=f"{value:,}")
    return value


def quantity(field: str, value: object) -> int:
    """A whole quantity from 1 to QUANTITY_MAX."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError(field, "error.quantity_positive")
    if value > QUANTITY_MAX:
        raise ValidationError(field, "error.quantity_too_large", max=QUANTITY_MAX, value=value)
    return value


def required_text(field: str, value: object, *, max_len: int = 60) -> str:
    text = clean(value)
    if not text:
        raise ValidationError(field, "error.field_required")
    if len(text) > max_len:
        raise ValidationError(field, "error.field_too_long", max=max_len, length=len(text))
    return text


def optional_text(field: str, value: object, *, max_len: int = 200, multiline: bool = False) -> str:
    text = clean(value, multiline=multiline)
    if len(text) > max_len:
        raise ValidationError(field, "error.field_too_long", max=max_len, length=len(text))
    return text


def text_list(field: str, values: object, *, max_items: int = 20, max_len: int = 40,
              allowed: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """A list of short texts (accessories received, appearance items): each cleaned and
    bounded, the list bounded, and (with ``allowed``) each one of the allowed keys."""
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) > max_items:
        raise ValidationError(field, "error.too_many_items", max=max_items, count=len(values))
    out = []
    for value in values:
        text = clean(value)
        if len(text) > max_len:
            raise ValidationError(field, "error.field_too_long", max=max_len, length=len(text))
        if allowed is not None and text not in allowed:
            raise ValidationError(field, "error.choice", value=text, allowed=", ".join(allowed))
        if text and text not in out:
            out.append(text)
    return out


def phone(field: str, value: object) -> str:
    """Keep digits (and a leading +): '0912-345 678' -> '0912345678'."""
    raw = clean(value)
    if not raw:
        raise ValidationError(field, "error.field_required")
    if re.search(r"[^\d\s\-+().#]", raw):
        raise ValidationError(field, "error.phone_characters", value=raw)
    digits = digits_only(raw)
    if not 6 <= len(digits) <= 15:
        raise ValidationError(field, "error.phone_length", value=raw, count=len(digits))
    return ("+" if raw.startswith("+") else "") + digits


def phone_prefix(value: object) -> str:
    raw = clean(value)
    return ("+" if raw.startswith("+") else "") + digits_only(raw)


def serial(field: str, value: object) -> str:
    text = clean(value).upper().replace(" ", "")
    if not text:
        raise ValidationError(field, "error.field_required")
    if not SERIAL_RE.fullmatch(text):
        raise ValidationError(field, "error.serial_format", value=text)
    return text


def iso_date(field: str, value: object, *, not_after: dt.date | None = None) -> dt.date:
    text = clean(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValidationError(field, "error.date_format", value=text)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.date_invalid", value=text) from None
    if not_after is not None and day > not_after:
        raise ValidationError(field, "error.date_in_future", value=text)
    return day


def pin(field: str, value: object) -> str:
    text = str(value or "").strip()
    if not PIN_RE.fullmatch(text):
        raise ValidationError(field, "error.pin_format")
    return text


def choice(field: str, value: object, allowed: tuple[str, ...] | list[str]) -> str:
    text = clean(value)
    if text not in allowed:
        raise ValidationError(field, "error.choice", value=text, allowed=", ".join(allowed))
    return text


# How long each typed field may be, by the name its form and its refusal share: the form
# takes no more as the text arrives (a paste is cut there), the service refuses more.
TEXT_LIMITS = {
    "fault_told": 500, "fault_restated": 500, "fault_confirmed": 500, "rework_fault": 500,
    "name": 60, "company": 80, "dealer_name": 60, "dealer_phone": 30, "phone": 30,
    "invoice_no": 30, "serial": 40, "brand": 40, "model": 60,
    "appearance_notes": 300, "non_standard_parts": 300, "passcode": 64,
    "override_reason": 200, "give_reason": 200, "reason": 300, "withdraw_reason": 300, "waive_reason": 300,
    "signed_by": 60, "sticker_reason": 200, "card_reason": 200, "note": 300,
    "id_name": 60, "id_document": 80, "carrier": 60, "tracking": 60,
    "findings": 2000, "cause": 500, "work": 2000, "part": 120, "loaner_device": 120,
    "description": 120, "order_number": 40, "find_number": 40, "voucher_number": 40, "rework_query": 60,
}
# A field not named above: the longest text any service takes.
TEXT_LIMIT_ANY = 2000


def text_limit(field: str) -> int:
    return TEXT_LIMITS.get(field, TEXT_LIMIT_ANY)
