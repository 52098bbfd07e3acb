"""Pre-inspection drafts: the half-finished intake, saved at every step.

Each save is its own committed write, so killing the app (or a power cut) loses at
most the field being typed; the next start on the same terminal offers the open draft
and the screen resumes at its step with every field as it was. The device passcode in a
draft is sealed with the key beside the station file, like the order's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from deskapp.rules.dates import to_db
from deskapp.rules.errors import NotFound
from deskapp.storage.sealed import seal, unseal


@dataclass(frozen=True)
class Draft:
    id: int
    terminal: str
    staff_id: int | None
    step: str
    data: dict
    updated_at: str


PASSCODE_CONTEXT = "draft:passcode"


def _draft(station, row) -> Draft:
    data = json.loads(row["data"])
    if data.get("passcode"):
        data["passcode"] = unseal(station.store, PASSCODE_CONTEXT, data["passcode"])
    return Draft(row["id"], row["terminal"], row["staff_id"], row["step"], data, row["updated_at"])


def _stored(station, data: dict) -> str:
    """The draft as the file keeps it: the device passcode sealed with the key beside the file."""
    if data.get("passcode"):
        data = {**data, "passcode": seal(station.store, PASSCODE_CONTEXT, str(data["passcode"]))}
    return json.dumps(data, ensure_ascii=False)


def save(station, actor, step: str, data: dict, draft_id: int | None = None) -> int:
    """Create or update the open draft; returns its id."""
    now = to_db(station.now())
    payload = _stored(station, data)
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
    return [_draft(station, r) for r in rows]


def get(station, draft_id: int) -> Draft:
    row = station.store.query_one("SELECT * FROM intake_drafts WHERE id = ?", (draft_id,))
    if row is None:
        raise NotFound("error.draft_not_found", id=draft_id)
    return _draft(station, row)


def finish(station, draft_id: int, status: str, order_id: int | None = None) -> None:
    """Close a draft (done, refused or discarded); its data, passcode included, is wiped."""
    with station.store.write() as conn:
        conn.execute(
            "UPDATE intake_drafts SET status = ?, order_id = ?, data = '{}', updated_at = ? WHERE id = ?",
            (status, order_id, to_db(station.now()), draft_id),
        )
