"""Station staff: name, role and a PIN kept as a salted scrypt hash."""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.rules import validate
from deskapp.rules.dates import to_db
from deskapp.rules.errors import DomainError, NotFound, ValidationError
from deskapp.rules.hashing import hash_secret, matches, new_salt
from deskapp.station import Actor
from deskapp.storage import events

ROLES = ("reception", "engineer", "pickup", "manager")


@dataclass(frozen=True)
class Staff:
    id: int
    name: str
    role: str
    active: bool

    def actor(self, terminal: str) -> Actor:
        return Actor(name=self.name, terminal=terminal, staff_id=self.id, role=self.role)


def _staff(row) -> Staff:
    return Staff(id=row["id"], name=row["name"], role=row["role"], active=bool(row["active"]))


def add_staff(station, actor: Actor, name: str, role: str, pin: str) -> Staff:
    name = validate.required_text("name", name, max_len=40)
    role = validate.choice("role", role, ROLES)
    pin = validate.pin("pin", pin)
    salt = new_salt()
    digest = hash_secret(pin, salt)
    with station.store.write() as conn:
        if conn.execute("SELECT 1 FROM staff WHERE name = ?", (name,)).fetchone():
            raise ValidationError("name", "error.staff_exists", name=name)
        cur = conn.execute(
            "INSERT INTO staff (name, role, pin_hash, pin_salt, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, role, digest, salt, to_db(station.now())),
        )
        events.record(conn, station, actor, "staff.added", subject=name, data={"role": role})
        return Staff(id=cur.lastrowid, name=name, role=role, active=True)


def list_staff(station, role: str | None = None) -> list[Staff]:
    if role:
        rows = station.store.query("SELECT * FROM staff WHERE role = ? AND active ORDER BY name", (role,))
    else:
        rows = station.store.query("SELECT * FROM staff WHERE active ORDER BY role, name")
    return [_staff(r) for r in rows]


def get_staff(station, staff_id: int) -> Staff:
    row = station.store.query_one("SELECT * FROM staff WHERE id = ?", (staff_id,))
    if row is None:
        raise NotFound("error.staff_not_found", name=str(staff_id))
    return _staff(row)


def sign_in(station, name: str, pin: str, terminal: str) -> Staff:
    """Check a PIN; every attempt, good or bad, is logged (without the PIN)."""
    row = station.store.query_one("SELECT * FROM staff WHERE name = ? AND active", (name,))
    ok = row is not None and matches(str(pin), row["pin_salt"], row["pin_hash"])
    who = Actor(name=name, terminal=terminal, staff_id=row["id"] if row else None, role=row["role"] if row else None)
    with station.store.write() as conn:
        events.record(conn, station, who, "staff.sign_in" if ok else "staff.sign_in_failed", subject=name)
    if not ok:
        raise DomainError("error.sign_in_failed")
    return _staff(row)
