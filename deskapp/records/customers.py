"""Customers (with one or more phones), dealers acting for them, and maintenance contracts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import NotFound, ValidationError
from deskapp.storage import events


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    phones: tuple[str, ...]
    company: str = ""
    address: str = ""
    email: str = ""

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "phones": list(self.phones),
            "company": self.company,
            "address": self.address,
            "email": self.email,
        }


@dataclass(frozen=True)
class Dealer:
    id: int
    name: str
    phone: str
    company: str = ""


@dataclass(frozen=True)
class CustomerInput:
    name: str
    phones: list[str] = field(default_factory=list)
    company: str = ""
    address: str = ""
    email: str = ""

    def validated(self) -> "CustomerInput":
        name = validate.required_text("name", self.name, max_len=60)
        phones = [validate.phone("phones", p) for p in self.phones if str(p).strip()]
        if not phones:
            raise ValidationError("phones", "error.phone_needed")
        email = validate.optional_text("email", self.email, max_len=120)
        if email and ("@" not in email or " " in email):
            raise ValidationError("email", "error.email_format", value=email)
        return CustomerInput(
            name=name,
            phones=list(dict.fromkeys(phones)),
            company=validate.optional_text("company", self.company, max_len=80),
            address=validate.optional_text("address", self.address, max_len=200),
            email=email,
        )


def create_customer(station, actor, data: CustomerInput) -> Customer:
    data = data.validated()
    with station.store.write() as conn:
        cur = conn.execute(
            "INSERT INTO customers (name, company, address, email, created_at) VALUES (?, ?, ?, ?, ?)",
            (data.name, data.company, data.address, data.email, to_db(station.now())),
        )
        cid = cur.lastrowid
        conn.executemany(
            "INSERT INTO customer_phones (customer_id, phone) VALUES (?, ?)", [(cid, p) for p in data.phones]
        )
        events.record(conn, station, actor, "customer.created", subject=data.name, data={"customer_id": cid})
    return Customer(cid, data.name, tuple(data.phones), data.company, data.address, data.email)


def _load(station, ids: list[int]) -> list[Customer]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    with station.store.read() as conn:
        rows = {r["id"]: r for r in conn.execute(f"SELECT * FROM customers WHERE id IN ({marks})", ids)}
        phones: dict[int, list[str]] = {}
        for r in conn.execute(
            f"SELECT customer_id, phone FROM customer_phones WHERE customer_id IN ({marks}) ORDER BY rowid", ids
        ):
            phones.setdefault(r["customer_id"], []).append(r["phone"])
    return [
        Customer(i, rows[i]["name"], tuple(phones.get(i, ())), rows[i]["company"], rows[i]["address"], rows[i]["email"])
        for i in ids
        if i in rows
    ]


def get_customer(station, customer_id: int) -> Customer:
    found = _load(station, [customer_id])
    if not found:
        raise NotFound("error.customer_not_found", id=customer_id)
    return found[0]


def find_by_phone(station, prefix: str, limit: int = 20) -> list[Customer]:
    """Customers whose phone starts with ``prefix`` (digits; separators ignored).

    A range scan on the phone index: ``phone >= '0912' AND phone < '0912~'``.
    """
    prefix = validate.phone_prefix(prefix)
    if len(prefix.lstrip("+")) < 3:
        return []
    rows = station.store.query(
        "SELECT DISTINCT customer_id FROM customer_phones WHERE phone >= ? AND phone < ? ORDER BY phone LIMIT ?",
        (prefix, prefix + "~", limit),
    )
    return _load(station, [r["customer_id"] for r in rows])


def find_by_name(station, text: str, limit: int = 20) -> list[Customer]:
    """Customers whose name (or company) holds ``text``, names that start with it first.

    A plain ``LIKE`` scan, because a trigram index cannot find two-character Chinese names
    (周杰) and a unicode61 token is the whole run of Chinese characters (see NOTES.md)."""
    from deskapp.rules.text import clean

    text = " ".join(clean(text).split())
    if not text:
        return []
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = station.store.query(
        "SELECT id FROM customers WHERE name LIKE ? ESCAPE '\\' OR company LIKE ? ESCAPE '\\'"
        " ORDER BY name NOT LIKE ? ESCAPE '\\', name, id LIMIT ?",
        (f"%{escaped}%", f"%{escaped}%", f"{escaped}%", limit),
    )
    return _load(station, [r["id"] for r in rows])


def find_customers(station, text: str, limit: int = 20) -> list[Customer]:
    """The customer search: by phone (a prefix of 3 digits or more) when ``text`` is a phone,
    else by name or company."""
    import re

    raw = str(text or "").strip()
    if re.fullmatch(r"[\d\s\-+().#]+", raw):
        return find_by_phone(station, raw, limit=limit)
    return find_by_name(station, raw, limit=limit)


def create_dealer(station, actor, name: str, phone: str, company: str = "") -> Dealer:
    name = validate.required_text("dealer_name", name)
    phone = validate.phone("dealer_phone", phone)
    company = validate.optional_text("dealer_company", company, max_len=80)
    with station.store.write() as conn:
        cur = conn.execute(
            "INSERT INTO dealers (name, phone, company, created_at) VALUES (?, ?, ?, ?)",
            (name, phone, company, to_db(station.now())),
        )
        events.record(conn, station, actor, "dealer.created", subject=name, data={"dealer_id": cur.lastrowid})
    return Dealer(cur.lastrowid, name, phone, company)


def add_contract(station, actor, customer_id: int, level: int, valid_from: dt.date, valid_until: dt.date, reference: str = "") -> int:
    station.policy.contract(level)  # unknown level -> DomainError
    if valid_until < valid_from:
        raise ValidationError("valid_until", "error.contract_dates")
    with station.store.write() as conn:
        cur = conn.execute(
            "INSERT INTO contracts (customer_id, level, valid_from, valid_until, reference, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (customer_id, level, valid_from.isoformat(), valid_until.isoformat(), reference, to_db(station.now())),
        )
        events.record(conn, station, actor, "contract.added", subject=reference, data={"customer_id": customer_id, "level": level})
    return cur.lastrowid


def contract_level(station, customer_id: int, today: dt.date) -> int | None:
    """The highest maintenance-contract level in force for a customer today."""
    row = station.store.query_one(
        "SELECT MAX(level) AS level FROM contracts WHERE customer_id = ? AND valid_from <= ? AND valid_until >= ?",
        (customer_id, today.isoformat(), today.isoformat()),
    )
    return row["level"] if row and row["level"] is not None else None
