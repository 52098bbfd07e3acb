"""``queue take``: a queue number, as the kiosk and the reception screens issue it."""

from __future__ import annotations

from deskapp.cli.output import emit_json, local_time
from deskapp.cli.station import opened


def cmd_queue_take(args, tr) -> int:
    from deskapp.reception.queue import take_number
    from deskapp.station import Actor

    with opened(args) as station:
        ticket = take_number(station, Actor.system(), args.service)
        if args.json:
            emit_json(ticket.as_dict())
        else:
            t = station.tr
            print(t.t("cli.queue_ticket", code=ticket.code, service=t.t(f"service.{ticket.service}"),
                      time=local_time(station, ticket.issued_at), ahead=ticket.ahead))
    return 0
