"""Quotes for chargeable work (seed 000, 003: no price before inspection): parts and labour
lines, the inspection fee already due, total, validity, and the customer's answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskapp.orders.model import locked_row
from deskapp.orders.moves import advance
from deskapp.rules import validate
from deskapp.rules.errors import DomainError, ValidationError

RETURN_METHODS = ("collect", "ship")


@dataclass(frozen=True)
class QuoteLine:
    kind: str  # part | labour
    description: str
    quantity: int
    unit_price: int

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


def _checked(lines) -> list[QuoteLine]:
    out = []
    for i, line in enumerate(lines):
        field = f"line{i + 1}"
        if line.kind not in ("part", "labour"):
            raise ValidationError(field, "error.choice", value=line.kind, allowed="part, labour")
        desc = validate.required_text(field, line.description, max_len=120)
        validate.quantity(field, line.quantity)
        validate.amount(field, line.unit_price)
        checked = QuoteLine(line.kind, desc, line.quantity, line.unit_price)
        validate.amount(field, checked.amount)  # quantity x price within the ceiling too
        out.append(checked)
    if not out:
        raise ValidationError("lines", "error.quote_needs_lines")
    validate.amount("lines", sum(line.amount for line in out))
    return out


def send_quote(station, actor, number: str, lines) -> int:
    """Store the lines and send the quote; returns its total (without the inspection fee)."""
    checked = _checked(lines)
    total = sum(line.amount for line in checked)
    valid_until = station.today() + dt.timedelta(days=station.policy.quote_valid_days)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        conn.execute("DELETE FROM quote_lines WHERE order_id = ?", (row["id"],))
        conn.executemany(
            "INSERT INTO quote_lines (order_id, kind, description, quantity, unit_price) VALUES (?, ?, ?, ?, ?)",
            [(row["id"], q.kind, q.description, q.quantity, q.unit_price) for q in checked])
        conn.execute("UPDATE repair_orders SET quote_valid_until = ? WHERE id = ?", (valid_until.isoformat(), row["id"]))
        advance(station, actor, row["number"], "send_quote", total=total)  # same transaction (savepoint)
    return total


def answer_quote(station, actor, number: str, *, approved: bool, method: str, return_method: str = ""):
    """The customer's answer. A decline says how the device goes back (collected or shipped).
    An expired quote cannot be approved: the bench sends a new one (its validity read under the lock)."""
    if approved:
        with station.store.write() as conn:
            row = locked_row(conn, number)
            until = row["quote_valid_until"]
            if row["state"] == "awaiting_approval" and until and station.today() > dt.date.fromisoformat(until):
                raise DomainError("error.quote_expired", number=row["number"], until=until)
            return advance(station, actor, number, "approve_quote", method=method)
    return_method = validate.choice("return_method", return_method, RETURN_METHODS)
    with station.store.write() as conn:
        row = locked_row(conn, number)
        conn.execute("UPDATE repair_orders SET return_method = ? WHERE id = ?", (return_method, row["id"]))
        return advance(station, actor, number, "decline_quote", method=method, return_method=return_method)


def quote_of(station, order) -> dict:
    lines = [dict(r) for r in station.store.query(
        "SELECT kind, description, quantity, unit_price, quantity * unit_price AS amount FROM quote_lines"
        " WHERE order_id = ? ORDER BY id", (order.id,))]
    fee = station.store.query_one(
        "SELECT COALESCE(SUM(amount), 0) AS fee FROM charges WHERE order_id = ? AND kind = 'inspection_fee'",
        (order.id,))["fee"]
    paid = station.store.query_one("SELECT COALESCE(SUM(amount), 0) AS paid FROM payments WHERE order_id = ?",
                                   (order.id,))["paid"]
    row = station.store.query_one("SELECT quote_valid_until, return_method FROM repair_orders WHERE id = ?", (order.id,))
    total = sum(line["amount"] for line in lines)
    # Fees are taken at the pickup counter: at the bench the inspection fee is normally still owed.
    return {"lines": lines, "total": total, "inspection_fee": fee, "grand_total": total + fee,
            "inspection_fee_collected": fee > 0 and paid >= fee,
            "valid_until": row["quote_valid_until"], "status": order.quote_status, "answer": order.quote_answer,
            "return_method": row["return_method"]}
