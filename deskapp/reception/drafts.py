"""Pre-inspection drafts: the half-finished intake, saved at every step.

Each save is its own committed write, so killing the app (or a power cut) loses at
most the field being typed; the next start on the same terminal offers the open draft
and the screen resumes at its step with every field as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from deskapp.rules.dates import from_db, to_db
from deskapp.rules.errors import NotFound


@dataclass(frozen=True)
class Draft:
    id: int
    terminal: str
    staff_id: int | None
    step: str
    data: dict
    updated_at: str
    created_at: str = ""


def _draft(row) -> Draft:
    return Draft(row["id"], row["terminal"], row["staff_id"], row["step"], json.loads(row["data"]), row["updated_at"],
                 row["created_at"])


def queue_code_today(station, data: dict, created_at: str | None = None) -> str:
    """The draft's queue number if it was issued today, else "": a number is a ticket of one
    day (A001 tomorrow is somebody else). The day is the draft's ``queue_day``, or for a draft
    saved without one, the day the draft was begun."""
    code = str(data.get("queue_code") or "")
    if not code:
        return ""
    day = data.get("queue_day")
    if not day:
        begun = from_db(created_at) if created_at else None
        day = begun.astimezone(station.tz).date().isoformat() if begun else station.today().isoformat()
    return code if day == station.today().isoformat() else ""


def save(station, actor, step: str, data: dict, draft_id: int | None = None) -> int:
    """Create or update the open draft; returns its id."""
    now = to_db(station.now())
    payload = json.dumps(data, ensure_ascii=False)
    with station.store.write() as conn:
        if draft_id is not None:
            cur = conn.execute(
                "UPDATE intake_drafts SET step = ?, data = ?, updated_at = ? WHERE id = ? AND status = 'open'",
                (step, payload, now, draft_id),
            )
            if cur.rowcount == 1:
                return draft_id
        cur = conn.execute(
            "INSERT INTO intake_drafts (terminal, staff_id, step, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (actor.terminal, actor.staff_id, step, payload, now, now),
        )
        return cur.lastrowid


def open_drafts(station, terminal: str) -> list[Draft]:
    """Open drafts of this terminal, newest first."""
    rows = station.store.query(
        "SELECT * FROM intake_drafts WHERE status = 'open' AND terminal = ? ORDER BY updated_at DESC", (terminal,)
    )
    return [_draft(r) for r in rows]


def get(station, draft_id: int) -> Draft:
    row = station.store.query_one("SELECT * FROM intake_drafts WHERE id = ?", (draft_id,))
    if row is None:
        raise NotFound("error.draft_not_found", id=draft_id)
    return _draft(row)


def finish(station, draft_id: int, status: str, order_id: int | None = None) -> None:
    """Close a draft (done, refused or discarded); its data, passcode included, is wiped."""
    with station.store.write() as conn:
        conn.execute(
            "UPDATE intake_drafts SET status = ?, order_id = ?, data = '{}', updated_at = ? WHERE id = ?",
            (status, order_id, to_db(station.now()), draft_id),
        )
