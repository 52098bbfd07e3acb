"""Pre-inspection drafts: the half-finished intake, saved at every step.

Each save is its own committed write, so killing the app (or a power cut) loses at
most the field being typed; the next start on the same terminal offers the open draft
and the screen resumes at its step with every field as it was.

A draft belongs to the running terminal that saves it (its :class:`Seat`: the terminal's
name, plus the host, process and a token of this run), not to the terminal's name, which
several terminals on one machine share. The ``terminal`` column holds the seat's key
(``name#host:pid:start:token``). A draft whose seat is no longer running (the app ended
or was killed) is offered again to a terminal of the same name; one still being typed
on another terminal is never offered, and a save never lands in a draft another seat
has taken over.
The device passcode in a draft is sealed with the key beside the station file, like the order's.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import dataclass

from deskapp.rules.dates import from_db, to_db
from deskapp.rules.errors import DomainError, NotFound
from deskapp.storage.sealed import seal, unseal

_RUNNING: set[str] = set()  # tokens of the seats of this process whose app still runs


def _process_start(pid: int) -> str:
    """When the process started (clock ticks since boot, Linux), so a reused pid is not
    taken for the terminal that had it; "" where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return ""


@dataclass(frozen=True)
class Seat:
    """One running terminal, as its drafts know it."""

    name: str  # the terminal's name (as in the event log): not unique
    host: str
    pid: int
    started: str
    token: str

    @property
    def key(self) -> str:
        return f"{self.name}#{self.host}:{self.pid}:{self.started}:{self.token}"


def new_seat(terminal: str) -> Seat:
    """The seat of a terminal starting now; it counts as running until :func:`leave_seat`."""
    pid = os.getpid()
    seat = Seat(str(terminal), socket.gethostname().replace(":", "-"), pid, _process_start(pid),
                secrets.token_hex(4))
    _RUNNING.add(seat.token)
    return seat


def leave_seat(seat: Seat) -> None:
    """The terminal's app ends: its open drafts can be resumed by the next one of its name."""
    _RUNNING.discard(seat.token)


def _name_of(key: str) -> str:
    name, sep, _ = str(key).rpartition("#")
    return name if sep else str(key)


def held_elsewhere(key: str, seat: Seat) -> bool:
    """Is the draft saved under ``key`` held by another terminal that is still running?"""
    if key == seat.key:
        return False
    name, sep, rest = str(key).rpartition("#")
    parts = rest.split(":")
    if not sep or len(parts) != 4:
        return False  # saved under a bare terminal name: no running seat holds it
    host, pid_text, started, token = parts
    if host != seat.host:
        return True  # another machine's terminal: it cannot be told dead from here
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return token in _RUNNING
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    except OSError:
        return False
    return not started or _process_start(pid) in (started, "")


@dataclass(frozen=True)
class Draft:
    id: int
    terminal: str
    staff_id: int | None
    step: str
    data: dict
    updated_at: str
    created_at: str = ""


PASSCODE_CONTEXT = "draft:passcode"


def _draft(station, row) -> Draft:
    data = json.loads(row["data"])
    if data.get("passcode"):
        data["passcode"] = unseal(station.store, PASSCODE_CONTEXT, data["passcode"])
    return Draft(row["id"], row["terminal"], row["staff_id"], row["step"], data, row["updated_at"],
                 row["created_at"])


def _stored(station, data: dict) -> str:
    """The draft as the file keeps it: the device passcode sealed with the key beside the file."""
    if data.get("passcode"):
        data = {**data, "passcode": seal(station.store, PASSCODE_CONTEXT, str(data["passcode"]))}
    return json.dumps(data, ensure_ascii=False)


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


def save(station, actor, step: str, data: dict, draft_id: int | None = None, seat: Seat | None = None) -> int:
    """Create or update the open draft; returns its id. With a ``seat``, only a draft that
    seat holds is updated: one another terminal has taken over meanwhile is left as it is,
    and this save becomes a new draft (nothing typed on either terminal is lost)."""
    now = to_db(station.now())
    payload = _stored(station, data)
    holder = seat.key if seat is not None else actor.terminal
    with station.store.write() as conn:
        if draft_id is not None:
            if seat is not None:
                cur = conn.execute(
                    "UPDATE intake_drafts SET step = ?, data = ?, updated_at = ?"
                    " WHERE id = ? AND status = 'open' AND terminal = ?",
                    (step, payload, now, draft_id, holder),
                )
            else:
                cur = conn.execute(
                    "UPDATE intake_drafts SET step = ?, data = ?, updated_at = ? WHERE id = ? AND status = 'open'",
                    (step, payload, now, draft_id),
                )
            if cur.rowcount == 1:
                return draft_id
        cur = conn.execute(
            "INSERT INTO intake_drafts (terminal, staff_id, step, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (holder, actor.staff_id, step, payload, now, now),
        )
        return cur.lastrowid


def open_drafts(station, terminal: str) -> list[Draft]:
    """Open drafts saved on terminals of this name (whichever seat), newest first."""
    name = _name_of(terminal)
    like = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "#%"
    rows = station.store.query(
        "SELECT * FROM intake_drafts WHERE status = 'open' AND (terminal = ? OR terminal LIKE ? ESCAPE '\\')"
        " ORDER BY updated_at DESC, id DESC",
        (name, like),
    )
    return [_draft(station, r) for r in rows if _name_of(r["terminal"]) == name]


def resumable(station, seat: Seat) -> list[Draft]:
    """The drafts this terminal may resume: its own, and those of terminals of its name that
    are no longer running; never one still open on another running terminal."""
    return only_resumable(open_drafts(station, seat.name), seat)


def only_resumable(found, seat: Seat) -> list[Draft]:
    return [d for d in found if not held_elsewhere(d.terminal, seat)]


def claim(station, seat: Seat, draft_id: int) -> Draft:
    """Take a draft over to resume it here, decided under the write lock: refused if it is
    closed or another running terminal holds it."""
    with station.store.write() as conn:
        row = conn.execute("SELECT * FROM intake_drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NotFound("error.draft_not_found", id=draft_id)
        if row["status"] != "open":
            raise DomainError("error.draft_closed", id=draft_id)
        if held_elsewhere(row["terminal"], seat):
            raise DomainError("error.draft_in_use", id=draft_id)
        if row["terminal"] != seat.key:
            conn.execute("UPDATE intake_drafts SET terminal = ? WHERE id = ?", (seat.key, draft_id))
    return get(station, draft_id)


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


def discard(station, seat: Seat, draft_id: int) -> None:
    """Discard a draft left open here, decided under the write lock: refused if another
    running terminal has taken it over meanwhile (its typing is not thrown away)."""
    with station.store.write() as conn:
        row = conn.execute("SELECT status, terminal FROM intake_drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NotFound("error.draft_not_found", id=draft_id)
        if row["status"] == "open" and held_elsewhere(row["terminal"], seat):
            raise DomainError("error.draft_in_use", id=draft_id)
        finish(station, draft_id, "discarded")
