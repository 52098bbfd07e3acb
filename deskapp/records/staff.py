"""Station staff: name, role and a PIN kept as a salted scrypt hash."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from deskapp.rules import validate
from deskapp.rules.dates import from_db, local_time, to_db
from deskapp.rules.errors import DomainError, NotFound, ValidationError
from deskapp.rules.hashing import hash_secret, new_salt
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


def add_staff(station, actor: Actor, name: str, role: str, pin: str, *, manager_needed_if_any: bool = False) -> Staff:
    """Add a staff member. With ``manager_needed_if_any`` (the command line), once the station
    has an active manager only a manager may add staff (checked under the write lock)."""
    name = validate.required_text("name", name, max_len=40)
    role = validate.choice("role", role, ROLES)
    pin = validate.pin("pin", pin)
    salt = new_salt()
    digest = hash_secret(pin, salt)
    with station.store.write() as conn:
        if manager_needed_if_any and actor.role != "manager" and conn.execute(
                "SELECT 1 FROM staff WHERE role = 'manager' AND active").fetchone():
            raise DomainError("error.staff_add_needs_manager")
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


PIN_TRIES_ALLOWED = 5  # wrong PINs in a row before a name is locked out
LOCK_OUT_FIRST_S = 30  # the first lock-out; each further wrong PIN doubles it
LOCK_OUT_LONGEST_S = 3600


def lock_out_seconds(failures: int) -> int:
    """How long a name is locked out after ``failures`` wrong PINs in a row (0: not yet)."""
    if failures < PIN_TRIES_ALLOWED:
        return 0
    return min(LOCK_OUT_LONGEST_S, LOCK_OUT_FIRST_S * 2 ** min(failures - PIN_TRIES_ALLOWED, 20))


def sign_in(station, name: str, pin: str, terminal: str) -> Staff:
    """Check a PIN; every attempt, good or bad, is logged (without the PIN).

    Wrong PINs in a row are counted per name in the station file (so the count holds on
    every terminal and across restarts); after :data:`PIN_TRIES_ALLOWED` the name is locked
    out for 30 s, doubling with each further wrong PIN (at most an hour), logged as
    ``staff.locked_out``. While locked out no PIN is even checked (``staff.sign_in_locked``).
    The slow hash is computed before the write lock; the decision is taken under it."""
    name = str(name)
    seen = station.store.query_one("SELECT pin_salt FROM staff WHERE name = ? AND active", (name,))
    salt = seen["pin_salt"] if seen else None
    digest = hash_secret(str(pin), salt or b"\0" * 16)  # an unknown name takes as long as a known one
    locked_until = None
    with station.store.write() as conn:
        now = station.now()
        row = conn.execute("SELECT * FROM staff WHERE name = ? AND active", (name,)).fetchone()
        who = Actor(name=name, terminal=terminal, staff_id=row["id"] if row else None,
                    role=row["role"] if row else None)
        guard = conn.execute("SELECT failures, locked_until FROM sign_in_guard WHERE name = ?", (name,)).fetchone()
        failures = guard["failures"] if guard else 0
        until = from_db(guard["locked_until"]) if guard else None
        if until is not None and now < until:
            locked_until = until
            events.record(conn, station, who, "staff.sign_in_locked", subject=name,
                          data={"until": to_db(until), "failures": failures})
            ok = False
        else:
            if row is not None and row["pin_salt"] != salt:  # the PIN changed meanwhile
                digest = hash_secret(str(pin), row["pin_salt"])
            ok = row is not None and hmac.compare_digest(digest, row["pin_hash"])
            if ok:
                conn.execute("DELETE FROM sign_in_guard WHERE name = ?", (name,))
                events.record(conn, station, who, "staff.sign_in", subject=name)
            else:
                failures += 1
                seconds = lock_out_seconds(failures)
                locked_until = now + dt.timedelta(seconds=seconds) if seconds else None
                conn.execute(
                    "INSERT INTO sign_in_guard (name, failures, locked_until) VALUES (?, ?, ?) ON CONFLICT(name) "
                    "DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
                    (name, failures, to_db(locked_until) if locked_until else None))
                events.record(conn, station, who, "staff.sign_in_failed", subject=name, data={"failures": failures})
                if locked_until:
                    events.record(conn, station, who, "staff.locked_out", subject=name,
                                  data={"failures": failures, "seconds": seconds, "until": to_db(locked_until)})
    if locked_until is not None:
        wait = max(1, int((locked_until - now).total_seconds() + 0.999))
        raise DomainError("error.sign_in_locked", name=name, seconds=wait,
                          at=local_time(station, to_db(locked_until)))
    if not ok:
        raise DomainError("error.sign_in_failed")
    return _staff(row)
