"""Queue numbers per service type: issued in order, restarting daily, called to the desk.

The same service is used by the reception screens, the customer kiosk and
``deskapp queue take``.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.rules.dates import to_db
from deskapp.rules.errors import NotFound, ValidationError
from deskapp.rules.numbering import queue_code
from deskapp.settings.station_config import SERVICES
from deskapp.storage import events
from deskapp.storage.counters import next_queue_number


@dataclass(frozen=True)
class QueueTicket:
    id: int
    service: str
    day: str
    number: int
    code: str
    status: str
    issued_at: str
    ahead: int  # customers of the same service waiting before this one when issued/read

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "service": self.service,
            "day": self.day,
            "number": self.number,
            "status": self.status,
            "issued_at": self.issued_at,
            "ahead": self.ahead,
        }


def _require_service(service: str) -> str:
    if service not in SERVICES:
        raise ValidationError("service", "error.unknown_service", service=service, known=", ".join(SERVICES))
    return service


def take_number(station, actor, service: str) -> QueueTicket:
    """Issue the next number of ``service`` today. Unique and strictly increasing across terminals."""
    _require_service(service)
    day = station.today()
    with station.store.write() as conn:
        # the time taken under the lock: numbers and times in the same order at every terminal
        # (the counter calls by time, then number)
        issued_at = to_db(station.now())
        number = next_queue_number(conn, service, day)
        code = queue_code(station.config.queue_prefix[service], number)
        cur = conn.execute(
            "INSERT INTO queue_tickets (service, day, number, code, issued_at, terminal) VALUES (?, ?, ?, ?, ?, ?)",
            (service, day.isoformat(), number, code, issued_at, actor.terminal),
        )
        ahead = conn.execute(
            "SELECT COUNT(*) FROM queue_tickets WHERE day = ? AND status = 'waiting' AND service = ? AND number < ?",
            (day.isoformat(), service, number),
        ).fetchone()[0]
        events.record(conn, station, actor, "queue.issued", subject=code, data={"service": service, "ahead": ahead})
    return QueueTicket(cur.lastrowid, service, day.isoformat(), number, code, "waiting", issued_at, ahead)


def waiting_counts(station) -> dict[str, int]:
    day = station.today().isoformat()
    rows = station.store.query(
        "SELECT service, COUNT(*) AS n FROM queue_tickets WHERE day = ? AND status = 'waiting' GROUP BY service",
        (day,),
    )
    counts = dict.fromkeys(SERVICES, 0)
    counts.update({r["service"]: r["n"] for r in rows})
    return counts


def call_next(station, actor, service: str | tuple[str, ...]) -> QueueTicket | None:
    """Call the longest-waiting number of ``service`` (or of several services, as the reception
    desk serves drop-off and inquiry) to the desk; None when nobody waits."""
    services = (service,) if isinstance(service, str) else tuple(service)
    for s in services:
        _require_service(s)
    day = station.today().isoformat()
    marks = ",".join("?" * len(services))
    with station.store.write() as conn:
        row = conn.execute(
            f"SELECT * FROM queue_tickets WHERE day = ? AND status = 'waiting' AND service IN ({marks})"
            " ORDER BY issued_at, number LIMIT 1",
            (day, *services),
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            "UPDATE queue_tickets SET status = 'called', called_at = ? WHERE id = ?", (to_db(station.now()), row["id"])
        )
        events.record(conn, station, actor, "queue.called", subject=row["code"], data={"service": row["service"]})
    return QueueTicket(row["id"], row["service"], day, row["number"], row["code"], "called", row["issued_at"], 0)


def now_serving(station) -> QueueTicket | None:
    """The number most recently called today (what the desk is serving)."""
    row = station.store.query_one(
        "SELECT * FROM queue_tickets WHERE day = ? AND status = 'called' ORDER BY called_at DESC LIMIT 1",
        (station.today().isoformat(),),
    )
    if row is None:
        return None
    return QueueTicket(row["id"], row["service"], row["day"], row["number"], row["code"], row["status"], row["issued_at"], 0)


def recall(station, actor, code: str) -> None:
    """Call the same number again (logged: the customer was called twice)."""
    with station.store.write() as conn:
        events.record(conn, station, actor, "queue.recalled", subject=code)


def set_status(station, actor, code: str, status: str) -> None:
    """Mark today's ticket ``code`` served or skipped (no-show)."""
    if status not in ("served", "skipped", "waiting"):
        raise ValidationError("status", "error.choice", value=status, allowed="served, skipped, waiting")
    day = station.today().isoformat()
    with station.store.write() as conn:
        row = conn.execute("SELECT id FROM queue_tickets WHERE day = ? AND code = ?", (day, code)).fetchone()
        if row is None:
            raise NotFound("error.ticket_not_found", code=code)
        conn.execute("UPDATE queue_tickets SET status = ? WHERE id = ?", (status, row["id"]))
        events.record(conn, station, actor, f"queue.{status}", subject=code)
