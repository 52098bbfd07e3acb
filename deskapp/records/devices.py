"""Devices brought to the station, identified by serial (and brand)."""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import NotFound
from deskapp.storage import events


@dataclass(frozen=True)
class Device:
    id: int
    product_line: str
    brand: str
    model: str
    serial: str
    customer_id: int | None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "product_line": self.product_line,
            "brand": self.brand,
            "model": self.model,
            "serial": self.serial,
        }


def _device(row) -> Device:
    return Device(row["id"], row["product_line"], row["brand"], row["model"], row["serial"], row["customer_id"])


def register_device(station, actor, *, product_line: str, serial: str, brand: str = "", model: str = "", customer_id: int | None = None) -> Device:
    """The device with this serial and brand, created if the station has not seen it."""
    with station.store.write() as conn:
        return upsert_device(conn, station, actor, product_line=product_line, serial=serial, brand=brand,
                             model=model, customer_id=customer_id)


def upsert_device(conn, station, actor, *, product_line: str, serial: str, brand: str = "", model: str = "",
                  customer_id: int | None = None, log: bool = True) -> Device:
    """:func:`register_device` inside the caller's write transaction (intake uses one transaction).

    ``log=False`` when the caller's own event records the device (intake's ``order.created``)."""
    serial = validate.serial("serial", serial)
    brand = validate.optional_text("brand", brand, max_len=40)
    model = validate.optional_text("model", model, max_len=60)
    station.policy.require_product_line(product_line)
    row = conn.execute("SELECT * FROM devices WHERE serial = ? AND brand = ?", (serial, brand)).fetchone()
    if row is not None:
        if customer_id is not None and row["customer_id"] != customer_id:
            conn.execute("UPDATE devices SET customer_id = ? WHERE id = ?", (customer_id, row["id"]))
            if log:
                events.record(conn, station, actor, "device.owner_changed", subject=serial,
                              data={"device_id": row["id"], "from": row["customer_id"], "to": customer_id})
            return Device(row["id"], row["product_line"], row["brand"], row["model"], serial, customer_id)
        return _device(row)
    cur = conn.execute(
        "INSERT INTO devices (product_line, brand, model, serial, customer_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (product_line, brand, model, serial, customer_id, to_db(station.now())),
    )
    if log:
        events.record(conn, station, actor, "device.registered", subject=serial, data={"device_id": cur.lastrowid})
    return Device(cur.lastrowid, product_line, brand, model, serial, customer_id)


def find_by_serial(station, serial: str) -> list[Device]:
    serial = validate.serial("serial", serial)
    return [_device(r) for r in station.store.query("SELECT * FROM devices WHERE serial = ? ORDER BY id", (serial,))]


def get_device(station, device_id: int) -> Device:
    row = station.store.query_one("SELECT * FROM devices WHERE id = ?", (device_id,))
    if row is None:
        raise NotFound("error.device_not_found", id=device_id)
    return _device(row)
