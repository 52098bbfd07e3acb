"""The append-only event log: every change records who, when, which terminal and what.

The table refuses UPDATE and DELETE (triggers in the schema), so history cannot be
rewritten from the app or by a careless script.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from deskapp.rules.dates import to_db


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    actor: str
    staff_id: int | None
    terminal: str
    kind: str
    order_id: int | None
    subject: str
    data: dict

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "staff_id": self.staff_id,
            "terminal": self.terminal,
            "kind": self.kind,
            "subject": self.subject,
            "data": self.data,
        }


def record(
    conn: sqlite3.Connection,
    station,
    actor,
    kind: str,
    *,
    subject: str = "",
    order_id: int | None = None,
    data: dict | None = None,
) -> int:
    """Append one event. Call inside the write transaction of the change it records."""
    cur = conn.execute(
        "INSERT INTO events (at, staff_id, actor, terminal, kind, order_id, subject, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            to_db(station.now()),
            actor.staff_id,
            actor.name,
            actor.terminal,
            kind,
            order_id,
            subject,
            json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str),
        ),
    )
    return cur.lastrowid


def _event(row) -> Event:
    return Event(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        staff_id=row["staff_id"],
        terminal=row["terminal"],
        kind=row["kind"],
        order_id=row["order_id"],
        subject=row["subject"],
        data=json.loads(row["data"]),
    )


def for_order(station, order_id: int) -> list[Event]:
    rows = station.store.query("SELECT * FROM events WHERE order_id = ? ORDER BY id", (order_id,))
    return [_event(r) for r in rows]


def recent(station, limit: int = 50, kind_prefix: str | None = None) -> list[Event]:
    if kind_prefix:
        rows = station.store.query(
            "SELECT * FROM events WHERE kind >= ? AND kind < ? ORDER BY id DESC LIMIT ?",
            (kind_prefix, kind_prefix + "\uffff", limit),
        )
    else:
        rows = station.store.query("SELECT * FROM events ORDER BY id DESC LIMIT ?", (limit,))
    return [_event(r) for r in rows]
