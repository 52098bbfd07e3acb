"""What the waiting area's display board shows: per service desk the number being served
and the next ones waiting, and the orders ready for pickup by number only (no names: the
board is in a public room). One read of the station file, by the board's worker."""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.settings.station_config import SERVICES

NEXT_SHOWN = 4
READY_SHOWN = 12


@dataclass(frozen=True)
class DeskLine:
    service: str
    serving: str  # the code called last at this desk today, "" if none yet
    call_id: int | None  # the ticket row of that call, to tell a new call from the same one
    called_at: str | None
    next_codes: tuple[str, ...]


@dataclass(frozen=True)
class BoardView:
    desks: tuple[DeskLine, ...]
    ready: tuple[str, ...]  # order numbers ready for pickup, oldest first
    ready_count: int

    def latest_call(self) -> DeskLine | None:
        called = [d for d in self.desks if d.called_at]
        return max(called, key=lambda d: d.called_at) if called else None


def board_view(station) -> BoardView:
    day = station.today().isoformat()
    with station.store.read() as conn:
        desks = []
        for service in SERVICES:
            row = conn.execute(
                "SELECT id, code, called_at FROM queue_tickets WHERE day = ? AND service = ? AND called_at IS NOT NULL"
                " ORDER BY called_at DESC, id DESC LIMIT 1", (day, service)).fetchone()
            waiting = conn.execute(
                "SELECT code FROM queue_tickets WHERE day = ? AND service = ? AND status = 'waiting'"
                " ORDER BY number LIMIT ?", (day, service, NEXT_SHOWN)).fetchall()
            desks.append(DeskLine(service, row["code"] if row else "", row["id"] if row else None,
                                  row["called_at"] if row else None, tuple(r["code"] for r in waiting)))
        ready = conn.execute("SELECT number FROM repair_orders WHERE state = 'ready' ORDER BY updated_at, id LIMIT ?",
                             (READY_SHOWN,)).fetchall()
        count = conn.execute("SELECT COUNT(*) FROM repair_orders WHERE state = 'ready'").fetchone()[0]
    return BoardView(tuple(desks), tuple(r["number"] for r in ready), count)
