"""Text hygiene for the station's rules: the one sanitiser and the one width measure
(from :mod:`deskapp.printing.text`, which the printers use too), digits of a phone, and the
one way a phone is shown masked, and the one way a device is named."""

from __future__ import annotations

from deskapp.printing.text import clean, display_width

__all__ = ["clean", "device_label", "digits_only", "display_width", "mask_phone"]


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def mask_phone(phone: str) -> str:
    """0912345678 -> 0912***678: enough for the customer to recognise, not to misuse."""
    if len(phone) <= 6:
        return phone[:2] + "*" * max(0, len(phone) - 2)
    return phone[:4] + "*" * (len(phone) - 7) + phone[-3:]


def device_label(tr, product_line: str, brand: str = "", model: str = "") -> str:
    """How a device is named on screens and paper: its product line in the station's
    language, then brand and model (the brand once, when the model already starts with it)."""
    brand, model = clean(brand), clean(model)
    if brand and model.casefold().startswith(brand.casefold()):
        brand = ""
    line = tr.t(f"product_line.{product_line}") if product_line else ""
    return " ".join(x for x in (line, brand, model) if x)
